"""Tests for the inbound webhook: signatures, senders, dedupe and refusals."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any
from unittest.mock import patch
from urllib.parse import urlsplit

from aiohttp.test_utils import TestClient
from freezegun.api import FrozenDateTimeFactory
from multidict import MultiDict
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.sms_iot.const import (
    CONF_AUTH_TOKEN,
    CONF_PUBLIC_URL,
    CONF_REPLY_TO_STRANGERS,
    EVENT_COMMAND,
    EVENT_RECEIVED,
    EVENT_UNAUTHORIZED,
)
from custom_components.sms_iot.phrase import SORRY, STRANGER_REFUSAL
from homeassistant.core import HomeAssistant

from .conftest import (
    ACCOUNT_SID,
    ALICE,
    EMPTY,
    HOOK,
    PUBLIC_URL,
    STRANGER,
    WEBHOOK_ID,
    Devices,
    SendSms,
    message_text,
    post_signed,
    sign,
    sms_params,
)

VECTORS = json.loads(
    (Path(__file__).parent / "fixtures" / "twilio-signature-vectors.json").read_text()
)


def _device_calls(devices: Devices) -> list[Any]:
    return devices.kitchen.calls + devices.porch.calls + devices.garage.calls


async def _post_vector(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    client: TestClient[Any, Any],
    vector: dict[str, Any],
) -> tuple[int, str]:
    """Configure the entry with the vector's token and URL, then post it."""
    url = urlsplit(vector["url"])
    hass.config_entries.async_update_entry(
        config_entry,
        data={
            **config_entry.data,
            CONF_AUTH_TOKEN: vector["auth_token"],
            CONF_PUBLIC_URL: url._replace(query="").geturl(),
        },
    )
    await hass.config_entries.async_reload(config_entry.entry_id)
    await hass.async_block_till_done()
    path = HOOK + (f"?{url.query}" if url.query else "")
    headers = {"X-Twilio-Signature": vector["signature"]} if vector["signature"] else {}
    response = await client.post(path, data=vector["params"], headers=headers)
    return response.status, await response.text()


@pytest.mark.parametrize("vector", VECTORS["valid"], ids=lambda v: v["name"])
async def test_valid_signature_vectors_accepted(
    hass: HomeAssistant,
    setup_entry: MockConfigEntry,
    client: TestClient[Any, Any],
    vector: dict[str, Any],
) -> None:
    """Every correctly signed request passes the signature check.

    Twilio's documented example is signed for another account: refused as not ours (403).
    Delivery status callbacks are acknowledged with 204.
    """
    status, body = await _post_vector(hass, setup_entry, client, vector)
    counters = setup_entry.runtime_data.inbox.counters
    assert counters["refused_signature"] == 0
    if vector["params"].get("AccountSid") != ACCOUNT_SID:
        assert (status, body, counters["refused_other_account"]) == (403, "", 1)
        return
    if "kind=status" in vector["url"]:
        assert (status, body) == (204, "")
        return
    assert status == 200
    assert body.startswith('<?xml version="1.0" encoding="UTF-8"?><Response')


async def test_signed_vector_executes(
    hass: HomeAssistant,
    setup_entry: MockConfigEntry,
    client: TestClient[Any, Any],
    devices: Devices,
) -> None:
    """The typical signed inbound SMS from Alice switches the kitchen on."""
    vector = next(v for v in VECTORS["valid"] if v["name"] == "inbound_sms_cloudhook")
    status, body = await _post_vector(hass, setup_entry, client, vector)
    assert status == 200
    assert "<Message>Kitchen: ON 100%</Message>" in body
    assert devices.kitchen.calls == [("turn_on", {})]


@pytest.mark.parametrize("vector", VECTORS["invalid"], ids=lambda v: v["name"])
async def test_invalid_signature_vectors_refused(
    hass: HomeAssistant,
    setup_entry: MockConfigEntry,
    client: TestClient[Any, Any],
    devices: Devices,
    vector: dict[str, Any],
) -> None:
    """Every forged request gets 403 and changes nothing."""
    events = [
        async_capture_events(hass, name)
        for name in (EVENT_RECEIVED, EVENT_COMMAND, EVENT_UNAUTHORIZED)
    ]
    status, body = await _post_vector(hass, setup_entry, client, vector)
    assert status == 403
    assert body == ""
    assert _device_calls(devices) == []
    assert all(not captured for captured in events)


async def test_signature_checked_against_public_url_not_request_url(
    setup_entry: MockConfigEntry, client: TestClient[Any, Any], devices: Devices
) -> None:
    """A signature for the URL HA sees locally is refused."""
    params = sms_params("kitchen on")
    local = f"http://127.0.0.1:8123/api/webhook/{WEBHOOK_ID}"
    response = await client.post(
        HOOK,
        data=params,
        headers={"X-Twilio-Signature": sign(local, params)},
    )
    assert response.status == 403
    assert _device_calls(devices) == []


@pytest.mark.parametrize(
    ("headers", "data", "status"),
    [
        ({}, None, 403),
        ({"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"}, None, 403),
        ({"Content-Type": "application/x-www-form-urlencoded"}, b"\xff\xfe=\xff", 400),
    ],
)
async def test_unsigned_or_garbled_refused(
    setup_entry: MockConfigEntry,
    client: TestClient[Any, Any],
    devices: Devices,
    headers: dict[str, str],
    data: bytes | None,
    status: int,
) -> None:
    """Unsigned, wrongly signed and undecodable requests are refused."""
    response = await client.post(
        HOOK,
        data=data if data is not None else sms_params("all on"),
        headers=headers,
    )
    assert response.status == status
    assert _device_calls(devices) == []


async def test_wrong_method_and_oversized(
    setup_entry: MockConfigEntry, client: TestClient[Any, Any]
) -> None:
    """GET is not allowed and oversized bodies are refused before parsing."""
    assert (await client.get(HOOK)).status == 405
    params = sms_params("x" * 70_000)
    response = await post_signed(client, params)
    assert response.status == 413


@pytest.mark.parametrize("missing", ["MessageSid", "From"])
async def test_signed_but_incomplete_refused(
    setup_entry: MockConfigEntry,
    client: TestClient[Any, Any],
    devices: Devices,
    missing: str,
) -> None:
    """A signed request without a message id or sender is a clean 400."""
    params = sms_params("kitchen on")
    del params[missing]
    if missing == "MessageSid":
        del params["SmsSid"]
    response = await post_signed(client, params)
    assert response.status == 400
    assert _device_calls(devices) == []


async def test_repeated_from_refused(
    setup_entry: MockConfigEntry, client: TestClient[Any, Any], devices: Devices
) -> None:
    """Two From fields, even correctly signed, are refused."""
    params = [*sms_params("kitchen on", STRANGER).items(), ("From", ALICE)]
    signature = sign(PUBLIC_URL, MultiDict(params))  # type: ignore[arg-type]
    response = await client.post(
        HOOK,
        data=params,
        headers={"X-Twilio-Signature": signature},
    )
    assert response.status == 400
    assert _device_calls(devices) == []


async def test_stranger_gets_empty_response(
    hass: HomeAssistant, send_sms: SendSms, devices: Devices
) -> None:
    """Unknown senders get nothing, and an event with the number masked."""
    unauthorized = async_capture_events(hass, EVENT_UNAUTHORIZED)
    received = async_capture_events(hass, EVENT_RECEIVED)
    status, body = await send_sms("all on", STRANGER)
    assert (status, body) == (200, EMPTY)
    assert _device_calls(devices) == []
    assert received == []
    assert len(unauthorized) == 1
    assert unauthorized[0].data["from"] == "********0000"
    assert STRANGER not in str(unauthorized[0].data)


async def test_stranger_refusal_once_per_day(
    hass: HomeAssistant,
    setup_entry: MockConfigEntry,
    send_sms: SendSms,
    freezer: FrozenDateTimeFactory,
) -> None:
    """With the option on, a stranger gets one refusal per day, then silence."""
    hass.config_entries.async_update_entry(
        setup_entry, options={CONF_REPLY_TO_STRANGERS: True}
    )
    await hass.async_block_till_done()
    assert STRANGER_REFUSAL in (await send_sms("hi", STRANGER))[1]
    assert (await send_sms("hi again", STRANGER))[1] == EMPTY
    freezer.tick(24 * 3600 + 1)
    assert STRANGER_REFUSAL in (await send_sms("hi", STRANGER))[1]


async def test_retry_same_message_sid_runs_once(
    send_sms: SendSms, devices: Devices
) -> None:
    """Twilio's retry of a MessageSid gets the first reply and executes nothing."""
    first = await send_sms("porch toggle", sid="SM" + "a" * 32)
    second = await send_sms("porch toggle", sid="SM" + "a" * 32)
    assert first == second
    assert "Porch: ON" in first[1]
    assert devices.porch.calls == [("turn_on", {})]


async def test_concurrent_duplicates_run_once(
    send_sms: SendSms, devices: Devices
) -> None:
    """Concurrent deliveries of one MessageSid: one execution, identical replies."""
    devices.porch.delay = 0.05
    replies = await asyncio.gather(
        *(send_sms("porch toggle", sid="SM" + "b" * 32) for _ in range(8))
    )
    assert len(set(replies)) == 1
    assert "Porch: ON" in replies[0][1]
    assert devices.porch.calls == [("turn_on", {})]


async def test_unexpected_error_replies_sorry(
    send_sms: SendSms, caplog: pytest.LogCaptureFixture
) -> None:
    """An unexpected failure still answers, and is logged."""
    with patch(
        "custom_components.sms_iot.inbox.understand", side_effect=RuntimeError("boom")
    ):
        status, body = await send_sms("kitchen on")
    assert status == 200
    assert f"<Message>{SORRY}</Message>" in body
    assert "Unexpected error handling message" in caplog.text


async def test_secrets_not_logged(
    send_sms: SendSms, caplog: pytest.LogCaptureFixture
) -> None:
    """Neither the auth token nor full numbers reach the log, even at debug."""
    caplog.set_level("DEBUG")
    await send_sms("kitchen on")
    await send_sms("hello", STRANGER)
    for secret in ("0123456789abcdef0123456789abcdef", ALICE, STRANGER):
        assert secret not in caplog.text


async def test_a_pin_typed_to_twilio_is_dropped_not_quoted(
    hass: HomeAssistant, setup_entry: MockConfigEntry, send_sms: SendSms
) -> None:
    """A number with a modem PIN that types it to the Twilio number too: never echoed."""
    alice = setup_entry.subentries["num_alice"]
    hass.config_entries.async_update_subentry(
        setup_entry, alice, data={**alice.data, "pin": "4821"}
    )
    await hass.async_block_till_done()
    status, twiml = await send_sms("4821 porch on")
    assert (status, message_text(twiml)) == (200, "Porch: ON")
    status, twiml = await send_sms("4821 nonsense")
    assert "4821" not in twiml
    assert "nonsense" in twiml
    # Without the PIN the Twilio signature is the proof: the command runs as before.
    assert message_text((await send_sms("porch off"))[1]) == "Porch: OFF"
