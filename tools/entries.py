"""Config entries and subentries for sms_iot, built with Home Assistant's own classes.

Shared by the development config (tools/dev_config.py), the benchmark (bench/) and the tests.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
import json
from pathlib import Path
from typing import Any

from homeassistant import loader
from homeassistant.config_entries import (
    SOURCE_USER,
    STORAGE_KEY,
    STORAGE_VERSION,
    STORAGE_VERSION_MINOR,
    ConfigEntries,
    ConfigEntry,
    ConfigSubentryData,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, frame
from homeassistant.util import dt as dt_util


def device_subentry(
    title: str,
    entity_id: str,
    aliases: Iterable[str] = (),
    subentry_id: str | None = None,
) -> ConfigSubentryData:
    """Return a device subentry: a light or switch and the names it answers to."""
    subentry = ConfigSubentryData(
        subentry_type="device",
        title=title,
        unique_id=entity_id,
        data={"entity_id": entity_id, "aliases": list(aliases)},
    )
    if subentry_id:
        subentry["subentry_id"] = subentry_id
    return subentry


def _identity_subentry(
    subentry_type: str, title: str, data: dict[str, Any], subentry_id: str | None
) -> ConfigSubentryData:
    """Return a subentry of a number or SIM: its identity and what it may do."""
    identity = (
        data["number"] if subentry_type == "authorized_number" else data["sim_sid"]
    )
    subentry = ConfigSubentryData(
        subentry_type=subentry_type, title=title, unique_id=identity, data=data
    )
    if subentry_id:
        subentry["subentry_id"] = subentry_id  # type: ignore[typeddict-unknown-key]
    return subentry


def number_subentry(
    title: str,
    number: str,
    permission: str = "control",
    devices: Iterable[str] = (),
    default_device: str | None = None,
    subentry_id: str | None = None,
    pin: str | None = None,
) -> ConfigSubentryData:
    """Return an authorized-number subentry."""
    data: dict[str, Any] = {
        "number": number,
        "permission": permission,
        "devices": list(devices),
        "default_device": default_device,
    }
    if pin:
        data["pin"] = pin
    return _identity_subentry("authorized_number", title, data, subentry_id)


def sim_subentry(
    title: str,
    sim_sid: str,
    permission: str = "control",
    devices: Iterable[str] = (),
    subentry_id: str | None = None,
) -> ConfigSubentryData:
    """Return a KORE SIM subentry."""
    data = {
        "sim_sid": sim_sid,
        "permission": permission,
        "devices": list(devices),
        "default_device": None,
    }
    return _identity_subentry("sim", title, data, subentry_id)


def sms_iot_data(
    account_sid: str, auth_token: str, sender: str, webhook_id: str, public_url: str
) -> dict[str, Any]:
    """Return the data of an sms_iot entry."""
    return {
        "account_sid": account_sid,
        "auth_token": auth_token,
        "sender": sender,
        "webhook_id": webhook_id,
        "public_url": public_url,
        "cloudhook": False,
    }


def make_entry(
    domain: str,
    title: str,
    unique_id: str,
    data: Mapping[str, Any],
    options: Mapping[str, Any] | None = None,
    subentries: Iterable[ConfigSubentryData] = (),
) -> ConfigEntry:
    """Return a config entry as Home Assistant itself would store it."""
    now = dt_util.utcnow()
    return ConfigEntry(
        created_at=now,
        data=data,
        discovery_keys={},
        domain=domain,
        minor_version=1,
        modified_at=now,
        options=options or {},
        source=SOURCE_USER,
        subentries_data=subentries,
        title=title,
        unique_id=unique_id,
        version=1,
    )


def esphome_entry(title: str, mac: str, port: int) -> ConfigEntry:
    """Return an esphome entry for a device serving the plaintext API on a loopback port."""
    return make_entry(
        "esphome",
        title,
        mac,
        {"host": "127.0.0.1", "port": port, "password": "", "noise_psk": ""},
    )


def write_entries(storage: Path, entries: list[ConfigEntry]) -> None:
    """Write config entries into a config dir's .storage, as Home Assistant does."""
    storage.mkdir(parents=True, exist_ok=True)
    (storage / STORAGE_KEY).write_text(
        json.dumps(
            {
                "version": STORAGE_VERSION,
                "minor_version": STORAGE_VERSION_MINOR,
                "key": STORAGE_KEY,
                "data": {"entries": [entry.as_dict() for entry in entries]},
            },
            indent=2,
            default=str,
        )
    )


def _offline_hass(config_dir: Path) -> HomeAssistant:
    """Return a Home Assistant that is not started: just enough to use its stores."""
    hass = HomeAssistant(str(config_dir))
    loader.async_setup(hass)
    frame.async_setup(hass)
    return hass


async def seed_device(
    config_dir: Path, config_entry_id: str, mac: str, name: str
) -> str:
    """Create a device in the stored registry with Home Assistant's own code; return its id.

    Options that name a device (sms_iot's modem) need its id before Home Assistant first runs;
    the esphome integration later finds the device by its MAC and keeps the id.
    """
    hass = _offline_hass(config_dir)
    hass.config_entries = ConfigEntries(hass, {})
    await hass.config_entries.async_initialize()
    if hasattr(dr, "async_setup"):  # HA 2026.3+ sets the registry up before loading it
        dr.async_setup(hass)
    await dr.async_load(hass)
    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=config_entry_id,
        connections={(dr.CONNECTION_NETWORK_MAC, mac)},
        name=name,
    )
    await hass.async_stop(force=True)
    return device.id


async def seed_http(config_dir: Path, host: str, port: int) -> bool:
    """Store a confirmed HTTP config with Home Assistant's own code; False where HA has none.

    Since HA 2026.10 the YAML http block becomes a pending config that reverts, restarting
    Home Assistant, unless confirmed within 5 minutes: stored as confirmed, nothing is pending.
    """
    try:
        from homeassistant.components.http import config as http_config  # noqa: PLC0415
    except ImportError:
        return False
    hass = _offline_hass(config_dir)
    store = http_config.HTTPConfigStore(hass)
    await store.async_migrate_yaml({"server_host": [host], "server_port": port})
    if store.pending is not None:
        await store.async_promote_pending()
    await hass.async_stop(force=True)
    return True
