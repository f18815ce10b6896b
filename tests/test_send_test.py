"""The Send test text button: a text to the number, then a notification of how it went."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aiohttp.test_utils import TestClient
from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.sms_iot.button import REPORT_WAIT, TEST_TEXT
from custom_components.sms_iot.segments import segment_info
from homeassistant.components.persistent_notification import (
    _async_get_or_create_notifications,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
from tools.fake_twilio import FakeTwilioState

from .conftest import ACCOUNT_SID, ALICE, HOOK, PUBLIC_URL, TWILIO_NUMBER, post_signed

NOTIFICATION = "sms_iot_test_num_alice"


def _button(entity_registry: er.EntityRegistry, entry: MockConfigEntry) -> str:
    entity_id = entity_registry.async_get_entity_id(
        "button", "sms_iot", f"{entry.entry_id}_send_test_num_alice"
    )
    assert entity_id is not None
    return entity_id


async def _press(hass: HomeAssistant, entity_id: str) -> None:
    await hass.services.async_call(
        "button", "press", {"entity_id": entity_id}, blocking=True
    )


async def _status(client: TestClient[Any, Any], sid: str, **form: str) -> None:
    params = {
        "MessageSid": sid,
        "To": ALICE,
        "From": TWILIO_NUMBER,
        "AccountSid": ACCOUNT_SID,
    } | form
    url = f"{PUBLIC_URL}?kind=status"
    assert (await post_signed(client, params, url, f"{HOOK}?kind=status")).status == 204


def _notification(hass: HomeAssistant) -> str | None:
    found = _async_get_or_create_notifications(hass).get(NOTIFICATION)
    return None if found is None else str(found["message"])


def test_the_test_text_costs_one_segment() -> None:
    """One GSM-7 segment: a test must not cost more than a text."""
    info = segment_info(TEST_TEXT)
    assert (info.encoding, info.segments) == ("GSM-7", 1)


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        ({"MessageStatus": "delivered"}, "was delivered"),
        ({"MessageStatus": "read"}, "was delivered"),
        (
            {"MessageStatus": "undelivered", "ErrorCode": "30034"},
            "not delivered (undelivered): The sending number is not registered",
        ),
        (
            {"MessageStatus": "failed", "ErrorCode": "30005"},
            "not delivered (failed): The number does not exist",
        ),
    ],
)
async def test_press_sends_and_reports_the_delivery(
    hass: HomeAssistant,
    twilio_entry: MockConfigEntry,
    twilio: FakeTwilioState,
    client: TestClient[Any, Any],
    entity_registry: er.EntityRegistry,
    form: dict[str, str],
    expected: str,
) -> None:
    """The text goes to the number; its final delivery status becomes a notification."""
    await _press(hass, _button(entity_registry, twilio_entry))
    assert [(m["to"], m["body"]) for m in twilio.sent] == [(ALICE, TEST_TEXT)]
    sid = twilio.sent[0]["sid"]
    await _status(client, sid, MessageStatus="sent")
    await hass.async_block_till_done()
    assert _notification(hass) is None  # not final yet
    await _status(client, sid, **form)
    await hass.async_block_till_done()
    message = _notification(hass)
    assert message is not None
    assert expected in message
    assert f"Alice (********{ALICE[-4:]})" in message
    assert ALICE not in message


async def test_no_report_within_the_wait(
    hass: HomeAssistant,
    twilio_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Without a delivery report, the notification says so after the wait."""
    await _press(hass, _button(entity_registry, twilio_entry))
    freezer.tick(timedelta(seconds=REPORT_WAIT - 1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert _notification(hass) is None
    freezer.tick(timedelta(seconds=2))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    message = _notification(hass)
    assert message is not None
    assert "no delivery report came within 3 minutes" in message


async def test_refused_test_raises(
    hass: HomeAssistant,
    twilio_entry: MockConfigEntry,
    twilio: FakeTwilioState,
    entity_registry: er.EntityRegistry,
) -> None:
    """A text Twilio refuses is an error at once; no notification follows."""
    twilio.failures.append((400, 21610))
    with pytest.raises(HomeAssistantError):
        await _press(hass, _button(entity_registry, twilio_entry))
    await hass.async_block_till_done()
    assert _notification(hass) is None


async def test_unloaded_button_stops_waiting(
    hass: HomeAssistant,
    twilio_entry: MockConfigEntry,
    client: TestClient[Any, Any],
    entity_registry: er.EntityRegistry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Unloading the entry while a report is awaited leaves nothing behind."""
    await _press(hass, _button(entity_registry, twilio_entry))
    await hass.config_entries.async_unload(twilio_entry.entry_id)
    freezer.tick(timedelta(seconds=REPORT_WAIT + 1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert _notification(hass) is None
