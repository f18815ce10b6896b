"""Twilio's webhook as a transport: prove a request came from Twilio, hand it on, reply."""

from __future__ import annotations

from collections import Counter
from functools import lru_cache, partial
import logging
import time
from urllib.parse import urlparse

from aiohttp import hdrs, web
from multidict import MultiDict
from twilio.request_validator import RequestValidator, add_port, compare, remove_port
from twilio.twiml.messaging_response import MessagingResponse

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util

from .const import (
    DOMAIN,
    EVENT_MESSAGE_STATUS,
    SIGNATURE_FAILURE_THRESHOLD,
    SIGNATURE_FAILURE_WINDOW,
)
from .inbox import InboundMessage
from .limits import SlidingWindow
from .message_status import MessageStatus
from .models import SmsIotConfigEntry, TwilioLink
from .outbound import async_send
from .phone import mask_number
from .repairs import SIGNATURE_FAILURES, issue_id
from .twilio_client import is_messaging_service
from .twilio_urls import signed_url
from .webhook_body import read_form, refuse

_LOGGER = logging.getLogger(__name__)

TRANSPORT = "twilio"
_REFUSAL_LOG_INTERVAL = 60.0


# Replies repeat (the same states, the same refusals); the XML need not be built each time.
@lru_cache(maxsize=256)
def twiml(text: str | None) -> str:
    """Return a TwiML document replying with text, or replying nothing."""
    response = MessagingResponse()
    if text:
        response.message(text)
    return str(response)


@lru_cache(maxsize=64)
def _signed_forms(url: str) -> tuple[str, ...]:
    """Return the URL with and without its port, as Twilio's validator tries them."""
    parsed = urlparse(url)
    forms = dict.fromkeys((remove_port(parsed), add_port(parsed)))
    return tuple(sorted(forms, key=lambda form: form != url))


class SignatureWatch:
    """Twilio's request signatures for one entry, and the repair many failures raise."""

    def __init__(self, auth_token: str, public_url: str) -> None:
        """Initialize with the token Twilio signs with and the URL it signs."""
        self.validator = RequestValidator(auth_token)
        self.public_url = public_url
        self.failures = SlidingWindow(SIGNATURE_FAILURE_WINDOW)
        self.issue_raised = False

    def valid(self, query: str, params: MultiDict[str], signature: str | None) -> bool:
        """Return True if X-Twilio-Signature matches the public URL and parameters."""
        if not signature:
            return False
        # The forms RequestValidator.validate checks, the stored one first: a genuine request
        # costs one HMAC, and the URL is parsed once per URL, not per request.
        return any(
            compare(self.validator.compute_signature(form, params), signature)
            for form in _signed_forms(signed_url(self.public_url, query))
        )

    def refused(self, hass: HomeAssistant, entry: SmsIotConfigEntry) -> None:
        """Count a bad signature; many in a row raise a repair about the public URL."""
        if self.failures.add() < SIGNATURE_FAILURE_THRESHOLD or self.issue_raised:
            return
        # Raised once, not per request: a flood of forgeries must stay cheap to refuse.
        self.issue_raised = True
        ir.async_create_issue(
            hass,
            DOMAIN,
            issue_id(SIGNATURE_FAILURES, entry.entry_id),
            data={"entry_id": entry.entry_id},
            is_fixable=True,
            severity=ir.IssueSeverity.WARNING,
            translation_key=SIGNATURE_FAILURES,
            translation_placeholders={
                "title": entry.title,
                "public_url": self.public_url,
                "count": str(SIGNATURE_FAILURE_THRESHOLD),
            },
        )

    def accepted(self, hass: HomeAssistant, entry_id: str) -> None:
        """A valid signature: forget failures and clear the repair."""
        self.failures.clear()
        if self.issue_raised:
            self.issue_raised = False
            ir.async_delete_issue(hass, DOMAIN, issue_id(SIGNATURE_FAILURES, entry_id))


class RefusalLog:
    """Refused requests counted per reason, logged at most once a minute (floods stay cheap)."""

    def __init__(self) -> None:
        """Initialize with nothing refused."""
        self._pending: Counter[str] = Counter()
        self._last = -_REFUSAL_LOG_INTERVAL

    def add(self, reason: str) -> None:
        """Count a refusal; log the counts when a minute has passed since the last log."""
        self._pending[reason] += 1
        now = time.monotonic()
        if now - self._last >= _REFUSAL_LOG_INTERVAL:
            self._last = now
            _LOGGER.debug(
                "Refused webhook requests since the last report: %s",
                ", ".join(f"{r} {n}" for r, n in sorted(self._pending.items())),
            )
            self._pending.clear()


def _status_callback(
    hass: HomeAssistant, entry: SmsIotConfigEntry, form: dict[str, str]
) -> web.Response:
    """Record a delivery status Twilio reports for an outbound message."""
    data = entry.runtime_data
    sid = form.get("MessageSid")
    status = form.get("MessageStatus") or form.get("SmsStatus")
    if not sid or not status:
        return refuse(entry, 400, "incomplete")
    update = MessageStatus(
        sid, form.get("To", ""), status, form.get("ErrorCode") or None
    )
    if data.statuses.update(update):
        data.inbox.counters["status_callbacks"] += 1
        hass.bus.async_fire(
            EVENT_MESSAGE_STATUS,
            {
                "config_entry_id": entry.entry_id,
                "message_sid": sid,
                "to": update.to,
                "status": status,
                "error_code": update.error_code,
                "error_message": update.error_message,
            },
        )
    return web.Response(status=204)


async def _async_follow_up(
    hass: HomeAssistant, entry: SmsIotConfigEntry, sender: str, text: str
) -> None:
    """Text the sender later (through the REST API: the webhook was answered long ago)."""
    try:
        await async_send(hass, entry, [sender], text)
    except HomeAssistantError as err:
        _LOGGER.warning(
            "Could not text a late outcome to %s: %s", mask_number(sender), err
        )


def _to_this_number(twilio_number: str, form: dict[str, str]) -> bool:
    """Return True if the message was sent to this entry's number or Messaging Service."""
    if is_messaging_service(twilio_number):
        return form.get("MessagingServiceSid") == twilio_number
    return form.get("To") == twilio_number


async def async_handle_webhook(
    hass: HomeAssistant,
    entry: SmsIotConfigEntry,
    twilio: TwilioLink,
    request: web.Request,
) -> web.Response:
    """Handle one request from Twilio."""
    data = entry.runtime_data
    settings = twilio.settings
    if request.method != hdrs.METH_POST:
        return refuse(entry, 405, "method")
    params = await read_form(request)
    if isinstance(params, tuple):
        return refuse(entry, *params)
    if not twilio.signatures.valid(
        request.query_string,
        params,
        request.headers.get("X-Twilio-Signature"),
    ):
        twilio.signatures.refused(hass, entry)
        return refuse(entry, 403, "signature")
    twilio.signatures.accepted(hass, entry.entry_id)
    twilio.compliance.reached()
    form = dict(params)
    if len(form) != len(params):
        return refuse(entry, 400, "incomplete")
    # Signed with the same token for another account (subaccount) or number: not ours.
    if form.get("AccountSid") != settings.account_sid:
        return refuse(entry, 403, "other_account")
    if request.query.get("kind") == "status":
        return _status_callback(hass, entry, form)
    if not _to_this_number(settings.number, form):
        return refuse(entry, 403, "other_number")
    message_sid = form.get("MessageSid") or form.get("SmsSid")
    # Matched as given: SMS senders are E.164; "whatsapp:+1…", "rcs:…", short codes and
    # alphanumeric ids are other identities with other proofs, so never an authorized number.
    sender = form.get("From", "")
    if not message_sid or not sender:
        return refuse(entry, 400, "incomplete")
    reply = await data.inbox.async_receive(
        InboundMessage(
            transport=TRANSPORT,
            channel=form.get("To", ""),
            sender=sender,
            text=form.get("Body", ""),
            message_id=message_sid,
            received_at=dt_util.utcnow(),
            follow_up=partial(_async_follow_up, hass, entry, sender),
        )
    )
    return web.Response(text=twiml(reply), content_type="text/xml")
