"""Every command on every kind of device: a service that kind has, or a note; never a guess."""

from __future__ import annotations

from itertools import product

import pytest

from custom_components.sms_iot.commands import Action, Command
from custom_components.sms_iot.kinds import DOMAINS, SERVICES, meaning
from custom_components.sms_iot.outcomes import Note
from homeassistant.components.cover import CoverEntityFeature
from homeassistant.core import State

# The services each kind of entity offers in Home Assistant.
OFFERED = {
    "light": {"turn_on", "turn_off", "toggle"},
    "switch": {"turn_on", "turn_off", "toggle"},
    "fan": {"turn_on", "turn_off", "toggle"},
    "cover": {
        "open_cover",
        "close_cover",
        "stop_cover",
        "set_cover_position",
        "toggle",
    },
    "lock": {"lock", "unlock"},
    "sensor": set(),
    "binary_sensor": set(),
}
ACTIONS = [a for a in Action if a not in (Action.STATUS, Action.HELP)]


@pytest.mark.parametrize(
    ("domain", "action", "features"),
    product([*DOMAINS, "fan"], ACTIONS, [0, int(CoverEntityFeature.SET_POSITION)]),
)
def test_a_command_becomes_a_service_the_kind_has_or_a_note(
    domain: str, action: Action, features: int
) -> None:
    """Exhaustive over kinds, actions and position support."""
    state = State(f"{domain}.x", "off", {"supported_features": features})
    meant = meaning(Command(action, "x", 40), domain, state)
    if isinstance(meant, Note):
        assert meant in {
            Note.READ_ONLY,
            Note.NOT_A_LIGHT,
            Note.ON_OFF,
            Note.COVER_WORDS,
            Note.LOCK_WORDS,
        }
        return
    assert SERVICES[meant.action] in OFFERED[domain]
    if meant.action is Action.POSITION:
        assert domain == "cover"
        assert features
    if meant.action is Action.BRIGHTNESS:
        assert domain == "light"
    assert meant.target == "x"
    assert meant.brightness == 40
