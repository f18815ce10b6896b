"""KORE's Commands callbacks as a transport: prove them, dedupe them, answer with a Command."""

from __future__ import annotations

import base64
import binascii
from functools import partial
import logging

from aiohttp import hdrs, web

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.util import dt as dt_util

from .const import DOMAIN, EVENT_MESSAGE_STATUS, EVENT_SIM_COMMAND
from .inbox import InboundMessage
from .kore_signature import kore_signature_valid
from .message_status import MessageStatus
from .models import KoreLink, SmsIotConfigEntry
from .modem_text import modem_parts
from .twilio_urls import signed_url, status_callback_url
from .webhook_body import parse_form, read_body, refuse

_LOGGER = logging.getLogger(__name__)

TRANSPORT = "kore"
SIGNATURE_HEADER = "kore-signature"
IDEMPOTENCY_HEADER = "kore-idempotency-token"


def _authentic(kore: KoreLink, request: web.Request, body: bytes) -> bool:
    """Return True if kore-signature proves the callback, or it is unsigned and accepted."""
    settings = kore.settings
    signature = request.headers.get(SIGNATURE_HEADER, "")
    if not signature.strip():
        # An account without a secret sends an empty signature: nothing proves it.
        return settings.accept_unsigned and not settings.webhook_secret
    return kore_signature_valid(
        settings.webhook_secret,
        request.method,
        signed_url(settings.public_url, request.query_string),
        body,
        signature,
    )


async def _async_reply(
    entry: SmsIotConfigEntry, kore: KoreLink, sim: str, text: str
) -> None:
    """Send the engine's answer back as Commands of one SMS each; failures are logged."""
    try:
        for part in modem_parts(text):
            command = await kore.client.async_send_command(
                sim, part, "text", True, status_callback_url(kore.settings.public_url)
            )
            entry.runtime_data.statuses.update(
                MessageStatus(
                    str(command.get("sid")), sim, str(command.get("status") or "queued")
                )
            )
    except HomeAssistantError as err:
        _LOGGER.warning("Could not send a command back to SIM %s: %s", sim[-4:], err)


async def _async_run(
    entry: SmsIotConfigEntry, kore: KoreLink, message: InboundMessage
) -> None:
    """Let the engine decide on a text command; the reply goes back as a Command."""
    reply = await entry.runtime_data.inbox.async_receive(message)
    if reply:
        await _async_reply(entry, kore, message.sender, reply)


def _status(
    hass: HomeAssistant, entry: SmsIotConfigEntry, form: dict[str, str]
) -> web.Response:
    """Record the status KORE reports for a Command sent to a SIM (forward only)."""
    sid, status = form.get("CommandSid") or form.get("Sid"), form.get("Status")
    if not sid or not status:
        return refuse(entry, 400, "incomplete")
    update = MessageStatus(sid, form.get("SimSid", ""), status)
    if entry.runtime_data.statuses.update(update):
        hass.bus.async_fire(
            EVENT_MESSAGE_STATUS,
            {
                "config_entry_id": entry.entry_id,
                "transport": TRANSPORT,
                "message_sid": sid,
                "to": update.to,
                "status": status,
                "error_code": None,
                "error_message": None,
            },
        )
    return web.Response(status=204)


def _payload(command: str, mode: str) -> bytes | None:
    """Return a binary command's bytes, or None for a text command (or bad base64)."""
    if mode != "binary":
        return None
    try:
        return base64.b64decode(command, validate=True)
    except (binascii.Error, ValueError):
        return None


async def async_handle_kore_webhook(
    hass: HomeAssistant,
    entry: SmsIotConfigEntry,
    kore: KoreLink,
    request: web.Request,
) -> web.Response:
    """Handle one callback from KORE: a command from a SIM, or a Command's status."""
    data = entry.runtime_data
    if request.method != hdrs.METH_POST:
        return refuse(entry, 405, "method")
    body = await read_body(request)
    if isinstance(body, tuple):
        return refuse(entry, *body)
    if not _authentic(kore, request, body):
        return refuse(entry, 403, "signature")
    params = parse_form(body)
    if isinstance(params, tuple):
        return refuse(entry, *params)
    form = dict(params)
    if len(form) != len(params):
        return refuse(entry, 400, "incomplete")
    if request.query.get("kind") == "status":
        return _status(hass, entry, form)
    sim_sid, command_sid = form.get("SimSid", ""), form.get("CommandSid", "")
    command, mode = form.get("Command", ""), form.get("CommandMode", "text")
    token = request.headers.get(IDEMPOTENCY_HEADER) or command_sid
    if (
        not sim_sid
        or not command_sid
        or form.get("Direction", "from_sim") != "from_sim"
    ):
        return refuse(entry, 400, "incomplete")
    first, done = data.inbox.memory.cache.claim(f"kore:{token}")
    if not first:
        data.inbox.counters["deduplicated"] += 1
        return web.Response(status=204)
    done.set_result("")
    data.inbox.memory.save_soon()
    sim = data.config.sims.get(sim_sid)
    payload = _payload(command, mode)
    if sim is not None:
        hass.bus.async_fire(
            EVENT_SIM_COMMAND,
            {
                "config_entry_id": entry.entry_id,
                "sim": sim.name,
                "sim_sid": sim_sid,
                "command_sid": command_sid,
                "mode": mode,
                "command": command,
                "payload_hex": None if payload is None else payload.hex(),
            },
        )
        data.inbox.counters["sim_commands"] += 1
    if mode == "binary":
        # Bytes are for automations; only text commands are read as commands.
        return web.Response(status=204)
    message = InboundMessage(
        transport=TRANSPORT,
        channel=kore.settings.client_id,
        sender=sim_sid,
        text=command,
        message_id=command_sid,
        received_at=dt_util.utcnow(),
        follow_up=partial(_async_reply, entry, kore, sim_sid),
        from_sim=True,
    )
    # KORE only needs a 2xx; the answer is a new Command, sent when the devices reported.
    entry.async_create_background_task(
        hass, _async_run(entry, kore, message), f"{DOMAIN} SIM command"
    )
    return web.Response(status=204)
