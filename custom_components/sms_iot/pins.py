"""Wrong or missing PINs on the modem, and the repair many of them raise."""

from __future__ import annotations

from datetime import datetime

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import async_call_later

from .const import DOMAIN, PIN_FAILURE_THRESHOLD, PIN_FAILURE_WINDOW
from .limits import SlidingWindow
from .repairs import PIN_FAILURES, issue_id


class PinWatch:
    """Count refused PINs of one entry; a burst raises a repair that a quiet window clears."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Initialize with nothing refused."""
        self._hass = hass
        self._entry_id = entry_id
        self.failures = SlidingWindow(PIN_FAILURE_WINDOW)
        self._clear_later: CALLBACK_TYPE | None = None

    @property
    def issue_raised(self) -> bool:
        """Return True while the repair is shown."""
        return self._clear_later is not None

    @callback
    def refused(self) -> None:
        """Count a wrong or missing PIN; the threshold within the window raises the repair."""
        if self.failures.add() < PIN_FAILURE_THRESHOLD or self.issue_raised:
            return
        entry = self._hass.config_entries.async_get_entry(self._entry_id)
        ir.async_create_issue(
            self._hass,
            DOMAIN,
            issue_id(PIN_FAILURES, self._entry_id),
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key=PIN_FAILURES,
            translation_placeholders={
                "title": entry.title if entry else self._entry_id,
                "count": str(PIN_FAILURE_THRESHOLD),
                "minutes": str(round(PIN_FAILURE_WINDOW / 60)),
            },
        )
        self._clear_later = async_call_later(
            self._hass, PIN_FAILURE_WINDOW, self._async_check_quiet
        )

    @callback
    def _async_check_quiet(self, _now: datetime) -> None:
        """Clear the repair once a whole window passed without a refused PIN."""
        if self.failures.count():
            self._clear_later = async_call_later(
                self._hass, PIN_FAILURE_WINDOW, self._async_check_quiet
            )
            return
        self.accepted()

    @callback
    def accepted(self) -> None:
        """The right PIN arrived: forget failures and clear the repair."""
        self.failures.clear()
        self.cancel()
        ir.async_delete_issue(
            self._hass, DOMAIN, issue_id(PIN_FAILURES, self._entry_id)
        )

    @callback
    def cancel(self) -> None:
        """Stop the timer that clears the repair (the entry unloads)."""
        if self._clear_later is not None:
            self._clear_later()
            self._clear_later = None
