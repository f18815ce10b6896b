"""Base entity of SMS IoT: one service device per config entry."""

from __future__ import annotations

from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import Entity

from .const import DOMAIN
from .models import SmsIotConfigEntry


class SmsIotEntity(Entity):
    """An entity of an SMS IoT config entry."""

    _attr_has_entity_name = True
    _attr_should_poll = False

    def __init__(self, entry: SmsIotConfigEntry, key: str) -> None:
        """Initialize the entity on the entry's device."""
        self._entry = entry
        self._attr_unique_id = f"{entry.entry_id}_{key}"
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, entry.entry_id)},
            name=f"SMS IoT {entry.title}",
            manufacturer="Twilio",
            model="Programmable Messaging",
            entry_type=DeviceEntryType.SERVICE,
        )
