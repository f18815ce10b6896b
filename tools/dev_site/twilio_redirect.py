"""Point the twilio library and sms_iot's Twilio client at a local fake API (development, tests).

Every Twilio REST URL https://<sub>.twilio.com/... becomes <base_url>/<sub>/...: in the library
(its Domain objects) and in the few calls sms_iot makes without it (module constants).
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

try:
    from after_import import after_import
except ImportError:  # imported as tools.dev_site.twilio_redirect by the tests
    from .after_import import after_import

CLIENT = "custom_components.sms_iot.twilio_client"
CONSTANTS = {"API_URL": "api", "MESSAGING_URL": "messaging"}


def redirect_twilio(base_url: str) -> Callable[[], None]:
    """Send every Twilio REST call to base_url/<subdomain>/...; return the undo."""
    base = base_url.rstrip("/")
    undo: list[Callable[[], None]] = []

    def _domain(module: ModuleType) -> None:
        domain = module.Domain
        original = domain.__init__

        def _init(self: Any, twilio: object, domain_url: str) -> None:
            subdomain = (urlsplit(domain_url).hostname or "api").split(".")[0]
            original(self, twilio, f"{base}/{subdomain}")

        domain.__init__ = _init
        undo.append(lambda: setattr(domain, "__init__", original))

    def _client(module: ModuleType) -> None:
        saved = {name: getattr(module, name) for name in CONSTANTS}
        module.__dict__.update(
            {name: f"{base}/{subdomain}" for name, subdomain in CONSTANTS.items()}
        )
        undo.append(lambda: module.__dict__.update(saved))

    cancel = [
        after_import("twilio.base.domain", _domain),
        after_import(CLIENT, _client),
    ]

    def _undo() -> None:
        for step in (*cancel, *undo):
            step()

    return _undo
