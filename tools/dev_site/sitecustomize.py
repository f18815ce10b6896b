"""Development seam: point the twilio library at tools/fake_twilio.py, KORE at tools/fake_kore.py.

SMS_IOT_PROFILE (scripts/bench's profile) installs a cProfile switch on SIGUSR1/SIGUSR2.
Only scripts/develop and scripts/bench put this folder on PYTHONPATH, with SMS_IOT_FAKE_TWILIO
(and SMS_IOT_FAKE_KORE) set to the fake APIs' base URLs. The integration's own code is unchanged
and talks to "Twilio" and "KORE" as usual.
"""

import os

if FAKE := os.environ.get("SMS_IOT_FAKE_TWILIO"):
    from twilio_redirect import redirect_twilio

    redirect_twilio(FAKE)

if FAKE_KORE := os.environ.get("SMS_IOT_FAKE_KORE"):
    from kore_redirect import redirect_kore

    redirect_kore(FAKE_KORE)

if PROFILE := os.environ.get("SMS_IOT_PROFILE"):
    from profile_hook import install

    install(PROFILE)
