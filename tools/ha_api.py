"""Home Assistant's REST API as the browser uses it, for the develop instance on loopback."""

from __future__ import annotations

import json
from pathlib import Path
import time
from typing import Any
import urllib.error
import urllib.parse
import urllib.request


class HaApi:
    """The REST API of one Home Assistant, with the owner's token once onboarded."""

    def __init__(self, base: str) -> None:
        """Initialize for http://127.0.0.1:PORT."""
        self.base = base
        self.token = ""

    def call(self, path: str, body: Any = None, form: bool = False) -> Any:
        """Send a request (POST when there is a body) and return the JSON answer."""
        return json.loads(self._send(path, body, form) or b"null")

    def _send(self, path: str, body: Any, form: bool) -> bytes:
        """Send a request (POST when there is a body) and return the answer's body."""
        data = None
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        if body is not None:
            if form:
                data = urllib.parse.urlencode(body).encode()
            else:
                data = json.dumps(body).encode()
                headers["Content-Type"] = "application/json"
        # Always http://127.0.0.1 (the develop instance).
        request = urllib.request.Request(self.base + path, data=data, headers=headers)
        with urllib.request.urlopen(request, timeout=30) as response:
            return bytes(response.read())

    def wait(self, path: str, log: Path, timeout: float = 240) -> Any:
        """Return the path's answer once Home Assistant gives one; TimeoutError with the log."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                return self.call(path)
            except (urllib.error.URLError, ConnectionError) as err:
                failure = f"{err}\n{log.read_text(errors='replace')[-3000:]}"
            if time.monotonic() > deadline:
                raise TimeoutError(failure)
            time.sleep(1)

    def onboard(self) -> None:
        """Create the owner as the onboarding page does; keep the owner's token."""
        client_id = self.base + "/"
        code = self.call(
            "/api/onboarding/users",
            {
                "client_id": client_id,
                "name": "Newcomer",
                "username": "newcomer",
                "password": "newcomer-password",
                "language": "en",
            },
        )["auth_code"]
        self.login(code)

    def login(self, code: str) -> None:
        """Exchange an authorization code for the owner's token."""
        self.token = self.call(
            "/auth/token",
            {
                "grant_type": "authorization_code",
                "code": code,
                "client_id": self.base + "/",
            },
            form=True,
        )["access_token"]

    def flow(self, path: str, start: dict[str, Any], *steps: dict[str, Any]) -> Any:
        """Run a config or subentry flow through its steps; return the last result."""
        result = self.call(path, start)
        for step in steps:
            if result["type"] not in ("form", "menu"):
                raise ValueError(f"the flow ended early: {result}")
            result = self.call(f"{path}/{result['flow_id']}", step)
        return result

    def template(self, template: str) -> str:
        """Return what Home Assistant renders for a template."""
        return self._send("/api/template", {"template": template}, False).decode()
