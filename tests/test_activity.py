"""Where people look: each number's text event entity, and the logbook in words."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.sms_iot.const import DOMAIN
from custom_components.sms_iot.logbook import async_describe_events
from homeassistant.core import Event, HomeAssistant

from .conftest import ALICE, CAROL, SendSms, message_text


async def test_number_event_entity_shows_the_last_text(
    hass: HomeAssistant, setup_entry: MockConfigEntry, send_sms: SendSms
) -> None:
    """Each accepted text fires the sender's event entity with the text and the answer."""
    entity_id = "event.sms_iot_15005550006_carol_text"
    assert hass.states.get(entity_id).state == "unknown"  # type: ignore[union-attr]
    reply = message_text((await send_sms("porch on", CAROL))[1])
    state = hass.states.get(entity_id)
    assert state is not None
    assert state.attributes["event_type"] == "text"
    assert (state.attributes["text"], state.attributes["reply"]) == ("porch on", reply)
    assert state.attributes["transport"] == "twilio"
    await send_sms("?", ALICE)
    assert hass.states.get(entity_id).attributes["text"] == "porch on"  # type: ignore[union-attr]
    assert (
        hass.states.get(  # type: ignore[union-attr]
            "event.sms_iot_15005550006_alice_text"
        ).attributes["text"]
        == "?"
    )


def _describers(hass: HomeAssistant) -> dict[str, Callable[[Event], dict[str, str]]]:
    found: dict[str, Callable[[Event], dict[str, str]]] = {}

    def collect(domain: str, event_type: str, describe: Any) -> None:
        assert domain == DOMAIN
        found[event_type] = describe

    async_describe_events(hass, collect)
    return found


@pytest.mark.parametrize(
    ("event_type", "data", "name", "message"),
    [
        (
            "sms_iot_received",
            {"sender_name": "Alice", "from": ALICE, "body": "kitchen  on\n"},
            "Alice",
            'texted "kitchen on"',
        ),
        (
            "sms_iot_received",
            {"sender_name": "Alice", "from": ALICE, "body": "x" * 80},
            "Alice",
            'texted "' + "x" * 60 + '…"',
        ),
        (
            "sms_iot_command",
            {
                "device": "Kitchen",
                "result": "ok",
                "state": "ON 40%",
                "sender_name": "Bob",
            },
            "Kitchen",
            "ok (ON 40%), asked by Bob",
        ),
        (
            "sms_iot_unauthorized",
            {"from": "********0000", "reason": "stranger"},
            "SMS IoT",
            "ignored a text from ********0000, not an authorized number",
        ),
        (
            "sms_iot_unauthorized",
            {"from": "********2671", "reason": "pin"},
            "SMS IoT",
            "refused a text from ********2671: wrong or missing PIN",
        ),
        (
            "sms_iot_message_status",
            {"to": "+14155550100", "status": "delivered"},
            "SMS IoT",
            "message to ********0100: delivered",
        ),
        (
            "sms_iot_sim_command",
            {"sim": "barn-pump", "command": "pump on"},
            "SIM barn-pump",
            'sent "pump on"',
        ),
    ],
)
def test_logbook_in_words(
    hass: HomeAssistant,
    event_type: str,
    data: dict[str, Any],
    name: str,
    message: str,
) -> None:
    """Every event reads as a sentence; phone numbers stay masked."""
    described = _describers(hass)[event_type](Event(event_type, data))
    assert described == {"name": name, "message": message}
    assert ALICE not in str(described)
    assert "+14155550100" not in str(described)
