"""Free text through Home Assistant's own sentences (hassil), over one sender's devices only."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from hassil import recognize_best
from hassil.intents import IntentData, Intents, SlotList, TextSlotList
import home_assistant_intents  # type: ignore[import-untyped,unused-ignore]

from .commands import ON_OFF_AS, Action, Command, ParseResult

# Languages whose sentences and replies sms_iot ships; others fall back to English.
LANGUAGES = ("en", "de", "fr", "es", "nl")
DEFAULT_LANGUAGE = "en"
_ACTIONS = {
    "HassTurnOn": Action.ON,
    "HassTurnOff": Action.OFF,
    "HassToggle": Action.TOGGLE,
    "HassLightSet": Action.BRIGHTNESS,
    "HassGetState": Action.STATUS,
    # Opening, closing and locking are HassTurnOn/Off on a cover or a lock.
    "HassSetPosition": Action.POSITION,
}
# The slot carrying the percentage each intent sets.
_PERCENT = {Action.BRIGHTNESS: "brightness", Action.POSITION: "position"}


@dataclass(frozen=True, slots=True)
class Candidate:
    """A device a sender may use, as the sentences can name it."""

    name: str
    entity_id: str
    aliases: tuple[str, ...]
    area: str | None
    device_class: str | None = None

    @property
    def domain(self) -> str:
        """Return the entity's domain."""
        return self.entity_id.split(".", 1)[0]


def language_for(configured: str | None) -> str:
    """Return the shipped language for a configured one ("de-CH" → "de"), else English."""
    base = (configured or "").replace("_", "-").split("-", 1)[0].casefold()
    return base if base in LANGUAGES else DEFAULT_LANGUAGE


def load_sentences(language: str) -> Intents:
    """Load the sentences of the intents sms_iot acts on (blocking: run in an executor)."""
    data: dict[str, Any] = dict(home_assistant_intents.get_intents(language) or {})
    data["intents"] = {
        name: intent
        for name, intent in data.get("intents", {}).items()
        if name in _ACTIONS
    }
    return Intents.from_dict(data)


def for_domains(sentences: Intents, domains: frozenset[str]) -> Intents:
    """Return the sentences that can name a device of these kinds (a third, or less).

    A sentence tied to other kinds could only resolve to no device: leaving it out changes no
    result and makes matching two to three times faster.
    """
    intents = {}
    for name, intent in sentences.intents.items():
        data = [d for d in intent.data if _kinds(d) & domains or not _kinds(d)]
        if data:
            intents[name] = replace(intent, data=data)
    return replace(sentences, intents=intents)


def _kinds(data: IntentData) -> set[str]:
    """Return the kinds (domains) of device a sentence is about; empty: any."""
    kinds: set[str] = set()
    for context in (data.requires_context, data.slots):
        value = (context or {}).get("domain")
        if value is not None:
            kinds.update([value] if isinstance(value, str) else value)
    return kinds


def recognize(
    sentences: Intents, text: str, candidates: Sequence[Candidate]
) -> ParseResult | None:
    """Return the commands a sentence asks for over the candidates, or None."""
    if not candidates:
        return None
    names = [
        (spoken, c.entity_id, {"domain": c.domain})
        for c in candidates
        for spoken in (c.name, *c.aliases)
    ]
    areas = sorted({c.area for c in candidates if c.area})
    slot_lists: dict[str, SlotList] = {
        "name": TextSlotList.from_tuples(names),
        "area": TextSlotList.from_tuples([(a, a) for a in areas]),
        "floor": TextSlotList.from_tuples([]),
    }
    # A device's own name wins over an area and a kind ("kitchen light" beside "kitchen lamp").
    result = recognize_best(
        text, sentences, slot_lists=slot_lists, best_slot_name="name"
    )
    if result is None or (action := _ACTIONS.get(result.intent.name)) is None:
        return None
    entities = {name: slot.value for name, slot in result.entities.items()}
    targets = _targets(entities, candidates)
    if not targets:
        return None
    percent = None
    if (slot := _PERCENT.get(action)) is not None:
        if not isinstance(value := entities.get(slot), int | float):
            return None  # a colour or temperature: not something sms_iot sets
        percent = round(value)
    return ParseResult(
        tuple(
            Command(ON_OFF_AS.get((c.domain, action), action), c.name, percent)
            for c in targets
        ),
        (),
    )


def _targets(
    entities: dict[str, Any], candidates: Sequence[Candidate]
) -> list[Candidate]:
    """Return the candidates the recognised slots name: one by name, or by area/kind."""
    if (entity_id := entities.get("name")) is not None:
        return [c for c in candidates if c.entity_id == entity_id]
    area, domain = entities.get("area"), entities.get("domain")
    device_class = entities.get("device_class")
    # Neither area nor kind named: nothing, never every device.
    return [
        c
        for c in candidates
        if (area or domain)
        and (area is None or c.area == area)
        and (domain is None or c.domain == domain)
        and (device_class is None or c.device_class == device_class)
    ]
