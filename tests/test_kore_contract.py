"""The fake KORE API against KORE's own OpenAPI specs, checked by openapi-core.

The specs are KORE's files in ../shared/kore-openapi/ (Apache-2.0), read from there and never
copied into this repository; without ../shared only this contract test is skipped.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from custom_components.sms_iot import kore_client
from custom_components.sms_iot.kore_client import KoreClient
from homeassistant.core import HomeAssistant
from tools.fake_kore import TOKEN_PATH, Exchange, FakeKoreState

from .conftest import KORE_CLIENT_ID, KORE_CLIENT_SECRET

SPECS = Path(__file__).resolve().parents[2] / "shared" / "kore-openapi"
pytestmark = pytest.mark.skipif(
    not (SPECS / "programmable-wireless-v1.yaml").exists(),
    reason=f"KORE's OpenAPI specs are not at {SPECS} (../shared is not beside the repo)",
)


def _check(exchange: Exchange) -> None:
    """Validate one recorded request and response against the spec that serves it."""
    # Imported here: only this test needs the validator.
    from openapi_core import OpenAPI  # noqa: PLC0415
    from openapi_core.testing import MockRequest, MockResponse  # noqa: PLC0415

    if exchange.path == TOKEN_PATH:
        spec = OpenAPI.from_file_path(str(SPECS / "token-api-v1.yaml"))
        host, path = "https://api.korewireless.com", exchange.path
    else:
        spec = OpenAPI.from_file_path(str(SPECS / "programmable-wireless-v1.yaml"))
        host, path = "https://programmable-wireless.api.korewireless.com", exchange.path
    request = MockRequest(
        host,
        exchange.method,
        path,
        args=exchange.query,
        data=exchange.body or None,
        content_type=exchange.content_type,
    )
    spec.validate_request(request)
    spec.validate_response(
        request, MockResponse(exchange.response, status_code=exchange.status)
    )


async def test_client_and_fake_follow_kore_specs(
    hass: HomeAssistant, kore: FakeKoreState
) -> None:
    """Every call the client makes, and every answer the fake gives, is KORE's shape."""
    client = KoreClient(hass, KORE_CLIENT_ID, KORE_CLIENT_SECRET)
    await client.async_verify()
    sims = await client.async_list_sims()
    assert [s.unique_name for s in sims] == ["barn-pump", "gate"]
    await client.async_get_sim(sims[0].sid)
    await client.async_set_callback(sims[0].sid, "https://example.com/hook", "POST")
    await client.async_send_command(
        "barn-pump", "Pump: ON", "text", True, "https://example.com/hook?kind=status"
    )
    await client.async_send_command(
        sims[1].sid, "AQID", "binary", False, "https://example.com/hook?kind=status"
    )
    token = next(iter(kore.tokens))
    listed = await client._session.get(
        kore_client.API_URL + "/v1/Commands",
        params={"Sim": "barn-pump"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert [c["command"] for c in (await listed.json())["commands"]] == ["Pump: ON"]
    paths = [(e.method, e.path.split("/DE")[0]) for e in kore.exchanges]
    assert paths == [
        ("POST", TOKEN_PATH),
        ("GET", "/v1/Sims"),
        ("GET", "/v1/Sims"),
        ("POST", "/v1/Sims"),
        ("POST", "/v1/Commands"),
        ("POST", "/v1/Commands"),
        ("GET", "/v1/Commands"),
    ]
    for exchange in kore.exchanges:
        _check(exchange)


async def test_the_check_catches_a_wrong_shape(
    hass: HomeAssistant, kore: FakeKoreState
) -> None:
    """The validator is not a rubber stamp: a mode KORE does not have is refused."""
    client = KoreClient(hass, KORE_CLIENT_ID, KORE_CLIENT_SECRET)
    await client.async_send_command(
        "gate", "hello", "morse", True, "https://example.com/hook"
    )
    with pytest.raises(Exception, match=r"(?i)invalid|schema|validat"):
        _check(kore.exchanges[-1])
