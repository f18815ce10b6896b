"""The message engine: every transport hands its texts to the inbox, which decides."""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime
import hmac
import logging
import time
from typing import Any

from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.util import dt as dt_util

from .act import Executor, LateReport, LateWatches
from .assist import Assist
from .commands import ParseResult, is_carrier_keyword
from .confirm import Answer, Confirmations, is_code
from .const import (
    DOMAIN,
    EVENT_RECEIVED,
    EVENT_UNAUTHORIZED,
    RECENT_COMMANDS,
    REPLY_BUDGET,
)
from .dedupe import MessageMemory
from .freetext import language_for
from .language import async_matcher, number_language
from .limits import Allowance, OncePer, SenderLimiter
from .models import AuthorizedNumber, SmsIotConfig
from .outcomes import DeviceReport, Note, Notice
from .phone import mask_number
from .phrase import help_text, phrase_item, phrase_reply, slow_down, sms_safe, words
from .pins import PinWatch
from .understand import settled, understand
from .who import async_who

_ANSWER_NOTES = {
    Answer.WRONG: Note.WRONG_CODE,
    Answer.EXPIRED: Note.CODE_EXPIRED,
    Answer.NONE: Note.NO_PENDING,
}

_LOGGER = logging.getLogger(__name__)


def text_signal(entry_id: str, subentry_id: str) -> str:
    """Return the signal a number's (or SIM's) accepted texts are announced on."""
    return f"{DOMAIN}_{entry_id}_{subentry_id}_text"


@dataclass(frozen=True, slots=True)
class InboundMessage:
    """A text as a transport received and proved it."""

    transport: str
    channel: str  # where it arrived, e.g. the Twilio number
    sender: str  # who sent it, as the transport proved it (E.164 for SMS)
    text: str
    message_id: str  # the transport's id: retried deliveries repeat it
    received_at: datetime
    # Texts the sender later (a late outcome); None if the transport cannot.
    follow_up: Callable[[str], Awaitable[None]] | None = None
    # The transport cannot prove the sender (a GSM sender id can be spoofed): the text must
    # start with the number's PIN.
    pin_required: bool = False
    # The sender is a SIM (by its sid), not a phone number.
    from_sim: bool = False


class Inbox:
    """Dedupe, authorize, rate-limit, understand, act and phrase one entry's messages."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry_id: str,
        config: SmsIotConfig,
        memory: MessageMemory,
    ) -> None:
        """Initialize the inbox of an entry."""
        self._hass = hass
        self._entry_id = entry_id
        self.config = config
        self.memory = memory
        self.limiter = SenderLimiter()
        self.stranger_refusals = OncePer()
        self.pin_reminders = OncePer()
        self.pins = PinWatch(hass, entry_id)
        self.confirmations = Confirmations()
        self.assist = Assist(hass)
        self.counters: Counter[str] = Counter()
        self.late = LateWatches(hass)
        self.recent: deque[dict[str, Any]] = deque(maxlen=RECENT_COMMANDS)

    async def async_close(self) -> None:
        """Stop the timers the inbox runs and write its dedupe memory (the entry unloads)."""
        self.late.cancel_all()
        self.pins.cancel()
        await self.memory.async_save()

    async def async_receive(self, message: InboundMessage) -> str:
        """Return the reply to a message ('' for none); a retried delivery gets the same."""
        first, reply = self.memory.cache.claim(message.message_id)
        if not first:
            self.counters["deduplicated"] += 1
            return await reply
        self.memory.save_soon()
        text = words(language_for(self._hass.config.language))["sorry"]
        try:
            text = sms_safe(await self._async_decide(message))
        except Exception:
            _LOGGER.exception(
                "Unexpected error handling message %s", message.message_id
            )
            self.counters["errors"] += 1
        finally:
            # A retried delivery waits on this future; it must resolve even on cancellation.
            reply.set_result(text)
            self.memory.save_soon()
        return text

    async def _async_decide(self, message: InboundMessage) -> str:
        """Authorize the sender, run the commands and return the reply text."""
        deadline = time.monotonic() + REPLY_BUDGET
        senders = self.config.sims if message.from_sim else self.config.numbers
        number = senders.get(message.sender)
        if number is None:
            return self._stranger(message, Context())
        who = await async_who(self._hass, number)
        # Commands run as the linked person's user: the logbook and automations see who.
        context = Context(user_id=who.user_id)
        if who.read_only:
            number = replace(number, can_control=False)
        if message.pin_required or number.pin is not None:
            # A PIN typed out of habit where none is needed is dropped, never quoted back.
            if (text := self._after_pin(message.text, number)) is not None:
                message = replace(message, text=text)
            elif message.pin_required:
                return self._wrong_pin(message, context, number)
        if is_carrier_keyword(message.text):
            # The carrier and Twilio act on it; an answer would not be delivered anyway.
            self.counters["carrier_keyword"] += 1
            return ""
        if is_code(message.text):
            return await self._async_code(number, message, context, deadline)
        parsed = await self._async_understand(number, message.text)
        if (
            refused := self._limited(number, message, len(parsed.commands))
        ) is not None:
            return refused
        self._fire(EVENT_RECEIVED, message, context, number)
        self._log(message, parsed)
        language = number_language(self._hass, number)
        if not parsed.commands and not parsed.unknown:
            return self._announce(number, message, help_text(number, language))
        if not parsed.commands and (
            answer := await self.assist.async_answer(
                number, message.sender, message.text, context, deadline
            )
        ):
            return self._announce(number, message, answer)
        executor = self._executor(number, context, deadline, message)
        items = await executor.async_run(parsed)
        code = None
        if executor.held:
            code = self.confirmations.ask(message.sender, tuple(executor.held))
            items.append(Notice(Note.CONFIRM, code, tuple(executor.held)))
        return self._announce(
            number, message, phrase_reply(items, number, language), secret=code
        )

    async def _async_code(
        self,
        number: AuthorizedNumber,
        message: InboundMessage,
        context: Context,
        deadline: float,
    ) -> str:
        """Release the commands a confirmation code holds, once; or say why not."""
        # The code never reaches events, the event entity or the log.
        shown = replace(message, text="****")
        if (refused := self._limited(number, message, 1)) is not None:
            return refused
        self._fire(EVENT_RECEIVED, shown, context, number)
        answer, commands = self.confirmations.answer(message.sender, message.text)
        language = number_language(self._hass, number)
        if answer is not Answer.RUN:
            note = _ANSWER_NOTES[answer]
            return self._announce(
                number, shown, phrase_item(Notice(note), number, language)
            )
        executor = self._executor(number, context, deadline, message, confirmed=True)
        items = await executor.async_run(ParseResult(commands, ()))
        return self._announce(number, shown, phrase_reply(items, number, language))

    def _limited(
        self, number: AuthorizedNumber, message: InboundMessage, commands: int
    ) -> str | None:
        """Return the reply when the number is over its rate limit, else count it in."""
        allowance = self.limiter.check(message.sender, self.config.rate_limit, commands)
        if allowance is Allowance.ALLOWED:
            self.counters["accepted"] += 1
            return None
        self.counters["rate_limited"] += 1
        if allowance is Allowance.SILENT:
            return ""
        return slow_down(self.config.rate_limit, number_language(self._hass, number))

    def _executor(
        self,
        number: AuthorizedNumber,
        context: Context,
        deadline: float,
        message: InboundMessage,
        confirmed: bool = False,
    ) -> Executor:
        """Return the executor of one message's commands."""
        return Executor(
            self._hass,
            self.config,
            number,
            context,
            self._entry_id,
            deadline,
            self.late,
            self._late_reporter(number, message.follow_up),
            confirmed,
        )

    async def _async_understand(
        self, number: AuthorizedNumber, text: str
    ) -> ParseResult:
        """Return what a text asks for: the grammar, then Home Assistant's sentences."""
        known = self.config.find_device
        parsed = understand(text)
        if settled(parsed, known) or not number.devices:
            return parsed
        try:
            match = await async_matcher(self._hass, number)
        except Exception:
            # The grammar still answers; a broken sentence set must not silence replies.
            _LOGGER.exception("Free text could not be matched")
            return parsed
        return understand(text, known, match)

    def _announce(
        self,
        number: AuthorizedNumber,
        message: InboundMessage,
        reply: str,
        secret: str | None = None,
    ) -> str:
        """Tell the number's event entity about a text it sent and the answer; return it."""
        shown = reply.replace(secret, "****") if secret else reply
        async_dispatcher_send(
            self._hass,
            text_signal(self._entry_id, number.subentry_id),
            {"text": message.text, "reply": shown, "transport": message.transport},
        )
        return reply

    def _late_reporter(
        self,
        number: AuthorizedNumber,
        follow_up: Callable[[str], Awaitable[None]] | None,
    ) -> LateReport | None:
        """Return what texts a late outcome to the sender, if the transport can."""
        if follow_up is None:
            return None

        async def _report(report: DeviceReport) -> None:
            self.counters["late_outcomes"] += 1
            language = number_language(self._hass, number)
            await follow_up(sms_safe(phrase_item(report, number, language)))

        return _report

    def _stranger(self, message: InboundMessage, context: Context) -> str:
        """Refuse a sender that is not an authorized number."""
        self.counters["unauthorized"] += 1
        self._fire(EVENT_UNAUTHORIZED, message, context, None)
        if self.config.reply_to_strangers and self.stranger_refusals.allow(
            message.sender
        ):
            return words(language_for(self._hass.config.language))["stranger"]
        return ""

    def _after_pin(self, text: str, number: AuthorizedNumber) -> str | None:
        """Return the text after the number's PIN, or None if the PIN is missing or wrong."""
        pin, rest = [*text.split(maxsplit=1), "", ""][:2]
        if number.pin is None or not hmac.compare_digest(
            pin.encode(), number.pin.encode()
        ):
            return None
        self.pins.accepted()
        return rest

    def _wrong_pin(
        self, message: InboundMessage, context: Context, number: AuthorizedNumber
    ) -> str:
        """Refuse a text without the right PIN: nothing runs; remind the number once a day."""
        self.counters["pin_refused"] += 1
        # Guesses use up the number's rate limit: at most that many PINs a minute are tried.
        self.limiter.charge(message.sender, self.config.rate_limit)
        self.pins.refused()
        self._fire(EVENT_UNAUTHORIZED, message, context, None, reason="pin")
        if self.pin_reminders.allow(message.sender):
            return words(number_language(self._hass, number))["pin_reminder"]
        return ""

    def _fire(
        self,
        event_type: str,
        message: InboundMessage,
        context: Context,
        number: AuthorizedNumber | None,
        reason: str = "stranger",
    ) -> None:
        """Fire a message event: full details for a number, masked for a refusal."""
        data: dict[str, Any] = {
            "config_entry_id": self._entry_id,
            "transport": message.transport,
            "message_sid": message.message_id,
        }
        if number is None:
            data["from"] = mask_number(message.sender)
            data["reason"] = reason
        else:
            data |= {
                "from": message.sender,
                "to": message.channel,
                "body": message.text,
                "sender_name": number.name,
                "person": number.person,
                "user_id": context.user_id,
            }
        self._hass.bus.async_fire(event_type, data, context=context)

    def _log(self, message: InboundMessage, parsed: ParseResult) -> None:
        """Remember the message for diagnostics, without its number."""
        self.recent.append(
            {
                "at": dt_util.utcnow().isoformat(),
                "from": mask_number(message.sender),
                "commands": [
                    " ".join(
                        filter(
                            None,
                            (
                                c.action.value,
                                c.target,
                                None if c.brightness is None else f"{c.brightness}%",
                            ),
                        )
                    )
                    for c in parsed.commands
                ],
                "not_understood": len(parsed.unknown),
            }
        )
