"""The gate over Home Assistant's warnings about sms_iot."""

from __future__ import annotations

import logging

import pytest

from .ha_warnings import DEPRECATION, FRAME, HaWarnings, is_deprecation_about_us

UPDATE_LISTENER = (
    "Detected that custom integration 'sms_iot' has an update listener and should use it "
    "for scheduling a reload. This will stop working in Home Assistant 2026.12.0"
)
CONFIG_ENTRIES = (
    "Detected that custom integration 'sms_iot' accesses DeviceEntry.config_entries, which "
    "is deprecated at custom_components/sms_iot/modem.py, line 41: for entry_id in ..."
)


def _record(
    name: str, message: str, level: int = logging.WARNING, path: str = "frame.py"
) -> logging.LogRecord:
    return logging.LogRecord(name, level, path, 1, message, None, None)


@pytest.mark.parametrize(
    ("name", "message", "level", "path"),
    [
        (FRAME, UPDATE_LISTENER, logging.WARNING, "frame.py"),
        (FRAME, CONFIG_ENTRIES, logging.ERROR, "frame.py"),
        (DEPRECATION, "sms_iot uses a deprecated constant", logging.WARNING, "x.py"),
        (
            "homeassistant.config_entries",
            "The deprecated argument hass was passed",
            logging.WARNING,
            "/c/custom_components/sms_iot/flow.py",
        ),
    ],
)
def test_warnings_about_us_are_kept(
    name: str, message: str, level: int, path: str
) -> None:
    """HA's reports that sms_iot uses what HA is dropping are kept."""
    assert is_deprecation_about_us(_record(name, message, level, path))


@pytest.mark.parametrize(
    ("name", "message", "level"),
    [
        (FRAME, UPDATE_LISTENER.replace("sms_iot", "hue"), logging.WARNING),
        (FRAME, UPDATE_LISTENER, logging.INFO),
        ("custom_components.sms_iot", "Deprecated option in sms_iot", logging.WARNING),
        (
            "homeassistant.loader",
            "We found a custom integration sms_iot",
            logging.WARNING,
        ),
    ],
)
def test_other_records_pass(name: str, message: str, level: int) -> None:
    """Other integrations, lower levels, our own logs and HA's notices are not the gate's."""
    assert not is_deprecation_about_us(_record(name, message, level))


def test_handler_keeps_reports_from_ha_loggers() -> None:
    """A frame report logged through HA's logger reaches the gate."""
    handler = HaWarnings()
    logger = logging.getLogger(FRAME)
    logger.addHandler(handler)
    # Kept from the suite's own gate, which would fail this test.
    logger.propagate = False
    try:
        logger.warning(UPDATE_LISTENER)
        logger.warning(UPDATE_LISTENER.replace("sms_iot", "hue"))
    finally:
        logger.propagate = True
        logger.removeHandler(handler)
    assert [r.getMessage() for r in handler.records] == [UPDATE_LISTENER]
