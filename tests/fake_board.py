"""Connect tools/fake_esphome.py to Home Assistant's real esphome integration."""

from __future__ import annotations

import asyncio

from pytest_homeassistant_custom_component.common import MockConfigEntry

from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.event import async_track_state_change_event
from homeassistant.setup import async_setup_component
from tools.fake_esphome import FakeEsphomeDevice

FAKE_RELAY = "switch.sms_iot_fake_relay"
FAKE_LED = "light.sms_iot_fake_onboard_led"


async def async_add_esphome(
    hass: HomeAssistant, mac: str, port: int, relay: str
) -> MockConfigEntry:
    """Set up the esphome integration for a device on loopback; wait for its relay."""
    assert await async_setup_component(hass, "homeassistant", {})
    entry = MockConfigEntry(
        domain="esphome",
        unique_id=mac,
        data={
            CONF_HOST: "127.0.0.1",
            CONF_PORT: port,
            CONF_PASSWORD: "",
            "noise_psk": "",
        },
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await wait_for_state(hass, relay, "off")
    return entry


async def async_connect(
    hass: HomeAssistant, fake: FakeEsphomeDevice
) -> MockConfigEntry:
    """Start the fake device and add it through the esphome integration."""
    return await async_add_esphome(hass, fake.mac, await fake.start(), FAKE_RELAY)


def board_id(hass: HomeAssistant, board: FakeEsphomeDevice) -> str:
    """Return the board's device id in Home Assistant (the only esphome device)."""
    (esphome,) = hass.config_entries.async_entries("esphome")
    (device,) = dr.async_entries_for_config_entry(dr.async_get(hass), esphome.entry_id)
    return device.id


async def wait_for_state(
    hass: HomeAssistant, entity_id: str, wanted: str, seconds: float = 30
) -> None:
    """Wait until the entity reports a state, as pushed by the device."""
    reached = asyncio.Event()

    @callback
    def _changed(event: Event[EventStateChangedData]) -> None:
        if (new := event.data["new_state"]) is not None and new.state == wanted:
            reached.set()

    unsub = async_track_state_change_event(hass, entity_id, _changed)
    try:
        if (state := hass.states.get(entity_id)) is None or state.state != wanted:
            async with asyncio.timeout(seconds):
                await reached.wait()
    finally:
        unsub()
