"""Start-up: the twilio REST client is neither imported nor used until Home Assistant runs."""

from __future__ import annotations

from pathlib import Path
import subprocess
import sys

from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from custom_components.sms_iot.twilio_client import MESSAGING_URL
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import EVENT_HOMEASSISTANT_STARTED
from homeassistant.core import CoreState, HomeAssistant

from .conftest import Devices

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("twilio.rest", "twilio.http")


def test_importing_the_integration_leaves_the_rest_client_out() -> None:
    """Importing sms_iot, its flow and its platforms loads neither twilio.rest nor its HTTP layer."""
    code = (
        "import sys\n"
        "for name in ('', '.config_flow', '.sensor', '.notify', '.event', '.button',"
        " '.diagnostics'):\n"
        "    __import__('custom_components.sms_iot' + name)\n"
        f"print([m for m in {HEAVY!r} if m in sys.modules])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert done.stdout.strip() == "[]"


async def test_number_check_waits_until_home_assistant_runs(
    hass: HomeAssistant,
    twilio_api: AiohttpClientMocker,
    devices: Devices,
    config_entry: MockConfigEntry,
) -> None:
    """Set-up checks the credentials only; the number is read once Home Assistant started."""
    hass.set_state(CoreState.starting)
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert config_entry.state is ConfigEntryState.LOADED

    def services_read() -> bool:
        return any(
            str(url).startswith(f"{MESSAGING_URL}/v1/Services")
            for _, url, _, _ in twilio_api.mock_calls
        )

    assert twilio_api.call_count == 2  # the account, the number
    assert not services_read()
    hass.set_state(CoreState.running)
    hass.bus.async_fire(EVENT_HOMEASSISTANT_STARTED)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert services_read()
