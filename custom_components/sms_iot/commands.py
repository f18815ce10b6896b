"""Parse the text of an SMS into commands (pure: no Home Assistant imports)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
import re

MAX_COMMANDS = 10
ALL = "all"

_SEPARATORS = re.compile(r"[\n\r;,]+")
_SPACES = re.compile(r"\s+")
_PERCENT = re.compile(r"^(?P<target>.*?)\s*(?P<value>\d{1,3})\s*%$")
_ON = frozenset({"on", "1"})
_OFF = frozenset({"off", "0"})
_STATUS = frozenset({"status", "?", "state"})
_HELP = frozenset({"help", "commands"})
# Carrier opt-out/opt-in keywords (Twilio acts on them) and the help words it may answer.
CARRIER_KEYWORDS = frozenset(
    {"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "revoke", "optout"}
    | {"start", "unstop", "yes"}
    | {"help", "info"}
)


class Action(StrEnum):
    """What a command asks for."""

    ON = "on"
    OFF = "off"
    TOGGLE = "toggle"
    BRIGHTNESS = "brightness"
    STATUS = "status"
    HELP = "help"
    OPEN = "open"
    CLOSE = "close"
    STOP = "stop"
    POSITION = "position"
    LOCK = "lock"
    UNLOCK = "unlock"


# As Home Assistant's own intents read them: turning a cover on opens it, a lock on locks it.
ON_OFF_AS = {
    ("cover", Action.ON): Action.OPEN,
    ("cover", Action.OFF): Action.CLOSE,
    ("lock", Action.ON): Action.LOCK,
    ("lock", Action.OFF): Action.UNLOCK,
}


@dataclass(frozen=True, slots=True)
class Command:
    """One command; target None means the sender's default device.

    brightness is the percentage a command asks for: a light's brightness, a cover's position.
    """

    action: Action
    target: str | None = None
    brightness: int | None = None


@dataclass(frozen=True, slots=True)
class ParseResult:
    """Commands understood and fragments not understood, in message order."""

    commands: tuple[Command, ...]
    unknown: tuple[str, ...]
    truncated: bool = False


_WORDS = {
    "toggle": Action.TOGGLE,
    "open": Action.OPEN,
    "close": Action.CLOSE,
    "stop": Action.STOP,
    "lock": Action.LOCK,
    "unlock": Action.UNLOCK,
}


def normalize(text: str) -> str:
    """Lower-case and collapse whitespace, as device names are matched."""
    return _SPACES.sub(" ", text).strip().casefold()


def is_carrier_keyword(text: str) -> bool:
    """Return True if the text is an opt-out/opt-in keyword, which is never a command."""
    return normalize(text) in CARRIER_KEYWORDS - _HELP


def fragments(text: str) -> list[str]:
    """Return the text's commands as written: split at newlines, commas and semicolons."""
    return [f for raw in _SEPARATORS.split(text) if (f := normalize(raw))]


def parse(text: str) -> ParseResult:
    """Parse an SMS body into commands; never raises."""
    commands: list[Command] = []
    unknown: list[str] = []
    truncated = False
    for fragment in fragments(text):
        if len(commands) + len(unknown) >= MAX_COMMANDS:
            truncated = True
            break
        parsed = _parse_fragment(fragment)
        if parsed is None:
            unknown.append(fragment)
        else:
            commands.extend(parsed)
    return ParseResult(tuple(commands), tuple(unknown), truncated)


def _parse_fragment(fragment: str) -> list[Command] | None:
    """Parse one normalised fragment."""
    if fragment in _ON:
        return [Command(Action.ON)]
    if fragment in _OFF:
        return [Command(Action.OFF)]
    if fragment == "?":
        return [Command(Action.STATUS), Command(Action.HELP)]
    if fragment in _STATUS:
        return [Command(Action.STATUS)]
    if fragment in _HELP:
        return [Command(Action.HELP)]
    if match := _PERCENT.match(fragment):
        value = int(match["value"])
        target = match["target"].strip()
        if value > 100 or not target:
            return None
        return [Command(Action.BRIGHTNESS, target, value)]
    if fragment.endswith("?"):
        target = fragment[:-1].strip()
        return [Command(Action.STATUS, target)] if target else None
    words = fragment.split(" ")
    if len(words) < 2:
        return None
    if words[0] == "turn" and len(words) >= 3:
        words = [*words[2:], words[1]]
    action = _action(words[-1])
    target = " ".join(words[:-1])
    if action is None:
        action = _action(words[0])
        target = " ".join(words[1:])
    if action is None:
        return None
    return [Command(action, target)]


def _action(word: str) -> Action | None:
    """Map an action word to its action."""
    if word in _ON:
        return Action.ON
    if word in _OFF:
        return Action.OFF
    if word in _STATUS:
        return Action.STATUS
    return _WORDS.get(word)
