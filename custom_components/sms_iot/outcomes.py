"""What acting on a message produced: per-device outcomes and notes, never sentences."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from homeassistant.core import State

from .commands import Command

if TYPE_CHECKING:
    from .models import Device


class Outcome(StrEnum):
    """What happened to one device; the values are the command event's result."""

    OK = "ok"
    OFFLINE = "offline"
    TIMEOUT = "timeout"
    FAILED = "failed"
    SKIPPED = "skipped"
    LATE = "late"  # reported after the reply: the command ran after all
    MOVING = "moving"  # answered, not finished (a door opening): the end is texted
    DONE = "done"  # reported after the reply: the moving device came to rest


@dataclass(frozen=True, slots=True)
class DeviceReport:
    """One device after a command (or a status read: outcome None)."""

    device: Device
    outcome: Outcome | None
    before: State | None
    state: State | None
    # Home Assistant is still starting: a missing entity may yet come.
    starting: bool = False
    # A late outcome of a timed-out command will be texted.
    follow_up: bool = False


class Note(StrEnum):
    """Why a command did nothing, or what else the reply must say."""

    NO_DEVICES = "no_devices"
    NAME_ONE = "name_one"
    UNKNOWN_DEVICE = "unknown_device"
    NOT_PERMITTED = "not_permitted"
    STATUS_ONLY = "status_only"
    NOT_A_LIGHT = "not_a_light"
    ON_OFF = "on_off"
    COVER_WORDS = "cover_words"
    LOCK_WORDS = "lock_words"
    NOTHING_TO_SWITCH = "nothing_to_switch"
    READ_ONLY = "read_only"
    NOT_UNDERSTOOD = "not_understood"
    TRUNCATED = "truncated"
    HELP = "help"
    CONFIRM = "confirm"
    WRONG_CODE = "wrong_code"
    CODE_EXPIRED = "code_expired"
    NO_PENDING = "no_pending"


@dataclass(frozen=True, slots=True)
class Notice:
    """A note and what it is about (a device name or the text not understood)."""

    note: Note
    subject: str = ""
    # The commands a confirmation code releases.
    commands: tuple[Command, ...] = ()


type Item = DeviceReport | Notice
