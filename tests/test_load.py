"""Load: 1 000 distinct signed messages from 20 senders at concurrency 50."""

from __future__ import annotations

import asyncio
from collections import Counter
import random
from typing import Any
import xml.etree.ElementTree as ET

from aiohttp.test_utils import TestClient
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    setup_test_component_platform,
)

from custom_components.sms_iot.const import (
    CONF_RATE_LIMIT,
    DOMAIN,
    EVENT_COMMAND,
    EVENT_RECEIVED,
)
from homeassistant.const import EVENT_CALL_SERVICE
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from tools.entries import device_subentry, number_subentry

from .conftest import post_signed, sms_params
from .fake_devices import FakeSwitch

SENDERS = [f"+1415555{1000 + i:04}" for i in range(20)]
SWITCHES = [f"relay{i}" for i in range(5)]
MESSAGES = 1000
CONCURRENCY = 50


async def test_load_no_errors_no_corruption(
    hass: HomeAssistant,
    twilio_api: Any,
    config_entry: MockConfigEntry,
    client: TestClient[Any, Any],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Every message answered correctly once; final states match the serial model."""
    switches = [FakeSwitch(name) for name in SWITCHES]
    setup_test_component_platform(hass, "switch", switches)
    assert await async_setup_component(hass, "switch", {"switch": {"platform": "test"}})
    entry = MockConfigEntry(
        domain=DOMAIN,
        data=dict(config_entry.data),
        options={CONF_RATE_LIMIT: 1000},
        subentries_data=[
            *(device_subentry(name, f"switch.{name}") for name in SWITCHES),
            *(number_subentry(f"Sender {i}", n) for i, n in enumerate(SENDERS)),
        ],
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    calls = async_capture_events(hass, EVENT_CALL_SERVICE)
    commands = async_capture_events(hass, EVENT_COMMAND)
    received = async_capture_events(hass, EVENT_RECEIVED)

    rng = random.Random(7)  # noqa: S311 - reproducible, not secret
    messages = [
        sms_params(
            f"{rng.choice(SWITCHES)} {rng.choice(['on', 'off'])}", rng.choice(SENDERS)
        )
        for _ in range(MESSAGES)
    ]
    replies: dict[str, tuple[int, str]] = {}
    gate = asyncio.Semaphore(CONCURRENCY)

    async def send(params: dict[str, str]) -> None:
        async with gate:
            response = await post_signed(client, params)
            replies[params["MessageSid"]] = (response.status, await response.text())

    await asyncio.gather(*(send(params) for params in messages))
    await hass.async_block_till_done()

    statuses = Counter(status for status, _ in replies.values())
    with capsys.disabled():
        print(
            f"\nload: {MESSAGES} messages, {len(SENDERS)} senders, concurrency {CONCURRENCY}: statuses {dict(statuses)}"
        )
    assert statuses == {200: MESSAGES}
    assert len(received) == MESSAGES
    assert len(commands) == MESSAGES
    assert len(calls) == MESSAGES

    # Each reply is the state its own command observed, and what it asked for.
    for params in messages:
        name, wanted = params["Body"].split()
        text = ET.fromstring(replies[params["MessageSid"]][1]).findtext("Message")
        assert text == f"{name}: {wanted.upper()}", (params["Body"], text)

    # Serial model: apply the service calls in the order Home Assistant received them.
    model = {f"switch.{name}": "off" for name in SWITCHES}
    for event in calls:
        model[event.data["service_data"]["entity_id"]] = event.data[
            "service"
        ].removeprefix("turn_")
    assert {entity_id: hass.states.get(entity_id).state for entity_id in model} == model  # type: ignore[union-attr]
