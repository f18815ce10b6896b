"""Free text: recognition time with 50 permitted devices per language, beside the grammar.

Runs in this process (no Home Assistant): the same functions the inbox calls. For each language,
50 devices named room x kind in that language; each sample recognises a sentence about a random
device, and the grammar path parses the equivalent terse command (`<name> off`) in the same run.
    python -m bench.freetext [--samples N]
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import time
import tracemalloc

from custom_components.sms_iot.freetext import (
    LANGUAGES,
    Candidate,
    load_sentences,
    recognize,
)
from custom_components.sms_iot.understand import understand

ROOMS = {
    "en": ["kitchen", "bedroom", "hall", "office", "garage", "attic", "cellar", "porch", "garden", "bathroom"],
    "de": ["Küche", "Schlafzimmer", "Flur", "Büro", "Garage", "Dachboden", "Keller", "Veranda", "Garten", "Bad"],
    "fr": ["cuisine", "chambre", "couloir", "bureau", "garage", "grenier", "cave", "porche", "jardin", "salle de bain"],
    "es": ["cocina", "dormitorio", "pasillo", "oficina", "garaje", "desván", "sótano", "porche", "jardín", "baño"],
    "nl": ["keuken", "slaapkamer", "gang", "kantoor", "garage", "zolder", "kelder", "veranda", "tuin", "badkamer"],
}  # fmt: skip
KINDS = {
    "en": ["light", "lamp", "pump", "heater", "socket"],
    "de": ["Licht", "Lampe", "Pumpe", "Heizung", "Steckdose"],
    "fr": ["lumière", "lampe", "pompe", "chauffage", "prise"],
    "es": ["luz", "lámpara", "bomba", "calefactor", "enchufe"],
    "nl": ["licht", "lamp", "pomp", "verwarming", "stopcontact"],
}
# A sentence turning one device off, by language ({name}: the device).
SENTENCE = {
    "en": "turn off the {name}",
    "de": "schalte {name} aus",
    "fr": "éteins {name}",
    "es": "apaga {name}",
    "nl": "zet {name} uit",
}
TARGET_P99_MS = 20.0


def devices(language: str) -> list[Candidate]:
    """Return 50 devices named in the language, each in its room's area."""
    found = []
    for room in ROOMS[language]:
        for index, kind in enumerate(KINDS[language]):
            name = f"{kind} {room}" if language != "en" else f"{room} {kind}"
            domain = "light" if index < 2 else "switch"
            entity_id = f"{domain}.{len(found)}"
            found.append(Candidate(name, entity_id, (), room))
    return found


def _ms(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.99) - 1]


def measure(language: str, samples: int, seed: int = 1) -> dict[str, float]:
    """Return load time, memory, recognition and grammar p50/p99 (ms) for a language."""
    gc.collect()
    tracemalloc.start()
    started = time.perf_counter()
    sentences = load_sentences(language)
    candidates = devices(language)
    recognize(sentences, SENTENCE[language].format(name="x"), candidates[:1])  # warm up
    load_ms = (time.perf_counter() - started) * 1000
    memory = tracemalloc.get_traced_memory()[0] / 2**20
    tracemalloc.stop()
    pick = random.Random(seed)  # noqa: S311 - a repeatable choice of devices, not a secret
    free: list[float] = []
    grammar: list[float] = []
    missed = 0
    names = {c.name.casefold() for c in candidates}
    for _ in range(samples):
        device = pick.choice(candidates)
        text = SENTENCE[language].format(name=device.name)
        started = time.perf_counter()
        result = recognize(sentences, text, candidates)
        free.append((time.perf_counter() - started) * 1000)
        if result is None or [c.target for c in result.commands] != [device.name]:
            missed += 1
        started = time.perf_counter()
        understand(f"{device.name} off", names.__contains__)
        grammar.append((time.perf_counter() - started) * 1000)
    free_p50, free_p99 = _ms(free)
    grammar_p50, grammar_p99 = _ms(grammar)
    return {
        "load_ms": load_ms,
        "memory_mib": memory,
        "p50": free_p50,
        "p99": free_p99,
        "grammar_p50": grammar_p50,
        "grammar_p99": grammar_p99,
        "missed": missed,
    }


def render(samples: int) -> str:
    """Measure every language; return the Markdown table."""
    lines = [
        "### Free text (Home Assistant's sentences), 50 permitted devices",
        "",
        f"{samples} sentences per language (`turn off the <device>` and its translations) "
        "against the grammar parsing `<device> off` in the same run; memory is what "
        "loading the language allocates (tracemalloc).",
        "",
        "| language | load + warm-up ms | memory MiB | p50 ms | p99 ms | grammar p50 ms | grammar p99 ms | p50 ratio | misses | p99 ≤ 20 ms |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for language in LANGUAGES:
        r = measure(language, samples)
        ratio = r["p50"] / r["grammar_p50"] if r["grammar_p50"] else float("inf")
        ok = "yes" if r["p99"] <= TARGET_P99_MS else "**no**"
        lines.append(
            f"| {language} | {r['load_ms']:.0f} | {r['memory_mib']:.1f} | {r['p50']:.2f} | "
            f"{r['p99']:.2f} | {r['grammar_p50']:.3f} | {r['grammar_p99']:.3f} | "
            f"{ratio:.0f}× | {r['missed']:.0f} | {ok} |"
        )
    lines.append("")
    return "\n".join(lines)


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=500)
    print(render(parser.parse_args().samples))


if __name__ == "__main__":
    main()
