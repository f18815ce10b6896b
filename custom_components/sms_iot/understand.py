"""Understanding a text: the terse grammar first, then Home Assistant's sentences (pure)."""

from __future__ import annotations

from collections.abc import Callable

from .commands import ALL, MAX_COMMANDS, Command, ParseResult, fragments, parse

type Known = Callable[[str], object]
type Match = Callable[[str], ParseResult | None]


def settled(parsed: ParseResult, known: Known) -> bool:
    """Return True when the grammar read everything and names only configured devices."""
    return not parsed.unknown and all(
        c.target is None or c.target == ALL or known(c.target) for c in parsed.commands
    )


def understand(
    text: str, known: Known | None = None, match: Match | None = None
) -> ParseResult:
    """Return what a text asks for: the grammar, and sentences for what it did not read."""
    parsed = parse(text)
    if match is None or known is None or settled(parsed, known):
        return parsed
    if (whole := match(text)) is not None:
        return whole
    commands: list[Command] = []
    unknown: list[str] = []
    for fragment in fragments(text)[:MAX_COMMANDS]:
        own = parse(fragment)
        if not settled(own, known) and (found := match(fragment)) is not None:
            own = found
        commands += own.commands
        unknown += own.unknown
    return ParseResult(
        tuple(commands[:MAX_COMMANDS]),
        tuple(unknown),
        parsed.truncated or len(commands) > MAX_COMMANDS,
    )
