"""Setting up KORE: the entry (checked with a token), its SIMs, reauth and removal."""

from __future__ import annotations

from typing import Any
from unittest.mock import patch

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.sms_iot.const import DOMAIN, SUBENTRY_SIM
from custom_components.sms_iot.diagnostics import async_get_config_entry_diagnostics
from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.network import NoURLAvailableError
from tools.fake_kore import FakeKoreState

from .conftest import (
    KORE_CLIENT_ID,
    KORE_CLIENT_SECRET,
    KORE_PUBLIC_URL,
    KORE_SECRET,
    Devices,
    kore_config_entry,
    start_flow,
)

CREDENTIALS = {
    "kore_client_id": KORE_CLIENT_ID,
    "kore_client_secret": KORE_CLIENT_SECRET,
    "kore_webhook_secret": KORE_SECRET,
}


@pytest.fixture(autouse=True)
def external_url(hass: HomeAssistant) -> None:
    """Give Home Assistant an external URL."""
    hass.config.external_url = "https://example.duckdns.org"


async def _loaded(hass: HomeAssistant, kore: FakeKoreState) -> MockConfigEntry:
    """Add the KORE entry and set it up against the fake API."""
    entry = kore_config_entry(kore)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    return entry


async def test_kore_entry_from_the_flow(
    hass: HomeAssistant, kore: FakeKoreState
) -> None:
    """Credentials are checked with a token; the callback URL must be HTTPS."""
    result = await start_flow(hass, "kore")
    flow = result["flow_id"]
    result = await hass.config_entries.flow.async_configure(
        flow, CREDENTIALS | {"kore_webhook_secret": ""}
    )
    assert result["errors"] == {"kore_webhook_secret": "kore_secret_required"}
    result = await hass.config_entries.flow.async_configure(
        flow, CREDENTIALS | {"kore_client_secret": "wrong"}
    )
    assert result["errors"] == {"kore_client_secret": "invalid_auth"}
    assert "wrong" not in repr(result["data_schema"].schema)
    kore.failures = [503] * 3
    result = await hass.config_entries.flow.async_configure(flow, CREDENTIALS)
    assert result["errors"] == {"base": "cannot_connect"}
    result = await hass.config_entries.flow.async_configure(flow, CREDENTIALS)
    assert result["step_id"] == "kore_webhook"
    path = result["description_placeholders"]["webhook_path"]
    result = await hass.config_entries.flow.async_configure(
        flow, {"public_url": f"http://192.168.1.2:8123{path}"}
    )
    assert result["errors"] == {"public_url": "url_https_only"}
    result = await hass.config_entries.flow.async_configure(
        flow, {"public_url": f"https://example.duckdns.org{path}"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    entry = result["result"]
    assert entry.title == f"KORE {KORE_CLIENT_ID}"
    assert entry.data["kore_accept_unsigned"] is False
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data.senders == ()


async def test_sim_subentry_takes_over_and_gives_back_the_callback(
    hass: HomeAssistant, kore: FakeKoreState, devices: Devices
) -> None:
    """Adding a SIM points its callback here; removing it puts the old one back."""
    gate = kore.find_sim("gate")
    assert gate is not None
    gate["commands_callback_url"] = "https://old.example.com/commands"
    entry = await _loaded(hass, kore)
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_SIM), context={"source": SOURCE_USER}
    )
    options = result["data_schema"].schema["sim_sid"].config["options"]
    assert options == [{"value": gate["sid"], "label": "gate"}]
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {"sim_sid": gate["sid"], "permission": "status_only", "devices": ["dev_porch"]},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert gate["commands_callback_url"] == KORE_PUBLIC_URL
    await hass.async_block_till_done()
    assert entry.runtime_data.config.sims[gate["sid"]].can_control is False
    subentry = next(s for s in entry.subentries.values() if s.title == "gate")
    hass.config_entries.async_remove_subentry(entry, subentry.subentry_id)
    await hass.async_block_till_done()
    assert gate["commands_callback_url"] == "https://old.example.com/commands"


async def test_sim_flow_aborts(
    hass: HomeAssistant, kore: FakeKoreState, devices: Devices
) -> None:
    """No SIM left, the API down, or the entry not loaded: the flow says so."""
    entry = await _loaded(hass, kore)

    async def start() -> Any:
        return await hass.config_entries.subentries.async_init(
            (entry.entry_id, SUBENTRY_SIM), context={"source": SOURCE_USER}
        )

    kore.failures = [503] * 3
    assert (await start())["reason"] == "cannot_connect"
    result = await start()
    kore.failures = [503] * 3
    gate = kore.find_sim("gate")
    assert gate is not None
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"sim_sid": gate["sid"], "permission": "control"}
    )
    assert result["errors"] == {"base": "cannot_connect"}
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {
            "sim_sid": gate["sid"],
            "permission": "control",
            "devices": ["dev_porch"],
            "default_device": "dev_kitchen",
        },
    )
    assert result["errors"] == {"default_device": "default_not_allowed"}
    kore.sims.pop(gate["sid"])
    assert (await start())["reason"] == "no_sims"
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert (await start())["reason"] == "entry_not_loaded"


async def test_reconfigure_sim_permissions(
    hass: HomeAssistant, kore: FakeKoreState, devices: Devices
) -> None:
    """A SIM's permission and devices can be edited; the SIM itself stays."""
    entry = await _loaded(hass, kore)
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_SIM),
        context={"source": "reconfigure", "subentry_id": "sim_pump"},
    )
    assert "sim_sid" not in result["data_schema"].schema
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {
            "permission": "control",
            "devices": ["dev_porch"],
            "default_device": "dev_kitchen",
        },
    )
    assert result["errors"] == {"default_device": "default_not_allowed"}
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"permission": "status_only"}
    )
    assert result["reason"] == "reconfigure_successful"
    assert entry.subentries["sim_pump"].data["permission"] == "status_only"
    await hass.async_block_till_done()  # the reload the change started


async def test_removing_the_entry_gives_back_every_callback(
    hass: HomeAssistant, kore: FakeKoreState, devices: Devices
) -> None:
    """The entry goes: each SIM it took over gets its old callback, failures retried later."""
    entry = await _loaded(hass, kore)
    gate = kore.find_sim("gate")
    assert gate is not None
    gate["commands_callback_url"] = "https://old.example.com/gate"
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_SIM), context={"source": SOURCE_USER}
    )
    await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"sim_sid": gate["sid"], "permission": "control"}
    )
    await hass.async_block_till_done()
    kore.fail_on, kore.failures = f"/v1/Sims/{gate['sid']}", [503] * 3
    subentry = next(s for s in entry.subentries.values() if s.title == "gate")
    hass.config_entries.async_remove_subentry(entry, subentry.subentry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert (
        gate["commands_callback_url"] == KORE_PUBLIC_URL
    )  # KORE failed: kept for later
    assert await hass.config_entries.async_remove(entry.entry_id)
    assert gate["commands_callback_url"] == "https://old.example.com/gate"


async def test_reauth_with_a_new_secret(
    hass: HomeAssistant, kore: FakeKoreState, devices: Devices
) -> None:
    """A rotated client secret: setup asks for reauth; the new secret loads the entry."""
    kore.client_secret = "rotated-secret"
    entry = kore_config_entry(kore)
    entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_ERROR
    (flow,) = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    result = await hass.config_entries.flow.async_configure(
        flow["flow_id"], {"kore_client_secret": "still-wrong"}
    )
    assert result["errors"] == {"kore_client_secret": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        flow["flow_id"], {"kore_client_secret": "rotated-secret"}
    )
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED


async def test_kore_down_at_start_retries(
    hass: HomeAssistant, kore: FakeKoreState
) -> None:
    """KORE unreachable at start: the entry retries later."""
    kore.failures = [503] * 3
    entry = kore_config_entry(kore)
    entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_RETRY


async def test_kore_entry_options(
    hass: HomeAssistant, kore_entry: MockConfigEntry
) -> None:
    """A KORE entry's options are the engine's: no modem, no route."""
    result = await hass.config_entries.options.async_init(kore_entry.entry_id)
    assert set(result["data_schema"].schema) == {
        "reply_to_strangers",
        "rate_limit",
        "hourly_cap",
    }
    assert ir.async_get(hass).issues == {}


async def test_reconfigure_kore(
    hass: HomeAssistant, kore: FakeKoreState, devices: Devices
) -> None:
    """A new callback URL moves every SIM first; the secret is kept unless replaced."""
    entry = await _loaded(hass, kore)
    result = await entry.start_reconfigure_flow(hass)
    assert KORE_SECRET not in repr(result)
    path = result["description_placeholders"]["webhook_path"]
    new_url = f"https://home.example.org{path}"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"public_url": f"http://192.168.1.2:8123{path}"}
    )
    assert result["errors"] == {"public_url": "url_https_only"}
    kore.fail_on, kore.failures = "/v1/Sims/", [503] * 3
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"public_url": new_url}
    )
    assert result["errors"] == {"base": "cannot_connect"}
    assert entry.data["public_url"] == KORE_PUBLIC_URL
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"public_url": new_url}
    )
    assert result["reason"] == "reconfigure_successful"
    assert entry.data["public_url"] == new_url
    assert entry.data["kore_webhook_secret"] == KORE_SECRET
    assert kore.find_sim("barn-pump")["commands_callback_url"] == new_url  # type: ignore[index]
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"public_url": new_url, "kore_webhook_secret": " "}
    )
    assert result["reason"] == "reconfigure_successful"
    assert entry.data["kore_webhook_secret"] == KORE_SECRET
    await hass.async_block_till_done()  # the reload the flow started


async def test_reconfigure_kore_without_secret(
    hass: HomeAssistant, kore: FakeKoreState, devices: Devices
) -> None:
    """Going unsigned needs the explicit choice."""
    entry = kore_config_entry(kore, kore_webhook_secret="", kore_accept_unsigned=True)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {"public_url": KORE_PUBLIC_URL, "kore_accept_unsigned": False},
    )
    assert result["errors"] == {"kore_webhook_secret": "kore_secret_required"}


async def test_kore_diagnostics_redact_secrets(
    hass: HomeAssistant, kore_entry: MockConfigEntry, kore: FakeKoreState
) -> None:
    """Client id, secrets, URL and SIM sids never appear in diagnostics."""
    diagnostics = await async_get_config_entry_diagnostics(hass, kore_entry)
    text = str(diagnostics)
    for secret in (KORE_CLIENT_ID, KORE_CLIENT_SECRET, KORE_SECRET, KORE_PUBLIC_URL):
        assert secret not in text
    assert kore.find_sim("barn-pump")["sid"] not in text  # type: ignore[index]
    assert diagnostics["sims"][0]["can_control"] is True


async def test_kore_flow_without_a_public_url(
    hass: HomeAssistant, kore: FakeKoreState
) -> None:
    """Without an external URL the step says so, and a typed HTTPS URL still works."""
    with patch(
        "custom_components.sms_iot.config_flow.webhook.async_generate_url",
        side_effect=NoURLAvailableError,
    ):
        result = await start_flow(hass, "kore")
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], CREDENTIALS
        )
    assert result["step_id"] == "kore_webhook_no_url"
    path = result["description_placeholders"]["webhook_path"]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"public_url": f"http://10.0.0.2{path}"}
    )
    assert result["step_id"] == "kore_webhook_no_url"
    assert result["errors"] == {"public_url": "url_https_only"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"public_url": f"https://proxy.example{path}"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
