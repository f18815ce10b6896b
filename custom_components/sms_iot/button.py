"""A button per authorized number: send a test text, then report how it went."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from homeassistant.components import persistent_notification
from homeassistant.components.button import ButtonEntity
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.event import async_call_later
from homeassistant.helpers.translation import async_get_translations

from .const import DOMAIN
from .entity import NumberDeviceEntity, async_add_per_number
from .message_status import MessageStatus
from .models import AuthorizedNumber, SmsIotConfigEntry
from .outbound import async_send
from .phone import mask_number

PARALLEL_UPDATES = 1
# GSM-7 and one segment: the test costs one text.
TEST_TEXT = (
    "Test from Home Assistant: texts from SMS IoT reach this phone. "
    "Text help for the commands."
)
REPORT_WAIT = 180.0
_FINAL = {"delivered", "undelivered", "failed", "canceled", "read"}


async def async_setup_entry(
    hass: HomeAssistant,
    entry: SmsIotConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a test button for each authorized number."""
    async_add_per_number(entry, async_add_entities, SendTestButton)


class SendTestButton(NumberDeviceEntity, ButtonEntity):
    """Send a test text to one authorized number and tell how it went."""

    _attr_translation_key = "send_test"
    _attr_entity_category = EntityCategory.DIAGNOSTIC

    def __init__(self, entry: SmsIotConfigEntry, number: AuthorizedNumber) -> None:
        """Initialize the button on the number's device."""
        super().__init__(entry, number, "send_test")
        self._stop_watching: Callable[[], None] | None = None

    async def async_will_remove_from_hass(self) -> None:
        """Stop waiting for a delivery report."""
        self._unwatch()

    async def async_press(self) -> None:
        """Send the test text; Twilio's delivery report (or the modem's hand-over) follows."""
        self._unwatch()
        sent = (
            await async_send(self.hass, self._entry, [self._number.number], TEST_TEXT)
        )[-1]
        if sent["via"] != "twilio":
            await self._async_report("test_modem", sent.get("status", "sent"))
            return
        sid = sent["message_sid"]

        @callback
        def status_changed(status: MessageStatus) -> None:
            if status.message_sid == sid and status.status in _FINAL:
                self._unwatch()
                key = (
                    "test_delivered"
                    if status.status in ("delivered", "read")
                    else "test_failed"
                )
                self.hass.async_create_task(
                    self._async_report(key, status.status, status.error_message)
                )

        @callback
        def no_report(_: Any) -> None:
            self._unwatch()
            self.hass.async_create_task(
                self._async_report("test_no_report", sent["status"])
            )

        unlisten = self._entry.runtime_data.statuses.listen(status_changed)
        cancel = async_call_later(self.hass, REPORT_WAIT, no_report)

        def stop() -> None:
            unlisten()
            cancel()

        self._stop_watching = stop

    def _unwatch(self) -> None:
        if self._stop_watching is not None:
            self._stop_watching()
            self._stop_watching = None

    async def _async_report(
        self, key: str, status: str, error: str | None = None
    ) -> None:
        """Show how the test went as a notification, in the user's language."""
        strings = await async_get_translations(
            self.hass, self.hass.config.language, "exceptions", [DOMAIN]
        )
        prefix = f"component.{DOMAIN}.exceptions"
        message = strings[f"{prefix}.{key}.message"].format(
            name=self._number.name,
            number=mask_number(self._number.number),
            status=status,
            error=error or "-",
            minutes=str(int(REPORT_WAIT // 60)),
        )
        persistent_notification.async_create(
            self.hass,
            message,
            title=strings[f"{prefix}.test_title.message"],
            notification_id=f"{DOMAIN}_test_{self._number.subentry_id}",
        )
