"""What each reply costs: characters, encoding and SMS segments for a fixed set of situations.

Pure (no Home Assistant running): the same phrase functions the inbox calls, over device states
as Home Assistant holds them. Device names are plain ASCII, so any UCS-2 in a reply is the
system's own text. tests/test_segment_budget.py holds every reply to its target.
    python -m bench.segments
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from custom_components.sms_iot.commands import Action, Command
from custom_components.sms_iot.freetext import LANGUAGES
from custom_components.sms_iot.models import AuthorizedNumber, Device
from custom_components.sms_iot.outcomes import DeviceReport, Note, Notice, Outcome
from custom_components.sms_iot.phrase import phrase_reply, words
from custom_components.sms_iot.segments import segment_info
from homeassistant.core import State

# (name, entity_id, state, attributes): lights with brightness, switches, sensors, one offline.
_HOUSE = [
    ("Kitchen", "light.kitchen", "on", {"brightness": 102}),
    ("Porch", "switch.porch", "off", {}),
    ("Garage temp", "sensor.garage_temp", "21.5", {"unit_of_measurement": "°C"}),
    ("Pump", "switch.pump", "unavailable", {}),
    ("Hall", "light.hall", "off", {}),
    ("Gate", "binary_sensor.gate", "on", {}),
    ("Bedroom", "light.bedroom", "on", {"brightness": 255}),
    ("Heater", "switch.heater", "on", {}),
    ("Humidity", "sensor.humidity", "48", {"unit_of_measurement": "%"}),
    ("Garage door", "cover.garage_door", "closed", {"current_position": 0}),
    ("Front door", "lock.front_door", "locked", {}),
    ("Fan", "switch.fan", "off", {}),
]
# Most segments each situation may cost.
TARGETS = {
    "one command": 1,
    "status, 2 devices": 1,
    "status, 6 devices": 1,
    "status, 12 devices": 2,
    "help, 6 devices": 2,
    "help, 12 devices": 2,
    "not understood": 1,
    "device failed": 1,
    "error": 1,
    "confirmation code asked": 1,
    "door still moving": 1,
    "rate limited": 1,
}


@dataclass(frozen=True, slots=True)
class Cost:
    """One reply and what it costs."""

    situation: str
    language: str
    text: str

    @property
    def chars(self) -> int:
        """Return the reply's length in characters."""
        return len(self.text)

    @property
    def encoding(self) -> str:
        """Return GSM-7 or UCS-2."""
        return segment_info(self.text).encoding

    @property
    def segments(self) -> int:
        """Return how many SMS segments the reply takes."""
        return segment_info(self.text).segments


def house(count: int) -> tuple[list[Device], dict[str, State]]:
    """Return the first count devices of the house and their states."""
    chosen = _HOUSE[:count]
    devices = [Device(f"d{i}", e, n, ()) for i, (n, e, _, _) in enumerate(chosen)]
    states = {e: State(e, s, a) for n, e, s, a in chosen}
    return devices, states


def number_for(devices: list[Device]) -> AuthorizedNumber:
    """Return a number that may control the devices."""
    return AuthorizedNumber(
        "num", "Alice", "+15005550006", True, tuple(devices), devices[0]
    )


def costs(language: str) -> Iterator[Cost]:
    """Yield every situation's reply in a language."""
    said = words(language)
    devices, states = house(12)
    kitchen, kitchen_on = devices[0], states["light.kitchen"]
    kitchen_off = State("light.kitchen", "off")

    def reply(situation: str, items: list[DeviceReport | Notice], count: int) -> Cost:
        return Cost(
            situation,
            language,
            phrase_reply(items, number_for(devices[:count]), language),
        )

    yield reply(
        "one command", [DeviceReport(kitchen, Outcome.OK, kitchen_off, kitchen_on)], 1
    )
    for count in (2, 6, 12):
        items: list[DeviceReport | Notice] = [
            DeviceReport(d, None, states[d.entity_id], states[d.entity_id])
            for d in devices[:count]
        ]
        yield reply(f"status, {count} devices", items, count)
    for count in (6, 12):
        yield reply(f"help, {count} devices", [Notice(Note.HELP)], count)
    yield reply(
        "not understood", [Notice(Note.NOT_UNDERSTOOD, "make me a sandwich")], 6
    )
    porch = devices[1]
    off = states[porch.entity_id]
    yield reply("device failed", [DeviceReport(porch, Outcome.FAILED, off, off)], 6)
    yield Cost("error", language, said["sorry"])
    door = devices[9]
    held = (Command(Action.OPEN, door.name),)
    yield reply("confirmation code asked", [Notice(Note.CONFIRM, "4821", held)], 12)
    moving = State(door.entity_id, "opening", {"current_position": 30})
    report = DeviceReport(
        door, Outcome.MOVING, states[door.entity_id], moving, follow_up=True
    )
    yield reply("door still moving", [report], 12)
    yield Cost("rate limited", language, said["slow_down"].format(rate=10))


def render() -> str:
    """Return the Markdown table of every situation in every language."""
    lines = [
        "### Segments per reply",
        "",
        "Characters, encoding and segments of each reply (`python -m bench.segments`); device "
        "names are ASCII, so UCS-2 would be the system's own words. Target: the most "
        "segments the situation may cost (`tests/test_segment_budget.py` fails CI past it).",
        "",
        "| situation | target | " + " | ".join(LANGUAGES) + " |",
        "|---|---|" + "---|" * len(LANGUAGES),
    ]
    table: dict[str, list[Cost]] = {}
    for language in LANGUAGES:
        for cost in costs(language):
            table.setdefault(cost.situation, []).append(cost)
    for situation, row in table.items():
        cells = [
            f"{c.chars} ch, {c.segments}{'' if c.encoding == 'GSM-7' else ' **UCS-2**'}"
            for c in row
        ]
        lines.append(
            f"| {situation} | ≤ {TARGETS[situation]} | " + " | ".join(cells) + " |"
        )
    lines.append("")
    return "\n".join(lines)


def main() -> None:
    """Print the table."""
    print(render())


if __name__ == "__main__":
    main()
