"""Tests for setting up and unloading SMS IoT."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from aiohttp import ClientConnectionError
from aiohttp.test_utils import TestClient
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant

from .conftest import (
    ACCOUNT_SID,
    TWILIO_API,
    Devices,
    mock_twilio_api,
    post_signed,
    sms_params,
)


async def test_unloaded_entry_answers_503(
    hass: HomeAssistant,
    setup_entry: MockConfigEntry,
    client: TestClient[Any, Any],
    devices: Devices,
) -> None:
    """Unloaded, the webhook acts on nothing and says so (503); reloading restores it."""
    params = sms_params("porch on")
    assert await hass.config_entries.async_unload(setup_entry.entry_id)
    assert setup_entry.state is ConfigEntryState.NOT_LOADED
    response = await post_signed(client, params)
    assert (response.status, await response.text()) == (503, "")
    assert devices.porch.calls == []
    assert await hass.config_entries.async_setup(setup_entry.entry_id)
    response = await post_signed(client, params)
    assert "Porch: ON" in await response.text()


@pytest.mark.parametrize(
    "failure",
    [
        {"exc": ClientConnectionError()},
        {"account_status": HTTPStatus.SERVICE_UNAVAILABLE},
    ],
)
async def test_setup_retries_when_twilio_unreachable(
    hass: HomeAssistant,
    aioclient_mock: AiohttpClientMocker,
    config_entry: MockConfigEntry,
    failure: dict[str, Any],
) -> None:
    """Twilio unreachable or failing at start-up means retry later."""
    mock_twilio_api(aioclient_mock, **failure)
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    assert config_entry.state is ConfigEntryState.SETUP_RETRY


async def test_setup_retries_when_twilio_answers_no_json(
    hass: HomeAssistant,
    aioclient_mock: AiohttpClientMocker,
    config_entry: MockConfigEntry,
) -> None:
    """A proxy's error page with status 200 instead of Twilio's JSON means retry later."""
    aioclient_mock.get(
        f"{TWILIO_API}/Accounts/{ACCOUNT_SID}.json", text="<html>Bad gateway</html>"
    )
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    assert config_entry.state is ConfigEntryState.SETUP_RETRY


async def test_remove_entry_without_cloudhook(
    hass: HomeAssistant, setup_entry: MockConfigEntry, client: TestClient[Any, Any]
) -> None:
    """Removing an entry on an external URL unregisters its webhook."""
    await hass.config_entries.async_remove(setup_entry.entry_id)
    response = await post_signed(client, sms_params("porch on"))
    assert await response.text() == ""
    assert hass.config_entries.async_get_entry(setup_entry.entry_id) is None


@pytest.mark.parametrize(
    ("failure", "state"),
    [
        ({"exc": ClientConnectionError()}, ConfigEntryState.SETUP_RETRY),
        ({"exc": TimeoutError()}, ConfigEntryState.SETUP_RETRY),
        (
            {"account_status": HTTPStatus.SERVICE_UNAVAILABLE},
            ConfigEntryState.SETUP_RETRY,
        ),
        ({"account_status": HTTPStatus.UNAUTHORIZED}, ConfigEntryState.SETUP_ERROR),
    ],
)
async def test_reload_that_fails_answers_503_and_logs_once(
    hass: HomeAssistant,
    aioclient_mock: AiohttpClientMocker,
    setup_entry: MockConfigEntry,
    client: TestClient[Any, Any],
    devices: Devices,
    caplog: pytest.LogCaptureFixture,
    failure: dict[str, Any],
    state: ConfigEntryState,
) -> None:
    """A reload that fails leaves 503s (Twilio retries or falls back), logged once."""
    mock_twilio_api(aioclient_mock, **failure)
    await hass.config_entries.async_reload(setup_entry.entry_id)
    assert setup_entry.state is state
    for _ in range(3):
        response = await post_signed(client, sms_params("porch on"))
        assert response.status == 503
    assert devices.porch.calls == []
    warnings = [r for r in caplog.records if r.getMessage().startswith("Answering")]
    assert len(warnings) == 1
    assert warnings[0].levelname == "WARNING"
