"""Set up the KORE side of an entry: check the API client, the unsigned-callbacks repair."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryAuthFailed, ConfigEntryNotReady
from homeassistant.helpers import issue_registry as ir

from .const import CONF_KORE_CLIENT_SECRET, CONF_SIM_SID, DOMAIN, SUBENTRY_SIM
from .kore_client import KoreAuthError, KoreClient, KoreError
from .kore_sims import async_give_back
from .models import KoreLink, KoreSettings, SmsIotConfigEntry
from .repairs import KORE_UNSIGNED, issue_id


async def async_connect_kore(
    hass: HomeAssistant, entry: SmsIotConfigEntry, settings: KoreSettings
) -> KoreLink:
    """Check the client credentials with a token; return the entry's KORE side."""
    client = KoreClient(hass, settings.client_id, entry.data[CONF_KORE_CLIENT_SECRET])
    try:
        await client.async_verify()
    except KoreAuthError as err:
        raise ConfigEntryAuthFailed(
            translation_domain=DOMAIN, translation_key="kore_invalid_auth"
        ) from err
    except KoreError as err:
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN, translation_key="kore_cannot_connect"
        ) from err
    # SIMs removed since the last start get their own callback back.
    sims = {
        s.data[CONF_SIM_SID]
        for s in entry.subentries.values()
        if s.subentry_type == SUBENTRY_SIM
    }
    await async_give_back(hass, entry.entry_id, client, sims)
    unsigned = issue_id(KORE_UNSIGNED, entry.entry_id)
    if settings.accept_unsigned and not settings.webhook_secret:
        # Stays as long as callbacks are accepted without a signature.
        ir.async_create_issue(
            hass,
            DOMAIN,
            unsigned,
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key=KORE_UNSIGNED,
            translation_placeholders={"title": entry.title},
        )
    else:
        ir.async_delete_issue(hass, DOMAIN, unsigned)
    return KoreLink(settings=settings, client=client)
