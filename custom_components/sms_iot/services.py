"""The sms_iot.send_message and sms_iot.send_sim_command actions."""

from __future__ import annotations

import base64
import binascii

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import config_validation as cv

from .commands import normalize
from .compat import vol
from .const import DOMAIN, KORE_MAX_BINARY, KORE_MAX_TEXT
from .kore_client import KoreAuthError, KoreError
from .message_status import MessageStatus
from .models import SmsIotConfigEntry
from .outbound import MAX_MEDIA, async_send, resolve_targets
from .twilio_urls import status_callback_url

SERVICE_SEND_MESSAGE = "send_message"
ATTR_CONFIG_ENTRY_ID = "config_entry_id"
ATTR_TARGET = "target"
ATTR_MESSAGE = "message"
ATTR_MEDIA_URL = "media_url"

SERVICE_SEND_SIM_COMMAND = "send_sim_command"
ATTR_SIM = "sim"
ATTR_COMMAND = "command"
ATTR_MODE = "mode"
ATTR_DELIVERY_RECEIPT = "delivery_receipt"

SEND_SIM_COMMAND_SCHEMA = vol.Schema(
    {
        vol.Optional(ATTR_CONFIG_ENTRY_ID): cv.string,
        vol.Required(ATTR_SIM): cv.string,
        vol.Required(ATTR_COMMAND): cv.string,
        vol.Optional(ATTR_MODE, default="text"): vol.In(["text", "binary"]),
        vol.Optional(ATTR_DELIVERY_RECEIPT, default=True): cv.boolean,
    }
)

SEND_MESSAGE_SCHEMA = vol.Schema(
    {
        vol.Optional(ATTR_CONFIG_ENTRY_ID): cv.string,
        vol.Required(ATTR_TARGET): vol.All(
            cv.ensure_list, [cv.string], vol.Length(min=1)
        ),
        vol.Required(ATTR_MESSAGE): cv.string,
        vol.Optional(ATTR_MEDIA_URL): vol.All(
            cv.ensure_list, [cv.url], vol.Length(max=MAX_MEDIA)
        ),
    }
)


def _entry(
    hass: HomeAssistant, entry_id: str | None, kore: bool = False
) -> SmsIotConfigEntry:
    """Return the loaded entry an action is for: one that texts phones, or a KORE one."""
    if entry_id is None:
        loaded = [
            entry
            for entry in hass.config_entries.async_entries(DOMAIN)
            if entry.state is ConfigEntryState.LOADED
            and (entry.runtime_data.kore is not None) is kore
        ]
        if len(loaded) != 1:
            raise ServiceValidationError(
                translation_domain=DOMAIN, translation_key="config_entry_required"
            )
        return loaded[0]
    entry = hass.config_entries.async_get_entry(entry_id)
    if entry is None or entry.domain != DOMAIN:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="entry_not_found",
            translation_placeholders={"entry_id": entry_id},
        )
    if entry.state is not ConfigEntryState.LOADED:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="entry_not_loaded",
            translation_placeholders={"title": entry.title},
        )
    return entry


async def _async_send_message(call: ServiceCall) -> ServiceResponse:
    """Send a text to the targets and return what Twilio accepted."""
    entry = _entry(call.hass, call.data.get(ATTR_CONFIG_ENTRY_ID))
    recipients = resolve_targets(call.hass, entry, call.data[ATTR_TARGET])
    messages = await async_send(
        call.hass,
        entry,
        recipients,
        call.data[ATTR_MESSAGE],
        call.data.get(ATTR_MEDIA_URL),
    )
    return {"messages": messages}  # type: ignore[dict-item]


def _binary(value: str) -> bytes | None:
    """Return the bytes of a base64 command, or None if it is not base64."""
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None


def _check_command(command: str, mode: str) -> None:
    """Refuse a command KORE cannot carry in one SMS."""
    if mode == "text":
        fits = len(command) <= KORE_MAX_TEXT and all(ord(c) < 256 for c in command)
    else:
        payload = _binary(command)
        fits = payload is not None and 0 < len(payload) <= KORE_MAX_BINARY
    if not fits:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key=f"sim_command_too_long_{mode}",
            translation_placeholders={
                "text": str(KORE_MAX_TEXT),
                "binary": str(KORE_MAX_BINARY),
            },
        )


async def _async_send_sim_command(call: ServiceCall) -> ServiceResponse:
    """Send a Command to a SIM of a KORE entry and return its sid and status."""
    entry = _entry(call.hass, call.data.get(ATTR_CONFIG_ENTRY_ID), kore=True)
    kore = entry.runtime_data.kore
    if kore is None:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="not_a_kore_entry",
            translation_placeholders={"title": entry.title},
        )
    wanted = normalize(call.data[ATTR_SIM])
    sim = next(
        (
            s
            for s in entry.runtime_data.config.sims.values()
            if wanted in (normalize(s.name), s.number.lower())
        ),
        None,
    )
    if sim is None:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="unknown_sim",
            translation_placeholders={"sim": call.data[ATTR_SIM][:40]},
        )
    command, mode = call.data[ATTR_COMMAND], call.data[ATTR_MODE]
    _check_command(command, mode)
    try:
        sent = await kore.client.async_send_command(
            sim.number,
            command,
            mode,
            call.data[ATTR_DELIVERY_RECEIPT],
            status_callback_url(kore.settings.public_url),
        )
    except KoreAuthError as err:
        entry.async_start_reauth(call.hass)
        raise HomeAssistantError(
            translation_domain=DOMAIN, translation_key="kore_invalid_auth"
        ) from err
    except KoreError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="kore_send_failed",
            translation_placeholders={"error": str(err)[:200]},
        ) from err
    sid, status = str(sent.get("sid")), str(sent.get("status") or "queued")
    entry.runtime_data.statuses.update(MessageStatus(sid, sim.number, status))
    return {"command_sid": sid, "status": status}


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the integration's actions."""
    hass.services.async_register(
        DOMAIN,
        SERVICE_SEND_MESSAGE,
        _async_send_message,
        schema=SEND_MESSAGE_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_SEND_SIM_COMMAND,
        _async_send_sim_command,
        schema=SEND_SIM_COMMAND_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
