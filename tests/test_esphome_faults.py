"""Faults the real device cannot be told to have, through Home Assistant's esphome integration.

The device is tools/fake_esphome.py (aioesphomeapi's protobufs on loopback): slow, hung, or
dropping the connection when a command arrives.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Any
from unittest.mock import MagicMock, patch

from aiohttp.test_utils import TestClient
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from custom_components.sms_iot.const import DOMAIN
from homeassistant.core import HomeAssistant
from tools.entries import device_subentry, number_subentry
from tools.fake_esphome import FakeEsphomeDevice

from .conftest import ACCOUNT_SID, ALICE, TWILIO_API, text_and_read
from .fake_board import FAKE_LED, FAKE_RELAY, async_connect, wait_for_state

RELAY = FAKE_RELAY
LED = FAKE_LED


@pytest.fixture
async def device(
    hass: HomeAssistant,
    socket_enabled: None,
    mock_async_zeroconf: MagicMock,
    mock_bluetooth: None,
) -> AsyncGenerator[FakeEsphomeDevice]:
    """The fake device, connected to Home Assistant's esphome integration."""
    fake = FakeEsphomeDevice()
    entry = await async_connect(hass, fake)
    yield fake
    await hass.config_entries.async_unload(entry.entry_id)
    await fake.stop()


@pytest.fixture
async def sms(
    hass: HomeAssistant,
    device: FakeEsphomeDevice,
    twilio_api: Any,
    config_entry: MockConfigEntry,
    client: TestClient[Any, Any],
) -> Callable[[str], Awaitable[str]]:
    """sms_iot with the fake device's relay and LED; returns a texting function."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        data=dict(config_entry.data),
        subentries_data=[
            device_subentry("Relay", RELAY),
            device_subentry("LED", LED),
            number_subentry("Alice", ALICE),
        ],
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)

    async def _send(body: str) -> str:
        return await text_and_read(client, body)

    return _send


async def test_commands_reach_the_device(
    sms: Callable[[str], Awaitable[str]], device: FakeEsphomeDevice
) -> None:
    """Relay and LED commands arrive as ESPHome API commands; states come back."""
    assert await sms("relay on") == "Relay: ON"
    assert await sms("led 40%") == "LED: ON 40%"
    assert device.relay is True
    assert device.led_brightness == pytest.approx(0.4, abs=0.01)


async def test_slow_device(
    sms: Callable[[str], Awaitable[str]], device: FakeEsphomeDevice
) -> None:
    """A device that takes a second to switch is waited for."""
    device.delay = 1.0
    assert await sms("relay on") == "Relay: ON"


async def test_hung_device(
    sms: Callable[[str], Awaitable[str]], device: FakeEsphomeDevice
) -> None:
    """A device that takes the command and never reports gets a truthful reply in time."""
    device.ignore_commands = True
    with patch("custom_components.sms_iot.act.DEVICE_WAIT", 0.5):
        assert await sms("relay on") == (
            "Relay: no response yet (still OFF). If it switches within 15 min, a text "
            "follows."
        )
    assert len(device.commands) == 1


async def test_device_carries_out_a_command_later(
    hass: HomeAssistant,
    sms: Callable[[str], Awaitable[str]],
    device: FakeEsphomeDevice,
    twilio_api: AiohttpClientMocker,
) -> None:
    """The device answers after the reply was sent: the outcome follows as a text."""
    messages = f"{TWILIO_API}/Accounts/{ACCOUNT_SID}/Messages.json"
    twilio_api.post(messages, json={"sid": "SM" + "1" * 32, "status": "queued"})
    device.delay = 1.0
    with patch("custom_components.sms_iot.act.DEVICE_WAIT", 0.2):
        assert (await sms("relay on")).startswith("Relay: no response yet (still OFF)")
    await wait_for_state(hass, RELAY, "on", seconds=5)
    async with asyncio.timeout(5):
        while not any(str(url) == messages for _, url, _, _ in twilio_api.mock_calls):
            await asyncio.sleep(0.05)
            await hass.async_block_till_done()
    sent = [data for _, url, data, _ in twilio_api.mock_calls if str(url) == messages]
    assert len(sent) == 1
    assert dict(sent[0])["Body"] == "Relay: ON (late: the earlier command ran)."
    assert dict(sent[0])["To"] == ALICE


async def test_connection_dropped_mid_command(
    hass: HomeAssistant, sms: Callable[[str], Awaitable[str]], device: FakeEsphomeDevice
) -> None:
    """The device drops off while switching: the reply says offline, without waiting out."""
    device.drop_on_command = True
    with patch("custom_components.sms_iot.act.DEVICE_WAIT", 30):
        assert await sms("relay on") == "Relay: offline"
    assert hass.states.get(RELAY).state == "unavailable"  # type: ignore[union-attr]
    assert await sms("relay on") == "Relay: offline"
    assert len(device.commands) == 1
