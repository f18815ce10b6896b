"""Text the development Home Assistant the way Twilio would: signed form POST, print the reply.

scripts/sms "kitchen on" [--from +14155552671] [--config config]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
import secrets
import sys
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

from twilio.request_validator import RequestValidator


def main() -> int:
    """Send one message and print Home Assistant's TwiML reply."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("body", help="the text message")
    parser.add_argument(
        "--from", dest="sender", help="sender number (default: the master)"
    )
    parser.add_argument("--config", type=Path, default=Path("config"))
    parser.add_argument("--raw", action="store_true", help="print the TwiML document")
    args = parser.parse_args()
    info = json.loads((args.config / "sms_iot_develop.json").read_text())
    sid = "SM" + secrets.token_hex(16)
    params = {
        "MessageSid": sid,
        "SmsSid": sid,
        "SmsMessageSid": sid,
        "AccountSid": info["account_sid"],
        "From": args.sender or info["from"],
        "To": info["to"],
        "Body": args.body,
        "NumMedia": "0",
        "NumSegments": "1",
        "SmsStatus": "received",
        "ApiVersion": "2010-04-01",
    }
    signature = RequestValidator(info["auth_token"]).compute_signature(
        info["public_url"], params
    )
    request = urllib.request.Request(
        info["url"],
        data=urllib.parse.urlencode(params).encode(),
        headers={"X-Twilio-Signature": signature},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            twiml = response.read().decode()
    except urllib.error.HTTPError as err:
        why = {503: "the sms_iot entry is not loaded yet; retry in a moment"}
        print(
            f"HTTP {err.code}: {why.get(err.code, 'request refused')}", file=sys.stderr
        )
        return 1
    except urllib.error.URLError as err:
        print(
            f"Home Assistant is not reachable ({err.reason}); is scripts/develop running?",
            file=sys.stderr,
        )
        return 1
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


if __name__ == "__main__":
    sys.exit(main())
