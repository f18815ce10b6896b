"""Runtime data of an SMS IoT config entry."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Protocol

from homeassistant.config_entries import ConfigEntry, ConfigSubentry
from homeassistant.const import CONF_ENTITY_ID
from homeassistant.core import State
from homeassistant.exceptions import HomeAssistantError

from .commands import normalize
from .const import (
    CONF_ACCOUNT_SID,
    CONF_ALIASES,
    CONF_ASSIST_AGENT,
    CONF_CONFIRM,
    CONF_DEFAULT_DEVICE,
    CONF_DEVICES,
    CONF_HOURLY_CAP,
    CONF_KORE_CLIENT_ID,
    CONF_KORE_SECRET,
    CONF_KORE_UNSIGNED,
    CONF_LANGUAGE,
    CONF_MODEM_DEVICE,
    CONF_NUMBER,
    CONF_PERMISSION,
    CONF_PERSON,
    CONF_PIN,
    CONF_PUBLIC_URL,
    CONF_RATE_LIMIT,
    CONF_REPLY_TO_STRANGERS,
    CONF_ROUTE,
    CONF_SIM_SID,
    CONF_TWILIO_NUMBER,
    CONFIRM_ALWAYS,
    CONFIRM_AUTO,
    CONFIRM_NEVER,
    DEFAULT_HOURLY_CAP,
    DEFAULT_RATE_LIMIT,
    PERMISSION_CONTROL,
    ROUTE_MODEM,
    ROUTE_NONE,
    ROUTE_TWILIO,
    SUBENTRY_DEVICE,
    SUBENTRY_NUMBER,
    SUBENTRY_SIM,
)
from .kinds import domain_of, guards
from .limits import SlidingWindow
from .message_status import MessageStatuses

if TYPE_CHECKING:
    from .compliance import Compliance
    from .inbox import Inbox
    from .kore_client import KoreClient
    from .modem import Modem
    from .twilio_client import TwilioClient
    from .twilio_webhook import RefusalLog, SignatureWatch

type SmsIotConfigEntry = ConfigEntry[SmsIotData]


@dataclass(frozen=True, slots=True)
class Device:
    """An entity that can be read or controlled by SMS."""

    subentry_id: str
    entity_id: str
    name: str
    aliases: tuple[str, ...]
    # Commands on it wait for a code the sender texts back: always, never, or by kind.
    confirm: str = CONFIRM_AUTO

    @property
    def domain(self) -> str:
        """Return the entity's domain."""
        return domain_of(self.entity_id)

    def needs_code(self, state: State | None) -> bool:
        """Return True if a command on the device waits for a confirmation code."""
        if self.confirm == CONFIRM_AUTO:
            return guards(self.domain, state)
        return self.confirm == CONFIRM_ALWAYS


@dataclass(frozen=True, slots=True)
class AuthorizedNumber:
    """A phone number allowed to text commands."""

    subentry_id: str
    name: str
    number: str
    can_control: bool
    devices: tuple[Device, ...]
    default_device: Device | None
    # What texts through the modem must start with (a GSM sender id can be spoofed).
    pin: str | None = field(default=None, repr=False)
    # The language the number texts in and is answered in; None: Home Assistant's.
    language: str | None = None
    # The person entity whose user the number's commands run as.
    person: str | None = None
    # The conversation agent that answers what sms_iot does not understand; None: nobody.
    assist_agent: str | None = None


@dataclass(frozen=True, slots=True)
class TwilioSettings:
    """The Twilio account, number and signed webhook URL of an entry."""

    account_sid: str
    public_url: str
    number: str


@dataclass(frozen=True, slots=True)
class KoreSettings:
    """The KORE account's API client, callback URL and how callbacks are authenticated."""

    client_id: str
    public_url: str
    webhook_secret: str
    accept_unsigned: bool


@dataclass(frozen=True, slots=True)
class SmsIotConfig:
    """Frozen view of the entry's configuration, rebuilt when it changes."""

    modem_device: str | None
    route: str
    reply_to_strangers: bool
    rate_limit: int
    hourly_cap: int
    numbers: MappingProxyType[str, AuthorizedNumber]
    # SIMs allowed to send commands, by SIM sid: the same permission model as numbers.
    sims: MappingProxyType[str, AuthorizedNumber]
    devices: tuple[Device, ...]
    by_name: MappingProxyType[str, Device]

    def find_device(self, phrase: str) -> Device | None:
        """Return the configured device whose name or alias matches the phrase."""
        return self.by_name.get(normalize(phrase))


@dataclass(slots=True)
class SmsIotData:
    """Runtime data of an SMS IoT config entry: the config view and the objects that own state."""

    config: SmsIotConfig
    service_device_id: str
    inbox: Inbox
    twilio: TwilioLink | None
    kore: KoreLink | None
    modem: Modem | None
    # The ways out, in the order the route tries them (never empty).
    senders: tuple[Sender, ...]
    refusals: RefusalLog
    outbound: SlidingWindow = field(default_factory=lambda: SlidingWindow(3600))
    statuses: MessageStatuses = field(default_factory=MessageStatuses)


@dataclass(slots=True)
class TwilioLink:
    """The Twilio side of an entry: settings, REST client and signature checks."""

    settings: TwilioSettings
    client: TwilioClient
    signatures: SignatureWatch
    compliance: Compliance


@dataclass(slots=True)
class KoreLink:
    """The KORE side of an entry: settings and REST client."""

    settings: KoreSettings
    client: KoreClient


class SenderUnavailableError(HomeAssistantError):
    """A way out cannot be used now (network, service down): the next one may be tried."""


class Sender(Protocol):
    """A way texts leave: Twilio's REST API or the modem."""

    via: str
    media: bool

    def split(self, text: str) -> list[str]:
        """Return the parts this way sends a text as."""

    async def async_send_part(
        self, to: str, part: str, media: list[str]
    ) -> dict[str, Any]:
        """Send one part; return what the service said about it."""


def twilio_settings(entry: ConfigEntry) -> TwilioSettings | None:
    """Return the entry's Twilio settings, or None for an entry without Twilio."""
    if CONF_ACCOUNT_SID not in entry.data:
        return None
    return TwilioSettings(
        account_sid=entry.data[CONF_ACCOUNT_SID],
        public_url=entry.data[CONF_PUBLIC_URL],
        number=entry.data[CONF_TWILIO_NUMBER],
    )


def kore_settings(entry: ConfigEntry) -> KoreSettings | None:
    """Return the entry's KORE settings, or None for an entry without KORE."""
    if CONF_KORE_CLIENT_ID not in entry.data:
        return None
    return KoreSettings(
        client_id=entry.data[CONF_KORE_CLIENT_ID],
        public_url=entry.data[CONF_PUBLIC_URL],
        webhook_secret=entry.data.get(CONF_KORE_SECRET) or "",
        accept_unsigned=bool(entry.data.get(CONF_KORE_UNSIGNED)),
    )


def _identities(
    entry: ConfigEntry, subentry_type: str, key: str, devices: dict[str, Device]
) -> dict[str, AuthorizedNumber]:
    """Return the authorized numbers (or SIMs) of an entry by their identity."""
    return {
        subentry.data[key]: _authorized(subentry, subentry.data[key], devices)
        for subentry in entry.subentries.values()
        if subentry.subentry_type == subentry_type
    }


def _authorized(
    subentry: ConfigSubentry, identity: str, devices: dict[str, Device]
) -> AuthorizedNumber:
    """Return who an authorized number or SIM is and what it may do."""
    allowed = subentry.data.get(CONF_DEVICES) or list(devices)
    permitted = tuple(devices[d] for d in allowed if d in devices)
    default_id = subentry.data.get(CONF_DEFAULT_DEVICE)
    default = devices.get(default_id) if default_id else None
    if default is None and len(permitted) == 1:
        default = permitted[0]
    return AuthorizedNumber(
        subentry_id=subentry.subentry_id,
        name=subentry.title,
        number=identity,
        can_control=subentry.data[CONF_PERMISSION] == PERMISSION_CONTROL,
        devices=permitted,
        default_device=default if default in permitted else None,
        pin=subentry.data.get(CONF_PIN) or None,
        language=subentry.data.get(CONF_LANGUAGE) or None,
        person=subentry.data.get(CONF_PERSON) or None,
        assist_agent=subentry.data.get(CONF_ASSIST_AGENT) or None,
    )


def confirm_mode(stored: object) -> str:
    """Return a device's confirmation mode (early builds stored a tick: unticked is by kind)."""
    if stored is True:
        return CONFIRM_ALWAYS
    if stored in (CONFIRM_ALWAYS, CONFIRM_NEVER):
        return str(stored)
    return CONFIRM_AUTO


def build_config(entry: ConfigEntry) -> SmsIotConfig:
    """Build the frozen configuration view from the entry and its subentries."""
    devices = {
        subentry.subentry_id: Device(
            subentry_id=subentry.subentry_id,
            entity_id=subentry.data[CONF_ENTITY_ID],
            name=subentry.title,
            aliases=tuple(normalize(a) for a in subentry.data.get(CONF_ALIASES, [])),
            confirm=confirm_mode(subentry.data.get(CONF_CONFIRM)),
        )
        for subentry in entry.subentries.values()
        if subentry.subentry_type == SUBENTRY_DEVICE
    }
    numbers = _identities(entry, SUBENTRY_NUMBER, CONF_NUMBER, devices)
    sims = _identities(entry, SUBENTRY_SIM, CONF_SIM_SID, devices)
    modem_device = entry.options.get(CONF_MODEM_DEVICE) or None
    if CONF_KORE_CLIENT_ID in entry.data:
        route = ROUTE_NONE
    elif CONF_ACCOUNT_SID not in entry.data:
        route = ROUTE_MODEM
    elif modem_device is None:
        route = ROUTE_TWILIO
    else:
        route = entry.options.get(CONF_ROUTE, ROUTE_TWILIO)
    return SmsIotConfig(
        modem_device=modem_device,
        route=route,
        reply_to_strangers=entry.options.get(CONF_REPLY_TO_STRANGERS, False),
        rate_limit=int(entry.options.get(CONF_RATE_LIMIT, DEFAULT_RATE_LIMIT)),
        hourly_cap=int(entry.options.get(CONF_HOURLY_CAP, DEFAULT_HOURLY_CAP)),
        numbers=MappingProxyType(numbers),
        sims=MappingProxyType(sims),
        devices=tuple(devices.values()),
        # Names win over aliases; the device flow keeps both unique anyway.
        by_name=MappingProxyType(
            {alias: d for d in devices.values() for alias in d.aliases}
            | {normalize(d.name): d for d in devices.values()}
        ),
    )
