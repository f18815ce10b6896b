"""KORE's kore-signature: its two published examples and generated tampering."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.sms_iot.kore_signature import (
    kore_signature,
    kore_signature_valid,
)

URL = "https://testendpoint.com"


@pytest.mark.parametrize(
    ("secret", "body", "signature"),
    [
        (
            "secret12345",
            b"field1=value1&field2=value2",
            "4fdba0cb1394cc8d17b8dabb04634aa9a951021a7b161f9c7a2186cd490b18b2",
        ),
        (
            "a35974bdf1c769b8bb",
            b'{"field1":"value1","field2":"value2"}',
            "d21c555b37789cdb9433a85760d326f0c637d5c17676b8dc49918ec629c67d59",
        ),
    ],
)
def test_kore_published_examples(secret: str, body: bytes, signature: str) -> None:
    """KORE's documentation examples (../shared/kore-openapi/README.md) verify."""
    assert kore_signature(secret, "POST", URL, body) == signature
    assert kore_signature_valid(secret, "POST", URL, body, signature)
    assert kore_signature_valid(secret, "POST", URL, body, signature.upper())


_texts = st.text(min_size=1, max_size=60)


@settings(max_examples=300)
@given(
    secret=_texts,
    url=_texts,
    body=st.binary(max_size=200),
    other=_texts,
    part=st.sampled_from(["secret", "method", "url", "body"]),
)
def test_any_change_breaks_the_signature(
    secret: str, url: str, body: bytes, other: str, part: str
) -> None:
    """Changing the secret, method, URL or body by anything refuses the request."""
    signature = kore_signature(secret, "POST", url, body)
    args = {"secret": secret, "method": "POST", "url": url, "body": body}
    if part == "body":
        changed = body + other.encode()
    elif part == "method":
        changed = "GET"
    else:
        changed = args[part] + other
    assert not kore_signature_valid(**(args | {part: changed}), signature=signature)
    assert kore_signature_valid(**args, signature=signature)


@pytest.mark.parametrize("signature", ["", "  ", "0" * 64, "4fdba0cb"])
def test_empty_or_wrong_signature_refused(signature: str) -> None:
    """Empty, blank, zero and truncated signatures never match."""
    body = b"field1=value1&field2=value2"
    assert not kore_signature_valid("secret12345", "POST", URL, body, signature)


def test_empty_secret_never_verifies() -> None:
    """An account without a secret sends an empty signature: nothing verifies it."""
    assert not kore_signature_valid(
        "", "POST", URL, b"", kore_signature("", "POST", URL, b"")
    )
