"""The URLs Twilio signs and calls back, derived from the stored public URL (pure)."""

from __future__ import annotations


def base_url(public_url: str) -> str:
    """Return the stored public URL without its query."""
    return public_url.split("?", 1)[0]


def status_callback_url(public_url: str) -> str:
    """Return the URL Twilio reports an outbound message's delivery status to."""
    return f"{base_url(public_url)}?kind=status"


def signed_url(public_url: str, query_string: str) -> str:
    """Return the URL Twilio signed: the stored public URL plus the query it called with."""
    base = base_url(public_url)
    return f"{base}?{query_string}" if query_string else base
