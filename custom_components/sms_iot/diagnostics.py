"""Diagnostics for SMS IoT, with credentials and phone numbers redacted."""

from __future__ import annotations

from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant

from .const import (
    CONF_ACCOUNT_SID,
    CONF_AUTH_TOKEN,
    CONF_INBOUND_BEFORE,
    CONF_KORE_CLIENT_ID,
    CONF_KORE_CLIENT_SECRET,
    CONF_KORE_SECRET,
    CONF_NUMBER,
    CONF_PUBLIC_URL,
    CONF_TWILIO_NUMBER,
)
from .models import SmsIotConfigEntry
from .phone import mask_number

TO_REDACT = {
    CONF_ACCOUNT_SID,
    CONF_AUTH_TOKEN,
    CONF_KORE_CLIENT_ID,
    CONF_KORE_CLIENT_SECRET,
    CONF_KORE_SECRET,
    CONF_TWILIO_NUMBER,
    CONF_WEBHOOK_ID,
    CONF_PUBLIC_URL,
    CONF_INBOUND_BEFORE,
    CONF_NUMBER,
    "title",
    "unique_id",
}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: SmsIotConfigEntry
) -> dict[str, Any]:
    """Return diagnostics for a config entry."""
    config = entry.runtime_data.config
    inbox = entry.runtime_data.inbox
    return {
        "entry": {
            "data": async_redact_data(dict(entry.data), TO_REDACT),
            "options": dict(entry.options),
        },
        "authorized_numbers": [
            {
                "number": mask_number(number.number),
                "can_control": number.can_control,
                "modem_pin_set": number.pin is not None,
                "devices": [device.entity_id for device in number.devices],
                "default_device": (
                    number.default_device.entity_id if number.default_device else None
                ),
            }
            for number in config.numbers.values()
        ],
        "sims": [
            {
                "sim": mask_number(sim.number),
                "can_control": sim.can_control,
                "devices": [device.entity_id for device in sim.devices],
            }
            for sim in config.sims.values()
        ],
        "devices": [
            {
                "entity_id": device.entity_id,
                "name": device.name,
                "aliases": list(device.aliases),
                "state": (
                    state.state
                    if (state := hass.states.get(device.entity_id))
                    else None
                ),
            }
            for device in config.devices
        ],
        "route": config.route,
        "modem_device": config.modem_device,
        "remembered_message_sids": len(inbox.memory.cache),
        "counters": dict(sorted(inbox.counters.items())),
        "recent_commands": list(inbox.recent),
    }
