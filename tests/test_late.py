"""A command that timed out and is carried out later: the sender is told what happened."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from unittest.mock import patch

from aiohttp.test_utils import TestClient
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)

from custom_components.sms_iot.const import EVENT_COMMAND, LATE_WINDOW
from homeassistant.core import Context, HomeAssistant
from homeassistant.util import dt as dt_util
from tools.fake_twilio import FakeTwilioState

from .conftest import ALICE, Devices, text_and_read, until

WAIT = "custom_components.sms_iot.act.DEVICE_WAIT"


NO_RESPONSE = (
    "Porch: no response yet (still OFF). If it switches within 15 min, a text follows."
)


async def test_late_outcome_is_texted(
    hass: HomeAssistant,
    devices: Devices,
    twilio_entry: MockConfigEntry,
    twilio: FakeTwilioState,
    client: TestClient[Any, Any],
) -> None:
    """The device switches after the reply: an event and a follow-up text say so."""
    events = async_capture_events(hass, EVENT_COMMAND)
    devices.porch.delay = 0.5
    with patch(WAIT, 0.1):
        assert await text_and_read(client, "porch on") == NO_RESPONSE
    assert twilio.sent == []
    await until(hass, lambda: bool(twilio.sent))
    assert [(m["to"], m["body"]) for m in twilio.sent] == [
        (ALICE, "Porch: ON (late: the earlier command ran).")
    ]
    assert [e.data["result"] for e in events] == ["timeout", "late"]


async def test_late_watch_ends(
    hass: HomeAssistant,
    devices: Devices,
    twilio_entry: MockConfigEntry,
    twilio: FakeTwilioState,
    client: TestClient[Any, Any],
) -> None:
    """After the window, or when a newer command supersedes it, nothing more is texted."""
    devices.porch.hang = True
    with patch(WAIT, 0.1):
        assert await text_and_read(client, "porch on") == NO_RESPONSE
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=LATE_WINDOW + 1))
    await hass.async_block_till_done()
    devices.porch.hang = False
    await hass.services.async_call(
        "switch", "turn_on", {"entity_id": "switch.porch"}, blocking=True
    )
    devices.porch.hang = True
    with patch(WAIT, 0.1):
        assert (await text_and_read(client, "porch off")).startswith(
            "Porch: no response"
        )
        devices.porch.hang = False
        assert await text_and_read(client, "porch on") == "Porch: ON"
    devices.porch._attr_is_on = False
    devices.porch.async_write_ha_state()
    await hass.async_block_till_done()
    assert twilio.sent == []


async def test_late_text_that_cannot_be_sent_is_logged(
    hass: HomeAssistant,
    devices: Devices,
    twilio_entry: MockConfigEntry,
    twilio: FakeTwilioState,
    client: TestClient[Any, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Twilio refusing the follow-up is a warning with the number masked, nothing raised."""
    devices.porch.delay = 0.3
    with patch(WAIT, 0.1):
        assert await text_and_read(client, "porch on") == NO_RESPONSE
    twilio.failures = [(400, 21610)]
    await until(hass, lambda: "late outcome" in caplog.text)
    assert "Could not text a late outcome to ********2671" in caplog.text
    assert ALICE not in caplog.text


async def test_someone_else_switching_is_not_a_late_outcome(
    hass: HomeAssistant,
    devices: Devices,
    twilio_entry: MockConfigEntry,
    twilio: FakeTwilioState,
    client: TestClient[Any, Any],
) -> None:
    """A user (or an automation) switching the device ends the wait: no "late" text."""
    devices.porch.hang = True
    with patch(WAIT, 0.1):
        assert await text_and_read(client, "porch on") == NO_RESPONSE
    devices.porch.hang = False
    await hass.services.async_call(
        "switch",
        "turn_on",
        {"entity_id": "switch.porch"},
        blocking=True,
        context=Context(parent_id="an automation run"),
    )
    devices.porch._attr_is_on = False
    devices.porch.async_write_ha_state()
    devices.porch._attr_is_on = True
    devices.porch.async_write_ha_state()  # the device itself, after the user's command
    await hass.async_block_till_done()
    assert twilio.sent == []


async def test_removed_entity_ends_the_wait(
    hass: HomeAssistant,
    devices: Devices,
    twilio_entry: MockConfigEntry,
    twilio: FakeTwilioState,
    client: TestClient[Any, Any],
) -> None:
    """An entity removed while watched is not watched any more."""
    devices.porch.hang = True
    with patch(WAIT, 0.1):
        assert await text_and_read(client, "porch on") == NO_RESPONSE
    hass.states.async_remove("switch.porch")
    hass.states.async_set("switch.porch", "on")
    await hass.async_block_till_done()
    assert twilio.sent == []
