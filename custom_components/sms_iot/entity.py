"""Base entities of SMS IoT and the devices they belong to."""

from __future__ import annotations

from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import Entity

from .compat import device_link
from .const import CONF_ACCOUNT_SID, DOMAIN
from .models import SmsIotConfigEntry


def _maker(entry: SmsIotConfigEntry) -> tuple[str, str]:
    """Return who carries the entry's texts and how: Twilio, or an ESPHome board alone."""
    if CONF_ACCOUNT_SID in entry.data:
        return "Twilio", "Programmable Messaging"
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
    entry: SmsIotConfigEntry, subentry_id: str, name: str, service_device_id: str
) -> DeviceInfo:
    """Return an authorized number's device: a device belongs to one subentry."""
    service = service_device_info(entry)
    info = DeviceInfo(
        identifiers={(DOMAIN, f"{entry.entry_id}_{subentry_id}")},
        # The service device's name in front keeps the entity names of 0.1.0 installs.
        name=f"{service['name']} {name}",
        manufacturer=_maker(entry)[0],
        model="Authorized number",
        entry_type=DeviceEntryType.SERVICE,
    )
    return info | device_link((DOMAIN, entry.entry_id), service_device_id)


class SmsIotEntity(Entity):
    """An entity of an SMS IoT config entry."""

    _attr_has_entity_name = True
    _attr_should_poll = False

    def __init__(self, entry: SmsIotConfigEntry, key: str) -> None:
        """Initialize the entity on the entry's service device."""
        self._entry = entry
        self._attr_unique_id = f"{entry.entry_id}_{key}"
        self._attr_device_info = service_device_info(entry)
