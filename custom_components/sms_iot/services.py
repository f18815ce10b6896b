"""The sms_iot.send_message action."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv

from .compat import vol
from .const import DOMAIN
from .models import SmsIotConfigEntry
from .outbound import MAX_MEDIA, async_send, resolve_targets

SERVICE_SEND_MESSAGE = "send_message"
ATTR_CONFIG_ENTRY_ID = "config_entry_id"
ATTR_TARGET = "target"
ATTR_MESSAGE = "message"
ATTR_MEDIA_URL = "media_url"

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


def _entry(hass: HomeAssistant, entry_id: str | None) -> SmsIotConfigEntry:
    """Return the loaded entry an action is for."""
    if entry_id is None:
        loaded = [
            entry
            for entry in hass.config_entries.async_entries(DOMAIN)
            if entry.state is ConfigEntryState.LOADED
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
