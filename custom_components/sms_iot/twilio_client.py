"""Talk to Twilio's REST API on Home Assistant's shared aiohttp session.

Set-up only needs to know that the credentials work and the number is the account's: three
documented GETs, made here, so that starting Home Assistant never loads the twilio library's
REST client (twilio_rest); everything else goes through that client, loaded on first use.
"""

from __future__ import annotations

import asyncio
from base64 import b64encode
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from aiohttp import ClientError, hdrs
from twilio.base.exceptions import TwilioException, TwilioRestException

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.importlib import async_import_module

from .const import TWILIO_TIMEOUT
from .twilio_inbound import (
    InboundWebhook,
    NumberFacts,
    async_get_inbound,
    async_number_facts,
    async_set_inbound,
    service_facts,
)

if TYPE_CHECKING:
    from twilio.rest import Client

API_URL = "https://api.twilio.com"
MESSAGING_URL = "https://messaging.twilio.com"


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


def _error(status: int, not_found: type[TwilioError]) -> TwilioError:
    """Map a Twilio REST error's HTTP status to ours."""
    if status in (HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN):
        return TwilioAuthError()
    if status == HTTPStatus.NOT_FOUND:
        return not_found()
    return TwilioConnectionError()


@asynccontextmanager
async def _calls(not_found: type[TwilioError]) -> AsyncIterator[None]:
    """Bound a few API calls in time and turn their failures into ours."""
    try:
        async with asyncio.timeout(TWILIO_TIMEOUT):
            yield
    except TwilioRestException as err:
        raise _error(err.status, not_found) from err
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
        """Create the client; nothing is sent or imported yet."""
        self._hass = hass
        self._account_sid = account_sid
        self._auth_token = auth_token
        self._rest: Client | None = None
        basic = b64encode(f"{account_sid}:{auth_token}".encode()).decode()
        self._auth = {hdrs.AUTHORIZATION: f"Basic {basic}"}

    async def _async_rest(self) -> Client:
        """Return the library's REST client, importing it in an executor the first time."""
        if self._rest is None:
            module = await async_import_module(self._hass, f"{__package__}.twilio_rest")
            self._rest = module.rest_client(
                async_get_clientsession(self._hass),
                self._account_sid,
                self._auth_token,
            )
        return self._rest

    async def _async_get(
        self, url: str, not_found: type[TwilioError], **params: Any
    ) -> Any:
        """GET one resource as JSON; map Twilio's refusals to ours."""
        session = async_get_clientsession(self._hass)
        async with _calls(not_found):
            response = await session.get(url, params=params, headers=self._auth)
            async with response:
                if response.status != HTTPStatus.OK:
                    raise _error(response.status, not_found)
                try:
                    return await response.json(content_type=None)
                except ValueError as err:
                    raise TwilioConnectionError from err

    async def async_verify(self, twilio_number: str) -> None:
        """Check the credentials and that the Twilio number belongs to the account."""
        account = f"{API_URL}/2010-04-01/Accounts/{self._account_sid}"
        await self._async_get(f"{account}.json", TwilioAuthError)
        if is_messaging_service(twilio_number):
            await self._async_get(
                f"{MESSAGING_URL}/v1/Services/{twilio_number}", TwilioSenderError
            )
            return
        found = await self._async_get(
            f"{account}/IncomingPhoneNumbers.json",
            TwilioSenderError,
            PhoneNumber=twilio_number,
            PageSize=1,
        )
        if not found.get("incoming_phone_numbers"):
            raise TwilioSenderError

    async def async_facts(self, twilio_number: str) -> NumberFacts:
        """Read what Twilio says about the number: webhook, capabilities, registration."""
        client = await self._async_rest()
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
        client = await self._async_rest()
        async with _calls(TwilioSenderError):
            return await async_get_inbound(client, sid)

    async def async_set_inbound(self, sid: str, hook: InboundWebhook) -> None:
        """Point the number or Messaging Service's incoming texts at a URL."""
        client = await self._async_rest()
        async with _calls(TwilioSenderError):
            await async_set_inbound(client, sid, hook)

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
        client = await self._async_rest()
        attempt = 0
        while True:
            try:
                async with asyncio.timeout(TWILIO_TIMEOUT):
                    sent = await client.messages.create_async(**kwargs)
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
