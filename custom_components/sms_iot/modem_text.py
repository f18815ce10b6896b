"""Texts a SIM800L can carry: folded to plain GSM-7, split into numbered parts (pure)."""

from __future__ import annotations

import unicodedata

from text_unidecode import unidecode

from .segments import septets, units

# The SIM800L's text mode sends one segment per message.
MODEM_SEGMENT = 160
# Parts this long may be followed by the rest of a longer text (153 septets per part of a
# concatenated GSM-7 text, 67 UCS-2 units; a little less when a character is not split).
CONTINUED_GSM7 = 152
CONTINUED_UCS2 = 66

# Printable ASCII but the backtick (not in GSM 03.38): what the module sends unmangled.
_SAFE = frozenset(chr(c) for c in range(0x20, 0x7F)) - {"`"} | {"\n"}
_SPECIAL = {"`": "'", "\t": " ", "\r": ""}


def _fold_char(char: str) -> str:
    """Return a character as the plain text that stands for it."""
    if char in _SAFE:
        return char
    if char in _SPECIAL:
        return _SPECIAL[char]
    if unicodedata.combining(char):
        return ""
    folded = "".join(c for c in unidecode(char) if c in _SAFE)
    return folded or "?"


def fold(text: str) -> str:
    """Return the text in the characters a SIM800L sends as they are (é→e, “”→")."""
    return "".join(_fold_char(c) for c in unicodedata.normalize("NFC", text))


def _split(text: str, budget: int) -> list[str]:
    """Split text into pieces of at most budget septets, at whitespace when possible."""
    pieces: list[str] = []
    rest = text
    while septets(rest) > budget:
        end = 0
        used = 0
        while used + septets(rest[end]) <= budget:
            used += septets(rest[end])
            end += 1
        cut = max(
            rest.rfind(" ", end // 2, end + 1), rest.rfind("\n", end // 2, end + 1)
        )
        if cut <= 0:
            cut = end
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    pieces.append(rest.rstrip())
    return [piece for piece in pieces if piece]


def modem_parts(text: str) -> list[str]:
    """Return the texts to send for one message: folded, numbered "(1/3) " when split."""
    folded = fold(text)
    if septets(folded) <= MODEM_SEGMENT:
        return [folded]
    count = 2
    while True:
        pieces = _split(folded, MODEM_SEGMENT - len(f"({count}/{count}) "))
        if len(pieces) <= count:
            break
        count = len(pieces)
    return [f"({i}/{len(pieces)}) {piece}" for i, piece in enumerate(pieces, 1)]


def may_continue(part: str) -> bool:
    """Return True if a received text is long enough to be one part of a longer text."""
    encoding, length = units(part)
    return length >= (CONTINUED_GSM7 if encoding == "GSM-7" else CONTINUED_UCS2)
