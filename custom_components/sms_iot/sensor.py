"""The last outbound message's delivery status."""

from __future__ import annotations

from typing import Any

from homeassistant.components.sensor import SensorDeviceClass, SensorEntity
from homeassistant.const import EntityCategory
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util import dt as dt_util

from .entity import SimEntity, SmsIotEntity
from .message_status import STATUSES, MessageStatus
from .models import AuthorizedNumber, SmsIotConfigEntry
from .phone import mask_number

KORE_STATUSES = ("queued", "sent", "delivered", "failed")

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: SmsIotConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the last-message-status sensor (Twilio reports delivery; the modem does not)."""
    if entry.runtime_data.twilio is not None:
        async_add_entities([LastMessageStatusSensor(entry)])
    for sim in entry.runtime_data.config.sims.values():
        async_add_entities(
            [SimLastCommandSensor(entry, sim), SimCommandStatusSensor(entry, sim)],
            config_subentry_id=sim.subentry_id,
        )


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
        attributes = {
            "message_sid": last.message_sid,
            "to": mask_number(last.to),
            "error_code": last.error_code,
            "error_message": last.error_message,
        }
        # Shown only when there is one: the UI reads a missing code as "Unknown".
        return {key: value for key, value in attributes.items() if value is not None}


class SimLastCommandSensor(SimEntity, SensorEntity):
    """The last command a SIM sent, with when it arrived."""

    _attr_translation_key = "sim_last_command"

    def __init__(self, entry: SmsIotConfigEntry, sim: AuthorizedNumber) -> None:
        """Initialize the sensor."""
        super().__init__(entry, sim, "sim_last_command")

    @callback
    def _async_command(self, event: Event[dict[str, Any]]) -> None:
        """Show the command (binary ones as their base64 text)."""
        self._attr_native_value = str(event.data["command"])[:255]
        self._attr_extra_state_attributes = {
            "received_at": dt_util.utcnow().isoformat(),
            "mode": event.data["mode"],
            "command_sid": event.data["command_sid"],
        }
        self.async_write_ha_state()


class SimCommandStatusSensor(SimEntity, SensorEntity):
    """Delivery status of the last Command sent to a SIM, as KORE reports it."""

    _attr_device_class = SensorDeviceClass.ENUM
    _attr_translation_key = "sim_command_status"

    def __init__(self, entry: SmsIotConfigEntry, sim: AuthorizedNumber) -> None:
        """Initialize the sensor."""
        super().__init__(entry, sim, "sim_command_status")
        self._attr_options = list(KORE_STATUSES)

    async def async_added_to_hass(self) -> None:
        """Follow the statuses of Commands to this SIM."""
        self.async_on_remove(
            self._entry.runtime_data.statuses.listen(self._async_status_changed)
        )

    @callback
    def _async_status_changed(self, status: MessageStatus) -> None:
        """Show the status of the newest Command to this SIM."""
        if status.to != self._sim or status.status not in KORE_STATUSES:
            return
        self._attr_native_value = status.status
        self._attr_extra_state_attributes = {"command_sid": status.message_sid}
        self.async_write_ha_state()
