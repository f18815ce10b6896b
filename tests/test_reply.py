"""Tests for the reply renderer."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from custom_components.sms_iot.phrase import MAX_REPLY_CHARS, render_text
from custom_components.sms_iot.twilio_webhook import twiml


def test_short_reply_unchanged() -> None:
    """Short replies are joined line by line."""
    assert render_text(["Kitchen: ON", "Porch: OFF"]) == "Kitchen: ON\nPorch: OFF"


def test_long_reply_drops_whole_lines() -> None:
    """Over the limit, whole lines are dropped and counted."""
    lines = [f"Device {i:03}: ON 100%" for i in range(200)]
    text = render_text(lines)
    assert len(text) <= MAX_REPLY_CHARS
    kept = text.split("\n")[:-1]
    assert kept == lines[: len(kept)]
    assert text.endswith(f"(+{len(lines) - len(kept)} more lines)")


def test_single_huge_line_is_cut() -> None:
    """One line longer than the limit is cut with an ellipsis."""
    text = render_text(["x" * 5000])
    assert len(text) == MAX_REPLY_CHARS
    assert text.endswith("…")


def test_twiml_escapes_and_empty() -> None:
    """TwiML is well-formed XML with the text escaped; no text means no message."""
    root = ET.fromstring(twiml("a < b & c"))
    assert root.tag == "Response"
    assert root.find("Message").text == "a < b & c"  # type: ignore[union-attr]
    assert list(ET.fromstring(twiml(""))) == []
