"""The message engine fed directly with InboundMessages: no HTTP, no Twilio, no TwiML."""

from __future__ import annotations

import itertools
from unittest.mock import patch

import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.sms_iot.const import EVENT_COMMAND
from custom_components.sms_iot.inbox import InboundMessage, Inbox
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from .conftest import ALICE, BOB, CAROL, STRANGER, Devices

_ids = itertools.count()


def message(text: str, sender: str, transport: str = "test") -> InboundMessage:
    """Return a message as a transport hands it to the inbox."""
    return InboundMessage(
        transport, "channel", sender, text, f"id{next(_ids)}", dt_util.utcnow()
    )


# sender, text, whether the kitchen light is offline: the reply and command results.
CASES = [
    (ALICE, "kitchen on", False, "Kitchen: ON 100%", ["ok"]),
    (ALICE, "kitchen on", True, "Kitchen: offline", ["offline"]),
    (ALICE, "lamp 40%", False, "Kitchen: ON 40%", ["ok"]),
    (ALICE, "1", False, "Kitchen: ON 100%", ["ok"]),
    (ALICE, "porch 40%", False, "Porch: is a switch, use on or off.", []),
    (
        ALICE,
        "attic on",
        False,
        "Unknown device 'attic'. Text COMMANDS for the list.",
        [],
    ),
    (ALICE, "kitchen?", True, "Kitchen: offline", []),
    (ALICE, "hello", False, "Not understood: 'hello'. Text COMMANDS for commands.", []),
    (BOB, "kitchen on", False, "Not permitted: this number can only check status.", []),
    (BOB, "kitchen?", False, "Kitchen: OFF", []),
    (BOB, "status", True, "Kitchen: offline\nPorch: OFF\nGarage light: OFF", []),
    (CAROL, "kitchen on", False, "Kitchen: not permitted for this number.", []),
    (CAROL, "1", False, "Porch: ON", ["ok"]),
    (CAROL, "all off", False, "Porch: OFF", ["ok"]),
    (STRANGER, "kitchen on", False, "", []),
    (STRANGER, "help", True, "", []),
]


@pytest.mark.parametrize(("sender", "text", "offline", "reply", "results"), CASES)
async def test_engine_table(
    hass: HomeAssistant,
    setup_entry: MockConfigEntry,
    devices: Devices,
    sender: str,
    text: str,
    offline: bool,
    reply: str,
    results: list[str],
) -> None:
    """Who may do what, decided once, whatever transport brought the text."""
    if offline:
        devices.kitchen._attr_available = False
        devices.kitchen.async_write_ha_state()
    events = async_capture_events(hass, EVENT_COMMAND)
    inbox = setup_entry.runtime_data.inbox
    assert await inbox.async_receive(message(text, sender)) == reply
    assert [e.data["result"] for e in events] == results
    if sender == STRANGER or not results or offline:
        assert devices.kitchen.calls == []


class FakePager:
    """A transport in a few lines: it proves its sender its own way, the inbox decides."""

    def __init__(self, inbox: Inbox, trusted: set[str]) -> None:
        """Initialize with the inbox and the senders this transport can vouch for."""
        self.inbox = inbox
        self.trusted = trusted
        self.sent: list[tuple[str, str]] = []

    async def deliver(self, sender: str, text: str, page_id: str) -> None:
        """Hand a received page to the inbox and send back whatever it answers."""
        if sender not in self.trusted:
            return
        reply = await self.inbox.async_receive(
            InboundMessage("pager", "pager-1", sender, text, page_id, dt_util.utcnow())
        )
        if reply:
            self.sent.append((sender, reply))


async def test_a_new_transport_plugs_into_the_inbox(
    setup_entry: MockConfigEntry, devices: Devices
) -> None:
    """Authorization, dedupe and replies come from the engine, not the transport."""
    pager = FakePager(setup_entry.runtime_data.inbox, {ALICE, STRANGER})
    await pager.deliver(ALICE, "porch on", "p1")
    await pager.deliver(ALICE, "porch on", "p1")  # retried: runs once
    await pager.deliver(STRANGER, "porch off", "p2")
    assert pager.sent == [(ALICE, "Porch: ON"), (ALICE, "Porch: ON")]
    assert [call for call, _ in devices.porch.calls] == ["turn_on"]


async def test_transport_without_follow_up_promises_none(
    setup_entry: MockConfigEntry, devices: Devices
) -> None:
    """A transport that cannot text later gets no promise of a later text."""
    devices.porch.hang = True
    pager = FakePager(setup_entry.runtime_data.inbox, {ALICE})
    with patch("custom_components.sms_iot.act.DEVICE_WAIT", 0.1):
        await pager.deliver(ALICE, "porch on", "p9")
    assert pager.sent == [
        (ALICE, "Porch: no response yet (still OFF); it may still switch.")
    ]
