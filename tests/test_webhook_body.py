"""The form parser: exactly the strict parse_qsl it replaces, on any bytes."""

from __future__ import annotations

from urllib.parse import parse_qsl

from hypothesis import given, settings, strategies as st
from multidict import MultiDict

from custom_components.sms_iot.webhook_body import parse_form

# Pieces that exercise every branch: separators, escapes valid and broken, plus, UTF-8.
_PIECES = st.sampled_from(
    [*"ab=&%+;2Fc0e9 \u00e9", "%C3%A9", "%FF", "%2", "%zz", "=&", "&&", "%2B", "%26"]
)


def _strict_parse_qsl(body: bytes) -> MultiDict[str] | tuple[int, str]:
    """Return what parse_qsl in strict mode makes of the body."""
    try:
        return MultiDict(
            parse_qsl(
                body.decode(),
                keep_blank_values=True,
                strict_parsing=True,
                errors="strict",
            )
        )
    except ValueError:
        return 400, "malformed"


@settings(max_examples=3000)
@given(st.lists(_PIECES, max_size=30).map("".join))
def test_same_as_parse_qsl_on_forms(text: str) -> None:
    """Forms and near-forms parse to the same fields, or are refused alike."""
    body = text.encode()
    assert parse_form(body) == _strict_parse_qsl(body)


@settings(max_examples=1000)
@given(st.binary(max_size=60))
def test_same_as_parse_qsl_on_bytes(body: bytes) -> None:
    """Any bytes at all, invalid UTF-8 included."""
    assert parse_form(body) == _strict_parse_qsl(body)
