"""One device per authorized number, the service device for the rest, and the migration to it."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_test_home_assistant,
)
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from custom_components.sms_iot import async_migrate_entry
from custom_components.sms_iot.const import DOMAIN
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import CoreState, HomeAssistant
from homeassistant.helpers import (
    area_registry as ar,
    category_registry as cr,
    device_registry as dr,
    entity_registry as er,
    floor_registry as fr,
    issue_registry as ir,
    label_registry as lr,
)
from homeassistant.loader import DATA_CUSTOM_COMPONENTS

STORED_0_1_0 = json.loads(
    (Path(__file__).parent / "fixtures" / "registry_0_1_0.json").read_text()
)
REGISTRIES = ("core.config_entries", "core.device_registry", "core.entity_registry")
NUMBERS = {"num_alice", "num_bob", "num_carol"}


def _subentries(device: dr.DeviceEntry) -> set[str | None]:
    """Return the config subentries a device belongs to, on any HA version."""
    if hasattr(device, "config_subentry_id"):
        return {device.config_subentry_id}
    return set(device.config_entries_subentries[device.primary_config_entry or ""])


async def _async_load_registries(hass: HomeAssistant) -> None:
    """Load the config entries and registries from storage, as a start does."""
    # Before the start, so the registries hook their clean-ups to the stop.
    hass.set_state(CoreState.not_running)
    await hass.config_entries.async_initialize()
    if hasattr(dr, "async_setup"):  # newer HA sets the registry up before loading it
        dr.async_setup(hass)
    for registry in (ar, cr, dr, er, fr, ir, lr):
        await registry.async_load(hass)
    hass.set_state(CoreState.running)


def _layout(hass: HomeAssistant, entry_id: str) -> dict[str, Any]:
    """Return where each sms_iot entity sits: its device's identifier and subentries."""
    devices = dr.async_get(hass)
    layout = {}
    for entity in er.async_entries_for_config_entry(er.async_get(hass), entry_id):
        device = devices.async_get(entity.device_id or "")
        assert device is not None, entity.entity_id
        (identifier,) = device.identifiers
        layout[entity.entity_id] = (
            entity.unique_id,
            identifier[1].removeprefix(entry_id),
            _subentries(device),
            entity.config_subentry_id,
        )
    return layout


def _expected(entry_id: str, prefix: str, newer: bool = True) -> dict[str, Any]:
    """Return the layout of the test entry: a device per number, sensor on the service one.

    Each number's device has its notify entity and (since 0.2.0) its text event entity and
    its test button.
    """
    kinds = {"notify": ("notify", ""), "event": ("text", "_text")}
    if newer:
        kinds["button"] = ("send_test", "_send_test_text")
    else:
        del kinds["event"]
    return {
        f"{domain}.{prefix}_{name}{suffix}": (
            f"{entry_id}_{key}_num_{name}",
            f"_num_{name}",
            {f"num_{name}"},
            f"num_{name}",
        )
        for name in ("alice", "bob", "carol")
        for domain, (key, suffix) in kinds.items()
    } | {
        f"sensor.{prefix}_last_message_status": (
            f"{entry_id}_last_message_status",
            "",
            {None},
            None,
        )
    }


async def test_device_per_number(
    hass: HomeAssistant,
    setup_entry: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Three numbers: three number devices and one service device, each listed once."""
    assert f"custom integration '{DOMAIN}'" not in caplog.text
    entry_id = setup_entry.entry_id
    assert _layout(hass, entry_id) == _expected(entry_id, "sms_iot_15005550006")
    devices = dr.async_entries_for_config_entry(device_registry, entry_id)
    assert sorted(d.name or "" for d in devices) == [
        "SMS IoT +15005550006",
        "SMS IoT +15005550006 Alice",
        "SMS IoT +15005550006 Bob",
        "SMS IoT +15005550006 Carol",
    ]
    service = next(d for d in devices if d.name == "SMS IoT +15005550006")
    assert {d.via_device_id for d in devices if d is not service} == {service.id}


async def test_removing_a_number_removes_its_device(
    hass: HomeAssistant,
    setup_entry: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """A number's device goes with its subentry; the others stay."""
    hass.config_entries.async_remove_subentry(setup_entry, "num_bob")
    await hass.async_block_till_done()
    names = {
        d.name
        for d in dr.async_entries_for_config_entry(
            device_registry, setup_entry.entry_id
        )
    }
    assert "SMS IoT +15005550006 Bob" not in names
    assert "SMS IoT +15005550006 Alice" in names


@pytest.fixture
def stored_0_1_0(hass_storage: dict[str, Any]) -> str:
    """Storage as sms_iot 0.1.0 left it on HA 2026.2.3; return the entry id."""
    for key in REGISTRIES:
        hass_storage[key] = STORED_0_1_0[key]
    return str(STORED_0_1_0["core.config_entries"]["data"]["entries"][0]["entry_id"])


@pytest.mark.parametrize("load_registries", [False])
async def test_migrates_0_1_0_layout_and_survives_restart(
    stored_0_1_0: str,
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    twilio_api: AiohttpClientMocker,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Old installs keep their entity ids; nothing is deleted, nothing is deprecated."""
    caplog.set_level(logging.WARNING)
    await _async_load_registries(hass)
    entry_id = stored_0_1_0
    before = {
        e.entity_id: e.unique_id
        for e in er.async_entries_for_config_entry(er.async_get(hass), entry_id)
    }
    assert await hass.config_entries.async_setup(entry_id)
    await hass.async_block_till_done()
    entry = hass.config_entries.async_get_entry(entry_id)
    assert entry is not None
    assert entry.minor_version == 2
    expected = _expected(entry_id, "sms_iot_15005550006")
    old = _expected(entry_id, "sms_iot_15005550006", newer=False)
    assert {k: v[0] for k, v in old.items()} == before
    assert _layout(hass, entry_id) == expected
    assert len(dr.async_entries_for_config_entry(dr.async_get(hass), entry_id)) == 4
    assert not er.async_get(hass).deleted_entities
    assert all(hass.states.get(entity_id) for entity_id in expected)

    assert await hass.config_entries.async_reload(entry_id)
    await hass.async_block_till_done()
    assert _layout(hass, entry_id) == expected

    # A restart: Home Assistant stops (writing its storage) and a new instance reads it.
    await hass.async_stop()
    async with async_test_home_assistant(load_registries=False) as restarted:
        restarted.data.pop(DATA_CUSTOM_COMPONENTS)
        await _async_load_registries(restarted)
        assert await restarted.config_entries.async_setup(entry_id)
        await restarted.async_block_till_done()
        assert _layout(restarted, entry_id) == expected
        assert not er.async_get(restarted).deleted_entities
        await restarted.async_stop()
    assert f"custom integration '{DOMAIN}'" not in caplog.text
    assert not [
        r for r in caplog.records if r.name.startswith(f"custom_components.{DOMAIN}")
    ]


async def test_entry_from_a_newer_version_is_not_migrated(
    hass: HomeAssistant, twilio_api: AiohttpClientMocker, config_entry: MockConfigEntry
) -> None:
    """A downgrade leaves a 2.x entry alone instead of misreading it."""
    newer = MockConfigEntry(
        domain=DOMAIN, version=2, data=config_entry.data, title=config_entry.title
    )
    newer.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(newer.entry_id)
    assert newer.state is ConfigEntryState.MIGRATION_ERROR


async def test_current_entry_needs_no_migration(
    hass: HomeAssistant,
    setup_entry: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """Migrating an entry already at 1.2 changes nothing."""
    before = dr.async_entries_for_config_entry(device_registry, setup_entry.entry_id)
    assert await async_migrate_entry(hass, setup_entry)
    assert setup_entry.minor_version == 2
    assert (
        dr.async_entries_for_config_entry(device_registry, setup_entry.entry_id)
        == before
    )
