"""Smoke test of the benchmark harness (scripts/bench --quick with a tiny N)."""

from __future__ import annotations

from pathlib import Path
import subprocess

ROOT = Path(__file__).resolve().parent.parent
LANGUAGE_CELLS = {"en ", "de ", "fr ", "es ", "nl "}


def test_bench_quick_runs(tmp_path: Path) -> None:
    """The harness starts every target, measures each scenario and reports ratios."""
    output = tmp_path / "bench.md"
    result = subprocess.run(
        [
            str(ROOT / "scripts" / "bench"),
            "--quick",
            "--requests",
            "5",
            "--concurrency",
            "1",
            "4",
            "--output",
            str(output),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    report = output.read_text()
    assert report in result.stdout
    for scenario in ("(a)", "(b)", "(c)", "(d)"):
        assert f"### {scenario}" in report
    webhook, section = report.split("### Free text", 1)
    rows = [
        line
        for line in webhook.splitlines()
        if line.startswith("| ") and "| target" not in line
    ]
    # scenarios x concurrency levels x targets, and the REST API in (b) only
    assert len(rows) == 4 * 2 * 4 + 2
    assert sum(row.startswith("| REST API |") for row in rows) == 2
    assert all(row.split("|")[8].strip() == "0" for row in rows), (
        "a target returned errors"
    )
    assert "async_setup_entry" in report
    assert "hass RSS with sms_iot loaded" in report
    section, costs = section.split("### Segments per reply", 1)
    costs, start = costs.split("### Start-up", 1)
    start, latency = start.split("### Latency to the device", 1)
    for path in ("grammar", "free text", "confirmation code"):
        assert f"| {path} | " in latency
    assert "| status, 6 devices | ≤ 1 |" in costs
    assert "| dependencies |" in start
    assert "| default_config |" in start
    assert "| form: `parse_form` |" in start
    assert "more once the REST client is loaded" in report
    free = [line for line in section.splitlines() if line[2:5] in LANGUAGE_CELLS]
    assert [row.split("|")[1].strip() for row in free] == ["en", "de", "fr", "es", "nl"]
    assert all(row.split("|")[9].strip() == "0" for row in free), "sentences missed"
