"""Event entities: one per SIM, fired with each command it sends."""

from __future__ import annotations

from typing import Any

from homeassistant.components.event import EventEntity
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .entity import SimEntity
from .models import AuthorizedNumber, SmsIotConfigEntry

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: SmsIotConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add an event entity for each SIM."""
    for sim in entry.runtime_data.config.sims.values():
        async_add_entities(
            [SimCommandEvent(entry, sim)], config_subentry_id=sim.subentry_id
        )


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
