"""The last outbound message's delivery status."""

from __future__ import annotations

from typing import Any

from homeassistant.components.sensor import SensorDeviceClass, SensorEntity
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .entity import SmsIotEntity
from .message_status import STATUSES, MessageStatus
from .models import SmsIotConfigEntry
from .phone import mask_number

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: SmsIotConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the last-message-status sensor (Twilio reports delivery; the modem does not)."""
    if entry.runtime_data.twilio is not None:
        async_add_entities([LastMessageStatusSensor(entry)])


class LastMessageStatusSensor(SmsIotEntity, SensorEntity):
    """Delivery status of the most recent outbound message, as Twilio reports it."""

    _attr_device_class = SensorDeviceClass.ENUM
    _attr_translation_key = "last_message_status"
    _attr_entity_category = EntityCategory.DIAGNOSTIC

    def __init__(self, entry: SmsIotConfigEntry) -> None:
        """Initialize the sensor."""
        super().__init__(entry, "last_message_status")
        self._attr_options = list(STATUSES)

    async def async_added_to_hass(self) -> None:
        """Follow status changes."""
        self.async_on_remove(
            self._entry.runtime_data.statuses.listen(self._async_status_changed)
        )

    @callback
    def _async_status_changed(self, status: MessageStatus) -> None:
        """Write the new state when the last message's status changed."""
        if self._entry.runtime_data.statuses.last is status:
            self.async_write_ha_state()

    @property
    def native_value(self) -> str | None:
        """Return the status of the last message."""
        last = self._entry.runtime_data.statuses.last
        return last.status if last else None

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Return which message it is and why it failed, if it did."""
        if (last := self._entry.runtime_data.statuses.last) is None:
            return None
        return {
            "message_sid": last.message_sid,
            "to": mask_number(last.to),
            "error_code": last.error_code,
            "error_message": last.error_message,
        }
