"""scripts/sms (tools/sms.py): the fake Twilio API delivers the text; one clear line on trouble."""

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
from tools.fake_twilio import STATE, create_app

ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "t" * 32
NUMBER = "+15005550006"


async def _run(
    aiohttp_server: Any, tmp_path: Path, hook: str | None, answer: web.Response
) -> int:
    """Text the fake Twilio API, whose number sends texts to hook (on a local server)."""
    seen: list[Any] = []

    async def webhook(request: web.Request) -> web.Response:
        seen.append(await request.post())
        return answer

    app = web.Application()
    app.router.add_post("/hook", webhook)
    ha = await aiohttp_server(app)
    twilio_app = create_app(ACCOUNT_SID, AUTH_TOKEN, [NUMBER])
    if hook is not None:
        twilio_app[STATE].numbers[NUMBER].sms_url = str(ha.make_url(hook))
    twilio = await aiohttp_server(twilio_app)
    (tmp_path / "sms_iot_develop.json").write_text(
        json.dumps(
            {
                "from": "+14155552671",
                "to": NUMBER,
                "twilio_api": str(twilio.make_url("")).rstrip("/"),
            }
        )
    )
    argv = ["sms", "status", "--config", str(tmp_path)]
    with patch.object(sys, "argv", argv):
        code = await asyncio.get_running_loop().run_in_executor(None, sms.main)
    if hook == "/hook":
        assert [(f["From"], f["Body"]) for f in seen] == [("+14155552671", "status")]
    return int(code)


@pytest.mark.parametrize(
    ("hook", "answer", "printed"),
    [
        ("/hook", web.Response(status=200, text=""), "HTTP 200 but no TwiML: ''"),
        (
            "/hook",
            web.Response(status=503),
            "HTTP 503: the sms_iot entry is not loaded yet; retry in a moment",
        ),
        ("/hook", web.Response(status=403), "HTTP 403: request refused"),
        ("/elsewhere", web.Response(), "HTTP 404: request refused"),
        (
            None,
            web.Response(),
            "The fake Twilio API: the number has no POST webhook for incoming texts\n"
            + sms.NO_WEBHOOK,
        ),
    ],
)
async def test_answers_without_twiml(
    socket_enabled: None,
    aiohttp_server: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    hook: str | None,
    answer: web.Response,
    printed: str,
) -> None:
    """No TwiML, a 503/403/404, or a number pointing nowhere: clear lines, no traceback."""
    assert await _run(aiohttp_server, tmp_path, hook, answer) == 1
    assert capsys.readouterr().err.strip() == printed


async def test_reply_printed(
    socket_enabled: None,
    aiohttp_server: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The TwiML reply's messages are printed, one per line."""
    twiml = "<Response><Message>Relay: OFF</Message></Response>"
    answer = web.Response(text=twiml, content_type="text/xml")
    assert await _run(aiohttp_server, tmp_path, "/hook", answer) == 0
    assert capsys.readouterr().out.strip() == "Relay: OFF"


def test_fake_twilio_not_running(
    socket_enabled: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Nothing listening: one line that says to start scripts/develop."""
    (tmp_path / "sms_iot_develop.json").write_text(
        json.dumps({"from": "+1", "to": NUMBER, "twilio_api": "http://127.0.0.1:9"})
    )
    with patch.object(sys, "argv", ["sms", "status", "--config", str(tmp_path)]):
        assert sms.main() == 1
    assert "is scripts/develop running?" in capsys.readouterr().err
