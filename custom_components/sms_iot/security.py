"""Decide whether an inbound request may be acted on."""

from __future__ import annotations

import asyncio
from collections import OrderedDict, deque
from collections.abc import Mapping
from functools import lru_cache
import time
from typing import Any

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


# Parsing is the costliest step of a request; the same few senders text again and again.
@lru_cache(maxsize=1024)
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


ALREADY_HANDLED = "This message was already received."


class DedupeCache:
    """Remember the reply to each MessageSid so a retried delivery runs nothing twice."""

    def __init__(self, ttl: float = DEDUPE_TTL, max_size: int = DEDUPE_MAX) -> None:
        """Initialize an empty cache."""
        self._ttl = ttl
        self._max_size = max_size
        self._replies: OrderedDict[str, tuple[float, asyncio.Future[str]]] = (
            OrderedDict()
        )

    def _prune(self, now: float) -> None:
        """Forget messages older than the TTL, and the oldest beyond the size limit."""
        while self._replies:
            sid, (seen, _) = next(iter(self._replies.items()))
            if now - seen < self._ttl and len(self._replies) < self._max_size:
                break
            del self._replies[sid]

    def claim(self, message_sid: str) -> tuple[bool, asyncio.Future[str]]:
        """Return (True, a new future) for a first delivery, else (False, the first's)."""
        now = time.time()
        self._prune(now)
        if (known := self._replies.get(message_sid)) is not None:
            return False, known[1]
        future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._replies[message_sid] = (now, future)
        return True, future

    def export(self) -> dict[str, list[Any]]:
        """Return what must survive a restart: each message's time and reply."""
        return {
            sid: [seen, future.result() if future.done() else None]
            for sid, (seen, future) in self._replies.items()
        }

    def restore(self, stored: dict[str, list[Any]]) -> None:
        """Remember messages handled before a restart."""
        loop = asyncio.get_running_loop()
        for sid, (seen, reply) in sorted(stored.items(), key=lambda item: item[1][0]):
            future: asyncio.Future[str] = loop.create_future()
            # None: the restart came while it ran; it must still not run again.
            future.set_result(ALREADY_HANDLED if reply is None else reply)
            self._replies[sid] = (seen, future)
        self._prune(time.time())

    def __len__(self) -> int:
        """Return the number of remembered messages."""
        return len(self._replies)


class TokenBucket:
    """Per-key token buckets: a burst of `rate` tokens, refilled at `rate` per minute."""

    def __init__(self) -> None:
        """Initialize with no buckets."""
        self._buckets: dict[str, tuple[float, float]] = {}

    def allow(self, key: str, rate: int, cost: int = 1) -> bool:
        """Take cost tokens for key if that many are left; take none otherwise."""
        now = time.monotonic()
        tokens, last = self._buckets.get(key, (float(rate), now))
        tokens = min(float(rate), tokens + (now - last) * rate / 60)
        if tokens < cost:
            self._buckets[key] = (tokens, now)
            return False
        self._buckets[key] = (tokens - cost, now)
        return True


class SlidingWindow:
    """Count events within a sliding time window."""

    def __init__(self, window: float) -> None:
        """Initialize with the window length in seconds."""
        self._window = window
        self._times: deque[float] = deque()

    def count(self) -> int:
        """Return how many events fall in the window."""
        now = time.monotonic()
        while self._times and now - self._times[0] > self._window:
            self._times.popleft()
        return len(self._times)

    def add(self) -> int:
        """Record one event and return how many fall in the window."""
        self._times.append(time.monotonic())
        return self.count()

    def clear(self) -> None:
        """Forget all events."""
        self._times.clear()


class OncePer:
    """Allow something at most once per key per interval."""

    def __init__(self, interval: float = STRANGER_REFUSAL_INTERVAL) -> None:
        """Initialize with the interval in seconds."""
        self._interval = interval
        # Insertion order is time order: expired keys are always at the front.
        self._last: OrderedDict[str, float] = OrderedDict()

    def allow(self, key: str) -> bool:
        """Return True (and remember it) if key was not allowed within the interval."""
        now = time.monotonic()
        while self._last and now - next(iter(self._last.values())) >= self._interval:
            self._last.popitem(last=False)
        if key in self._last:
            return False
        self._last[key] = now
        return True
