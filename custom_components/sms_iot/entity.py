"""Base entities of SMS IoT and the devices they belong to."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from homeassistant.core import Event, callback
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .compat import linked_device_info
from .const import CONF_ACCOUNT_SID, CONF_KORE_CLIENT_ID, DOMAIN, EVENT_SIM_COMMAND
from .models import AuthorizedNumber, SmsIotConfigEntry


def _maker(entry: SmsIotConfigEntry) -> tuple[str, str]:
    """Return who carries the entry's texts and how: Twilio, KORE, or an ESPHome board."""
    if CONF_ACCOUNT_SID in entry.data:
        return "Twilio", "Programmable Messaging"
    if CONF_KORE_CLIENT_ID in entry.data:
        return "KORE Wireless", "Programmable Wireless commands"
    return "ESPHome", "GSM modem"


def service_device_info(entry: SmsIotConfigEntry) -> DeviceInfo:
    """Return the entry's service device: entry-wide entities, no subentry."""
    return DeviceInfo(
        identifiers={(DOMAIN, entry.entry_id)},
        name=f"SMS IoT {entry.title}",
        manufacturer=_maker(entry)[0],
        model=_maker(entry)[1],
        entry_type=DeviceEntryType.SERVICE,
    )


def number_device_info(
    entry: SmsIotConfigEntry,
    subentry_id: str,
    name: str,
    service_device_id: str,
    model: str = "Authorized number",
) -> DeviceInfo:
    """Return an authorized number's (or SIM's) device: a device belongs to one subentry."""
    return linked_device_info(
        (DOMAIN, entry.entry_id),
        service_device_id,
        identifiers={(DOMAIN, f"{entry.entry_id}_{subentry_id}")},
        # The service device's name in front keeps the entity names of 0.1.0 installs.
        name=f"{service_device_info(entry)['name']} {name}",
        manufacturer=_maker(entry)[0],
        model=model,
        entry_type=DeviceEntryType.SERVICE,
    )


class SmsIotEntity(Entity):
    """An entity of an SMS IoT config entry."""

    _attr_has_entity_name = True
    _attr_should_poll = False

    def __init__(self, entry: SmsIotConfigEntry, key: str) -> None:
        """Initialize the entity on the entry's service device."""
        self._entry = entry
        self._attr_unique_id = f"{entry.entry_id}_{key}"
        self._attr_device_info = service_device_info(entry)


class NumberDeviceEntity(SmsIotEntity):
    """An entity of one authorized number, on the number's device."""

    def __init__(
        self, entry: SmsIotConfigEntry, number: AuthorizedNumber, key: str
    ) -> None:
        """Initialize the entity on the number's device."""
        super().__init__(entry, f"{key}_{number.subentry_id}")
        self._number = number
        self._attr_device_info = number_device_info(
            entry,
            number.subentry_id,
            number.name,
            entry.runtime_data.service_device_id,
        )


@callback
def async_add_per_number(
    entry: SmsIotConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    make: Callable[[SmsIotConfigEntry, AuthorizedNumber], Entity],
) -> None:
    """Add one entity per authorized number, under the number's subentry."""
    for number in entry.runtime_data.config.numbers.values():
        async_add_entities([make(entry, number)], config_subentry_id=number.subentry_id)


class SimEntity(SmsIotEntity):
    """An entity of one SIM of a KORE entry, on the SIM's device."""

    def __init__(
        self, entry: SmsIotConfigEntry, sim: AuthorizedNumber, key: str
    ) -> None:
        """Initialize the entity on the SIM's device."""
        super().__init__(entry, f"{key}_{sim.subentry_id}")
        self._sim = sim.number
        self._attr_device_info = number_device_info(
            entry,
            sim.subentry_id,
            sim.name,
            entry.runtime_data.service_device_id,
            "SIM",
        )

    async def async_added_to_hass(self) -> None:
        """Follow the commands of this SIM."""
        self.async_on_remove(
            self.hass.bus.async_listen(
                EVENT_SIM_COMMAND, self._async_command, event_filter=self._from_sim
            )
        )

    @callback
    def _from_sim(self, event_data: dict[str, Any]) -> bool:
        """Return True for a command of this SIM, received by this entry."""
        return bool(
            event_data.get("sim_sid") == self._sim
            and event_data.get("config_entry_id") == self._entry.entry_id
        )

    @callback
    def _async_command(self, event: Event[dict[str, Any]]) -> None:
        """Take a command of this SIM."""
        raise NotImplementedError
