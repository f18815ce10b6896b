"""Confirm first: a code the sender texts back, once, in time; a wrong or late one runs nothing."""

from __future__ import annotations

from datetime import timedelta
import re

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.sms_iot.const import CONFIRM_WINDOW, EVENT_RECEIVED
from homeassistant.core import HomeAssistant

from .conftest import BOB, CAROL, Devices, SendSms

ASK = re.compile(r"Reply (\d{4}) within 5 min to confirm: (.*)\.<")


@pytest.fixture
async def gate(hass: HomeAssistant, setup_entry: MockConfigEntry) -> MockConfigEntry:
    """The porch switch stands for a gate: confirm first."""
    subentry = setup_entry.subentries["dev_porch"]
    hass.config_entries.async_update_subentry(
        setup_entry, subentry, data={**subentry.data, "confirm": "always"}
    )
    await hass.async_block_till_done()
    return setup_entry


async def _ask(send_sms: SendSms, text: str = "porch on", sender: str = CAROL) -> str:
    _, body = await send_sms(text, sender)
    found = ASK.search(body)
    assert found is not None, body
    return found.group(1)


async def test_right_code_runs_it_once(
    hass: HomeAssistant, gate: MockConfigEntry, send_sms: SendSms, devices: Devices
) -> None:
    """Nothing runs until the code; the code runs it; the same code again runs nothing."""
    received = async_capture_events(hass, EVENT_RECEIVED)
    code = await _ask(send_sms)
    assert devices.porch.is_on is False
    _, body = await send_sms(code, CAROL)
    assert "<Message>Porch: ON</Message>" in body
    assert devices.porch.is_on is True
    await hass.services.async_call(
        "switch", "turn_off", {"entity_id": "switch.porch"}, blocking=True
    )
    _, body = await send_sms(code, CAROL)  # replayed
    assert "No command is waiting for a code." in body
    assert devices.porch.is_on is False
    # The code is in the reply only: not in events.
    assert all(code not in str(e.data) for e in received)
    assert received[1].data["body"] == "****"


async def test_wrong_code_ends_it(
    hass: HomeAssistant, gate: MockConfigEntry, send_sms: SendSms, devices: Devices
) -> None:
    """One wrong code and the held command is gone: guessing gets one try."""
    code = await _ask(send_sms)
    wrong = f"{(int(code) + 1) % 10000:04d}"
    _, body = await send_sms(wrong, CAROL)
    assert "Wrong code: nothing was done." in body
    _, body = await send_sms(code, CAROL)
    assert "No command is waiting for a code." in body
    assert devices.porch.is_on is False


async def test_late_code(
    hass: HomeAssistant,
    gate: MockConfigEntry,
    send_sms: SendSms,
    devices: Devices,
    freezer: FrozenDateTimeFactory,
) -> None:
    """After five minutes the code runs nothing and says so."""
    code = await _ask(send_sms)
    freezer.tick(timedelta(seconds=CONFIRM_WINDOW + 1))
    _, body = await send_sms(code, CAROL)
    assert "Code expired: nothing was done." in body
    assert devices.porch.is_on is False


async def test_other_senders_code(
    hass: HomeAssistant, gate: MockConfigEntry, send_sms: SendSms, devices: Devices
) -> None:
    """Only the sender that was asked can confirm; Alice sending Carol's code runs nothing."""
    code = await _ask(send_sms)
    _, body = await send_sms(code)  # Alice
    assert "No command is waiting for a code." in body
    assert devices.porch.is_on is False
    _, body = await send_sms(code, CAROL)
    assert "Porch: ON" in body


async def test_restart_forgets_codes(
    hass: HomeAssistant, gate: MockConfigEntry, send_sms: SendSms, devices: Devices
) -> None:
    """Codes live in memory only: after a reload (or restart) none is valid."""
    code = await _ask(send_sms)
    assert await hass.config_entries.async_reload(gate.entry_id)
    await hass.async_block_till_done()
    _, body = await send_sms(code, CAROL)
    assert "No command is waiting for a code." in body
    assert devices.porch.is_on is False


async def test_only_confirm_first_devices_wait(
    hass: HomeAssistant, gate: MockConfigEntry, send_sms: SendSms, devices: Devices
) -> None:
    """In one text, other devices run at once; status never asks; read-only never asks."""
    _, body = await send_sms("all on")
    assert "Kitchen: ON" in body
    assert "confirm: Porch: ON." in body
    assert devices.porch.is_on is False
    _, body = await send_sms("porch?")
    assert "Porch: OFF" in body
    assert "Reply" not in body
    _, body = await send_sms("porch on", BOB)
    assert "Not permitted" in body
    assert "Reply" not in body


async def test_codes_are_random_four_digits(
    hass: HomeAssistant, gate: MockConfigEntry, send_sms: SendSms
) -> None:
    """Codes vary (from secrets) and are never a carrier keyword or a grammar command."""
    codes = {await _ask(send_sms) for _ in range(8)}
    assert len(codes) > 1
    assert all(len(c) == 4 and c.isdigit() for c in codes)


async def test_a_new_question_replaces_the_old(
    hass: HomeAssistant, gate: MockConfigEntry, send_sms: SendSms, devices: Devices
) -> None:
    """Asking again replaces the held command: the newest code holds the newest command."""
    await _ask(send_sms, "porch on")
    code = await _ask(send_sms, "porch toggle")
    _, body = await send_sms(code, CAROL)
    assert "Porch: ON" in body


async def test_brightness_waits_too(
    hass: HomeAssistant, gate: MockConfigEntry, send_sms: SendSms, devices: Devices
) -> None:
    """A held brightness says the level it will set; the code sets it."""
    subentry = gate.subentries["dev_kitchen"]
    hass.config_entries.async_update_subentry(
        gate, subentry, data={**subentry.data, "confirm": "always"}
    )
    await hass.async_block_till_done()
    _, body = await send_sms("kitchen 40%")
    found = ASK.search(body)
    assert found is not None, body
    assert found.group(2) == "Kitchen: ON 40%"
    _, body = await send_sms(found.group(1))
    assert "Kitchen: ON 40%" in body


async def test_codes_count_against_the_rate_limit(
    hass: HomeAssistant, gate: MockConfigEntry, send_sms: SendSms, devices: Devices
) -> None:
    """A code is a command for the rate limit: over it, a code text runs nothing."""
    hass.config_entries.async_update_entry(
        gate, options={**gate.options, "rate_limit": 1}
    )
    await hass.async_block_till_done()
    code = await _ask(send_sms)
    _, body = await send_sms(code, CAROL)
    assert "Slow down" in body
    assert devices.porch.is_on is False
