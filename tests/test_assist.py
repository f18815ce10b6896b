"""Opt-in Assist: what sms_iot does not understand goes to the agent a number names."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
import re
from typing import Any, Literal
from unittest.mock import patch

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.sms_iot.segments import segment_info
from homeassistant.components.conversation import (
    AbstractConversationAgent,
    ConversationInput,
    ConversationResult,
    async_set_agent,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import intent
from homeassistant.setup import async_setup_component
from homeassistant.util.ulid import ulid_now

from .conftest import ALICE, BOB, CAROL, Devices, SendSms

NOT_UNDERSTOOD = "Not understood: 'what is the weather'. Text COMMANDS for commands."


@dataclass
class FakeAgent(AbstractConversationAgent):
    """A conversation agent that answers with a fixed speech and records what it heard."""

    speech: str = "Sunny, 21 degrees."
    heard: list[ConversationInput] = field(default_factory=list)
    delay: float = 0.0
    fail: bool = False

    @property
    def supported_languages(self) -> list[str] | Literal["*"]:
        """Every language."""
        return "*"

    async def async_process(self, user_input: ConversationInput) -> ConversationResult:
        """Answer, continuing the conversation it was given or starting one."""
        self.heard.append(user_input)
        if self.fail:
            raise HomeAssistantError("agent broke")
        await asyncio.sleep(self.delay)
        response = intent.IntentResponse(language=user_input.language)
        response.async_set_speech(self.speech)
        return ConversationResult(
            response=response,
            conversation_id=user_input.conversation_id or ulid_now(),
        )


async def _use_agent(
    hass: HomeAssistant, entry: MockConfigEntry, agent_id: str, *numbers: str
) -> None:
    """Give the numbers (subentry ids) the agent."""
    for subentry_id in numbers:
        subentry = entry.subentries[subentry_id]
        hass.config_entries.async_update_subentry(
            entry, subentry, data={**subentry.data, "assist_agent": agent_id}
        )
    await hass.async_block_till_done()


@pytest.fixture
async def agent(
    hass: HomeAssistant, setup_entry: MockConfigEntry, devices: Devices
) -> FakeAgent:
    """Conversation set up with the fake agent, which Alice and Bob (status only) name."""
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})
    agent_entry = MockConfigEntry(domain="test")
    agent_entry.add_to_hass(hass)
    fake = FakeAgent()
    async_set_agent(hass, agent_entry, fake)
    await _use_agent(hass, setup_entry, agent_entry.entry_id, "num_alice", "num_bob")
    return fake


async def _text(send_sms: SendSms, text: str, sender: str = ALICE) -> str:
    status, body = await send_sms(text, sender)
    assert status == 200
    found = re.search(r"<Message>(.*)</Message>", body, re.S)
    return found.group(1) if found else ""


async def test_what_is_not_understood_goes_to_assist(
    hass: HomeAssistant, agent: FakeAgent, send_sms: SendSms
) -> None:
    """The agent's speech is the reply; it hears the text in the number's language."""
    assert await _text(send_sms, "what is the weather") == "Sunny, 21 degrees."
    assert [(h.text, h.language) for h in agent.heard] == [
        ("what is the weather", "en")
    ]
    assert agent.heard[0].conversation_id is None


async def test_follow_ups_continue_the_conversation_for_a_while(
    hass: HomeAssistant, agent: FakeAgent, send_sms: SendSms
) -> None:
    """Within the window one conversation per sender; after it, a new one."""
    await _text(send_sms, "what is the weather")
    await _text(send_sms, "and tomorrow")
    await _text(send_sms, "and the day after", ALICE)
    _, second, third = agent.heard
    assert second.conversation_id is not None
    assert third.conversation_id == second.conversation_id
    with patch("custom_components.sms_iot.assist.ASSIST_WINDOW", 0):
        await _text(send_sms, "and next week")
    assert agent.heard[3].conversation_id is None


async def test_commands_never_reach_assist(
    hass: HomeAssistant, agent: FakeAgent, send_sms: SendSms, devices: Devices
) -> None:
    """Whatever sms_iot understands, it carries out itself."""
    assert await _text(send_sms, "porch on") == "Porch: ON"
    assert await _text(send_sms, "turn off the porch") == "Porch: OFF"
    assert await _text(send_sms, "status") != "Sunny, 21 degrees."
    assert agent.heard == []


@pytest.mark.parametrize("sender", [CAROL, BOB])
async def test_off_by_default_and_never_for_status_only(
    hass: HomeAssistant, agent: FakeAgent, send_sms: SendSms, sender: str
) -> None:
    """Carol has no agent; Bob has one but may not control: both are not understood."""
    assert await _text(send_sms, "what is the weather", sender) == NOT_UNDERSTOOD
    assert agent.heard == []


async def test_an_answer_is_fitted_to_three_gsm7_segments(
    hass: HomeAssistant, agent: FakeAgent, send_sms: SendSms
) -> None:
    """A long answer with typography is cut at a word, in GSM-7, within 3 segments."""
    agent.speech = "It\u2019s sunny \u2014 with a breeze\u2026 " * 40
    reply = await _text(send_sms, "what is the weather")
    info = segment_info(reply)
    assert (info.encoding, info.segments) == ("GSM-7", 3)
    assert reply.startswith("It's sunny - with a breeze... ")
    assert reply.endswith("...")


@pytest.mark.parametrize("trouble", ["fail", "slow"])
async def test_an_agent_that_fails_or_is_late_leaves_the_usual_reply(
    hass: HomeAssistant, agent: FakeAgent, send_sms: SendSms, trouble: str
) -> None:
    """An error or an answer after the reply is due: the not-understood reply instead."""
    agent.fail = trouble == "fail"
    agent.delay = 2 if trouble == "slow" else 0
    with patch("custom_components.sms_iot.inbox.REPLY_BUDGET", 0.3):
        assert await _text(send_sms, "what is the weather") == NOT_UNDERSTOOD


async def test_nothing_without_conversation(
    hass: HomeAssistant, setup_entry: MockConfigEntry, send_sms: SendSms
) -> None:
    """An agent named while conversation is not set up: the usual reply."""
    await _use_agent(hass, setup_entry, "conversation.somewhere", "num_alice")
    assert await _text(send_sms, "what is the weather") == NOT_UNDERSTOOD


async def test_the_number_form_stores_the_agent(
    hass: HomeAssistant, agent: FakeAgent, setup_entry: MockConfigEntry
) -> None:
    """The authorized-number form offers the agent; left empty, the option is off."""
    result: dict[str, Any] = dict(
        await hass.config_entries.subentries.async_init(
            (setup_entry.entry_id, "authorized_number"),
            context={"source": "reconfigure", "subentry_id": "num_carol"},
        )
    )
    assert "assist_agent" in {str(key) for key in result["data_schema"].schema}
    data = {"name": "Carol", "number": CAROL, "permission": "control"}
    await hass.config_entries.subentries.async_configure(
        result["flow_id"], {**data, "assist_agent": "conversation.home_assistant"}
    )
    carol = setup_entry.subentries["num_carol"]
    assert carol.data["assist_agent"] == "conversation.home_assistant"


async def test_an_agent_that_is_gone_leaves_the_usual_reply(
    hass: HomeAssistant,
    agent: FakeAgent,
    setup_entry: MockConfigEntry,
    send_sms: SendSms,
) -> None:
    """The named agent was removed: the usual reply, nothing raised."""
    await _use_agent(hass, setup_entry, "conversation.removed", "num_alice")
    assert await _text(send_sms, "what is the weather") == NOT_UNDERSTOOD
    assert agent.heard == []
