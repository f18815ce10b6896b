"""The gate over Home Assistant's warnings about sms_iot: deprecations and frame reports."""

from __future__ import annotations

import logging
import re

from custom_components.sms_iot.const import DOMAIN

# HA reports each offending call once per process (helpers.frame keeps what it reported), so
# the handler lives as long as the test process: the first test that triggers a report fails.
FRAME = "homeassistant.helpers.frame"
DEPRECATION = "homeassistant.helpers.deprecation"
_DEPRECATED = re.compile(r"deprecat|will stop working|breaks in", re.IGNORECASE)


def is_deprecation_about_us(record: logging.LogRecord) -> bool:
    """Return True for an HA warning that says sms_iot does something HA is dropping."""
    if record.levelno < logging.WARNING or not record.name.startswith("homeassistant"):
        return False
    message = record.getMessage()
    if DOMAIN not in message and DOMAIN not in record.pathname:
        return False
    return record.name in (FRAME, DEPRECATION) or bool(_DEPRECATED.search(message))


class HaWarnings(logging.Handler):
    """Keep every HA deprecation warning that names sms_iot."""

    def __init__(self) -> None:
        """Initialize with nothing kept."""
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Keep the record if it is about sms_iot."""
        if is_deprecation_about_us(record):
            self.records.append(record)


def install() -> HaWarnings:
    """Attach the gate to Home Assistant's loggers for the whole test process."""
    handler = HaWarnings()
    logging.getLogger("homeassistant").addHandler(handler)
    return handler
