"""Repairs that name what blocks texts at Twilio, raised from its errors and cleared by success."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.sms_iot.const import DOMAIN
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from tools.fake_twilio import FakeTwilioState

from .conftest import (
    ACCOUNT_SID,
    HOOK,
    MESSAGING_SERVICE,
    PUBLIC_URL,
    TWILIO_NUMBER,
    post_signed,
    sms_params,
)

ENTRY_ID = "01KBSMSIOT0000000000000001"
UK = ["+447400123456", "+447812345678"]
US = ["+14155550100", "+12025550143"]
FR = "+33612345678"


def _issue(issue_registry: ir.IssueRegistry, kind: str) -> ir.IssueEntry | None:
    return issue_registry.async_get_issue(DOMAIN, f"{kind}_{ENTRY_ID}")


async def _send(hass: HomeAssistant, to: str) -> list[dict[str, Any]]:
    response = await hass.services.async_call(
        DOMAIN,
        "send_message",
        {"target": to, "message": "Garage open"},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    return list(response["messages"])  # type: ignore[arg-type]


async def _status(client: TestClient[Any, Any], sid: str, to: str, **form: str) -> None:
    params = {
        "MessageSid": sid,
        "To": to,
        "From": TWILIO_NUMBER,
        "AccountSid": ACCOUNT_SID,
    } | form
    url = f"{PUBLIC_URL}?kind=status"
    response = await post_signed(client, params, url, f"{HOOK}?kind=status")
    assert response.status == 204


@pytest.mark.parametrize(
    ("code", "kind", "blocked", "cleared_by", "not_cleared_by", "shown"),
    [
        (21610, "recipient_opted_out", US[0], US[0], US[1], "recipients"),
        (21408, "region_not_enabled", UK[0], UK[1], US[0], "countries"),
        (21612, "route_not_enabled", UK[0], UK[1], FR, "countries"),
        (21408, "region_not_enabled", FR, FR, UK[0], "countries"),
    ],
)
async def test_refused_at_send(
    hass: HomeAssistant,
    twilio_entry: MockConfigEntry,
    twilio: FakeTwilioState,
    issue_registry: ir.IssueRegistry,
    code: int,
    kind: str,
    blocked: str,
    cleared_by: str,
    not_cleared_by: str,
    shown: str,
) -> None:
    """A refusal raises its repair; a success elsewhere keeps it, the same route clears it."""
    twilio.failures.append((400, code))
    with pytest.raises(HomeAssistantError):
        await _send(hass, blocked)
    issue = _issue(issue_registry, kind)
    assert issue is not None
    assert issue.translation_key == kind
    assert issue.learn_more_url == f"https://www.twilio.com/docs/api/errors/{code}"
    placeholders = issue.translation_placeholders or {}
    if shown == "recipients":
        assert placeholders["recipients"] == "*" * (len(blocked) - 4) + blocked[-4:]
        assert blocked not in str(placeholders)
    else:
        assert placeholders["countries"] in ("GB", "FR")
    if not_cleared_by != cleared_by:
        await _send(hass, not_cleared_by)
        assert _issue(issue_registry, kind) is not None
    await _send(hass, cleared_by)
    assert _issue(issue_registry, kind) is None


@pytest.mark.parametrize(
    ("code", "kind", "severity"),
    [
        ("30034", "a2p_unregistered", ir.IssueSeverity.ERROR),
        ("30032", "tollfree_unverified", ir.IssueSeverity.ERROR),
        ("30007", "carrier_filtered", ir.IssueSeverity.WARNING),
    ],
)
async def test_reported_later(
    hass: HomeAssistant,
    twilio_entry: MockConfigEntry,
    client: TestClient[Any, Any],
    issue_registry: ir.IssueRegistry,
    code: str,
    kind: str,
    severity: ir.IssueSeverity,
) -> None:
    """A carrier's refusal in a status callback raises it; the next delivered text clears it."""
    first = (await _send(hass, US[0]))[0]["message_sid"]
    await _status(client, first, US[0], MessageStatus="sent")
    assert _issue(issue_registry, kind) is None
    await _status(client, first, US[0], MessageStatus="undelivered", ErrorCode=code)
    issue = _issue(issue_registry, kind)
    assert issue is not None
    assert issue.severity is severity
    second = (await _send(hass, US[1]))[0]["message_sid"]
    await _status(client, second, US[1], MessageStatus="sent")
    assert _issue(issue_registry, kind) is not None  # sent is not delivered
    await _status(client, second, US[1], MessageStatus="delivered")
    assert _issue(issue_registry, kind) is None


async def test_other_errors_raise_nothing(
    hass: HomeAssistant,
    twilio_entry: MockConfigEntry,
    client: TestClient[Any, Any],
    twilio: FakeTwilioState,
    issue_registry: ir.IssueRegistry,
) -> None:
    """Errors that are not about compliance (off phone, bad number) are not repairs."""
    sid = (await _send(hass, US[0]))[0]["message_sid"]
    for code in ("30003", "30005", "30008", "x"):
        await _status(client, sid, US[0], MessageStatus="failed", ErrorCode=code)
    twilio.failures.append((400, 21606))
    with pytest.raises(HomeAssistantError):
        await _send(hass, US[1])
    # Only what set-up read about the number (a US long code, no campaign) is open.
    assert [i for d, i in issue_registry.issues if d == DOMAIN] == [
        f"a2p_campaign_missing_{ENTRY_ID}"
    ]


async def test_repairs_go_with_the_entry(
    hass: HomeAssistant,
    twilio_entry: MockConfigEntry,
    twilio: FakeTwilioState,
    issue_registry: ir.IssueRegistry,
) -> None:
    """Unloading the entry ends what it observed."""
    twilio.failures.append((400, 21610))
    with pytest.raises(HomeAssistantError):
        await _send(hass, US[0])
    assert _issue(issue_registry, "recipient_opted_out") is not None
    await hass.config_entries.async_unload(twilio_entry.entry_id)
    assert _issue(issue_registry, "recipient_opted_out") is None


def _arrange(twilio: FakeTwilioState, how: str) -> None:
    number = twilio.numbers[TWILIO_NUMBER]
    service = twilio.services[MESSAGING_SERVICE]
    if how == "no_sms":
        number.capabilities["sms"] = False
    if how in ("registered", "elsewhere_in_service"):
        service.numbers.append(number.sid)
        service.us_app_to_person_registered = True
        service.inbound_request_url = PUBLIC_URL
    if how == "elsewhere_in_service":
        service.inbound_request_url = "https://old.example/app"
    if how in ("toll_free", "toll_free_verified"):
        number.type = "toll-free"
    if how == "toll_free_verified":
        number.tollfree_verification = "TWILIO_APPROVED"
    if how == "elsewhere":
        number.sms_url = "https://old.example/app"


@pytest.mark.parametrize(
    ("how", "raised"),
    [
        ("plain", {"a2p_campaign_missing"}),
        ("no_sms", {"a2p_campaign_missing", "number_no_sms"}),
        ("registered", set()),
        ("toll_free", {"tollfree_not_verified"}),
        ("toll_free_verified", set()),
        ("elsewhere", {"a2p_campaign_missing", "webhook_elsewhere"}),
        ("elsewhere_in_service", {"webhook_elsewhere"}),
    ],
)
async def test_setup_says_what_the_number_can_do(
    hass: HomeAssistant,
    twilio: FakeTwilioState,
    config_entry: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
    how: str,
    raised: set[str],
) -> None:
    """Read from Twilio's API at set-up: capabilities, registration, where texts go."""
    _arrange(twilio, how)
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    found = {
        i.removesuffix(f"_{ENTRY_ID}") for d, i in issue_registry.issues if d == DOMAIN
    }
    assert found == raised
    if "webhook_elsewhere" in raised:
        issue = _issue(issue_registry, "webhook_elsewhere")
        assert issue is not None
        assert (issue.translation_placeholders or {})[
            "url"
        ] == "https://old.example/app"


async def test_setup_warnings_clear(
    hass: HomeAssistant,
    twilio: FakeTwilioState,
    config_entry: MockConfigEntry,
    client: TestClient[Any, Any],
    issue_registry: ir.IssueRegistry,
) -> None:
    """Texts arriving clear 'somewhere else'; a delivered reply clears the A2P warning."""
    _arrange(twilio, "elsewhere")
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert _issue(issue_registry, "webhook_elsewhere") is not None
    response = await post_signed(client, sms_params("status"))
    assert response.status == 200
    assert _issue(issue_registry, "webhook_elsewhere") is None
    sid = (await _send(hass, US[0]))[0]["message_sid"]
    assert _issue(issue_registry, "a2p_campaign_missing") is not None
    await _status(client, sid, US[0], MessageStatus="delivered")
    assert _issue(issue_registry, "a2p_campaign_missing") is None


@pytest.mark.parametrize("call", ["list_services", "fetch_service_number"])
async def test_setup_when_twilio_cannot_say(
    hass: HomeAssistant,
    twilio: FakeTwilioState,
    config_entry: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
    call: str,
) -> None:
    """The check is best effort: Twilio failing it leaves the entry loaded, no repair."""
    twilio.fail_next[call] = (500, 20500)
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert not [i for d, i in issue_registry.issues if d == DOMAIN]


async def test_two_recipients_opted_out(
    hass: HomeAssistant,
    twilio_entry: MockConfigEntry,
    twilio: FakeTwilioState,
    issue_registry: ir.IssueRegistry,
) -> None:
    """One repair names every opted-out recipient; each leaves it when texts reach it."""
    for to in US:
        twilio.failures.append((400, 21610))
        with pytest.raises(HomeAssistantError):
            await _send(hass, to)
    issue = _issue(issue_registry, "recipient_opted_out")
    assert issue is not None
    assert (issue.translation_placeholders or {})["recipients"] == (
        "********0143, ********0100"
    )
    await _send(hass, US[0])
    issue = _issue(issue_registry, "recipient_opted_out")
    assert issue is not None
    assert (issue.translation_placeholders or {})["recipients"] == "********0143"
    await _send(hass, US[1])
    assert _issue(issue_registry, "recipient_opted_out") is None
