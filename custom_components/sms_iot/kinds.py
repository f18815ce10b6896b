"""What each kind of device does with a command, and which of its states answer it."""

from __future__ import annotations

from dataclasses import replace

from homeassistant.components.cover import (
    ATTR_CURRENT_POSITION,
    ATTR_POSITION,
    CoverEntityFeature,
    CoverState,
)
from homeassistant.components.lock.const import LockState
from homeassistant.const import (
    ATTR_ENTITY_ID,
    ATTR_SUPPORTED_FEATURES,
    SERVICE_CLOSE_COVER,
    SERVICE_LOCK,
    SERVICE_OPEN_COVER,
    SERVICE_SET_COVER_POSITION,
    SERVICE_STOP_COVER,
    SERVICE_TOGGLE,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    SERVICE_UNLOCK,
    STATE_OFF,
    STATE_ON,
)
from homeassistant.core import State

from .commands import ON_OFF_AS, Action, Command
from .compat import ATTR_BRIGHTNESS, ATTR_BRIGHTNESS_PCT
from .outcomes import Note

READ_ONLY = frozenset({"sensor", "binary_sensor"})
# What "all on/off" switches: never a door, a lock or a sensor.
ON_OFF = frozenset({"light", "switch"})
# The kinds the entity picker offers, in the order a user thinks of them.
DOMAINS = ("light", "switch", "cover", "lock", "sensor", "binary_sensor")
# A device in one of these states has answered but not finished: its final state follows.
MOVING = frozenset(
    {
        CoverState.OPENING,
        CoverState.CLOSING,
        LockState.LOCKING,
        LockState.UNLOCKING,
        LockState.OPENING,
    }
)
# A jammed lock will not reach any asked state: waiting longer shows nothing new.
STUCK = frozenset({LockState.JAMMED})
# Kinds whose states have words of their own (a sensor's "open" is only its value).
NAMED_STATES = frozenset({"cover", "lock"})
# Covers of these classes guard a way in: a code is asked first unless the user says otherwise.
GUARDING_COVERS = frozenset({"garage", "door", "gate"})

_SWITCH = {Action.ON: Action.ON, Action.OFF: Action.OFF, Action.TOGGLE: Action.TOGGLE}
_MEANS: dict[str, dict[Action, Action]] = {
    "switch": _SWITCH,
    "light": _SWITCH | {Action.BRIGHTNESS: Action.BRIGHTNESS},
    "cover": {
        Action.ON: ON_OFF_AS["cover", Action.ON],
        Action.OFF: ON_OFF_AS["cover", Action.OFF],
        Action.TOGGLE: Action.TOGGLE,
        Action.BRIGHTNESS: Action.POSITION,
        Action.POSITION: Action.POSITION,
        Action.OPEN: Action.OPEN,
        Action.CLOSE: Action.CLOSE,
        Action.STOP: Action.STOP,
    },
    "lock": {
        Action.ON: ON_OFF_AS["lock", Action.ON],
        Action.OFF: ON_OFF_AS["lock", Action.OFF],
        Action.LOCK: Action.LOCK,
        Action.UNLOCK: Action.UNLOCK,
    },
}
_WORDS = {"cover": Note.COVER_WORDS, "lock": Note.LOCK_WORDS}
SERVICES = {
    Action.ON: SERVICE_TURN_ON,
    Action.OFF: SERVICE_TURN_OFF,
    Action.TOGGLE: SERVICE_TOGGLE,
    Action.BRIGHTNESS: SERVICE_TURN_ON,
    Action.OPEN: SERVICE_OPEN_COVER,
    Action.CLOSE: SERVICE_CLOSE_COVER,
    Action.STOP: SERVICE_STOP_COVER,
    Action.POSITION: SERVICE_SET_COVER_POSITION,
    Action.LOCK: SERVICE_LOCK,
    Action.UNLOCK: SERVICE_UNLOCK,
}


def domain_of(entity_id: str) -> str:
    """Return an entity's domain."""
    return entity_id.split(".", 1)[0]


def meaning(command: Command, domain: str, state: State | None) -> Command | Note:
    """Return what a command asks of this kind of device, or the note saying what it takes."""
    if domain in READ_ONLY:
        return Note.READ_ONLY
    means = _MEANS.get(domain, _SWITCH)
    if (action := means.get(command.action)) is None:
        if command.action is Action.BRIGHTNESS and means is _SWITCH:
            return Note.NOT_A_LIGHT
        return _WORDS.get(domain, Note.ON_OFF)
    if action is Action.POSITION and not _features(state) & (
        CoverEntityFeature.SET_POSITION
    ):
        return Note.COVER_WORDS
    return replace(command, action=action)


def _features(state: State | None) -> int:
    """Return the supported features a device reports."""
    features = state.attributes.get(ATTR_SUPPORTED_FEATURES) if state else None
    return features if isinstance(features, int) else 0


def service_data(entity_id: str, command: Command) -> dict[str, object]:
    """Return the service data for a command on an entity."""
    data: dict[str, object] = {ATTR_ENTITY_ID: entity_id}
    if command.action is Action.BRIGHTNESS:
        data[ATTR_BRIGHTNESS_PCT] = command.brightness
    elif command.action is Action.POSITION:
        data[ATTR_POSITION] = command.brightness
    return data


def reached(command: Command, before: State | None, state: State) -> bool:
    """Return True once a device reports, settled, what the command asked for."""
    if state.state in MOVING:
        return False
    action, wanted = command.action, command.brightness
    if action is Action.TOGGLE:
        return before is None or state.state != before.state
    if action is Action.STOP:
        return True
    position = state.attributes.get(ATTR_CURRENT_POSITION)
    if action is Action.POSITION or (action is Action.OPEN and position is not None):
        # A cover part-way is "open": opened means all the way when it reports how far.
        return _near(position, 100 if action is Action.OPEN else wanted, 1)
    if action is Action.BRIGHTNESS and wanted:
        brightness = state.attributes.get(ATTR_BRIGHTNESS)
        percent = (
            brightness * 100 / 255 if isinstance(brightness, int | float) else None
        )
        return state.state == STATE_ON and _near(percent, wanted, 1.5)
    return (
        state.state in _ANSWERS[Action.OFF if action is Action.BRIGHTNESS else action]
    )


_ANSWERS: dict[Action, frozenset[str]] = {
    Action.ON: frozenset({STATE_ON}),
    Action.OFF: frozenset({STATE_OFF}),
    Action.OPEN: frozenset({CoverState.OPEN}),
    Action.CLOSE: frozenset({CoverState.CLOSED}),
    Action.LOCK: frozenset({LockState.LOCKED}),
    Action.UNLOCK: frozenset({LockState.UNLOCKED, LockState.OPEN}),
}


def _near(value: object, wanted: int | None, tolerance: float) -> bool:
    """Return True if a reported percentage is the asked one, give or take rounding."""
    return (
        isinstance(value, int | float)
        and wanted is not None
        and abs(value - wanted) <= tolerance
    )


def guards(domain: str, state: State | None) -> bool:
    """Return True for a lock or a garage door, door or gate: a code is asked by default."""
    if domain == "lock":
        return True
    device_class = state.attributes.get("device_class") if state else None
    return domain == "cover" and device_class in GUARDING_COVERS
