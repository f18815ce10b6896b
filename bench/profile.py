"""Where the server's CPU goes: cProfile inside the benchmarked Home Assistant, per target.

The same servers and load as `bench.run`; the profiler runs on the event loop's thread only
while one target takes one scenario's load, so each profile is that target's work alone.
    python -m bench.profile [--scenario a] [--requests N] [--concurrency C] [--top K]
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
import pstats
import signal
import tempfile
import time

from .run import Processes, Target, environment, load

# Where a function's file lies decides the group its own time is counted in.
GROUPS = (
    ("sms_iot", "/custom_components/sms_iot/"),
    ("twilio library", "/site-packages/twilio/"),
    ("hassil / intents", "/site-packages/hassil/"),
    ("HA http + webhook", "/homeassistant/components/http/"),
    ("HA http + webhook", "/homeassistant/components/webhook/"),
    ("HA core (states, events, services)", "/homeassistant/core.py"),
    ("HA helpers", "/homeassistant/helpers/"),
    ("HA integrations (recorder, logbook, template…)", "/homeassistant/components/"),
    ("aiohttp", "/site-packages/aiohttp/"),
)
# The loop's own frames straddle the moment the profiler starts and stops (their own time can
# come out negative, balanced by the C calls they made): one group with the rest of the stdlib.
STDLIB = "stdlib, asyncio, C builtins"
# The functions the second table names: the integrations' and Home Assistant's own, below the
# HTTP middlewares every request passes through alike.
OWN = ("/custom_components/", "/homeassistant/", "/twilio/", "/hassil/")
HTTP_STACK = {
    "security_filter_middleware",
    "forwarded_middleware",
    "request_context_middleware",
    "ban_middleware",
    "auth_middleware",
    "headers_middleware",
    "handle",
    "_handle",
}


def group(filename: str) -> str:
    """Return the group a function's file belongs to."""
    for name, part in GROUPS:
        if part in filename:
            return name
    return (
        "other (stdlib, C builtins)"
        if "site-packages" not in filename
        else "other libraries"
    )


def loop_thread_seconds(pid: int) -> float:
    """Return the CPU time of a process's main thread, where Home Assistant's loop runs."""
    fields = Path(f"/proc/{pid}/task/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def profile(
    target: Target,
    scenario: str,
    requests: int,
    concurrency: int,
    dump: Path,
    keep: Path | None,
) -> tuple[pstats.Stats, dict[str, float]]:
    """Profile the target's process while it takes the load; return stats and figures."""
    os.kill(target.pid, signal.SIGUSR1)
    loop_before = loop_thread_seconds(target.pid)
    figures = load(target, scenario, requests, concurrency)
    figures["loop_ms"] = (
        (loop_thread_seconds(target.pid) - loop_before) * 1000 / requests
    )
    os.kill(target.pid, signal.SIGUSR2)
    while not dump.exists():
        time.sleep(0.05)
    time.sleep(0.5)  # dump_stats writes in one go; give it a moment to finish
    stats = pstats.Stats(str(dump))
    if keep:
        dump.rename(keep / f"{target.name.replace(' ', '_')}-{scenario}.prof")
    else:
        dump.unlink()
    return stats, figures


def render(name: str, stats: pstats.Stats, requests: int, top: int) -> list[str]:
    """Per-request own time by group, then the heaviest functions by cumulative time."""
    raw = stats.stats  # type: ignore[attr-defined]
    total = sum(tt for _, _, tt, _, _ in raw.values())
    # Frames that straddle the profiler's start or stop come out with negative own time or a
    # cumulative time above the whole: left out of both tables.
    sound = {
        key: value for key, value in raw.items() if value[2] >= 0 and value[3] <= total
    }
    by_group: dict[str, float] = {}
    for (filename, _, _), (_, _, tt, _, _) in sound.items():
        by_group[group(filename)] = by_group.get(group(filename), 0.0) + tt
    lines = [
        f"#### {name}: {total * 1000 / requests:.3f} ms of profiled CPU per request",
        "",
        "| own time in | µs/request | share |",
        "|---|---|---|",
    ]
    for key, tt in sorted(by_group.items(), key=lambda kv: -kv[1]):
        lines.append(f"| {key} | {tt * 1e6 / requests:.0f} | {tt / total:.0%} |")
    lines += [
        "",
        "| function (cumulative) | µs/request | calls/request |",
        "|---|---|---|",
    ]
    named = [
        item
        for item in sound.items()
        if any(part in item[0][0] for part in OWN) and item[0][2] not in HTTP_STACK
    ]
    for (filename, line, func), (_, calls, _, ct, _) in sorted(
        named, key=lambda kv: -kv[1][3]
    )[:top]:
        where = filename.split("site-packages/")[-1].split("custom_components/")[-1]
        lines.append(
            f"| `{where}:{line} {func}` | {ct * 1e6 / requests:.0f} | {calls / requests:.1f} |"
        )
    return [*lines, ""]


def main() -> None:
    """Profile sms_iot and core twilio under the same scenario and print both."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="a")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument(
        "--keep",
        type=Path,
        help="keep the raw profiles (<target>-<scenario>.prof) here",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sms_iot_profile_") as tmp:
        workdir = Path(tmp)
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
        dump = workdir / "hass.prof"
        procs = Processes(workdir)
        with environment(procs, workdir, profile=dump) as env:
            targets = env["targets"]
            assert isinstance(targets, list)
            out = []
            for target in targets:
                if target.name in ("sms_iot", "core twilio", "REST API") and (
                    args.scenario in target.expect
                ):
                    # Warm up unprofiled: caches, first-use imports.
                    load(target, args.scenario, 200, args.concurrency)
                    stats, figures = profile(
                        target,
                        args.scenario,
                        args.requests,
                        args.concurrency,
                        dump,
                        args.keep,
                    )
                    out += render(
                        f"{target.name}, scenario {args.scenario}, concurrency "
                        f"{args.concurrency} ({figures['cpu_ms']:.2f} ms process CPU/request "
                        f"while profiled, {figures['loop_ms'] / figures['cpu_ms']:.0%} of it on "
                        "the event loop's thread)",
                        stats,
                        args.requests,
                        args.top,
                    )
            print("\n".join(out))


if __name__ == "__main__":
    main()
