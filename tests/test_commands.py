"""Tests for the pure SMS command parser."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.sms_iot.commands import (
    ALL,
    MAX_COMMANDS,
    Action,
    Command,
    ParseResult,
    parse,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", [Command(Action.ON)]),
        ("0", [Command(Action.OFF)]),
        (" 1 ", [Command(Action.ON)]),
        ("?", [Command(Action.STATUS), Command(Action.HELP)]),
        ("status", [Command(Action.STATUS)]),
        ("STATUS", [Command(Action.STATUS)]),
        ("Help", [Command(Action.HELP)]),
        ("kitchen on", [Command(Action.ON, "kitchen")]),
        ("Kitchen   OFF", [Command(Action.OFF, "kitchen")]),
        ("kitchen toggle", [Command(Action.TOGGLE, "kitchen")]),
        ("kitchen 1", [Command(Action.ON, "kitchen")]),
        ("on kitchen", [Command(Action.ON, "kitchen")]),
        ("turn on kitchen", [Command(Action.ON, "kitchen")]),
        ("turn kitchen off", [Command(Action.OFF, "kitchen")]),
        ("porch light on", [Command(Action.ON, "porch light")]),
        ("kitchen 40%", [Command(Action.BRIGHTNESS, "kitchen", 40)]),
        ("kitchen 40 %", [Command(Action.BRIGHTNESS, "kitchen", 40)]),
        ("kitchen 0%", [Command(Action.BRIGHTNESS, "kitchen", 0)]),
        ("kitchen 100%", [Command(Action.BRIGHTNESS, "kitchen", 100)]),
        ("all on", [Command(Action.ON, ALL)]),
        ("ALL OFF", [Command(Action.OFF, ALL)]),
        ("kitchen?", [Command(Action.STATUS, "kitchen")]),
        ("kitchen status", [Command(Action.STATUS, "kitchen")]),
        (
            "kitchen on, porch off",
            [Command(Action.ON, "kitchen"), Command(Action.OFF, "porch")],
        ),
        (
            "kitchen on;porch off\nall?",
            [
                Command(Action.ON, "kitchen"),
                Command(Action.OFF, "porch"),
                Command(Action.STATUS, ALL),
            ],
        ),
    ],
)
def test_understood(text: str, expected: list[Command]) -> None:
    """Each supported form parses to its commands with nothing left over."""
    assert parse(text) == ParseResult(tuple(expected), ())


@pytest.mark.parametrize(
    "text",
    ["hello", "kitchen", "kitchen 101%", "40%", "...", "kitchen dance", "?status"],
)
def test_not_understood(text: str) -> None:
    """Anything else is reported back, not guessed."""
    result = parse(text)
    assert result.commands == ()
    assert result.unknown == (" ".join(text.split()).casefold(),)


def test_mixed_keeps_understood_and_unknown() -> None:
    """Understood commands run; the rest is named in the reply."""
    result = parse("kitchen on, make coffee")
    assert result.commands == (Command(Action.ON, "kitchen"),)
    assert result.unknown == ("make coffee",)


def test_empty_and_separators_only() -> None:
    """Empty messages parse to nothing."""
    assert parse("") == ParseResult((), ())
    assert parse(" ,;\n ") == ParseResult((), ())


def test_command_cap() -> None:
    """A message can carry at most MAX_COMMANDS commands."""
    result = parse(", ".join(["kitchen on"] * (MAX_COMMANDS + 5)))
    assert len(result.commands) == MAX_COMMANDS
    assert result.truncated


@settings(max_examples=1500, deadline=None)
@given(st.text(max_size=400))
def test_never_raises(text: str) -> None:
    """Arbitrary text never raises and never yields more than the cap."""
    result = parse(text)
    assert len(result.commands) + len(result.unknown) <= MAX_COMMANDS + 1
    for command in result.commands:
        assert command.target is None or command.target.strip() == command.target
        assert command.brightness is None or 0 <= command.brightness <= 100


@settings(max_examples=300, deadline=None)
@given(
    st.from_regex(r"[a-z][a-z ]{0,15}[a-z]", fullmatch=True).filter(
        lambda s: s.split()[-1] not in {"on", "off", "toggle", "status", "state"}
        and s.split()[0] not in {"on", "off", "toggle", "status", "state", "turn"}
    ),
    st.sampled_from(["on", "off", "toggle"]),
)
def test_device_action_roundtrip(name: str, action: str) -> None:
    """'<name> <action>' always targets exactly the (normalised) name."""
    result = parse(f"  {name.upper()}   {action} ")
    assert result.commands == (Command(Action(action), " ".join(name.split())),)
