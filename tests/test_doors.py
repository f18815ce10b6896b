"""Covers and locks: opened, closed, stopped, positioned, locked and unlocked by text."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
import re
from types import MappingProxyType
from typing import Any
from unittest.mock import patch

from aiohttp.test_utils import TestClient
from hypothesis import HealthCheck, given, settings, strategies as st
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    setup_test_component_platform,
)

from custom_components.sms_iot.const import EVENT_COMMAND
from custom_components.sms_iot.segments import segment_info
from homeassistant.components.cover import CoverEntityFeature
from homeassistant.config_entries import ConfigSubentry
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from tools.fake_twilio import FakeTwilioState

from .conftest import BOB, CAROL, Devices, SendSms, text_and_read, until
from .fake_devices import FakeCover, FakeLock

ASK = re.compile(r"Reply (\d{4}) within 5 min to confirm: (.*)\.")


@dataclass
class Doors:
    """The fake covers and lock behind the added entities."""

    garage: FakeCover
    blind: FakeCover
    front: FakeLock


async def _add_doors(
    hass: HomeAssistant, entry: MockConfigEntry, confirm: dict[str, str]
) -> Doors:
    """Set up a garage door, a blind and a lock, and add them to the entry."""
    doors = Doors(FakeCover("garage door"), FakeCover("blind", None), FakeLock("front"))
    setup_test_component_platform(hass, "cover", [doors.garage, doors.blind])
    setup_test_component_platform(hass, "lock", [doors.front])
    assert await async_setup_component(hass, "cover", {"cover": {"platform": "test"}})
    assert await async_setup_component(hass, "lock", {"lock": {"platform": "test"}})
    for title, entity_id in (
        ("Garage door", "cover.garage_door"),
        ("Blind", "cover.blind"),
        ("Front door", "lock.front"),
    ):
        data: dict[str, Any] = {"entity_id": entity_id, "aliases": []}
        if title in confirm:
            data["confirm"] = confirm[title]
        hass.config_entries.async_add_subentry(
            entry,
            ConfigSubentry(
                data=MappingProxyType(data),
                subentry_type="device",
                title=title,
                unique_id=entity_id,
            ),
        )
    await hass.async_block_till_done()
    return doors


@pytest.fixture
async def doors(hass: HomeAssistant, setup_entry: MockConfigEntry) -> Doors:
    """The doors, with confirmation left to their kind."""
    return await _add_doors(hass, setup_entry, {})


@pytest.fixture
async def open_doors(hass: HomeAssistant, setup_entry: MockConfigEntry) -> Doors:
    """The doors, never asking for a code."""
    never = dict.fromkeys(("Garage door", "Blind", "Front door"), "never")
    return await _add_doors(hass, setup_entry, never)


async def _text(send_sms: SendSms, text: str, sender: str | None = None) -> str:
    status, body = await (send_sms(text) if sender is None else send_sms(text, sender))
    assert status == 200
    found = re.search(r"<Message>(.*)</Message>", body, re.S)
    return found.group(1) if found else ""


@pytest.mark.parametrize(
    ("text", "reply", "call"),
    [
        ("blind open", "Blind: OPEN", "open_cover"),
        ("open blind", "Blind: OPEN", "open_cover"),
        ("blind on", "Blind: OPEN", "open_cover"),
        ("blind 40%", "Blind: OPEN 40%", "set_cover_position"),
        ("set the blind to 30%", "Blind: OPEN 30%", "set_cover_position"),
        ("open the blind", "Blind: OPEN", "open_cover"),
        ("blind toggle", "Blind: OPEN", "open_cover"),
    ],
)
async def test_cover_commands(
    hass: HomeAssistant,
    open_doors: Doors,
    send_sms: SendSms,
    text: str,
    reply: str,
    call: str,
) -> None:
    """Each way of opening a cover opens it; the reply is the state it reports."""
    assert await _text(send_sms, text) == reply
    assert open_doors.blind.calls[0][0] == call
    assert hass.states.get("cover.blind").state == "open"


async def test_close_stop_and_status(
    hass: HomeAssistant, open_doors: Doors, send_sms: SendSms
) -> None:
    """Close, stop while still, status; a cover at rest part-way says how far open."""
    await _text(send_sms, "blind 60%")
    assert await _text(send_sms, "blind close") == "Blind: CLOSED"
    assert await _text(send_sms, "blind stop") == "Blind: CLOSED"
    assert await _text(send_sms, "blind off") == "Blind: CLOSED"
    assert await _text(send_sms, "front door?") == "Front door: LOCKED"
    status = await _text(send_sms, "status", BOB)
    assert "Blind: CLOSED" in status
    assert "Garage door: CLOSED" in status
    assert "Front door: LOCKED" in status


async def test_lock_commands(
    hass: HomeAssistant, open_doors: Doors, send_sms: SendSms
) -> None:
    """Lock and unlock by word, by on/off (as Home Assistant reads them) and free text."""
    events = async_capture_events(hass, EVENT_COMMAND)
    assert await _text(send_sms, "front door unlock") == "Front door: UNLOCKED"
    assert await _text(send_sms, "lock front door") == "Front door: LOCKED"
    assert await _text(send_sms, "front door off") == "Front door: UNLOCKED"
    assert await _text(send_sms, "lock the front door") == "Front door: LOCKED"
    assert [c[0] for c in open_doors.front.calls] == [
        "unlock",
        "lock",
        "unlock",
        "lock",
    ]
    assert [e.data["action"] for e in events] == ["unlock", "lock", "unlock", "lock"]
    assert {e.data["result"] for e in events} == {"ok"}


async def test_a_jammed_lock_says_so(
    hass: HomeAssistant, open_doors: Doors, send_sms: SendSms
) -> None:
    """A lock that jams is reported jammed at once, not after the whole wait."""
    events = async_capture_events(hass, EVENT_COMMAND)
    open_doors.front.jam = True
    with patch("custom_components.sms_iot.act.DEVICE_WAIT", 30):
        async with asyncio.timeout(5):
            reply = await _text(send_sms, "front door unlock")
    assert reply == "Front door: JAMMED (not what was asked)."
    assert events[0].data["result"] == "failed"


@pytest.mark.parametrize(
    ("text", "reply"),
    [
        ("front door open", "Front door: use lock or unlock."),
        ("front door toggle", "Front door: use lock or unlock."),
        ("front door 40%", "Front door: use lock or unlock."),
        ("blind lock", "Blind: use open, close or stop."),
        ("porch open", "Porch: use on or off."),
        ("kitchen unlock", "Kitchen: use on or off."),
        ("porch 40%", "Porch: is a switch, use on or off."),
    ],
)
async def test_words_a_kind_does_not_take(
    hass: HomeAssistant,
    open_doors: Doors,
    devices: Devices,
    send_sms: SendSms,
    text: str,
    reply: str,
) -> None:
    """A command a kind of device cannot carry out says which words it takes."""
    assert await _text(send_sms, text) == reply
    assert open_doors.front.calls == open_doors.blind.calls == []
    assert devices.porch.calls == devices.kitchen.calls == []


async def test_a_cover_without_positions_takes_no_percentage(
    hass: HomeAssistant, open_doors: Doors, send_sms: SendSms
) -> None:
    """A cover that only opens and closes is not sent a position."""
    open_doors.blind._attr_supported_features = (
        CoverEntityFeature.OPEN | CoverEntityFeature.CLOSE
    )
    open_doors.blind.async_write_ha_state()
    assert await _text(send_sms, "blind 40%") == "Blind: use open, close or stop."
    assert open_doors.blind.calls == []


@pytest.fixture
async def unlimited(hass: HomeAssistant, open_doors: Doors) -> Doors:
    """The doors, with a rate limit no run of examples reaches."""
    entry = hass.config_entries.async_entries("sms_iot")[0]
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, "rate_limit": 100_000}
    )
    await hass.async_block_till_done()
    return open_doors


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    st.lists(
        st.sampled_from(["all on", "all off", "ALL ON", "all 1", "all 0"]),
        min_size=1,
        max_size=4,
    ).map(", ".join)
)
async def test_all_never_moves_a_door_or_a_lock(
    hass: HomeAssistant, unlimited: Doors, send_sms: SendSms, text: str
) -> None:
    """Whatever mix of ALL commands: lights and switches only, never a cover or a lock."""
    reply = await _text(send_sms, text)
    assert "Porch:" in reply
    assert unlimited.front.calls == unlimited.blind.calls == []
    assert unlimited.garage.calls == []


async def test_all_with_only_doors_says_nothing_to_switch(
    hass: HomeAssistant, open_doors: Doors, send_sms: SendSms
) -> None:
    """A number with only doors and locks: ALL says it never opens or unlocks."""
    entry = hass.config_entries.async_entries("sms_iot")[0]
    carol = entry.subentries["num_carol"]
    door_ids = [
        s.subentry_id for s in entry.subentries.values() if s.title == "Front door"
    ]
    hass.config_entries.async_update_subentry(
        entry, carol, data={**carol.data, "devices": door_ids}
    )
    await hass.async_block_till_done()

    assert await _text(send_sms, "all off", CAROL) == (
        "Nothing to switch: ALL never opens or unlocks. Name the device."
    )
    assert open_doors.front.calls == []


@pytest.mark.parametrize(
    ("text", "asked", "call", "reply"),
    [
        ("front door unlock", "Front door: UNLOCK", "unlock", "Front door: UNLOCKED"),
        ("front door off", "Front door: UNLOCK", "unlock", "Front door: UNLOCKED"),
        ("garage door open", "Garage door: OPEN", "open_cover", "Garage door: OPEN"),
        (
            "garage door 40%",
            "Garage door: 40% open",
            "set_cover_position",
            "Garage door: OPEN 40%",
        ),
        (
            "open the garage door",
            "Garage door: OPEN",
            "open_cover",
            "Garage door: OPEN",
        ),
    ],
)
async def test_locks_and_garage_doors_ask_for_a_code_by_default(
    hass: HomeAssistant,
    doors: Doors,
    send_sms: SendSms,
    text: str,
    asked: str,
    call: str,
    reply: str,
) -> None:
    """Locks and garage doors wait for the code; a blind (no class) runs at once."""
    prompt = await _text(send_sms, text)
    found = ASK.fullmatch(prompt)
    assert found is not None, prompt
    assert found.group(2) == asked
    assert segment_info(prompt).encoding == "GSM-7"
    assert doors.front.calls == doors.garage.calls == []
    assert await _text(send_sms, found.group(1)) == reply
    assert [c[0] for c in doors.front.calls + doors.garage.calls] == [call]
    assert await _text(send_sms, "blind open") == "Blind: OPEN"


async def test_always_asks_for_any_kind(
    hass: HomeAssistant, setup_entry: MockConfigEntry, send_sms: SendSms
) -> None:
    """A blind set to always confirm asks too."""
    doors = await _add_doors(hass, setup_entry, {"Blind": "always"})
    prompt = await _text(send_sms, "blind close")
    assert ASK.fullmatch(prompt) is not None
    assert doors.blind.calls == []


async def test_a_moving_door_is_reported_when_it_stops(
    hass: HomeAssistant,
    devices: Devices,
    twilio_entry: MockConfigEntry,
    twilio: FakeTwilioState,
    client: TestClient[Any, Any],
) -> None:
    """Still opening when the reply is due: the reply says so, a text says where it stopped."""
    doors = await _add_doors(hass, twilio_entry, {"Blind": "never"})
    doors.blind.travel = 0.6
    events = async_capture_events(hass, EVENT_COMMAND)
    with patch("custom_components.sms_iot.act.DEVICE_WAIT", 0.2):
        reply = await text_and_read(client, "blind open")
    assert reply == "Blind: OPENING. A text follows when it stops."
    assert twilio.sent == []
    await until(hass, lambda: bool(twilio.sent))
    assert [m["body"] for m in twilio.sent] == ["Blind: OPEN"]
    assert [e.data["result"] for e in events] == ["moving", "done"]


async def test_a_door_stopped_half_way_is_reported_where_it_stopped(
    hass: HomeAssistant,
    devices: Devices,
    twilio_entry: MockConfigEntry,
    twilio: FakeTwilioState,
    client: TestClient[Any, Any],
) -> None:
    """Stop while it moves: the follow-up says how far open it came to rest."""
    doors = await _add_doors(hass, twilio_entry, {"Blind": "never"})
    doors.blind.travel = 5
    with patch("custom_components.sms_iot.act.DEVICE_WAIT", 0.1):
        assert await text_and_read(client, "blind open") == (
            "Blind: OPENING. A text follows when it stops."
        )
    assert await text_and_read(client, "blind stop") == "Blind: OPEN 50%"
    await hass.async_block_till_done()
    assert twilio.sent == []
