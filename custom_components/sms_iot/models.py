"""Runtime data of an SMS IoT config entry."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType

from twilio.request_validator import RequestValidator

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_ENTITY_ID

from .commands import normalize
from .const import (
    CONF_ALIASES,
    CONF_AUTH_TOKEN,
    CONF_DEFAULT_DEVICE,
    CONF_DEVICES,
    CONF_NUMBER,
    CONF_PERMISSION,
    CONF_PUBLIC_URL,
    CONF_REPLY_TO_STRANGERS,
    PERMISSION_CONTROL,
    SUBENTRY_DEVICE,
    SUBENTRY_NUMBER,
)
from .security import DedupeCache, OncePer

type SmsIotConfigEntry = ConfigEntry[SmsIotData]


@dataclass(frozen=True, slots=True)
class Device:
    """A light or switch that can be controlled by SMS."""

    subentry_id: str
    entity_id: str
    name: str
    aliases: tuple[str, ...]

    @property
    def domain(self) -> str:
        """Return the entity's domain (light or switch)."""
        return self.entity_id.split(".", 1)[0]


@dataclass(frozen=True, slots=True)
class AuthorizedNumber:
    """A phone number allowed to text commands."""

    subentry_id: str
    name: str
    number: str
    can_control: bool
    devices: tuple[Device, ...]
    default_device: Device | None


@dataclass(frozen=True, slots=True)
class SmsIotConfig:
    """Frozen view of the entry's configuration, rebuilt when it changes."""

    public_url: str
    reply_to_strangers: bool
    numbers: MappingProxyType[str, AuthorizedNumber]
    devices: tuple[Device, ...]

    def find_device(self, phrase: str) -> Device | None:
        """Return the configured device whose name or alias matches the phrase."""
        wanted = normalize(phrase)
        for device in self.devices:
            if wanted == normalize(device.name) or wanted in device.aliases:
                return device
        return None


@dataclass(slots=True)
class SmsIotData:
    """Runtime data of an SMS IoT config entry."""

    config: SmsIotConfig
    validator: RequestValidator
    dedupe: DedupeCache = field(default_factory=DedupeCache)
    stranger_refusals: OncePer = field(default_factory=OncePer)


def build_config(entry: ConfigEntry) -> SmsIotConfig:
    """Build the frozen configuration view from the entry and its subentries."""
    devices = {
        subentry.subentry_id: Device(
            subentry_id=subentry.subentry_id,
            entity_id=subentry.data[CONF_ENTITY_ID],
            name=subentry.title,
            aliases=tuple(normalize(a) for a in subentry.data.get(CONF_ALIASES, [])),
        )
        for subentry in entry.subentries.values()
        if subentry.subentry_type == SUBENTRY_DEVICE
    }
    numbers: dict[str, AuthorizedNumber] = {}
    for subentry in entry.subentries.values():
        if subentry.subentry_type != SUBENTRY_NUMBER:
            continue
        allowed = subentry.data.get(CONF_DEVICES) or list(devices)
        permitted = tuple(devices[d] for d in allowed if d in devices)
        default_id = subentry.data.get(CONF_DEFAULT_DEVICE)
        default = devices.get(default_id) if default_id else None
        if default is None and len(permitted) == 1:
            default = permitted[0]
        number = subentry.data[CONF_NUMBER]
        numbers[number] = AuthorizedNumber(
            subentry_id=subentry.subentry_id,
            name=subentry.title,
            number=number,
            can_control=subentry.data[CONF_PERMISSION] == PERMISSION_CONTROL,
            devices=permitted,
            default_device=default if default in permitted else None,
        )
    return SmsIotConfig(
        public_url=entry.data[CONF_PUBLIC_URL],
        reply_to_strangers=entry.options.get(CONF_REPLY_TO_STRANGERS, False),
        numbers=MappingProxyType(numbers),
        devices=tuple(devices.values()),
    )


def build_data(entry: ConfigEntry) -> SmsIotData:
    """Create the runtime data for a config entry."""
    return SmsIotData(
        config=build_config(entry),
        validator=RequestValidator(entry.data[CONF_AUTH_TOKEN]),
    )
