"""KORE's callback signature: SHA-256 over secret, method, callback URL and raw body (pure)."""

from __future__ import annotations

import hashlib
import hmac


def kore_signature(secret: str, method: str, url: str, body: bytes) -> str:
    """Return the kore-signature KORE sends: lowercase hex SHA-256, a plain hash (no HMAC)."""
    return hashlib.sha256(
        secret.encode() + method.encode() + url.encode() + body
    ).hexdigest()


def kore_signature_valid(
    secret: str, method: str, url: str, body: bytes, signature: str
) -> bool:
    """Return True if the signature matches; an empty secret or signature never does."""
    if not secret or not signature:
        return False
    expected = kore_signature(secret, method, url, body)
    return hmac.compare_digest(expected, signature.strip().lower())
