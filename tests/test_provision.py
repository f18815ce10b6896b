"""The flow points the Twilio number at Home Assistant, and removal puts back what was there."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.sms_iot.const import (
    CONF_ACCOUNT_SID,
    CONF_AUTH_TOKEN,
    CONF_CONFIGURE_TWILIO,
    CONF_INBOUND_BEFORE,
    CONF_INBOUND_SID,
    CONF_PUBLIC_URL,
    CONF_TWILIO_NUMBER,
)
from custom_components.sms_iot.diagnostics import async_get_config_entry_diagnostics
from custom_components.sms_iot.twilio_client import TwilioClient, TwilioSenderError
from homeassistant.config_entries import SOURCE_RECONFIGURE, ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from tools.fake_twilio import FakeNumber, FakeTwilioState

from .conftest import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    MESSAGING_SERVICE,
    PUBLIC_URL,
    TWILIO_NUMBER,
    start_twilio_flow,
)

BEFORE = "https://old.example/sms"
OTHER_NUMBER = "+15005550007"


async def _webhook_step(hass: HomeAssistant, number: str = TWILIO_NUMBER) -> Any:
    result = await start_twilio_flow(hass)
    return await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_ACCOUNT_SID: ACCOUNT_SID,
            CONF_AUTH_TOKEN: AUTH_TOKEN,
            CONF_TWILIO_NUMBER: number,
        },
    )


def _url(result: Any) -> str:
    return "https://ha.example" + result["description_placeholders"]["webhook_path"]


async def _add(
    hass: HomeAssistant, number: str = TWILIO_NUMBER, configure: bool = True
) -> Any:
    result = await _webhook_step(hass, number)
    return await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_PUBLIC_URL: _url(result), CONF_CONFIGURE_TWILIO: configure},
    )


@pytest.fixture
def number(twilio: FakeTwilioState) -> FakeNumber:
    """The Twilio number, sending its texts to another app so far (with GET)."""
    fake = twilio.numbers[TWILIO_NUMBER]
    fake.sms_url, fake.sms_method = BEFORE, "GET"
    return fake


async def test_flow_points_the_number_here_and_removal_puts_it_back(
    hass: HomeAssistant, twilio: FakeTwilioState, number: FakeNumber
) -> None:
    """Ticked, the number's SMS URL becomes the webhook; removing the entry restores it."""
    result = await _webhook_step(hass)
    assert result["description_placeholders"]["current_url"] == BEFORE
    url = _url(result)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PUBLIC_URL: url, CONF_CONFIGURE_TWILIO: True}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Twilio +1 500-555-0006"
    assert result["description"] == "configured"
    assert (number.sms_url, number.sms_method) == (url, "POST")
    entry: ConfigEntry = result["result"]
    assert entry.data[CONF_INBOUND_SID] == number.sid
    assert entry.data[CONF_INBOUND_BEFORE] == {"url": BEFORE, "method": "GET"}

    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert (number.sms_url, number.sms_method) == (BEFORE, "GET")


async def test_removal_leaves_a_webhook_changed_since(
    hass: HomeAssistant, twilio: FakeTwilioState, number: FakeNumber
) -> None:
    """Pointed elsewhere by the user since, the number is not touched on removal."""
    entry = (await _add(hass))["result"]
    number.sms_url = "https://someone.else/now"
    await hass.config_entries.async_remove(entry.entry_id)
    assert number.sms_url == "https://someone.else/now"


async def test_removal_when_twilio_fails_only_warns(
    hass: HomeAssistant,
    twilio: FakeTwilioState,
    number: FakeNumber,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The entry goes away even when Twilio cannot be told; the log says what to do."""
    entry = (await _add(hass))["result"]
    twilio.fail_next["update_number"] = (500, 20500)
    await hass.config_entries.async_remove(entry.entry_id)
    assert number.sms_url == entry.data[CONF_PUBLIC_URL]
    assert "set 'A message comes in' in the Twilio Console" in caplog.text


async def test_unticked_changes_nothing(
    hass: HomeAssistant, twilio: FakeTwilioState, number: FakeNumber
) -> None:
    """The manual path: nothing is changed at Twilio and the result says what to do."""
    result = await _add(hass, configure=False)
    assert result["description"] == "manual"
    assert CONF_INBOUND_SID not in result["data"]
    assert (number.sms_url, number.sms_method) == (BEFORE, "GET")
    await hass.config_entries.async_remove(result["result"].entry_id)
    assert (number.sms_url, number.sms_method) == (BEFORE, "GET")


@pytest.mark.parametrize(
    ("status", "code", "error"),
    [
        (401, 20003, "provision_denied"),
        (403, 20403, "provision_denied"),
        (404, 20404, "provision_not_found"),
        (500, 20500, "cannot_connect"),
        (400, 21502, "cannot_connect"),
    ],
)
async def test_update_refused_creates_nothing(
    hass: HomeAssistant,
    twilio: FakeTwilioState,
    number: FakeNumber,
    status: int,
    code: int,
    error: str,
) -> None:
    """A refused update is a clear error; no entry, the number as it was; then it works."""
    result = await _webhook_step(hass)
    twilio.fail_next["update_number"] = (status, code)
    url = _url(result)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PUBLIC_URL: url, CONF_CONFIGURE_TWILIO: True}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": error}
    assert (number.sms_url, number.sms_method) == (BEFORE, "GET")
    assert not hass.config_entries.async_entries("sms_iot")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PUBLIC_URL: url, CONF_CONFIGURE_TWILIO: True}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert number.sms_url == url


async def test_messaging_service_request_url(
    hass: HomeAssistant, twilio: FakeTwilioState
) -> None:
    """For a Messaging Service its inbound request URL is set, then put back."""
    service = twilio.services[MESSAGING_SERVICE]
    service.inbound_request_url = None
    result = await _add(hass, MESSAGING_SERVICE)
    assert result["title"] == "Twilio sms_iot"
    assert service.inbound_request_url == result["data"][CONF_PUBLIC_URL]
    await hass.config_entries.async_remove(result["result"].entry_id)
    assert service.inbound_request_url is None


@pytest.mark.parametrize(
    ("arrange", "error"),
    [
        ("in_service", "number_in_service"),
        ("service_defers", "service_uses_number_webhooks"),
        ("application", "number_uses_application"),
    ],
)
async def test_webhook_that_would_be_ignored_is_named(
    hass: HomeAssistant,
    twilio: FakeTwilioState,
    number: FakeNumber,
    arrange: str,
    error: str,
) -> None:
    """When Twilio would ignore the webhook, the flow says why and changes nothing."""
    service = twilio.services[MESSAGING_SERVICE]
    target = TWILIO_NUMBER
    if arrange == "in_service":
        service.numbers.append(number.sid)
    elif arrange == "service_defers":
        service.use_inbound_webhook_on_number = True
        target = MESSAGING_SERVICE
    else:
        number.sms_application_sid = "AP" + "1" * 32
    result = await _webhook_step(hass, target)
    url = _url(result)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PUBLIC_URL: url, CONF_CONFIGURE_TWILIO: True}
    )
    assert result["errors"] == {"base": error}
    assert number.sms_url == BEFORE
    assert service.inbound_request_url is None
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PUBLIC_URL: url, CONF_CONFIGURE_TWILIO: False}
    )
    assert result["description"] == "manual"


async def _reconfigure(
    hass: HomeAssistant, entry: MockConfigEntry | ConfigEntry, **changes: Any
) -> Any:
    result = await hass.config_entries.flow.async_init(
        entry.domain,
        context={"source": SOURCE_RECONFIGURE, "entry_id": entry.entry_id},
    )
    # The form shows whether this entry set the webhook; never the auth token.
    assert result["step_id"] == "reconfigure"
    data = {
        CONF_TWILIO_NUMBER: entry.data[CONF_TWILIO_NUMBER],
        CONF_PUBLIC_URL: entry.data[CONF_PUBLIC_URL],
        CONF_CONFIGURE_TWILIO: CONF_INBOUND_SID in entry.data,
    } | changes
    result = await hass.config_entries.flow.async_configure(result["flow_id"], data)
    await hass.async_block_till_done()  # the reload a successful flow started
    return result


async def test_reconfigure_moves_the_webhook(
    hass: HomeAssistant, twilio: FakeTwilioState, number: FakeNumber
) -> None:
    """A new URL updates Twilio; the first setting is still what removal restores."""
    entry = (await _add(hass))["result"]
    await hass.async_block_till_done()
    new_url = entry.data[CONF_PUBLIC_URL].replace("ha.example", "new.example")
    result = await _reconfigure(hass, entry, **{CONF_PUBLIC_URL: new_url})
    assert result["reason"] == "reconfigure_successful"
    assert number.sms_url == new_url
    assert entry.data[CONF_INBOUND_BEFORE] == {"url": BEFORE, "method": "GET"}
    await hass.config_entries.async_remove(entry.entry_id)
    assert (number.sms_url, number.sms_method) == (BEFORE, "GET")


async def test_reconfigure_to_another_number(
    hass: HomeAssistant, twilio: FakeTwilioState, number: FakeNumber
) -> None:
    """The new number is pointed here, the old one given back its previous webhook."""
    other = twilio.numbers[OTHER_NUMBER] = FakeNumber("PN" + "e" * 32, OTHER_NUMBER)
    entry = (await _add(hass))["result"]
    await hass.async_block_till_done()
    result = await _reconfigure(hass, entry, **{CONF_TWILIO_NUMBER: OTHER_NUMBER})
    assert result["reason"] == "reconfigure_successful"
    assert other.sms_url == entry.data[CONF_PUBLIC_URL]
    assert (number.sms_url, number.sms_method) == (BEFORE, "GET")
    assert entry.title == "Twilio +1 500-555-0007"
    assert entry.data[CONF_INBOUND_SID] == other.sid


async def test_reconfigure_failing_half_way_changes_nothing(
    hass: HomeAssistant, twilio: FakeTwilioState, number: FakeNumber
) -> None:
    """The new number set but the old one not given back: the new one is undone too."""
    other = twilio.numbers[OTHER_NUMBER] = FakeNumber("PN" + "e" * 32, OTHER_NUMBER)
    other.sms_url = "https://other.example/app"
    entry = (await _add(hass))["result"]
    await hass.async_block_till_done()
    data = dict(entry.data)
    # The old number's fetch fails (its update then is never tried).
    twilio.fail_next["fetch_number"] = (401, 20003)
    result = await _reconfigure(hass, entry, **{CONF_TWILIO_NUMBER: OTHER_NUMBER})
    assert result["errors"] == {"base": "provision_denied"}
    assert other.sms_url == "https://other.example/app"
    assert number.sms_url == data[CONF_PUBLIC_URL]
    assert dict(entry.data) == data


async def test_reconfigure_unticked_gives_the_number_back(
    hass: HomeAssistant, twilio: FakeTwilioState, number: FakeNumber
) -> None:
    """Unticking hands the webhook back and forgets it; ticking again takes it over."""
    entry = (await _add(hass))["result"]
    await hass.async_block_till_done()
    result = await _reconfigure(hass, entry, **{CONF_CONFIGURE_TWILIO: False})
    assert result["reason"] == "reconfigure_successful"
    assert (number.sms_url, number.sms_method) == (BEFORE, "GET")
    assert CONF_INBOUND_SID not in entry.data
    await hass.async_block_till_done()
    result = await _reconfigure(hass, entry, **{CONF_CONFIGURE_TWILIO: True})
    assert number.sms_url == entry.data[CONF_PUBLIC_URL]
    assert entry.data[CONF_INBOUND_BEFORE] == {"url": BEFORE, "method": "GET"}


async def test_existing_entries_without_provisioning_are_untouched(
    hass: HomeAssistant, twilio_entry: MockConfigEntry, number: FakeNumber
) -> None:
    """An entry set up by hand keeps its manual path through removal."""
    assert twilio_entry.data[CONF_PUBLIC_URL] == PUBLIC_URL
    await hass.config_entries.async_remove(twilio_entry.entry_id)
    assert number.sms_url == BEFORE


async def test_previous_webhook_not_in_diagnostics(
    hass: HomeAssistant, twilio: FakeTwilioState, number: FakeNumber
) -> None:
    """The URL kept for the removal (it may carry a token of another app) is redacted."""
    entry = (await _add(hass))["result"]
    await hass.async_block_till_done()
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    assert diagnostics["entry"]["data"][CONF_INBOUND_BEFORE] == "**REDACTED**"
    assert BEFORE not in json.dumps(diagnostics)


async def test_reconfigure_to_a_number_whose_webhook_is_ignored(
    hass: HomeAssistant, twilio: FakeTwilioState, number: FakeNumber
) -> None:
    """Moving to a number in a Messaging Service is refused with the reason, nothing moved."""
    other = twilio.numbers[OTHER_NUMBER] = FakeNumber("PN" + "e" * 32, OTHER_NUMBER)
    twilio.services[MESSAGING_SERVICE].numbers.append(other.sid)
    entry = (await _add(hass))["result"]
    await hass.async_block_till_done()
    result = await _reconfigure(hass, entry, **{CONF_TWILIO_NUMBER: OTHER_NUMBER})
    assert result["errors"] == {"base": "number_in_service"}
    assert result["description_placeholders"]["service"] == MESSAGING_SERVICE
    assert number.sms_url == entry.data[CONF_PUBLIC_URL]
    assert other.sms_url == ""


async def test_handing_back_fails_changes_nothing(
    hass: HomeAssistant, twilio: FakeTwilioState, number: FakeNumber
) -> None:
    """Unticked but Twilio fails to take the webhook back: an error, the entry as it was."""
    entry = (await _add(hass))["result"]
    await hass.async_block_till_done()
    data = dict(entry.data)
    twilio.fail_next["update_number"] = (503, 20503)
    result = await _reconfigure(hass, entry, **{CONF_CONFIGURE_TWILIO: False})
    assert result["errors"] == {"base": "cannot_connect"}
    assert dict(entry.data) == data
    assert number.sms_url == data[CONF_PUBLIC_URL]


async def test_facts_of_a_number_not_in_the_account(
    hass: HomeAssistant, twilio: FakeTwilioState
) -> None:
    """Asked about a number the account does not own, the client says so."""
    client = TwilioClient(hass, ACCOUNT_SID, AUTH_TOKEN)
    with pytest.raises(TwilioSenderError):
        await client.async_facts(OTHER_NUMBER)
