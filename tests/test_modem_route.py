"""Which way outbound texts go: Twilio, the modem, or Twilio then the modem."""

from __future__ import annotations

from typing import Any
from unittest.mock import patch

from aiohttp.test_utils import TestServer
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.sms_iot.const import (
    CONF_MODEM_DEVICE,
    CONF_ROUTE,
    DOMAIN,
    ROUTE_MODEM,
    ROUTE_TWILIO,
    ROUTE_TWILIO_THEN_MODEM,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from tools.fake_esphome import FakeEsphomeDevice
from tools.fake_twilio import FakeTwilioState

from .conftest import ALICE, TWILIO_NUMBER
from .fake_board import FAKE_RELAY, board_id, wait_for_state

MEDIA = "https://example.com/porch.jpg"


async def _routed(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    board: FakeEsphomeDevice,
    route: str,
) -> None:
    """Give the Twilio entry the board as its modem and a route; wait for the reload."""
    hass.config_entries.async_update_entry(
        entry, options={CONF_MODEM_DEVICE: board_id(hass, board), CONF_ROUTE: route}
    )
    await hass.async_block_till_done()


async def _send(hass: HomeAssistant, **data: Any) -> list[dict[str, Any]]:
    response = await hass.services.async_call(
        DOMAIN,
        "send_message",
        {"target": "Alice"} | data,
        blocking=True,
        return_response=True,
    )
    assert response is not None
    return response["messages"]  # type: ignore[return-value]


async def test_twilio_only_never_uses_the_modem(
    hass: HomeAssistant,
    twilio_entry: MockConfigEntry,
    twilio_server: TestServer,
    board: FakeEsphomeDevice,
) -> None:
    """Route Twilio: Twilio down is an error, the board sends nothing."""
    await _routed(hass, twilio_entry, board, ROUTE_TWILIO)
    await twilio_server.close()
    with pytest.raises(HomeAssistantError) as err:
        await _send(hass, message="hi")
    assert err.value.translation_key == "twilio_unreachable"
    assert board.sent_sms == []


@pytest.mark.parametrize("failure", ["down", "503", "timeout"])
async def test_modem_stands_in_when_twilio_is_down(
    hass: HomeAssistant,
    twilio_entry: MockConfigEntry,
    twilio_server: TestServer,
    twilio: FakeTwilioState,
    board: FakeEsphomeDevice,
    failure: str,
) -> None:
    """Twilio unreachable, failing or slow: the text goes through the board, and says so."""
    await _routed(hass, twilio_entry, board, ROUTE_TWILIO_THEN_MODEM)
    if failure == "down":
        await twilio_server.close()
    elif failure == "503":
        twilio.failures = [(503, 20500)] * 5
    else:
        twilio.delay = 1.0
    with patch("custom_components.sms_iot.twilio_client.TWILIO_TIMEOUT", 0.1):
        messages = await _send(hass, message="Garage open", media_url=[MEDIA])
    assert [(m["to"], m["via"], m["status"]) for m in messages] == [
        (ALICE, "modem", "queued")
    ]
    await board.wait_for_sms(1)
    assert board.sent_sms == [(ALICE, "Garage open")]
    assert twilio.sent == []


async def test_twilio_first_when_it_works(
    hass: HomeAssistant,
    twilio_entry: MockConfigEntry,
    twilio: FakeTwilioState,
    board: FakeEsphomeDevice,
) -> None:
    """Twilio up: the route sends through Twilio, with media; the board is not used."""
    await _routed(hass, twilio_entry, board, ROUTE_TWILIO_THEN_MODEM)
    messages = await _send(hass, message="hi", media_url=[MEDIA])
    assert [m["via"] for m in messages] == ["twilio"]
    assert [(m["to"], m["from"]) for m in twilio.sent] == [(ALICE, TWILIO_NUMBER)]
    assert board.sent_sms == []


async def test_a_refused_message_does_not_fall_back(
    hass: HomeAssistant,
    twilio_entry: MockConfigEntry,
    twilio: FakeTwilioState,
    board: FakeEsphomeDevice,
) -> None:
    """Twilio answered and refused the recipient: the modem would not do better."""
    await _routed(hass, twilio_entry, board, ROUTE_TWILIO_THEN_MODEM)
    twilio.failures = [(400, 21211)]
    with pytest.raises(ServiceValidationError):
        await _send(hass, message="hi")
    assert board.sent_sms == []


async def test_modem_route_refuses_media_and_reports_an_offline_board(
    hass: HomeAssistant,
    twilio_entry: MockConfigEntry,
    twilio: FakeTwilioState,
    board: FakeEsphomeDevice,
) -> None:
    """Route modem: text only; a board that is gone is a clear error, Twilio untouched."""
    await _routed(hass, twilio_entry, board, ROUTE_MODEM)
    with pytest.raises(ServiceValidationError) as err:
        await _send(hass, message="hi", media_url=[MEDIA])
    assert err.value.translation_key == "modem_no_media"
    assert [m["via"] for m in await _send(hass, message="hi")] == ["modem"]
    await board.stop()
    await wait_for_state(hass, FAKE_RELAY, "unavailable", seconds=5)
    with pytest.raises(HomeAssistantError) as err:
        await _send(hass, message="hi again")
    assert err.value.translation_key == "modem_unavailable"
    assert twilio.sent == []
