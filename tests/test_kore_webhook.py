"""KORE SIM commands end to end: signed callbacks in, the outcome back as a Command."""

from __future__ import annotations

import asyncio
import base64
from typing import Any

from aiohttp.test_utils import TestClient
from hypothesis import strategies as st
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.sms_iot.const import (
    EVENT_MESSAGE_STATUS,
    EVENT_SIM_COMMAND,
    EVENT_UNAUTHORIZED,
)
from custom_components.sms_iot.kore_signature import kore_signature
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er, issue_registry as ir
from tools.fake_kore import FakeKoreState

from .conftest import (
    KORE_PUBLIC_URL,
    KORE_SECRET,
    Devices,
    kore_config_entry,
    post_kore,
    samples,
    sim_command,
)


def _pump(kore: FakeKoreState) -> str:
    sim = kore.find_sim("barn-pump")
    assert sim is not None
    return str(sim["sid"])


async def _commands_to(
    hass: HomeAssistant, kore: FakeKoreState, count: int
) -> list[dict[str, Any]]:
    """Wait until the fake has count Commands; return them."""
    async with asyncio.timeout(5):
        while len(kore.commands) < count:
            await asyncio.sleep(0.01)
            await hass.async_block_till_done()
    await hass.async_block_till_done(wait_background_tasks=True)
    return kore.commands


def _entity(hass: HomeAssistant, entry: MockConfigEntry, key: str) -> str:
    (entity_id,) = [
        e.entity_id
        for e in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
        if e.unique_id == f"{entry.entry_id}_{key}_sim_pump"
    ]
    return entity_id


async def test_sim_command_switches_and_answers_with_a_command(
    hass: HomeAssistant,
    kore_entry: MockConfigEntry,
    kore: FakeKoreState,
    client: TestClient[Any, Any],
    devices: Devices,
) -> None:
    """Relay on from the SIM: the device switches, the outcome goes back to the SIM."""
    received = async_capture_events(hass, EVENT_SIM_COMMAND)
    form = sim_command(_pump(kore), "pump on")
    response = await post_kore(client, form)
    assert response.status == 204
    (command,) = await _commands_to(hass, kore, 1)
    assert (command["sim_sid"], command["command"]) == (_pump(kore), "Porch: ON")
    assert command["callback_url"] == f"{KORE_PUBLIC_URL}?kind=status"
    assert hass.states.get("switch.porch").state == "on"  # type: ignore[union-attr]
    assert [e.data["command"] for e in received] == ["pump on"]
    assert received[0].data["sim"] == "barn-pump"
    event = hass.states.get(_entity(hass, kore_entry, "sim_command"))
    assert event is not None
    assert event.attributes["event_type"] == "command"
    assert event.attributes["command"] == "pump on"
    last = hass.states.get(_entity(hass, kore_entry, "sim_last_command"))
    assert last is not None
    assert last.state == "pump on"


async def test_status_callbacks_move_forward_only(
    hass: HomeAssistant,
    kore_entry: MockConfigEntry,
    kore: FakeKoreState,
    client: TestClient[Any, Any],
) -> None:
    """Queued → sent → delivered on the SIM's sensor; a late 'sent' changes nothing."""
    statuses = async_capture_events(hass, EVENT_MESSAGE_STATUS)
    await post_kore(client, sim_command(_pump(kore), "status"))
    (command,) = await _commands_to(hass, kore, 1)
    sensor = _entity(hass, kore_entry, "sim_command_status")
    assert hass.states.get(sensor).state == "queued"  # type: ignore[union-attr]
    for status in ("sent", "delivered", "sent"):
        response = await post_kore(
            client,
            {"CommandSid": command["sid"], "SimSid": _pump(kore), "Status": status},
            query="kind=status",
        )
        assert response.status == 204
    assert hass.states.get(sensor).state == "delivered"  # type: ignore[union-attr]
    # Another SIM's command, or a status KORE does not give commands: not this sensor's.
    gate = kore.find_sim("gate")
    assert gate is not None
    for sid, sim, status in (
        ("DC9", gate["sid"], "sent"),
        ("DC8", _pump(kore), "read"),
    ):
        await post_kore(
            client,
            {"CommandSid": sid, "SimSid": sim, "Status": status},
            query="kind=status",
        )
    assert hass.states.get(sensor).state == "delivered"  # type: ignore[union-attr]
    assert [e.data["status"] for e in statuses] == ["sent", "delivered", "sent", "read"]
    assert statuses[0].data["transport"] == "kore"


@pytest.mark.parametrize(
    "tamper",
    ["unsigned", "secret", "url", "body", "query"],
)
async def test_forged_callbacks_are_refused(
    hass: HomeAssistant,
    kore_entry: MockConfigEntry,
    kore: FakeKoreState,
    client: TestClient[Any, Any],
    tamper: str,
) -> None:
    """Nothing but KORE's exact signature gets in: 403, nothing runs, nothing is sent."""
    form = sim_command(_pump(kore), "pump on")
    if tamper == "unsigned":
        response = await post_kore(client, form, secret="")
    elif tamper == "secret":
        response = await post_kore(client, form, secret="wrong-secret")
    elif tamper == "url":
        response = await post_kore(
            client, form, sign_url=KORE_PUBLIC_URL.replace("https", "http")
        )
    elif tamper == "query":
        response = await post_kore(client, form, sign_url=KORE_PUBLIC_URL, query="x=1")
    else:
        signed = await post_kore(client, form | {"Command": "status"}, token="t1")
        assert signed.status == 204
        response = await client.post(
            "/api/webhook/4b0e2d3c4b5a69788796a5b4c3d2e1f0",
            data="&".join(f"{k}={v}" for k, v in form.items()).replace(" ", "+"),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "kore-signature": "0" * 64,
            },
        )
    assert response.status == 403
    await hass.async_block_till_done()
    assert hass.states.get("switch.porch").state == "off"  # type: ignore[union-attr]
    assert kore_entry.runtime_data.inbox.counters["refused_signature"] == 1


async def test_replays_run_once(
    hass: HomeAssistant,
    kore_entry: MockConfigEntry,
    kore: FakeKoreState,
    client: TestClient[Any, Any],
    devices: Devices,
) -> None:
    """The same idempotency token, sequential, concurrent or after a restart: one run."""
    form = sim_command(_pump(kore), "pump on")
    responses = await asyncio.gather(
        *(post_kore(client, form, token="same") for _ in range(5))
    )
    assert {r.status for r in responses} == {204}
    await _commands_to(hass, kore, 1)
    assert await hass.config_entries.async_reload(kore_entry.entry_id)
    await hass.async_block_till_done()
    assert (await post_kore(client, form, token="same")).status == 204
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(kore.commands) == 1
    assert len(devices.porch.calls) == 1


async def test_binary_commands_are_events_only(
    hass: HomeAssistant,
    kore_entry: MockConfigEntry,
    kore: FakeKoreState,
    client: TestClient[Any, Any],
) -> None:
    """A binary command carries bytes for automations; it is not read as a command."""
    received = async_capture_events(hass, EVENT_SIM_COMMAND)
    payload = bytes([1, 2, 255])
    form = sim_command(_pump(kore), base64.b64encode(payload).decode(), "binary")
    assert (await post_kore(client, form)).status == 204
    await hass.async_block_till_done(wait_background_tasks=True)
    assert received[0].data["payload_hex"] == "0102ff"
    assert received[0].data["mode"] == "binary"
    assert kore.commands == []
    form = sim_command(_pump(kore), "not base64!", "binary")
    assert (await post_kore(client, form)).status == 204
    assert received[1].data["payload_hex"] is None


async def test_unknown_sim_is_a_stranger(
    hass: HomeAssistant,
    kore_entry: MockConfigEntry,
    kore: FakeKoreState,
    client: TestClient[Any, Any],
) -> None:
    """A SIM of the account that was not added: nothing runs, nothing is sent back."""
    refused = async_capture_events(hass, EVENT_UNAUTHORIZED)
    gate = kore.find_sim("gate")
    assert gate is not None
    assert (await post_kore(client, sim_command(gate["sid"], "pump on"))).status == 204
    await hass.async_block_till_done(wait_background_tasks=True)
    assert kore.commands == []
    assert [e.data["transport"] for e in refused] == ["kore"]


@pytest.mark.parametrize(
    ("form", "status"),
    [
        ({"SimSid": "DE1"}, 400),
        ({"CommandSid": "DC1"}, 400),
        ({"CommandSid": "DC1", "SimSid": "DE1", "Direction": "to_sim"}, 400),
    ],
)
async def test_incomplete_callbacks(
    hass: HomeAssistant,
    kore_entry: MockConfigEntry,
    client: TestClient[Any, Any],
    form: dict[str, str],
    status: int,
) -> None:
    """Signed but not a command from a SIM: refused, counted."""
    assert (await post_kore(client, form)).status == status
    assert (await post_kore(client, {}, query="kind=status")).status == 400


async def test_unsigned_callbacks_when_accepted(
    hass: HomeAssistant,
    kore: FakeKoreState,
    client: TestClient[Any, Any],
    devices: Devices,
) -> None:
    """An account without a secret: accepted only when the user said so, with a repair."""
    entry = kore_config_entry(kore, kore_webhook_secret="", kore_accept_unsigned=True)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    issue = ("sms_iot", f"kore_unsigned_{entry.entry_id}")
    assert ir.async_get(hass).async_get_issue(*issue) is not None
    form = sim_command(_pump(kore), "pump on")
    assert (await post_kore(client, form, secret="")).status == 204
    await _commands_to(hass, kore, 1)
    # A signature made with some secret proves nothing when there is none.
    assert (await post_kore(client, form, secret="guess")).status == 403
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert ir.async_get(hass).async_get_issue(*issue) is None


async def test_method_and_content_type(
    hass: HomeAssistant, kore_entry: MockConfigEntry, client: TestClient[Any, Any]
) -> None:
    """Only signed form POSTs are read."""
    assert (
        await client.get("/api/webhook/4b0e2d3c4b5a69788796a5b4c3d2e1f0")
    ).status == 405
    response = await client.post(
        "/api/webhook/4b0e2d3c4b5a69788796a5b4c3d2e1f0",
        data=b"{}",
        headers={"Content-Type": "application/json"},
    )
    assert response.status == 415


async def test_an_answer_kore_will_not_take_is_logged(
    hass: HomeAssistant,
    kore_entry: MockConfigEntry,
    kore: FakeKoreState,
    client: TestClient[Any, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The command runs; the Command back fails at KORE: logged with the SIM's tail only."""
    kore.fail_on, kore.failures = "/v1/Commands", [503] * 3
    assert (await post_kore(client, sim_command(_pump(kore), "pump on"))).status == 204
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get("switch.porch").state == "on"  # type: ignore[union-attr]
    assert "Could not send a command back to SIM" in caplog.text
    assert _pump(kore) not in caplog.text


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"a=1&a=2", 400),  # a field twice
        (b"%ff=%fe", 400),  # not UTF-8
        (b"x" * (64 * 1024 + 1), 413),
    ],
)
async def test_malformed_bodies(
    hass: HomeAssistant,
    kore_entry: MockConfigEntry,
    client: TestClient[Any, Any],
    body: bytes,
    status: int,
) -> None:
    """Signed or not, a body that is not one clean form is refused."""
    response = await client.post(
        "/api/webhook/4b0e2d3c4b5a69788796a5b4c3d2e1f0",
        data=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "kore-signature": kore_signature(
                KORE_SECRET, "POST", KORE_PUBLIC_URL, body
            ),
        },
    )
    assert response.status == status


async def test_any_text_gets_a_valid_command_back(
    hass: HomeAssistant,
    kore_entry: MockConfigEntry,
    kore: FakeKoreState,
    client: TestClient[Any, Any],
) -> None:
    """Whatever a SIM sends (any Unicode), the answer is Commands KORE accepts: ≤160 bytes."""
    texts = samples(st.text(max_size=300), 40)
    for index, text in enumerate(texts):
        form = sim_command(_pump(kore), text)
        assert (await post_kore(client, form, token=f"gen-{index}")).status == 204
    await hass.async_block_till_done(wait_background_tasks=True)
    assert kore_entry.runtime_data.inbox.counters["errors"] == 0
    assert len(kore.commands) >= 10  # answers until the rate limit says slow down
    for command in kore.commands:
        assert len(command["command"]) <= 160
        assert command["command"].isascii()


async def test_any_signed_form_is_answered_without_a_server_error(
    hass: HomeAssistant,
    kore_entry: MockConfigEntry,
    client: TestClient[Any, Any],
) -> None:
    """Generated signed forms (any fields, any values, status or not): 2xx or 4xx, never 500."""
    forms = samples(
        st.tuples(
            st.dictionaries(
                st.sampled_from(
                    [
                        "CommandSid",
                        "SimSid",
                        "Command",
                        "CommandMode",
                        "Direction",
                        "Status",
                        "Sid",
                        "x",
                    ]
                ),
                st.text(max_size=40),
                max_size=6,
            ),
            st.sampled_from(["", "kind=status", "kind=other"]),
        ),
        60,
    )
    for form, query in forms:
        response = await post_kore(client, form, query=query)
        assert response.status < 500, (form, query)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert kore_entry.runtime_data.inbox.counters["errors"] == 0
