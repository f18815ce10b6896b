"""Outbound texts: the send_message action, notify entities, delivery status, spending cap.

Twilio is the fake REST API of tools/fake_twilio.py on loopback; the twilio library is pointed
at it with tools/dev_site/twilio_redirect.py. Everything in between is the real integration.
"""

from __future__ import annotations

from typing import Any
from unittest.mock import patch

from aiohttp.test_utils import TestClient, TestServer
from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)
import voluptuous as vol

from custom_components.sms_iot.const import (
    CONF_HOURLY_CAP,
    DOMAIN,
    EVENT_MESSAGE_STATUS,
)
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er, issue_registry as ir
from tools.fake_twilio import FakeTwilioState

from .conftest import (
    ACCOUNT_SID,
    ALICE,
    BOB,
    CAROL,
    HOOK,
    MESSAGING_SERVICE,
    PUBLIC_URL,
    TWILIO_NUMBER,
    post_signed,
)

STATUS_URL = f"{PUBLIC_URL}?kind=status"


@pytest.fixture
def entry(twilio_entry: MockConfigEntry) -> MockConfigEntry:
    """The SMS IoT entry, set up against the fake Twilio."""
    return twilio_entry


async def send(hass: HomeAssistant, **data: Any) -> dict[str, Any]:
    """Call sms_iot.send_message and return its response."""
    response = await hass.services.async_call(
        DOMAIN, "send_message", data, blocking=True, return_response=True
    )
    assert response is not None
    return dict(response)


async def test_send_to_number_and_name(
    hass: HomeAssistant, entry: MockConfigEntry, twilio: FakeTwilioState
) -> None:
    """Targets are E.164 numbers or names; the response says what Twilio accepted."""
    response = await send(
        hass, target=["+1 415 555 0100", "alice", "Alice"], message="Garage open"
    )
    assert [m["to"] for m in response["messages"]] == ["+14155550100", ALICE]
    assert response["messages"][0] == {
        "to": "+14155550100",
        "via": "twilio",
        "message_sid": twilio.sent[0]["sid"],
        "status": "queued",
        "segments": 1,
        "encoding": "GSM-7",
    }
    sent = twilio.sent
    assert [(m["to"], m["from"], m["body"]) for m in sent] == [
        ("+14155550100", TWILIO_NUMBER, "Garage open"),
        (ALICE, TWILIO_NUMBER, "Garage open"),
    ]
    assert {m["status_callback"] for m in sent} == {STATUS_URL}


async def test_send_through_messaging_service(
    hass: HomeAssistant, twilio: FakeTwilioState, config_entry: MockConfigEntry
) -> None:
    """An entry on a Messaging Service sends with MessagingServiceSid, not From."""
    entry = MockConfigEntry(
        domain=DOMAIN, data={**config_entry.data, "sender": MESSAGING_SERVICE}
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    response = await send(hass, target=BOB, message="hi")
    assert response["messages"][0]["status"] == "accepted"
    assert (twilio.sent[0]["from"], twilio.sent[0]["messaging_service_sid"]) == (
        None,
        MESSAGING_SERVICE,
    )


async def test_mms_two_media(
    hass: HomeAssistant, entry: MockConfigEntry, twilio: FakeTwilioState
) -> None:
    """Media URLs go to Twilio as repeated MediaUrl fields."""
    media = ["https://example.com/a.jpg", "https://example.com/b.jpg"]
    await send(hass, target="Bob", message="Snapshots", media_url=media)
    assert twilio.sent[0]["media"] == media
    with pytest.raises(vol.Invalid):
        await send(hass, target="Bob", message="x", media_url=["https://e.x/1"] * 11)


@pytest.mark.parametrize(
    ("message", "encoding", "segments"),
    [
        ("a" * 160, "GSM-7", 1),
        ("a" * 161, "GSM-7", 2),
        ("Porch light turned on by Alice 💡", "UCS-2", 1),
        ("ж" * 71, "UCS-2", 2),
    ],
)
async def test_segments_returned(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    message: str,
    encoding: str,
    segments: int,
) -> None:
    """The response counts segments and names the encoding."""
    (result,) = (await send(hass, target=BOB, message=message))["messages"]
    assert (result["encoding"], result["segments"]) == (encoding, segments)


async def test_long_text_split(
    hass: HomeAssistant, entry: MockConfigEntry, twilio: FakeTwilioState
) -> None:
    """Above 1600 characters a text becomes several messages, none lost."""
    text = " ".join(f"line{i}" for i in range(500))  # about 3400 characters
    response = await send(hass, target=BOB, message=text)
    assert len(response["messages"]) == len(twilio.sent) == 3
    assert all(len(m["body"]) <= 1600 for m in twilio.sent)
    assert " ".join(m["body"] for m in twilio.sent) == text


@pytest.mark.parametrize(
    ("to", "key", "words"),
    [
        ("+15005550001", "invalid_recipient", "not a valid mobile number"),
        ("+15005550009", "invalid_recipient", "not a valid mobile number"),
        ("+15005550010", "invalid_recipient", "not a valid mobile number"),
        (
            "+15005550004",
            "unsubscribed",
            "must text START to your Twilio number (********0006)",
        ),
    ],
)
async def test_recipient_errors(
    hass: HomeAssistant, entry: MockConfigEntry, to: str, key: str, words: str
) -> None:
    """Twilio's recipient errors become validation errors that say what to do."""
    with pytest.raises(ServiceValidationError) as err:
        await send(hass, target=to, message="hi")
    assert err.value.translation_key == key
    assert words in str(err.value)
    assert to not in str(err.value)  # numbers are masked: errors end up in logs


async def test_invalid_target(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """A target that is neither a number nor a name is refused before sending."""
    with pytest.raises(ServiceValidationError) as err:
        await send(hass, target="Dave", message="hi")
    assert err.value.translation_key == "invalid_target"


async def test_401_starts_reauth(
    hass: HomeAssistant, entry: MockConfigEntry, twilio: FakeTwilioState
) -> None:
    """Twilio refusing the token starts re-authentication."""
    twilio.failures = [(401, 20003)]
    with pytest.raises(HomeAssistantError) as err:
        await send(hass, target=BOB, message="hi")
    assert err.value.translation_key == "invalid_auth"
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress()
    assert [f["context"]["source"] for f in flows] == ["reauth"]


async def test_429_retried_then_sent_once(
    hass: HomeAssistant, entry: MockConfigEntry, twilio: FakeTwilioState
) -> None:
    """A busy answer is retried with backoff; the message goes out exactly once."""
    twilio.failures = [(429, 20429)]
    response = await send(hass, target=BOB, message="hi")
    assert len(twilio.requests) == 2
    assert len(twilio.sent) == 1
    assert response["messages"][0]["message_sid"] == twilio.sent[0]["sid"]


async def test_5xx_gives_up(
    hass: HomeAssistant, entry: MockConfigEntry, twilio: FakeTwilioState
) -> None:
    """Server errors are retried a bounded number of times, then reported."""
    twilio.failures = [(503, 20500)] * 5
    with pytest.raises(HomeAssistantError) as err:
        await send(hass, target=BOB, message="hi")
    assert err.value.translation_key == "twilio_unavailable"
    assert len(twilio.requests) == 3
    assert twilio.sent == []


async def test_other_refusal(
    hass: HomeAssistant, entry: MockConfigEntry, twilio: FakeTwilioState
) -> None:
    """Any other refusal is reported with Twilio's code."""
    twilio.failures = [(400, 21606)]
    with pytest.raises(HomeAssistantError) as err:
        await send(hass, target=BOB, message="hi")
    assert err.value.translation_key == "send_failed"
    assert "21606" in str(err.value)


async def test_timeout_not_retried(
    hass: HomeAssistant, entry: MockConfigEntry, twilio: FakeTwilioState
) -> None:
    """A timeout is reported, not retried: Twilio may already have sent it."""
    twilio.delay = 1.0
    with (
        patch("custom_components.sms_iot.twilio_client.TWILIO_TIMEOUT", 0.1),
        pytest.raises(HomeAssistantError) as err,
    ):
        await send(hass, target=BOB, message="hi")
    assert err.value.translation_key == "twilio_timeout"
    assert len(twilio.requests) == 1


async def test_unreachable(
    hass: HomeAssistant, entry: MockConfigEntry, twilio_server: TestServer
) -> None:
    """Twilio unreachable is a clear error."""
    await twilio_server.close()
    with pytest.raises(HomeAssistantError) as err:
        await send(hass, target=BOB, message="hi")
    assert err.value.translation_key == "twilio_unreachable"


async def test_entry_choice(
    hass: HomeAssistant, entry: MockConfigEntry, twilio: FakeTwilioState
) -> None:
    """With several entries the action needs one; unknown or unloaded ones are refused."""
    other = MockConfigEntry(
        domain=DOMAIN, data={**entry.data, "webhook_id": "other"}, unique_id="other"
    )
    other.add_to_hass(hass)
    assert await hass.config_entries.async_setup(other.entry_id)
    with pytest.raises(ServiceValidationError) as err:
        await send(hass, target=BOB, message="hi")
    assert err.value.translation_key == "config_entry_required"
    await send(hass, config_entry_id=entry.entry_id, target=BOB, message="hi")
    with pytest.raises(ServiceValidationError) as err:
        await send(hass, config_entry_id="nope", target=BOB, message="hi")
    assert err.value.translation_key == "entry_not_found"
    await hass.config_entries.async_unload(other.entry_id)
    assert other.state is ConfigEntryState.NOT_LOADED
    with pytest.raises(ServiceValidationError) as err:
        await send(hass, config_entry_id=other.entry_id, target=BOB, message="hi")
    assert err.value.translation_key == "entry_not_loaded"


async def test_notify_entities(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    twilio: FakeTwilioState,
    entity_registry: er.EntityRegistry,
) -> None:
    """Each authorized number has a notify entity; the title becomes the first line."""
    entities = {
        e.config_subentry_id: e.entity_id
        for e in er.async_entries_for_config_entry(entity_registry, entry.entry_id)
        if e.domain == "notify"
    }
    assert set(entities) == {"num_alice", "num_bob", "num_carol"}
    assert (
        hass.states.get(entities["num_carol"]).name == f"SMS IoT {TWILIO_NUMBER} Carol"
    )
    await hass.services.async_call(
        "notify",
        "send_message",
        {"entity_id": entities["num_carol"], "title": "Porch", "message": "Light on"},
        blocking=True,
    )
    assert [(m["to"], m["body"]) for m in twilio.sent] == [(CAROL, "Porch\nLight on")]


async def test_notify_entities_follow_subentries(
    hass: HomeAssistant, entry: MockConfigEntry, entity_registry: er.EntityRegistry
) -> None:
    """Removing an authorized number removes its notify entity."""
    hass.config_entries.async_remove_subentry(entry, "num_bob")
    await hass.async_block_till_done()
    subentries = {
        e.config_subentry_id
        for e in er.async_entries_for_config_entry(entity_registry, entry.entry_id)
        if e.domain == "notify"
    }
    assert subentries == {"num_alice", "num_carol"}


async def _status(
    client: TestClient[Any, Any], sid: str, status: str, **extra: str
) -> int:
    params = {
        "MessageSid": sid,
        "MessageStatus": status,
        "To": BOB,
        "From": TWILIO_NUMBER,
        "AccountSid": ACCOUNT_SID,
        **extra,
    }
    response = await post_signed(client, params, STATUS_URL, f"{HOOK}?kind=status")
    return response.status


def _sensor(
    hass: HomeAssistant, entity_registry: er.EntityRegistry, entry: MockConfigEntry
) -> Any:
    entity_id = entity_registry.async_get_entity_id(
        "sensor", DOMAIN, f"{entry.entry_id}_last_message_status"
    )
    assert entity_id is not None
    return hass.states.get(entity_id)


async def test_status_callbacks(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    client: TestClient[Any, Any],
    entity_registry: er.EntityRegistry,
) -> None:
    """Statuses only move forward, out-of-order callbacks included; forged ones are refused."""
    events = async_capture_events(hass, EVENT_MESSAGE_STATUS)
    sid = (await send(hass, target=BOB, message="hi"))["messages"][0]["message_sid"]
    assert _sensor(hass, entity_registry, entry).state == "queued"
    assert await _status(client, sid, "sent") == 204
    assert await _status(client, sid, "delivered") == 204
    assert await _status(client, sid, "sending") == 204  # late, ignored
    assert await _status(client, sid, "sent") == 204  # late, ignored
    state = _sensor(hass, entity_registry, entry)
    assert state.state == "delivered"
    assert state.attributes["to"] == "********0123"
    # No error: no error attributes (the UI would show "Unknown" for empty ones).
    assert "error_code" not in state.attributes
    assert "error_message" not in state.attributes
    assert [e.data["status"] for e in events] == ["sent", "delivered"]

    sid2 = (await send(hass, target=BOB, message="again"))["messages"][0]["message_sid"]
    assert await _status(client, sid2, "undelivered", ErrorCode="30003") == 204
    assert await _status(client, sid2, "sent") == 204  # out of order, ignored
    state = _sensor(hass, entity_registry, entry)
    assert (state.state, state.attributes["error_code"]) == ("undelivered", "30003")
    assert events[-1].data == {
        "config_entry_id": entry.entry_id,
        "message_sid": sid2,
        "to": BOB,
        "status": "undelivered",
        "error_code": "30003",
        "error_message": "The phone is switched off or out of coverage.",
    }

    assert await _status(client, sid, "read") == 204  # an older message moves on
    state = _sensor(hass, entity_registry, entry)
    assert (state.state, state.attributes["message_sid"]) == ("undelivered", sid2)

    params = {"MessageSid": sid2, "MessageStatus": "delivered", "To": BOB}
    # Signed for the URL without ?kind=status: a callback moved to another purpose.
    forged = await post_signed(client, params, PUBLIC_URL, f"{HOOK}?kind=status")
    assert forged.status == 403
    assert _sensor(hass, entity_registry, entry).state == "undelivered"
    assert len(events) == 4
    assert await _status(client, "", "delivered") == 400


async def test_hourly_cap(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    twilio: FakeTwilioState,
    issue_registry: ir.IssueRegistry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Over the hourly cap sends are refused with a repair; an hour later they work."""
    hass.config_entries.async_update_entry(entry, options={CONF_HOURLY_CAP: 3})
    await hass.async_block_till_done()
    await send(hass, target=[ALICE, BOB], message="one")
    with pytest.raises(HomeAssistantError) as err:
        await send(hass, target=[ALICE, BOB], message="two")
    assert err.value.translation_key == "hourly_cap"
    assert len(twilio.sent) == 2  # refused whole, nothing half-sent
    assert issue_registry.async_get_issue(DOMAIN, f"hourly_cap_{entry.entry_id}")
    await send(hass, target=ALICE, message="three")
    freezer.tick(3601)
    await send(hass, target=[ALICE, BOB, CAROL], message="next hour")
    assert len(twilio.sent) == 6
