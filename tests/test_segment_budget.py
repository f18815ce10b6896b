"""What replies cost: every situation within its segment target, system text always GSM-7."""

from __future__ import annotations

from itertools import combinations

import pytest

from bench.segments import TARGETS, costs, house, number_for
from custom_components.sms_iot.freetext import LANGUAGES
from custom_components.sms_iot.outcomes import DeviceReport, Outcome
from custom_components.sms_iot.phrase import phrase_reply
from custom_components.sms_iot.segments import segment_info
from homeassistant.core import State


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_situation_within_its_target(language: str) -> None:
    """The benchmark's table, held: a reply that grows past its target fails here."""
    seen = set()
    for cost in costs(language):
        seen.add(cost.situation)
        assert cost.encoding == "GSM-7", (cost.situation, cost.text)
        assert cost.segments <= TARGETS[cost.situation], (cost.situation, cost.text)
    assert seen == set(TARGETS)


@pytest.mark.parametrize("language", LANGUAGES)
def test_status_of_any_six_devices_fits_one_segment(language: str) -> None:
    """Every choice of up to six of the house's devices: one GSM-7 segment."""
    devices, states = house(12)
    for count in range(1, 7):
        for chosen in combinations(devices, count):
            items = [
                DeviceReport(d, None, states[d.entity_id], states[d.entity_id])
                for d in chosen
            ]
            text = phrase_reply(items, number_for(list(chosen)), language)
            assert segment_info(text) == segment_info("x"), text


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("outcome", [*Outcome, None])
def test_a_single_device_reply_is_one_segment(
    language: str, outcome: Outcome | None
) -> None:
    """Any device, any outcome, any state it may report: one GSM-7 segment."""
    devices, states = house(12)
    others = ["on", "off", "unavailable", "unknown", "open", "closing", "jammed"]
    for device in devices:
        before = states[device.entity_id]
        for after in [before, *(State(device.entity_id, s) for s in others)]:
            report = DeviceReport(device, outcome, before, after, follow_up=True)
            text = phrase_reply([report], number_for([device]), language)
            assert segment_info(text) == segment_info("x"), text
