"""Classes of bad input from outside, each with many generated values, through signed HTTP."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
import logging
import re
from typing import Any
import xml.etree.ElementTree as ET

from aiohttp.test_utils import TestClient
from freezegun.api import FrozenDateTimeFactory
from hypothesis import strategies as st
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.sms_iot.commands import CARRIER_KEYWORDS
from custom_components.sms_iot.const import (
    CONF_RATE_LIMIT,
    CONF_TWILIO_NUMBER,
    EVENT_COMMAND,
    EVENT_RECEIVED,
    EVENT_UNAUTHORIZED,
)
from homeassistant.const import EVENT_CALL_SERVICE
from homeassistant.core import HomeAssistant
from tools.fake_twilio import FakeTwilioState

from .conftest import (
    ACCOUNT_SID,
    ALICE,
    EMPTY,
    HOOK,
    MESSAGING_SERVICE,
    TWILIO_NUMBER,
    Devices,
    post_signed,
    samples,
    sms_params,
)

# What an XML 1.0 document or an SMS cannot carry.
UNSAFE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]"
)

OTHER_CHANNELS = st.one_of(
    st.builds(
        lambda prefix, number: f"{prefix}:{number}",
        st.sampled_from(
            ["whatsapp", "rcs", "messenger", "fbm", "tel", "sip", "sms", "WhatsApp"]
        ),
        st.sampled_from([ALICE, ALICE.lstrip("+")]),
    ),
    st.builds(
        lambda suffix: ALICE + suffix,
        st.sampled_from([";ext=1", "x12", " ext. 7", ",1", "#1", " "]),
    ),
    st.builds(lambda prefix: prefix + ALICE, st.sampled_from([" ", "00", "1", "tel:"])),
    st.from_regex(r"\A[0-9]{3,8}\Z"),  # short codes
    st.from_regex(r"\A[A-Za-z][A-Za-z0-9 ]{1,10}\Z"),  # alphanumeric sender ids
)


@pytest.fixture
def watched(hass: HomeAssistant) -> dict[str, list[Any]]:
    """Capture every service call and command the tests must not cause."""
    return {
        "calls": async_capture_events(hass, EVENT_CALL_SERVICE),
        "commands": async_capture_events(hass, EVENT_COMMAND),
        "received": async_capture_events(hass, EVENT_RECEIVED),
        "unauthorized": async_capture_events(hass, EVENT_UNAUTHORIZED),
    }


async def test_other_channels_and_ids_are_strangers(
    hass: HomeAssistant,
    setup_entry: MockConfigEntry,
    client: TestClient[Any, Any],
    watched: dict[str, list[Any]],
) -> None:
    """WhatsApp, RCS, Messenger, extensions, short codes, alphanumeric ids: not a number."""
    senders = samples(OTHER_CHANNELS, 150)
    for sender in senders:
        response = await post_signed(client, sms_params("all on", sender))
        assert (response.status, await response.text()) == (200, EMPTY), sender
    assert watched["calls"] == watched["commands"] == watched["received"] == []
    assert len(watched["unauthorized"]) == len(senders)
    assert all(ALICE not in event.data["from"] for event in watched["unauthorized"])


async def test_any_text_gets_a_valid_reply(
    hass: HomeAssistant, setup_entry: MockConfigEntry, client: TestClient[Any, Any]
) -> None:
    """Whatever the text (controls, non-characters, any plane), the TwiML is valid XML."""
    hass.config_entries.async_update_entry(setup_entry, options={CONF_RATE_LIMIT: 1000})
    await hass.async_block_till_done()
    texts = samples(
        st.text(
            st.characters(codec=None, exclude_categories=("Cs",)),
            min_size=1,
            max_size=40,
        ).filter(lambda t: t.strip() not in CARRIER_KEYWORDS),
        200,
    )
    texts += ["\x00", "\x1b[31m", "\ufffe", "caf\u00e9\x07", "x\U0010ffff", "<a>&"]
    for text in texts:
        response = await post_signed(client, sms_params(f"zz{text}", ALICE))
        assert response.status == 200
        reply = ET.fromstring(await response.text()).find("Message")
        assert reply is not None, repr(text)
        assert not UNSAFE.search(reply.text or ""), repr(text)


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("AccountSid", samples(st.from_regex(r"\AAC[0-9a-f]{32}\Z"), 20)),
        ("To", samples(st.from_regex(r"\A\+1415555[0-9]{4}\Z"), 20)),
    ],
)
async def test_signed_for_another_account_or_number(
    hass: HomeAssistant,
    setup_entry: MockConfigEntry,
    client: TestClient[Any, Any],
    watched: dict[str, list[Any]],
    field: str,
    values: list[str],
) -> None:
    """Signed with this token, but for another account or number: refused, nothing runs."""
    for value in values:
        if value in (ACCOUNT_SID, TWILIO_NUMBER):
            continue
        params = sms_params("all on") | {field: value}
        assert (await post_signed(client, params)).status == 403
    assert watched["calls"] == watched["commands"] == watched["received"] == []


@pytest.mark.parametrize("method", ["HEAD", "GET", "PUT"])
async def test_only_post(
    setup_entry: MockConfigEntry, client: TestClient[Any, Any], method: str
) -> None:
    """Anything but POST is 405, as SECURITY.md says."""
    assert (await client.request(method, HOOK)).status == 405


async def test_carrier_keywords_run_nothing_and_get_no_answer(
    hass: HomeAssistant,
    setup_entry: MockConfigEntry,
    client: TestClient[Any, Any],
    watched: dict[str, list[Any]],
) -> None:
    """STOP, START and friends, in any case and spacing, are the carrier's business."""
    words = sorted(CARRIER_KEYWORDS - {"help"})
    for text in samples(
        st.builds(
            lambda w, case, pad: pad + (w.upper() if case else w.title()) + pad,
            st.sampled_from(words),
            st.booleans(),
            st.sampled_from(["", " ", "  "]),
        ),
        40,
    ):
        response = await post_signed(client, sms_params(text, ALICE))
        assert (response.status, await response.text()) == (200, EMPTY), text
    assert watched["calls"] == watched["commands"] == []


async def test_refusals_logged_as_counts_per_reason(
    setup_entry: MockConfigEntry,
    client: TestClient[Any, Any],
    caplog: pytest.LogCaptureFixture,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A minute of refusals is logged once, with a count for every reason."""
    caplog.set_level(logging.DEBUG, "custom_components.sms_iot")
    send: Callable[..., Awaitable[Any]] = client.post
    await send(HOOK, data="x=1", headers={"Content-Type": "text/plain"})
    for _ in range(3):
        await send(HOOK, data=sms_params("hi"), headers={"X-Twilio-Signature": "x"})
    await client.request("HEAD", HOOK)
    freezer.tick(61)
    await send(HOOK, data="x=1", headers={"Content-Type": "text/plain"})
    reports = [r.getMessage() for r in caplog.records if "Refused" in r.getMessage()]
    assert reports == [
        "Refused webhook requests since the last report: content_type 1",
        "Refused webhook requests since the last report: "
        "content_type 1, method 1, signature 3",
    ]


async def test_messaging_service_entry_checks_the_service(
    hass: HomeAssistant,
    twilio: FakeTwilioState,
    config_entry: MockConfigEntry,
    devices: Devices,
    client: TestClient[Any, Any],
) -> None:
    """For a Messaging Service, a message must name that service, whatever its To."""
    config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        config_entry, data={**config_entry.data, CONF_TWILIO_NUMBER: MESSAGING_SERVICE}
    )
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    ours = sms_params("porch on") | {"MessagingServiceSid": MESSAGING_SERVICE}
    assert (await post_signed(client, ours)).status == 200
    assert devices.porch.calls
    other = sms_params("porch off") | {"MessagingServiceSid": "MG" + "1" * 32}
    assert (await post_signed(client, other)).status == 403
    assert len(devices.porch.calls) == 1
