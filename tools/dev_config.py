"""Create the development config dir for scripts/develop (once; later runs keep your changes).

Seeds config entries with Home Assistant's own ConfigEntry class: the esphome integration
connected to the simulated ESP8266 and to the modem board (tools/fake_modem.py) on loopback, and
sms_iot with Twilio credentials that the local fake Twilio API accepts, the modem board as its
modem (Twilio first, then the modem), the simulator's relay and LED as devices, and one master
number with a PIN for texts through the modem.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path
from typing import Any

from custom_components.sms_iot.const import (
    CONF_MODEM_DEVICE,
    CONF_ROUTE,
    ROUTE_TWILIO_THEN_MODEM,
)
from homeassistant.config_entries import STORAGE_KEY, ConfigSubentryData

from . import fake_modem
from .entries import (
    device_subentry,
    esphome_entry,
    make_entry,
    number_subentry,
    seed_device,
    seed_http,
    sim_subentry,
    sms_iot_data,
    write_entries,
)
from .fake_kore import FakeKoreState

ACCOUNT_SID = "AC" + "d" * 32
AUTH_TOKEN = "develop" + "0" * 25
TWILIO_NUMBER = "+15005550006"
MASTER = "+14155552671"
PIN = "4821"
KORE_CLIENT_ID = "develop-client"
KORE_CLIENT_SECRET = "develop-secret-" + "0" * 16
KORE_SECRET = "develop-webhook-secret"
KORE_WEBHOOK_ID = "sms_iot_develop_kore_" + "0" * 11
KORE_SIM = "barn-pump"
WEBHOOK_ID = "sms_iot_develop_" + "0" * 16
FAKE_TWILIO_STATE = "fake_twilio.json"
DEVICE_MAC = "98:35:69:ab:f6:79"
RELAY = "switch.sms_iot_sim_relay"
LED = "light.sms_iot_sim_onboard_led"
TEMPERATURE = "sensor.sms_iot_sim_temperature"
GARAGE_DOOR = "cover.sms_iot_sim_garage_door"
FRONT_DOOR = "lock.sms_iot_sim_front_door"

# Before HA 2026.10 only; later releases take it from their store (entries.seed_http).
HTTP_YAML = """\
http:
  server_host: 127.0.0.1
  server_port: {port}

"""
CONFIGURATION = """\
# Development instance for sms_iot (written by scripts/develop; edit freely).
homeassistant:
  name: sms_iot development
  country: US
  time_zone: UTC
  unit_system: metric
  external_url: "{url}"
  internal_url: "{url}"

{http}frontend:
config:
recorder:
logbook:
history:
ffmpeg:
  # Not needed by sms_iot; esphome pulls the ffmpeg integration in. "true" keeps it quiet.
  ffmpeg_bin: "true"

logger:
  default: warning
  logs:
    custom_components.sms_iot: debug
"""


def kore_sims() -> dict[str, str]:
    """Return the fake KORE account's SIMs (tools/fake_kore.py --sim ...): sid by name."""
    state = FakeKoreState(KORE_CLIENT_ID, KORE_CLIENT_SECRET)
    return {name: state.add_sim(name)["sid"] for name in (KORE_SIM, "gate")}


def sim_subentries() -> list[ConfigSubentryData]:
    """Return sms_iot subentries for the simulator's entities and the master number."""
    return [
        device_subentry("Relay", RELAY, ["kitchen"]),
        device_subentry("LED", LED, ["lamp"]),
        device_subentry("Temperature", TEMPERATURE),
        device_subentry("Garage door", GARAGE_DOOR),
        device_subentry("Front door", FRONT_DOOR),
        number_subentry("Developer", MASTER, pin=PIN),
    ]


def write(
    config_dir: Path,
    port: int,
    device_port: int,
    modem_port: int,
    modem_control_port: int,
    kore_port: int,
    twilio_port: int,
    empty: bool = False,
) -> dict[str, Any]:
    """Write configuration.yaml and the seeded entries; return what scripts/sms needs.

    With empty, only the ESPHome boards are seeded: sms_iot is added through the UI, as a
    newcomer does (README: From an empty Home Assistant).
    """
    url = f"http://127.0.0.1:{port}"
    public_url = f"{url}/api/webhook/{WEBHOOK_ID}"
    storage = config_dir / ".storage"
    storage.mkdir(parents=True, exist_ok=True)
    if not (config_dir / "configuration.yaml").exists():
        stored = asyncio.run(seed_http(config_dir, "127.0.0.1", port))
        (config_dir / "configuration.yaml").write_text(
            CONFIGURATION.format(
                url=url, http="" if stored else HTTP_YAML.format(port=port)
            )
        )
    entries_file = storage / STORAGE_KEY
    if not entries_file.exists():
        esphome = esphome_entry("SMS IoT Sim", DEVICE_MAC, device_port)
        modem = esphome_entry(fake_modem.FRIENDLY_NAME, fake_modem.MAC, modem_port)
        write_entries(storage, [esphome, modem])
        modem_device = asyncio.run(
            seed_device(
                config_dir, modem.entry_id, fake_modem.MAC, fake_modem.FRIENDLY_NAME
            )
        )
        sms_iot = make_entry(
            "sms_iot",
            TWILIO_NUMBER,
            f"{ACCOUNT_SID}_{TWILIO_NUMBER}",
            sms_iot_data(
                ACCOUNT_SID, AUTH_TOKEN, TWILIO_NUMBER, WEBHOOK_ID, public_url
            ),
            options={
                CONF_MODEM_DEVICE: modem_device,
                CONF_ROUTE: ROUTE_TWILIO_THEN_MODEM,
            },
            subentries=sim_subentries(),
        )
        kore = make_entry(
            "sms_iot",
            "KORE develop",
            f"kore_{KORE_CLIENT_ID}",
            {
                "kore_client_id": KORE_CLIENT_ID,
                "kore_client_secret": KORE_CLIENT_SECRET,
                "kore_webhook_secret": KORE_SECRET,
                "kore_accept_unsigned": False,
                "webhook_id": KORE_WEBHOOK_ID,
                "public_url": f"{url}/api/webhook/{KORE_WEBHOOK_ID}",
                "cloudhook": False,
            },
            subentries=[
                device_subentry("Relay", RELAY, ["pump"]),
                device_subentry("LED", LED, ["lamp"]),
                sim_subentry(KORE_SIM, kore_sims()[KORE_SIM]),
            ],
        )
        write_entries(
            storage, [esphome, modem] if empty else [esphome, modem, sms_iot, kore]
        )
        # The fake Twilio account: the seeded entry's number already sends texts to it.
        hooks = {} if empty else {TWILIO_NUMBER: {"url": public_url, "method": "POST"}}
        (config_dir / FAKE_TWILIO_STATE).write_text(json.dumps({"numbers": hooks}))
    info = {
        "url": f"{url}/api/webhook/{WEBHOOK_ID}",
        "public_url": public_url,
        "auth_token": AUTH_TOKEN,
        "from": MASTER,
        "to": TWILIO_NUMBER,
        "account_sid": ACCOUNT_SID,
        "pin": PIN,
        "kore_url": f"{url}/api/webhook/{KORE_WEBHOOK_ID}",
        "kore_api": f"http://127.0.0.1:{kore_port}",
        "kore_secret": KORE_SECRET,
        "kore_client_id": KORE_CLIENT_ID,
        "kore_client_secret": KORE_CLIENT_SECRET,
        "kore_sims": kore_sims(),
        "modem_control": f"http://127.0.0.1:{modem_control_port}",
        "twilio_api": f"http://127.0.0.1:{twilio_port}",
    }
    (config_dir / "sms_iot_develop.json").write_text(json.dumps(info, indent=2))
    return info


def main() -> None:
    """Write the development config dir."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--port", type=int, default=8123)
    parser.add_argument("--device-port", type=int, default=6053)
    parser.add_argument("--modem-port", type=int, default=6054)
    parser.add_argument("--modem-control-port", type=int, default=18125)
    parser.add_argument("--kore-port", type=int, default=18126)
    parser.add_argument("--twilio-port", type=int, default=18124)
    parser.add_argument(
        "--empty", action="store_true", help="seed the boards only, not sms_iot"
    )
    args = parser.parse_args()
    write(
        args.config,
        args.port,
        args.device_port,
        args.modem_port,
        args.modem_control_port,
        args.kore_port,
        args.twilio_port,
        args.empty,
    )


if __name__ == "__main__":
    main()
