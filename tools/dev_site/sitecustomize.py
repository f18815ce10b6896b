"""Development seam: point the twilio library at tools/fake_twilio.py.

Only scripts/develop and scripts/bench put this folder on PYTHONPATH, with SMS_IOT_FAKE_TWILIO set
to the fake API's base URL. The integration's own code is unchanged and talks to "Twilio" as usual.
"""

import os

if FAKE := os.environ.get("SMS_IOT_FAKE_TWILIO"):
    from twilio_redirect import redirect_twilio

    redirect_twilio(FAKE)
