"""Bring entries and registries stored by older versions to the current layout."""

from __future__ import annotations

import logging

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr, entity_registry as er

from .compat import keep_in_entry_only
from .const import DOMAIN, SUBENTRY_NUMBER
from .entity import number_device_info, service_device_info
from .models import SmsIotConfigEntry

_LOGGER = logging.getLogger(__name__)


async def async_migrate_entry(hass: HomeAssistant, entry: SmsIotConfigEntry) -> bool:
    """Migrate an entry stored by an older version."""
    if entry.version > 1:
        return False
    if entry.minor_version < 2:
        _async_split_number_devices(hass, entry)
        hass.config_entries.async_update_entry(entry, minor_version=2)
        _LOGGER.debug("Gave each authorized number its own device")
    return True


@callback
def _async_split_number_devices(hass: HomeAssistant, entry: SmsIotConfigEntry) -> None:
    """Move each number's notify entity from the shared service device to its own."""
    devices = dr.async_get(hass)
    entities = er.async_get(hass)
    service = devices.async_get_or_create(
        config_entry_id=entry.entry_id, **service_device_info(entry)
    )
    keep_in_entry_only(devices, entry.entry_id, service)
    for subentry in entry.subentries.values():
        if subentry.subentry_type != SUBENTRY_NUMBER:
            continue
        device = devices.async_get_or_create(
            config_entry_id=entry.entry_id,
            config_subentry_id=subentry.subentry_id,
            **number_device_info(
                entry, subentry.subentry_id, subentry.title, service.id
            ),
        )
        if entity_id := entities.async_get_entity_id(
            Platform.NOTIFY, DOMAIN, f"{entry.entry_id}_notify_{subentry.subentry_id}"
        ):
            entities.async_update_entity(entity_id, device_id=device.id)
