"""Understanding a text: today the terse grammar; Home Assistant's intents plug in here."""

from __future__ import annotations

from .commands import ParseResult, parse


def understand(text: str) -> ParseResult:
    """Return what a text asks for (pure: the grammar, no Home Assistant state)."""
    return parse(text)
