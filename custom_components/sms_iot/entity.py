"""Base entities of SMS IoT and the devices they belong to."""

from __future__ import annotations

from typing import Any, cast

from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import Entity

from .const import DOMAIN
from .models import SmsIotConfigEntry


def service_device_info(entry: SmsIotConfigEntry) -> DeviceInfo:
    """Return the entry's service device: entry-wide entities, no subentry."""
    return DeviceInfo(
        identifiers={(DOMAIN, entry.entry_id)},
        name=f"SMS IoT {entry.title}",
        manufacturer="Twilio",
        model="Programmable Messaging",
        entry_type=DeviceEntryType.SERVICE,
    )


def number_device_info(
    entry: SmsIotConfigEntry, subentry_id: str, name: str, service_device_id: str
) -> DeviceInfo:
    """Return an authorized number's device: a device belongs to one subentry."""
    service = service_device_info(entry)
    info = DeviceInfo(
        identifiers={(DOMAIN, f"{entry.entry_id}_{subentry_id}")},
        # The service device's name in front keeps the entity names of 0.1.0 installs.
        name=f"{service['name']} {name}",
        manufacturer="Twilio",
        model="Authorized number",
        entry_type=DeviceEntryType.SERVICE,
    )
    return info | _via(entry, service_device_id)


def _via(entry: SmsIotConfigEntry, service_device_id: str) -> DeviceInfo:
    """Return the DeviceInfo key linking a device to the entry's service device."""
    link: dict[str, Any]
    if "via_device_id" in DeviceInfo.__annotations__:
        # Newer HA deprecates via_device: identifiers are unique per entry only.
        link = {"via_device_id": service_device_id}
    else:
        link = {"via_device": (DOMAIN, entry.entry_id)}
    return cast(DeviceInfo, link)


class SmsIotEntity(Entity):
    """An entity of an SMS IoT config entry."""

    _attr_has_entity_name = True
    _attr_should_poll = False

    def __init__(self, entry: SmsIotConfigEntry, key: str) -> None:
        """Initialize the entity on the entry's service device."""
        self._entry = entry
        self._attr_unique_id = f"{entry.entry_id}_{key}"
        self._attr_device_info = service_device_info(entry)
