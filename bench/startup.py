"""Start-up cost: the time and memory importing sms_iot adds to a Home Assistant process.

Each run is a fresh interpreter that first imports what Home Assistant loads for sms_iot anyway
(its dependencies and the platforms it forwards to), then times the cold import of sms_iot with
all its platforms and measures the resident memory added. `-X importtime` names where the time
goes, by top-level package. The entry's own set-up time is in the scenario tables (setup probe).
    python -m bench.startup [--runs N]
"""

from __future__ import annotations

import argparse
from collections import Counter
import json
from pathlib import Path
import statistics
import subprocess
import sys

ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 0.3
TARGET_MIB = 15.0
BASELINES = {
    # Loaded for sms_iot in any installation: its dependencies and the platforms it uses.
    "dependencies": [
        "homeassistant.core",
        "homeassistant.config_entries",
        "homeassistant.helpers.entity_platform",
        "homeassistant.components.http",
        "homeassistant.components.webhook",
        "homeassistant.components.sensor",
        "homeassistant.components.notify",
        "homeassistant.components.event",
        "homeassistant.components.button",
    ],
}
# With default_config, conversation (and with it hassil and the intents) is loaded anyway.
BASELINES["default_config"] = [
    *BASELINES["dependencies"],
    "homeassistant.components.conversation",
]
OURS = [
    "custom_components.sms_iot",
    "custom_components.sms_iot.config_flow",
    "custom_components.sms_iot.sensor",
    "custom_components.sms_iot.notify",
    "custom_components.sms_iot.event",
    "custom_components.sms_iot.button",
    "custom_components.sms_iot.diagnostics",
]
_PROBE = """
import importlib, json, os, time
def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
for name in {baseline!r}:
    importlib.import_module(name)
before = rss()
start = time.perf_counter()
for name in {ours!r}:
    importlib.import_module(name)
seconds, added = time.perf_counter() - start, rss() - before
start = time.perf_counter()
for name in {later!r}:
    importlib.import_module(name)
print(json.dumps({{"s": seconds, "bytes": added, "later_s": time.perf_counter() - start,
                  "later_bytes": rss() - before - added}}))
"""
# Loaded on first use, once Home Assistant runs (the number check, the first text sent).
LATER = "custom_components.sms_iot.twilio_rest"


def _run(baseline: list[str], importtime: bool = False) -> tuple[dict[str, float], str]:
    """Run one fresh interpreter; return its figures and its import-time log."""
    args = [sys.executable, *(["-X", "importtime"] if importtime else [])]
    # The import-time log names where sms_iot's own start-up goes: without the later import.
    later = [] if importtime else [LATER]
    code = _PROBE.format(baseline=baseline, ours=OURS, later=later)
    done = subprocess.run(
        [*args, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1]), done.stderr


def where_time_goes(baseline: list[str]) -> Counter[str]:
    """Return the self time (s) of the modules sms_iot's import loads, by top package."""
    _, log = _run(baseline, importtime=True)
    lines = log.splitlines()
    # The baseline's imports come first; sms_iot's start with its first own module.
    first = next(i for i, line in enumerate(lines) if "custom_components" in line)
    start = max(
        (
            i
            for i in range(first)
            if "|" in lines[i] and not lines[i].split("|")[2].startswith("  ")
        ),
        default=0,
    )
    totals: Counter[str] = Counter()
    for line in lines[start + 1 :]:
        parts = line.split("|")
        if len(parts) != 3 or not parts[0].split(":")[-1].strip().isdigit():
            continue
        name = parts[2].strip()
        package = (
            "sms_iot" if name.startswith("custom_components") else name.split(".")[0]
        )
        totals[package] += int(parts[0].split(":")[-1]) / 1e6
    return totals


def render(runs: int) -> str:
    """Measure each baseline; return the Markdown section."""
    lines = [
        "### Start-up: importing sms_iot",
        "",
        f"Fresh interpreter per run ({runs} runs, median), after what Home Assistant loads for "
        "sms_iot anyway; cold import of the integration and its platforms, resident memory "
        f"added. Targets: ≤ {TARGET_S} s, ≤ {TARGET_MIB:.0f} MiB. The twilio library's REST "
        "client is not part of it: it is imported in an executor after Home Assistant has "
        "started (the number check) or on the first text sent; its cost is the last column.",
        "",
        "| already loaded | import s | memory MiB | within target | where the time goes (self time) | REST client later: s, MiB |",
        "|---|---|---|---|---|---|",
    ]
    for label, baseline in BASELINES.items():
        figures = [_run(baseline)[0] for _ in range(runs)]
        seconds = statistics.median(f["s"] for f in figures)
        mib = statistics.median(f["bytes"] for f in figures) / 2**20
        ok = "yes" if seconds <= TARGET_S and mib <= TARGET_MIB else "**no**"
        top = ", ".join(
            f"{p} {s:.2f} s" for p, s in where_time_goes(baseline).most_common(4)
        )
        later_s = statistics.median(f["later_s"] for f in figures)
        later_mib = statistics.median(f["later_bytes"] for f in figures) / 2**20
        lines.append(
            f"| {label} | {seconds:.2f} | {mib:.1f} | {ok} | {top} | {later_s:.2f} s, {later_mib:.1f} MiB |"
        )
    lines.append("")
    return "\n".join(lines)


def main() -> None:
    """Print the section."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    print(render(parser.parse_args().runs))


if __name__ == "__main__":
    main()
