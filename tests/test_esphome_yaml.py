"""Validate the ESPHome device YAML with `esphome config` (offline)."""

from __future__ import annotations

from pathlib import Path
import shutil
import subprocess

import pytest

ROOT = Path(__file__).resolve().parent.parent
ESPHOME = ROOT / ".venv-esphome" / "bin" / "esphome"
DEVICES = sorted(
    p.name for p in (ROOT / "esphome").glob("*.yaml") if p.name != "secrets.yaml"
)
NEGATIVE = sorted(p.name for p in (ROOT / "esphome" / "tests").glob("*.yaml"))

pytestmark = pytest.mark.skipif(
    not ESPHOME.exists(), reason="run scripts/setup: no ESPHome venv"
)


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of esphome/ with the example secrets as secrets.yaml."""
    target = tmp_path_factory.mktemp("esphome") / "esphome"
    shutil.copytree(
        ROOT / "esphome", target, ignore=shutil.ignore_patterns("secrets.yaml")
    )
    shutil.copy(target / "secrets.example.yaml", target / "secrets.yaml")
    shutil.copy(target / "secrets.example.yaml", target / "tests" / "secrets.yaml")
    return target


def _config(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ESPHOME), "config", path.name],
        cwd=path.parent,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_every_board_is_covered() -> None:
    """The three boards and the host simulator are all validated."""
    assert set(DEVICES) >= {
        "d1_mini.yaml",
        "nodemcuv2.yaml",
        "esp01_1m.yaml",
        "host_sim.yaml",
    }
    assert len(NEGATIVE) >= 5


@pytest.mark.parametrize("name", [d for d in DEVICES if d != "secrets.example.yaml"])
def test_device_yaml_valid(tree: Path, name: str) -> None:
    """Every device file validates with the example secrets."""
    result = _config(tree / name)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "Onboard LED" in result.stdout
    assert "Relay" in result.stdout
    # A sensor on every board: the chip's supply voltage, or the simulator's temperature.
    sensor = "Temperature" if name == "host_sim.yaml" else "Supply voltage"
    assert f"name: {sensor}" in result.stdout


@pytest.mark.parametrize("name", NEGATIVE)
def test_negative_yaml_rejected(tree: Path, name: str) -> None:
    """Every deliberately broken file is rejected, for the reason it states."""
    path = tree / "tests" / name
    expected = path.read_text().splitlines()[0].removeprefix("# expect: ")
    result = _config(path)
    assert result.returncode != 0, f"{name} was accepted:\n{result.stdout[-2000:]}"
    assert expected in result.stdout + result.stderr


def test_modem_board(tree: Path) -> None:
    """The modem board raises sms_iot's event, offers send_sms and frees UART0 for the modem."""
    result = _config(tree / "d1_mini_modem.yaml")
    assert result.returncode == 0, result.stdout[-2000:]
    out = result.stdout
    for expected in (
        "event: esphome.sms_received",
        "action: send_sms",
        "Modem signal",
        "Modem registered",
        "mode: queued",
        "tx_pin:\n      number: 15",
        "rx_pin:\n      number: 13",
    ):
        assert expected in out, expected
    assert "logger:\n  baud_rate: 0" in out
