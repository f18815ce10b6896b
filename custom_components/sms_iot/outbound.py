"""Send SMS/MMS through Twilio for actions and notify entities."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import issue_registry as ir

from .commands import normalize
from .const import DOMAIN
from .message_status import MessageStatus
from .models import SmsIotConfigEntry
from .phone import mask_number, to_e164
from .repairs import HOURLY_CAP, issue_id
from .segments import segment_info, split_body
from .twilio_client import (
    SentMessage,
    TwilioConnectionError,
    TwilioSendError,
    TwilioTimeoutError,
)
from .twilio_urls import status_callback_url

MAX_MEDIA = 10
_INVALID_RECIPIENT = {21211, 21614, 21635}
_UNSUBSCRIBED = 21610
_AUTH = {20003}


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
    """Send a message to each recipient; return what Twilio accepted, part by part."""
    data = entry.runtime_data
    media = media_urls or []
    parts = split_body(message)
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
    callback = status_callback_url(data.config.public_url)
    results: list[dict[str, Any]] = []
    for to in recipients:
        for index, part in enumerate(parts):
            sent = await _async_send_one(
                hass, entry, to, part, media if index == 0 else [], callback
            )
            data.outbound.add()
            info = segment_info(part)
            results.append(
                {
                    "to": to,
                    "message_sid": sent.sid,
                    "status": sent.status,
                    "segments": info.segments,
                    "encoding": info.encoding,
                }
            )
            data.statuses.update(MessageStatus(sent.sid, to, sent.status))
    return results


def _send_error(err: TwilioSendError) -> tuple[type[HomeAssistantError], str]:
    """Return the exception class and translation key for a refused message."""
    if err.code in _INVALID_RECIPIENT:
        return ServiceValidationError, "invalid_recipient"
    if err.code == _UNSUBSCRIBED:
        return ServiceValidationError, "unsubscribed"
    if err.code in _AUTH or err.status == 401:
        return HomeAssistantError, "invalid_auth"
    if err.status == 429 or err.status >= 500:
        return HomeAssistantError, "twilio_unavailable"
    return HomeAssistantError, "send_failed"


async def _async_send_one(
    hass: HomeAssistant,
    entry: SmsIotConfigEntry,
    to: str,
    body: str,
    media: list[str],
    callback: str,
) -> SentMessage:
    """Send one message, turning Twilio's answers into errors that say what to do."""
    data = entry.runtime_data
    placeholders = {
        "number": mask_number(to),
        "sender": mask_number(data.config.twilio_number),
    }
    try:
        return await data.client.async_create_message(
            data.config.twilio_number, to, body, media, callback
        )
    except TwilioSendError as err:
        error, key = _send_error(err)
        if key == "invalid_auth":
            entry.async_start_reauth(hass)
        raise error(
            translation_domain=DOMAIN,
            translation_key=key,
            translation_placeholders=placeholders
            | {"code": str(err.code), "error": str(err)[:200]},
        ) from err
    except TwilioTimeoutError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="twilio_timeout",
            translation_placeholders=placeholders,
        ) from err
    except TwilioConnectionError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="twilio_unreachable",
            translation_placeholders=placeholders,
        ) from err
