"""Limiters: per-sender rate limit, sliding windows, once-per-interval (pure)."""

from __future__ import annotations

from collections import OrderedDict, deque
from enum import StrEnum
import time

from .const import STRANGER_REFUSAL_INTERVAL


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


class Allowance(StrEnum):
    """What the rate limit allows for one message."""

    ALLOWED = "allowed"
    SLOW_DOWN = "slow_down"  # refused; say so once
    SILENT = "silent"  # refused again; say nothing


class SenderLimiter:
    """The per-sender rate limit, and who was already told to slow down."""

    def __init__(self) -> None:
        """Initialize with no senders."""
        self._buckets = TokenBucket()
        self._told: set[str] = set()

    def charge(self, sender: str, rate: int) -> None:
        """Take one token for a refused message (a PIN guess), if one is left."""
        self._buckets.allow(sender, rate)

    def check(self, sender: str, rate: int, commands: int) -> Allowance:
        """Charge a message's commands (at least one, at most a full bucket)."""
        if self._buckets.allow(sender, rate, min(rate, max(1, commands))):
            self._told.discard(sender)
            return Allowance.ALLOWED
        if sender in self._told:
            return Allowance.SILENT
        self._told.add(sender)
        return Allowance.SLOW_DOWN


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
