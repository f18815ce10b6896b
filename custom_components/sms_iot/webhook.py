"""Receive Twilio's inbound SMS webhook."""

from __future__ import annotations

import logging
import time
from urllib.parse import parse_qsl

from aiohttp import hdrs, web
from multidict import MultiDict

from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util

from .actions import Executor
from .commands import parse
from .const import (
    DOMAIN,
    EVENT_MESSAGE_STATUS,
    EVENT_RECEIVED,
    EVENT_UNAUTHORIZED,
    MAX_BODY_BYTES,
    REPLY_BUDGET,
    SIGNATURE_FAILURE_THRESHOLD,
)
from .message_status import MessageStatus
from .models import AuthorizedNumber, SmsIotConfigEntry, SmsIotData
from .reply import SORRY, render_text, twiml
from .security import mask_number, signature_valid, to_e164

_LOGGER = logging.getLogger(__name__)

STRANGER_REFUSAL = "This number does not accept messages from you."
SLOW_DOWN = "Slow down: at most {rate} commands a minute. Later messages are ignored."
_FORM = "application/x-www-form-urlencoded"
_REFUSAL_LOG_INTERVAL = 60.0
_last_refusal_log = 0.0


def _refuse(data: SmsIotData, status: int, reason: str) -> web.Response:
    """Refuse a request, logging at most once a minute so a flood cannot fill the log."""
    global _last_refusal_log  # noqa: PLW0603
    data.counters[f"refused_{reason}"] += 1
    now = time.monotonic()
    if now - _last_refusal_log >= _REFUSAL_LOG_INTERVAL:
        _last_refusal_log = now
        _LOGGER.debug("Refused a webhook request: %s", reason)
    return web.Response(status=status)


def _xml(text: str | None) -> web.Response:
    """Return a TwiML response."""
    return web.Response(text=twiml(text), content_type="text/xml")


async def _read_form(request: web.Request) -> MultiDict[str] | tuple[int, str]:
    """Read the form Twilio posts, or say (status, reason) why it is refused."""
    content_type = request.headers.get(hdrs.CONTENT_TYPE, "")
    if content_type.split(";", 1)[0].strip().lower() != _FORM:
        return 415, "content_type"
    length = request.headers.get(hdrs.CONTENT_LENGTH, "0")
    if not length.isdigit():
        return 400, "malformed"
    if int(length) > MAX_BODY_BYTES:
        return 413, "too_large"
    stream = request.content
    body = bytearray()
    # Chunked bodies carry no length: stop reading as soon as the cap is passed.
    while chunk := await stream.read(MAX_BODY_BYTES + 1 - len(body)):
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            return 413, "too_large"
    try:
        return MultiDict(
            parse_qsl(
                body.decode(),
                keep_blank_values=True,
                strict_parsing=True,
                errors="strict",
            )
        )
    except ValueError:
        return 400, "malformed"


def _signature_refused(hass: HomeAssistant, entry: SmsIotConfigEntry) -> web.Response:
    """Refuse a bad signature; many in a row raise a repair about the public URL."""
    data = entry.runtime_data
    if (
        data.signature_failures.add() >= SIGNATURE_FAILURE_THRESHOLD
        and not data.signature_issue_raised
    ):
        # Raised once, not per request: a flood of forgeries must stay cheap to refuse.
        data.signature_issue_raised = True
        ir.async_create_issue(
            hass,
            DOMAIN,
            f"signature_failures_{entry.entry_id}",
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key="signature_failures",
            translation_placeholders={
                "title": entry.title,
                "public_url": data.config.public_url,
                "count": str(SIGNATURE_FAILURE_THRESHOLD),
            },
        )
    return _refuse(data, 403, "signature")


def _status_callback(
    hass: HomeAssistant, entry: SmsIotConfigEntry, form: dict[str, str], unique: bool
) -> web.Response:
    """Record a delivery status Twilio reports for an outbound message."""
    data = entry.runtime_data
    sid = form.get("MessageSid")
    status = form.get("MessageStatus") or form.get("SmsStatus")
    if not unique or not sid or not status:
        return _refuse(data, 400, "incomplete")
    update = MessageStatus(
        sid, form.get("To", ""), status, form.get("ErrorCode") or None
    )
    if data.statuses.update(update):
        data.counters["status_callbacks"] += 1
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


async def async_handle_webhook(
    hass: HomeAssistant, entry: SmsIotConfigEntry, request: web.Request
) -> web.Response:
    """Handle one request from Twilio."""
    data = entry.runtime_data
    params = await _read_form(request)
    if isinstance(params, tuple):
        return _refuse(data, *params)
    if not signature_valid(
        data.validator,
        data.config.public_url,
        request.query_string,
        params,
        request.headers.get("X-Twilio-Signature"),
    ):
        return _signature_refused(hass, entry)
    data.signature_failures.clear()
    if data.signature_issue_raised:
        data.signature_issue_raised = False
        ir.async_delete_issue(hass, DOMAIN, f"signature_failures_{entry.entry_id}")
    form = dict(params)
    if request.query.get("kind") == "status":
        return _status_callback(hass, entry, form, len(form) == len(params))
    message_sid = form.get("MessageSid") or form.get("SmsSid")
    sender = to_e164(form.get("From", ""))
    if not message_sid or sender is None or len(form) != len(params):
        return _refuse(data, 400, "incomplete")

    first, reply = data.dedupe.claim(message_sid)
    if not first:
        data.counters["deduplicated"] += 1
        return _xml(await reply)
    data.save_dedupe()
    text = SORRY
    try:
        text = await _async_process(hass, entry, form, message_sid, sender)
    except Exception:
        _LOGGER.exception("Unexpected error handling message %s", message_sid)
        data.counters["errors"] += 1
    finally:
        # A retried delivery waits on this future; it must resolve even on cancellation.
        reply.set_result(text)
        data.save_dedupe()
    return _xml(text)


async def _async_process(
    hass: HomeAssistant,
    entry: SmsIotConfigEntry,
    form: dict[str, str],
    message_sid: str,
    sender: str,
) -> str:
    """Authorize the sender, run the commands and return the reply text ('' = none)."""
    deadline = time.monotonic() + REPLY_BUDGET
    data = entry.runtime_data
    config = data.config
    context = Context()
    number: AuthorizedNumber | None = config.numbers.get(sender)
    if number is None:
        data.counters["unauthorized"] += 1
        hass.bus.async_fire(
            EVENT_UNAUTHORIZED,
            {
                "config_entry_id": entry.entry_id,
                "from": mask_number(sender),
                "message_sid": message_sid,
            },
            context=context,
        )
        if config.reply_to_strangers and data.stranger_refusals.allow(sender):
            return STRANGER_REFUSAL
        return ""
    body = form.get("Body", "")
    parsed = parse(body)
    # Each command costs a token (a text may carry ten), at least one and at most a full bucket.
    cost = min(config.rate_limit, max(1, len(parsed.commands)))
    if not data.rate_limiter.allow(sender, config.rate_limit, cost):
        data.counters["rate_limited"] += 1
        if sender in data.slowed_down:
            return ""
        data.slowed_down.add(sender)
        return SLOW_DOWN.format(rate=config.rate_limit)
    data.slowed_down.discard(sender)
    data.counters["accepted"] += 1
    hass.bus.async_fire(
        EVENT_RECEIVED,
        {
            "config_entry_id": entry.entry_id,
            "from": sender,
            "to": form.get("To", ""),
            "body": body,
            "message_sid": message_sid,
            "sender_name": number.name,
        },
        context=context,
    )
    data.recent.append(
        {
            "at": dt_util.utcnow().isoformat(),
            "from": mask_number(sender),
            "commands": [
                " ".join(filter(None, (c.action.value, c.target, _pct(c.brightness))))
                for c in parsed.commands
            ],
            "not_understood": len(parsed.unknown),
        }
    )
    executor = Executor(hass, config, number, context, entry.entry_id, deadline)
    if not parsed.commands and not parsed.unknown:
        return executor.help_text()
    return render_text(await executor.async_run(parsed))


def _pct(brightness: int | None) -> str | None:
    """Format a brightness for the command log."""
    return None if brightness is None else f"{brightness}%"
