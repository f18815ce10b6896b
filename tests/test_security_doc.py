"""SECURITY.md's table of answers, each case sent to hass and its status checked."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
import re
from typing import Any

from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from homeassistant.core import HomeAssistant

from .conftest import ALICE, HOOK, PUBLIC_URL, STRANGER, post_signed, sms_params

ROW = re.compile(r"^\| `(\w+)` \|.*\| (\d{3})\b", re.MULTILINE)
DOCUMENTED = {
    case: int(status)
    for case, status in ROW.findall(
        (Path(__file__).resolve().parent.parent / "SECURITY.md").read_text()
    )
}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}

type Client = TestClient[Any, Any]


async def _unloaded(hass: HomeAssistant, entry: MockConfigEntry, client: Client) -> Any:
    await hass.config_entries.async_unload(entry.entry_id)
    return await post_signed(client, sms_params("status"))


CASES: dict[
    str, Callable[[HomeAssistant, MockConfigEntry, Client], Awaitable[ClientResponse]]
] = {
    "authorized": lambda h, e, c: post_signed(c, sms_params("status", ALICE)),
    "stranger": lambda h, e, c: post_signed(c, sms_params("status", STRANGER)),
    "carrier_keyword": lambda h, e, c: post_signed(c, sms_params("STOP", ALICE)),
    "status_callback": lambda h, e, c: post_signed(
        c,
        {
            "MessageSid": "SM1",
            "MessageStatus": "sent",
            "AccountSid": e.data["account_sid"],
        },
        f"{PUBLIC_URL}?kind=status",
        f"{HOOK}?kind=status",
    ),
    "unsigned": lambda h, e, c: c.post(HOOK, data=sms_params("status")),
    "other_account": lambda h, e, c: post_signed(
        c, sms_params("status") | {"AccountSid": "AC" + "9" * 32}
    ),
    "other_number": lambda h, e, c: post_signed(
        c, sms_params("status") | {"To": "+14155550101"}
    ),
    "method": lambda h, e, c: c.head(HOOK),
    "not_a_form": lambda h, e, c: c.post(HOOK, json={"Body": "status"}),
    "too_large": lambda h, e, c: c.post(
        HOOK, data=b"Body=" + b"a" * 70_000, headers=FORM
    ),
    "malformed": lambda h, e, c: c.post(HOOK, data=b"Body=%FF", headers=FORM),
    "not_loaded": _unloaded,
}


def test_every_documented_case_is_tested() -> None:
    assert set(DOCUMENTED) == set(CASES)


@pytest.mark.parametrize("case", sorted(CASES))
async def test_documented_status(
    hass: HomeAssistant, setup_entry: MockConfigEntry, client: Client, case: str
) -> None:
    response = await CASES[case](hass, setup_entry, client)
    assert response.status == DOCUMENTED[case]
