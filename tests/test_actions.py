"""Tests for executing SMS commands on devices, driven through the webhook."""

from __future__ import annotations

import time
from unittest.mock import patch

import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.sms_iot.const import (
    CONF_ALIASES,
    EVENT_COMMAND,
    EVENT_RECEIVED,
    SUBENTRY_DEVICE,
)
from custom_components.sms_iot.phrase import MAX_REPLY_CHARS
from homeassistant.config_entries import ConfigSubentry
from homeassistant.const import CONF_ENTITY_ID
from homeassistant.core import CoreState, HomeAssistant

from .conftest import ALICE, BOB, CAROL, TWILIO_NUMBER, Devices, SendSms, message_text


async def reply(send_sms: SendSms, text: str, sender: str = ALICE) -> str:
    """Send a signed SMS and return the reply text."""
    status, body = await send_sms(text, sender)
    assert status == 200
    return message_text(body)


async def test_device_on_off_toggle(send_sms: SendSms, devices: Devices) -> None:
    """Named devices switch and the reply states what they report."""
    assert await reply(send_sms, "kitchen on") == "Kitchen: ON 100%"
    assert await reply(send_sms, "KITCHEN  off") == "Kitchen: OFF"
    assert await reply(send_sms, "porch toggle") == "Porch: ON"
    assert await reply(send_sms, "turn off porch") == "Porch: OFF"
    assert devices.porch.calls == [("turn_on", {}), ("turn_off", {})]


async def test_alias_and_brightness(send_sms: SendSms, devices: Devices) -> None:
    """Aliases name devices; a percentage dims a light."""
    assert await reply(send_sms, "lamp 40%") == "Kitchen: ON 40%"
    assert devices.kitchen.calls == [("turn_on", {"brightness": 102})]
    assert await reply(send_sms, "kitchen 0%") == "Kitchen: OFF"


async def test_brightness_on_switch_refused(
    send_sms: SendSms, devices: Devices
) -> None:
    """A switch cannot be dimmed."""
    assert await reply(send_sms, "porch 50%") == "Porch: is a switch, use on or off."
    assert devices.porch.calls == []


async def test_seed_protocol(send_sms: SendSms, devices: Devices) -> None:
    """1 and 0 switch the sender's default device; ? gives status plus help."""
    assert await reply(send_sms, "1") == "Kitchen: ON 100%"
    assert await reply(send_sms, "0") == "Kitchen: OFF"
    assert await reply(send_sms, "1", CAROL) == "Porch: ON"
    status = await reply(send_sms, "?")
    assert status.startswith("Kitchen: OFF\nPorch: ON\nGarage light: OFF\nDevices:")
    assert "1/0 (Kitchen)" in status


async def test_bare_one_without_default(
    hass: HomeAssistant, setup_entry: MockConfigEntry, send_sms: SendSms
) -> None:
    """Without a default device, 1 asks which device."""
    subentry = setup_entry.subentries["num_alice"]
    hass.config_entries.async_update_subentry(
        setup_entry, subentry, data={**subentry.data, "default_device": None}
    )
    text = await reply(send_sms, "1")
    assert text.startswith("Several devices: name one, e.g. 'Kitchen on'.")
    assert "1/0" not in await reply(send_sms, "help")


async def test_number_whose_devices_were_removed(
    hass: HomeAssistant, setup_entry: MockConfigEntry, send_sms: SendSms
) -> None:
    """A number limited to devices that no longer exist controls nothing."""
    hass.config_entries.async_remove_subentry(setup_entry, "dev_porch")
    assert await reply(send_sms, "all on", CAROL) == (
        "No devices are set up for this number."
    )


async def test_all_and_status(send_sms: SendSms, devices: Devices) -> None:
    """All on switches every permitted device; status lists observed states."""
    assert await reply(send_sms, "all on") == (
        "Kitchen: ON 100%\nPorch: ON\nGarage light: ON 100%"
    )
    assert await reply(send_sms, "garage light 10%, status") == (
        "Garage light: ON 10%\nKitchen: ON 100%\nPorch: ON\nGarage light: ON 10%"
    )
    assert await reply(send_sms, "porch?") == "Porch: ON"


async def test_help_and_unknown(send_sms: SendSms) -> None:
    """HELP is generated from devices and permission; nonsense is named."""
    assert await reply(send_sms, "help") == (
        "Devices: Kitchen, Porch, Garage light. Commands: <device> on/off/toggle, "
        "<light> 40%, all on/off, STATUS, COMMANDS, 1/0 (Kitchen)."
    )
    assert await reply(send_sms, "help", BOB) == (
        "Devices: Kitchen, Porch, Garage light. Commands: STATUS, <device>?, COMMANDS."
    )
    assert await reply(send_sms, "help", CAROL) == (
        "Devices: Porch. Commands: <device> on/off/toggle, all on/off, STATUS, COMMANDS, "
        "1/0 (Porch)."
    )
    assert await reply(send_sms, "make coffee") == (
        "Not understood: 'make coffee'. Text COMMANDS for commands."
    )
    assert await reply(send_sms, "sauna on") == (
        "Unknown device 'sauna'. Text COMMANDS for the list."
    )
    assert (await reply(send_sms, "   ")).startswith("Devices: ")


async def test_permissions(send_sms: SendSms, devices: Devices) -> None:
    """Status-only numbers cannot switch; numbers only reach their devices."""
    assert await reply(send_sms, "kitchen on", BOB) == (
        "Not permitted: this number can only check status."
    )
    assert await reply(send_sms, "all off", BOB) == (
        "Not permitted: this number can only check status."
    )
    assert await reply(send_sms, "status", BOB) == (
        "Kitchen: OFF\nPorch: OFF\nGarage light: OFF"
    )
    assert await reply(send_sms, "kitchen on", CAROL) == (
        "Kitchen: not permitted for this number."
    )
    assert await reply(send_sms, "all on", CAROL) == "Porch: ON"
    assert devices.kitchen.calls == []
    assert devices.garage.calls == []


async def test_offline_device_not_called(send_sms: SendSms, devices: Devices) -> None:
    """An unavailable device is reported offline and not called."""
    devices.garage._attr_available = False
    devices.garage.async_write_ha_state()
    events = async_capture_events(devices.garage.hass, EVENT_COMMAND)
    assert await reply(send_sms, "garage light on") == "Garage light: offline"
    assert await reply(send_sms, "status") == (
        "Kitchen: OFF\nPorch: OFF\nGarage light: offline"
    )
    assert devices.garage.calls == []
    assert events[0].data["result"] == "offline"


async def test_reply_waits_for_observed_state(
    send_sms: SendSms, devices: Devices
) -> None:
    """The reply reports the state the device reports, after it reports it."""
    devices.kitchen.delay = 0.3
    assert await reply(send_sms, "kitchen on") == "Kitchen: ON 100%"
    devices.porch.delay = 0.2
    assert await reply(send_sms, "porch toggle") == "Porch: ON"


async def test_reply_is_what_device_reports_not_what_was_asked(
    send_sms: SendSms, devices: Devices
) -> None:
    """A light that only reaches 20% is reported at 20%, after waiting for 40%."""
    devices.kitchen.max_brightness = 51
    devices.kitchen.delay = 0.05
    with patch("custom_components.sms_iot.act.DEVICE_WAIT", 0.3):
        text = await reply(send_sms, "kitchen 40%")
    assert text == "Kitchen: ON 20% (not what was asked)."


async def test_hanging_device_answered_in_time(
    send_sms: SendSms, devices: Devices
) -> None:
    """A device that never reports still gets a truthful reply within the budget."""
    devices.porch.hang = True
    with patch("custom_components.sms_iot.act.DEVICE_WAIT", 0.2):
        started = time.monotonic()
        text = await reply(send_sms, "porch on")
    assert text == (
        "Porch: no response yet (still OFF). If it switches within 15 min, a text follows."
    )
    assert time.monotonic() - started < 2


async def test_budget_exhausted_skips(send_sms: SendSms, devices: Devices) -> None:
    """Commands after the reply budget is spent are skipped, not run late."""
    devices.porch.hang = True
    with (
        patch("custom_components.sms_iot.act.DEVICE_WAIT", 0.2),
        patch("custom_components.sms_iot.inbox.REPLY_BUDGET", 0.1),
    ):
        text = await reply(send_sms, "porch on, kitchen on")
    assert text == (
        "Porch: no response yet (still OFF). If it switches within 15 min, a text "
        "follows.\nKitchen: skipped, out of time (still OFF)."
    )
    assert devices.kitchen.calls == []


async def test_failing_device(send_sms: SendSms, devices: Devices) -> None:
    """A service call that fails is reported with the state the device still has."""
    devices.porch.fail = True
    assert await reply(send_sms, "porch on") == "Porch: failed (still OFF)."


async def test_events(
    hass: HomeAssistant, send_sms: SendSms, setup_entry: MockConfigEntry
) -> None:
    """Received and command events carry the entry, the sender and one context."""
    received = async_capture_events(hass, EVENT_RECEIVED)
    commands = async_capture_events(hass, EVENT_COMMAND)
    await reply(send_sms, "kitchen on, porch on")
    assert len(received) == 1
    data = received[0].data
    assert data["config_entry_id"] == setup_entry.entry_id
    assert (data["from"], data["to"], data["body"], data["sender_name"]) == (
        ALICE,
        TWILIO_NUMBER,
        "kitchen on, porch on",
        "Alice",
    )
    assert [
        (e.data["entity_id"], e.data["action"], e.data["result"]) for e in commands
    ] == [
        ("light.kitchen", "on", "ok"),
        ("switch.porch", "on", "ok"),
    ]
    assert commands[0].data["state"] == "ON 100%"
    assert {e.context.id for e in (*received, *commands)} == {received[0].context.id}
    assert hass.states.get("light.kitchen").context.id == received[0].context.id  # type: ignore[union-attr]


async def test_long_reply_capped(
    hass: HomeAssistant, setup_entry: MockConfigEntry, send_sms: SendSms
) -> None:
    """A reply that would exceed 1600 characters is cut at a line and says so."""
    for index in range(120):
        hass.config_entries.async_add_subentry(
            setup_entry,
            ConfigSubentry(
                data={CONF_ENTITY_ID: f"switch.extra_{index}", CONF_ALIASES: []},
                subentry_type=SUBENTRY_DEVICE,
                title=f"Extra device number {index}",
                unique_id=f"switch.extra_{index}",
            ),
        )
    text = await reply(send_sms, "status")
    assert len(text) <= MAX_REPLY_CHARS
    assert text.startswith("Kitchen: OFF\n")
    assert text.endswith("more lines)")
    assert "Extra device number 0: not found" in text


@pytest.mark.parametrize("count", [11, 30])
async def test_too_many_commands(
    send_sms: SendSms, devices: Devices, count: int
) -> None:
    """Only the first ten commands of a message run."""
    text = await reply(send_sms, ", ".join(["porch toggle"] * count))
    assert text.endswith("Only the first 10 commands were read.")
    assert len(devices.porch.calls) == 10


@pytest.mark.parametrize(
    ("state", "word"),
    [(CoreState.starting, "starting up"), (CoreState.running, "not found")],
)
async def test_entity_not_there_yet_or_gone(
    hass: HomeAssistant,
    setup_entry: MockConfigEntry,
    send_sms: SendSms,
    state: CoreState,
    word: str,
) -> None:
    """A configured entity without a state is "starting up" during a start, else "not found"."""
    hass.config_entries.async_add_subentry(
        setup_entry,
        ConfigSubentry(
            data={CONF_ENTITY_ID: "switch.relay", CONF_ALIASES: []},
            subentry_type=SUBENTRY_DEVICE,
            title="Relay",
            unique_id="switch.relay",
        ),
    )
    await hass.async_block_till_done()
    events = async_capture_events(hass, EVENT_COMMAND)
    hass.set_state(state)
    assert await reply(send_sms, "relay?") == f"Relay: {word}"
    assert await reply(send_sms, "relay on") == f"Relay: {word}"
    hass.set_state(CoreState.running)
    assert [(e.data["result"], e.data["state"]) for e in events] == [("offline", word)]
