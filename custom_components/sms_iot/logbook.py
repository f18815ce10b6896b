"""Describe sms_iot's events in the logbook, in words, with numbers masked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from homeassistant.components.logbook.const import (
    LOGBOOK_ENTRY_MESSAGE,
    LOGBOOK_ENTRY_NAME,
)
from homeassistant.core import Event, HomeAssistant, callback

from .const import (
    DOMAIN,
    EVENT_COMMAND,
    EVENT_MESSAGE_STATUS,
    EVENT_RECEIVED,
    EVENT_SIM_COMMAND,
    EVENT_UNAUTHORIZED,
)
from .phone import mask_number

_QUOTE = 60


def _quoted(text: Any) -> str:
    """Return a text as the logbook quotes it: short, on one line."""
    line = " ".join(str(text).split())
    return f'"{line[:_QUOTE]}…"' if len(line) > _QUOTE else f'"{line}"'


def _received(data: dict[str, Any]) -> tuple[str, str]:
    return str(data.get("sender_name")), f"texted {_quoted(data.get('body', ''))}"


def _command(data: dict[str, Any]) -> tuple[str, str]:
    return str(data.get("device")), (
        f"{data.get('result')} ({data.get('state')}), asked by {data.get('sender_name')}"
    )


def _unauthorized(data: dict[str, Any]) -> tuple[str, str]:
    if data.get("reason") == "pin":
        return (
            "SMS IoT",
            f"refused a text from {data.get('from')}: wrong or missing PIN",
        )
    return (
        "SMS IoT",
        f"ignored a text from {data.get('from')}, not an authorized number",
    )


def _status(data: dict[str, Any]) -> tuple[str, str]:
    to = str(data.get("to", ""))
    return "SMS IoT", f"message to {mask_number(to)}: {data.get('status')}"


def _sim_command(data: dict[str, Any]) -> tuple[str, str]:
    return f"SIM {data.get('sim')}", f"sent {_quoted(data.get('command', ''))}"


_DESCRIBE: dict[str, Callable[[dict[str, Any]], tuple[str, str]]] = {
    EVENT_RECEIVED: _received,
    EVENT_COMMAND: _command,
    EVENT_UNAUTHORIZED: _unauthorized,
    EVENT_MESSAGE_STATUS: _status,
    EVENT_SIM_COMMAND: _sim_command,
}


@callback
def async_describe_events(
    hass: HomeAssistant,
    async_describe_event: Callable[[str, str, Callable[[Event], dict[str, str]]], None],
) -> None:
    """Describe each sms_iot event."""
    for event_type, describe in _DESCRIBE.items():

        @callback
        def _describe(
            event: Event,
            describe: Callable[[dict[str, Any]], tuple[str, str]] = describe,
        ) -> dict[str, str]:
            name, message = describe(dict(event.data))
            return {LOGBOOK_ENTRY_NAME: name, LOGBOOK_ENTRY_MESSAGE: message}

        async_describe_event(DOMAIN, event_type, _describe)
