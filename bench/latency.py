"""Latency to the device: a signed SMS until its reply, beside the device's own floor.

The device is esphome/host_sim.yaml built for Linux. Home Assistant (its unpatched esphome
integration and sms_iot) talks to it over the native API; a direct aioesphomeapi client, with
no Home Assistant in the way, gives the floor: command sent until the device's state report
arrives. Samples alternate (floor, SMS, floor, SMS...) so both see the same machine. Paths: the
grammar (`relay on`), free text (`turn on the relay`) and a confirmation code's second text
(the lock). Exits 1 when a path's p99 exceeds its floor's by more than the budget (not --quick).
    python -m bench.latency [--messages N] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from aioesphomeapi import (
    APIClient,
    EntityState,
    LockCommand,
    LockEntityState,
    LockState,
    SwitchState,
)
import aiohttp
from twilio.request_validator import RequestValidator

from tools.dev_config import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    DEVICE_MAC,
    FRONT_DOOR,
    MASTER,
    RELAY,
    TWILIO_NUMBER,
    WEBHOOK_ID,
)
from tools.entries import (
    device_subentry,
    esphome_entry,
    make_entry,
    number_subentry,
    sms_iot_data,
    write_entries,
)

from .run import PYTHON, ROOT, Processes, free_port, start_hass, wait_until

BUDGET_MS = 3.0
SIM_PORT = 36253  # its own port: the build is cached per port
CONFIGURATION = """\
homeassistant:
  name: sms_iot latency
  country: US
  time_zone: UTC
  external_url: "{url}"
http:
  server_host: 127.0.0.1
  server_port: {port}
ffmpeg:
  ffmpeg_bin: "true"
logger:
  default: warning
"""
_MESSAGE = re.compile(r"<Message>(.*?)</Message>", re.S)


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(int(len(ordered) * 0.99) - 1, 0)]


def write_config(config: Path, port: int, device_port: int) -> str:
    """Write a Home Assistant config with the device and sms_iot; return the webhook URL."""
    url = f"http://127.0.0.1:{port}"
    public_url = f"{url}/api/webhook/{WEBHOOK_ID}"
    config.mkdir(parents=True)
    (config / "configuration.yaml").write_text(CONFIGURATION.format(url=url, port=port))
    (config / "custom_components").mkdir()
    (config / "custom_components" / "sms_iot").symlink_to(
        ROOT / "custom_components" / "sms_iot"
    )
    esphome = esphome_entry("SMS IoT Sim", DEVICE_MAC, device_port)
    sms_iot = make_entry(
        "sms_iot",
        TWILIO_NUMBER,
        f"{ACCOUNT_SID}_{TWILIO_NUMBER}",
        sms_iot_data(ACCOUNT_SID, AUTH_TOKEN, TWILIO_NUMBER, WEBHOOK_ID, public_url),
        # Hundreds of texts a minute from one number: the rate limit is not measured here.
        options={"rate_limit": 1_000_000},
        subentries=[
            device_subentry("Relay", RELAY),
            device_subentry("Front door", FRONT_DOOR),
            number_subentry("Bench", MASTER),
        ],
    )
    write_entries(config / ".storage", [esphome, sms_iot])
    return public_url


class Device:
    """A direct native-API client of the device: the floor, with no Home Assistant."""

    def __init__(self, port: int) -> None:
        """Prepare a client for the device on a loopback port."""
        self._client = APIClient("127.0.0.1", port, None)
        self._keys: dict[str, int] = {}
        self._states: dict[int, object] = {}
        self._changed = asyncio.Event()

    async def async_start(self) -> None:
        """Connect, learn the entities' keys and follow their states."""
        await self._client.connect(login=True)
        entities, _ = await self._client.list_entities_services()
        self._keys = {e.name: e.key for e in entities}
        self._client.subscribe_states(self._on_state)
        async with asyncio.timeout(10):
            # The first reports: every sample starts from a known state.
            while len(self._states) < 2:
                self._changed.clear()
                await self._changed.wait()

    async def async_stop(self) -> None:
        """Disconnect."""
        await self._client.disconnect()

    def _on_state(self, state: EntityState) -> None:
        if isinstance(state, SwitchState | LockEntityState):
            self._states[state.key] = state.state
            self._changed.set()

    def is_on(self, name: str) -> bool:
        """Return whether the relay is on, or the lock locked, as last reported."""
        return self._states.get(self._keys[name]) in (True, LockState.LOCKED)

    async def async_reported(self, name: str, on: bool) -> None:
        """Wait until this client has seen the device report the state."""
        async with asyncio.timeout(10):
            while self.is_on(name) != on:
                self._changed.clear()
                await self._changed.wait()

    async def _async_timed(
        self, name: str, on: bool, send: Callable[[], None]
    ) -> float:
        started = time.perf_counter()
        send()
        await self.async_reported(name, on)
        return (time.perf_counter() - started) * 1000

    async def async_switch(self, on: bool) -> float:
        """Switch the relay; return ms until the device reports it."""
        key = self._keys["Relay"]
        return await self._async_timed(
            "Relay", on, lambda: self._client.switch_command(key, on)
        )

    async def async_lock(self, locked: bool) -> float:
        """Lock or unlock; return ms until the device reports it."""
        key = self._keys["Front door"]
        command = LockCommand.LOCK if locked else LockCommand.UNLOCK
        return await self._async_timed(
            "Front door", locked, lambda: self._client.lock_command(key, command)
        )


class Phone:
    """Texts the webhook as Twilio does, signed; returns the reply's text."""

    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        """Text the webhook at url."""
        self._session = session
        self._url = url
        self._validator = RequestValidator(AUTH_TOKEN)

    async def async_text(self, body: str) -> tuple[str, float]:
        """Send one text; return the reply and ms until it arrived."""
        # Unique across runs: a repeated MessageSid is answered from the dedupe memory.
        sid = f"SM{secrets.token_hex(16)}"
        form = {
            "MessageSid": sid,
            "SmsSid": sid,
            "AccountSid": ACCOUNT_SID,
            "From": MASTER,
            "To": TWILIO_NUMBER,
            "Body": body,
            "NumMedia": "0",
        }
        signature = self._validator.compute_signature(self._url, form)
        started = time.perf_counter()
        async with self._session.post(
            self._url, data=form, headers={"X-Twilio-Signature": signature}
        ) as response:
            text = await response.text()
        elapsed = (time.perf_counter() - started) * 1000
        found = _MESSAGE.search(text)
        return (found.group(1) if found else text), elapsed


type Sample = Callable[[bool], Awaitable[float]]


async def measure(
    device: Device, phone: Phone, messages: int
) -> dict[str, dict[str, list[float]]]:
    """Alternate floor and SMS samples on every path; return the milliseconds."""

    async def grammar(on: bool) -> float:
        return await _expect(
            phone, f"relay {'on' if on else 'off'}", f"Relay: {'ON' if on else 'OFF'}"
        )

    async def free_text(on: bool) -> float:
        return await _expect(
            phone,
            f"turn {'on' if on else 'off'} the relay",
            f"Relay: {'ON' if on else 'OFF'}",
        )

    async def code(locked: bool) -> float:
        asked, _ = await phone.async_text(
            f"front door {'lock' if locked else 'unlock'}"
        )
        found = re.search(r"Reply (\d{4}) ", asked)
        assert found is not None, asked
        word = "LOCKED" if locked else "UNLOCKED"
        return await _expect(phone, found.group(1), f"Front door: {word}")

    paths: dict[str, tuple[str, Sample, Sample]] = {
        "grammar": ("Relay", device.async_switch, grammar),
        "free text": ("Relay", device.async_switch, free_text),
        "confirmation code": ("Front door", device.async_lock, code),
    }
    results: dict[str, dict[str, list[float]]] = {}
    for name, (entity, floor, sms) in paths.items():
        floors: list[float] = []
        texts: list[float] = []
        for _ in range(messages):
            # Each sample changes the state, so every one waits for a real report.
            on = not device.is_on(entity)
            floors.append(await floor(on))
            texts.append(await sms(not on))
            # The floor's client has seen the SMS's state too before it goes on.
            try:
                await device.async_reported(entity, not on)
            except TimeoutError as err:
                raise RuntimeError(
                    f"{name}: the device never reported {entity} {not on} after the text"
                ) from err
        results[name] = {"floor": floors, "sms": texts}
    return results


async def _expect(phone: Phone, body: str, reply: str) -> float:
    """Text the body; check the reply states what was asked; return the ms it took."""
    got, elapsed = await phone.async_text(body)
    if got != reply:
        raise RuntimeError(f"{body!r} answered {got!r}, not {reply!r}")
    return elapsed


def render(
    results: dict[str, dict[str, list[float]]], messages: int
) -> tuple[str, bool]:
    """Return the Markdown table and whether every path is within budget."""
    lines = [
        "### Latency to the device (ESPHome host build)",
        "",
        f"{messages} texts per path, each beside a direct native-API command to the same "
        "device in the same run (the floor: no Home Assistant). SMS: signed webhook request "
        "until the reply, which states the state the device reported. Budget: p99 within "
        f"+{BUDGET_MS:.0f} ms of the floor.",
        "",
        "| path | floor p50 ms | floor p99 ms | SMS p50 ms | SMS p99 ms | + p50 ms | + p99 ms | within budget |",
        "|---|---|---|---|---|---|---|---|",
    ]
    within = True
    for name, samples in results.items():
        f50, f99 = _percentiles(samples["floor"])
        s50, s99 = _percentiles(samples["sms"])
        ok = s99 - f99 <= BUDGET_MS
        within &= ok
        lines.append(
            f"| {name} | {f50:.1f} | {f99:.1f} | {s50:.1f} | {s99:.1f} | "
            f"{s50 - f50:+.1f} | {s99 - f99:+.1f} | {'yes' if ok else '**no**'} |"
        )
    lines.append("")
    return "\n".join(lines), within


async def _async_run(
    device_port: int, url: str, messages: int
) -> dict[str, dict[str, list[float]]]:
    device = Device(device_port)
    await device.async_start()
    try:
        async with aiohttp.ClientSession() as session:
            phone = Phone(session, url)
            # Warm up: sentences loaded, connections open, both paths once.
            await phone.async_text("turn off the relay")
            return await measure(device, phone, messages)
    finally:
        await device.async_stop()


def run(messages: int) -> tuple[str, bool]:
    """Start the device, fake Twilio and Home Assistant; measure; stop them all."""
    device_port = SIM_PORT if http_port_free(SIM_PORT) else free_port()
    binary = subprocess.run(
        [str(ROOT / "scripts" / "esp-sim"), "--port", str(device_port), "--build-only"],
        cwd=ROOT, capture_output=True, text=True, timeout=900, check=True,
    ).stdout.strip().splitlines()[-1]  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="sms_iot_latency_") as tmp:
        work = Path(tmp)
        procs = Processes(work)
        try:
            procs.start(
                "device", [binary], env={"ESPHOME_PREFDIR": str(work / "prefs")}
            )
            twilio_port, hass_port = free_port(), free_port()
            procs.start(
                "fake-twilio",
                [PYTHON, "-m", "tools.fake_twilio", "--port", str(twilio_port),
                 "--account-sid", ACCOUNT_SID, "--auth-token", AUTH_TOKEN,
                 "--number", TWILIO_NUMBER],
            )  # fmt: skip
            url = write_config(work / "config", hass_port, device_port)
            start_hass(procs, work / "config", hass_port, twilio_port)
            wait_until(lambda: _refuses_unsigned(url), "Home Assistant and sms_iot")
            results = asyncio.run(_wait_and_run(device_port, url, messages))
        except Exception:
            for log in sorted(work.glob("*.log")):
                print(f"--- {log.name}", *log.read_text().splitlines()[-15:], sep="\n")
            raise
        finally:
            procs.stop_all()
    return render(results, messages)


async def _wait_and_run(
    device_port: int, url: str, messages: int
) -> dict[str, dict[str, list[float]]]:
    """Wait until Home Assistant sees the relay, then measure."""
    async with aiohttp.ClientSession() as session:
        phone = Phone(session, url)
        deadline = time.monotonic() + 120
        while (reply := (await phone.async_text("relay?"))[0]) not in (
            "Relay: ON",
            "Relay: OFF",
        ):
            if time.monotonic() > deadline:
                raise RuntimeError(f"the relay never came online: {reply!r}")
            await asyncio.sleep(1)
    return await _async_run(device_port, url, messages)


def _refuses_unsigned(url: str) -> bool:
    """Return True once sms_iot's webhook refuses an empty, unsigned request."""
    try:
        urllib.request.urlopen(urllib.request.Request(url, data=b""), timeout=5)
    except urllib.error.HTTPError as err:
        return err.code in (400, 403, 415)
    except OSError:
        return False
    return False


def http_port_free(port: int) -> bool:
    """Return True if nothing listens on the loopback port."""
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def main() -> int:
    """Measure, print the table; exit 1 if a path is over budget (unless --quick)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument(
        "--quick", action="store_true", help="5 texts per path, never fails"
    )
    args = parser.parse_args()
    messages = 5 if args.quick else args.messages
    table, within = run(messages)
    print(table)
    if not within and not args.quick:
        print(
            f"FAILED: a path is more than {BUDGET_MS:.0f} ms over the device's floor at p99",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
