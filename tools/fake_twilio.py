"""A local stand-in for the parts of Twilio's REST API that sms_iot calls.

It checks what Twilio checks (HTTP Basic auth with the Account SID and auth token) and answers
with Twilio's JSON shapes and error bodies. Paths are prefixed with the Twilio subdomain they
belong to (/api/2010-04-01/..., /messaging/v1/...); tools/dev_site/sitecustomize.py points the
twilio library there. Used by scripts/develop; never by the integration itself.

It also stands for the phone network: POST /_network/sms {"from", "to", "body"} delivers a text
to the number's webhook (or its Messaging Service's) signed as Twilio signs, and returns the
answer; with --report, each message's StatusCallback hears "sent" and "delivered".

    python tools/fake_twilio.py --port 18124 --account-sid AC... --auth-token ... --number +1...
"""

from __future__ import annotations

import argparse
import asyncio
import base64
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
import json
import logging
from pathlib import Path
import secrets
from typing import Any

from aiohttp import ClientError, ClientSession, web
from twilio.request_validator import RequestValidator

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# Twilio's magic test numbers: sending to them fails with these errors.
MAGIC_NUMBERS: dict[str, tuple[int, str]] = {
    "+15005550001": (21211, "The 'To' number is not a valid phone number."),
    "+15005550009": (21614, "'To' number is not a valid mobile number"),
    "+15005550010": (21635, "'To' number cannot be a landline"),
    "+15005550004": (21610, "Attempt to send to unsubscribed recipient"),
}


def _error(status: int, code: int, message: str) -> web.Response:
    return web.json_response(
        {
            "code": code,
            "message": message,
            "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "status": status,
        },
        status=status,
    )


@dataclass
class FakeNumber:
    """An IncomingPhoneNumber: what Twilio does with texts to it, and what it can do."""

    sid: str
    phone_number: str
    sms_url: str = ""
    sms_method: str = "POST"
    sms_application_sid: str | None = None
    capabilities: dict[str, bool] = field(
        default_factory=lambda: {"sms": True, "mms": True, "voice": True, "fax": False}
    )
    type: str = "local"
    tollfree_verification: str | None = None

    def json(self, account_sid: str) -> dict[str, Any]:
        """Return the resource as Twilio's API shows it."""
        return {
            "sid": self.sid,
            "account_sid": account_sid,
            "phone_number": self.phone_number,
            "friendly_name": self.phone_number,
            "sms_url": self.sms_url,
            "sms_method": self.sms_method,
            "sms_application_sid": self.sms_application_sid or "",
            "capabilities": self.capabilities,
            "type": self.type,
            "status": "in-use",
            "uri": f"/2010-04-01/Accounts/{account_sid}/IncomingPhoneNumbers/"
            f"{self.sid}.json",
        }


@dataclass
class FakeService:
    """A Messaging Service: its inbound request URL and the numbers in its sender pool."""

    sid: str
    inbound_request_url: str | None = None
    inbound_method: str = "POST"
    use_inbound_webhook_on_number: bool = False
    us_app_to_person_registered: bool = False
    numbers: list[str] = field(default_factory=list)

    def json(self, account_sid: str) -> dict[str, Any]:
        """Return the resource as Twilio's API shows it."""
        return {
            "sid": self.sid,
            "account_sid": account_sid,
            "friendly_name": "sms_iot",
            "inbound_request_url": self.inbound_request_url,
            "inbound_method": self.inbound_method,
            "use_inbound_webhook_on_number": self.use_inbound_webhook_on_number,
            "us_app_to_person_registered": self.us_app_to_person_registered,
            "url": f"https://messaging.twilio.com/v1/Services/{self.sid}",
        }


@dataclass
class FakeTwilioState:
    """The account's numbers and services, what the fake received, failures to simulate."""

    numbers: dict[str, FakeNumber] = field(default_factory=dict)
    services: dict[str, FakeService] = field(default_factory=dict)
    sent: list[dict[str, Any]] = field(default_factory=list)
    requests: list[Any] = field(default_factory=list)
    failures: list[tuple[int, int]] = field(default_factory=list)
    # One-shot failures of other calls, by name: "update_number", "update_service", ...
    fail_next: dict[str, tuple[int, int]] = field(default_factory=dict)
    # Statuses to report to a message's StatusCallback (e.g. ["sent", "delivered"]).
    report: list[str] = field(default_factory=list)
    # A delivery error code per recipient, reported as "undelivered" instead of delivered.
    late_errors: dict[str, int] = field(default_factory=dict)
    delay: float = 0.0
    # Where webhooks set through the API are kept across restarts (scripts/develop).
    path: Path | None = None

    def load(self) -> None:
        """Read the webhooks saved by an earlier run."""
        if self.path is None or not self.path.exists():
            return
        saved = json.loads(self.path.read_text())
        for phone_number, hook in saved.get("numbers", {}).items():
            if (number := self.numbers.get(phone_number)) is not None:
                number.sms_url, number.sms_method = hook["url"], hook["method"]
        for sid, hook in saved.get("services", {}).items():
            if (service := self.services.get(sid)) is not None:
                service.inbound_request_url = hook["url"]
                service.inbound_method = hook["method"]

    def save(self) -> None:
        """Keep the webhooks for the next run."""
        if self.path is None:
            return
        self.path.write_text(
            json.dumps(
                {
                    "numbers": {
                        n.phone_number: {"url": n.sms_url, "method": n.sms_method}
                        for n in self.numbers.values()
                    },
                    "services": {
                        s.sid: {
                            "url": s.inbound_request_url,
                            "method": s.inbound_method,
                        }
                        for s in self.services.values()
                    },
                },
                indent=2,
            )
        )

    def number(self, sid: str) -> FakeNumber | None:
        """Return the number with this SID."""
        return next((n for n in self.numbers.values() if n.sid == sid), None)


STATE = web.AppKey("state", FakeTwilioState)
_SESSION = web.AppKey("session", ClientSession)
_NOT_FOUND = (404, 20404)


def _page(
    key: str, items: list[dict[str, Any]], request: web.Request
) -> dict[str, Any]:
    """Return a one-page list in the shape of Twilio's newer (v1) APIs."""
    return {
        key: items,
        "meta": {
            "key": key,
            "page": 0,
            "page_size": int(request.query.get("PageSize", 50)),
            "first_page_url": str(request.url),
            "previous_page_url": None,
            "next_page_url": None,
            "url": str(request.url),
        },
    }


def create_app(
    account_sid: str, auth_token: str, numbers: list[str]
) -> web.Application:
    """Return the fake API for one account owning the numbers and Messaging Services."""
    expected = (
        "Basic " + base64.b64encode(f"{account_sid}:{auth_token}".encode()).decode()
    )
    state = FakeTwilioState()
    for index, number in enumerate(numbers):
        if number.startswith("MG"):
            state.services[number] = FakeService(number)
        else:
            state.numbers[number] = FakeNumber(f"PN{index:032x}", number)

    @web.middleware
    async def basic_auth(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path.startswith("/_network/"):
            return await handler(request)
        if request.headers.get("Authorization") != expected:
            return _error(401, 20003, "Authenticate")
        return await handler(request)

    def failure(name: str) -> web.Response | None:
        if (failed := state.fail_next.pop(name, None)) is None:
            return None
        return _error(*failed, "Simulated failure")

    async def account(request: web.Request) -> web.Response:
        if request.match_info["sid"] != account_sid:
            return _error(*_NOT_FOUND, "The requested resource was not found")
        return web.json_response(
            {
                "sid": account_sid,
                "friendly_name": "sms_iot development",
                "status": "active",
            }
        )

    async def incoming_numbers(request: web.Request) -> web.Response:
        if (failed := failure("list_numbers")) is not None:
            return failed
        wanted = request.query.get("PhoneNumber")
        owned = [
            number.json(account_sid)
            for number in state.numbers.values()
            if wanted in (None, number.phone_number)
        ]
        return web.json_response(
            {
                "incoming_phone_numbers": owned,
                "page": 0,
                "page_size": int(request.query.get("PageSize", 50)),
                "next_page_uri": None,
                "uri": request.path_qs,
            }
        )

    async def fetch_number(request: web.Request) -> web.Response:
        if (failed := failure("fetch_number")) is not None:
            return failed
        if (number := state.number(request.match_info["pn"])) is None:
            return _error(*_NOT_FOUND, "The requested resource was not found")
        return web.json_response(number.json(account_sid))

    async def update_number(request: web.Request) -> web.Response:
        if (failed := failure("update_number")) is not None:
            return failed
        number = state.number(request.match_info["pn"])
        if number is None:
            return _error(*_NOT_FOUND, "The requested resource was not found")
        form = await request.post()
        state.requests.append(form)
        if "SmsUrl" in form:
            number.sms_url = str(form["SmsUrl"])
        if "SmsMethod" in form:
            if form["SmsMethod"] not in ("GET", "POST"):
                return _error(400, 21603, "SmsMethod must be GET or POST")
            number.sms_method = str(form["SmsMethod"])
        state.save()
        return web.json_response(number.json(account_sid))

    def service_or_error(request: web.Request, call: str) -> FakeService | web.Response:
        if (failed := failure(call)) is not None:
            return failed
        if (service := state.services.get(request.match_info["sid"])) is None:
            return _error(*_NOT_FOUND, "The requested resource was not found")
        return service

    async def messaging_service(request: web.Request) -> web.Response:
        service = service_or_error(request, "fetch_service")
        if isinstance(service, web.Response):
            return service
        return web.json_response(service.json(account_sid))

    async def update_service(request: web.Request) -> web.Response:
        service = service_or_error(request, "update_service")
        if isinstance(service, web.Response):
            return service
        form = await request.post()
        state.requests.append(form)
        if "InboundRequestUrl" in form:
            service.inbound_request_url = str(form["InboundRequestUrl"]) or None
        if "InboundMethod" in form:
            service.inbound_method = str(form["InboundMethod"])
        state.save()
        return web.json_response(service.json(account_sid))

    async def services(request: web.Request) -> web.Response:
        if (failed := failure("list_services")) is not None:
            return failed
        items = [service.json(account_sid) for service in state.services.values()]
        return web.json_response(_page("services", items, request))

    async def service_number(request: web.Request) -> web.Response:
        service = service_or_error(request, "fetch_service_number")
        if isinstance(service, web.Response):
            return service
        number = state.number(request.match_info["pn"])
        if number is None or number.sid not in service.numbers:
            return _error(*_NOT_FOUND, "The requested resource was not found")
        return web.json_response(
            {
                "sid": number.sid,
                "service_sid": service.sid,
                "account_sid": account_sid,
                "phone_number": number.phone_number,
                "country_code": "US",
                "capabilities": [
                    k.upper() for k, v in number.capabilities.items() if v
                ],
            }
        )

    async def tollfree_verifications(request: web.Request) -> web.Response:
        number = state.number(request.query.get("TollfreePhoneNumberSid", ""))
        items = []
        if number is not None and number.tollfree_verification is not None:
            items.append(
                {
                    "sid": "HH" + number.sid[2:],
                    "account_sid": account_sid,
                    "tollfree_phone_number_sid": number.sid,
                    "status": number.tollfree_verification,
                }
            )
        return web.json_response(_page("verifications", items, request))

    async def create_message(request: web.Request) -> web.Response:
        form = await request.post()
        state.requests.append(form)
        if state.delay:
            await asyncio.sleep(state.delay)
        if state.failures:
            status, code = state.failures.pop(0)
            return _error(status, code, "Simulated failure")
        to = form.get("To")
        if not to:
            return _error(400, 21604, "A 'To' phone number is required.")
        if not (form.get("From") or form.get("MessagingServiceSid")):
            return _error(400, 21603, "A 'From' phone number is required.")
        if not (form.get("Body") or form.get("MediaUrl")):
            return _error(400, 21602, "Message body is required.")
        if (magic := MAGIC_NUMBERS.get(str(to))) is not None:
            return _error(400, *magic)
        sid = f"SM{len(state.sent):032x}"
        media = form.getall("MediaUrl", [])
        message = {
            "sid": sid,
            "account_sid": account_sid,
            "to": to,
            "from": form.get("From"),
            "messaging_service_sid": form.get("MessagingServiceSid"),
            "body": form.get("Body", ""),
            "status": "accepted" if form.get("MessagingServiceSid") else "queued",
            "num_segments": "1",
            "num_media": str(len(media)),
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "uri": f"/2010-04-01/Accounts/{account_sid}/Messages/{sid}.json",
        }
        callback = form.get("StatusCallback")
        state.sent.append({**message, "media": media, "status_callback": callback})
        if callback and state.report:
            request.app[_TASKS].add(
                asyncio.create_task(report(request.app, sid, str(to), str(callback)))
            )
        return web.json_response(message, status=201)

    async def report(app: web.Application, sid: str, to: str, url: str) -> None:
        """Tell the StatusCallback how the message went on, as Twilio does later."""
        for status in state.report:
            params = {"MessageSid": sid, "MessageStatus": status, "To": to}
            if status == "delivered" and to in state.late_errors:
                params |= {
                    "MessageStatus": "undelivered",
                    "ErrorCode": str(state.late_errors[to]),
                }
            await _post_signed(app[_SESSION], auth_token, url, params)

    async def network_sms(request: web.Request) -> web.Response:
        """Stand for the phone network: a text reaches the number; Twilio calls its webhook."""
        text = await request.json()
        number = state.numbers.get(text["to"])
        if number is None:
            return web.json_response({"error": "not an account number"}, status=404)
        url, method = number.sms_url, number.sms_method
        pool = next(
            (s for s in state.services.values() if number.sid in s.numbers), None
        )
        if pool is not None and not pool.use_inbound_webhook_on_number:
            url, method = pool.inbound_request_url or "", pool.inbound_method
        if not url or method != "POST":
            return web.json_response(
                {"error": "the number has no POST webhook for incoming texts"},
                status=409,
            )
        message_sid = "SM" + secrets.token_hex(16)
        params = {
            "MessageSid": message_sid,
            "SmsSid": message_sid,
            "SmsMessageSid": message_sid,
            "AccountSid": account_sid,
            "MessagingServiceSid": pool.sid if pool else "",
            "From": text["from"],
            "To": number.phone_number,
            "Body": text["body"],
            "NumMedia": "0",
            "NumSegments": "1",
            "SmsStatus": "received",
            "ApiVersion": "2010-04-01",
        }
        if not pool:
            del params["MessagingServiceSid"]
        try:
            status, body = await _post_signed(
                request.app[_SESSION], auth_token, url, params
            )
        except ClientError:
            status, body = 502, ""  # Twilio logs error 11200 and gives up
        return web.json_response({"url": url, "status": status, "body": body})

    async def session(app: web.Application) -> AsyncIterator[None]:
        app[_SESSION] = ClientSession()
        app[_TASKS] = set()
        yield
        for task in app[_TASKS]:
            task.cancel()
        await app[_SESSION].close()

    app = web.Application(middlewares=[basic_auth])
    app[STATE] = state
    app.cleanup_ctx.append(session)
    api = "/api/2010-04-01/Accounts/{sid}"
    app.router.add_get(api + ".json", account)
    app.router.add_get(api + "/IncomingPhoneNumbers.json", incoming_numbers)
    app.router.add_get(api + "/IncomingPhoneNumbers/{pn}.json", fetch_number)
    app.router.add_post(api + "/IncomingPhoneNumbers/{pn}.json", update_number)
    app.router.add_post(api + "/Messages.json", create_message)
    app.router.add_get("/messaging/v1/Services", services)
    app.router.add_get("/messaging/v1/Services/{sid}", messaging_service)
    app.router.add_post("/messaging/v1/Services/{sid}", update_service)
    app.router.add_get("/messaging/v1/Services/{sid}/PhoneNumbers/{pn}", service_number)
    app.router.add_get("/messaging/v1/Tollfree/Verifications", tollfree_verifications)
    app.router.add_post("/_network/sms", network_sms)
    return app


_TASKS = web.AppKey("tasks", set[asyncio.Task[None]])


async def _post_signed(
    session: ClientSession, auth_token: str, url: str, params: dict[str, str]
) -> tuple[int, str]:
    """POST a form to a webhook the way Twilio does: signed with the auth token."""
    signature = RequestValidator(auth_token).compute_signature(url, params)
    async with session.post(
        url, data=params, headers={"X-Twilio-Signature": signature}
    ) as response:
        return response.status, await response.text()


def main() -> None:
    """Serve the fake API on loopback."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=18124)
    parser.add_argument("--account-sid", required=True)
    parser.add_argument("--auth-token", required=True)
    parser.add_argument("--number", action="append", default=[])
    parser.add_argument(
        "--report", action="store_true", help="report sent and delivered statuses"
    )
    parser.add_argument(
        "--state", type=Path, help="keep webhooks set through the API in this file"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    app = create_app(args.account_sid, args.auth_token, args.number)
    state = app[STATE]
    state.path = args.state
    state.load()
    if args.report:
        state.report = ["sent", "delivered"]
    try:
        web.run_app(app, host="127.0.0.1", port=args.port, print=None)
    except OSError as err:
        raise SystemExit(
            f"fake Twilio API: cannot listen on 127.0.0.1:{args.port} ({err.strerror}); "
            "set TWILIO_PORT to a free port"
        ) from None


if __name__ == "__main__":
    main()
