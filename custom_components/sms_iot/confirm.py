"""Confirmation codes for risky devices: one sender, one code, once, before it expires."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
import hmac
import re
import secrets
import time

from .commands import Command
from .const import CONFIRM_WINDOW

# A text that is only a code; four digits, never a carrier keyword or a grammar command.
CODE = re.compile(r"\s*(\d{4})\s*")


class Answer(StrEnum):
    """What a code-only text amounts to."""

    RUN = "run"
    WRONG = "wrong"
    EXPIRED = "expired"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Pending:
    """Commands waiting for their code (kept in memory only: a restart forgets them)."""

    code: str
    commands: tuple[Command, ...]
    expires: float


class Confirmations:
    """The pending confirmation of each sender: a new one replaces the old."""

    def __init__(self) -> None:
        """Start with nothing pending."""
        self._pending: dict[str, Pending] = {}

    def ask(self, sender: str, commands: tuple[Command, ...]) -> str:
        """Hold the commands for the sender; return the code that releases them."""
        code = f"{secrets.randbelow(10_000):04d}"
        self._pending[sender] = Pending(
            code, commands, time.monotonic() + CONFIRM_WINDOW
        )
        return code

    def answer(self, sender: str, text: str) -> tuple[Answer, tuple[Command, ...]]:
        """Take a code-only text: the held commands if right and in time; either way, once."""
        match = CODE.fullmatch(text)
        if match is None or (pending := self._pending.pop(sender, None)) is None:
            return Answer.NONE, ()
        if time.monotonic() > pending.expires:
            return Answer.EXPIRED, ()
        if not hmac.compare_digest(match.group(1), pending.code):
            return Answer.WRONG, ()
        return Answer.RUN, pending.commands


def is_code(text: str) -> bool:
    """Return True for a text that is only a confirmation code."""
    return CODE.fullmatch(text) is not None
