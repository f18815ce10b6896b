"""Talk to Twilio's REST API on Home Assistant's shared aiohttp session."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
import logging
from typing import Any

from aiohttp import ClientError
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.rest import Client

# twilio imports its API modules lazily, on first use in the event loop; import them now,
# while Home Assistant imports the integration in an executor.
import twilio.rest.api.v2010.account
import twilio.rest.messaging
import twilio.rest.messaging.v1.service
import twilio.rest.messaging.v1.service.phone_number
import twilio.rest.messaging.v1.tollfree_verification  # noqa: F401

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from .const import TWILIO_TIMEOUT
from .twilio_inbound import (
    InboundWebhook,
    NumberFacts,
    async_get_inbound,
    async_number_facts,
    async_set_inbound,
    service_facts,
)

# twilio logs every request URL and form (account SID, phone numbers) at INFO.
_HTTP_LOGGER = logging.getLogger(__name__ + ".http")
_HTTP_LOGGER.setLevel(logging.WARNING)


class TwilioError(HomeAssistantError):
    """Base class for Twilio errors."""


class TwilioAuthError(TwilioError):
    """Twilio refused the Account SID or auth token."""


class TwilioConnectionError(TwilioError):
    """Twilio could not be reached or answered with a server error."""


class TwilioSenderError(TwilioError):
    """The phone number or Messaging Service does not belong to the account."""


def is_messaging_service(twilio_number: str) -> bool:
    """Return True if the Twilio number is a Messaging Service SID rather than a number."""
    return twilio_number.upper().startswith("MG")


def _error(err: TwilioRestException, not_found: type[TwilioError]) -> TwilioError:
    """Map a Twilio REST error to ours."""
    if err.status in (401, 403):
        return TwilioAuthError()
    if err.status == 404:
        return not_found()
    return TwilioConnectionError()


@asynccontextmanager
async def _calls(not_found: type[TwilioError]) -> AsyncIterator[None]:
    """Bound a few API calls in time and turn their failures into ours."""
    try:
        async with asyncio.timeout(TWILIO_TIMEOUT):
            yield
    except TwilioRestException as err:
        raise _error(err, not_found) from err
    except (ClientError, TimeoutError, TwilioException) as err:
        # TwilioException: a list's page that could not be fetched.
        raise TwilioConnectionError from err


class TwilioSendError(TwilioError):
    """Twilio refused a message; code is Twilio's error code."""

    def __init__(self, code: int | None, status: int, message: str) -> None:
        """Remember Twilio's error code, HTTP status and message."""
        super().__init__(message)
        self.code = code
        self.status = status


class TwilioTimeoutError(TwilioError):
    """Twilio did not answer in time; the message may or may not have been sent."""


_RETRIES = 3
_BACKOFF = 0.5


@dataclass(frozen=True, slots=True)
class SentMessage:
    """What Twilio accepted: the message's SID and first status."""

    sid: str
    status: str


class TwilioClient:
    """Twilio's REST API for one account, on Home Assistant's shared aiohttp session."""

    def __init__(self, hass: HomeAssistant, account_sid: str, auth_token: str) -> None:
        """Create the client; nothing is sent yet."""
        http_client = AsyncTwilioHttpClient(pool_connections=False, logger=_HTTP_LOGGER)
        # Never closed by us: the session belongs to Home Assistant.
        http_client.session = async_get_clientsession(hass)
        self._client = Client(account_sid, auth_token, http_client=http_client)

    async def async_verify(self, twilio_number: str) -> None:
        """Check the credentials and that the Twilio number belongs to the account."""
        client = self._client
        async with _calls(TwilioAuthError):
            await client.api.v2010.accounts(client.account_sid).fetch_async()
        async with _calls(TwilioSenderError):
            if is_messaging_service(twilio_number):
                await client.messaging.v1.services(twilio_number).fetch_async()
            elif not await client.incoming_phone_numbers.list_async(
                phone_number=twilio_number, limit=1
            ):
                raise TwilioSenderError

    async def async_facts(self, twilio_number: str) -> NumberFacts:
        """Read what Twilio says about the number: webhook, capabilities, registration."""
        client = self._client
        async with _calls(TwilioSenderError):
            if is_messaging_service(twilio_number):
                return service_facts(
                    await client.messaging.v1.services(twilio_number).fetch_async()
                )
            found = await client.incoming_phone_numbers.list_async(
                phone_number=twilio_number, limit=1
            )
            if not found:
                raise TwilioSenderError
            return await async_number_facts(client, found[0])

    async def async_get_inbound(self, sid: str) -> InboundWebhook:
        """Return where the number or Messaging Service sends incoming texts now."""
        async with _calls(TwilioSenderError):
            return await async_get_inbound(self._client, sid)

    async def async_set_inbound(self, sid: str, hook: InboundWebhook) -> None:
        """Point the number or Messaging Service's incoming texts at a URL."""
        async with _calls(TwilioSenderError):
            await async_set_inbound(self._client, sid, hook)

    async def async_create_message(
        self,
        twilio_number: str,
        to: str,
        body: str,
        media_urls: list[str],
        status_callback: str,
    ) -> SentMessage:
        """Send one message; retry Twilio's 429 and 5xx answers a few times with backoff."""
        kwargs: dict[str, Any] = {
            "to": to,
            "body": body,
            "status_callback": status_callback,
        }
        if is_messaging_service(twilio_number):
            kwargs["messaging_service_sid"] = twilio_number
        else:
            kwargs["from_"] = twilio_number
        if media_urls:
            kwargs["media_url"] = media_urls
        attempt = 0
        while True:
            try:
                async with asyncio.timeout(TWILIO_TIMEOUT):
                    sent = await self._client.messages.create_async(**kwargs)
                    return SentMessage(str(sent.sid), str(sent.status))
            except TwilioRestException as err:
                attempt += 1
                if (err.status == 429 or err.status >= 500) and attempt < _RETRIES:
                    await asyncio.sleep(_BACKOFF * 2 ** (attempt - 1))
                    continue
                raise TwilioSendError(err.code, err.status, err.msg) from err
            except TimeoutError as err:
                # Not retried: Twilio may have accepted it, and a retry would send it twice.
                raise TwilioTimeoutError from err
            except ClientError as err:
                raise TwilioConnectionError from err
