"""Remember each message's reply, so a delivery retried by a transport runs nothing twice."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
import time
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store

from .const import DEDUPE_MAX, DEDUPE_TTL, DOMAIN
from .phrase import ALREADY_HANDLED


class DedupeCache:
    """The reply to each message id, for a day; a retry waits for the first's reply."""

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

    def claim(self, message_id: str) -> tuple[bool, asyncio.Future[str]]:
        """Return (True, a new future) for a first delivery, else (False, the first's)."""
        now = time.time()
        self._prune(now)
        if (known := self._replies.get(message_id)) is not None:
            return False, known[1]
        future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._replies[message_id] = (now, future)
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


class MessageMemory:
    """The dedupe cache of one entry and the store that keeps it across restarts."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Initialize, empty until loaded."""
        self.cache = DedupeCache()
        self._store: Store[dict[str, list[Any]]] = store(hass, entry_id)
        self._save_pending = False

    async def async_load(self) -> None:
        """Restore what was remembered before a restart."""
        if stored := await self._store.async_load():
            self.cache.restore(stored)

    def save_soon(self) -> None:
        """Schedule writing the memory, so a restart never runs a message twice."""
        # Scheduled once per write: rescheduling per message would cost each message a timer
        # and, under a steady stream, put the write off until the stream stops.
        if not self._save_pending:
            self._save_pending = True
            self._store.async_delay_save(self._export, 1.0)

    def _export(self) -> dict[str, list[Any]]:
        """Return the memory as it is when the store writes it."""
        self._save_pending = False
        return self.cache.export()

    async def async_save(self) -> None:
        """Write the memory now (on unload)."""
        self._save_pending = False
        await self._store.async_save(self.cache.export())


def store(hass: HomeAssistant, entry_id: str) -> Store[dict[str, list[Any]]]:
    """Return the store that keeps an entry's dedupe memory across restarts."""
    return Store(hass, 1, f"{DOMAIN}.{entry_id}.messages")
