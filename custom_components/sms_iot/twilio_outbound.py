"""Twilio's REST API as a way out: one message per part, errors that say what to do."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from .const import DOMAIN, ROUTE_TWILIO
from .message_status import MessageStatus
from .models import SenderUnavailableError, SmsIotConfigEntry, TwilioLink
from .phone import mask_number
from .segments import segment_info, split_body
from .twilio_client import TwilioConnectionError, TwilioSendError, TwilioTimeoutError
from .twilio_urls import status_callback_url

_INVALID_RECIPIENT = {21211, 21614, 21635}
_UNSUBSCRIBED = 21610
_AUTH = {20003}


def _send_error(err: TwilioSendError) -> tuple[type[HomeAssistantError], str]:
    """Return the exception class and translation key for a refused message."""
    if err.code in _INVALID_RECIPIENT:
        return ServiceValidationError, "invalid_recipient"
    if err.code == _UNSUBSCRIBED:
        return ServiceValidationError, "unsubscribed"
    if err.code in _AUTH or err.status == 401:
        return HomeAssistantError, "invalid_auth"
    if err.status == 429 or err.status >= 500:
        # Twilio is failing, not the message: another way out may stand in.
        return SenderUnavailableError, "twilio_unavailable"
    return HomeAssistantError, "send_failed"


class TwilioSender:
    """Send texts as the entry's Twilio number (or Messaging Service)."""

    via = ROUTE_TWILIO
    media = True

    def __init__(
        self,
        hass: HomeAssistant,
        entry: SmsIotConfigEntry,
        link: TwilioLink,
    ) -> None:
        """Initialize with the entry's Twilio side."""
        self._hass = hass
        self._entry = entry
        self._client = link.client
        self._settings = link.settings
        self._compliance = link.compliance
        self._callback = status_callback_url(link.settings.public_url)

    def split(self, text: str) -> list[str]:
        """Return the bodies Twilio accepts (it splits each into segments itself)."""
        return split_body(text)

    async def async_send_part(
        self, to: str, body: str, media: list[str]
    ) -> dict[str, Any]:
        """Send one message; return its SID, status and segments."""
        placeholders = {
            "number": mask_number(to),
            "sender": mask_number(self._settings.number),
        }
        try:
            sent = await self._client.async_create_message(
                self._settings.number, to, body, media, self._callback
            )
        except TwilioSendError as err:
            self._compliance.failed(err.code, to)
            error, key = _send_error(err)
            if key == "invalid_auth":
                self._entry.async_start_reauth(self._hass)
            raise error(
                translation_domain=DOMAIN,
                translation_key=key,
                translation_placeholders=placeholders
                | {"code": str(err.code), "error": str(err)[:200]},
            ) from err
        except TwilioTimeoutError as err:
            raise SenderUnavailableError(
                translation_domain=DOMAIN,
                translation_key="twilio_timeout",
                translation_placeholders=placeholders,
            ) from err
        except TwilioConnectionError as err:
            raise SenderUnavailableError(
                translation_domain=DOMAIN,
                translation_key="twilio_unreachable",
                translation_placeholders=placeholders,
            ) from err
        self._compliance.accepted(to)
        self._entry.runtime_data.statuses.update(
            MessageStatus(sent.sid, to, sent.status)
        )
        info = segment_info(body)
        return {
            "message_sid": sent.sid,
            "status": sent.status,
            "segments": info.segments,
            "encoding": info.encoding,
        }
