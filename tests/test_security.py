"""Tests for the security helpers: numbers, masking, dedupe memory."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
import pytest

from custom_components.sms_iot.dedupe import DedupeCache
from custom_components.sms_iot.phone import mask_number, to_e164
from custom_components.sms_iot.phrase import describe_state
from custom_components.sms_iot.twilio_urls import signed_url
from homeassistant.core import State


@pytest.mark.parametrize(
    ("number", "region", "expected"),
    [
        ("+1 (415) 555-2671", None, "+14155552671"),
        ("415 555 2671", "US", "+14155552671"),
        ("030 1234567", "DE", "+49301234567"),
        ("415 555 2671", None, None),
        ("+1 555", None, None),
        ("not a number", "US", None),
        ("", "US", None),
    ],
)
def test_to_e164(number: str, region: str | None, expected: str | None) -> None:
    """Numbers normalise to E.164 with phonenumbers; junk is None."""
    assert to_e164(number, region) == expected


def test_mask_number() -> None:
    """Only the last four digits stay visible."""
    assert mask_number("+14155552671") == "********2671"
    assert mask_number("123") == "***"


def test_signed_url_uses_request_query() -> None:
    """The signed URL is the stored URL with the query Twilio called."""
    assert signed_url("https://h/api/webhook/x?old=1", "kind=status") == (
        "https://h/api/webhook/x?kind=status"
    )
    assert signed_url("https://h/api/webhook/x", "") == "https://h/api/webhook/x"


async def test_dedupe_forgets_after_ttl_and_size(
    freezer: FrozenDateTimeFactory,
) -> None:
    """Message ids are remembered for the TTL and up to the size limit."""
    cache = DedupeCache(ttl=60, max_size=3)
    assert cache.claim("a")[0] is True
    assert cache.claim("a")[0] is False
    freezer.tick(61)
    assert cache.claim("a")[0] is True
    for sid in ("b", "c", "d"):
        assert cache.claim(sid)[0] is True
    assert len(cache) == 3
    assert cache.claim("a")[0] is True  # evicted as the oldest


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        (None, "not found"),
        (State("light.x", "unavailable"), "offline"),
        (State("light.x", "unknown"), "unknown"),
        (State("light.x", "on"), "ON"),
        (State("light.x", "on", {"brightness": 128}), "ON 50%"),
        (State("switch.x", "off"), "OFF"),
        (State("switch.x", "jammed"), "jammed"),
    ],
)
def test_describe_state(state: State | None, expected: str) -> None:
    """States read naturally in an SMS."""
    assert describe_state(state) == expected
