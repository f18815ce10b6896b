"""Load generator (its own process): signed Twilio requests (or REST calls), fixed concurrency.

Prints one JSON object: requests, errors, wall time, throughput and latency percentiles.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import secrets
import time
from urllib.parse import urlencode

import aiohttp
from twilio.request_validator import RequestValidator

BODIES = {"a": "?", "b": "relay toggle", "c": "relay on", "d": "relay on"}


def build_requests(
    scenario: str, n: int, sign_url: str, token: str, senders: list[str], stranger: str
) -> list[tuple[bytes, dict[str, str]]]:
    """Pre-compute n distinct signed requests (unique MessageSids) for a scenario."""
    validator = RequestValidator(token)
    forger = RequestValidator("forged" + token)
    cycle = itertools.cycle(senders)
    requests = []
    for _ in range(n):
        sid = "SM" + secrets.token_hex(16)
        params = {
            "MessageSid": sid,
            "SmsSid": sid,
            "AccountSid": "AC" + "b" * 32,
            "From": stranger if scenario == "c" else next(cycle),
            "To": "+15005550006",
            "Body": BODIES[scenario],
            "NumMedia": "0",
            "NumSegments": "1",
            "ApiVersion": "2010-04-01",
        }
        signer = forger if scenario == "d" else validator
        headers = {
            "X-Twilio-Signature": signer.compute_signature(sign_url, params),
            "Content-Type": "application/x-www-form-urlencoded",
        }
        requests.append((urlencode(params).encode(), headers))
    return requests


def rest_requests(
    n: int, token: str, entity_id: str
) -> list[tuple[bytes, dict[str, str]]]:
    """Return n REST-API calls of switch.toggle on the entity, as a user's script sends them."""
    body = json.dumps({"entity_id": entity_id}).encode()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    return [(body, headers)] * n


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Return the value below which the fraction of values fall (nearest rank)."""
    if not sorted_values:
        return float("nan")
    index = max(
        0, min(len(sorted_values) - 1, round(fraction * len(sorted_values)) - 1)
    )
    return sorted_values[index]


async def run(
    url: str,
    requests: list[tuple[bytes, dict[str, str]]],
    concurrency: int,
    expect: int,
) -> dict[str, float]:
    """Send all requests with at most `concurrency` in flight; measure each."""
    latencies: list[float] = []
    errors = 0
    queue = iter(requests)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=concurrency), timeout=timeout
    ) as session:

        async def worker() -> None:
            nonlocal errors
            for body, headers in queue:
                start = time.perf_counter()
                try:
                    async with session.post(
                        url, data=body, headers=headers
                    ) as response:
                        await response.read()
                        if response.status != expect:
                            errors += 1
                except (aiohttp.ClientError, TimeoutError):
                    errors += 1
                latencies.append(time.perf_counter() - start)

        start = time.perf_counter()
        cpu = time.process_time()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        wall = time.perf_counter() - start
        cpu = time.process_time() - cpu
    latencies.sort()
    return {
        "requests": len(requests),
        "errors": errors,
        "wall_s": wall,
        "rps": len(requests) / wall,
        "p50_ms": percentile(latencies, 0.50) * 1000,
        "p90_ms": percentile(latencies, 0.90) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "max_ms": latencies[-1] * 1000,
        # Near 100 %, the generator, not the server, sets the pace.
        "gen_cpu_pct": cpu / wall * 100,
    }


def main() -> None:
    """Generate the load and print the result as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--sign-url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--scenario", choices=sorted(BODIES), required=True)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--expect", type=int, default=200)
    parser.add_argument("--sender", action="append", required=True)
    parser.add_argument("--stranger", required=True)
    parser.add_argument("--rest-token", help="call switch.toggle through the REST API")
    parser.add_argument("--entity", default="switch.bench_relay")
    args = parser.parse_args()
    if args.rest_token:
        requests = rest_requests(args.requests, args.rest_token, args.entity)
    else:
        requests = build_requests(
            args.scenario,
            args.requests,
            args.sign_url,
            args.token,
            args.sender,
            args.stranger,
        )
    result = asyncio.run(run(args.url, requests, args.concurrency, args.expect))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
