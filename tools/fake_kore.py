"""A loopback fake of KORE's token endpoint and Programmable Wireless API (Sims, Commands).

Shaped after KORE's OpenAPI specs (../shared/kore-openapi/); tests/test_kore_contract.py checks
every request it receives and every response it gives against them. It records what it saw,
and can be told to fail: refuse tokens, expire them, answer 429/5xx.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
import itertools
import logging
import secrets
from typing import Any

from aiohttp import web

TOKEN_PATH = "/api-services/v1/auth/token"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class Exchange:
    """One request the fake received and the response it gave."""

    method: str
    path: str
    query: dict[str, str]
    content_type: str
    body: bytes
    status: int
    response: bytes


@dataclass
class FakeKoreState:
    """The account: its SIMs and commands, the tokens given, failures to simulate."""

    client_id: str
    client_secret: str
    account_sid: str = "AC" + "0" * 32
    sims: dict[str, dict[str, Any]] = field(default_factory=dict)
    commands: list[dict[str, Any]] = field(default_factory=list)
    tokens: set[str] = field(default_factory=set)
    token_requests: int = 0
    expires_in: int = 3600
    # Statuses to answer the next requests with, in order.
    failures: list[int] = field(default_factory=list)
    delay: float = 0.0  # seconds before answering
    fail_on: str = "/"  # failures only hit paths that start with this
    exchanges: list[Exchange] = field(default_factory=list)
    ids: itertools.count[int] = field(default_factory=itertools.count)

    def add_sim(self, unique_name: str) -> dict[str, Any]:
        """Add a SIM to the account and return it."""
        sid = f"DE{next(self.ids):032x}"
        sim = {
            "sid": sid,
            "unique_name": unique_name,
            "friendly_name": unique_name,
            "account_sid": self.account_sid,
            "status": "active",
            "iccid": f"8901{next(self.ids):015d}",
            "commands_callback_url": None,
            "commands_callback_method": "POST",
            "url": f"https://programmable-wireless.api.korewireless.com/v1/Sims/{sid}",
        }
        self.sims[sid] = sim
        return sim

    def find_sim(self, key: str) -> dict[str, Any] | None:
        """Return the SIM with this sid or unique name."""
        return self.sims.get(key) or next(
            (s for s in self.sims.values() if s["unique_name"] == key), None
        )


STATE = web.AppKey("state", FakeKoreState)


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"code": status, "message": message}, status=status)


def create_app(state: FakeKoreState) -> web.Application:
    """Return the fake API serving one account."""

    @web.middleware
    async def record(request: web.Request, handler: Handler) -> web.StreamResponse:
        body = await request.read()
        if state.delay:
            await asyncio.sleep(state.delay)
        if state.failures and request.path.startswith(state.fail_on):
            response: web.StreamResponse = _error(state.failures.pop(0), "failure")
        elif request.path != TOKEN_PATH and (
            request.headers.get("Authorization", "").removeprefix("Bearer ")
            not in state.tokens
        ):
            response = _error(401, "Unauthorized")
        else:
            response = await handler(request)
        body_out = getattr(response, "body", b"")
        state.exchanges.append(
            Exchange(
                request.method,
                request.path,
                dict(request.query),
                request.content_type,
                body,
                response.status,
                body_out if isinstance(body_out, bytes) else b"",
            )
        )
        return response

    async def token(request: web.Request) -> web.Response:
        form = await request.post()
        state.token_requests += 1
        if (
            form.get("grant_type") != "client_credentials"
            or form.get("client_id") != state.client_id
            or form.get("client_secret") != state.client_secret
        ):
            return _error(401, "Invalid client credentials")
        issued = secrets.token_hex(16)
        state.tokens.add(issued)
        return web.json_response(
            {
                "access_token": issued,
                "expires_in": state.expires_in,
                "token_type": "Bearer",
                "scope": "",
            }
        )

    async def list_sims(request: web.Request) -> web.Response:
        size = int(request.query.get("PageSize", "50"))
        page = int(request.query.get("Page", "0"))
        sims = list(state.sims.values())
        chunk = sims[page * size : (page + 1) * size]
        more = (page + 1) * size < len(sims)
        base = "https://programmable-wireless.api.korewireless.com/v1/Sims"
        return web.json_response(
            {
                "sims": chunk,
                "meta": {
                    "first_page_url": f"{base}?PageSize={size}&Page=0",
                    "key": "sims",
                    "next_page_url": f"{base}?PageSize={size}&Page={page + 1}"
                    if more
                    else None,
                    "page": page,
                    "page_size": size,
                    "previous_page_url": None,
                    "url": f"{base}?PageSize={size}&Page={page}",
                },
            }
        )

    async def list_commands(request: web.Request) -> web.Response:
        wanted = (
            state.find_sim(request.query.get("Sim", ""))
            if "Sim" in request.query
            else None
        )
        commands = [
            {k: v for k, v in c.items() if k != "callback_url"}
            | {"url": f"{c['url']}{c['sid']}"}
            for c in state.commands
            if wanted is None or c["sim_sid"] == wanted["sid"]
        ]
        base = "https://programmable-wireless.api.korewireless.com/v1/Commands"
        return web.json_response(
            {
                "commands": commands,
                "meta": {
                    "first_page_url": base,
                    "key": "commands",
                    "next_page_url": None,
                    "page": 0,
                    "page_size": len(commands),
                    "previous_page_url": None,
                    "url": base,
                },
            }
        )

    async def sim(request: web.Request) -> web.Response:
        found = state.find_sim(request.match_info["sid"])
        if found is None:
            return _error(404, "The requested resource was not found")
        if request.method == "POST":
            form = await request.post()
            for key, attr in (
                ("CommandsCallbackUrl", "commands_callback_url"),
                ("CommandsCallbackMethod", "commands_callback_method"),
            ):
                if key in form:
                    found[attr] = str(form[key]) or None
        return web.json_response(found)

    async def send_command(request: web.Request) -> web.Response:
        form = await request.post()
        found = state.find_sim(str(form.get("Sim", "")))
        if found is None:
            return _error(404, "The requested resource was not found")
        mode = str(form.get("CommandMode", "text"))
        text = str(form.get("Command", ""))
        if mode == "text" and len(text) > 160:
            return _error(400, "Command is too long")
        command = {
            "sid": f"DC{next(state.ids):032x}",
            "account_sid": state.account_sid,
            "sim_sid": found["sid"],
            "command": text,
            "command_mode": mode,
            "transport": "sms",
            "delivery_receipt_requested": form.get("DeliveryReceiptRequested")
            != "false",
            "status": "queued",
            "direction": "to_sim",
            "date_created": "2026-12-02T00:00:00Z",
            "date_updated": "2026-12-02T00:00:00Z",
            "url": "https://programmable-wireless.api.korewireless.com/v1/Commands/",
            "callback_url": form.get("CallbackUrl"),
        }
        state.commands.append(command)
        public = {k: v for k, v in command.items() if k != "callback_url"}
        public["url"] += public["sid"]
        return web.json_response(public, status=201)

    app = web.Application(middlewares=[record])
    app[STATE] = state
    app.router.add_post(TOKEN_PATH, token)
    app.router.add_get("/v1/Sims", list_sims)
    app.router.add_route("GET", "/v1/Sims/{sid}", sim)
    app.router.add_route("POST", "/v1/Sims/{sid}", sim)
    app.router.add_post("/v1/Commands", send_command)
    app.router.add_get("/v1/Commands", list_commands)
    return app


def main() -> None:
    """Serve the fake API on loopback for scripts/develop."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=18126)
    parser.add_argument("--client-id", required=True)
    parser.add_argument("--client-secret", required=True)
    parser.add_argument("--sim", action="append", default=[])
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    state = FakeKoreState(args.client_id, args.client_secret)
    for name in args.sim:
        state.add_sim(name)
    web.run_app(create_app(state), host="127.0.0.1", port=args.port, print=None)


if __name__ == "__main__":
    main()
