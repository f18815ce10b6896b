"""Tests for SMS IoT diagnostics."""

from __future__ import annotations

import json
from typing import Any

from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

from homeassistant.core import HomeAssistant

from .conftest import (
    ACCOUNT_SID,
    ALICE,
    AUTH_TOKEN,
    BOB,
    CAROL,
    TWILIO_NUMBER,
    WEBHOOK_ID,
    SendSms,
)


async def test_diagnostics_redacted(
    hass: HomeAssistant,
    setup_entry: MockConfigEntry,
    hass_client: Any,
    send_sms: SendSms,
) -> None:
    """Diagnostics describe the setup without any secret or full number."""
    await send_sms("kitchen on")
    await send_sms("kitchen 30%, make tea", BOB)
    await send_sms("hello", "+14155550000")
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, setup_entry)
    text = json.dumps(diagnostics)
    for secret in (
        ACCOUNT_SID,
        AUTH_TOKEN,
        TWILIO_NUMBER,
        WEBHOOK_ID,
        ALICE,
        BOB,
        CAROL,
    ):
        assert secret not in text
    assert diagnostics["entry"]["data"]["auth_token"] == "**REDACTED**"
    assert {n["number"] for n in diagnostics["authorized_numbers"]} == {
        "********2671",
        "********0123",
        "********0199",
    }
    kitchen = next(d for d in diagnostics["devices"] if d["name"] == "Kitchen")
    assert kitchen == {
        "entity_id": "light.kitchen",
        "name": "Kitchen",
        "aliases": ["lamp"],
        "state": "on",  # Bob may only look, so the kitchen stays at 100%
    }
    assert diagnostics["remembered_message_sids"] == 3
    assert diagnostics["counters"] == {"accepted": 2, "unauthorized": 1}
    assert [c["commands"] for c in diagnostics["recent_commands"]] == [
        ["on kitchen"],
        ["brightness kitchen 30%"],
    ]
    assert diagnostics["recent_commands"][1]["from"] == "********0123"
    assert diagnostics["recent_commands"][1]["not_understood"] == 1


async def test_diagnostics_snapshot(
    hass: HomeAssistant,
    setup_entry: MockConfigEntry,
    hass_client: Any,
    send_sms: SendSms,
    snapshot: SnapshotAssertion,
) -> None:
    """The whole diagnostics document, redacted, matches the reviewed snapshot."""
    await send_sms("porch on, lamp 20%", sid="SM" + "1" * 32)
    await send_sms("hi", "+14155550000", sid="SM" + "2" * 32)
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, setup_entry)
    assert diagnostics == snapshot(exclude=props("at"))
