"""Sensors and binary sensors: read in status replies and questions, never switched."""

from __future__ import annotations

from types import MappingProxyType

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.sms_iot.segments import segment_info
from homeassistant.config_entries import ConfigSubentry
from homeassistant.core import HomeAssistant

from .conftest import Devices, SendSms


@pytest.fixture
async def sensors(
    hass: HomeAssistant, setup_entry: MockConfigEntry, devices: Devices
) -> MockConfigEntry:
    """A temperature sensor and a gate contact, added as controlled entities."""
    hass.states.async_set(
        "sensor.garage_temperature",
        "21.5",
        {"unit_of_measurement": "°C", "friendly_name": "Garage temperature"},
    )
    hass.states.async_set("binary_sensor.gate", "off", {"friendly_name": "Gate"})
    for title, entity_id in (
        ("Garage temperature", "sensor.garage_temperature"),
        ("Gate", "binary_sensor.gate"),
    ):
        hass.config_entries.async_add_subentry(
            setup_entry,
            ConfigSubentry(
                data=MappingProxyType({"entity_id": entity_id, "aliases": []}),
                subentry_type="device",
                title=title,
                unique_id=entity_id,
            ),
        )
    await hass.async_block_till_done()
    return setup_entry


async def test_status_reads_sensors_with_units(
    hass: HomeAssistant, sensors: MockConfigEntry, send_sms: SendSms
) -> None:
    """Status and a question show the value and unit, in GSM-7 ("°" left out)."""
    _, body = await send_sms("status")
    assert "Garage temperature: 21.5 C" in body
    assert "Gate: OFF" in body
    _, body = await send_sms("garage temperature?")
    assert "<Message>Garage temperature: 21.5 C</Message>" in body
    assert segment_info("Garage temperature: 21.5 C").encoding == "GSM-7"
    _, body = await send_sms("what is the garage temperature")
    assert "Garage temperature: 21.5 C" in body


@pytest.mark.parametrize(
    "text", ["garage temperature on", "gate off", "gate 40%", "gate toggle"]
)
async def test_sensors_are_never_switched(
    hass: HomeAssistant, sensors: MockConfigEntry, send_sms: SendSms, text: str
) -> None:
    """A command on a sensor says it can only be read; nothing is called."""
    _, body = await send_sms(text)
    assert "can only be read." in body


async def test_all_off_passes_sensors_by(
    hass: HomeAssistant, sensors: MockConfigEntry, send_sms: SendSms, devices: Devices
) -> None:
    """All off switches the lights and switches and leaves the sensors alone."""
    _, body = await send_sms("all off")
    assert "Kitchen: OFF" in body
    assert "can only be read" not in body
    assert "Garage temperature" not in body
    state = hass.states.get("binary_sensor.gate")
    assert state is not None
    assert state.state == "off"
