"""Decide whether an inbound request may be acted on."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Mapping
import time

import phonenumbers
from twilio.request_validator import RequestValidator

from .const import DEDUPE_MAX, DEDUPE_TTL, STRANGER_REFUSAL_INTERVAL


def signed_url(public_url: str, query_string: str) -> str:
    """Return the URL Twilio signed: the stored public URL plus the query it called with."""
    base = public_url.split("?", 1)[0]
    return f"{base}?{query_string}" if query_string else base


def signature_valid(
    validator: RequestValidator,
    public_url: str,
    query_string: str,
    params: Mapping[str, str],
    signature: str | None,
) -> bool:
    """Return True if the X-Twilio-Signature matches the public URL and parameters."""
    if not signature:
        return False
    return bool(
        validator.validate(signed_url(public_url, query_string), params, signature)
    )


def to_e164(number: str, region: str | None = None) -> str | None:
    """Return the number in E.164, or None if it is not a valid phone number."""
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def mask_number(number: str) -> str:
    """Hide all but the last four digits of a phone number."""
    if len(number) <= 4:
        return "*" * len(number)
    return "*" * (len(number) - 4) + number[-4:]


class DedupeCache:
    """Remember the reply to each MessageSid so a retried delivery runs nothing twice."""

    def __init__(self, ttl: float = DEDUPE_TTL, max_size: int = DEDUPE_MAX) -> None:
        """Initialize an empty cache."""
        self._ttl = ttl
        self._max_size = max_size
        self._replies: OrderedDict[str, tuple[float, asyncio.Future[str]]] = (
            OrderedDict()
        )

    def claim(self, message_sid: str) -> tuple[bool, asyncio.Future[str]]:
        """Return (True, a new future) for a first delivery, else (False, the first's)."""
        now = time.monotonic()
        while self._replies:
            sid, (seen, _) = next(iter(self._replies.items()))
            if now - seen < self._ttl and len(self._replies) < self._max_size:
                break
            del self._replies[sid]
        if (known := self._replies.get(message_sid)) is not None:
            return False, known[1]
        future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._replies[message_sid] = (now, future)
        return True, future

    def __len__(self) -> int:
        """Return the number of remembered messages."""
        return len(self._replies)


class OncePer:
    """Allow something at most once per key per interval."""

    def __init__(self, interval: float = STRANGER_REFUSAL_INTERVAL) -> None:
        """Initialize with the interval in seconds."""
        self._interval = interval
        self._last: dict[str, float] = {}

    def allow(self, key: str) -> bool:
        """Return True (and remember it) if key was not allowed within the interval."""
        now = time.monotonic()
        self._last = {k: t for k, t in self._last.items() if now - t < self._interval}
        if key in self._last:
            return False
        self._last[key] = now
        return True
