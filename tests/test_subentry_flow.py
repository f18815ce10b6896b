"""Tests for the authorized-number and device subentry flows."""

from __future__ import annotations

from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.sms_iot.commands import CARRIER_KEYWORDS
from custom_components.sms_iot.const import (
    CONF_ALIASES,
    CONF_DEFAULT_DEVICE,
    CONF_DEVICES,
    CONF_NUMBER,
    CONF_PERMISSION,
    CONF_PIN,
    PERMISSION_STATUS_ONLY,
    SUBENTRY_DEVICE,
    SUBENTRY_NUMBER,
)
from homeassistant.config_entries import SOURCE_RECONFIGURE, SOURCE_USER
from homeassistant.const import CONF_ENTITY_ID, CONF_NAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, InvalidData
from homeassistant.helpers import entity_registry as er

from .conftest import ALICE, STRANGER, SendSms


async def _init(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    kind: str,
    subentry_id: str | None = None,
) -> dict[str, Any]:
    context: dict[str, Any] = {"source": SOURCE_USER}
    if subentry_id:
        context = {"source": SOURCE_RECONFIGURE, "subentry_id": subentry_id}
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, kind), context=context
    )
    assert result["type"] is FlowResultType.FORM
    return dict(result)


async def _submit(
    hass: HomeAssistant, result: dict[str, Any], data: dict[str, Any]
) -> dict[str, Any]:
    return dict(
        await hass.config_entries.subentries.async_configure(result["flow_id"], data)
    )


async def test_add_number_then_it_is_obeyed(
    hass: HomeAssistant, setup_entry: MockConfigEntry, send_sms: SendSms
) -> None:
    """A number added in the UI is obeyed at once, without a reload."""
    hass.config.country = "US"
    assert (await send_sms("porch on", STRANGER))[1].endswith("<Response />")
    result = await _init(hass, setup_entry, SUBENTRY_NUMBER)
    assert result["step_id"] == "user"
    result = await _submit(
        hass,
        result,
        {
            CONF_NAME: "Dave",
            CONF_NUMBER: "(415) 555-0000",
            CONF_PERMISSION: "control",
            CONF_DEVICES: ["dev_porch"],
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    subentry = next(s for s in setup_entry.subentries.values() if s.title == "Dave")
    assert subentry.unique_id == STRANGER
    assert subentry.data == {
        CONF_NUMBER: STRANGER,
        CONF_PERMISSION: "control",
        CONF_DEVICES: ["dev_porch"],
        CONF_DEFAULT_DEVICE: None,
        CONF_PIN: None,
        "language": None,
        "person": None,
        "assist_agent": None,
    }
    assert "Porch: ON" in (await send_sms("porch on", STRANGER))[1]


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({CONF_NUMBER: "12"}, {CONF_NUMBER: "invalid_number"}),
        ({CONF_NUMBER: "+1 415 555 2671"}, {CONF_NUMBER: "number_exists"}),
        (
            {CONF_DEVICES: ["dev_porch"], CONF_DEFAULT_DEVICE: "dev_kitchen"},
            {CONF_DEFAULT_DEVICE: "default_not_allowed"},
        ),
        *(
            ({CONF_PIN: pin}, {CONF_PIN: "invalid_pin"})
            for pin in ("123", "123456789", "12a4", "12 34", "\u0661\u0662\u0663\u0664")
        ),
    ],
)
async def test_number_errors(
    hass: HomeAssistant,
    setup_entry: MockConfigEntry,
    data: dict[str, Any],
    errors: dict[str, str],
) -> None:
    """Invalid numbers, duplicates and impossible defaults are field errors."""
    result = await _init(hass, setup_entry, SUBENTRY_NUMBER)
    base = {CONF_NAME: "Eve", CONF_NUMBER: "+14155550111", CONF_PERMISSION: "control"}
    result = await _submit(hass, result, {**base, **data})
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == errors
    result = await _submit(hass, result, base)
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_number_form_without_devices(
    hass: HomeAssistant, setup_entry: MockConfigEntry
) -> None:
    """Device pickers only appear when there are devices to pick."""
    for subentry_id in ("dev_kitchen", "dev_porch", "dev_garage"):
        hass.config_entries.async_remove_subentry(setup_entry, subentry_id)
    result = await _init(hass, setup_entry, SUBENTRY_NUMBER)
    assert set(result["data_schema"].schema) == {
        CONF_NAME,
        CONF_NUMBER,
        CONF_PERMISSION,
        CONF_PIN,
        "language",
        "person",
        "assist_agent",
    }


async def test_reconfigure_number(
    hass: HomeAssistant, setup_entry: MockConfigEntry, send_sms: SendSms
) -> None:
    """Editing a number to status-only takes effect immediately."""
    result = await _init(hass, setup_entry, SUBENTRY_NUMBER, "num_alice")
    assert result["step_id"] == "reconfigure"
    result = await _submit(
        hass,
        result,
        {
            CONF_NAME: "Alice",
            CONF_NUMBER: ALICE,
            CONF_PERMISSION: PERMISSION_STATUS_ONLY,
        },
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert (
        setup_entry.subentries["num_alice"].data[CONF_PERMISSION]
        == PERMISSION_STATUS_ONLY
    )
    await hass.async_block_till_done()  # the reload the change started
    assert "only check status" in (await send_sms("kitchen on"))[1]


async def test_pin_is_kept_and_never_shown(
    hass: HomeAssistant, setup_entry: MockConfigEntry
) -> None:
    """A PIN is stored once; editing the number neither shows it nor loses it."""
    base = {CONF_NAME: "Alice", CONF_NUMBER: ALICE, CONF_PERMISSION: "control"}
    result = await _init(hass, setup_entry, SUBENTRY_NUMBER, "num_alice")
    result = await _submit(hass, result, {**base, CONF_PIN: " 4821 "})
    assert setup_entry.subentries["num_alice"].data[CONF_PIN] == "4821"
    result = await _init(hass, setup_entry, SUBENTRY_NUMBER, "num_alice")
    assert "4821" not in repr(result["data_schema"].schema)
    await _submit(hass, result, base)
    assert setup_entry.subentries["num_alice"].data[CONF_PIN] == "4821"
    result = await _init(hass, setup_entry, SUBENTRY_NUMBER, "num_alice")
    await _submit(hass, result, {**base, CONF_PIN: "90210"})
    assert setup_entry.subentries["num_alice"].data[CONF_PIN] == "90210"


async def test_remove_number_stops_obeying(
    hass: HomeAssistant, setup_entry: MockConfigEntry, send_sms: SendSms
) -> None:
    """A removed number is a stranger at once."""
    hass.config_entries.async_remove_subentry(setup_entry, "num_alice")
    await hass.async_block_till_done()
    assert (await send_sms("kitchen on"))[1].endswith("<Response />")


async def test_add_device(
    hass: HomeAssistant, setup_entry: MockConfigEntry, send_sms: SendSms
) -> None:
    """A device added in the UI can be texted by name or alias at once."""
    hass.config_entries.async_remove_subentry(setup_entry, "dev_garage")
    result = await _init(hass, setup_entry, SUBENTRY_DEVICE)
    result = await _submit(
        hass,
        result,
        {
            CONF_ENTITY_ID: "light.garage",
            CONF_NAME: " Garage ",
            CONF_ALIASES: ["shed", " "],
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    subentry = next(s for s in setup_entry.subentries.values() if s.title == "Garage")
    assert subentry.data == {
        CONF_ENTITY_ID: "light.garage",
        CONF_ALIASES: ["shed"],
        "confirm": "auto",
    }
    assert "Garage: ON 100%" in (await send_sms("shed on"))[1]


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({CONF_NAME: "porch"}, {CONF_NAME: "name_exists"}),
        ({CONF_NAME: "LAMP"}, {CONF_NAME: "name_exists"}),
        ({CONF_NAME: "all"}, {CONF_NAME: "name_is_command"}),
        ({CONF_NAME: "status"}, {CONF_NAME: "name_is_command"}),
        ({CONF_NAME: "on"}, {CONF_NAME: "name_is_command"}),
        ({CONF_NAME: "OFF"}, {CONF_NAME: "name_is_command"}),
        ({CONF_NAME: "a, b"}, {CONF_NAME: "name_unreadable"}),
        ({CONF_NAME: "lamp; fan"}, {CONF_NAME: "name_unreadable"}),
        ({CONF_NAME: "x" * 41}, {CONF_NAME: "name_too_long"}),
        ({CONF_NAME: "   "}, {CONF_NAME: "name_empty"}),
        ({CONF_ALIASES: ["commands"]}, {CONF_ALIASES: "name_is_command"}),
        ({CONF_ALIASES: ["ok", "y" * 41]}, {CONF_ALIASES: "name_too_long"}),
        *(
            case
            for word in sorted(CARRIER_KEYWORDS)
            for case in (
                ({CONF_NAME: f" {word.upper()} "}, {CONF_NAME: "carrier_keyword"}),
                (
                    {CONF_ALIASES: ["x1", word.title()]},
                    {CONF_ALIASES: "carrier_keyword"},
                ),
            )
        ),
        ({CONF_ALIASES: ["kitchen"]}, {CONF_ALIASES: "name_exists"}),
        ({CONF_ALIASES: ["shed"], CONF_NAME: "shed"}, {CONF_ALIASES: "name_exists"}),
    ],
)
async def test_device_errors(
    hass: HomeAssistant,
    setup_entry: MockConfigEntry,
    data: dict[str, Any],
    errors: dict[str, str],
) -> None:
    """Names must be unambiguous in an SMS; an entity is added once."""
    hass.config_entries.async_remove_subentry(setup_entry, "dev_garage")
    result = await _init(hass, setup_entry, SUBENTRY_DEVICE)
    base = {CONF_ENTITY_ID: "light.garage", CONF_NAME: "Garage"}
    result = await _submit(hass, result, {**base, **data})
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == errors
    result = await _submit(hass, result, base)
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_reconfigure_device(
    hass: HomeAssistant, setup_entry: MockConfigEntry, send_sms: SendSms
) -> None:
    """A renamed device answers to its new name; its own old name is no conflict."""
    result = await _init(hass, setup_entry, SUBENTRY_DEVICE, "dev_kitchen")
    assert result["step_id"] == "reconfigure"
    result = await _submit(
        hass,
        result,
        {
            CONF_ENTITY_ID: "light.kitchen",
            CONF_NAME: "Cooker",
            CONF_ALIASES: ["lamp", "kitchen"],
        },
    )
    assert result["reason"] == "reconfigure_successful"
    assert "Cooker: ON 100%" in (await send_sms("kitchen on"))[1]


async def test_device_picker_offers_every_light_and_switch_not_added(
    hass: HomeAssistant,
    setup_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """All lights, switches and sensors are offered, ESPHome's first, but those added."""
    entity_registry.async_get_or_create(
        "switch", "esphome", "relay-1", original_name="Zulu relay"
    )
    entity_registry.async_get_or_create(
        "light", "hue", "1", suggested_object_id="attic", original_name="Attic"
    )
    hass.states.async_set("switch.yaml_fan", "off", {"friendly_name": "Fan"})
    hass.states.async_set("climate.other", "heat")
    entity_registry.async_get_or_create("climate", "demo", "thermostat")
    entity_registry.async_get_or_create(
        "light", "demo", "off", disabled_by=er.RegistryEntryDisabler.USER
    )
    hass.states.async_set("sensor.temperature", "20", {"friendly_name": "Temp"})
    hass.states.async_set("cover.gate", "closed", {"friendly_name": "Gate"})
    hass.states.async_set("lock.front", "locked", {"friendly_name": "Front"})
    result = await _init(hass, setup_entry, SUBENTRY_DEVICE)
    options = result["data_schema"].schema[CONF_ENTITY_ID].config["options"]
    assert [o["value"] for o in options] == [
        "switch.esphome_relay_1",
        "light.attic",
        "switch.yaml_fan",
        "lock.front",
        "cover.gate",
        "sensor.temperature",
    ]
    assert options[0]["label"] == "Zulu relay (switch.esphome_relay_1)"
    result = await _init(hass, setup_entry, SUBENTRY_DEVICE, "dev_kitchen")
    options = result["data_schema"].schema[CONF_ENTITY_ID].config["options"]
    assert "light.kitchen" in [o["value"] for o in options]
    assert "light.garage" not in [o["value"] for o in options]


@pytest.mark.parametrize(
    ("stored", "shown"),
    [(True, "always"), (False, "auto"), ("never", "never"), ("always", "always")],
)
async def test_confirm_mode_is_chosen_and_shown(
    hass: HomeAssistant, setup_entry: MockConfigEntry, stored: Any, shown: str
) -> None:
    """The form shows the stored mode (an early build's tick as always or by kind)."""
    subentry = setup_entry.subentries["dev_porch"]
    hass.config_entries.async_update_subentry(
        setup_entry, subentry, data={**subentry.data, "confirm": stored}
    )
    result = await _init(hass, setup_entry, SUBENTRY_DEVICE, "dev_porch")
    suggested = {
        str(key): key.description["suggested_value"]
        for key in result["data_schema"].schema
        if key.description
    }
    assert suggested["confirm"] == shown
    result = await _submit(
        hass,
        result,
        {CONF_ENTITY_ID: "switch.porch", CONF_NAME: "Porch", "confirm": "never"},
    )
    assert result["reason"] == "reconfigure_successful"
    assert setup_entry.subentries["dev_porch"].data["confirm"] == "never"


async def test_an_added_entity_cannot_be_added_again(
    hass: HomeAssistant, setup_entry: MockConfigEntry
) -> None:
    """The picker excludes added entities, and the form refuses one sent anyway."""
    result = await _init(hass, setup_entry, SUBENTRY_DEVICE)
    with pytest.raises(InvalidData):
        await _submit(
            hass, result, {CONF_ENTITY_ID: "light.kitchen", CONF_NAME: "Cooker"}
        )


async def test_default_device_can_be_cleared(
    hass: HomeAssistant, setup_entry: MockConfigEntry
) -> None:
    """Alice's default device is set; choosing "No default device" clears it."""
    assert (
        setup_entry.subentries["num_alice"].data[CONF_DEFAULT_DEVICE] == "dev_kitchen"
    )
    result = await _init(hass, setup_entry, SUBENTRY_NUMBER, "num_alice")
    result = await _submit(
        hass,
        result,
        {
            CONF_NAME: "Alice",
            CONF_NUMBER: ALICE,
            CONF_PERMISSION: "control",
            CONF_DEFAULT_DEVICE: "none",
        },
    )
    assert result["reason"] == "reconfigure_successful"
    assert setup_entry.subentries["num_alice"].data[CONF_DEFAULT_DEVICE] is None
    await hass.async_block_till_done()  # the reload the change started


@pytest.mark.parametrize(
    ("choice", "stored"),
    [("home_assistant", None), ("de", "de"), ("nl", "nl"), (None, None)],
)
async def test_number_language(
    hass: HomeAssistant,
    setup_entry: MockConfigEntry,
    choice: str | None,
    stored: str | None,
) -> None:
    """A number may text in its own language; by default it follows Home Assistant's."""
    result = await _init(hass, setup_entry, SUBENTRY_NUMBER)
    data = {CONF_NAME: "Dora", CONF_NUMBER: "+14155550111", CONF_PERMISSION: "control"}
    if choice is not None:
        data["language"] = choice
    result = await _submit(hass, result, data)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    subentry = next(s for s in setup_entry.subentries.values() if s.title == "Dora")
    assert subentry.data["language"] == stored
    await hass.async_block_till_done()
