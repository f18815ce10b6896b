"""A local stand-in for the parts of Twilio's REST API that sms_iot calls.

It checks what Twilio checks (HTTP Basic auth with the Account SID and auth token) and answers
with Twilio's JSON shapes and error bodies. Paths are prefixed with the Twilio subdomain they
belong to (/api/2010-04-01/..., /messaging/v1/...); tools/dev_site/sitecustomize.py points the
twilio library there. Used by scripts/develop; never by the integration itself.

    python tools/fake_twilio.py --port 18124 --account-sid AC... --auth-token ... --number +1...
"""

from __future__ import annotations

import argparse
import base64
from collections.abc import Awaitable, Callable
import logging
from typing import Any

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


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


def create_app(
    account_sid: str, auth_token: str, numbers: list[str]
) -> web.Application:
    """Return the fake API for one account owning the given phone numbers."""
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
        return _error(404, 20404, "The requested resource was not found")

    app = web.Application(middlewares=[basic_auth])
    app.router.add_get("/api/2010-04-01/Accounts/{sid}.json", account)
    app.router.add_get(
        "/api/2010-04-01/Accounts/{sid}/IncomingPhoneNumbers.json", incoming_numbers
    )
    app.router.add_get("/messaging/v1/Services/{sid}", messaging_service)
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
