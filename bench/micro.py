"""The webhook's own steps, timed alone, each beside what it replaced or wraps (same run).

python -m bench.micro [--number N]
"""

from __future__ import annotations

import argparse
import secrets
import timeit
from urllib.parse import parse_qsl, urlencode

from multidict import MultiDict
from twilio.request_validator import RequestValidator

from custom_components.sms_iot.twilio_webhook import SignatureWatch
from custom_components.sms_iot.webhook_body import parse_form

TOKEN = "0123456789abcdef0123456789abcdef"
URL = "https://example.duckdns.org/api/webhook/0f1e2d3c4b5a69788796a5b4c3d2e1f0"


def _body() -> bytes:
    """Return a status-query form as Twilio posts it."""
    sid = "SM" + secrets.token_hex(16)
    return urlencode(
        {
            "MessageSid": sid,
            "SmsSid": sid,
            "AccountSid": "AC" + "b" * 32,
            "From": "+14155551000",
            "To": "+15005550006",
            "Body": "?",
            "NumMedia": "0",
            "NumSegments": "1",
            "ApiVersion": "2010-04-01",
        }
    ).encode()


def _strict_parse_qsl(body: bytes) -> MultiDict[str]:
    """The form parser before issue #18: strict parse_qsl."""
    return MultiDict(
        parse_qsl(
            body.decode(), keep_blank_values=True, strict_parsing=True, errors="strict"
        )
    )


def render(number: int) -> str:
    """Time each step; return the Markdown section."""
    body = _body()
    params = parse_form(body)
    assert isinstance(params, MultiDict)
    validator = RequestValidator(TOKEN)
    signature = validator.compute_signature(URL, params)
    watch = SignatureWatch(TOKEN, URL)
    steps = [
        ("form: `parse_form`", lambda: parse_form(body), "strict `parse_qsl`", lambda: _strict_parse_qsl(body)),
        (
            "signature: `SignatureWatch.valid`",
            lambda: watch.valid("", params, signature),
            "`RequestValidator.validate`",
            lambda: validator.validate(URL, params, signature),
        ),
    ]  # fmt: skip
    lines = [
        "### The webhook's own steps, alone",
        "",
        f"`python -m bench.micro`: best of 5 × {number} calls each, on a status query's form.",
        "",
        "| step | µs | baseline | baseline µs | step ÷ baseline |",
        "|---|---|---|---|---|",
    ]
    for name, step, base_name, base in steps:
        ours = min(timeit.repeat(step, number=number, repeat=5)) / number * 1e6
        theirs = min(timeit.repeat(base, number=number, repeat=5)) / number * 1e6
        lines.append(
            f"| {name} | {ours:.1f} | {base_name} | {theirs:.1f} | {ours / theirs:.2f}× |"
        )
    return "\n".join([*lines, ""])


def main() -> None:
    """Print the section."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--number", type=int, default=20000)
    print(render(parser.parse_args().number))


if __name__ == "__main__":
    main()
