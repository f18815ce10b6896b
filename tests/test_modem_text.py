"""Tests for what the modem sends: GSM-7 folding and numbered parts of one segment."""

from __future__ import annotations

import re

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.sms_iot.modem_text import (
    MODEM_SEGMENT,
    fold,
    may_continue,
    modem_parts,
)
from custom_components.sms_iot.segments import is_gsm7, septets

_PART = re.compile(r"^\((\d+)/(\d+)\) ")


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Kitchen: ON", "Kitchen: ON"),
        ("café", "cafe"),
        ("e\u0301te\u0301", "ete"),  # combining accents
        ("q\u0301x", "qx"),  # a combining accent with no precomposed letter
        ("\u201cquoted\u201d \u2018single\u2019", "\"quoted\" 'single'"),
        ("a \u2014 b \u2013 c \u2026 d", "a -- b - c ... d"),
        ("Grüße, Ærø", "Grusse, AEro"),
        ("20 €", "20 EUR"),
        ("tab\there\r\n", "tab here\n"),
        ("`tick`", "'tick'"),
        ("💡 on", "? on"),
        ("\x00\x07bell", "??bell"),
    ],
)
def test_fold(text: str, folded: str) -> None:
    """Characters the SIM800L would mangle become their plain equivalents."""
    assert fold(text) == folded


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=1200))
def test_parts_fit_one_segment_of_plain_gsm7(text: str) -> None:
    """Every part is GSM-7, at most 160 septets, numbered 1..n, and keeps every word."""
    parts = modem_parts(text)
    for part in parts:
        assert is_gsm7(part)
        assert "`" not in part
        assert septets(part) <= MODEM_SEGMENT
    if len(parts) == 1:
        assert parts == [fold(text)]
        return
    numbers = [_PART.match(part) for part in parts]
    assert all(numbers)
    assert [(int(m[1]), int(m[2])) for m in numbers if m] == [
        (i, len(parts)) for i in range(1, len(parts) + 1)
    ]
    bodies = [_PART.sub("", part) for part in parts]
    assert all(body.strip() for body in bodies)
    assert "".join("".join(b.split()) for b in bodies) == "".join(fold(text).split())


def test_parts_split_at_spaces() -> None:
    """Long texts break between words and are numbered."""
    parts = modem_parts("word " * 100)
    assert [len(p) for p in parts] == [160, 160, 160, 40]
    assert parts[0].startswith("(1/4) word")
    assert parts[3] == "(4/4) " + " ".join(["word"] * 7)


@pytest.mark.parametrize(
    ("part", "continued"),
    [
        ("relay on", False),
        ("a" * 151, False),
        ("a" * 152, True),
        ("a" * 153, True),
        ("{" * 76, True),  # extension characters: two septets each
        ("ж" * 65, False),
        ("ж" * 66, True),
        ("ж" * 67, True),
    ],
)
def test_may_continue(part: str, continued: bool) -> None:
    """Only a full part of a concatenated text waits for the rest."""
    assert may_continue(part) is continued


def test_parts_cut_words_that_fill_a_segment() -> None:
    """A text without spaces is cut where the segment is full."""
    parts = modem_parts("x" * 500)
    assert [len(p) for p in parts] == [160, 160, 160, 44]
    assert parts[3] == "(4/4) " + "x" * 38
