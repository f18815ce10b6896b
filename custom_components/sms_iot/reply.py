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
    kept = 0
    length = -1  # the first line has no newline before it
    # Keep whole lines while they and the "(+N more lines)" note still fit.
    while (
        length + 1 + len(lines[kept]) + len(f"\n(+{len(lines) - kept} more lines)")
        <= limit
    ):
        length += 1 + len(lines[kept])
        kept += 1
    if not kept:
        return lines[0][: limit - 1] + "…"
    return "\n".join(lines[:kept]) + f"\n(+{len(lines) - kept} more lines)"


# Replies repeat (the same states, the same refusals); the XML need not be built each time.
@lru_cache(maxsize=256)
def twiml(text: str | None) -> str:
    """Return a TwiML document replying with text, or replying nothing."""
    response = MessagingResponse()
    if text:
        response.message(text)
    return str(response)
