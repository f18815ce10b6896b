"""Home Assistant's side of free text: sentences loaded off the loop, devices as named."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable, Sequence

from hassil.intents import Intents

from homeassistant.const import ATTR_DEVICE_CLASS
from homeassistant.core import HomeAssistant
from homeassistant.helpers import (
    area_registry as ar,
    device_registry as dr,
    entity_registry as er,
)
from homeassistant.util.hass_dict import HassKey

from .commands import ParseResult
from .freetext import Candidate, for_domains, language_for, load_sentences, recognize
from .models import AuthorizedNumber, Device

_SENTENCES: HassKey[dict[str, asyncio.Future[Intents]]] = HassKey("sms_iot_sentences")
# A language's sentences kept to the kinds of device a number uses (cheap: shared parts).
_PRUNED: HassKey[dict[tuple[str, frozenset[str]], Intents]] = HassKey(
    "sms_iot_sentences_by_kind"
)
# What a text meant, per language and devices as named: people send the same few texts again
# and again (as Home Assistant's own agent keeps, 128 of them). Any change to a device's
# names, area or kind makes other candidates, so a stale answer is never found.
type _Key = tuple[str, tuple[Candidate, ...], str]
_RECOGNIZED: HassKey[OrderedDict[_Key, ParseResult | None]] = HassKey(
    "sms_iot_recognized"
)
RECOGNIZED_MAX = 128
# hassil compiles a sentence set on first use: do it in the executor, not on a text's path.
_WARM_UP = Candidate("warm up", "light.sms_iot_warm_up", (), "warm up")


def number_language(hass: HomeAssistant, number: AuthorizedNumber) -> str:
    """Return the language a number is understood and answered in."""
    return language_for(number.language or hass.config.language)


async def async_sentences(hass: HomeAssistant, language: str) -> Intents:
    """Return a language's sentences, loading them once per Home Assistant run."""
    loaded = hass.data.setdefault(_SENTENCES, {})
    if (future := loaded.get(language)) is None:
        future = loaded[language] = hass.loop.create_future()
        try:
            future.set_result(
                await hass.async_add_executor_job(_load_and_warm, language)
            )
        except BaseException as err:
            del loaded[language]
            future.set_exception(err)
            future.exception()  # retrieved: the caller gets it raised
            raise
    return await asyncio.shield(future)


def _load_and_warm(language: str) -> Intents:
    """Load a language's sentences and match once (blocking)."""
    sentences = load_sentences(language)
    recognize(sentences, "warm up", [_WARM_UP])
    return sentences


def candidates(hass: HomeAssistant, devices: Sequence[Device]) -> list[Candidate]:
    """Return the devices as sentences may name them: texted name, aliases, entity name, area."""
    entities = er.async_get(hass)
    areas = ar.async_get(hass)
    found: list[Candidate] = []
    for device in devices:
        aliases = list(device.aliases)
        area_id = None
        if (entry := entities.async_get(device.entity_id)) is not None:
            aliases += [a for a in entry.aliases if isinstance(a, str)]
            area_id = entry.area_id
            if area_id is None and entry.device_id is not None:
                owner = dr.async_get(hass).async_get(entry.device_id)
                area_id = owner.area_id if owner else None
        if (state := hass.states.get(device.entity_id)) is not None:
            aliases.append(state.name)
        area = areas.async_get_area(area_id) if area_id else None
        found.append(
            Candidate(
                device.name,
                device.entity_id,
                tuple(dict.fromkeys(a for a in aliases if a and a != device.name)),
                area.name if area else None,
                state.attributes.get(ATTR_DEVICE_CLASS) if state else None,
            )
        )
    return found


async def async_matcher(
    hass: HomeAssistant, number: AuthorizedNumber
) -> Callable[[str], ParseResult | None]:
    """Return a matcher of sentences over the number's devices, in its language."""
    language = number_language(hass, number)
    sentences = await async_sentences(hass, language)
    devices = candidates(hass, number.devices)
    kinds = frozenset(d.domain for d in devices)
    pruned = hass.data.setdefault(_PRUNED, {})
    if (mine := pruned.get((language, kinds))) is None:
        mine = pruned[language, kinds] = for_domains(sentences, kinds)
    recognized = hass.data.setdefault(_RECOGNIZED, OrderedDict())
    named = tuple(devices)

    def match(text: str) -> ParseResult | None:
        key = (language, named, text)
        if key in recognized:
            recognized.move_to_end(key)
            return recognized[key]
        result = recognized[key] = recognize(mine, text, devices)
        if len(recognized) > RECOGNIZED_MAX:
            recognized.popitem(last=False)
        return result

    return match
