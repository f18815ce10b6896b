"""Render execution results as a TwiML reply."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from twilio.twiml.messaging_response import MessagingResponse

MAX_REPLY_CHARS = 1600
SORRY = "Sorry, something went wrong. Please try again."


def render_text(lines: Sequence[str], limit: int = MAX_REPLY_CHARS) -> str:
    """Join reply lines, dropping whole lines beyond the limit and saying how many."""
    text = "\n".join(lines)
    if len(text) <= limit:
        return text
    kept: list[str] = []
    for index, line in enumerate(lines):
        suffix = f"\n(+{len(lines) - index} more lines)"
        candidate = "\n".join([*kept, line])
        if len(candidate) + len(suffix) > limit:
            if not kept:
                return line[: limit - 1] + "…"
            return "\n".join(kept) + suffix
        kept.append(line)
    return "\n".join(kept)  # pragma: no cover - the loop always returns


# Replies repeat (the same states, the same refusals); the XML need not be built each time.
@lru_cache(maxsize=256)
def twiml(text: str | None) -> str:
    """Return a TwiML document replying with text, or replying nothing."""
    response = MessagingResponse()
    if text:
        response.message(text)
    return str(response)
