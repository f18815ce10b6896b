"""Config dirs for the benchmarked Home Assistant: sms_iot and core twilio side by side."""

from __future__ import annotations

import json
from pathlib import Path
import shutil

from tools.entries import (
    device_subentry,
    make_entry,
    number_subentry,
    sms_iot_data,
    write_entries,
)

ROOT = Path(__file__).resolve().parent.parent
ACCOUNT_SID = "AC" + "b" * 32
AUTH_TOKEN = "bench" + "0" * 27
TWILIO_NUMBER = "+15005550006"
SENDERS = [f"+1415555{1000 + i:04}" for i in range(20)]
STRANGER = "+14155550000"
SMS_IOT_HOOK = "sms_iot_bench_" + "0" * 18
TWILIO_HOOK = "twilio_bench_" + "0" * 19
PROBE_MANIFEST = {
    "domain": "bench_probe",
    "name": "sms_iot benchmark probe",
    "codeowners": [],
    "documentation": "https://github.com/sms-iot/sms_iot",
    "iot_class": "local_push",
    "requirements": [],
    "version": "0.1.0",
}

CONFIGURATION = """\
homeassistant:
  name: sms_iot benchmark
  country: US
  time_zone: UTC
  unit_system: metric
  internal_url: "http://127.0.0.1:{port}"
  external_url: "http://127.0.0.1:{port}"

http:
  server_host: 127.0.0.1
  server_port: {port}

logger:
  default: warning

template:
  - switch:
      - name: Bench relay
        unique_id: bench_relay
        turn_on: []
        turn_off: []
      - name: Bench fan
        unique_id: bench_fan
        turn_on: []
        turn_off: []
{probe}"""


def write(config_dir: Path, port: int, with_sms_iot: bool) -> None:
    """Write a config dir; without sms_iot it is the memory baseline."""
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "configuration.yaml").write_text(
        CONFIGURATION.format(port=port, probe="bench_probe:\n" if with_sms_iot else "")
    )
    components = config_dir / "custom_components"
    components.mkdir(exist_ok=True)
    entries = [
        make_entry(
            "twilio",
            "Twilio Webhook",
            "twilio",
            {"webhook_id": TWILIO_HOOK, "cloudhook": False},
        )
    ]
    if with_sms_iot:
        (components / "sms_iot").symlink_to(ROOT / "custom_components" / "sms_iot")
        # Shaped into an integration only here, so hassfest never takes it for one.
        probe = components / "bench_probe"
        probe.mkdir()
        shutil.copy(Path(__file__).parent / "setup_probe.py", probe / "__init__.py")
        (probe / "manifest.json").write_text(json.dumps(PROBE_MANIFEST))
        entries.append(
            make_entry(
                "sms_iot",
                TWILIO_NUMBER,
                f"{ACCOUNT_SID}_{TWILIO_NUMBER}",
                sms_iot_data(
                    ACCOUNT_SID,
                    AUTH_TOKEN,
                    TWILIO_NUMBER,
                    SMS_IOT_HOOK,
                    f"http://127.0.0.1:{port}/api/webhook/{SMS_IOT_HOOK}",
                ),
                options={"rate_limit": 1000},
                subentries=[
                    device_subentry("Relay", "switch.bench_relay"),
                    device_subentry("Fan", "switch.bench_fan"),
                    *(number_subentry(f"Sender {i}", n) for i, n in enumerate(SENDERS)),
                ],
            )
        )
    write_entries(config_dir / ".storage", entries)
