"""Send texts for actions and notify entities: through Twilio, the modem, or both in turn."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import issue_registry as ir

from .commands import normalize
from .const import DOMAIN
from .models import Sender, SenderUnavailableError, SmsIotConfigEntry
from .phone import to_e164
from .repairs import HOURLY_CAP, issue_id

MAX_MEDIA = 10


def resolve_targets(
    hass: HomeAssistant, entry: SmsIotConfigEntry, targets: list[str]
) -> list[str]:
    """Turn names of authorized numbers and phone numbers into E.164 numbers."""
    by_name = {
        normalize(number.name): number.number
        for number in entry.runtime_data.config.numbers.values()
    }
    recipients: list[str] = []
    for target in targets:
        number = by_name.get(normalize(target)) or to_e164(target, hass.config.country)
        if number is None:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="invalid_target",
                translation_placeholders={"target": target[:40]},
            )
        if number not in recipients:
            recipients.append(number)
    return recipients


async def async_send(
    hass: HomeAssistant,
    entry: SmsIotConfigEntry,
    recipients: list[str],
    message: str,
    media_urls: list[str] | None = None,
) -> list[dict[str, Any]]:
    """Send a message to each recipient; return what was accepted, part by part, and how."""
    data = entry.runtime_data
    media = media_urls or []
    if not data.senders:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="entry_cannot_text",
            translation_placeholders={"title": entry.title},
        )
    first = data.senders[0]
    if media and not first.media:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="modem_no_media"
        )
    parts = first.split(message)
    needed = len(recipients) * len(parts)
    cap = data.config.hourly_cap
    if data.outbound.count() + needed > cap:
        ir.async_create_issue(
            hass,
            DOMAIN,
            issue_id(HOURLY_CAP, entry.entry_id),
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key=HOURLY_CAP,
            translation_placeholders={"title": entry.title, "cap": str(cap)},
        )
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="hourly_cap",
            translation_placeholders={"cap": str(cap), "needed": str(needed)},
        )
    # Sending works again: the repair about the cap has no cause any more.
    ir.async_delete_issue(hass, DOMAIN, issue_id(HOURLY_CAP, entry.entry_id))
    results: list[dict[str, Any]] = []
    for to in recipients:
        results += await _async_deliver(entry, data.senders, to, parts, media)
    return results


async def _async_deliver(
    entry: SmsIotConfigEntry,
    senders: tuple[Sender, ...],
    to: str,
    parts: list[str],
    media: list[str],
) -> list[dict[str, Any]]:
    """Send the parts the first way; if it is down, the rest of the text the next way."""
    sender, *fallbacks = senders
    results: list[dict[str, Any]] = []
    for index, part in enumerate(parts):
        try:
            sent = await sender.async_send_part(to, part, media if index == 0 else [])
        except SenderUnavailableError:
            if not fallbacks:
                raise
            rest = " ".join(parts[index:])
            return results + await _async_deliver(
                entry, tuple(fallbacks), to, fallbacks[0].split(rest), []
            )
        entry.runtime_data.outbound.add()
        results.append({"to": to, "via": sender.via} | sent)
    return results
