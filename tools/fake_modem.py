"""The modem board for scripts/develop: tools/fake_esphome.py with the modem, and a control API.

A SIM800L cannot run on Linux, so the development modem is the fake board (native API on
127.0.0.1:--port). The control API on --control-port stands for the phone network:
  POST /sms  {"sender": "+1...", "message": "..."}  → the board receives a text
  GET  /sent?after=N                                → what the board was asked to send since N
"""

from __future__ import annotations

import argparse
import asyncio
import logging

from aiohttp import web

from .fake_esphome import FakeEsphomeDevice

NAME = "sms-iot-modem"
FRIENDLY_NAME = "SMS IoT Modem"
MAC = "98:35:69:ab:f6:7b"
BOARD = web.AppKey("board", FakeEsphomeDevice)


def create_control_app(board: FakeEsphomeDevice) -> web.Application:
    """Return the control API of a board."""

    async def receive(request: web.Request) -> web.Response:
        body = await request.json()
        sender, message = body.get("sender"), body.get("message")
        if not isinstance(sender, str) or not isinstance(message, str):
            return web.json_response({"error": "sender and message"}, status=400)
        sent = len(board.sent_sms)
        board.receive_sms(sender, message)
        return web.json_response({"sent": sent})

    async def sent(request: web.Request) -> web.Response:
        after = int(request.query.get("after", "0"))
        return web.json_response(
            [{"to": to, "message": text} for to, text in board.sent_sms[after:]]
        )

    app = web.Application()
    app[BOARD] = board
    app.router.add_post("/sms", receive)
    app.router.add_get("/sent", sent)
    return app


async def serve(port: int, control_port: int) -> None:
    """Run the board and its control API until cancelled."""
    board = FakeEsphomeDevice(
        name=NAME, friendly_name=FRIENDLY_NAME, mac=MAC, modem=True
    )
    await board.start(port)
    runner = web.AppRunner(create_control_app(board))
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", control_port).start()
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
        await board.stop()


def main() -> None:
    """Serve the modem board and its control API on loopback."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=6054)
    parser.add_argument("--control-port", type=int, default=18125)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(serve(args.port, args.control_port))


if __name__ == "__main__":
    main()
