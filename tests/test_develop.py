"""Smoke test of the two-command developer loop: scripts/develop, then scripts/sms."""

from __future__ import annotations

from collections.abc import Generator
import os
from pathlib import Path
import signal
import socket
import subprocess
import time

import pytest

from . import esphome_sim

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(
    (reason := esphome_sim.unavailable_reason()) is not None, reason=reason or ""
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def develop(socket_enabled: None, tmp_path: Path) -> Generator[Path]:
    """Run scripts/develop on free ports with a fresh config dir; stop it afterwards."""
    config = tmp_path / "config"
    env = {
        **os.environ,
        "HA_PORT": str(_free_port()),
        "DEVICE_PORT": str(esphome_sim.pick_port()),
        "TWILIO_PORT": str(_free_port()),
        "MODEM_PORT": str(_free_port()),
        "MODEM_CONTROL_PORT": str(_free_port()),
        "KORE_PORT": str(_free_port()),
        "SMS_IOT_CONFIG": str(config),
    }
    log = (tmp_path / "develop.log").open("wb")
    process = subprocess.Popen(
        [str(ROOT / "scripts" / "develop")],
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
