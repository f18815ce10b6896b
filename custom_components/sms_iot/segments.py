"""Count SMS segments and split long texts (pure: no Home Assistant imports)."""

from __future__ import annotations

from dataclasses import dataclass

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


def segment_info(text: str) -> SegmentInfo:
    """Return the encoding (GSM-7 or UCS-2) and segment count of a text."""
    if all(c in _GSM_BASIC or c in _GSM_EXTENDED for c in text):
        units = sum(2 if c in _GSM_EXTENDED else 1 for c in text)
        single, multi, encoding = 160, 153, "GSM-7"
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, multi, encoding = 70, 67, "UCS-2"
    if units <= single:
        return SegmentInfo(encoding, 1)
    return SegmentInfo(encoding, -(-units // multi))


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
