"""Every sentence sms_iot texts: outcomes and notices to reply text (the only place)."""

from __future__ import annotations

from collections.abc import Sequence
import re

from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import State

from .compat import ATTR_BRIGHTNESS
from .const import LATE_WINDOW
from .models import AuthorizedNumber
from .outcomes import DeviceReport, Item, Note, Outcome

MAX_REPLY_CHARS = 1600
LATE_WINDOW_MINUTES = round(LATE_WINDOW / 60)
SORRY = "Sorry, something went wrong. Please try again."
ALREADY_HANDLED = "This message was already received."
STRANGER_REFUSAL = "This number does not accept messages from you."
PIN_REMINDER = "Start each text to this number with your PIN, e.g. '1234 relay on'."
SLOW_DOWN = "Slow down: at most {rate} commands a minute. Later messages are ignored."
_NOTES = {
    Note.NO_DEVICES: "No devices are set up for this number.",
    Note.NAME_ONE: "Several devices: name one, e.g. '{subject} on'. Text COMMANDS for the list.",
    Note.UNKNOWN_DEVICE: "Unknown device '{subject}'. Text COMMANDS for the list.",
    Note.NOT_PERMITTED: "{subject}: not permitted for this number.",
    Note.STATUS_ONLY: "Not permitted: this number can only check status.",
    Note.NOT_A_LIGHT: "{subject}: is a switch, use on or off.",
    Note.NOT_UNDERSTOOD: "Not understood: '{subject}'. Text COMMANDS for commands.",
    Note.TRUNCATED: "Only the first 10 commands were read.",
}

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


def describe_state(state: State | None, starting: bool = False) -> str:
    """Describe an entity state as an SMS reads it (the words the README lists)."""
    if state is None:
        return "starting up" if starting else "not found"
    if state.state == STATE_UNAVAILABLE:
        return "offline"
    if state.state == STATE_ON:
        brightness = state.attributes.get(ATTR_BRIGHTNESS)
        if isinstance(brightness, int | float):
            return f"ON {round(brightness * 100 / 255)}%"
        return "ON"
    if state.state == STATE_OFF:
        return "OFF"
    if state.state == STATE_UNKNOWN:
        return "unknown"
    return state.state


def _report(report: DeviceReport) -> str:
    """Say what a device reports after a command."""
    name = report.device.name
    observed = describe_state(report.state, report.starting)
    before = describe_state(report.before, report.starting)
    if report.outcome is Outcome.SKIPPED:
        return f"{name}: skipped, out of time (still {before})."
    if report.outcome is Outcome.TIMEOUT:
        if observed != before:
            return f"{name}: {observed} (not what was asked)."
        if report.follow_up:
            return (
                f"{name}: no response yet (still {observed}). If it switches within "
                f"{LATE_WINDOW_MINUTES} min, a text follows."
            )
        return f"{name}: no response yet (still {observed}); it may still switch."
    if report.outcome is Outcome.LATE:
        return f"{name}: {observed} (late: the earlier command ran)."
    if report.outcome is Outcome.FAILED:
        return f"{name}: failed (still {observed})."
    return f"{name}: {observed}"


def help_text(number: AuthorizedNumber) -> str:
    """Return help generated from the number's devices and permission."""
    names = ", ".join(d.name for d in number.devices) or "none"
    if not number.can_control:
        return f"Devices: {names}. Commands: STATUS, <device>?, COMMANDS."
    commands = "<device> on/off/toggle, all on/off, STATUS, COMMANDS"
    if any(d.domain == "light" for d in number.devices):
        commands = "<device> on/off/toggle, <light> 40%, all on/off, STATUS, COMMANDS"
    if number.default_device is not None:
        commands += f", 1/0 ({number.default_device.name})"
    return f"Devices: {names}. Commands: {commands}."


def phrase_item(item: Item, number: AuthorizedNumber) -> str:
    """Return the reply line for one outcome or notice."""
    if isinstance(item, DeviceReport):
        return _report(item)
    if item.note is Note.HELP:
        return help_text(number)
    subject = item.subject
    if item.note in _QUOTES_TEXT:
        subject = subject[:30]
    return _NOTES[item.note].format(subject=subject)


def phrase_reply(items: Sequence[Item], number: AuthorizedNumber) -> str:
    """Return the whole reply for a message's outcomes."""
    return render_text([phrase_item(item, number) for item in items])


def slow_down(rate: int) -> str:
    """Return the one reply a sender gets when over the rate limit."""
    return SLOW_DOWN.format(rate=rate)


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
