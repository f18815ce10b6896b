"""Every repair sms_iot raises goes when its cause goes, and shows current values."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp.test_utils import TestClient
from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.sms_iot.const import CONF_HOURLY_CAP, CONF_PUBLIC_URL, DOMAIN
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component

from .conftest import ALICE, HOOK, PUBLIC_URL, sign, sms_params

NEW_URL = PUBLIC_URL.replace("example.duckdns.org", "ha.example.net")


async def _forge(client: TestClient[Any, Any], times: int = 5) -> None:
    """Post requests signed with a wrong token."""
    for _ in range(times):
        params = sms_params("kitchen on")
        headers = {"X-Twilio-Signature": sign(PUBLIC_URL, params, token="wrong")}
        assert (await client.post(HOOK, data=params, headers=headers)).status == 403


def _signature_issue(
    hass: HomeAssistant, entry: MockConfigEntry
) -> ir.IssueEntry | None:
    return ir.async_get(hass).async_get_issue(
        DOMAIN, f"signature_failures_{entry.entry_id}"
    )


async def _reconfigure_url(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    hass.config_entries.async_update_entry(
        entry, data={**entry.data, CONF_PUBLIC_URL: NEW_URL}
    )
    await hass.config_entries.async_reload(entry.entry_id)


async def _reload(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    await hass.config_entries.async_reload(entry.entry_id)


async def _remove(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    await hass.config_entries.async_remove(entry.entry_id)


@pytest.mark.parametrize("cure", [_reconfigure_url, _reload, _remove])
async def test_signature_repair_goes_with_its_cause(
    hass: HomeAssistant,
    setup_entry: MockConfigEntry,
    client: TestClient[Any, Any],
    cure: Callable[[HomeAssistant, MockConfigEntry], Awaitable[None]],
) -> None:
    """Reconfigure, reload and removal each clear the repair."""
    await _forge(client)
    assert _signature_issue(hass, setup_entry) is not None
    await cure(hass, setup_entry)
    await hass.async_block_till_done()
    assert _signature_issue(hass, setup_entry) is None


async def test_signature_repair_shows_the_current_url(
    hass: HomeAssistant,
    setup_entry: MockConfigEntry,
    client: TestClient[Any, Any],
    hass_client: Callable[[], Awaitable[TestClient[Any, Any]]],
) -> None:
    """Raised again after a change, it names the new URL; its fix flow does too."""
    await _forge(client)
    await _reconfigure_url(hass, setup_entry)
    await _forge(client)
    issue = _signature_issue(hass, setup_entry)
    assert issue is not None
    assert issue.is_fixable
    assert (issue.translation_placeholders or {})["public_url"] == NEW_URL
    assert await async_setup_component(hass, "repairs", {})
    http = await hass_client()
    response = await http.post(
        "/api/repairs/issues/fix", json={"handler": DOMAIN, "issue_id": issue.issue_id}
    )
    flow = await response.json()
    assert flow["step_id"] == "confirm"
    assert flow["description_placeholders"]["public_url"] == NEW_URL
    response = await http.post(f"/api/repairs/issues/fix/{flow['flow_id']}", json={})
    assert (await response.json())["type"] == "create_entry"
    assert _signature_issue(hass, setup_entry) is None


async def test_hourly_cap_repair_goes_when_sending_works_again(
    hass: HomeAssistant,
    twilio_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The cap's repair stays while sends are refused and goes with the next accepted one."""
    hass.config_entries.async_update_entry(twilio_entry, options={CONF_HOURLY_CAP: 1})
    await hass.async_block_till_done()
    issue_id = f"hourly_cap_{twilio_entry.entry_id}"
    send = {"target": ALICE, "message": "hi"}
    await hass.services.async_call(DOMAIN, "send_message", send, blocking=True)
    with pytest.raises(HomeAssistantError):
        await hass.services.async_call(DOMAIN, "send_message", send, blocking=True)
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is not None
    freezer.tick(3601)
    await hass.services.async_call(DOMAIN, "send_message", send, blocking=True)
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None
