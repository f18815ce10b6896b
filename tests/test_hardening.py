"""Hardening: rate limits, repairs, body limits, the cloudhook path and restarts."""

from __future__ import annotations

import asyncio
from datetime import timedelta
import time
from typing import Any
from unittest.mock import patch
from urllib.parse import urlencode

from aiohttp.test_utils import TestClient
from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.sms_iot.const import CONF_RATE_LIMIT, DOMAIN
from custom_components.sms_iot.phrase import ALREADY_HANDLED, slow_down
from homeassistant.components.webhook import async_handle_webhook
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util
from homeassistant.util.aiohttp import MockRequest

from .conftest import (
    ALICE,
    EMPTY,
    HOOK,
    PUBLIC_URL,
    WEBHOOK_ID,
    Devices,
    SendSms,
    sign,
    sms_params,
)


async def test_rate_limit_per_sender(
    hass: HomeAssistant,
    setup_entry: MockConfigEntry,
    send_sms: SendSms,
    devices: Devices,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Over the limit: one slow-down reply, then silence, nothing runs; later it refills."""
    hass.config_entries.async_update_entry(setup_entry, options={CONF_RATE_LIMIT: 3})
    for _ in range(3):
        assert "Porch:" in (await send_sms("porch toggle"))[1]
    assert slow_down(3) in (await send_sms("porch toggle"))[1]
    assert (await send_sms("porch toggle"))[1] == EMPTY
    assert len(devices.porch.calls) == 3
    assert (
        "Porch:" in (await send_sms("porch?", "+14155550123"))[1]
    )  # others unaffected
    freezer.tick(20)  # refills one message per 20 s at 3 a minute
    assert "Porch: OFF" in (await send_sms("porch toggle"))[1]
    assert len(devices.porch.calls) == 4
    counters = setup_entry.runtime_data.inbox.counters
    assert counters["rate_limited"] == 2


async def test_rate_limit_counts_commands(
    hass: HomeAssistant,
    setup_entry: MockConfigEntry,
    send_sms: SendSms,
    devices: Devices,
) -> None:
    """Every command in a text costs a token; a text never costs more than the bucket."""
    hass.config_entries.async_update_entry(setup_entry, options={CONF_RATE_LIMIT: 5})
    await hass.async_block_till_done()
    assert "Porch" in (await send_sms("porch on, porch off, porch on, porch off"))[1]
    assert slow_down(5) in (await send_sms("porch on, porch off"))[1]
    assert "Porch: OFF" in (await send_sms("porch?"))[1]  # one token was left
    assert len(devices.porch.calls) == 4
    hass.config_entries.async_update_entry(setup_entry, options={CONF_RATE_LIMIT: 3})
    await hass.async_block_till_done()
    assert "Porch" in (await send_sms(", ".join(["porch toggle"] * 10)))[1]
    assert len(devices.porch.calls) == 14


async def test_signature_failures_raise_and_clear_repair(
    hass: HomeAssistant,
    setup_entry: MockConfigEntry,
    client: TestClient[Any, Any],
    send_sms: SendSms,
    issue_registry: ir.IssueRegistry,
) -> None:
    """Five forged requests raise a repair naming the URL; a valid one clears it."""
    issue_id = f"signature_failures_{setup_entry.entry_id}"
    params = sms_params("kitchen on")
    forged = {"X-Twilio-Signature": sign(PUBLIC_URL, params, token="wrong")}
    for count in range(1, 6):
        assert (await client.post(HOOK, data=params, headers=forged)).status == 403
        assert (issue_registry.async_get_issue(DOMAIN, issue_id) is not None) is (
            count >= 5
        )
    issue = issue_registry.async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.translation_placeholders["public_url"] == PUBLIC_URL  # type: ignore[index]
    assert (await send_sms("status"))[0] == 200
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None


async def test_signature_failures_spread_out_raise_nothing(
    hass: HomeAssistant,
    setup_entry: MockConfigEntry,
    client: TestClient[Any, Any],
    issue_registry: ir.IssueRegistry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Occasional failures over hours are not a misconfiguration."""
    params = sms_params("kitchen on")
    for _ in range(10):
        await client.post(HOOK, data=params, headers={"X-Twilio-Signature": "x"})
        freezer.tick(300)
    assert not [i for _, i in issue_registry.issues if i.startswith("signature")]


@pytest.mark.parametrize(
    ("headers", "body", "status"),
    [
        ({"Content-Type": "application/json"}, b'{"Body": "all on"}', 415),
        ({}, b"Body=all+on", 415),
        ({"Content-Type": "application/x-www-form-urlencoded"}, b"Body&From", 400),
        ({"Content-Type": "application/x-www-form-urlencoded"}, b"Body=%FF", 400),
    ],
)
async def test_bad_bodies(
    setup_entry: MockConfigEntry,
    client: TestClient[Any, Any],
    devices: Devices,
    headers: dict[str, str],
    body: bytes,
    status: int,
) -> None:
    """Wrong content types and malformed forms are refused before anything else."""
    response = await client.post(HOOK, data=body, headers=headers)
    assert response.status == status
    assert devices.kitchen.calls == []


async def test_chunked_oversized_body(
    setup_entry: MockConfigEntry, client: TestClient[Any, Any]
) -> None:
    """A body without a length is cut off at the cap."""

    async def chunks() -> Any:
        for _ in range(100):
            yield b"Body=" + b"x" * 1024 + b"&"

    response = await client.post(
        HOOK,
        data=chunks(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status == 413


async def test_cloudhook_request(
    hass: HomeAssistant, setup_entry: MockConfigEntry, devices: Devices
) -> None:
    """Requests relayed by Home Assistant Cloud (no real HTTP request) work the same."""
    params = sms_params("porch on")

    def request(headers: dict[str, str]) -> MockRequest:
        return MockRequest(
            content=urlencode(params).encode(),
            mock_source="cloud",
            method="POST",
            headers=headers,
        )

    form = {"Content-Type": "application/x-www-form-urlencoded"}
    signed = {**form, "X-Twilio-Signature": sign(PUBLIC_URL, params)}
    response = await async_handle_webhook(hass, WEBHOOK_ID, request(signed))
    assert response.status == 200
    assert "Porch: ON" in response.text  # type: ignore[operator]
    bad_length = {**signed, "Content-Length": "lots"}
    response = await async_handle_webhook(hass, WEBHOOK_ID, request(bad_length))
    assert response.status == 400
    response = await async_handle_webhook(hass, WEBHOOK_ID, request(form))
    assert response.status == 403
    assert devices.porch.calls == [("turn_on", {})]


async def test_retry_storm_runs_once(send_sms: SendSms, devices: Devices) -> None:
    """50 deliveries of one message, 10 of them at once: one execution, 50 same replies."""
    devices.porch.delay = 0.05
    sid = "SM" + "c" * 32
    replies = list(
        await asyncio.gather(*(send_sms("porch toggle", sid=sid) for _ in range(10)))
    )
    replies += [await send_sms("porch toggle", sid=sid) for _ in range(40)]
    assert len(replies) == 50
    assert len(set(replies)) == 1
    assert "Porch: ON" in replies[0][1]
    assert devices.porch.calls == [("turn_on", {})]


async def test_restart_between_deliveries(
    hass: HomeAssistant,
    setup_entry: MockConfigEntry,
    send_sms: SendSms,
    devices: Devices,
) -> None:
    """A MessageSid retried after Home Assistant restarted is not executed again."""
    sid = "SM" + "d" * 32
    first = await send_sms("porch toggle", sid=sid)
    assert await hass.config_entries.async_unload(setup_entry.entry_id)
    assert await hass.config_entries.async_setup(setup_entry.entry_id)
    assert len(setup_entry.runtime_data.inbox.memory.cache) == 1
    assert await send_sms("porch toggle", sid=sid) == first
    assert devices.porch.calls == [("turn_on", {})]


async def test_memory_write_scheduled_once_per_write(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    setup_entry: MockConfigEntry,
    send_sms: SendSms,
) -> None:
    """A stream of texts schedules one write, not one per text, and each text is written."""
    key = f"{DOMAIN}.{setup_entry.entry_id}.messages"
    sids = [f"SM{i:032x}" for i in range(6)]
    with patch.object(
        Store, "async_delay_save", autospec=True, side_effect=Store.async_delay_save
    ) as delay_save:
        for sid in sids[:5]:
            await send_sms("status", sid=sid)
        assert delay_save.call_count == 1
        async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=2))
        await hass.async_block_till_done()
        assert set(sids[:5]) <= set(hass_storage[key]["data"])
        await send_sms("status", sid=sids[5])
        assert delay_save.call_count == 2
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=4))
    await hass.async_block_till_done()
    assert sids[5] in hass_storage[key]["data"]


STARTED_SID = "SM" + "e" * 32


@pytest.fixture
def stored_messages(
    hass_storage: dict[str, Any], config_entry: MockConfigEntry
) -> None:
    """Messages remembered from before a restart: one started, one a day old."""
    key = f"{DOMAIN}.{config_entry.entry_id}.messages"
    hass_storage[key] = {
        "version": 1,
        "key": key,
        "data": {
            STARTED_SID: [time.time() - 60, None],
            "SMold": [time.time() - 90000, "x"],
        },
    }


async def test_restart_while_message_ran(
    stored_messages: None,
    setup_entry: MockConfigEntry,
    send_sms: SendSms,
    devices: Devices,
) -> None:
    """A message stored as started but unanswered before a restart never runs again."""
    assert (
        len(setup_entry.runtime_data.inbox.memory.cache) == 1
    )  # the day-old one is forgotten
    _, body = await send_sms("porch toggle", sid=STARTED_SID)
    assert ALREADY_HANDLED in body
    assert devices.porch.calls == []


async def test_dedupe_memory_removed_with_entry(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    setup_entry: MockConfigEntry,
    send_sms: SendSms,
) -> None:
    """Deleting the entry deletes its stored message ids."""
    await send_sms("status")
    await hass.config_entries.async_unload(setup_entry.entry_id)
    key = f"{DOMAIN}.{setup_entry.entry_id}.messages"
    assert key in hass_storage
    assert ALICE not in str(hass_storage[key])
    await hass.config_entries.async_remove(setup_entry.entry_id)
    assert key not in hass_storage
