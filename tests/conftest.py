"""Fixtures for SMS IoT tests."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Awaitable, Callable, Generator
from dataclasses import dataclass
from http import HTTPStatus
import itertools
import secrets
from typing import Any
from unittest.mock import MagicMock, patch
from urllib.parse import urlencode
import xml.etree.ElementTree as ET

from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient, TestServer
from hypothesis import HealthCheck, given, settings
from hypothesis.strategies import SearchStrategy
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    setup_test_component_platform,
)
from pytest_homeassistant_custom_component.plugins import (  # noqa: F401
    # Re-exported so it wins over pytest-aiohttp's fixture of the same name, which newer
    # plugin orders would otherwise pick.
    aiohttp_client,
)
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker
from syrupy.assertion import SnapshotAssertion
from syrupy.location import PyTestLocation
from syrupy.types import SnapshotIndex
from twilio.request_validator import RequestValidator

from custom_components.sms_iot.const import (
    CONF_ACCOUNT_SID,
    CONF_AUTH_TOKEN,
    CONF_CLOUDHOOK,
    CONF_PUBLIC_URL,
    CONF_TWILIO_NUMBER,
    DOMAIN,
    PERMISSION_STATUS_ONLY,
)
from custom_components.sms_iot.kore_signature import kore_signature
from custom_components.sms_iot.twilio_client import SentMessage
from custom_components.sms_iot.twilio_inbound import InboundWebhook, NumberFacts

# Imported before the hass fixture so HA's test config dir cannot shadow the package. The REST
# client module too: Home Assistant loads it in an executor on first use; here it is loaded as
# after that first use, so no test ends with an import still running (test_startup covers it).
import custom_components.sms_iot.twilio_rest  # noqa: F401
from homeassistant.config_entries import SOURCE_USER
from homeassistant.const import CONF_WEBHOOK_ID, MAJOR_VERSION, MINOR_VERSION
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.setup import async_setup_component
from tools.dev_site.twilio_redirect import redirect_twilio
from tools.entries import device_subentry, number_subentry, sim_subentry
from tools.fake_esphome import FakeEsphomeDevice
from tools.fake_kore import (
    STATE as KORE_STATE,
    TOKEN_PATH as KORE_TOKEN_PATH,
    FakeKoreState,
    create_app as create_kore_app,
)
from tools.fake_twilio import STATE, FakeTwilioState, create_app

from .fake_board import async_connect
from .fake_devices import FakeLight, FakeSwitch
from .ha_warnings import install as install_ha_warnings

ACCOUNT_SID = "AC0123456789abcdef0123456789abcdef"
AUTH_TOKEN = "0123456789abcdef0123456789abcdef"
TWILIO_NUMBER = "+15005550006"
WEBHOOK_ID = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
PUBLIC_URL = f"https://example.duckdns.org/api/webhook/{WEBHOOK_ID}"
HOOK = f"/api/webhook/{WEBHOOK_ID}"
EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response />'
TWILIO_API = "https://api.twilio.com/2010-04-01"
PN = "PN" + "1" * 32
ALICE = "+14155552671"
BOB = "+14155550123"
CAROL = "+14155550199"
STRANGER = "+14155550000"


class VersionedSnapshots(HomeAssistantSnapshotExtension):
    """Snapshots kept per tested Home Assistant version: registry entries differ."""

    @classmethod
    def get_file_basename(
        cls, *, test_location: PyTestLocation, index: SnapshotIndex
    ) -> str:
        """Return <test file>.ha<major>_<minor>: each version reads only its own file."""
        return f"{test_location.basename}.ha{MAJOR_VERSION}_{MINOR_VERSION}"


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Return the snapshot assertion of the Home Assistant version under test."""
    return snapshot.use_extension(VersionedSnapshots)


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Enable custom integrations in all tests."""


HA_WARNINGS = install_ha_warnings()


@pytest.fixture(autouse=True)
def no_ha_deprecations() -> Generator[None]:
    """Fail the test during which Home Assistant warned that sms_iot uses what it drops."""
    seen = len(HA_WARNINGS.records)
    yield
    if found := HA_WARNINGS.records[seen:]:
        pytest.fail(
            "Home Assistant warned about sms_iot:\n"
            + "\n".join(f"{r.name}: {r.getMessage()}" for r in found),
            pytrace=False,
        )


def mock_twilio_api(
    aioclient_mock: AiohttpClientMocker,
    *,
    account_status: int = HTTPStatus.OK,
    numbers: list[str] | None = None,
    exc: Exception | None = None,
) -> None:
    """Answer like Twilio's REST API for the account and its phone numbers."""
    aioclient_mock.clear_requests()
    if exc is not None:
        aioclient_mock.get(f"{TWILIO_API}/Accounts/{ACCOUNT_SID}.json", exc=exc)
        return
    if account_status != HTTPStatus.OK:
        aioclient_mock.get(
            f"{TWILIO_API}/Accounts/{ACCOUNT_SID}.json",
            status=account_status,
            json={
                "code": 20003 if account_status == 401 else 20500,
                "message": "Authenticate" if account_status == 401 else "Error",
                "more_info": "https://www.twilio.com/docs/errors/20003",
                "status": account_status,
            },
        )
        return
    aioclient_mock.get(
        f"{TWILIO_API}/Accounts/{ACCOUNT_SID}.json",
        json={
            "sid": ACCOUNT_SID,
            "friendly_name": "My first account",
            "status": "active",
        },
    )
    owned = [TWILIO_NUMBER] if numbers is None else numbers
    for number in {TWILIO_NUMBER, *owned, "+14155550100"}:
        aioclient_mock.get(
            f"{TWILIO_API}/Accounts/{ACCOUNT_SID}/IncomingPhoneNumbers.json",
            params={"PhoneNumber": number, "PageSize": 1},
            json={
                "incoming_phone_numbers": (
                    [
                        {
                            "sid": PN,
                            "phone_number": number,
                            "capabilities": {"sms": True, "mms": True},
                            "sms_url": PUBLIC_URL,
                            "type": "local",
                        }
                    ]
                    if number in owned
                    else []
                ),
                "page": 0,
                "page_size": 1,
                "next_page_uri": None,
                "uri": "/2010-04-01/Accounts/x/IncomingPhoneNumbers.json",
            },
        )
    aioclient_mock.get(
        "https://messaging.twilio.com/v1/Services",
        json={"services": [], "meta": {"key": "services", "next_page_url": None}},
    )
    number_url = f"{TWILIO_API}/Accounts/{ACCOUNT_SID}/IncomingPhoneNumbers/{PN}.json"
    number_json = {"sid": PN, "phone_number": TWILIO_NUMBER, "sms_url": ""}
    aioclient_mock.get(number_url, json=number_json)
    aioclient_mock.post(number_url, json=number_json)


@pytest.fixture
def mock_twilio_client() -> Generator[MagicMock]:
    """An autospec'd TwilioClient wherever the integration creates one (as core's peblar)."""
    with (
        patch("custom_components.sms_iot.TwilioClient", autospec=True) as client_class,
        patch("custom_components.sms_iot.config_flow.TwilioClient", new=client_class),
    ):
        client = client_class.return_value
        client.async_verify.return_value = None
        client.async_facts.return_value = NumberFacts(
            PN, TWILIO_NUMBER, InboundWebhook(None, None), sms=True, kind="local"
        )
        client.async_create_message.return_value = SentMessage(
            "SM" + "0" * 32, "queued"
        )
        yield client


@pytest.fixture
async def init_integration(
    hass: HomeAssistant, mock_twilio_client: MagicMock, config_entry: MockConfigEntry
) -> MockConfigEntry:
    """The entry, set up with the autospec'd client."""
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    return config_entry


@pytest.fixture
def twilio_api(aioclient_mock: AiohttpClientMocker) -> AiohttpClientMocker:
    """Twilio's REST API, accepting the test credentials."""
    mock_twilio_api(aioclient_mock)
    return aioclient_mock


@dataclass
class Devices:
    """The fake devices behind the configured entities."""

    kitchen: FakeLight
    porch: FakeSwitch
    garage: FakeLight


@pytest.fixture
async def devices(hass: HomeAssistant) -> Devices:
    """Set up a dimmable light, a switch and a second light."""
    fake = Devices(FakeLight("kitchen"), FakeSwitch("porch"), FakeLight("garage"))
    setup_test_component_platform(hass, "light", [fake.kitchen, fake.garage])
    setup_test_component_platform(hass, "switch", [fake.porch])
    assert await async_setup_component(hass, "light", {"light": {"platform": "test"}})
    assert await async_setup_component(hass, "switch", {"switch": {"platform": "test"}})
    await hass.async_block_till_done()
    return fake


@pytest.fixture
def config_entry() -> MockConfigEntry:
    """A configured entry: three devices, a controller, a watcher and a limited number."""
    return MockConfigEntry(
        domain=DOMAIN,
        entry_id="01KBSMSIOT0000000000000001",
        minor_version=2,
        title=TWILIO_NUMBER,
        unique_id=f"{ACCOUNT_SID}_{TWILIO_NUMBER}",
        data={
            CONF_ACCOUNT_SID: ACCOUNT_SID,
            CONF_AUTH_TOKEN: AUTH_TOKEN,
            CONF_TWILIO_NUMBER: TWILIO_NUMBER,
            CONF_WEBHOOK_ID: WEBHOOK_ID,
            CONF_PUBLIC_URL: PUBLIC_URL,
            CONF_CLOUDHOOK: False,
        },
        subentries_data=[
            device_subentry("Kitchen", "light.kitchen", ["lamp"], "dev_kitchen"),
            device_subentry("Porch", "switch.porch", subentry_id="dev_porch"),
            device_subentry("Garage light", "light.garage", subentry_id="dev_garage"),
            number_subentry(
                "Alice", ALICE, default_device="dev_kitchen", subentry_id="num_alice"
            ),
            number_subentry("Bob", BOB, PERMISSION_STATUS_ONLY, subentry_id="num_bob"),
            number_subentry(
                "Carol", CAROL, devices=["dev_porch"], subentry_id="num_carol"
            ),
        ],
    )


@pytest.fixture
async def setup_entry(
    hass: HomeAssistant,
    twilio_api: AiohttpClientMocker,
    devices: Devices,
    config_entry: MockConfigEntry,
) -> MockConfigEntry:
    """Set up the entry with its devices."""
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    return config_entry


_sids = itertools.count()


def sign(url: str, params: dict[str, str], token: str = AUTH_TOKEN) -> str:
    """Sign a request exactly as Twilio does."""
    return str(RequestValidator(token).compute_signature(url, params))


def sms_params(
    body: str, sender: str = ALICE, sid: str | None = None
) -> dict[str, str]:
    """Return the form Twilio posts for an inbound SMS."""
    sid = sid or f"SM{next(_sids):032x}"
    return {
        "MessageSid": sid,
        "SmsSid": sid,
        "AccountSid": ACCOUNT_SID,
        "From": sender,
        "To": TWILIO_NUMBER,
        "Body": body,
        "NumMedia": "0",
        "NumSegments": "1",
        "ApiVersion": "2010-04-01",
    }


type SendSms = Callable[..., Awaitable[tuple[int, str]]]


@pytest.fixture
async def client(
    hass: HomeAssistant,
    hass_client_no_auth: Callable[[], Awaitable[TestClient[Any, Any]]],
) -> TestClient[Any, Any]:
    """An HTTP client for Home Assistant, without credentials like Twilio."""
    assert await async_setup_component(hass, "http", {})
    return await hass_client_no_auth()


async def post_signed(
    client: TestClient[Any, Any],
    params: dict[str, str],
    sign_url: str = PUBLIC_URL,
    path: str = HOOK,
) -> ClientResponse:
    """Post a form to the webhook with the signature Twilio computes for sign_url."""
    return await client.post(
        path, data=params, headers={"X-Twilio-Signature": sign(sign_url, params)}
    )


def message_text(twiml: str) -> str:
    """Return the text of a TwiML reply's message."""
    message = ET.fromstring(twiml).find("Message")
    assert message is not None, twiml
    return message.text or ""


async def text_and_read(
    client: TestClient[Any, Any], body: str, sender: str = ALICE
) -> str:
    """Text the webhook like Twilio and return the reply's message text."""
    response = await post_signed(client, sms_params(body, sender))
    assert response.status == 200
    return message_text(await response.text())


@pytest.fixture
def send_sms(setup_entry: MockConfigEntry, client: TestClient[Any, Any]) -> SendSms:
    """Post a correctly signed inbound SMS and return (status, body)."""

    async def _send(
        body: str, sender: str = ALICE, sid: str | None = None
    ) -> tuple[int, str]:
        response = await post_signed(client, sms_params(body, sender, sid))
        return response.status, await response.text()

    return _send


MESSAGING_SERVICE = "MG" + "7" * 32


@pytest.fixture
async def twilio_server(
    hass: HomeAssistant, socket_enabled: None, aiohttp_server: Any
) -> AsyncGenerator[TestServer]:
    """The fake Twilio REST API on loopback, with the twilio library pointed at it."""
    app = create_app(ACCOUNT_SID, AUTH_TOKEN, [TWILIO_NUMBER, MESSAGING_SERVICE])
    # Set up as the entry expects: texts to the number come to its webhook.
    app[STATE].numbers[TWILIO_NUMBER].sms_url = PUBLIC_URL
    server: TestServer = await aiohttp_server(app)
    undo = redirect_twilio(str(server.make_url("")))
    yield server
    undo()


@pytest.fixture
def twilio(twilio_server: TestServer) -> FakeTwilioState:
    """The fake API's state: messages sent, requests seen, failures to simulate."""
    return twilio_server.app[STATE]


@pytest.fixture
async def twilio_entry(
    hass: HomeAssistant, twilio: FakeTwilioState, config_entry: MockConfigEntry
) -> MockConfigEntry:
    """The SMS IoT entry, set up against the fake Twilio (its number check done)."""
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    return config_entry


@pytest.fixture
async def board(
    hass: HomeAssistant,
    socket_enabled: None,
    mock_async_zeroconf: MagicMock,
    mock_bluetooth: None,
) -> AsyncGenerator[FakeEsphomeDevice]:
    """The fake modem board, connected to Home Assistant's esphome integration."""
    fake = FakeEsphomeDevice(modem=True)
    entry = await async_connect(hass, fake)
    yield fake
    await hass.config_entries.async_unload(entry.entry_id)
    await fake.stop()


KORE_CLIENT_ID = "kore-client-" + "1" * 20
KORE_CLIENT_SECRET = "kore-secret-" + "2" * 20


@pytest.fixture
async def kore_server(
    socket_enabled: None, aiohttp_server: Any
) -> AsyncGenerator[TestServer]:
    """The fake KORE API on loopback, with sms_iot's KORE client pointed at it."""
    state = FakeKoreState(KORE_CLIENT_ID, KORE_CLIENT_SECRET)
    state.add_sim("barn-pump")
    state.add_sim("gate")
    server: TestServer = await aiohttp_server(create_kore_app(state))
    base = str(server.make_url("")).rstrip("/")
    with (
        patch("custom_components.sms_iot.kore_client.API_URL", base),
        patch(
            "custom_components.sms_iot.kore_client.TOKEN_URL", base + KORE_TOKEN_PATH
        ),
        # Retries still happen, without the real backoff.
        patch("custom_components.sms_iot.kore_client._BACKOFF", 0),
    ):
        yield server


@pytest.fixture
def kore(kore_server: TestServer) -> FakeKoreState:
    """The fake KORE account: SIMs, commands, tokens, exchanges, failures to simulate."""
    return kore_server.app[KORE_STATE]


KORE_WEBHOOK_ID = "4b0e2d3c4b5a69788796a5b4c3d2e1f0"
KORE_PUBLIC_URL = f"https://example.duckdns.org/api/webhook/{KORE_WEBHOOK_ID}"
KORE_HOOK = f"/api/webhook/{KORE_WEBHOOK_ID}"
KORE_SECRET = "whsec-" + "3" * 26


def kore_config_entry(kore: FakeKoreState, **data: Any) -> MockConfigEntry:
    """A KORE entry: the Porch switch and the Kitchen light, the SIM barn-pump."""
    pump = kore.find_sim("barn-pump")
    assert pump is not None
    return MockConfigEntry(
        domain=DOMAIN,
        entry_id="01KBSMSIOT0000000000000002",
        minor_version=2,
        title=f"KORE {KORE_CLIENT_ID}",
        unique_id=f"kore_{KORE_CLIENT_ID}",
        data={
            "kore_client_id": KORE_CLIENT_ID,
            "kore_client_secret": KORE_CLIENT_SECRET,
            "kore_webhook_secret": KORE_SECRET,
            "kore_accept_unsigned": False,
            CONF_WEBHOOK_ID: KORE_WEBHOOK_ID,
            CONF_PUBLIC_URL: KORE_PUBLIC_URL,
            CONF_CLOUDHOOK: False,
        }
        | data,
        subentries_data=[
            device_subentry("Porch", "switch.porch", ["pump"], "dev_porch"),
            device_subentry("Kitchen", "light.kitchen", subentry_id="dev_kitchen"),
            sim_subentry("barn-pump", pump["sid"], subentry_id="sim_pump"),
        ],
    )


@pytest.fixture
async def kore_entry(
    hass: HomeAssistant, kore: FakeKoreState, devices: Devices
) -> MockConfigEntry:
    """The KORE entry, set up against the fake KORE API."""
    entry = kore_config_entry(kore)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def post_kore(
    client: TestClient[Any, Any],
    form: dict[str, str],
    *,
    secret: str = KORE_SECRET,
    sign_url: str | None = None,
    token: str | None = None,
    query: str = "",
) -> ClientResponse:
    """Post a form to the KORE webhook signed the way KORE signs it."""
    body = urlencode(form).encode()
    url = sign_url or (f"{KORE_PUBLIC_URL}?{query}" if query else KORE_PUBLIC_URL)
    return await client.post(
        f"{KORE_HOOK}?{query}" if query else KORE_HOOK,
        data=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "kore-signature": kore_signature(secret, "POST", url, body)
            if secret
            else "",
            "kore-idempotency-token": token or secrets.token_hex(16),
            "User-Agent": "KoreProxy/1.1",
        },
    )


def sim_command(sim_sid: str, command: str, mode: str = "text") -> dict[str, str]:
    """Return the form KORE posts for a command a SIM sent."""
    return {
        "CommandSid": f"DC{secrets.token_hex(16)}",
        "AccountSid": "AC" + "0" * 32,
        "SimSid": sim_sid,
        "SimUniqueName": "barn-pump",
        "Command": command,
        "CommandMode": mode,
        "Status": "received",
        "Direction": "from_sim",
        "ApiVersion": "v1",
    }


async def start_flow(hass: HomeAssistant, kind: str) -> dict[str, Any]:
    """Start the config flow and pick a kind of entry from its menu."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.MENU
    assert result["menu_options"] == ["twilio", "kore", "modem"]
    return dict(
        await hass.config_entries.flow.async_configure(
            result["flow_id"], {"next_step_id": kind}
        )
    )


async def start_twilio_flow(hass: HomeAssistant) -> dict[str, Any]:
    """Start the config flow and pick Twilio from its menu."""
    return await start_flow(hass, "twilio")


def samples(strategy: SearchStrategy[Any], count: int = 100) -> list[Any]:
    """Return values hypothesis generates for a class, to drive through hass one by one."""
    found: list[Any] = []

    @settings(
        max_examples=count,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(value: Any) -> None:
        found.append(value)

    collect()
    return found


async def until(hass: HomeAssistant, done: Callable[[], bool]) -> None:
    """Let real time pass (devices report after real delays) until done(), at most 5 s."""
    async with asyncio.timeout(5):
        while not done():
            await asyncio.sleep(0.02)
            await hass.async_block_till_done()
    await hass.async_block_till_done(wait_background_tasks=True)
