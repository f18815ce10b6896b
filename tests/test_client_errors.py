"""Twilio's answers as the integration sees them, at the client boundary (core's peblar way)."""

from __future__ import annotations

from typing import Any
from unittest.mock import MagicMock

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.sms_iot.const import (
    CONF_ACCOUNT_SID,
    CONF_AUTH_TOKEN,
    CONF_TWILIO_NUMBER,
    DOMAIN,
)
from custom_components.sms_iot.twilio_client import (
    TwilioAuthError,
    TwilioConnectionError,
    TwilioSenderError,
    TwilioSendError,
    TwilioTimeoutError,
)
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from .conftest import ACCOUNT_SID, ALICE, AUTH_TOKEN, TWILIO_NUMBER, start_twilio_flow

USER_INPUT = {
    CONF_ACCOUNT_SID: ACCOUNT_SID,
    CONF_AUTH_TOKEN: AUTH_TOKEN,
    CONF_TWILIO_NUMBER: TWILIO_NUMBER,
}


@pytest.mark.parametrize(
    ("side_effect", "errors"),
    [
        (TwilioAuthError, {CONF_AUTH_TOKEN: "invalid_auth"}),
        (TwilioSenderError, {CONF_TWILIO_NUMBER: "invalid_number"}),
        (TwilioConnectionError, {"base": "cannot_connect"}),
        (RuntimeError, {"base": "unknown"}),
    ],
)
async def test_user_step_error_then_recovery(
    hass: HomeAssistant,
    mock_twilio_client: MagicMock,
    side_effect: type[Exception],
    errors: dict[str, str],
) -> None:
    """Each error is shown on its field; fixed, the flow goes on."""
    mock_twilio_client.async_verify.side_effect = side_effect
    result = await start_twilio_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], USER_INPUT
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == errors
    mock_twilio_client.async_verify.side_effect = None
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], USER_INPUT
    )
    # No external URL in this instance: the webhook step says so.
    assert result["step_id"] == "webhook_no_url"
    mock_twilio_client.async_verify.assert_called_with(TWILIO_NUMBER)


@pytest.mark.parametrize(
    ("side_effect", "state"),
    [
        (TwilioAuthError, ConfigEntryState.SETUP_ERROR),
        (TwilioConnectionError, ConfigEntryState.SETUP_RETRY),
        (TwilioSenderError, ConfigEntryState.SETUP_RETRY),
    ],
)
async def test_setup_errors(
    hass: HomeAssistant,
    mock_twilio_client: MagicMock,
    config_entry: MockConfigEntry,
    side_effect: type[Exception],
    state: ConfigEntryState,
) -> None:
    """A rejected token asks for reauthentication; anything else retries later."""
    mock_twilio_client.async_verify.side_effect = side_effect
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    assert config_entry.state is state
    flows = [f["context"]["source"] for f in hass.config_entries.flow.async_progress()]
    assert flows == (["reauth"] if side_effect is TwilioAuthError else [])


@pytest.mark.parametrize(
    ("error", "raised", "key"),
    [
        *(
            (
                TwilioSendError(code, 400, "x"),
                ServiceValidationError,
                "invalid_recipient",
            )
            for code in (21211, 21614, 21635)
        ),
        (TwilioSendError(21610, 400, "x"), ServiceValidationError, "unsubscribed"),
        (TwilioSendError(20003, 401, "x"), HomeAssistantError, "invalid_auth"),
        (TwilioSendError(20429, 429, "x"), HomeAssistantError, "twilio_unavailable"),
        (TwilioSendError(20500, 503, "x"), HomeAssistantError, "twilio_unavailable"),
        (TwilioSendError(21606, 400, "x"), HomeAssistantError, "send_failed"),
        (TwilioTimeoutError(), HomeAssistantError, "twilio_timeout"),
        (TwilioConnectionError(), HomeAssistantError, "twilio_unreachable"),
    ],
)
async def test_send_errors(
    hass: HomeAssistant,
    mock_twilio_client: MagicMock,
    init_integration: MockConfigEntry,
    error: Exception,
    raised: type[Exception],
    key: str,
) -> None:
    """Every refusal becomes a translated error that says what to do."""
    mock_twilio_client.async_create_message.side_effect = error
    with pytest.raises(raised) as err:
        await hass.services.async_call(
            DOMAIN, "send_message", {"target": ALICE, "message": "hi"}, blocking=True
        )
    assert err.value.translation_key == key
    assert ALICE not in str(err.value)


async def test_send_returns_what_twilio_accepted(
    hass: HomeAssistant,
    mock_twilio_client: MagicMock,
    init_integration: MockConfigEntry,
) -> None:
    """The action's response is the client's answer, part by part."""
    response: Any = await hass.services.async_call(
        DOMAIN,
        "send_message",
        {"target": ALICE, "message": "hi"},
        blocking=True,
        return_response=True,
    )
    assert response["messages"] == [
        {
            "to": ALICE,
            "via": "twilio",
            "message_sid": "SM" + "0" * 32,
            "status": "queued",
            "segments": 1,
            "encoding": "GSM-7",
        }
    ]
    mock_twilio_client.async_create_message.assert_called_once()
