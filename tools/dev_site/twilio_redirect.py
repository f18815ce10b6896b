"""Point the twilio library at a local fake API (development and tests only)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from twilio.base.domain import Domain


def redirect_twilio(base_url: str) -> Callable[[], None]:
    """Send every Twilio REST call to base_url/<subdomain>/...; return the undo."""
    original = Domain.__init__

    def _init(self: Domain, twilio: object, domain_url: str) -> None:
        subdomain = (urlsplit(domain_url).hostname or "api").split(".")[0]
        original(self, twilio, f"{base_url.rstrip('/')}/{subdomain}")  # type: ignore[arg-type]

    Domain.__init__ = _init  # type: ignore[method-assign]

    def undo() -> None:
        Domain.__init__ = original  # type: ignore[method-assign]

    return undo
