"""Free text in five languages: Home Assistant's sentences over the sender's devices only."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from unittest.mock import patch

from hassil.intents import Intents
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from bench.freetext import SENTENCE, devices as bench_devices
from custom_components.sms_iot.freetext import (
    LANGUAGES,
    Candidate,
    for_domains,
    language_for,
    load_sentences,
    recognize,
)
from custom_components.sms_iot.language import RECOGNIZED_MAX, candidates
from custom_components.sms_iot.models import Device
from custom_components.sms_iot.phrases import EXAMPLES, PHRASES
from custom_components.sms_iot.segments import segment_info
from homeassistant.core import HomeAssistant
from homeassistant.helpers import (
    area_registry as ar,
    device_registry as dr,
    entity_registry as er,
)

from .conftest import BOB, CAROL, Devices, SendSms

TABLES: dict[str, list[tuple[str, str, list[str], int | None]]] = json.loads(
    (Path(__file__).parent / "fixtures" / "freetext_phrasings.json").read_text()
)
# (name, aliases, area) of the kitchen light, the porch switch, the garage light, the garage
# door (a cover of class garage) and the front door's lock.
DEVICES = {
    "en": [("kitchen light", ["lamp"], "Kitchen"), ("porch", [], "Garden"), ("garage light", [], "Garage"), ("garage door", [], "Garage"), ("front door", [], "Hall")],
    "de": [("Küchenlicht", ["Lampe"], "Küche"), ("Veranda", [], "Garten"), ("Garagenlicht", [], "Garage"), ("Garagentor", [], "Garage"), ("Haustür", [], "Flur")],
    "fr": [("lumière de la cuisine", ["lampe"], "cuisine"), ("porche", [], "jardin"), ("lumière du garage", [], "garage"), ("porte du garage", [], "garage"), ("porte d'entrée", [], "entrée")],
    "es": [("luz de la cocina", ["lámpara"], "cocina"), ("porche", [], "jardín"), ("luz del garaje", [], "garaje"), ("puerta del garaje", [], "garaje"), ("puerta principal", [], "entrada")],
    "nl": [("keukenlamp", ["lamp"], "keuken"), ("veranda", [], "tuin"), ("garagelamp", [], "garage"), ("garagedeur", [], "garage"), ("voordeur", [], "hal")],
}  # fmt: skip
ENTITIES = {
    "k": "light.kitchen",
    "p": "switch.porch",
    "g": "light.garage",
    "d": "cover.garage_door",
    "f": "lock.front_door",
}
# A device of the house the sender may not use, named in each language.
FORBIDDEN = {
    "en": ["turn on the heater", "turn off the heater", "is the heater on", "set the heater to 40%"],
    "de": ["schalte die Heizung an", "mach die Heizung aus", "ist die Heizung an", "stelle die Heizung auf 40 %"],
    "fr": ["allume le chauffage", "éteins le chauffage", "est-ce que le chauffage est allumé", "mets le chauffage à 40%"],
    "es": ["enciende la calefacción", "apaga la calefacción", "está la calefacción encendida", "pon la calefacción al 40%"],
    "nl": ["zet de verwarming aan", "zet de verwarming uit", "staat de verwarming aan", "zet de verwarming op 40%"],
}  # fmt: skip

_LOADED: dict[str, Intents] = {}


def _sentences(language: str) -> Intents:
    if language not in _LOADED:
        _LOADED[language] = load_sentences(language)
    return _LOADED[language]


def _candidates(language: str) -> list[Candidate]:
    return [
        Candidate(
            name,
            entity_id,
            tuple(aliases),
            area,
            "garage" if entity_id.startswith("cover.") else None,
        )
        for (name, aliases, area), entity_id in zip(
            DEVICES[language], ENTITIES.values(), strict=True
        )
    ]


def _resolved(result: Any, candidates: list[Candidate]) -> list[tuple[Any, ...]]:
    by_name = {c.name: c.entity_id for c in candidates}
    return [(c.action.value, by_name[c.target], c.brightness) for c in result.commands]


@pytest.mark.parametrize("language", LANGUAGES)
def test_phrasings_resolve_to_the_right_entities(language: str) -> None:
    """At least 20 natural phrasings per language: on/off/brightness/state/cover/lock."""
    table = TABLES[language]
    assert len(table) >= 20
    candidates = _candidates(language)
    for text, action, keys, brightness in table:
        result = recognize(_sentences(language), text, candidates)
        assert result is not None, text
        expected = [(action, ENTITIES[k], brightness) for k in keys]
        assert _resolved(result, candidates) == expected, text


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_device_not_permitted_is_not_even_recognised(language: str) -> None:
    """Sentences about a device the sender may not use resolve to nothing, whatever it is."""
    candidates = _candidates(language)
    for text in FORBIDDEN[language]:
        assert recognize(_sentences(language), text, candidates) is None, text
    # Every phrasing again, with the devices it names taken away from the sender.
    for text, _, keys, _ in TABLES[language]:
        named = {ENTITIES[k] for k in keys}
        allowed = [c for c in candidates if c.entity_id not in named]
        result = recognize(_sentences(language), text, allowed)
        if result is not None:
            assert not {c.target for c in result.commands} & {
                c.name for c in candidates if c.entity_id in named
            }, text
    assert recognize(_sentences(language), TABLES[language][0][0], []) is None


@pytest.mark.parametrize(
    ("configured", "language"),
    [
        ("en", "en"),
        ("de", "de"),
        ("de-CH", "de"),
        ("fr_BE", "fr"),
        ("es-419", "es"),
        ("NL", "nl"),
        ("pt-BR", "en"),
        ("", "en"),
        (None, "en"),
    ],
)
def test_language_for(configured: str | None, language: str) -> None:
    """A configured language maps to a shipped one, else English."""
    assert language_for(configured) == language


def test_system_text_never_forces_ucs2() -> None:
    """Every reply word in every language is GSM-7: only device names may cost UCS-2."""
    assert set(PHRASES) == set(LANGUAGES)
    for language, phrases in PHRASES.items():
        assert phrases.keys() == PHRASES["en"].keys(), language
        for key, text in phrases.items():
            assert segment_info(text).encoding == "GSM-7", (language, key, text)
    for examples in EXAMPLES.values():
        for text in examples:
            assert segment_info(text).encoding == "GSM-7", text


@pytest.fixture
async def german_house(
    hass: HomeAssistant,
    devices: Devices,
    area_registry: ar.AreaRegistry,
    entity_registry: er.EntityRegistry,
) -> None:
    """Home Assistant in German, the kitchen light in the area Küche, called Lampe too."""
    hass.config.language = "de"
    kitchen = area_registry.async_create("Küche")
    entity_registry.async_update_entity(
        "light.kitchen", area_id=kitchen.id, aliases={"Lampe", "lampe"}
    )


async def test_german_text_switches_and_answers_in_german(
    hass: HomeAssistant, german_house: None, send_sms: SendSms, devices: Devices
) -> None:
    """A German sentence naming the area switches Alice's light; the reply is German."""
    status, body = await send_sms("mach das Licht in der Küche aus")
    assert status == 200
    assert "<Message>Kitchen: AUS</Message>" in body
    assert devices.kitchen.is_on is False
    _, body = await send_sms("schalte die Lampe an")
    assert "Kitchen: AN 100%" in body
    # Bob may only look: understood, refused in German.
    _, body = await send_sms("schalte die Lampe aus", BOB)
    assert "Nicht erlaubt: diese Nummer darf nur den Status abfragen." in body
    assert devices.kitchen.is_on is True
    _, body = await send_sms("wie geht es dir")
    assert "Nicht verstanden: 'wie geht es dir'." in body


async def test_number_language_overrides_home_assistants(
    hass: HomeAssistant,
    german_house: None,
    setup_entry: MockConfigEntry,
    send_sms: SendSms,
    devices: Devices,
) -> None:
    """Alice texts in French: her sentences are matched and answered in French."""
    subentry = setup_entry.subentries["num_alice"]
    hass.config_entries.async_update_subentry(
        setup_entry, subentry, data={**subentry.data, "language": "fr"}
    )
    await hass.async_block_till_done()
    _, body = await send_sms("éteins la lampe")
    assert "<Message>Kitchen: ÉTEINT</Message>" in body
    _, body = await send_sms("schalte die Lampe an")
    assert "Pas compris" in body
    assert devices.kitchen.is_on is False


async def test_same_text_matched_once_until_its_devices_change(
    hass: HomeAssistant,
    setup_entry: MockConfigEntry,
    send_sms: SendSms,
    devices: Devices,
    entity_registry: er.EntityRegistry,
) -> None:
    """A repeated text is not matched again; a new alias is seen; the memory stays bounded."""
    await send_sms("turn on the lamp")  # the sentences load (and warm up) first
    with patch(
        "custom_components.sms_iot.language.recognize", side_effect=recognize
    ) as matched:
        for _ in range(3):
            _, body = await send_sms("turn off the lamp")
            assert "Kitchen: OFF" in body
        assert matched.call_count == 1
        _, body = await send_sms("turn on the reading light")
        assert "Unknown device" in body
        entity_registry.async_update_entity("light.kitchen", aliases={"reading light"})
        _, body = await send_sms("turn on the reading light")
        assert "Kitchen: ON" in body
        assert devices.kitchen.is_on is True
        calls = matched.call_count
        for i in range(RECOGNIZED_MAX + 1):
            await send_sms(f"turn on the lamp number {i}")
        await send_sms("turn on the reading light")
        assert matched.call_count == calls + RECOGNIZED_MAX + 2


@pytest.mark.parametrize(
    "text",
    [
        "turn on the lamp",
        "turn on the kitchen light",
        "turn on the garage light",
        "switch on the lamp",
        "turn on the lights",
        "turn on all the lights",
    ],
)
async def test_what_one_number_meant_is_never_anothers(
    hass: HomeAssistant,
    setup_entry: MockConfigEntry,
    send_sms: SendSms,
    devices: Devices,
    text: str,
) -> None:
    """A text Alice sent about her lights means nothing to Carol, who has the porch only."""
    await send_sms(text)
    await hass.services.async_call(
        "light", "turn_off", {"entity_id": "all"}, blocking=True
    )
    _, body = await send_sms(text, CAROL)
    assert devices.kitchen.is_on is False
    assert devices.garage.is_on is False
    assert "Kitchen" not in body
    assert "Garage" not in body


async def test_grammar_first_then_sentences(
    hass: HomeAssistant, setup_entry: MockConfigEntry, send_sms: SendSms
) -> None:
    """The terse grammar still answers; a fragment it does not know goes to the sentences."""
    _, body = await send_sms("porch off, turn on the lamp")
    assert "Porch: OFF" in body
    assert "Kitchen: ON" in body
    _, body = await send_sms("porch on, make me a coffee")
    assert "Porch: ON" in body
    assert "Not understood: 'make me a coffee'" in body


@pytest.mark.parametrize("language", LANGUAGES)
def test_fifty_devices_each_by_its_own_name(language: str) -> None:
    """Among 50 devices (same rooms, same kinds), a sentence naming one gets exactly that one.

    "kitchen light" beside "kitchen lamp" in the area "kitchen": the device's own name wins
    over the area-and-kind reading, which would switch both.
    """
    candidates = bench_devices(language)
    assert len(candidates) == 50
    sentences = _sentences(language)
    for device in candidates:
        text = SENTENCE[language].format(name=device.name)
        result = recognize(sentences, text, candidates)
        assert result is not None, text
        assert [c.target for c in result.commands] == [device.name], text


def test_what_sms_iot_does_not_set_or_name_is_nothing() -> None:
    """A colour is not a brightness; a question over a kind covers the sender's only."""
    sentences = _sentences("en")
    candidates = _candidates("en")
    assert recognize(sentences, "set the kitchen light to red", candidates) is None
    result = recognize(sentences, "are any lights on", candidates)
    assert result is not None
    assert _resolved(result, candidates) == [
        ("status", "light.kitchen", None),
        ("status", "light.garage", None),
    ]


async def test_candidates_from_the_registries(
    hass: HomeAssistant,
    devices: Devices,
    area_registry: ar.AreaRegistry,
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
) -> None:
    """Names and areas as Home Assistant knows them: entity area, else its device's."""
    garage = area_registry.async_create("Garage")
    config = MockConfigEntry(domain="test")
    config.add_to_hass(hass)
    owner = device_registry.async_get_or_create(
        config_entry_id=config.entry_id, identifiers={("test", "g")}
    )
    device_registry.async_update_device(owner.id, area_id=garage.id)
    entity_registry.async_update_entity("light.garage", device_id=owner.id)
    hass.states.async_set("switch.yaml_only", "off", {"friendly_name": "Pump"})
    found = candidates(
        hass,
        [
            Device("d1", "light.garage", "Shed", ("hut",)),
            Device("d2", "switch.yaml_only", "Pump", ()),
            Device("d3", "switch.gone", "Gone", ()),
        ],
    )
    state = hass.states.get("light.garage")
    assert state is not None
    assert found == [
        Candidate("Shed", "light.garage", ("hut", state.name), "Garage"),
        Candidate("Pump", "switch.yaml_only", (), None),
        Candidate("Gone", "switch.gone", (), None),
    ]


async def test_sentences_failing_to_load_leave_the_grammar(
    hass: HomeAssistant,
    setup_entry: MockConfigEntry,
    send_sms: SendSms,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A broken sentence library is logged; the grammar still answers; later it loads."""
    with patch(
        "home_assistant_intents.get_intents", side_effect=OSError("broken package")
    ):
        _, body = await send_sms("turn on the lamp")
    assert "Unknown device 'the lamp'" in body
    assert "Free text could not be matched" in caplog.text
    _, body = await send_sms("turn on the lamp")
    assert "Kitchen: ON" in body


async def test_help_in_the_numbers_language(
    hass: HomeAssistant, german_house: None, send_sms: SendSms
) -> None:
    """Help lists the devices and German examples; status-only numbers get questions."""
    _, body = await send_sms("help")
    assert "Geräte: Kitchen, Porch, Garage light. Z. B.: schalte Kitchen an" in body
    _, body = await send_sms("help", BOB)
    assert "Z. B.: ist Kitchen an?, STATUS." in body


@pytest.mark.parametrize("language", LANGUAGES)
def test_sentences_kept_to_the_kinds_used_change_no_result(language: str) -> None:
    """Every phrasing, over every one of the devices alone and all of them: same result."""
    full = _sentences(language)
    everyone = _candidates(language)
    for chosen in [everyone, *([c] for c in everyone)]:
        kept = for_domains(full, frozenset(c.domain for c in chosen))
        assert sum(len(i.data) for i in kept.intents.values()) < sum(
            len(i.data) for i in full.intents.values()
        )
        for text, *_ in TABLES[language]:
            assert recognize(kept, text, chosen) == recognize(full, text, chosen), text
