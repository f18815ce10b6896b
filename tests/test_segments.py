"""Tests for SMS segment counting and splitting."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.sms_iot.segments import MAX_BODY, fit, segment_info, split_body


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


# What fit() makes of typography a GSM-7 phone shows as plain ASCII.
PLAIN = str.maketrans(
    {
        "\u2026": "...",
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u00a0": " ",
    }
)


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from("ab \u20ac\u0436\U0001f4a1\u2026\u2019\u2014\n"),
        max_size=800,
    )
    | st.text(max_size=800),
    st.integers(min_value=1, max_value=3),
)
def test_fit_keeps_a_prefix_within_the_segments(text: str, segments: int) -> None:
    """Any text fits the budget: itself when it does already, else a prefix and "..."."""
    fitted = fit(text, segments)
    assert segment_info(fitted).segments <= segments
    assert not {"\u2026", "\u2019", "\u2014"} & set(fitted)  # typography made plain
    plain = text.translate(PLAIN).strip()
    if segment_info(plain).segments <= segments:
        assert fitted == plain
    else:
        assert fitted.endswith("...")
        assert plain.startswith(fitted.removesuffix("...").rstrip())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a" * 400, "a" * 150 + "..."),
        ("word " * 100, ("word " * 30).rstrip() + "..."),
        ("ж" * 100, "ж" * 64 + "..."),
    ],
)
def test_fit_cuts_at_a_word_when_it_can(text: str, expected: str) -> None:
    """One segment: cut at the last space in the second half, else mid-word."""
    assert fit(text, 1) == expected
