"""Every sentence sms_iot texts: outcomes and notices to reply text (the only place)."""

from __future__ import annotations

from collections.abc import Sequence
import re

from homeassistant.components.cover import ATTR_CURRENT_POSITION
from homeassistant.const import (
    ATTR_UNIT_OF_MEASUREMENT,
    STATE_OFF,
    STATE_ON,
    STATE_OPEN,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
)
from homeassistant.core import State

from .commands import Action, Command
from .compat import ATTR_BRIGHTNESS
from .const import CONFIRM_WINDOW, LATE_WINDOW
from .kinds import NAMED_STATES
from .models import AuthorizedNumber
from .outcomes import DeviceReport, Item, Note, Outcome
from .phrases import EXAMPLES, PHRASES

MAX_REPLY_CHARS = 1600
LATE_WINDOW_MINUTES = round(LATE_WINDOW / 60)
CONFIRM_MINUTES = round(CONFIRM_WINDOW / 60)
ALREADY_HANDLED = "This message was already received."


def words(language: str) -> dict[str, str]:
    """Return the reply words of a shipped language (English for any other)."""
    return PHRASES.get(language, PHRASES["en"])


SORRY = words("en")["sorry"]
STRANGER_REFUSAL = words("en")["stranger"]
PIN_REMINDER = words("en")["pin_reminder"]

# What XML 1.0 forbids or an SMS cannot show: control characters but the newline, surrogates
# and the Unicode non-characters (U+FDD0-FDEF and the last two code points of every plane).
_UNSAFE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef]|"
    + "|".join(f"\\U{plane:04x}fffe|\\U{plane:04x}ffff" for plane in range(17))
)

# Notes that quote what the sender typed: quoted short.
_QUOTES_TEXT = {Note.UNKNOWN_DEVICE, Note.NOT_UNDERSTOOD}


def sms_safe(text: str) -> str:
    """Return text without what an XML reply or an SMS cannot carry."""
    return _UNSAFE.sub("", text)


def describe_state(
    state: State | None, starting: bool = False, language: str = "en"
) -> str:
    """Describe an entity state as an SMS reads it (the words the README lists)."""
    said = words(language)
    if state is None:
        return said["starting"] if starting else said["not_found"]
    if state.state == STATE_UNAVAILABLE:
        return said["offline"]
    if state.state == STATE_ON:
        brightness = state.attributes.get(ATTR_BRIGHTNESS)
        if isinstance(brightness, int | float):
            return f"{said['on']} {round(brightness * 100 / 255)}%"
        return said["on"]
    if state.state == STATE_OFF:
        return said["off"]
    if state.state == STATE_UNKNOWN:
        return said["unknown"]
    if state.domain in NAMED_STATES and (word := said.get(f"state_{state.state}")):
        position = state.attributes.get(ATTR_CURRENT_POSITION)
        # A cover part-way open says how far; fully open or closed needs no number.
        if state.state == STATE_OPEN and isinstance(position, int) and position < 100:
            return f"{word} {position}%"
        return word
    unit = state.attributes.get(ATTR_UNIT_OF_MEASUREMENT)
    if isinstance(unit, str) and unit:
        # "°" is not in GSM-7: one such reply would cost UCS-2 segments.
        return f"{state.state} {unit.replace('°', '')}"
    return state.state


def _report(report: DeviceReport, language: str) -> str:
    """Say what a device reports after a command."""
    said = words(language)
    values = {
        "name": report.device.name,
        "observed": describe_state(report.state, report.starting, language),
        "before": describe_state(report.before, report.starting, language),
        "minutes": LATE_WINDOW_MINUTES,
    }
    key = "ok"
    if report.outcome is Outcome.SKIPPED:
        key = "skipped"
    elif report.outcome is Outcome.TIMEOUT:
        if values["observed"] != values["before"]:
            key = "not_asked"
        else:
            key = "no_response_follow" if report.follow_up else "no_response"
    elif report.outcome is Outcome.MOVING:
        key = "moving" if report.follow_up else "moving_no_follow"
    elif report.outcome is Outcome.LATE:
        key = "late"
    elif report.outcome is Outcome.FAILED:
        # A jammed lock answered, just not as asked.
        key = "failed" if values["observed"] == values["before"] else "not_asked"
    return said.get(key, "{name}: {observed}").format(**values)


def help_text(number: AuthorizedNumber, language: str = "en") -> str:
    """Return help generated from the number's devices and permission."""
    said = words(language)
    names = ", ".join(d.name for d in number.devices) or said["none"]
    if language in EXAMPLES:
        first = next((d.name for d in number.devices), said["none"])
        example = EXAMPLES[language][0 if number.can_control else 1]
        return f"{said['devices']}: {names}. " + example.format(first=first)
    if not number.can_control:
        return f"Devices: {names}. Commands: STATUS, <device>?, COMMANDS."
    commands = "<device> on/off/toggle, all on/off, STATUS, COMMANDS"
    if any(d.domain == "light" for d in number.devices):
        commands = "<device> on/off/toggle, <light> 40%, all on/off, STATUS, COMMANDS"
    if any(d.domain == "cover" for d in number.devices):
        commands += ", <door> open/close/stop"
    if any(d.domain == "lock" for d in number.devices):
        commands += ", <lock> lock/unlock"
    if number.default_device is not None:
        commands += f", 1/0 ({number.default_device.name})"
    return f"Devices: {names}. Commands: {commands}."


def phrase_item(item: Item, number: AuthorizedNumber, language: str = "en") -> str:
    """Return the reply line for one outcome or notice."""
    if isinstance(item, DeviceReport):
        return _report(item, language)
    if item.note is Note.HELP:
        return help_text(number, language)
    if item.note is Note.CONFIRM:
        return words(language)[Note.CONFIRM].format(
            subject=item.subject,
            minutes=CONFIRM_MINUTES,
            commands=", ".join(_asked(c, language) for c in item.commands),
        )
    subject = item.subject
    if item.note in _QUOTES_TEXT:
        subject = subject[:30]
    return words(language)[item.note].format(subject=subject)


def _asked(command: Command, language: str) -> str:
    """Say what a held command will do, as a reply states a device."""
    said = words(language)
    if command.action is Action.BRIGHTNESS:
        return f"{command.target}: {said['on']} {command.brightness}%"
    if command.action is Action.TOGGLE:
        return f"{command.target}: {said['toggle']}"
    if command.action in (Action.ON, Action.OFF):
        return f"{command.target}: {said[command.action.value]}"
    asked = said[f"do_{command.action.value}"].format(percent=command.brightness)
    return f"{command.target}: {asked}"


def phrase_reply(
    items: Sequence[Item], number: AuthorizedNumber, language: str = "en"
) -> str:
    """Return the whole reply for a message's outcomes."""
    return render_text([phrase_item(item, number, language) for item in items])


def slow_down(rate: int, language: str = "en") -> str:
    """Return the one reply a sender gets when over the rate limit."""
    return words(language)["slow_down"].format(rate=rate)


def render_text(lines: Sequence[str], limit: int = MAX_REPLY_CHARS) -> str:
    """Join reply lines, dropping whole lines beyond the limit and saying how many."""
    text = "\n".join(lines)
    if len(text) <= limit:
        return text
    kept = 0
    length = -1  # the first line has no newline before it
    # Keep whole lines while they and the "(+N more lines)" note still fit.
    while (
        length + 1 + len(lines[kept]) + len(f"\n(+{len(lines) - kept} more lines)")
        <= limit
    ):
        length += 1 + len(lines[kept])
        kept += 1
    if not kept:
        return lines[0][: limit - 1] + "…"
    return "\n".join(lines[:kept]) + f"\n(+{len(lines) - kept} more lines)"
