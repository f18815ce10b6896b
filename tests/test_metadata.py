"""The integration's metadata as hassfest and HACS check it (their rules, reimplemented)."""

from __future__ import annotations

from collections.abc import Iterator
import json
from pathlib import Path
import re
import string
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
INTEGRATION = ROOT / "custom_components" / "sms_iot"
# hassfest's translation rules (script/hassfest/translations.py in core).
QUOTED_PLACEHOLDER = re.compile(r"'{\w+}'")
URL = re.compile(
    r"(((ftp|ftps|scp|http|https|mqtt|mqtts|socket|socks5):\/\/|www\.)"
    r"[a-z0-9]+([\-\.]{1}[a-z0-9]+)*\.[a-z]{2,5}(:[0-9]{1,5})?(\/.*)?)",
    re.IGNORECASE,
)
# The rules of the quality scale as hassfest knows them (script/hassfest/quality_scale.py).
RULES = [
    "action-setup",
    "appropriate-polling",
    "brands",
    "common-modules",
    "config-flow",
    "config-flow-test-coverage",
    "dependency-transparency",
    "docs-actions",
    "docs-conditions",
    "docs-high-level-description",
    "docs-installation-instructions",
    "docs-removal-instructions",
    "docs-triggers",
    "entity-event-setup",
    "entity-unique-id",
    "has-entity-name",
    "runtime-data",
    "test-before-configure",
    "test-before-setup",
    "unique-config-entry",
    "action-exceptions",
    "config-entry-unloading",
    "docs-configuration-parameters",
    "docs-installation-parameters",
    "entity-unavailable",
    "integration-owner",
    "log-when-unavailable",
    "parallel-updates",
    "reauthentication-flow",
    "test-coverage",
    "devices",
    "diagnostics",
    "discovery",
    "discovery-update-info",
    "docs-data-update",
    "docs-examples",
    "docs-known-limitations",
    "docs-supported-devices",
    "docs-supported-functions",
    "docs-troubleshooting",
    "docs-use-cases",
    "dynamic-devices",
    "entity-category",
    "entity-device-class",
    "entity-disabled-by-default",
    "entity-translations",
    "exception-translations",
    "icon-translations",
    "reconfiguration-flow",
    "repair-issues",
    "stale-devices",
    "async-dependency",
    "inject-websession",
    "strict-typing",
]


def _strings(tree: dict[str, Any], path: str = "") -> Iterator[tuple[str, str]]:
    for key, value in tree.items():
        if isinstance(value, dict):
            yield from _strings(value, f"{path}.{key}")
        else:
            yield f"{path}.{key}", value


STRINGS = json.loads((INTEGRATION / "strings.json").read_text())


def test_english_translation_is_strings_json() -> None:
    assert json.loads((INTEGRATION / "translations" / "en.json").read_text()) == STRINGS


@pytest.mark.parametrize(("key", "text"), list(_strings(STRINGS)))
def test_translation_follows_hassfest_rules(key: str, text: str) -> None:
    """No quoted placeholders, URLs, HTML or edge spaces; placeholders are identifiers."""
    assert not QUOTED_PLACEHOLDER.search(text)
    assert not URL.search(text)
    assert "<" not in text
    assert text == text.strip()
    for _, field, _, _ in string.Formatter().parse(text):
        assert field is None or field.isidentifier()


def test_quality_scale_lists_every_rule() -> None:
    rules = yaml.safe_load((INTEGRATION / "quality_scale.yaml").read_text())["rules"]
    assert sorted(rules) == sorted(RULES)
    for rule, status in rules.items():
        if isinstance(status, dict):
            assert status["status"] in {"done", "todo", "exempt"}, rule
            assert status["status"] == "done" or status.get("comment"), rule
        else:
            assert status == "done", rule


def test_one_integration_in_the_repository() -> None:
    """Hassfest scans every manifest.json as an integration: only sms_iot has one."""
    manifests = [
        p
        for p in ROOT.rglob("manifest.json")
        if not any(part.startswith(".") or part == "config" for part in p.parts)
    ]
    assert manifests == [INTEGRATION / "manifest.json"]


def test_manifest_and_hacs() -> None:
    """Hassfest's key order; HACS's minimum is the tested one; a license exists."""
    manifest = json.loads((INTEGRATION / "manifest.json").read_text())
    keys = list(manifest)
    assert keys[:2] == ["domain", "name"]
    assert keys[2:] == sorted(keys[2:])
    hacs = json.loads((ROOT / "hacs.json").read_text())
    minimum = (ROOT / "requirements_test_min.txt").read_text()
    assert (
        f"Assistant sms_iot supports (hacs.json): {hacs['homeassistant']}," in minimum
    )
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")
    assert (INTEGRATION / "brand" / "icon.png").exists()
