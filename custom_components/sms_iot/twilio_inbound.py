"""What Twilio's API says about the number that receives texts, and where it sends them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from twilio.base.exceptions import TwilioRestException

from .phone import is_toll_free, region_of

if TYPE_CHECKING:
    from twilio.rest import Client

# A number belongs to at most one Messaging Service; an account rarely has more than this.
SERVICES_SCANNED = 50


@dataclass(frozen=True, slots=True)
class InboundWebhook:
    """Where Twilio sends an incoming text: URL and HTTP method (None when unset)."""

    url: str | None
    method: str | None

    def as_dict(self) -> dict[str, str | None]:
        """Return it for a config entry's data."""
        return {"url": self.url, "method": self.method}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> InboundWebhook:
        """Return it from a config entry's data."""
        return cls(data.get("url"), data.get("method"))


@dataclass(frozen=True, slots=True)
class NumberFacts:
    """The receiving number (or Messaging Service) as Twilio's API describes it."""

    sid: str
    name: str | None
    inbound: InboundWebhook
    sms: bool
    kind: str | None = None
    country: str | None = None
    sms_application: bool = False
    service_sid: str | None = None
    service_inbound: InboundWebhook | None = None
    numbers_override_service: bool = False
    a2p_registered: bool | None = None
    tollfree_verified: bool | None = None

    @property
    def is_service(self) -> bool:
        """Return True for a Messaging Service."""
        return self.sid.startswith("MG")

    @property
    def service_decides(self) -> bool:
        """Return True if the number's Messaging Service, not the number, picks the URL."""
        return self.service_sid is not None and not self.numbers_override_service


def service_facts(service: Any) -> NumberFacts:
    """Describe a Messaging Service."""
    return NumberFacts(
        sid=str(service.sid),
        name=service.friendly_name,
        inbound=InboundWebhook(service.inbound_request_url, service.inbound_method),
        sms=True,
        numbers_override_service=bool(service.use_inbound_webhook_on_number),
        a2p_registered=service.us_app_to_person_registered,
    )


async def async_number_facts(client: Client, number: Any) -> NumberFacts:
    """Describe an IncomingPhoneNumber: capabilities, webhook, Messaging Service, checks."""
    capabilities = number.capabilities or {}
    service = await _async_find_service(client, str(number.sid))
    phone_number = str(number.phone_number)
    kind = number.type or ("toll-free" if is_toll_free(phone_number) else None)
    tollfree = None
    if kind == "toll-free":
        verifications = await client.messaging.v1.tollfree_verifications.list_async(
            tollfree_phone_number_sid=number.sid, limit=1
        )
        tollfree = bool(verifications) and verifications[0].status == "TWILIO_APPROVED"
    return NumberFacts(
        sid=str(number.sid),
        name=number.friendly_name,
        inbound=InboundWebhook(number.sms_url or None, number.sms_method),
        sms=bool(capabilities.get("sms", capabilities.get("SMS", False))),
        kind=kind,
        country=region_of(phone_number),
        sms_application=bool(number.sms_application_sid),
        service_sid=service.sid if service else None,
        service_inbound=service.inbound if service else None,
        numbers_override_service=service.numbers_override_service if service else False,
        a2p_registered=service.a2p_registered if service else None,
        tollfree_verified=tollfree,
    )


async def _async_find_service(client: Client, number_sid: str) -> NumberFacts | None:
    """Return the Messaging Service the number belongs to, if any."""
    for service in await client.messaging.v1.services.list_async(
        limit=SERVICES_SCANNED
    ):
        try:
            await (
                client.messaging.v1.services(service.sid)
                .phone_numbers(number_sid)
                .fetch_async()
            )
        except TwilioRestException as err:
            if err.status == 404:
                continue
            raise
        return service_facts(service)
    return None


async def async_get_inbound(client: Client, sid: str) -> InboundWebhook:
    """Return where the number or Messaging Service sends incoming texts now."""
    if sid.startswith("MG"):
        service = await client.messaging.v1.services(sid).fetch_async()
        return InboundWebhook(service.inbound_request_url, service.inbound_method)
    number = await client.incoming_phone_numbers(sid).fetch_async()
    return InboundWebhook(number.sms_url or None, number.sms_method)


async def async_set_inbound(client: Client, sid: str, hook: InboundWebhook) -> None:
    """Point the number or Messaging Service at a URL (an empty URL clears it)."""
    url = hook.url or ""
    method = hook.method or "POST"
    if sid.startswith("MG"):
        await client.messaging.v1.services(sid).update_async(
            inbound_request_url=url, inbound_method=method
        )
    else:
        await client.incoming_phone_numbers(sid).update_async(
            sms_url=url, sms_method=method
        )
