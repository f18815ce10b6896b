"""Count SMS segments and split long texts (pure: no Home Assistant imports)."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate

# Twilio refuses bodies longer than this; longer texts are sent as several messages.
MAX_BODY = 1600

# GSM 03.38 basic character set, and the extension table (each costs two septets).
_GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENDED = frozenset("^{}\\[~]|€\f")


@dataclass(frozen=True, slots=True)
class SegmentInfo:
    """How a text travels: its encoding and how many SMS segments it takes."""

    encoding: str
    segments: int


def is_gsm7(text: str) -> bool:
    """Return True if every character of the text is in the GSM 03.38 alphabet."""
    return all(c in _GSM_BASIC or c in _GSM_EXTENDED for c in text)


def septets(text: str) -> int:
    """Return the GSM-7 length of a text: extension characters cost two septets."""
    return sum(2 if c in _GSM_EXTENDED else 1 for c in text)


def units(text: str) -> tuple[str, int]:
    """Return the encoding (GSM-7 or UCS-2) of a text and its length in that encoding."""
    if is_gsm7(text):
        return "GSM-7", septets(text)
    return "UCS-2", len(text.encode("utf-16-le")) // 2


def segment_info(text: str) -> SegmentInfo:
    """Return the encoding (GSM-7 or UCS-2) and segment count of a text."""
    encoding, length = units(text)
    single, multi = (160, 153) if encoding == "GSM-7" else (70, 67)
    if length <= single:
        return SegmentInfo(encoding, 1)
    return SegmentInfo(encoding, -(-length // multi))


def split_body(text: str, limit: int = MAX_BODY) -> list[str]:
    """Split a text into parts of at most limit characters, at whitespace when possible."""
    parts: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind(" ", limit // 2, limit + 1)
        if cut <= 0:
            cut = rest.rfind("\n", limit // 2, limit + 1)
        if cut <= 0:
            cut = limit
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    parts.append(rest)
    return [part for part in parts if part] or [""]


# Typography a GSM-7 phone shows as plain ASCII; left in, one such character costs UCS-2.
_PLAIN = str.maketrans(
    {
        "\u2026": "...",  # ellipsis
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",  # en dash
        "\u2014": "-",  # em dash
        "\u00a0": " ",  # no-break space
    }
)


def _utf16_units(text: str) -> int:
    """Return a text's length in UCS-2 code units."""
    return len(text.encode("utf-16-le")) // 2


def fit(text: str, segments: int) -> str:
    """Return the text in at most that many segments: plain typography, cut at a word."""
    text = text.translate(_PLAIN).strip()
    if segment_info(text).segments <= segments:
        return text
    encoding, _ = units(text)
    per = 153 if encoding == "GSM-7" else 67
    budget = per * segments - 3  # room for "..."
    size = septets if encoding == "GSM-7" else _utf16_units
    cut = text[: bisect_right(list(accumulate(map(size, text))), budget)]
    if (space := cut.rfind(" ", len(cut) // 2)) > 0:
        cut = cut[:space]
    return cut.rstrip() + "..."
