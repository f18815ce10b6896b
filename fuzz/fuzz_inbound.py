"""Coverage-guided fuzzing (atheris) of the command parser and the webhook's form reading.

Not part of CI (it runs until stopped). Run it with:
    .venv/bin/uv pip install --python .venv/bin/python atheris
    .venv/bin/python fuzz/fuzz_inbound.py -runs=200000
It fails on any exception other than the refusals the webhook expects.
"""

from __future__ import annotations

import asyncio
import sys

import atheris

with atheris.instrument_imports():
    from multidict import CIMultiDict

    from custom_components.sms_iot.commands import MAX_COMMANDS, parse
    from custom_components.sms_iot.segments import MAX_BODY, segment_info, split_body
    from custom_components.sms_iot.twilio_webhook import _read_form

_LOOP = asyncio.new_event_loop()


class _Stream:
    """A request body delivered in chunks."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    async def read(self, size: int) -> bytes:
        chunk, self._body = self._body[:size], self._body[size:]
        return chunk


class _Request:
    """The parts of an aiohttp request that _read_form looks at."""

    def __init__(self, body: bytes, content_type: str, length: str) -> None:
        self.headers = CIMultiDict(
            {"Content-Type": content_type, "Content-Length": length}
        )
        self.content = _Stream(body)


def test_one_input(data: bytes) -> None:
    """Parse arbitrary text and forms; only the documented outcomes are allowed."""
    provider = atheris.FuzzedDataProvider(data)
    text = provider.ConsumeUnicodeNoSurrogates(provider.ConsumeIntInRange(0, 2000))
    result = parse(text)
    assert len(result.commands) + len(result.unknown) <= MAX_COMMANDS + 1
    assert all(len(part) <= MAX_BODY for part in split_body(text))
    assert segment_info(text).segments >= 1
    content_type = provider.PickValueInList(
        ["application/x-www-form-urlencoded", "text/plain", ""]
    )
    length = provider.PickValueInList(["", "12", "x", str(10**9)])
    body = provider.ConsumeBytes(provider.ConsumeIntInRange(0, 5000))
    form = _LOOP.run_until_complete(_read_form(_Request(body, content_type, length)))  # type: ignore[arg-type]
    assert not isinstance(form, tuple) or form[0] in (400, 413, 415)


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
