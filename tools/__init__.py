"""Development and test helpers for sms_iot (not part of the integration)."""
