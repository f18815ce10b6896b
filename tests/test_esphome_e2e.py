"""End to end: signed SMS → sms_iot → HA's esphome integration → a real ESPHome device.

The device is esphome/host_sim.yaml compiled by ESPHome for Linux (scripts/esp-sim): real
ESPHome firmware with the same entities as the ESP8266 boards, speaking the native API over
loopback to Home Assistant's unpatched esphome integration.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Generator
from pathlib import Path
import re
from typing import Any
from unittest.mock import MagicMock

from aiohttp.test_utils import TestClient
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from custom_components.sms_iot.const import DOMAIN
from homeassistant.core import HomeAssistant
from tools.dev_config import FRONT_DOOR, GARAGE_DOOR, LED, MASTER, RELAY, sim_subentries

from . import esphome_sim
from .conftest import text_and_read
from .fake_board import async_add_esphome, wait_for_state

pytestmark = pytest.mark.skipif(
    (reason := esphome_sim.unavailable_reason()) is not None, reason=reason or ""
)


@pytest.fixture
def sim(socket_enabled: None, tmp_path: Path) -> Generator[esphome_sim.SimDevice]:
    """A running simulated ESP8266 with fresh preferences (build cached per port)."""
    port = esphome_sim.pick_port()
    device = esphome_sim.SimDevice(esphome_sim.build(port), port, tmp_path / "prefs")
    device.start()
    yield device
    device.kill()


@pytest.fixture
async def esphome_entry(
    hass: HomeAssistant,
    sim: esphome_sim.SimDevice,
    mock_async_zeroconf: MagicMock,
    mock_bluetooth: None,
) -> MockConfigEntry:
    """Home Assistant's esphome integration connected to the simulated device."""
    entry = await async_add_esphome(hass, esphome_sim.MAC, sim.port, RELAY)
    assert hass.states.get(LED) is not None
    await wait_for_state(hass, GARAGE_DOOR, "closed")
    await wait_for_state(hass, FRONT_DOOR, "locked")
    return entry


@pytest.fixture
async def sms(
    hass: HomeAssistant,
    esphome_entry: MockConfigEntry,
    twilio_api: AiohttpClientMocker,
    client: TestClient[Any, Any],
    config_entry: MockConfigEntry,
) -> Callable[[str], Any]:
    """sms_iot configured with the device's relay and LED; returns a texting function."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        data=dict(config_entry.data),
        unique_id=config_entry.unique_id,
        subentries_data=sim_subentries(),
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)

    async def _send(body: str) -> str:
        return await text_and_read(client, body, MASTER)

    return _send


async def test_sms_switches_real_esphome_device(
    hass: HomeAssistant, sms: Callable[[str], Any]
) -> None:
    """Relay and LED obey texts; replies carry the states the device pushed back."""
    assert await sms("relay on") == "Relay: ON"
    assert hass.states.get(RELAY).state == "on"  # type: ignore[union-attr]
    assert await sms("led 40%") == "LED: ON 40%"
    brightness = hass.states.get(LED).attributes["brightness"]  # type: ignore[union-attr]
    assert abs(brightness - 102) <= 2
    assert await sms("?") == (
        "Relay: ON\nLED: ON 40%\nTemperature: 21.5 C\nGarage door: CLOSED\n"
        "Front door: LOCKED\nDevices: Relay, LED, Temperature, Garage door, Front door. "
        "Commands: <device> on/off/toggle, <light> 40%, all on/off, STATUS, COMMANDS, "
        "<door> open/close/stop, <lock> lock/unlock."
    )
    assert await sms("all off") == "Relay: OFF\nLED: OFF"


async def _confirmed(sms: Callable[[str], Any], text: str) -> str:
    """Text a command on a guarded device, then the code the reply asks for."""
    asked = re.fullmatch(
        r"Reply (\d{4}) within 5 min to confirm: .*\.", await sms(text)
    )
    assert asked is not None
    return str(await sms(asked.group(1)))


async def test_sensor_door_and_lock_of_real_esphome_device(
    hass: HomeAssistant, sms: Callable[[str], Any]
) -> None:
    """The board's sensor is read; its garage door and lock wait for a code, then move."""
    assert await sms("temperature?") == "Temperature: 21.5 C"
    assert await _confirmed(sms, "garage door open") == "Garage door: OPEN"
    assert hass.states.get(GARAGE_DOOR).state == "open"  # type: ignore[union-attr]
    assert await _confirmed(sms, "close the garage door") == "Garage door: CLOSED"
    assert await _confirmed(sms, "front door unlock") == "Front door: UNLOCKED"
    assert hass.states.get(FRONT_DOOR).state == "unlocked"  # type: ignore[union-attr]
    assert await sms("all on") == "Relay: ON\nLED: ON 100%"


async def test_device_power_cut_and_return(
    hass: HomeAssistant, sms: Callable[[str], Any], sim: esphome_sim.SimDevice
) -> None:
    """A dead device is reported offline at once; after it returns it obeys again."""
    await hass.async_add_executor_job(sim.kill)
    await wait_for_state(hass, RELAY, "unavailable")
    assert await asyncio.wait_for(sms("relay on"), 5) == "Relay: offline"
    await hass.async_add_executor_job(sim.start)
    await wait_for_state(hass, RELAY, "off", seconds=60)
    assert await sms("relay on") == "Relay: ON"
