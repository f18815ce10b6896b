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

from .conftest import Devices, mock_twilio_api, post_signed, sms_params


async def test_unload_unregisters_webhook(
    hass: HomeAssistant,
    setup_entry: MockConfigEntry,
    client: TestClient[Any, Any],
    devices: Devices,
) -> None:
    """After unloading, the webhook no longer acts; reloading restores it."""
    params = sms_params("porch on")
    assert await hass.config_entries.async_unload(setup_entry.entry_id)
    assert setup_entry.state is ConfigEntryState.NOT_LOADED
    response = await post_signed(client, params)
    assert await response.text() == ""
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


async def test_remove_entry_without_cloudhook(
    hass: HomeAssistant, setup_entry: MockConfigEntry, client: TestClient[Any, Any]
) -> None:
    """Removing an entry on an external URL unregisters its webhook."""
    await hass.config_entries.async_remove(setup_entry.entry_id)
    response = await post_signed(client, sms_params("porch on"))
    assert await response.text() == ""
    assert hass.config_entries.async_get_entry(setup_entry.entry_id) is None
