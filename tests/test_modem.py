"""The ESPHome GSM modem as a transport, through Home Assistant's real esphome integration.

The board is tools/fake_esphome.py with the modem surface of esphome/packages/sim800l_modem.yaml:
texts arrive as esphome.sms_received events, replies leave through its send_sms action.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
import logging
import time
from typing import Any
from unittest.mock import patch

from hypothesis import strategies as st
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)

from custom_components.sms_iot.button import TEST_TEXT
from custom_components.sms_iot.const import (
    CONF_MODEM_DEVICE,
    DOMAIN,
    EVENT_RECEIVED,
    EVENT_UNAUTHORIZED,
    PIN_FAILURE_THRESHOLD,
    PIN_FAILURE_WINDOW,
)
from custom_components.sms_iot.modem import board_name, modem_action
from homeassistant.components.persistent_notification import (
    _async_get_or_create_notifications,
)
from homeassistant.const import ATTR_DEVICE_ID
from homeassistant.core import Context, EventOrigin, HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er, issue_registry as ir
from homeassistant.util import dt as dt_util
from tools.entries import device_subentry, number_subentry
from tools.fake_esphome import FakeEsphomeDevice

from .conftest import ALICE, BOB, STRANGER, samples, until
from .fake_board import FAKE_LED, FAKE_RELAY, board_id

PIN = "4821"


@pytest.fixture
async def modem_entry(hass: HomeAssistant, board: FakeEsphomeDevice) -> MockConfigEntry:
    """An sms_iot entry with the modem only: Alice has a PIN, Bob has none."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        minor_version=2,
        title="SMS IoT Fake",
        data={},
        options={CONF_MODEM_DEVICE: board_id(hass, board)},
        subentries_data=[
            device_subentry("Relay", FAKE_RELAY),
            device_subentry("LED", FAKE_LED),
            number_subentry("Alice", ALICE, pin=PIN),
            number_subentry("Bob", BOB),
        ],
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def text(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    board: FakeEsphomeDevice,
    sender: str,
    body: str,
) -> list[tuple[str, str]]:
    """Text the board; return what it was asked to send back."""
    before = len(board.sent_sms)
    counters = entry.runtime_data.inbox.counters
    handled = sum(counters.values())
    board.receive_sms(sender, body)
    await until(hass, lambda: sum(counters.values()) > handled)
    await until(hass, lambda: len(board.sent_sms) >= counters["modem_parts_sent"])
    return board.sent_sms[before:]


async def test_command_with_pin_runs_and_replies_through_the_board(
    hass: HomeAssistant, modem_entry: MockConfigEntry, board: FakeEsphomeDevice
) -> None:
    """PIN first, then the command: the relay switches and the reply goes by the board."""
    received = async_capture_events(hass, EVENT_RECEIVED)
    assert await text(hass, modem_entry, board, ALICE, f"{PIN} relay on") == [
        (ALICE, "Relay: ON")
    ]
    assert board.relay is True
    assert [e.data["body"] for e in received] == ["relay on"]
    assert received[0].data["transport"] == "modem"
    assert await text(hass, modem_entry, board, ALICE, f"  {PIN}\nled 40%") == [
        (ALICE, "LED: ON 40%")
    ]


@pytest.mark.parametrize(
    "body",
    [
        "relay on",  # no PIN
        "1234 relay on",  # wrong PIN
        f"{PIN}relay on",  # PIN run into the command
        f"{PIN[:-1]} relay on",
        f"{PIN}0 relay on",
        "",
    ],
)
async def test_without_the_right_pin_nothing_runs(
    hass: HomeAssistant,
    modem_entry: MockConfigEntry,
    board: FakeEsphomeDevice,
    body: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A missing or wrong PIN: nothing runs, counted, one reminder a day, no PIN echoed."""
    caplog.set_level(logging.DEBUG)
    refused = async_capture_events(hass, EVENT_UNAUTHORIZED)
    first = await text(hass, modem_entry, board, ALICE, body)
    assert first == [
        (ALICE, "Start each text to this number with your PIN, e.g. '1234 relay on'.")
    ]
    assert await text(hass, modem_entry, board, ALICE, body) == []
    assert board.commands == []
    assert modem_entry.runtime_data.inbox.counters["pin_refused"] == 2
    assert [e.data["reason"] for e in refused] == ["pin", "pin"]
    assert all("body" not in e.data and ALICE not in str(e.data) for e in refused)
    assert PIN not in caplog.text


async def test_number_without_pin_cannot_use_the_modem(
    hass: HomeAssistant, modem_entry: MockConfigEntry, board: FakeEsphomeDevice
) -> None:
    """A spoofed sender id of a number that has no PIN gets nothing done."""
    for body in ("relay on", f"{PIN} relay on", "0000 relay on"):
        await text(hass, modem_entry, board, BOB, body)
    assert board.commands == []
    assert modem_entry.runtime_data.inbox.counters["pin_refused"] == 3


async def test_strangers_get_nothing(
    hass: HomeAssistant, modem_entry: MockConfigEntry, board: FakeEsphomeDevice
) -> None:
    """A number that is not authorized: no reply, nothing runs, PIN or not."""
    for body in ("relay on", f"{PIN} relay on"):
        assert await text(hass, modem_entry, board, STRANGER, body) == []
    assert board.commands == []
    assert modem_entry.runtime_data.inbox.counters["unauthorized"] == 2


async def test_sender_in_national_format(
    hass: HomeAssistant, modem_entry: MockConfigEntry, board: FakeEsphomeDevice
) -> None:
    """The modem may report a national number: it is read in the home country."""
    hass.config.country = "US"
    assert await text(hass, modem_entry, board, "(415) 555-2671", f"{PIN} relay on")
    assert board.sent_sms[-1] == (ALICE, "Relay: ON")


@pytest.mark.parametrize(
    ("origin", "context", "data"),
    [
        (EventOrigin.remote, Context(), {}),
        (EventOrigin.local, Context(user_id="0123456789abcdef"), {}),
        (EventOrigin.local, Context(), {ATTR_DEVICE_ID: "another-board"}),
        (EventOrigin.local, Context(), {"sender": 4155552671}),
        (EventOrigin.local, Context(), {"message": None}),
        (EventOrigin.local, Context(), {"sender": ""}),
    ],
)
async def test_events_not_from_the_board_are_ignored(
    hass: HomeAssistant,
    modem_entry: MockConfigEntry,
    board: FakeEsphomeDevice,
    origin: EventOrigin,
    context: Context,
    data: dict[str, Any],
) -> None:
    """Only the board's own events count: not a user's, another board's, or malformed."""
    event = {
        ATTR_DEVICE_ID: board_id(hass, board),
        "sender": ALICE,
        "message": f"{PIN} relay on",
    } | data
    hass.bus.async_fire("esphome.sms_received", event, origin, context)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert board.commands == []
    assert board.sent_sms == []
    counters = modem_entry.runtime_data.inbox.counters
    assert "accepted" not in counters


async def test_parts_of_a_long_text_are_joined(
    hass: HomeAssistant, modem_entry: MockConfigEntry, board: FakeEsphomeDevice
) -> None:
    """A long text arrives as full parts and a short last part: one message, one reply."""
    body = f"{PIN} led 30%" + "," * 150 + "relay on"
    parts = [body[i : i + 153] for i in range(0, len(body), 153)]
    assert len(parts) == 2
    board.receive_sms(ALICE, parts[0])
    await asyncio.sleep(0.2)
    assert board.commands == []  # the first part waits for the rest
    board.receive_sms(ALICE, parts[1])
    await board.wait_for_sms(1)
    assert board.relay is True
    assert board.sent_sms == [(ALICE, "LED: ON 30%\nRelay: ON")]
    assert modem_entry.runtime_data.inbox.counters["accepted"] == 1


async def test_a_full_part_alone_is_read_after_the_window(
    hass: HomeAssistant, modem_entry: MockConfigEntry, board: FakeEsphomeDevice
) -> None:
    """A 160-character text may be whole: it is read when no next part comes."""
    body = f"{PIN} relay on" + "," * (160 - len(PIN) - 9)
    with patch("custom_components.sms_iot.modem.MULTIPART_WINDOW", 0.3):
        board.receive_sms(ALICE, body)
        await board.wait_for_sms(1)
    assert board.relay is True


async def test_repeated_wrong_pins_raise_a_repair_that_clears(
    hass: HomeAssistant, modem_entry: MockConfigEntry, board: FakeEsphomeDevice
) -> None:
    """Many wrong PINs raise a repair; the right PIN clears it."""
    issue = ("sms_iot", f"pin_failures_{modem_entry.entry_id}")
    registry = ir.async_get(hass)
    for guess in range(PIN_FAILURE_THRESHOLD - 1):
        await text(hass, modem_entry, board, ALICE, f"{guess:04d} relay on")
    assert registry.async_get_issue(*issue) is None
    await text(hass, modem_entry, board, ALICE, "9999 relay on")
    raised = registry.async_get_issue(*issue)
    assert raised is not None
    assert PIN not in str(raised.translation_placeholders)
    await text(hass, modem_entry, board, ALICE, f"{PIN} relay status")
    assert registry.async_get_issue(*issue) is None
    assert board.commands == []


async def test_replies_are_plain_gsm7_in_numbered_parts(
    hass: HomeAssistant, modem_entry: MockConfigEntry, board: FakeEsphomeDevice
) -> None:
    """Everything the board is asked to send is one plain segment."""
    response = await hass.services.async_call(
        DOMAIN,
        "send_message",
        {"target": "Alice", "message": "Café “open” — " + "word " * 50},
        blocking=True,
        return_response=True,
    )
    assert response == {
        "messages": [
            {
                "to": ALICE,
                "via": "modem",
                "message_sid": None,
                "status": "queued",
                "segments": 1,
                "encoding": "GSM-7",
            }
        ]
        * 2
    }
    await board.wait_for_sms(2)
    sent = [message for _, message in board.sent_sms]
    assert sent[0].startswith('(1/2) Cafe "open" -- word')
    assert sent[1].startswith("(2/2) word")
    assert all(len(m) <= 160 and m.isascii() for m in sent)


async def test_generated_texts_without_the_pin_never_run(
    hass: HomeAssistant, modem_entry: MockConfigEntry, board: FakeEsphomeDevice
) -> None:
    """Whatever follows a wrong first word (guessed PINs, commands, noise), nothing runs."""
    first_words = st.text(min_size=1, max_size=10).filter(
        lambda w: w.split()[:1] != [PIN] and bool(w.split())
    )
    bodies = samples(
        st.tuples(
            first_words, st.sampled_from(["relay on", "led 50%", "all off", ""])
        ).map(lambda t: f"{t[0]} {t[1]}"),
        25,
    )
    for body in bodies:
        await text(hass, modem_entry, board, ALICE, body)
    assert board.commands == []
    assert modem_entry.runtime_data.inbox.counters["pin_refused"] == len(bodies)


async def test_late_outcome_follows_through_the_board(
    hass: HomeAssistant, modem_entry: MockConfigEntry, board: FakeEsphomeDevice
) -> None:
    """A device that switches after the reply: the outcome follows by the same way."""
    board.delay = 0.5
    with patch("custom_components.sms_iot.act.DEVICE_WAIT", 0.1):
        reply = await text(hass, modem_entry, board, ALICE, f"{PIN} relay on")
    assert reply[0][1].startswith("Relay: no response yet (still OFF)")
    await board.wait_for_sms(2)
    assert board.sent_sms[1] == (ALICE, "Relay: ON (late: the earlier command ran).")


async def test_pin_repair_clears_after_a_quiet_window(
    hass: HomeAssistant, modem_entry: MockConfigEntry, board: FakeEsphomeDevice
) -> None:
    """The repair stays while wrong PINs keep coming and goes after a quiet window."""
    issue = ("sms_iot", f"pin_failures_{modem_entry.entry_id}")
    registry = ir.async_get(hass)
    for _ in range(PIN_FAILURE_THRESHOLD):
        await text(hass, modem_entry, board, ALICE, "0000 relay on")
    assert registry.async_get_issue(*issue) is not None
    now = dt_util.utcnow()
    async_fire_time_changed(hass, now + timedelta(seconds=PIN_FAILURE_WINDOW + 1))
    await hass.async_block_till_done()
    assert registry.async_get_issue(*issue) is not None  # the failures are recent
    later = time.monotonic() + PIN_FAILURE_WINDOW + 1
    with patch("custom_components.sms_iot.limits.time.monotonic", return_value=later):
        async_fire_time_changed(
            hass, now + timedelta(seconds=2 * PIN_FAILURE_WINDOW + 2)
        )
        await hass.async_block_till_done()
    assert registry.async_get_issue(*issue) is None


async def test_unloading_stops_the_repair_timer(
    hass: HomeAssistant, modem_entry: MockConfigEntry, board: FakeEsphomeDevice
) -> None:
    """Unload is the mirror of setup: the repair and its timer go with the entry."""
    for _ in range(PIN_FAILURE_THRESHOLD):
        await text(hass, modem_entry, board, ALICE, "0000 relay on")
    pins = modem_entry.runtime_data.inbox.pins
    assert pins.issue_raised
    assert await hass.config_entries.async_unload(modem_entry.entry_id)
    assert not pins.issue_raised
    assert ir.async_get(hass).issues == {}
    board.receive_sms(ALICE, f"{PIN} relay on")
    await asyncio.sleep(0.2)
    await hass.async_block_till_done()
    assert board.commands == []


async def test_pin_guesses_use_up_the_rate_limit(
    hass: HomeAssistant, modem_entry: MockConfigEntry, board: FakeEsphomeDevice
) -> None:
    """A burst of guesses leaves no room for more tries: even the right PIN waits."""
    for guess in range(10):  # the default rate limit: 10 a minute
        await text(hass, modem_entry, board, ALICE, f"{guess:04d} relay on")
    reply = await text(hass, modem_entry, board, ALICE, f"{PIN} relay on")
    assert reply == [
        (ALICE, "Slow down: at most 10 commands a minute. Later messages are ignored.")
    ]
    assert board.commands == []


async def test_a_reply_the_board_cannot_send_is_logged(
    hass: HomeAssistant,
    modem_entry: MockConfigEntry,
    board: FakeEsphomeDevice,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The board lost its send_sms action: the command still runs, the failure is logged."""
    hass.services.async_remove("esphome", "sms_iot_fake_send_sms")
    assert await text(hass, modem_entry, board, ALICE, f"{PIN} relay on") == []
    assert board.relay is True
    assert (
        "Could not reply to ********2671: The modem board SMS IoT Fake" in caplog.text
    )
    assert PIN not in caplog.text
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            DOMAIN, "send_message", {"target": "Alice", "message": "hi"}, blocking=True
        )
    assert err.value.translation_key == "modem_unavailable"


async def test_unload_drops_a_waiting_part(
    hass: HomeAssistant, modem_entry: MockConfigEntry, board: FakeEsphomeDevice
) -> None:
    """A part waiting for the rest of its text goes with the entry: no timer lingers."""
    board.receive_sms(ALICE, f"{PIN} relay on" + "," * 150)
    await until(hass, lambda: bool(modem_entry.runtime_data.modem._timers))
    assert await hass.config_entries.async_unload(modem_entry.entry_id)
    assert board.commands == []


async def test_only_esphome_boards_with_send_sms_are_modems(
    hass: HomeAssistant, modem_entry: MockConfigEntry, board: FakeEsphomeDevice
) -> None:
    """A device that is gone, or not an ESPHome board, is no modem."""
    assert modem_action(hass, "no-such-device") is None
    assert board_name(hass, "no-such-device") == "no-such-device"
    service_device = modem_entry.runtime_data.service_device_id
    assert modem_action(hass, service_device) is None
    assert modem_action(hass, board_id(hass, board)) == "sms_iot_fake_send_sms"


async def test_notify_entity_texts_through_the_board(
    hass: HomeAssistant, modem_entry: MockConfigEntry, board: FakeEsphomeDevice
) -> None:
    """An entry without Twilio still gives each number a notify entity, sent by the board."""
    (notify,) = [
        e.entity_id
        for e in er.async_entries_for_config_entry(
            er.async_get(hass), modem_entry.entry_id
        )
        if e.domain == "notify"
        and e.unique_id.endswith(
            modem_entry.runtime_data.config.numbers[ALICE].subentry_id
        )
    ]
    await hass.services.async_call(
        "notify",
        "send_message",
        {"entity_id": notify, "title": "Garage", "message": "Door open"},
        blocking=True,
    )
    await board.wait_for_sms(1)
    assert board.sent_sms == [(ALICE, "Garage\nDoor open")]


async def test_any_text_after_the_pin_gets_plain_one_segment_replies(
    hass: HomeAssistant, modem_entry: MockConfigEntry, board: FakeEsphomeDevice
) -> None:
    """Whatever follows the PIN (any Unicode), every reply part is plain GSM-7, ≤160."""
    # A full part waits for the rest of its text: briefly here.
    with patch("custom_components.sms_iot.modem.MULTIPART_WINDOW", 0.05):
        for body in samples(st.text(max_size=200), 30):
            await text(hass, modem_entry, board, ALICE, f"{PIN} {body}")
    assert modem_entry.runtime_data.inbox.counters["errors"] == 0
    assert len(board.sent_sms) >= 10
    for _, message in board.sent_sms:
        assert len(message) <= 160
        assert message.isascii()


async def test_send_test_button_through_the_board(
    hass: HomeAssistant,
    modem_entry: MockConfigEntry,
    board: FakeEsphomeDevice,
    entity_registry: er.EntityRegistry,
) -> None:
    """On a modem entry the test text goes through the board, which reports no delivery."""
    entity_id = entity_registry.async_get_entity_id(
        "button", DOMAIN, f"{modem_entry.entry_id}_send_test_{_subentry(modem_entry)}"
    )
    assert entity_id is not None
    await hass.services.async_call(
        "button", "press", {"entity_id": entity_id}, blocking=True
    )
    await until(hass, lambda: bool(board.sent_sms))
    assert board.sent_sms == [(ALICE, TEST_TEXT)]
    message = _async_get_or_create_notifications(hass)[
        f"sms_iot_test_{_subentry(modem_entry)}"
    ]["message"]
    assert "handed to the modem board" in message


def _subentry(entry: MockConfigEntry) -> str:
    return next(s.subentry_id for s in entry.subentries.values() if s.title == "Alice")
