"""An ESPHome board with a GSM modem as a transport: its events in, its send_sms action out."""

from __future__ import annotations

from functools import partial
import logging
from typing import Any

from homeassistant.const import ATTR_DEVICE_ID
from homeassistant.core import (
    CALLBACK_TYPE,
    Event,
    EventOrigin,
    HomeAssistant,
    callback,
)
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.event import async_call_later
from homeassistant.util import dt as dt_util, ulid as ulid_util

from .compat import device_entry_ids
from .const import DOMAIN, MODEM_ACTION, MODEM_EVENT, MULTIPART_WINDOW, ROUTE_MODEM
from .inbox import InboundMessage, Inbox
from .models import SenderUnavailableError
from .modem_text import may_continue, modem_parts
from .phone import mask_number, to_e164

_LOGGER = logging.getLogger(__name__)

TRANSPORT = "modem"
ESPHOME = "esphome"
# A text longer than this many parts is handled as it stands (a full inbox, not a command).
MAX_PARTS = 10


def modem_action(hass: HomeAssistant, device_id: str) -> str | None:
    """Return the esphome action that texts through this device, if it offers one now."""
    device = dr.async_get(hass).async_get(device_id)
    if device is None:
        return None
    for entry_id in device_entry_ids(device):
        entry = hass.config_entries.async_get_entry(entry_id)
        if entry is None or entry.domain != ESPHOME:
            continue
        # ESPHome names a device's actions after its node name, as esphome's manager does.
        node = str(entry.data.get("device_name", "")).replace("-", "_")
        action = f"{node}_{MODEM_ACTION}"
        if node and hass.services.has_service(ESPHOME, action):
            return action
    return None


def board_name(hass: HomeAssistant, device_id: str) -> str:
    """Return a board's name as the user sees it."""
    device = dr.async_get(hass).async_get(device_id)
    if device is None:
        return device_id
    return device.name_by_user or device.name or device_id


def modem_devices(hass: HomeAssistant) -> dict[str, str]:
    """Return the ESPHome devices offering send_sms: name by device id."""
    registry = dr.async_get(hass)
    return {
        device.id: board_name(hass, device.id)
        for entry in hass.config_entries.async_entries(ESPHOME)
        for device in dr.async_entries_for_config_entry(registry, entry.entry_id)
        if modem_action(hass, device.id)
    }


class Modem:
    """Texts in from one board's events (parts joined), texts out through its action."""

    via = ROUTE_MODEM
    media = False

    def __init__(self, hass: HomeAssistant, device_id: str, inbox: Inbox) -> None:
        """Initialize for the board with this device id."""
        self._hass = hass
        self.device_id = device_id
        self._inbox = inbox
        self._parts: dict[str, list[str]] = {}
        self._timers: dict[str, CALLBACK_TYPE] = {}

    @callback
    def async_start(self) -> CALLBACK_TYPE:
        """Listen for the board's texts; return what stops listening."""
        unsub = self._hass.bus.async_listen(
            MODEM_EVENT, self._async_event, event_filter=self._from_this_board
        )

        @callback
        def _stop() -> None:
            unsub()
            for cancel in self._timers.values():
                cancel()
            self._timers.clear()
            self._parts.clear()

        return _stop

    @callback
    def _from_this_board(self, event_data: dict[str, object]) -> bool:
        """Return True for events about this board's device."""
        return event_data.get(ATTR_DEVICE_ID) == self.device_id

    @callback
    def _async_event(self, event: Event[dict[str, object]]) -> None:
        """Take one received text (or part of one) from the board."""
        # esphome fires its events locally, without a user; a user firing the event by
        # hand (REST API, websocket, developer tools) is not the modem.
        if event.origin is not EventOrigin.local or event.context.user_id is not None:
            self._inbox.counters["modem_refused_origin"] += 1
            return
        raw_sender = event.data.get("sender")
        text = event.data.get("message")
        if (
            not isinstance(raw_sender, str)
            or not isinstance(text, str)
            or not raw_sender
        ):
            self._inbox.counters["modem_refused_malformed"] += 1
            return
        sender = to_e164(raw_sender, self._hass.config.country) or raw_sender.strip()
        parts = self._parts.setdefault(sender, [])
        parts.append(text)
        if cancel := self._timers.pop(sender, None):
            cancel()
        if may_continue(text) and len(parts) < MAX_PARTS:
            self._timers[sender] = async_call_later(
                self._hass, MULTIPART_WINDOW, partial(self._flush, sender)
            )
            return
        self._flush(sender)

    @callback
    def _flush(self, sender: str, _now: object = None) -> None:
        """Hand a sender's joined parts to the inbox."""
        self._timers.pop(sender, None)
        text = "".join(self._parts.pop(sender))
        self._hass.async_create_background_task(
            self._async_handle(sender, text), f"{DOMAIN} modem text"
        )

    async def _async_handle(self, sender: str, text: str) -> None:
        """Let the engine decide, then text its reply back through the board."""
        reply = await self._inbox.async_receive(
            InboundMessage(
                transport=TRANSPORT,
                channel=self.device_id,
                sender=sender,
                text=text,
                message_id=f"modem-{ulid_util.ulid_now()}",
                received_at=dt_util.utcnow(),
                follow_up=partial(self.async_send_quietly, sender),
                pin_required=True,
            )
        )
        if reply:
            await self.async_send_quietly(sender, reply)

    async def async_send_quietly(self, to: str, text: str) -> None:
        """Send a reply; a board that cannot is logged, not raised (nobody waits on it)."""
        try:
            await self.async_send(to, text)
        except HomeAssistantError as err:
            _LOGGER.warning("Could not reply to %s: %s", mask_number(to), err)

    async def async_send(self, to: str, text: str) -> None:
        """Send a text through the board, folded and split into numbered parts."""
        for part in self.split(text):
            await self.async_send_part(to, part, [])

    def split(self, text: str) -> list[str]:
        """Return the one-segment GSM-7 parts the board sends a text as."""
        return modem_parts(text)

    async def async_send_part(
        self, to: str, part: str, media: list[str]
    ) -> dict[str, Any]:
        """Hand one part to the board, which queues it: no id, no delivery status."""
        action = modem_action(self._hass, self.device_id)
        if action is None:
            raise self._unavailable()
        try:
            await self._hass.services.async_call(
                ESPHOME, action, {"recipient": to, "message": part}, blocking=True
            )
        except HomeAssistantError as err:
            raise self._unavailable() from err
        self._inbox.counters["modem_parts_sent"] += 1
        return {
            "message_sid": None,
            "status": "queued",
            "segments": 1,
            "encoding": "GSM-7",
        }

    def _unavailable(self) -> SenderUnavailableError:
        """Return the error for a board that cannot send now."""
        return SenderUnavailableError(
            translation_domain=DOMAIN,
            translation_key="modem_unavailable",
            translation_placeholders={"modem": board_name(self._hass, self.device_id)},
        )
