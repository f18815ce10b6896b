"""A local stand-in for the parts of Twilio's REST API that sms_iot calls.

It checks what Twilio checks (HTTP Basic auth with the Account SID and auth token) and answers
with Twilio's JSON shapes and error bodies. Paths are prefixed with the Twilio subdomain they
belong to (/api/2010-04-01/..., /messaging/v1/...); tools/dev_site/sitecustomize.py points the
twilio library there. Used by scripts/develop; never by the integration itself.

    python tools/fake_twilio.py --port 18124 --account-sid AC... --auth-token ... --number +1...
"""

from __future__ import annotations

import argparse
import asyncio
import base64
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
import logging
from typing import Any

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# Twilio's magic test numbers: sending to them fails with these errors.
MAGIC_NUMBERS: dict[str, tuple[int, str]] = {
    "+15005550001": (21211, "The 'To' number is not a valid phone number."),
    "+15005550009": (21614, "'To' number is not a valid mobile number"),
    "+15005550010": (21635, "'To' number cannot be a landline"),
    "+15005550004": (21610, "Attempt to send to unsubscribed recipient"),
}


def _error(status: int, code: int, message: str) -> web.Response:
    return web.json_response(
        {
            "code": code,
            "message": message,
            "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "status": status,
        },
        status=status,
    )


@dataclass
class FakeTwilioState:
    """What the fake received, and the failures it is told to simulate."""

    sent: list[dict[str, Any]] = field(default_factory=list)
    requests: list[Any] = field(default_factory=list)
    failures: list[tuple[int, int]] = field(default_factory=list)
    delay: float = 0.0


STATE = web.AppKey("state", FakeTwilioState)


def create_app(
    account_sid: str, auth_token: str, numbers: list[str]
) -> web.Application:
    """Return the fake API for one account owning the numbers and Messaging Services."""
    expected = (
        "Basic " + base64.b64encode(f"{account_sid}:{auth_token}".encode()).decode()
    )

    @web.middleware
    async def basic_auth(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.headers.get("Authorization") != expected:
            return _error(401, 20003, "Authenticate")
        return await handler(request)

    async def account(request: web.Request) -> web.Response:
        if request.match_info["sid"] != account_sid:
            return _error(404, 20404, "The requested resource was not found")
        return web.json_response(
            {
                "sid": account_sid,
                "friendly_name": "sms_iot development",
                "status": "active",
            }
        )

    async def incoming_numbers(request: web.Request) -> web.Response:
        wanted = request.query.get("PhoneNumber")
        owned: list[dict[str, Any]] = [
            {"sid": f"PN{index:032x}", "phone_number": number}
            for index, number in enumerate(numbers)
            if wanted in (None, number)
        ]
        return web.json_response(
            {
                "incoming_phone_numbers": owned,
                "page": 0,
                "page_size": int(request.query.get("PageSize", 50)),
                "next_page_uri": None,
                "uri": request.path_qs,
            }
        )

    async def messaging_service(request: web.Request) -> web.Response:
        if (sid := request.match_info["sid"]) in numbers:
            return web.json_response({"sid": sid, "friendly_name": "sms_iot"})
        return _error(404, 20404, "The requested resource was not found")

    async def create_message(request: web.Request) -> web.Response:
        form = await request.post()
        state.requests.append(form)
        if state.delay:
            await asyncio.sleep(state.delay)
        if state.failures:
            status, code = state.failures.pop(0)
            return _error(status, code, "Simulated failure")
        to = form.get("To")
        if not to:
            return _error(400, 21604, "A 'To' phone number is required.")
        if not (form.get("From") or form.get("MessagingServiceSid")):
            return _error(400, 21603, "A 'From' phone number is required.")
        if not (form.get("Body") or form.get("MediaUrl")):
            return _error(400, 21602, "Message body is required.")
        if (magic := MAGIC_NUMBERS.get(str(to))) is not None:
            return _error(400, *magic)
        sid = f"SM{len(state.sent):032x}"
        media = form.getall("MediaUrl", [])
        message = {
            "sid": sid,
            "account_sid": account_sid,
            "to": to,
            "from": form.get("From"),
            "messaging_service_sid": form.get("MessagingServiceSid"),
            "body": form.get("Body", ""),
            "status": "accepted" if form.get("MessagingServiceSid") else "queued",
            "num_segments": "1",
            "num_media": str(len(media)),
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "uri": f"/2010-04-01/Accounts/{account_sid}/Messages/{sid}.json",
        }
        state.sent.append(
            {**message, "media": media, "status_callback": form.get("StatusCallback")}
        )
        return web.json_response(message, status=201)

    state = FakeTwilioState()
    app = web.Application(middlewares=[basic_auth])
    app[STATE] = state
    app.router.add_get("/api/2010-04-01/Accounts/{sid}.json", account)
    app.router.add_get(
        "/api/2010-04-01/Accounts/{sid}/IncomingPhoneNumbers.json", incoming_numbers
    )
    app.router.add_get("/messaging/v1/Services/{sid}", messaging_service)
    app.router.add_post("/api/2010-04-01/Accounts/{sid}/Messages.json", create_message)
    return app


def main() -> None:
    """Serve the fake API on loopback."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=18124)
    parser.add_argument("--account-sid", required=True)
    parser.add_argument("--auth-token", required=True)
    parser.add_argument("--number", action="append", default=[])
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    web.run_app(
        create_app(args.account_sid, args.auth_token, args.number),
        host="127.0.0.1",
        port=args.port,
        print=None,
    )


if __name__ == "__main__":
    main()
