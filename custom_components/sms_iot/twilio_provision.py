"""Point the Twilio number at Home Assistant, and put back what it pointed at before."""

from __future__ import annotations

import logging
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant

from .const import (
    CONF_ACCOUNT_SID,
    CONF_AUTH_TOKEN,
    CONF_INBOUND_BEFORE,
    CONF_INBOUND_SID,
    CONF_PUBLIC_URL,
)
from .twilio_client import TwilioClient, TwilioError
from .twilio_inbound import InboundWebhook, NumberFacts

_LOGGER = logging.getLogger(__name__)


async def async_provision(
    client: TwilioClient, facts: NumberFacts, url: str
) -> dict[str, Any]:
    """Point the number at url; return the entry data that remembers what to restore."""
    await client.async_set_inbound(facts.sid, InboundWebhook(url, "POST"))
    # Already ours (an entry added again): nothing of the user's to put back.
    before = facts.inbound if facts.inbound.url != url else InboundWebhook(None, None)
    return {CONF_INBOUND_SID: facts.sid, CONF_INBOUND_BEFORE: before.as_dict()}


async def async_restore_if_ours(
    client: TwilioClient, data: dict[str, Any] | Any
) -> bool:
    """Put back the webhook there was before, unless someone changed it since; True if done."""
    sid = data[CONF_INBOUND_SID]
    if (await client.async_get_inbound(sid)).url != data[CONF_PUBLIC_URL]:
        return False
    await client.async_set_inbound(
        sid, InboundWebhook.from_dict(data[CONF_INBOUND_BEFORE])
    )
    return True


async def async_reprovision(
    client: TwilioClient,
    data: dict[str, Any] | Any,
    facts: NumberFacts | None,
    url: str,
) -> dict[str, Any]:
    """Follow a reconfigure: the new number and URL if facts is given, else hand back.

    Returns the provisioning keys of the new data ({} when not provisioned). Raises
    TwilioError with nothing changed at Twilio when a step fails.
    """
    old_sid = data.get(CONF_INBOUND_SID)
    if facts is not None and facts.sid == old_sid:
        await client.async_set_inbound(facts.sid, InboundWebhook(url, "POST"))
        return {k: data[k] for k in (CONF_INBOUND_SID, CONF_INBOUND_BEFORE)}
    new = await async_provision(client, facts, url) if facts is not None else {}
    if old_sid is not None:
        try:
            await async_restore_if_ours(client, data)
        except TwilioError:
            if facts is not None:
                # Undo the new number, so a failed reconfigure leaves Twilio as it was.
                await client.async_set_inbound(facts.sid, facts.inbound)
            raise
    return new


async def async_restore_on_remove(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Give the number back its previous webhook when the entry that set it goes away."""
    if CONF_INBOUND_SID not in entry.data:
        return
    client = TwilioClient(
        hass, entry.data[CONF_ACCOUNT_SID], entry.data[CONF_AUTH_TOKEN]
    )
    try:
        restored = await async_restore_if_ours(client, entry.data)
    except TwilioError:
        _LOGGER.warning(
            "Could not put back the previous webhook of %s in Twilio; set "
            "'A message comes in' in the Twilio Console",
            entry.title,
        )
        return
    if not restored:
        _LOGGER.info(
            "%s no longer sends texts to this entry's URL; its webhook is left as is",
            entry.title,
        )
