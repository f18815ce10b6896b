"""Baseline: the cheapest possible HTTP round trip, a bare aiohttp handler with fixed TwiML."""

from __future__ import annotations

import argparse

from aiohttp import web

REPLY = (
    '<?xml version="1.0" encoding="UTF-8"?><Response><Message>OK</Message></Response>'
)


async def handle(request: web.Request) -> web.Response:
    """Read the form like any webhook would, then answer with fixed TwiML."""
    await request.post()
    return web.Response(text=REPLY, content_type="text/xml")


def main() -> None:
    """Serve on loopback."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    app = web.Application()
    app.router.add_post("/{tail:.*}", handle)
    app.router.add_get("/ready", lambda _: web.Response(text="ok"))
    web.run_app(app, host="127.0.0.1", port=args.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
