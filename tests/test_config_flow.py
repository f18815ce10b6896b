"""Tests for the SMS IoT config, reauth, reconfigure and options flows."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from http import HTTPStatus
import json
from pathlib import Path
import sys
from types import SimpleNamespace
from typing import Any
from unittest.mock import AsyncMock, Mock, patch

from aiohttp import ClientConnectionError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker
import voluptuous as vol

from custom_components import sms_iot
from custom_components.sms_iot.const import (
    CONF_ACCOUNT_SID,
    CONF_AUTH_TOKEN,
    CONF_CLOUDHOOK,
    CONF_HOURLY_CAP,
    CONF_INBOUND_BEFORE,
    CONF_INBOUND_SID,
    CONF_PUBLIC_URL,
    CONF_RATE_LIMIT,
    CONF_REPLY_TO_STRANGERS,
    CONF_TWILIO_NUMBER,
    DOMAIN,
)
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.network import NoURLAvailableError

from .conftest import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    PN,
    PUBLIC_URL,
    TWILIO_NUMBER,
    WEBHOOK_ID,
    mock_twilio_api,
    start_twilio_flow,
)

USER_INPUT = {
    CONF_ACCOUNT_SID: ACCOUNT_SID,
    CONF_AUTH_TOKEN: AUTH_TOKEN,
    CONF_TWILIO_NUMBER: "(500) 555-0006",
}
MESSAGING_SERVICE = "MG" + "a" * 32


@pytest.fixture(autouse=True)
async def external_url(hass: HomeAssistant) -> None:
    """Give Home Assistant an external URL."""
    hass.config.external_url = "https://example.duckdns.org"
    hass.config.country = "US"


async def _start(hass: HomeAssistant) -> dict[str, Any]:
    result = await start_twilio_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "twilio"
    return result


async def test_full_flow(hass: HomeAssistant, twilio_api: AiohttpClientMocker) -> None:
    """Credentials are checked, the webhook URL shown, then the entry created."""
    result = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], USER_INPUT
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "webhook"
    webhook_id = result["description_placeholders"]["webhook_path"].rsplit("/", 1)[1]
    default = result["data_schema"]({})[CONF_PUBLIC_URL]
    assert default == f"https://example.duckdns.org/api/webhook/{webhook_id}"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PUBLIC_URL: default}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Twilio +1 500-555-0006"
    assert result["description"] == "configured"
    assert result["result"].unique_id == f"{ACCOUNT_SID}_{TWILIO_NUMBER}"
    assert result["data"] == {
        CONF_ACCOUNT_SID: ACCOUNT_SID,
        CONF_AUTH_TOKEN: AUTH_TOKEN,
        CONF_TWILIO_NUMBER: TWILIO_NUMBER,
        CONF_WEBHOOK_ID: webhook_id,
        CONF_CLOUDHOOK: False,
        CONF_PUBLIC_URL: default,
        CONF_INBOUND_SID: PN,
        CONF_INBOUND_BEFORE: {"url": PUBLIC_URL, "method": None},
    }
    accounts = [
        c for c in twilio_api.mock_calls if str(c[1]).endswith(f"{ACCOUNT_SID}.json")
    ]
    assert accounts, "credentials were not checked with Twilio"


async def test_messaging_service_sender(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker
) -> None:
    """A Messaging Service SID is checked against the Messaging API."""
    mock_twilio_api(aioclient_mock)
    url = f"https://messaging.twilio.com/v1/Services/{MESSAGING_SERVICE}"
    aioclient_mock.get(url, status=404, json={"code": 20404, "status": 404})
    result = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**USER_INPUT, CONF_TWILIO_NUMBER: MESSAGING_SERVICE}
    )
    assert result["errors"] == {CONF_TWILIO_NUMBER: "invalid_number"}
    mock_twilio_api(aioclient_mock)
    aioclient_mock.get(url, json={"sid": MESSAGING_SERVICE})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**USER_INPUT, CONF_TWILIO_NUMBER: MESSAGING_SERVICE}
    )
    assert result["step_id"] == "webhook"


@pytest.mark.parametrize(
    ("twilio", "sender", "errors"),
    [
        (
            {"account_status": HTTPStatus.UNAUTHORIZED},
            None,
            {CONF_AUTH_TOKEN: "invalid_auth"},
        ),
        (
            {"account_status": HTTPStatus.NOT_FOUND},
            None,
            {CONF_AUTH_TOKEN: "invalid_auth"},
        ),
        (
            {"account_status": HTTPStatus.INTERNAL_SERVER_ERROR},
            None,
            {"base": "cannot_connect"},
        ),
        ({"exc": ClientConnectionError()}, None, {"base": "cannot_connect"}),
        ({"exc": TimeoutError()}, None, {"base": "cannot_connect"}),
        ({"exc": ValueError("surprise")}, None, {"base": "unknown"}),
        ({"numbers": []}, None, {CONF_TWILIO_NUMBER: "invalid_number"}),
        ({}, "not a number", {CONF_TWILIO_NUMBER: "number_format"}),
        ({}, "MG123", {CONF_TWILIO_NUMBER: "number_format"}),
    ],
)
async def test_user_errors_recover(
    hass: HomeAssistant,
    aioclient_mock: AiohttpClientMocker,
    twilio: dict[str, Any],
    sender: str | None,
    errors: dict[str, str],
) -> None:
    """Each failure is shown on its field and the flow recovers once fixed."""
    mock_twilio_api(aioclient_mock, **twilio)
    result = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {**USER_INPUT, CONF_TWILIO_NUMBER: sender or USER_INPUT[CONF_TWILIO_NUMBER]},
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == errors
    mock_twilio_api(aioclient_mock)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], USER_INPUT
    )
    assert result["step_id"] == "webhook"


async def test_already_configured(
    hass: HomeAssistant, twilio_api: AiohttpClientMocker, config_entry: MockConfigEntry
) -> None:
    """The same account and number cannot be added twice."""
    config_entry.add_to_hass(hass)
    result = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], USER_INPUT
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_webhook_url_override_and_validation(
    hass: HomeAssistant, twilio_api: AiohttpClientMocker
) -> None:
    """Without an external URL the user types one; invalid URLs are refused."""
    with patch(
        "custom_components.sms_iot.config_flow.webhook.async_generate_url",
        side_effect=NoURLAvailableError,
    ):
        result = await _start(hass)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], USER_INPUT
        )
    # It says plainly that there is no public URL, and where to set one.
    assert result["step_id"] == "webhook_no_url"
    strings = json.loads((Path(sms_iot.__file__).parent / "strings.json").read_text())
    step = strings["config"]["step"]["webhook_no_url"]
    assert "(/config/network)" in step["description"]
    assert "paste" not in step["description"].lower()
    with pytest.raises(vol.Invalid):
        result["data_schema"]({})  # no default URL to offer
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PUBLIC_URL: "not a url"}
    )
    assert result["errors"] == {CONF_PUBLIC_URL: "invalid_url"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PUBLIC_URL: "http://[::1"}
    )
    assert result["errors"] == {CONF_PUBLIC_URL: "invalid_url"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PUBLIC_URL: "ftp://proxy.example"}
    )
    assert result["errors"] == {CONF_PUBLIC_URL: "invalid_url"}
    path = result["description_placeholders"]["webhook_path"]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PUBLIC_URL: "https://proxy.example/hook"}
    )
    assert result["errors"] == {CONF_PUBLIC_URL: "url_wrong_path"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PUBLIC_URL: f" https://proxy.example/ha{path} "}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_PUBLIC_URL] == f"https://proxy.example/ha{path}"


class CloudNotAvailable(Exception):  # noqa: N818 - the name of the real one
    """Stand-in for cloud.CloudNotAvailable."""


@contextmanager
def _cloud(
    hass: HomeAssistant, create: AsyncMock, subscribed: bool = True
) -> Iterator[SimpleNamespace]:
    """Stand in for a logged-in Home Assistant Cloud (an outside service)."""
    cloud = SimpleNamespace(
        async_active_subscription=Mock(return_value=subscribed),
        async_create_cloudhook=create,
        async_delete_cloudhook=AsyncMock(),
        CloudNotAvailable=CloudNotAvailable,
    )
    hass.config.components.add("cloud")
    with (
        patch.dict(sys.modules, {"homeassistant.components.cloud": cloud}),
        patch("homeassistant.components.cloud", cloud, create=True),
    ):
        yield cloud


async def _webhook_step(hass: HomeAssistant) -> dict[str, Any]:
    result = await _start(hass)
    return dict(
        await hass.config_entries.flow.async_configure(result["flow_id"], USER_INPUT)
    )


async def test_cloudhook_preferred(
    hass: HomeAssistant, twilio_api: AiohttpClientMocker
) -> None:
    """With Home Assistant Cloud, the cloudhook is the public URL, deleted on removal."""
    hook = "https://hooks.nabu.casa/abc"
    with _cloud(hass, AsyncMock(return_value=hook)) as cloud:
        result = await _webhook_step(hass)
        assert result["data_schema"]({})[CONF_PUBLIC_URL] == hook
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_PUBLIC_URL: hook}
        )
        entry = result["result"]
        assert entry.data[CONF_CLOUDHOOK] is True
        await hass.async_block_till_done()
        cloud.async_delete_cloudhook.assert_not_called()
        await hass.config_entries.async_remove(entry.entry_id)
    cloud.async_delete_cloudhook.assert_awaited_once_with(
        hass, entry.data[CONF_WEBHOOK_ID]
    )


async def test_cloudhook_not_used_is_deleted(
    hass: HomeAssistant, twilio_api: AiohttpClientMocker
) -> None:
    """A cloudhook the user replaced with another URL is deleted."""
    hook = "https://hooks.nabu.casa/abc"
    with _cloud(hass, AsyncMock(return_value=hook)) as cloud:
        result = await _webhook_step(hass)
        webhook_id = result["description_placeholders"]["webhook_path"].rsplit("/", 1)[
            1
        ]
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"],
            {CONF_PUBLIC_URL: f"https://proxy.example/api/webhook/{webhook_id}"},
        )
        assert result["data"][CONF_CLOUDHOOK] is False
        await hass.async_block_till_done()
        cloud.async_delete_cloudhook.assert_awaited_once_with(hass, webhook_id)


async def test_abandoned_flow_deletes_cloudhook(
    hass: HomeAssistant, twilio_api: AiohttpClientMocker
) -> None:
    """Closing the dialog at the URL step deletes the cloudhook it created."""
    with _cloud(hass, AsyncMock(return_value="https://hooks.nabu.casa/abc")) as cloud:
        result = await _webhook_step(hass)
        hass.config_entries.flow.async_abort(result["flow_id"])
        await hass.async_block_till_done()
        cloud.async_delete_cloudhook.assert_awaited_once()


@pytest.mark.parametrize(
    ("create", "subscribed"),
    [(AsyncMock(side_effect=CloudNotAvailable), True), (AsyncMock(), False)],
)
async def test_cloud_unusable_falls_back(
    hass: HomeAssistant,
    twilio_api: AiohttpClientMocker,
    create: AsyncMock,
    subscribed: bool,
) -> None:
    """Cloud not connected or not subscribed: the external URL is offered."""
    with _cloud(hass, create, subscribed):
        result = await _webhook_step(hass)
    assert result["data_schema"]({})[CONF_PUBLIC_URL].startswith(
        "https://example.duckdns.org/api/webhook/"
    )
    if not subscribed:
        create.assert_not_called()


async def test_reauth(
    hass: HomeAssistant,
    aioclient_mock: AiohttpClientMocker,
    config_entry: MockConfigEntry,
) -> None:
    """A 401 at setup starts reauth; a working token fixes the entry."""
    mock_twilio_api(aioclient_mock, account_status=HTTPStatus.UNAUTHORIZED)
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress()
    assert [f["context"]["source"] for f in flows] == ["reauth"]
    result = await hass.config_entries.flow.async_configure(
        flows[0]["flow_id"], {CONF_AUTH_TOKEN: "still-wrong"}
    )
    assert result["errors"] == {CONF_AUTH_TOKEN: "invalid_auth"}
    mock_twilio_api(aioclient_mock)
    result = await hass.config_entries.flow.async_configure(
        flows[0]["flow_id"], {CONF_AUTH_TOKEN: "new-token"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert config_entry.data[CONF_AUTH_TOKEN] == "new-token"
    # The reload runs to its end inside the test, leaving nothing scheduled behind it.
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.LOADED


async def test_reconfigure(
    hass: HomeAssistant, twilio_api: AiohttpClientMocker, config_entry: MockConfigEntry
) -> None:
    """Reconfigure changes token, sender and public URL after checking them."""
    config_entry.add_to_hass(hass)
    result = await config_entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "reconfigure"
    bad = {CONF_AUTH_TOKEN: "t", CONF_TWILIO_NUMBER: "nope", CONF_PUBLIC_URL: "nope"}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], bad)
    assert result["errors"] == {
        CONF_TWILIO_NUMBER: "number_format",
        CONF_PUBLIC_URL: "invalid_url",
    }
    bad_url = {
        CONF_AUTH_TOKEN: "t",
        CONF_TWILIO_NUMBER: TWILIO_NUMBER,
        CONF_PUBLIC_URL: "x",
    }
    twilio_api.clear_requests()
    result = await hass.config_entries.flow.async_configure(result["flow_id"], bad_url)
    assert result["errors"] == {CONF_PUBLIC_URL: "invalid_url"}
    # Nothing is checked with Twilio before the URL is valid.
    assert twilio_api.call_count == 0
    mock_twilio_api(twilio_api, numbers=["+14155550100"])
    good = {
        CONF_AUTH_TOKEN: "t2",
        CONF_TWILIO_NUMBER: "+1 415 555 0100",
        CONF_PUBLIC_URL: f"https://proxy.example/api/webhook/{WEBHOOK_ID}",
    }
    result = await hass.config_entries.flow.async_configure(result["flow_id"], good)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert config_entry.unique_id == f"{ACCOUNT_SID}_+14155550100"
    assert config_entry.data[CONF_TWILIO_NUMBER] == "+14155550100"
    assert config_entry.data[CONF_PUBLIC_URL] == good[CONF_PUBLIC_URL]
    assert config_entry.data[CONF_AUTH_TOKEN] == "t2"
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.LOADED


async def test_reconfigure_a_loaded_entry_reloads_it_once(
    hass: HomeAssistant, twilio_api: AiohttpClientMocker, config_entry: MockConfigEntry
) -> None:
    """A loaded entry's update listener does the one reload; the flow only updates."""
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    before = config_entry.runtime_data
    unloads: list[str] = []
    config_entry.async_on_unload(lambda: unloads.append("unloaded"))
    result = await config_entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_AUTH_TOKEN: "rotated",
            CONF_TWILIO_NUMBER: TWILIO_NUMBER,
            CONF_PUBLIC_URL: config_entry.data[CONF_PUBLIC_URL],
        },
    )
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.LOADED
    assert unloads == ["unloaded"]
    assert config_entry.runtime_data is not before


async def test_reconfigure_checks_twilio_and_conflicts(
    hass: HomeAssistant, twilio_api: AiohttpClientMocker, config_entry: MockConfigEntry
) -> None:
    """Reconfigure refuses a token Twilio rejects and a sender another entry has."""
    config_entry.add_to_hass(hass)
    other = MockConfigEntry(domain=DOMAIN, unique_id=f"{ACCOUNT_SID}_+14155550100")
    other.add_to_hass(hass)
    result = await config_entry.start_reconfigure_flow(hass)
    mock_twilio_api(twilio_api, account_status=HTTPStatus.UNAUTHORIZED)
    same = {
        CONF_AUTH_TOKEN: "t",
        CONF_TWILIO_NUMBER: TWILIO_NUMBER,
        CONF_PUBLIC_URL: PUBLIC_URL,
    }
    result = await hass.config_entries.flow.async_configure(result["flow_id"], same)
    assert result["errors"] == {CONF_AUTH_TOKEN: "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**same, CONF_TWILIO_NUMBER: "+14155550100"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_options(hass: HomeAssistant, setup_entry: MockConfigEntry) -> None:
    """The options flow toggles replies to strangers without a reload."""
    result = await hass.config_entries.options.async_init(setup_entry.entry_id)
    assert result["step_id"] == "init"
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_REPLY_TO_STRANGERS: True}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert setup_entry.runtime_data.config.reply_to_strangers is True


async def test_reconfigure_never_shows_the_token(
    hass: HomeAssistant, twilio_api: AiohttpClientMocker, config_entry: MockConfigEntry
) -> None:
    """The stored auth token is not sent to the form; left empty it is kept."""
    config_entry.add_to_hass(hass)
    result = await config_entry.start_reconfigure_flow(hass)
    assert AUTH_TOKEN not in repr(result["data_schema"].schema)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_TWILIO_NUMBER: TWILIO_NUMBER, CONF_PUBLIC_URL: PUBLIC_URL},
    )
    assert result["reason"] == "reconfigure_successful"
    assert config_entry.data[CONF_AUTH_TOKEN] == AUTH_TOKEN
    await hass.async_block_till_done()  # the reload the flow started


@pytest.mark.parametrize("value", [0, -1, 0.5, 1.5, 1001, 10**9])
async def test_options_limits_out_of_range(
    hass: HomeAssistant, setup_entry: MockConfigEntry, value: float
) -> None:
    """Out-of-range limits get a translated field error, not voluptuous' raw text."""
    result = await hass.config_entries.options.async_init(setup_entry.entry_id)
    for field in (CONF_RATE_LIMIT, CONF_HOURLY_CAP):
        result = await hass.config_entries.options.async_configure(
            result["flow_id"], {field: value}
        )
        assert result["type"] is FlowResultType.FORM
        assert result["errors"] == {field: "count_out_of_range"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_RATE_LIMIT: 5.0, CONF_HOURLY_CAP: 1000}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert (result["data"][CONF_RATE_LIMIT], result["data"][CONF_HOURLY_CAP]) == (
        5,
        1000,
    )
    assert isinstance(result["data"][CONF_RATE_LIMIT], int)
