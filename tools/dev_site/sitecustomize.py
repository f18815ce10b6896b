"""Development seam: point the twilio library at tools/fake_twilio.py.

Only scripts/develop puts this folder on PYTHONPATH, with SMS_IOT_FAKE_TWILIO set to the fake
API's base URL. The integration's own code is unchanged and talks to "Twilio" as usual.
"""

import os
from urllib.parse import urlsplit

FAKE = os.environ.get("SMS_IOT_FAKE_TWILIO")

if FAKE:
    from twilio.base.domain import Domain

    _original_init = Domain.__init__

    def _init(self: Domain, twilio: object, base_url: str) -> None:
        subdomain = (urlsplit(base_url).hostname or "api").split(".")[0]
        _original_init(self, twilio, f"{FAKE.rstrip('/')}/{subdomain}")  # type: ignore[arg-type]

    Domain.__init__ = _init  # type: ignore[method-assign]
