"""Run scripts/develop on a Home Assistant release and check it as a user would; exit 1 if not.

python -m tools.live_check [--venv .venv-next] [--uptime 600]

On free ports, with a fresh config dir: every config entry loads; sms_iot's devices and
entities exist; a text through Twilio, one through the modem and a KORE SIM command are each
answered with the relay's observed state; a restart keeps every entity id; Home Assistant then
stays up --uptime seconds without restarting (HA 2026.10+ reverts an unconfirmed HTTP config,
restarting, after 5 minutes); and its log has no error or warning that names sms_iot.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
import json
import os
from pathlib import Path
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from typing import IO
import urllib.error

from .ha_api import HaApi

ROOT = Path(__file__).resolve().parent.parent
RELAY = "switch.sms_iot_sim_relay"
# Its own simulator port (the suite's develop test uses 36153): the build is cached per port.
DEVICE_PORT = 36163
# The seed's entities: Twilio's service device and number, KORE's SIM (its service device has none).
EXPECTED_ENTITIES = [
    "button.sms_iot_15005550006_developer_send_test_text",
    "event.sms_iot_15005550006_developer_text",
    "event.sms_iot_kore_develop_barn_pump_command",
    "notify.sms_iot_15005550006_developer",
    "sensor.sms_iot_15005550006_last_message_status",
    "sensor.sms_iot_kore_develop_barn_pump_command_status",
    "sensor.sms_iot_kore_develop_barn_pump_last_command",
]
EXPECTED_DEVICES = 3
# The one warning Home Assistant gives every custom integration.
UNTESTED = re.compile(
    r"We found a custom integration sms_iot which has not been tested"
)
RESTARTED = re.compile(
    r"Pending HTTP config|not_promoted|Restarting Home Assistant", re.I
)
HEADER = re.compile(r"^\d{4}-\d\d-\d\d \S+ (\w+) ")
NAMES_US = re.compile(r"sms[_ ]iot", re.IGNORECASE)
ENTITIES = "{{ integration_entities('sms_iot') | sort | tojson }}"
DEVICES = (
    "{{ integration_entities('sms_iot') | map('device_id') | reject('none') | unique"
    " | list | count }}"
)


class CheckFailedError(Exception):
    """A check of the live Home Assistant failed."""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _port(preferred: int) -> int:
    with socket.socket() as sock:
        return preferred if sock.connect_ex(("127.0.0.1", preferred)) else _free_port()


class Develop:
    """scripts/develop in its own process group, its output in a log file."""

    def __init__(self, venv: str, workdir: Path) -> None:
        """Pick the ports and the config dir; nothing runs yet."""
        self.config = workdir / "config"
        self.log = workdir / "develop.log"
        # Home Assistant's own log of each run (HA keeps only the last two in the config dir).
        self.hass_log = workdir / "hass.log"
        self.env = {
            **os.environ,
            "SMS_IOT_VENV": venv,
            "HA_PORT": str(_free_port()),
            "DEVICE_PORT": str(_port(DEVICE_PORT)),
            "TWILIO_PORT": str(_free_port()),
            "MODEM_PORT": str(_free_port()),
            "MODEM_CONTROL_PORT": str(_free_port()),
            "KORE_PORT": str(_free_port()),
            "SMS_IOT_CONFIG": str(self.config),
        }
        self.api = HaApi(f"http://127.0.0.1:{self.env['HA_PORT']}")
        self.process: subprocess.Popen[bytes] | None = None
        self._out: IO[bytes] | None = None

    def start(self) -> None:
        """Start scripts/develop and wait until Home Assistant answers."""
        self._out = self.log.open("ab")
        self.process = subprocess.Popen(
            [str(ROOT / "scripts" / "develop")],
            env=self.env,
            stdout=self._out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 600
        while True:
            try:
                self.api.call("/api/onboarding")
            except (urllib.error.URLError, ConnectionError):
                if not self.running():
                    raise CheckFailedError("scripts/develop exited") from None
                if time.monotonic() > deadline:
                    raise
                time.sleep(1)
            else:
                return

    def running(self) -> bool:
        """Return True while scripts/develop (so Home Assistant) has not exited."""
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        """Stop scripts/develop and everything it started."""
        if self.process is not None:
            if self.running():
                os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=120)
            self.process = None
            run = self.config / "home-assistant.log"
            with self.hass_log.open("a") as log:
                log.write(run.read_text(errors="replace") if run.exists() else "")
        if self._out is not None:
            self._out.close()
            self._out = None

    def run(self, script: str, *args: str) -> str:
        """Run scripts/sms or scripts/sim-command against this instance; return its output."""
        result = subprocess.run(
            [str(ROOT / "scripts" / script), *args, "--config", str(self.config)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        return (result.stdout + result.stderr).strip()


def _until(
    what: str, probe: Callable[[], str], want: str, timeout: float = 180
) -> None:
    """Repeat probe until it returns want; CheckFailedError with the last answer after timeout."""
    deadline = time.monotonic() + timeout
    while (got := probe()) != want:
        if time.monotonic() > deadline:
            raise CheckFailedError(f"{what}: wanted {want!r}, got {got!r}")
        time.sleep(2)


def check_loaded(develop: Develop) -> list[str]:
    """Check every entry loaded and sms_iot's devices and entities exist; return entity ids."""
    api = develop.api
    deadline = time.monotonic() + 180
    while True:
        entries = api.call("/api/config/config_entries/entry")
        states = {e["title"]: e["state"] for e in entries}
        if all(state == "loaded" for state in states.values()) and len(entries) >= 4:
            break
        if time.monotonic() > deadline:
            raise CheckFailedError(f"config entries not all loaded: {states}")
        time.sleep(2)
    entities = json.loads(api.template(ENTITIES))
    devices = int(api.template(DEVICES))
    if entities != EXPECTED_ENTITIES or devices != EXPECTED_DEVICES:
        raise CheckFailedError(
            f"sms_iot has {devices} devices and {len(entities)} entities ({entities}); "
            f"expected {EXPECTED_DEVICES} and {EXPECTED_ENTITIES}"
        )
    print(f"[live] entries loaded: {states}")
    print(f"[live] sms_iot: {devices} devices, entities {', '.join(entities)}")
    return list(entities)


def check_texts(develop: Develop) -> None:
    """Check a text through each transport is answered with the relay's observed state."""

    def relay() -> str:
        return str(develop.api.call(f"/api/states/{RELAY}")["state"]).upper()

    texts = [
        ("Twilio", ("sms", "relay on"), "Relay: ON"),
        ("the modem", ("sms", "4821 relay off", "--via", "modem"), "Relay: OFF"),
        ("KORE", ("sim-command", "pump on"), "Relay: ON"),
    ]
    for transport, command, reply in texts:
        _until(
            f"{command[1]!r} through {transport}",
            lambda command=command: develop.run(*command),  # type: ignore[misc]
            reply,
        )
        if (observed := f"Relay: {relay()}") != reply:
            raise CheckFailedError(
                f"replied {reply!r} through {transport}, relay is {observed}"
            )
        print(f"[live] {command[1]!r} through {transport}: {reply}")


def log_records(text: str) -> list[str]:
    """Split a Home Assistant log into records: a header line and its traceback lines."""
    records: list[str] = []
    for line in text.splitlines():
        if HEADER.match(line) or not records:
            records.append(line)
        else:
            records[-1] += "\n" + line
    return records


def check_log(log: Path) -> None:
    """Check no error or warning record names sms_iot (but HA's notice to custom ones)."""
    offending = [
        record
        for record in log_records(log.read_text(errors="replace"))
        if (level := HEADER.match(record)) is not None
        and level[1] in ("WARNING", "ERROR", "CRITICAL")
        and NAMES_US.search(record)
        and not UNTESTED.search(record)
    ]
    if offending:
        raise CheckFailedError(
            "the log names sms_iot in errors or warnings:\n" + "\n".join(offending)
        )
    print("[live] log: no error or warning about sms_iot")


def check_uptime(develop: Develop, started: float, uptime: float) -> None:
    """Check Home Assistant stays up (no restart) for uptime seconds after it started."""
    while (left := started + uptime - time.monotonic()) > 0:
        if not develop.running():
            raise CheckFailedError(
                "Home Assistant exited (restarted) before the uptime was reached"
            )
        time.sleep(min(left, 5))
    develop.api.call("/api/")
    if not develop.running() or (
        hits := RESTARTED.findall(develop.log.read_text(errors="replace"))
    ):
        raise CheckFailedError(
            f"Home Assistant restarted: {hits if develop.running() else 'exited'}"
        )
    print(f"[live] up {uptime:.0f} s without a restart")


def live_check(venv: str, uptime: float, workdir: Path) -> None:
    """Run every check on a fresh develop instance; raise CheckFailedError at the first failure."""
    develop = Develop(venv, workdir)
    try:
        develop.start()
        develop.api.onboard()
        print(
            f"[live] Home Assistant {develop.api.call('/api/config')['version']} ({venv})"
        )
        entities = check_loaded(develop)
        check_texts(develop)
        develop.stop()
        develop.start()
        started = time.monotonic()
        if (after := check_loaded(develop)) != entities:
            raise CheckFailedError(
                f"a restart changed the entity ids: {entities} -> {after}"
            )
        print("[live] restart: every entity id kept")
        _until(
            "'relay off' after the restart",
            lambda: develop.run("sms", "relay off"),
            "Relay: OFF",
        )
        check_uptime(develop, started, uptime)
    finally:
        develop.stop()
    check_log(develop.hass_log)


def main() -> int:
    """Run the live check; print what it found and return 1 on a failed check."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venv", default=".venv-next")
    parser.add_argument("--uptime", type=float, default=600)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args()
    # scripts/test stops it with SIGTERM when the run fails early: stop develop on the way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with tempfile.TemporaryDirectory(prefix="sms_iot_live_") as scratch:
        workdir = args.keep or Path(scratch)
        workdir.mkdir(parents=True, exist_ok=True)
        try:
            live_check(args.venv, args.uptime, workdir)
        except (CheckFailedError, TimeoutError, OSError) as err:
            print(f"[live] FAILED: {err}", file=sys.stderr)
            log = (workdir / "develop.log").read_text(errors="replace")
            print(log[-4000:], file=sys.stderr)
            return 1
    print("[live] all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
