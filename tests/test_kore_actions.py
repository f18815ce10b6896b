"""sms_iot.send_sim_command and the KORE client's token, retries and errors."""

from __future__ import annotations

import base64
from typing import Any
from unittest.mock import patch

from aiohttp.test_utils import TestServer
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.sms_iot.const import DOMAIN
from custom_components.sms_iot.kore_client import (
    KoreAuthError,
    KoreClient,
    KoreConnectionError,
    KoreRequestError,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from tools.fake_kore import FakeKoreState

from .conftest import KORE_CLIENT_ID, KORE_CLIENT_SECRET, KORE_PUBLIC_URL


async def _send(hass: HomeAssistant, **data: Any) -> Any:
    return await hass.services.async_call(
        DOMAIN,
        "send_sim_command",
        {"sim": "barn-pump"} | data,
        blocking=True,
        return_response=True,
    )


async def test_send_text_and_binary(
    hass: HomeAssistant, kore_entry: MockConfigEntry, kore: FakeKoreState
) -> None:
    """Text and binary commands reach the SIM; the response has the command SID."""
    sent = await _send(hass, command="PUMP ON", delivery_receipt=False)
    assert sent == {"command_sid": kore.commands[0]["sid"], "status": "queued"}
    assert kore.commands[0]["delivery_receipt_requested"] is False
    assert kore.commands[0]["callback_url"] == f"{KORE_PUBLIC_URL}?kind=status"
    payload = base64.b64encode(bytes(range(140))).decode()
    await _send(hass, sim=kore.commands[0]["sim_sid"], command=payload, mode="binary")
    assert kore.commands[1]["command_mode"] == "binary"


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"command": "x" * 161}, "sim_command_too_long_text"),
        ({"command": "Привет"}, "sim_command_too_long_text"),
        (
            {"command": base64.b64encode(bytes(141)).decode(), "mode": "binary"},
            "sim_command_too_long_binary",
        ),
        ({"command": "not base64!", "mode": "binary"}, "sim_command_too_long_binary"),
        ({"command": "", "mode": "binary"}, "sim_command_too_long_binary"),
        ({"command": "hi", "sim": "gate"}, "unknown_sim"),
    ],
)
async def test_refused_before_kore_sees_it(
    hass: HomeAssistant,
    kore_entry: MockConfigEntry,
    kore: FakeKoreState,
    data: dict[str, str],
    key: str,
) -> None:
    """Too long, not single-byte, not base64, or a SIM not added: a validation error."""
    with pytest.raises(ServiceValidationError) as err:
        await _send(hass, **data)
    assert err.value.translation_key == key
    assert kore.commands == []


async def test_wrong_entries(
    hass: HomeAssistant, kore_entry: MockConfigEntry, twilio_entry: MockConfigEntry
) -> None:
    """Each action goes to an entry of its kind."""
    with pytest.raises(ServiceValidationError) as err:
        await _send(hass, command="hi", config_entry_id=twilio_entry.entry_id)
    assert err.value.translation_key == "not_a_kore_entry"
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "send_message",
            {
                "target": "+14155550100",
                "message": "hi",
                "config_entry_id": kore_entry.entry_id,
            },
            blocking=True,
        )
    assert err.value.translation_key == "entry_cannot_text"


async def test_kore_errors(
    hass: HomeAssistant, kore_entry: MockConfigEntry, kore: FakeKoreState
) -> None:
    """KORE refusing, failing or revoking the client: errors that say so; 401 → reauth."""
    kore.failures = [400]
    with pytest.raises(HomeAssistantError) as err:
        await _send(hass, command="hi")
    assert err.value.translation_key == "kore_send_failed"
    kore.failures = [503] * 3
    with pytest.raises(HomeAssistantError) as err:
        await _send(hass, command="hi")
    assert err.value.translation_key == "kore_send_failed"
    kore.failures = [401, 401]
    with pytest.raises(HomeAssistantError) as err:
        await _send(hass, command="hi")
    assert err.value.translation_key == "kore_invalid_auth"
    assert hass.config_entries.flow.async_progress_by_handler(DOMAIN)


async def test_token_is_cached_and_renewed(
    hass: HomeAssistant, kore: FakeKoreState
) -> None:
    """One token for many calls; a new one before it expires, and after a 401."""
    client = KoreClient(hass, KORE_CLIENT_ID, KORE_CLIENT_SECRET)
    for _ in range(3):
        await client.async_list_sims()
    assert kore.token_requests == 1
    kore.tokens.clear()  # revoked: the API answers 401, the client renews once
    await client.async_list_sims()
    assert kore.token_requests == 2
    kore.expires_in = 30  # shorter than the renewal margin: renewed on every call
    await client.async_verify()
    await client.async_list_sims()
    assert kore.token_requests == 4


async def test_retries_and_errors(hass: HomeAssistant, kore: FakeKoreState) -> None:
    """429/5xx are retried a bounded number of times; other answers are errors."""
    client = KoreClient(hass, KORE_CLIENT_ID, KORE_CLIENT_SECRET)
    await client.async_verify()
    kore.failures = [429, 503]
    assert len(await client.async_list_sims()) == 2
    kore.failures = [500] * 3
    with pytest.raises(KoreConnectionError):
        await client.async_list_sims()
    kore.failures = [404]
    with pytest.raises(KoreRequestError) as err:
        await client.async_get_sim("DE" + "f" * 32)
    assert err.value.status == 404
    with pytest.raises(KoreAuthError):
        await KoreClient(hass, KORE_CLIENT_ID, "wrong").async_verify()


async def test_paging(hass: HomeAssistant, kore: FakeKoreState) -> None:
    """Every page of SIMs is read."""
    for index in range(1500):
        kore.add_sim(f"sim-{index}")
    client = KoreClient(hass, KORE_CLIENT_ID, KORE_CLIENT_SECRET)
    assert len(await client.async_list_sims()) == 1502


async def test_unreachable_and_timeout(
    hass: HomeAssistant, kore_server: TestServer, kore: FakeKoreState
) -> None:
    """No answer, or none in time: a connection error."""
    client = KoreClient(hass, KORE_CLIENT_ID, KORE_CLIENT_SECRET)
    kore.delay = 1.0
    with (
        patch("custom_components.sms_iot.kore_client.KORE_TIMEOUT", 0.1),
        pytest.raises(KoreConnectionError),
    ):
        await client.async_verify()
    kore.delay = 0
    await kore_server.close()
    with pytest.raises(KoreConnectionError):
        await client.async_verify()
