"""Run the benchmark: sms_iot vs core twilio vs bare aiohttp vs the seed's Flask app.

Every process runs on 127.0.0.1, is bounded in requests and time, and is killed at the end.
    python -m bench.run [--quick] [--requests N] [--output BENCHMARKS.md]
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from importlib.metadata import version
import json
import os
from pathlib import Path
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from . import freetext, hass_config, micro, segments, startup
from .hass_config import AUTH_TOKEN, SENDERS, SMS_IOT_HOOK, STRANGER, TWILIO_HOOK

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SCENARIOS = {
    "a": "status query (?)",
    "b": "switch command, observed state",
    "c": "stranger (refused)",
    "d": "forged signature",
}
TARGETS = ("sms_iot", "core twilio", "REST API", "bare aiohttp", "Flask seed")


@dataclass
class Target:
    """One server under load: expect holds the scenarios it takes part in."""

    name: str
    url: str
    expect: dict[str, int]
    pid: int
    # The REST-API baseline: switch.toggle with this user's token instead of a text.
    rest_token: str | None = None


def free_port() -> int:
    """Return a free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Processes:
    """Start processes in their own groups and kill them all at the end."""

    def __init__(self, logdir: Path) -> None:
        """Keep logs in logdir."""
        self.logdir = logdir
        self.started: list[subprocess.Popen[bytes]] = []

    def start(
        self, name: str, args: list[str], env: dict[str, str] | None = None
    ) -> subprocess.Popen[bytes]:
        """Start a process with its output in a log file."""
        log = (self.logdir / f"{name}.log").open("wb")
        process = subprocess.Popen(
            args,
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.started.append(process)
        return process

    def stop(self, process: subprocess.Popen[bytes]) -> None:
        """Kill a process group by its PID and reap it."""
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def stop_all(self) -> None:
        """Stop everything still running."""
        for process in self.started:
            if process.poll() is None:
                self.stop(process)


def wait_until(check: object, what: str, timeout: float = 180) -> None:
    """Poll check() until it is true."""
    deadline = time.monotonic() + timeout
    while not check():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.25)


def http_ok(
    url: str, data: bytes | None = None, headers: dict[str, str] | None = None
) -> bool:
    """Return True if the URL answers 2xx."""
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5):
            return True
    except (urllib.error.URLError, OSError):
        return False


def rss_mb(pid: int) -> float:
    """Return a process's resident memory in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def start_hass(
    procs: Processes,
    config: Path,
    port: int,
    twilio_port: int,
    profile: Path | None = None,
) -> subprocess.Popen[bytes]:
    """Start hass with the twilio library pointed at the local fake Twilio."""
    return procs.start(
        f"hass-{config.name}",
        [str(Path(PYTHON).parent / "hass"), "-c", str(config), "--skip-pip"],
        env={
            "SMS_IOT_FAKE_TWILIO": f"http://127.0.0.1:{twilio_port}",
            "PYTHONPATH": str(ROOT / "tools" / "dev_site"),
            **({"SMS_IOT_PROFILE": str(profile)} if profile else {}),
        },
    )


def cpu_seconds(pid: int) -> float:
    """Return the CPU time (user + system) a process has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load(
    target: Target, scenario: str, requests: int, concurrency: int
) -> dict[str, float]:
    """Run the load generator in its own process; add the server's CPU per request."""
    args = [
        PYTHON, "-m", "bench.loadgen", "--url", target.url, "--sign-url", target.url,
        "--token", AUTH_TOKEN, "--scenario", scenario, "--requests", str(requests),
        "--concurrency", str(concurrency), "--expect", str(target.expect[scenario]),
        "--stranger", STRANGER, *(arg for s in SENDERS for arg in ("--sender", s)),
        *(["--rest-token", target.rest_token] if target.rest_token else []),
    ]  # fmt: skip
    before = cpu_seconds(target.pid)
    result = subprocess.run(
        args, cwd=ROOT, capture_output=True, text=True, timeout=600, check=True
    )
    figures = dict(json.loads(result.stdout))
    figures["cpu_ms"] = (cpu_seconds(target.pid) - before) * 1000 / requests
    return figures


@contextmanager
def environment(
    procs: Processes, workdir: Path, profile: Path | None = None
) -> Iterator[dict[str, object]]:
    """Start every server; yield what the run needs; stop them all."""
    ports = {name: free_port() for name in ("hass", "base", "twilio", "bare", "flask")}
    try:
        procs.start(
            "fake-twilio",
            [PYTHON, "-m", "tools.fake_twilio", "--port", str(ports["twilio"]),
             "--account-sid", hass_config.ACCOUNT_SID, "--auth-token", AUTH_TOKEN,
             "--number", hass_config.TWILIO_NUMBER],
        )  # fmt: skip
        hass_config.write(workdir / "with_sms_iot", ports["hass"], with_sms_iot=True)
        hass_config.write(workdir / "baseline", ports["base"], with_sms_iot=False)
        started = time.monotonic()
        hass = start_hass(
            procs, workdir / "with_sms_iot", ports["hass"], ports["twilio"], profile
        )
        bare = procs.start(
            "bare", [PYTHON, "-m", "bench.bare_server", "--port", str(ports["bare"])]
        )
        flask = procs.start(
            "flask", [PYTHON, "-m", "bench.flask_app", "--port", str(ports["flask"])]
        )
        probe = workdir / "with_sms_iot" / "bench_probe.json"
        wait_until(
            probe.exists, "Home Assistant to start and the setup probe to finish"
        )
        startup = time.monotonic() - started
        for name in ("bare", "flask"):
            wait_until(
                lambda n=name: http_ok(f"http://127.0.0.1:{ports[n]}/ready"), name
            )
        time.sleep(2)  # let start-up work settle before reading memory
        memory = rss_mb(hass.pid)
        base = start_hass(procs, workdir / "baseline", ports["base"], ports["twilio"])
        wait_until(
            lambda: http_ok(
                f"http://127.0.0.1:{ports['base']}/api/webhook/{TWILIO_HOOK}", b""
            ),
            "baseline Home Assistant",
        )
        time.sleep(4)
        baseline_memory = rss_mb(base.pid)
        procs.stop(base)
        hass_base = f"http://127.0.0.1:{ports['hass']}/api/webhook"
        probed = json.loads(probe.read_text())
        yield {
            "targets": [
                Target(
                    "sms_iot",
                    f"{hass_base}/{SMS_IOT_HOOK}",
                    {"a": 200, "b": 200, "c": 200, "d": 403},
                    hass.pid,
                ),
                Target(
                    "core twilio",
                    f"{hass_base}/{TWILIO_HOOK}",
                    dict.fromkeys(SCENARIOS, 200),
                    hass.pid,
                ),
                Target(
                    "REST API",
                    f"http://127.0.0.1:{ports['hass']}/api/services/switch/toggle",
                    {"b": 200},
                    hass.pid,
                    probed["token"],
                ),
                Target(
                    "bare aiohttp",
                    f"http://127.0.0.1:{ports['bare']}/sms",
                    dict.fromkeys(SCENARIOS, 200),
                    bare.pid,
                ),
                Target(
                    "Flask seed",
                    f"http://127.0.0.1:{ports['flask']}/sms",
                    dict.fromkeys(SCENARIOS, 200),
                    flask.pid,
                ),
            ],
            "setup_ms": probed["setup_ms"],
            "setup_settled_ms": probed["setup_settled_ms"],
            "memory_mb": memory,
            "baseline_memory_mb": baseline_memory,
            "startup_s": startup,
        }
    finally:
        procs.stop_all()


def machine() -> str:
    """Describe this machine and the versions measured."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    packages = ", ".join(
        f"{p} {version(p)}"
        for p in ("homeassistant", "aiohttp", "twilio", "flask", "waitress")
    )
    return f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, Python {platform.python_version()}; {packages}"


def ratio(a: float, b: float) -> str:
    """Format a ratio."""
    return f"{a / b:.2f}×" if b else "–"


def render(
    results: dict[tuple[str, str, int], dict[str, float]],
    env: dict[str, object],
    args: argparse.Namespace,
) -> str:
    """Render the results as Markdown tables."""
    lines = [
        f"Machine: {machine()}",
        "",
        f"Requests per run: {args.requests}; command: `scripts/bench{' --quick' if args.quick else ''}`",
        "",
    ]
    for scenario, title in SCENARIOS.items():
        lines += [
            f"### ({scenario}) {title}",
            "",
            "| target | conc. | req/s | p50 ms | p90 ms | p99 ms | max ms | errors | sms_iot ÷ this (req/s) | server CPU ms/req | this ÷ sms_iot (CPU/req) | generator CPU % |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for concurrency in args.concurrency:
            ours = results[("sms_iot", scenario, concurrency)]
            for target in TARGETS:
                if (r := results.get((target, scenario, concurrency))) is None:
                    continue
                cmp = cpu = ""
                if target != "sms_iot":
                    cmp = ratio(ours["rps"], r["rps"])
                    cpu = ratio(r["cpu_ms"], ours["cpu_ms"])
                lines.append(
                    f"| {target} | {concurrency} | {r['rps']:.0f} | {r['p50_ms']:.1f} | {r['p90_ms']:.1f} | {r['p99_ms']:.1f} | {r['max_ms']:.1f} | {r['errors']:.0f} | {cmp} | {r['cpu_ms']:.2f} | {cpu} | {r['gen_cpu_pct']:.0f} |"
                )
        lines.append("")
    setup = env["setup_ms"]
    settled = env["setup_settled_ms"]
    assert isinstance(setup, list)
    assert isinstance(settled, list)
    memory = float(env["memory_mb"])  # type: ignore[arg-type]
    baseline = float(env["baseline_memory_mb"])  # type: ignore[arg-type]
    lines += [
        "### Setup and memory",
        "",
        f"- `async_setup_entry` of sms_iot (incl. the credential check against the local fake Twilio API), {len(setup)} cycles as Home Assistant has started: median {statistics.median(setup):.1f} ms, max {max(setup):.1f} ms; {len(settled)} more once the REST client is loaded: median {statistics.median(settled):.1f} ms, max {max(settled):.1f} ms",
        f"- hass RSS with sms_iot loaded: {memory:.0f} MiB; without (same config, no sms_iot): {baseline:.0f} MiB; difference {memory - baseline:+.0f} MiB",
        "",
        freetext.render(100 if args.quick else 500),
        segments.render(),
        startup.render(1 if args.quick else 5),
        micro.render(1000 if args.quick else 20000),
    ]
    return "\n".join(lines)


def main() -> int:
    """Run everything and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="few requests, finishes in well under 2 minutes",
    )
    parser.add_argument("--requests", type=int)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument(
        "--output", type=Path, help="also write the tables to this Markdown file"
    )
    args = parser.parse_args()
    args.requests = args.requests or (100 if args.quick else 1000)
    results: dict[tuple[str, str, int], dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="sms_iot_bench_") as tmp:
        workdir = Path(tmp)
        procs = Processes(workdir)
        with environment(procs, workdir) as env:
            targets = env["targets"]
            assert isinstance(targets, list)
            for scenario in SCENARIOS:
                for concurrency in args.concurrency:
                    for target in targets:
                        if scenario in target.expect:
                            results[(target.name, scenario, concurrency)] = load(
                                target, scenario, args.requests, concurrency
                            )
        report = render(results, env, args)
    # Its own process: it starts its own device, fake Twilio and Home Assistant.
    latency = subprocess.run(
        [PYTHON, "-m", "bench.latency", *(["--quick"] if args.quick else [])],
        cwd=ROOT, capture_output=True, text=True, timeout=1800, check=False,
    )  # fmt: skip
    report += "\n" + latency.stdout
    print(report)
    if args.output:
        args.output.write_text(report)
    if latency.returncode:
        # Over budget (or broken): loud, and the run fails.
        print(latency.stderr[-3000:], file=sys.stderr)
    return latency.returncode


if __name__ == "__main__":
    sys.exit(main())
