"""Phone number helpers: whatever the text, an answer and no exception."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.sms_iot.phone import friendly_number, is_toll_free, region_of


@pytest.mark.parametrize(
    ("number", "region", "toll_free", "friendly"),
    [
        ("+14155550100", "US", False, "+1 415-555-0100"),
        ("+18005550100", "US", True, "+1 800-555-0100"),
        ("+18885550100", "US", True, "+1 888-555-0100"),
        ("+447400123456", "GB", False, "+44 7400 123456"),
        ("+33612345678", "FR", False, "+33 6 12 34 56 78"),
        ("+498001234567", "DE", True, "+49 800 1234567"),
        ("MG" + "7" * 32, None, False, "MG" + "7" * 32),
        ("", None, False, ""),
        ("not a number", None, False, "not a number"),
    ],
)
def test_known_numbers(
    number: str, region: str | None, toll_free: bool, friendly: str
) -> None:
    """Country, toll-free and the international way of writing, from phonenumbers."""
    assert region_of(number) == region
    assert is_toll_free(number) is toll_free
    assert friendly_number(number) == friendly


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text(text: str) -> None:
    """Arbitrary text never raises; what is not a number is written as given."""
    region_of(text)
    assert isinstance(is_toll_free(text), bool)
    assert isinstance(friendly_number(text), str)
