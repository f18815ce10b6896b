"""Text the development Home Assistant as Twilio or the modem would, and print the reply.

scripts/sms "kitchen on" [--from +14155552671] [--config config]
    (the fake Twilio API stands for the phone network: it posts the text to the webhook
    the number is set to, signed as Twilio signs, and this prints the TwiML reply)
scripts/sms --via modem "4821 kitchen on"   (the modem board receives it; PIN first)
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
import sys
import time
from typing import Any
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

REPLY_WAIT = 12.0
NO_WEBHOOK = (
    "Add sms_iot in Home Assistant with 'Set this webhook in Twilio for me' ticked "
    "(README: From an empty Home Assistant), then text again."
)
PARTS_WAIT = 1.5


def main() -> int:
    """Send one message and print Home Assistant's TwiML reply."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("body", help="the text message")
    parser.add_argument(
        "--from", dest="sender", help="sender number (default: the master)"
    )
    parser.add_argument("--config", type=Path, default=Path("config"))
    parser.add_argument("--raw", action="store_true", help="print the TwiML document")
    parser.add_argument(
        "--via",
        choices=["twilio", "modem"],
        default="twilio",
        help="the way the text arrives (default: twilio)",
    )
    args = parser.parse_args()
    info = json.loads((args.config / "sms_iot_develop.json").read_text())
    if args.via == "modem":
        return _via_modem(info["modem_control"], args.sender or info["from"], args.body)
    text = {"from": args.sender or info["from"], "to": info["to"], "body": args.body}
    try:
        answer = _get(f"{info['twilio_api']}/_network/sms", text, timeout=30)
    except urllib.error.HTTPError as err:
        why = json.loads(err.read() or b"{}").get("error", "refused")
        print(f"The fake Twilio API: {why}", file=sys.stderr)
        if err.code == 409:
            print(NO_WEBHOOK, file=sys.stderr)
        return 1
    except urllib.error.URLError as err:
        print(
            f"The fake Twilio API is not reachable ({err.reason}); "
            "is scripts/develop running?",
            file=sys.stderr,
        )
        return 1
    if answer["status"] != 200:
        why = {
            503: "the sms_iot entry is not loaded yet; retry in a moment",
            502: "Home Assistant is not reachable; is it still starting?",
        }
        print(
            f"HTTP {answer['status']}: {why.get(answer['status'], 'request refused')}",
            file=sys.stderr,
        )
        return 1
    twiml = answer["body"]
    if args.raw:
        print(twiml)
        return 0
    try:
        document = ET.fromstring(twiml)
    except ET.ParseError:
        # Home Assistant answers an empty 200 for a webhook it does not know.
        print(f"HTTP 200 but no TwiML: {twiml[:200]!r}", file=sys.stderr)
        return 1
    messages = [m.text or "" for m in document.iter("Message")]
    print("\n".join(messages) if messages else "(no reply)")
    return 0


def _get(url: str, payload: dict[str, str] | None = None, timeout: float = 10) -> Any:
    """Return the JSON answer of the modem board's control API."""
    data = None if payload is None else json.dumps(payload).encode()
    request = urllib.request.Request(
        url, data=data, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read())


def _via_modem(control: str, sender: str, body: str) -> int:
    """Hand the text to the modem board; print what it is asked to send back to sender."""
    try:
        after = _get(f"{control}/sms", {"sender": sender, "message": body})["sent"]
    except urllib.error.URLError as err:
        print(
            f"The modem board is not reachable ({err.reason}); is scripts/develop running?",
            file=sys.stderr,
        )
        return 1
    replies: list[str] = []
    # The engine answers within its reply budget; the parts of one reply follow closely.
    deadline = quiet_until = time.monotonic() + REPLY_WAIT
    while time.monotonic() < min(deadline, quiet_until):
        sent = _get(f"{control}/sent?after={after}")
        mine = [m["message"] for m in sent if m["to"] == sender]
        if mine != replies:
            replies = mine
            quiet_until = time.monotonic() + PARTS_WAIT
        time.sleep(0.2)
    print("\n".join(replies) if replies else f"(no reply within {REPLY_WAIT:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
