"""Talk to KORE's Programmable Wireless API: OAuth2 client credentials, a cached bearer token."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
import time
from typing import Any

from aiohttp import ClientError, ClientResponse, ClientSession

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from .const import KORE_TIMEOUT

# Where KORE serves its APIs (the servers of its OpenAPI specs); tests and scripts/develop
# point these at a loopback fake.
TOKEN_URL = "https://api.korewireless.com/api-services/v1/auth/token"
API_URL = "https://programmable-wireless.api.korewireless.com"
# A token is renewed this long before KORE says it expires.
_TOKEN_MARGIN = 60.0
_RETRIES = 3
_BACKOFF = 0.5


class KoreError(HomeAssistantError):
    """Base class for KORE errors."""


class KoreAuthError(KoreError):
    """KORE refused the client id or secret."""


class KoreConnectionError(KoreError):
    """KORE could not be reached, did not answer in time, or kept failing."""


class KoreRequestError(KoreError):
    """KORE refused a request; status and KORE's message say why."""

    def __init__(self, status: int, message: str) -> None:
        """Remember the HTTP status and KORE's message."""
        super().__init__(message)
        self.status = status


@dataclass(frozen=True, slots=True)
class Sim:
    """A SIM of the account, as the subentry flow offers it."""

    sid: str
    unique_name: str
    callback_url: str | None
    callback_method: str | None


def _sim(data: dict[str, Any]) -> Sim:
    return Sim(
        sid=str(data.get("sid")),
        unique_name=str(data.get("unique_name") or data.get("sid")),
        callback_url=data.get("commands_callback_url"),
        callback_method=data.get("commands_callback_method"),
    )


async def _message(response: ClientResponse) -> str:
    """Return what KORE said about a refused request, short."""
    return (await response.text())[:200] or str(response.status)


class KoreClient:
    """KORE's REST API on Home Assistant's shared session, every call behind a timeout."""

    def __init__(self, hass: HomeAssistant, client_id: str, client_secret: str) -> None:
        """Initialize with the account's API client credentials."""
        self._session: ClientSession = async_get_clientsession(hass)
        self._client_id = client_id
        self._client_secret = client_secret
        self._token: str | None = None
        self._expires = 0.0
        self._lock = asyncio.Lock()

    async def _async_token(self, renew: bool = False) -> str:
        """Return a bearer token: the cached one until shortly before it expires."""
        async with self._lock:
            if renew or self._token is None or time.monotonic() >= self._expires:
                body = await self._async_call(
                    "POST",
                    TOKEN_URL,
                    data={
                        "grant_type": "client_credentials",
                        "client_id": self._client_id,
                        "client_secret": self._client_secret,
                    },
                    auth_status=(400, 401, 403),
                )
                self._token = str(body["access_token"])
                lifetime = float(body.get("expires_in", 300))
                self._expires = time.monotonic() + max(0.0, lifetime - _TOKEN_MARGIN)
            return self._token

    async def _async_call(
        self,
        method: str,
        url: str,
        *,
        data: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
        token: str | None = None,
        auth_status: tuple[int, ...] = (401, 403),
    ) -> dict[str, Any]:
        """Make one request, retrying 429 and 5xx with backoff; return the JSON body."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        attempt = 0
        while True:
            attempt += 1
            try:
                async with (
                    asyncio.timeout(KORE_TIMEOUT),
                    self._session.request(
                        method, url, data=data, params=params, headers=headers
                    ) as response,
                ):
                    if response.status in auth_status:
                        raise KoreAuthError(await _message(response))
                    busy = response.status == 429 or response.status >= 500
                    if busy and attempt == _RETRIES:
                        raise KoreConnectionError(await _message(response))
                    if not busy and response.status >= 400:
                        raise KoreRequestError(
                            response.status, await _message(response)
                        )
                    body = None if busy else await response.json(content_type=None)
            except (ClientError, TimeoutError, ValueError) as err:
                raise KoreConnectionError(str(err) or type(err).__name__) from err
            if not busy:
                return body if isinstance(body, dict) else {}
            await asyncio.sleep(_BACKOFF * 2 ** (attempt - 1))

    async def _async_api(
        self,
        method: str,
        path: str,
        data: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """Call the API with the cached token; on 401 renew it once and try again."""
        token = await self._async_token()
        try:
            return await self._async_call(
                method, API_URL + path, data=data, params=params, token=token
            )
        except KoreAuthError:
            token = await self._async_token(renew=True)
            return await self._async_call(
                method, API_URL + path, data=data, params=params, token=token
            )

    async def async_verify(self) -> None:
        """Fetch a token: proves the client id and secret."""
        await self._async_token(renew=True)

    async def async_list_sims(self) -> list[Sim]:
        """Return every SIM of the account, following the pages."""
        sims: list[Sim] = []
        params: dict[str, str] = {"PageSize": "1000"}
        page = 0
        while True:
            body = await self._async_api(
                "GET", "/v1/Sims", params=params | {"Page": str(page)}
            )
            sims += [_sim(s) for s in body.get("sims") or []]
            if not (body.get("meta") or {}).get("next_page_url"):
                return sims
            page += 1

    async def async_get_sim(self, sid: str) -> Sim:
        """Return one SIM."""
        return _sim(await self._async_api("GET", f"/v1/Sims/{sid}"))

    async def async_set_callback(self, sid: str, url: str, method: str) -> Sim:
        """Point the SIM's Commands callback at url."""
        return _sim(
            await self._async_api(
                "POST",
                f"/v1/Sims/{sid}",
                data={"CommandsCallbackUrl": url, "CommandsCallbackMethod": method},
            )
        )

    async def async_send_command(
        self,
        sim: str,
        command: str,
        mode: str,
        delivery_receipt: bool,
        callback_url: str,
    ) -> dict[str, Any]:
        """Send a Command to a SIM; return KORE's Command resource (sid, status)."""
        return await self._async_api(
            "POST",
            "/v1/Commands",
            data={
                "Sim": sim,
                "Command": command,
                "CommandMode": mode,
                "DeliveryReceiptRequested": "true" if delivery_receipt else "false",
                "CallbackUrl": callback_url,
                "CallbackMethod": "POST",
            },
        )
