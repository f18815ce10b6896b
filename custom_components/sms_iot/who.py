"""Who an authorized number is in Home Assistant: its person's user, and what that user may do."""

from __future__ import annotations

from dataclasses import dataclass

from homeassistant.auth.const import GROUP_ID_READ_ONLY
from homeassistant.core import HomeAssistant

from .models import AuthorizedNumber


@dataclass(frozen=True, slots=True)
class Who:
    """The person a number is linked to and the user its commands run as."""

    person: str | None = None
    user_id: str | None = None
    read_only: bool = False


async def async_who(hass: HomeAssistant, number: AuthorizedNumber) -> Who:
    """Return the linked person's active user; a read-only user may only ask for status."""
    if number.person is None:
        return Who()
    state = hass.states.get(number.person)
    user_id = state.attributes.get("user_id") if state is not None else None
    user = await hass.auth.async_get_user(user_id) if isinstance(user_id, str) else None
    if user is None or not user.is_active:
        return Who(number.person)
    read_only = any(group.id == GROUP_ID_READ_ONLY for group in user.groups)
    return Who(number.person, user.id, read_only)
