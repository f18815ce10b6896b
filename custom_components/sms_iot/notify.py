"""Notify entities: one per authorized number."""

from __future__ import annotations

from homeassistant.components.notify import NotifyEntity
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .compat import NotifyEntityFeature
from .entity import NumberDeviceEntity, async_add_per_number
from .models import AuthorizedNumber, SmsIotConfigEntry
from .outbound import async_send

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: SmsIotConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a notify entity for each authorized number."""
    async_add_per_number(entry, async_add_entities, SmsIotNotifyEntity)


class SmsIotNotifyEntity(NumberDeviceEntity, NotifyEntity):
    """Send a text to one authorized number."""

    _attr_supported_features = NotifyEntityFeature.TITLE
    _attr_name = None

    def __init__(self, entry: SmsIotConfigEntry, number: AuthorizedNumber) -> None:
        """Initialize the entity."""
        super().__init__(entry, number, "notify")

    async def async_send_message(self, message: str, title: str | None = None) -> None:
        """Send the message, with the title as its first line."""
        text = f"{title}\n{message}" if title else message
        await async_send(self.hass, self._entry, [self._number.number], text)
