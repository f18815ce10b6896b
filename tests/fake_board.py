"""Connect tools/fake_esphome.py to Home Assistant's real esphome integration."""

from __future__ import annotations

from pytest_homeassistant_custom_component.common import MockConfigEntry

from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from tools.fake_esphome import FakeEsphomeDevice

from .test_esphome_e2e import _wait_for_state

FAKE_RELAY = "switch.sms_iot_fake_relay"
FAKE_LED = "light.sms_iot_fake_onboard_led"


async def async_connect(
    hass: HomeAssistant, fake: FakeEsphomeDevice
) -> MockConfigEntry:
    """Start the fake device and add it through the esphome integration; wait for states."""
    port = await fake.start()
    assert await async_setup_component(hass, "homeassistant", {})
    entry = MockConfigEntry(
        domain="esphome",
        unique_id=fake.mac,
        data={
            CONF_HOST: "127.0.0.1",
            CONF_PORT: port,
            CONF_PASSWORD: "",
            "noise_psk": "",
        },
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await _wait_for_state(hass, FAKE_RELAY, "off", seconds=10)
    return entry
