"""Setting up the modem: its own entry from the config flow, or the option of a Twilio entry."""

from __future__ import annotations

from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.sms_iot.const import (
    CONF_HOURLY_CAP,
    CONF_MODEM_DEVICE,
    CONF_RATE_LIMIT,
    CONF_REPLY_TO_STRANGERS,
    CONF_ROUTE,
    DOMAIN,
    ROUTE_MODEM,
    ROUTE_TWILIO,
    ROUTE_TWILIO_THEN_MODEM,
)
from custom_components.sms_iot.diagnostics import async_get_config_entry_diagnostics
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr, entity_registry as er
from tools.entries import number_subentry
from tools.fake_esphome import FakeEsphomeDevice

from .conftest import ALICE, start_flow
from .fake_board import board_id

_OPTIONS = {CONF_REPLY_TO_STRANGERS: False, CONF_RATE_LIMIT: 10, CONF_HOURLY_CAP: 30}


def _modem_entry(hass: HomeAssistant, board: FakeEsphomeDevice) -> MockConfigEntry:
    """Add an entry with the board as its only way in and out (not set up)."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        minor_version=2,
        data={},
        options={CONF_MODEM_DEVICE: board_id(hass, board)},
    )
    entry.add_to_hass(hass)
    return entry


async def test_modem_entry_from_the_flow(
    hass: HomeAssistant, board: FakeEsphomeDevice
) -> None:
    """The flow lists the board offering send_sms; the entry needs no cloud at all."""
    result = await start_flow(hass, "modem")
    assert result["type"] is FlowResultType.FORM
    device_id = board_id(hass, board)
    options = result["data_schema"].schema[CONF_MODEM_DEVICE].config["options"]  # type: ignore[attr-defined]
    assert options == [{"value": device_id, "label": "SMS IoT Fake"}]
    result = await hass.config_entries.flow.async_configure(
        str(result["flow_id"]), {CONF_MODEM_DEVICE: device_id}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    entry = result["result"]
    assert (entry.title, dict(entry.data), dict(entry.options)) == (
        "SMS IoT Fake",
        {},
        {CONF_MODEM_DEVICE: device_id},
    )
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data.twilio is None
    assert [s.via for s in entry.runtime_data.senders] == [ROUTE_MODEM]
    (service,) = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    assert (service.manufacturer, service.model) == ("ESPHome", "GSM modem")
    # Delivery status is Twilio's: a modem entry has no status sensor.
    assert er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id) == []
    assert await hass.config_entries.async_remove(entry.entry_id)


async def test_no_board_no_modem_entry(hass: HomeAssistant) -> None:
    """Without a connected board offering send_sms, the flow says what to do."""
    result = await start_flow(hass, "modem")
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "no_modem"


async def test_a_board_serves_one_entry(
    hass: HomeAssistant, board: FakeEsphomeDevice
) -> None:
    """A board already used by an entry is not offered again."""
    MockConfigEntry(
        domain=DOMAIN, data={}, options={CONF_MODEM_DEVICE: board_id(hass, board)}
    ).add_to_hass(hass)
    result = await start_flow(hass, "modem")
    assert result["reason"] == "no_modem"


async def test_modem_entry_options(
    hass: HomeAssistant, board: FakeEsphomeDevice
) -> None:
    """A modem entry's options keep its board and offer no route (there is one way)."""
    device_id = board_id(hass, board)
    entry = MockConfigEntry(
        domain=DOMAIN,
        minor_version=2,
        data={},
        options={CONF_MODEM_DEVICE: device_id},
        subentries_data=[number_subentry("Alice", ALICE, pin="4821")],
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert CONF_ROUTE not in result["data_schema"].schema
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], _OPTIONS | {CONF_MODEM_DEVICE: device_id}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    assert "4821" not in str(diagnostics)
    assert diagnostics["authorized_numbers"][0]["modem_pin_set"] is True


async def test_twilio_entry_gains_the_modem(
    hass: HomeAssistant, twilio_entry: MockConfigEntry, board: FakeEsphomeDevice
) -> None:
    """A modem route needs a board; with one, the route is used after the reload."""
    result = await hass.config_entries.options.async_init(twilio_entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], _OPTIONS | {CONF_ROUTE: ROUTE_TWILIO_THEN_MODEM}
    )
    assert result["errors"] == {CONF_ROUTE: "route_needs_modem"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        _OPTIONS
        | {
            CONF_ROUTE: ROUTE_TWILIO_THEN_MODEM,
            CONF_MODEM_DEVICE: board_id(hass, board),
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert [s.via for s in twilio_entry.runtime_data.senders] == [
        ROUTE_TWILIO,
        ROUTE_MODEM,
    ]


async def test_offline_board_stays_selectable(
    hass: HomeAssistant, twilio_entry: MockConfigEntry, board: FakeEsphomeDevice
) -> None:
    """The entry's board, offline, is still offered under its name (not silently dropped)."""
    device_id = board_id(hass, board)
    hass.config_entries.async_update_entry(
        twilio_entry, options=_OPTIONS | {CONF_MODEM_DEVICE: device_id}
    )
    await hass.async_block_till_done()
    await board.stop()
    hass.services.async_remove("esphome", "sms_iot_fake_send_sms")
    result = await hass.config_entries.options.async_init(twilio_entry.entry_id)
    options = result["data_schema"].schema[CONF_MODEM_DEVICE].config["options"]
    assert options == [{"value": device_id, "label": "SMS IoT Fake"}]


async def test_modem_entry_waits_for_its_board(
    hass: HomeAssistant, board: FakeEsphomeDevice
) -> None:
    """Without its board connected, an entry without Twilio retries setup later."""
    entry = _modem_entry(hass, board)
    hass.services.async_remove("esphome", "sms_iot_fake_send_sms")
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert entry.reason == (
        "The modem board SMS IoT Fake is not connected or does not offer the "
        "send_sms action yet"
    )


async def test_modem_entry_reconfigure_points_to_options(
    hass: HomeAssistant, board: FakeEsphomeDevice
) -> None:
    """A modem entry has no credentials: reconfigure says where its board is changed."""
    entry = _modem_entry(hass, board)
    result = await entry.start_reconfigure_flow(hass)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "modem_reconfigure"
