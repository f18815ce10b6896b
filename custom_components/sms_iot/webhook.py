"""Receive Twilio's inbound SMS webhook."""

from __future__ import annotations

import logging
import time

from aiohttp import web

from homeassistant.core import Context, HomeAssistant

from .actions import Executor
from .commands import parse
from .const import EVENT_RECEIVED, EVENT_UNAUTHORIZED, MAX_BODY_BYTES, REPLY_BUDGET
from .models import AuthorizedNumber, SmsIotConfigEntry
from .reply import SORRY, render_text, twiml
from .security import mask_number, signature_valid, to_e164

_LOGGER = logging.getLogger(__name__)

STRANGER_REFUSAL = "This number does not accept messages from you."
_REFUSAL_LOG_INTERVAL = 60.0
_last_refusal_log = 0.0


def _refuse(status: int, reason: str) -> web.Response:
    """Refuse a request, logging at most once a minute so a flood cannot fill the log."""
    global _last_refusal_log  # noqa: PLW0603
    now = time.monotonic()
    if now - _last_refusal_log >= _REFUSAL_LOG_INTERVAL:
        _last_refusal_log = now
        _LOGGER.debug("Refused a webhook request: %s", reason)
    return web.Response(status=status)


def _xml(text: str | None) -> web.Response:
    """Return a TwiML response."""
    return web.Response(text=twiml(text), content_type="text/xml")


async def async_handle_webhook(
    hass: HomeAssistant, entry: SmsIotConfigEntry, request: web.Request
) -> web.Response:
    """Handle one request from Twilio."""
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        return _refuse(413, "body too large")
    try:
        params = await request.post()
    except (ValueError, UnicodeDecodeError):
        return _refuse(400, "malformed body")
    data = entry.runtime_data
    form = {key: value for key, value in params.items() if isinstance(value, str)}
    if any(
        not isinstance(value, str) for value in params.values()
    ) or not signature_valid(
        data.validator,
        data.config.public_url,
        request.query_string,
        params,  # type: ignore[arg-type]
        request.headers.get("X-Twilio-Signature"),
    ):
        return _refuse(403, "invalid signature")
    message_sid = form.get("MessageSid") or form.get("SmsSid")
    sender = to_e164(form.get("From", ""))
    if not message_sid or sender is None or len(params.getall("From")) != 1:
        return _refuse(400, "missing or repeated fields")

    first, reply = data.dedupe.claim(message_sid)
    if not first:
        return _xml(await reply)
    text = SORRY
    try:
        text = await _async_process(hass, entry, form, message_sid, sender)
    except Exception:
        _LOGGER.exception("Unexpected error handling message %s", message_sid)
    finally:
        # A retried delivery waits on this future; it must resolve even on cancellation.
        reply.set_result(text)
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
    parsed = parse(body)
    executor = Executor(hass, config, number, context, entry.entry_id, deadline)
    if not parsed.commands and not parsed.unknown:
        return executor.help_text()
    return render_text(await executor.async_run(parsed))
