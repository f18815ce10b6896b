"""The Commands callback of each SIM sms_iot took over, and putting it back afterwards."""

from __future__ import annotations

import logging
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store

from .const import DOMAIN
from .kore_client import KoreClient, KoreError, Sim

_LOGGER = logging.getLogger(__name__)
_VERSION = 1


def _store(hass: HomeAssistant, entry_id: str) -> Store[dict[str, Any]]:
    """Return where an entry keeps the callbacks its SIMs had before."""
    return Store(hass, _VERSION, f"{DOMAIN}.{entry_id}.kore_callbacks")


async def async_take_over(
    hass: HomeAssistant, entry_id: str, client: KoreClient, sim: Sim, url: str
) -> None:
    """Point the SIM's Commands callback at url, remembering the one it had."""
    store = _store(hass, entry_id)
    previous = await store.async_load() or {}
    await client.async_set_callback(sim.sid, url, "POST")
    previous.setdefault(
        sim.sid, {"url": sim.callback_url, "method": sim.callback_method or "POST"}
    )
    await store.async_save(previous)


async def async_give_back(
    hass: HomeAssistant, entry_id: str, client: KoreClient, keep: set[str]
) -> None:
    """Restore the callbacks of the SIMs no longer configured (all of them if keep is empty)."""
    store = _store(hass, entry_id)
    previous = await store.async_load() or {}
    gone = [sid for sid in previous if sid not in keep]
    if not gone:
        return
    for sid in gone:
        old = previous[sid]
        try:
            await client.async_set_callback(sid, old["url"] or "", old["method"])
        except KoreError as err:
            # Kept: tried again at the next start of the entry.
            _LOGGER.warning(
                "Could not restore the callback of SIM %s: %s", sid[-4:], err
            )
            continue
        del previous[sid]
    if previous:
        await store.async_save(previous)
    else:
        await store.async_remove()
