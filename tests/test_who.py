"""A number linked to a person: commands run as the person's user, events say who."""

from __future__ import annotations

from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.sms_iot.const import EVENT_RECEIVED
from homeassistant.auth.const import GROUP_ID_ADMIN, GROUP_ID_READ_ONLY, GROUP_ID_USER
from homeassistant.core import HomeAssistant

from .conftest import Devices, SendSms


async def _link(
    hass: HomeAssistant, entry: MockConfigEntry, group: str | None, active: bool = True
) -> str | None:
    """Link Alice's number to person.alice, whose user is in the group (None: no user)."""
    user_id = None
    if group is not None:
        # The first user is the owner, who cannot be deactivated.
        await hass.auth.async_create_user("Owner", group_ids=[GROUP_ID_ADMIN])
        user = await hass.auth.async_create_user("Alice", group_ids=[group])
        if not active:
            await hass.auth.async_deactivate_user(user)
        user_id = user.id
    hass.states.async_set("person.alice", "home", {"user_id": user_id})
    subentry = entry.subentries["num_alice"]
    hass.config_entries.async_update_subentry(
        entry, subentry, data={**subentry.data, "person": "person.alice"}
    )
    await hass.async_block_till_done()
    return user_id


@pytest.mark.parametrize("group", [GROUP_ID_ADMIN, GROUP_ID_USER])
async def test_commands_run_as_the_persons_user(
    hass: HomeAssistant,
    setup_entry: MockConfigEntry,
    send_sms: SendSms,
    devices: Devices,
    group: str,
) -> None:
    """The switch's new state carries the user's context; the event names person and user."""
    user_id = await _link(hass, setup_entry, group)
    received = async_capture_events(hass, EVENT_RECEIVED)
    _, body = await send_sms("porch on")
    assert "Porch: ON" in body
    state = hass.states.get("switch.porch")
    assert state is not None
    assert state.context.user_id == user_id
    assert received[0].data["person"] == "person.alice"
    assert received[0].data["user_id"] == user_id
    assert received[0].context.user_id == user_id


@pytest.mark.parametrize(("group", "active"), [(GROUP_ID_READ_ONLY, True)])
async def test_read_only_user_may_only_ask(
    hass: HomeAssistant,
    setup_entry: MockConfigEntry,
    send_sms: SendSms,
    devices: Devices,
    group: str,
    active: bool,
) -> None:
    """A read-only user's number gets "not permitted" for control, status still works."""
    await _link(hass, setup_entry, group, active)
    _, body = await send_sms("porch on")
    assert "Not permitted: this number can only check status." in body
    assert devices.porch.is_on is False
    _, body = await send_sms("porch?")
    assert "Porch: OFF" in body


@pytest.mark.parametrize(("group", "active"), [(None, True), (GROUP_ID_USER, False)])
async def test_person_without_an_active_user(
    hass: HomeAssistant,
    setup_entry: MockConfigEntry,
    send_sms: SendSms,
    devices: Devices,
    group: str | None,
    active: bool,
) -> None:
    """No user (or a deactivated one): the command runs without a user, the person is named."""
    await _link(hass, setup_entry, group, active)
    received = async_capture_events(hass, EVENT_RECEIVED)
    _, body = await send_sms("porch on")
    assert "Porch: ON" in body
    state: Any = hass.states.get("switch.porch")
    assert state.context.user_id is None
    assert received[0].data["person"] == "person.alice"
    assert received[0].data["user_id"] is None


async def test_unlinked_number_events_say_so(
    hass: HomeAssistant, setup_entry: MockConfigEntry, send_sms: SendSms
) -> None:
    """Without a person, events carry None for both."""
    received = async_capture_events(hass, EVENT_RECEIVED)
    await send_sms("status")
    assert (received[0].data["person"], received[0].data["user_id"]) == (None, None)
