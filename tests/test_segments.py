"""Tests for SMS segment counting and splitting."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.sms_iot.segments import MAX_BODY, segment_info, split_body


@pytest.mark.parametrize(
    ("text", "encoding", "segments"),
    [
        ("", "GSM-7", 1),
        ("Garage door left open", "GSM-7", 1),
        ("a" * 160, "GSM-7", 1),
        ("a" * 161, "GSM-7", 2),
        ("a" * 306, "GSM-7", 2),
        ("a" * 307, "GSM-7", 3),
        ("€" * 80, "GSM-7", 1),  # extension characters cost two septets
        ("€" * 81, "GSM-7", 2),
        ("Grüße aus Köln", "GSM-7", 1),  # ü, ö are in the GSM alphabet
        ("Привет", "UCS-2", 1),
        ("ж" * 70, "UCS-2", 1),
        ("ж" * 71, "UCS-2", 2),
        ("ж" * 134, "UCS-2", 2),
        ("ж" * 135, "UCS-2", 3),
        ("Porch light on 💡", "UCS-2", 1),
        ("💡" * 35, "UCS-2", 1),  # an emoji is two UCS-2 code units
        ("💡" * 36, "UCS-2", 2),
    ],
)
def test_segment_info(text: str, encoding: str, segments: int) -> None:
    """Encoding and segment counts follow GSM-7 160/153 and UCS-2 70/67."""
    info = segment_info(text)
    assert (info.encoding, info.segments) == (encoding, segments)


def test_split_long_text_at_spaces() -> None:
    """Texts over 1600 characters split at word boundaries into valid bodies."""
    words = [f"word{i}" for i in range(600)]
    parts = split_body(" ".join(words))
    assert len(parts) > 1
    assert all(0 < len(part) <= MAX_BODY for part in parts)
    assert " ".join(parts).split() == words


def test_split_without_spaces_and_short() -> None:
    """A text without spaces is cut hard; short texts stay whole."""
    assert split_body("x" * 3500) == ["x" * 1600, "x" * 1600, "x" * 300]
    assert split_body("hello") == ["hello"]
    assert split_body("") == [""]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=5000))
def test_split_never_loses_or_overflows(text: str) -> None:
    """Every part fits, and only whitespace at the cuts is dropped."""
    parts = split_body(text)
    assert all(len(part) <= MAX_BODY for part in parts)
    assert all(parts) or parts == [""]
    assert "".join("".join(parts).split()) == "".join(text.split())
