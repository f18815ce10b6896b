"""Create the development config dir for scripts/develop (once; later runs keep your changes).

Seeds two config entries with Home Assistant's own ConfigEntry class: the esphome integration
connected to the simulated ESP8266 on loopback, and sms_iot with Twilio credentials that the
local fake Twilio API accepts, the simulator's relay and LED as devices, and one master number.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from homeassistant.config_entries import (
    SOURCE_USER,
    STORAGE_KEY,
    STORAGE_VERSION,
    STORAGE_VERSION_MINOR,
    ConfigEntry,
    ConfigSubentryData,
)
from homeassistant.util import dt as dt_util

ACCOUNT_SID = "AC" + "d" * 32
AUTH_TOKEN = "develop" + "0" * 25
SENDER = "+15005550006"
MASTER = "+14155552671"
WEBHOOK_ID = "sms_iot_develop_" + "0" * 16
DEVICE_MAC = "98:35:69:ab:f6:79"
RELAY = "switch.sms_iot_sim_relay"
LED = "light.sms_iot_sim_onboard_led"

CONFIGURATION = """\
# Development instance for sms_iot (written by scripts/develop; edit freely).
homeassistant:
  name: sms_iot development
  country: US
  time_zone: UTC
  unit_system: metric
  external_url: "{url}"
  internal_url: "{url}"

http:
  server_host: 127.0.0.1
  server_port: {port}

frontend:
config:
ffmpeg:
  # Not needed by sms_iot; esphome pulls the ffmpeg integration in. "true" keeps it quiet.
  ffmpeg_bin: "true"

logger:
  default: warning
  logs:
    custom_components.sms_iot: debug
"""


def make_entry(
    domain: str, title: str, unique_id: str, data: dict[str, object], **kw: object
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
        options=kw.pop("options", {}),  # type: ignore[arg-type]
        source=SOURCE_USER,
        title=title,
        unique_id=unique_id,
        version=1,
        subentries_data=kw.pop("subentries_data", ()),  # type: ignore[arg-type]
        **kw,  # type: ignore[arg-type]
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


def sim_subentries() -> list[ConfigSubentryData]:
    """Return sms_iot subentries for the simulator's relay and LED and the master number."""
    return [
        ConfigSubentryData(
            subentry_type="device",
            title="Relay",
            unique_id=RELAY,
            data={"entity_id": RELAY, "aliases": ["kitchen"]},
        ),
        ConfigSubentryData(
            subentry_type="device",
            title="LED",
            unique_id=LED,
            data={"entity_id": LED, "aliases": ["lamp"]},
        ),
        ConfigSubentryData(
            subentry_type="authorized_number",
            title="Developer",
            unique_id=MASTER,
            data={
                "number": MASTER,
                "permission": "control",
                "devices": [],
                "default_device": None,
            },
        ),
    ]


def write(config_dir: Path, port: int, device_port: int) -> dict[str, str]:
    """Write configuration.yaml and the seeded entries; return what scripts/sms needs."""
    url = f"http://127.0.0.1:{port}"
    public_url = f"{url}/api/webhook/{WEBHOOK_ID}"
    storage = config_dir / ".storage"
    storage.mkdir(parents=True, exist_ok=True)
    if not (config_dir / "configuration.yaml").exists():
        (config_dir / "configuration.yaml").write_text(
            CONFIGURATION.format(url=url, port=port)
        )
    entries_file = storage / STORAGE_KEY
    if not entries_file.exists():
        esphome = make_entry(
            "esphome",
            "SMS IoT Sim",
            DEVICE_MAC,
            {"host": "127.0.0.1", "port": device_port, "password": "", "noise_psk": ""},
        )
        sms_iot = make_entry(
            "sms_iot",
            SENDER,
            f"{ACCOUNT_SID}_{SENDER}",
            {
                "account_sid": ACCOUNT_SID,
                "auth_token": AUTH_TOKEN,
                "sender": SENDER,
                "webhook_id": WEBHOOK_ID,
                "public_url": public_url,
                "cloudhook": False,
            },
            subentries_data=sim_subentries(),
        )
        write_entries(storage, [esphome, sms_iot])
    info = {
        "url": f"{url}/api/webhook/{WEBHOOK_ID}",
        "public_url": public_url,
        "auth_token": AUTH_TOKEN,
        "from": MASTER,
        "to": SENDER,
        "account_sid": ACCOUNT_SID,
    }
    (config_dir / "sms_iot_develop.json").write_text(json.dumps(info, indent=2))
    return info


def main() -> None:
    """Write the development config dir."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--port", type=int, default=8123)
    parser.add_argument("--device-port", type=int, default=6053)
    args = parser.parse_args()
    write(args.config, args.port, args.device_port)


if __name__ == "__main__":
    main()
