"""Event entities: one per SIM, fired with each command it sends."""

from __future__ import annotations

from typing import Any

from homeassistant.components.event import EventEntity
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .entity import NumberDeviceEntity, SimEntity, async_add_per_number
from .inbox import text_signal
from .models import AuthorizedNumber, SmsIotConfigEntry

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: SmsIotConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add an event entity for each authorized number and each SIM."""
    async_add_per_number(entry, async_add_entities, NumberTextEvent)
    for sim in entry.runtime_data.config.sims.values():
        async_add_entities(
            [SimCommandEvent(entry, sim)], config_subentry_id=sim.subentry_id
        )


class NumberTextEvent(NumberDeviceEntity, EventEntity):
    """A text an authorized number sent, with the answer it got."""

    _attr_translation_key = "text"

    def __init__(self, entry: SmsIotConfigEntry, number: AuthorizedNumber) -> None:
        """Initialize the entity on the number's device."""
        super().__init__(entry, number, "text")
        self._subentry_id = number.subentry_id
        self._attr_event_types = ["text"]

    async def async_added_to_hass(self) -> None:
        """Follow the number's texts."""
        self.async_on_remove(
            async_dispatcher_connect(
                self.hass,
                text_signal(self._entry.entry_id, self._subentry_id),
                self._async_text,
            )
        )

    @callback
    def _async_text(self, data: dict[str, str]) -> None:
        """Fire the entity's event with the text and the answer."""
        self._trigger_event("text", data)
        self.async_write_ha_state()


class SimCommandEvent(SimEntity, EventEntity):
    """A command received from one SIM."""

    _attr_translation_key = "sim_command"

    def __init__(self, entry: SmsIotConfigEntry, sim: AuthorizedNumber) -> None:
        """Initialize the entity."""
        super().__init__(entry, sim, "sim_command")
        self._attr_event_types = ["command"]

    @callback
    def _async_command(self, event: Event[dict[str, Any]]) -> None:
        """Fire the entity's event with the command."""
        self._trigger_event(
            "command",
            {
                key: event.data[key]
                for key in ("command", "mode", "payload_hex", "command_sid")
            },
        )
        self.async_write_ha_state()
