"""Opt-in: what sms_iot does not understand goes to the conversation agent a number names."""

from __future__ import annotations

import asyncio
import logging
import time

from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.intent import IntentResponseType

from .const import ASSIST_SEGMENTS, ASSIST_WINDOW
from .models import AuthorizedNumber
from .phrase import sms_safe
from .segments import fit

_LOGGER = logging.getLogger(__name__)


class Assist:
    """Conversations with Assist, one per sender: a follow-up within minutes continues it."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Start with no conversation."""
        self._hass = hass
        self._conversations: dict[str, tuple[str, float]] = {}

    async def async_answer(
        self,
        number: AuthorizedNumber,
        sender: str,
        text: str,
        context: Context,
        deadline: float,
    ) -> str | None:
        """Return the agent's speech fitted to a reply, or None when there is none."""
        if (
            number.assist_agent is None
            or not number.can_control
            or "conversation" not in self._hass.config.components
        ):
            return None
        # Imported here: conversation is an after-dependency, loaded only where it is set up.
        from homeassistant.components.conversation import (  # noqa: PLC0415
            async_converse,
        )

        now = time.monotonic()
        self._conversations = {
            s: kept
            for s, kept in self._conversations.items()
            if now - kept[1] < ASSIST_WINDOW
        }
        known = self._conversations.get(sender)
        try:
            async with asyncio.timeout(max(deadline - now, 0.1)):
                result = await async_converse(
                    self._hass,
                    text,
                    known[0] if known else None,
                    context,
                    language=number.language or self._hass.config.language,
                    agent_id=number.assist_agent,
                )
        except (TimeoutError, HomeAssistantError, ValueError) as err:
            # ValueError: the agent named was removed since.
            _LOGGER.warning("Assist did not answer a text: %s", type(err).__name__)
            return None
        if result.conversation_id:
            self._conversations[sender] = (result.conversation_id, time.monotonic())
        if result.response.response_type is IntentResponseType.ERROR:
            # "Sorry, I couldn't understand that": sms_iot's own reply says more (COMMANDS).
            return None
        speech = result.response.speech.get("plain", {}).get("speech", "")
        return fit(sms_safe(speech), ASSIST_SEGMENTS) or None
