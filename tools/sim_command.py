"""Send a SIM's command to the development Home Assistant as KORE would; print the answer.

scripts/sim-command "pump on" [--sim barn-pump] [--binary] [--config config]
"""

from __future__ import annotations

import argparse
import base64
import json
from pathlib import Path
import secrets
import sys
import time
from typing import Any
import urllib.error
import urllib.parse
import urllib.request

from custom_components.sms_iot.kore_signature import kore_signature

REPLY_WAIT = 12.0


def _call(
    url: str, data: bytes | None = None, headers: dict[str, str] | None = None
) -> Any:
    request = urllib.request.Request(url, data=data, headers=headers or {})
    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read()
        return json.loads(body) if body else None


def _commands(info: dict[str, Any], sim: str) -> list[str]:
    """Return the Commands sent to the SIM so far, from the fake KORE API."""
    token = _call(
        f"{info['kore_api']}/api-services/v1/auth/token",
        urllib.parse.urlencode(
            {
                "grant_type": "client_credentials",
                "client_id": info["kore_client_id"],
                "client_secret": info["kore_client_secret"],
            }
        ).encode(),
    )["access_token"]
    listed = _call(
        f"{info['kore_api']}/v1/Commands?Sim={sim}",
        headers={"Authorization": f"Bearer {token}"},
    )
    return [c["command"] for c in listed["commands"]]


def main() -> int:
    """Post one signed callback and print the Commands that come back."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", help="the command the SIM sends")
    parser.add_argument("--sim", default="barn-pump", help="the SIM's unique name")
    parser.add_argument("--binary", action="store_true", help="send the text as bytes")
    parser.add_argument("--config", type=Path, default=Path("config"))
    args = parser.parse_args()
    info = json.loads((args.config / "sms_iot_develop.json").read_text())
    sim = info["kore_sims"][args.sim]
    command = (
        base64.b64encode(args.command.encode()).decode()
        if args.binary
        else args.command
    )
    body = urllib.parse.urlencode(
        {
            "CommandSid": "DC" + secrets.token_hex(16),
            "AccountSid": "AC" + "0" * 32,
            "SimSid": sim,
            "SimUniqueName": args.sim,
            "Command": command,
            "CommandMode": "binary" if args.binary else "text",
            "Status": "received",
            "Direction": "from_sim",
            "ApiVersion": "v1",
        }
    ).encode()
    try:
        before = len(_commands(info, sim))
        _call(
            info["kore_url"],
            body,
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "kore-signature": kore_signature(
                    info["kore_secret"], "POST", info["kore_url"], body
                ),
                "kore-idempotency-token": secrets.token_hex(16),
                "User-Agent": "KoreProxy/1.1",
            },
        )
    except urllib.error.HTTPError as err:
        print(f"HTTP {err.code}: callback refused", file=sys.stderr)
        return 1
    except urllib.error.URLError as err:
        print(
            f"Not reachable ({err.reason}); is scripts/develop running?",
            file=sys.stderr,
        )
        return 1
    deadline = time.monotonic() + REPLY_WAIT
    while time.monotonic() < deadline:
        if answers := _commands(info, sim)[before:]:
            print("\n".join(answers))
            return 0
        time.sleep(0.2)
    print(f"(no Command back within {REPLY_WAIT:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
