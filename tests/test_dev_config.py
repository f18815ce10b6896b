"""The develop seed: an HTTP config that nothing reverts, and the pages a user opens."""

from __future__ import annotations

import json
from pathlib import Path
import subprocess
import sys
from typing import Any

import pytest

from homeassistant.core import HomeAssistant
from homeassistant.util import yaml as yaml_util

ROOT = Path(__file__).resolve().parent.parent
PORT = 18999

try:
    from homeassistant.components.http import config as http_config
except ImportError:  # before HA 2026.10 the YAML http block is the config
    http_config = None  # type: ignore[assignment]


@pytest.fixture(name="seeded")
def seeded_fixture(tmp_path: Path) -> Path:
    """Write the develop config dir as scripts/develop does."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "tools.dev_config",
            "--config",
            str(tmp_path),
            "--port",
            str(PORT),
        ],
        cwd=ROOT,
        check=True,
        timeout=120,
    )
    return tmp_path


def _yaml(seeded: Path) -> dict[str, Any]:
    return yaml_util.load_yaml_dict(seeded / "configuration.yaml")


def test_activity_and_history_pages_load(seeded: Path) -> None:
    """Recorder, logbook and history are set up, so Activity and History work."""
    assert {"recorder", "logbook", "history"} <= _yaml(seeded).keys()


@pytest.mark.skipif(
    http_config is None, reason="HA before 2026.10 has no stored HTTP config"
)
async def test_nothing_pending_to_revert(
    hass: HomeAssistant, hass_storage: dict[str, Any], seeded: Path
) -> None:
    """The stored HTTP config is confirmed: no trial, no revert that restarts HA in 5 min."""
    stored = json.loads((seeded / ".storage" / "http").read_text())
    assert "http" not in _yaml(seeded)
    hass_storage["http"] = stored
    conf = await http_config.async_load_config(hass, _yaml(seeded))
    store = hass.data[http_config.DATA_STORE]
    assert store.active_config_type is http_config.ActiveConfigType.STABLE
    assert store.revert_deadline is None
    assert (conf["server_host"], conf["server_port"]) == (["127.0.0.1"], PORT)


@pytest.mark.skipif(
    http_config is None, reason="HA before 2026.10 has no stored HTTP config"
)
async def test_a_yaml_http_block_would_revert(hass: HomeAssistant) -> None:
    """What the seed avoids: HA tries a YAML http block as pending and schedules a revert."""
    await http_config.async_load_config(
        hass, {"http": {"server_host": ["127.0.0.1"], "server_port": PORT}}
    )
    store = hass.data[http_config.DATA_STORE]
    assert store.active_config_type is http_config.ActiveConfigType.PENDING
    assert store.revert_deadline is not None
    store.async_cancel_revert()


@pytest.mark.skipif(
    http_config is not None, reason="HA 2026.10+ stores the HTTP config"
)
def test_yaml_http_block_before_stored_config(seeded: Path) -> None:
    """Before HA 2026.10, the YAML http block binds the develop instance to loopback."""
    assert _yaml(seeded)["http"] == {"server_host": "127.0.0.1", "server_port": PORT}
