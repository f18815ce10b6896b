"""Run the host-built ESPHome device (esphome/host_sim.yaml) for end-to-end tests."""

from __future__ import annotations

from pathlib import Path
import shutil
import signal
import socket
import subprocess
import time

ROOT = Path(__file__).resolve().parent.parent
PREFERRED_PORT = 36053
# scripts/develop's device in tests/test_develop.py: its own port, so the end-to-end device
# started on another worker can never take it between the check and the start.
DEVELOP_PORT = 36153
MAC = "98:35:69:ab:f6:79"


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def pick_port(preferred: int = PREFERRED_PORT) -> int:
    """Return the preferred port (so the cached build is reused) or any free one."""
    if _port_free(preferred):
        return preferred
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def unavailable_reason() -> str | None:
    """Say why the host device cannot be built here, or None if it can."""
    if shutil.which("g++") is None:
        return "g++ is not installed: the ESPHome host device cannot be built"
    if not (ROOT / ".venv-esphome" / "bin" / "esphome").exists():
        return "the ESPHome venv is missing: run scripts/setup"
    return None


def build(port: int) -> Path:
    """Build the device for a port (cached by scripts/esp-sim) and return the binary."""
    result = subprocess.run(
        [str(ROOT / "scripts" / "esp-sim"), "--port", str(port), "--build-only"],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return Path(result.stdout.strip().splitlines()[-1])


class SimDevice:
    """One running instance of the simulated ESP8266."""

    def __init__(self, binary: Path, port: int, prefdir: Path) -> None:
        """Remember how to start the device."""
        self.binary = binary
        self.port = port
        self.prefdir = prefdir
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start the device and wait until its API port accepts connections."""
        self.prefdir.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [str(self.binary)],
            env={"ESPHOME_PREFDIR": str(self.prefdir), "PATH": "/usr/bin:/bin"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while _port_free(self.port):
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError("the simulated ESPHome device did not start")
            time.sleep(0.05)

    def kill(self) -> None:
        """Kill the device the way a power cut would."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None
