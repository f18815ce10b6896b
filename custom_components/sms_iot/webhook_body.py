"""Read the form a service posts to a webhook, within limits, keeping its raw bytes; refuse."""

from __future__ import annotations

from urllib.parse import unquote

from aiohttp import hdrs, web
from multidict import MultiDict

from .const import MAX_BODY_BYTES
from .models import SmsIotConfigEntry

_FORM = "application/x-www-form-urlencoded"


async def read_body(request: web.Request) -> bytes | tuple[int, str]:
    """Return the raw form body, or say (status, reason) why it is refused."""
    content_type = request.headers.get(hdrs.CONTENT_TYPE, "")
    if content_type.split(";", 1)[0].strip().lower() != _FORM:
        return 415, "content_type"
    length = request.headers.get(hdrs.CONTENT_LENGTH, "0")
    if not length.isdigit():
        return 400, "malformed"
    if int(length) > MAX_BODY_BYTES:
        return 413, "too_large"
    stream = request.content
    body = bytearray()
    # Chunked bodies carry no length: stop reading as soon as the cap is passed.
    while chunk := await stream.read(MAX_BODY_BYTES + 1 - len(body)):
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            return 413, "too_large"
    return bytes(body)


def _unquote(part: str) -> str:
    """Decode one name or value as parse_qsl does, skipping the work a plain one needs not."""
    if "+" in part:
        part = part.replace("+", " ")
    return unquote(part, errors="strict") if "%" in part else part


def parse_form(body: bytes) -> MultiDict[str] | tuple[int, str]:
    """Return the form's fields, or (400, "malformed") for anything but a strict form.

    Exactly parse_qsl(keep_blank_values=True, strict_parsing=True, errors="strict") on the
    decoded body, without its per-character work on fields that need no decoding.
    """
    fields: list[tuple[str, str]] = []
    try:
        text = body.decode()
        if not text:
            return MultiDict()
        for field in text.split("&"):
            name, equals, value = field.partition("=")
            if not equals:
                return 400, "malformed"
            fields.append((_unquote(name), _unquote(value)))
    except ValueError:
        return 400, "malformed"
    return MultiDict(fields)


async def read_form(request: web.Request) -> MultiDict[str] | tuple[int, str]:
    """Read and parse the form, or say (status, reason) why it is refused."""
    body = await read_body(request)
    if isinstance(body, tuple):
        return body
    return parse_form(body)


def refuse(entry: SmsIotConfigEntry, status: int, reason: str) -> web.Response:
    """Refuse a request: count it, log it (throttled) and answer with status."""
    entry.runtime_data.inbox.counters[f"refused_{reason}"] += 1
    entry.runtime_data.refusals.add(reason)
    return web.Response(status=status)
