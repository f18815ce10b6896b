"""Smoke test of the two-command developer loop: scripts/develop, then scripts/sms."""

from __future__ import annotations

from collections.abc import Generator
import json
import os
from pathlib import Path
import re
import signal
import socket
import subprocess
import time

import pytest

from tools.ha_api import HaApi

from . import esphome_sim

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(
    (reason := esphome_sim.unavailable_reason()) is not None, reason=reason or ""
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(config: Path) -> dict[str, str]:
    return {
        **os.environ,
        "HA_PORT": str(_free_port()),
        "DEVICE_PORT": str(esphome_sim.pick_port(esphome_sim.DEVELOP_PORT)),
        "TWILIO_PORT": str(_free_port()),
        "MODEM_PORT": str(_free_port()),
        "MODEM_CONTROL_PORT": str(_free_port()),
        "KORE_PORT": str(_free_port()),
        "SMS_IOT_CONFIG": str(config),
    }


@pytest.fixture
def develop(
    socket_enabled: None, tmp_path: Path, request: pytest.FixtureRequest
) -> Generator[Path]:
    """Run scripts/develop on free ports with a fresh config dir; stop it afterwards."""
    config = tmp_path / "config"
    env = _env(config)
    (tmp_path / "ha_port").write_text(env["HA_PORT"])
    log = (tmp_path / "develop.log").open("wb")
    process = subprocess.Popen(
        [str(ROOT / "scripts" / "develop"), *getattr(request, "param", [])],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    yield config
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)
    log.close()


def _sms(config: Path, body: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ROOT / "scripts" / "sms"), body, "--config", str(config), *args],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def test_develop_then_sms(develop: Path) -> None:
    """A newcomer's loop: the simulated relay obeys a text sent with scripts/sms."""
    deadline = time.monotonic() + 180
    while True:
        result = _sms(develop, "status")
        if result.returncode == 0 and "Relay: OFF" in result.stdout:
            break
        assert time.monotonic() < deadline, (
            result.stdout
            + result.stderr
            + (develop.parent / "develop.log").read_text()[-3000:]
        )
        time.sleep(1)
    assert _sms(develop, "relay on").stdout.strip() == "Relay: ON"
    assert _sms(develop, "lamp 40%").stdout.strip() == "LED: ON 40%"
    assert _sms(develop, "temperature?").stdout.strip() == "Temperature: 21.5 C"
    asked = re.fullmatch(
        r"Reply (\d{4}) within 5 min to confirm: Garage door: OPEN\.",
        _sms(develop, "open the garage door").stdout.strip(),
    )
    assert asked is not None
    assert _sms(develop, asked.group(1)).stdout.strip() == "Garage door: OPEN"
    modem = ("--via", "modem")
    assert _sms(develop, "4821 relay off", *modem).stdout.strip() == "Relay: OFF"
    assert (
        _sms(develop, "relay on", *modem)
        .stdout.strip()
        .startswith("Start each text to this number with your PIN")
    )
    assert _sms(develop, "status").stdout.strip().startswith("Relay: OFF")
    kore = subprocess.run(
        [str(ROOT / "scripts" / "sim-command"), "pump on", "--config", str(develop)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert kore.stdout.strip() == "Relay: ON", kore.stdout + kore.stderr


CAMERA_IMPORT = "import turbojpeg, homeassistant.components.camera.img_util"


@pytest.mark.parametrize("develop", [["--empty"]], indirect=True)
def test_newcomer_from_an_empty_home_assistant(develop: Path) -> None:
    """README's steps from an empty Home Assistant to a replied status, nothing by hand."""
    log = develop.parent / "develop.log"
    api = HaApi(f"http://127.0.0.1:{(develop.parent / 'ha_port').read_text()}")
    api.wait("/api/onboarding", log)
    info = json.loads((develop / "sms_iot_develop.json").read_text())
    api.onboard()
    # The frontend's first calls answer; they once hung on camera's missing PyTurboJPEG.
    assert api.call("/api/services")
    camera = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "-c", CAMERA_IMPORT],
        capture_output=True,
        text=True,
        check=False,
    )
    assert camera.returncode == 0, camera.stderr
    api.wait("/api/states/switch.sms_iot_sim_relay", log)
    flows = "/api/config/config_entries/flow"
    webhook = api.flow(
        flows,
        {"handler": "sms_iot"},
        {"next_step_id": "twilio"},
        {
            "account_sid": info["account_sid"],
            "auth_token": info["auth_token"],
            "sender": info["to"],
        },
    )
    assert webhook["step_id"] == "webhook", webhook
    public_url = api.base + webhook["description_placeholders"]["webhook_path"]
    created = api.call(
        f"{flows}/{webhook['flow_id']}",
        {"public_url": public_url, "configure_twilio": True},
    )
    assert created["type"] == "create_entry", created
    entry_id = created["result"]["entry_id"]
    subentries = "/api/config/config_entries/subentries/flow"
    added = api.flow(
        subentries,
        {"handler": [entry_id, "device"]},
        {"entity_id": "switch.sms_iot_sim_relay", "name": "Relay"},
    )
    assert added["type"] == "create_entry", added
    added = api.flow(
        subentries,
        {"handler": [entry_id, "authorized_number"]},
        {"name": "Me", "number": info["from"], "permission": "control"},
    )
    assert added["type"] == "create_entry", added
    deadline = time.monotonic() + 60
    while (result := _sms(develop, "status")).stdout.strip() != "Relay: OFF":
        assert time.monotonic() < deadline, result.stdout + result.stderr
        time.sleep(1)


def test_busy_port_is_one_line(socket_enabled: None, tmp_path: Path) -> None:
    """A port in use stops scripts/develop with one line naming it, not a traceback."""
    # Its own device port: the develop fixture on another worker may hold the preferred one.
    env = {**_env(tmp_path / "config"), "DEVICE_PORT": str(_free_port())}
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", int(env["TWILIO_PORT"])))
        taken.listen()
        result = subprocess.run(
            [str(ROOT / "scripts" / "develop")],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    assert result.returncode != 0
    assert "Traceback" not in result.stdout + result.stderr
    lines = [line for line in result.stderr.splitlines() if "[develop]" in line]
    assert lines == [
        f"[develop] port {env['TWILIO_PORT']} (fake Twilio API) is in use: stop what "
        "uses it, or set TWILIO_PORT to a free port"
    ]
