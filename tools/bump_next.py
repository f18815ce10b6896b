"""Pin the newest Home Assistant release on the package index in requirements_next.txt.

scripts/bump-next runs it; scripts/test runs --check. Home Assistant's own package pins only its core;
the integrations the develop instance sets up pin theirs in their manifests, read here from the
release's sdist. A pin missing from the index is replaced by the nearest version it has, and
said so. --check only says, in one line, whether the index has a newer release than the pin.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
from pathlib import Path
import re
import sys
import tarfile
import urllib.request

from packaging.requirements import Requirement
from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parent.parent
NEXT = ROOT / "requirements_next.txt"
CACHE = Path(
    os.environ.get("SMS_IOT_CACHE")
    or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "sms_iot"
)
INDEX = os.environ.get("UV_INDEX_URL") or os.environ.get(
    "PIP_INDEX_URL", "https://pypi.org/simple"
)
# What the develop seed sets up (tools/dev_config.py) besides sms_iot and its dependencies.
SET_UP = ("esphome", "frontend", "config", "ffmpeg", "recorder", "logbook", "history")
HA_PIN = re.compile(r"^homeassistant==(\S+)", re.MULTILINE)
IMPORTED = re.compile(r"^from homeassistant\.components(?:\.(\w+)| import (\w+))", re.M)
# What pytest-homeassistant-custom-component's generator copies from core (generate_phacc).
PLUGIN_SOURCES = (
    "tests/common.py",
    "tests/conftest.py",
    "tests/test_util/aiohttp.py",
    "tests/components/recorder/common.py",
    "requirements_test.txt",
)


def index_versions(project: str) -> list[Version]:
    """Return the project's released versions on the index (PEP 691), oldest first."""
    request = urllib.request.Request(
        f"{INDEX.rstrip('/')}/{project}/",
        headers={"Accept": "application/vnd.pypi.simple.v1+json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        page = json.load(response)
    versions = set()
    for version in page.get("versions", []):
        try:
            parsed = Version(version)
        except InvalidVersion:
            continue
        if not parsed.is_prerelease:
            versions.add(parsed)
    return sorted(versions)


def nearest(wanted: Version, available: list[Version]) -> Version:
    """Return wanted if the index has it, else the newest older one (else the oldest newer)."""
    if wanted in available:
        return wanted
    older = [v for v in available if v < wanted]
    return older[-1] if older else min(v for v in available if v > wanted)


def sdist(version: Version) -> Path:
    """Return Home Assistant's sdist of the version, downloaded once into the cache."""
    path = CACHE / "next" / f"homeassistant-{version}.tar.gz"
    if path.exists():
        return path
    request = urllib.request.Request(
        f"{INDEX.rstrip('/')}/homeassistant/",
        headers={"Accept": "application/vnd.pypi.simple.v1+json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        files = json.load(response)["files"]
    url = next(f["url"] for f in files if f["filename"] == path.name)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    urllib.request.urlretrieve(url, partial)
    partial.rename(path)
    return path


def _text(archive: tarfile.TarFile, member: str) -> str | None:
    """Return a file of the archive, or None when it has none by that name."""
    try:
        file = archive.extractfile(member)
    except KeyError:
        return None
    return file.read().decode() if file else None


def manifest_pins(archive: tarfile.TarFile, prefix: str) -> dict[str, str]:
    """Return requirement by integration for what the develop instance sets up and imports."""

    def read(member: str) -> str | None:
        return _text(archive, f"{prefix}/homeassistant/components/{member}")

    sms_iot = json.loads((ROOT / "custom_components/sms_iot/manifest.json").read_text())
    todo = [*SET_UP, *sms_iot["dependencies"]]
    set_up: set[str] = set()
    while todo:
        if (domain := todo.pop()) in set_up or (
            text := read(f"{domain}/manifest.json")
        ) is None:
            continue
        set_up.add(domain)
        todo += json.loads(text).get("dependencies", [])
    # A module of a set-up integration importing another integration needs its requirements.
    imported = set(set_up)
    for member in archive.getnames():
        parts = member.split("/")
        if len(parts) == 5 and parts[3] in set_up and member.endswith(".py"):
            for match in IMPORTED.finditer(_text(archive, member) or ""):
                imported.update(
                    name.strip() for name in (match[1] or match[2]).split(",")
                )
    pins: dict[str, str] = {}
    for domain in sorted(imported):
        if text := read(f"{domain}/manifest.json"):
            for requirement in json.loads(text).get("requirements", []):
                pins.setdefault(requirement, domain)
    return pins


def core_pins(archive: tarfile.TarFile, prefix: str) -> set[str]:
    """Return the project names Home Assistant's own package pins (pip takes those)."""
    text = _text(archive, f"{prefix}/pyproject.toml") or "dependencies = []"
    block = text.split("dependencies = [", 1)[1].split("]", 1)[0]
    return {Requirement(item).name.lower() for item in ast.literal_eval(f"[{block}]")}


def write(version: Version) -> list[str]:
    """Write requirements_next.txt for the version; return the substitutions made."""
    path = sdist(version)
    prefix = f"homeassistant-{version}"
    with tarfile.open(path) as archive:
        pins = manifest_pins(archive, prefix)
        in_core = core_pins(archive, prefix)
        missing = [
            s for s in PLUGIN_SOURCES if f"{prefix}/{s}" not in archive.getnames()
        ]
    lines = []
    substituted = []
    for requirement, domain in sorted(pins.items(), key=lambda p: p[0].lower()):
        parsed = Requirement(requirement)
        if parsed.name.lower() in in_core or parsed.name.lower() == "homeassistant":
            continue
        pinned = Version(next(iter(parsed.specifier)).version)
        have = nearest(pinned, index_versions(parsed.name))
        line = f"{parsed.name}=={have}"
        if have != pinned:
            note = (
                f"{parsed.name} {pinned} ({domain}) is not on the index: {have} instead"
            )
            substituted.append(note)
            line += f"  # {domain} pins {pinned}, not on the index"
        lines.append(line)
    NEXT.write_text(
        "# The newest Home Assistant release on the package index, for the live check\n"
        "# (tools/live_check.py); written by scripts/bump-next, do not edit by hand.\n"
        "# Integration pins are the manifests' of what the develop instance sets up.\n"
        + (
            f"# No test plugin can be built from the sdist: it lacks {', '.join(missing)}.\n"
            if missing
            else ""
        )
        + "-r requirements_dev.txt\n"
        f"homeassistant=={version}\n" + "\n".join(lines) + "\n"
    )
    return substituted


def pinned() -> Version | None:
    """Return the release requirements_next.txt pins, if any."""
    match = HA_PIN.search(NEXT.read_text()) if NEXT.exists() else None
    return Version(match[1]) if match else None


def main() -> int:
    """Bump the pin to the index's newest release, or with --check say if there is one."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="only say if a newer one exists"
    )
    args = parser.parse_args()
    try:
        newest = index_versions("homeassistant")[-1]
    except OSError as err:
        print(f"[bump-next] could not ask the package index ({INDEX}): {err}")
        return 0 if args.check else 1
    current = pinned()
    if args.check:
        if current is None or newest > current:
            print(
                f"[bump-next] the index has Home Assistant {newest}, requirements_next.txt "
                f"pins {current}: run scripts/bump-next"
            )
        return 0
    for note in write(newest):
        print(f"[bump-next] {note}")
    print(f"[bump-next] requirements_next.txt: Home Assistant {newest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
