"""scripts/sms (tools/sms.py) says what it got when Home Assistant does not answer with TwiML."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
import sys
from typing import Any
from unittest.mock import patch

from aiohttp import web
import pytest

from tools import sms


@pytest.mark.parametrize(
    ("status", "body", "printed"),
    [
        (200, "", "HTTP 200 but no TwiML: ''"),
        (503, "", "HTTP 503: the sms_iot entry is not loaded yet; retry in a moment"),
        (403, "", "HTTP 403: request refused"),
    ],
)
async def test_answers_without_twiml(
    socket_enabled: None,
    aiohttp_server: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    status: int,
    body: str,
    printed: str,
) -> None:
    """An empty 200 (unknown webhook), a 503 or a 403: one clear line, no traceback."""

    async def answer(_: web.Request) -> web.Response:
        return web.Response(status=status, text=body)

    app = web.Application()
    app.router.add_post("/hook", answer)
    server = await aiohttp_server(app)
    (tmp_path / "sms_iot_develop.json").write_text(
        json.dumps(
            {
                "account_sid": "AC" + "0" * 32,
                "auth_token": "t" * 32,
                "from": "+14155552671",
                "to": "+15005550006",
                "url": str(server.make_url("/hook")),
                "public_url": "https://example.com/api/webhook/x",
            }
        )
    )
    argv = ["sms", "status", "--config", str(tmp_path)]
    with patch.object(sys, "argv", argv):
        assert await asyncio.get_running_loop().run_in_executor(None, sms.main) == 1
    assert capsys.readouterr().err.strip() == printed
