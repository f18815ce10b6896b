"""The twilio library's REST client: 17 MiB and 0.3 s to import, so loaded on first use.

Imported by TwilioClient in an executor (Home Assistant's import helper) the first time the
entry reads or changes the number or sends a text, never while Home Assistant starts.
"""

from __future__ import annotations

import logging

from aiohttp import ClientSession
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.rest import Client

# twilio imports its API modules lazily, on first use in the event loop; import them now,
# in the executor this module is imported in.
import twilio.rest.api.v2010.account
import twilio.rest.messaging
import twilio.rest.messaging.v1.service
import twilio.rest.messaging.v1.service.phone_number
import twilio.rest.messaging.v1.tollfree_verification  # noqa: F401

# twilio logs every request URL and form (account SID, phone numbers) at INFO.
_HTTP_LOGGER = logging.getLogger(__name__ + ".http")
_HTTP_LOGGER.setLevel(logging.WARNING)


def rest_client(session: ClientSession, account_sid: str, auth_token: str) -> Client:
    """Return a REST client for the account on Home Assistant's shared session."""
    http_client = AsyncTwilioHttpClient(pool_connections=False, logger=_HTTP_LOGGER)
    # Never closed by us: the session belongs to Home Assistant.
    http_client.session = session
    return Client(account_sid, auth_token, http_client=http_client)
