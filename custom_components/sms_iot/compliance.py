"""Repairs naming what blocks texts at Twilio, each cleared by the success it blocked."""

from __future__ import annotations

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from .const import DOMAIN
from .message_status import MessageStatus
from .phone import mask_number, region_of
from .repairs import (
    A2P,
    A2P_RISK,
    ELSEWHERE,
    FILTERED,
    NO_SMS,
    OPTED_OUT,
    REGION,
    ROUTE,
    TOLLFREE,
    TOLLFREE_RISK,
    issue_id,
)
from .twilio_inbound import NumberFacts

_CODES = {
    21610: OPTED_OUT,
    21408: REGION,
    21612: ROUTE,
    30034: A2P,
    30032: TOLLFREE,
    30007: FILTERED,
}
_SENDER_KINDS = (A2P, TOLLFREE, FILTERED, A2P_RISK, TOLLFREE_RISK)
_ERRORS = (REGION, ROUTE, A2P, TOLLFREE, NO_SMS)
_LEARN_MORE = "https://www.twilio.com/docs/api/errors/{}"


class Compliance:
    """Open issues of one entry and what each is about (recipients, countries)."""

    def __init__(self, hass: HomeAssistant, entry_id: str, title: str) -> None:
        """Start with nothing open."""
        self._hass = hass
        self._entry_id = entry_id
        self._title = title
        self._open: dict[str, set[str]] = {}
        self._codes: dict[str, int] = {v: k for k, v in _CODES.items()}
        self._url = "-"

    @callback
    def failed(self, code: int | None, to: str) -> None:
        """Raise the issue of a refusal Twilio names with this code."""
        if (kind := _CODES.get(code or 0)) is not None:
            self._add(kind, to)

    @callback
    def accepted(self, to: str) -> None:
        """Twilio took a message to this recipient: its opt-out and country are fine now."""
        self._remove(OPTED_OUT, to)
        for kind in (REGION, ROUTE):
            self._remove(kind, region_of(to) or "?")

    @callback
    def on_status(self, status: MessageStatus) -> None:
        """Follow delivery reports: a delivered text clears what blocked the sender."""
        if status.status == "delivered":
            self.accepted(status.to)
            for kind in _SENDER_KINDS:
                self._clear(kind)
        elif status.error_code and status.error_code.isdigit():
            self.failed(int(status.error_code), status.to)

    @callback
    def reached(self) -> None:
        """Twilio called the webhook with a valid signature: it does send texts here."""
        self._clear(ELSEWHERE)

    @callback
    def check(self, facts: NumberFacts, public_url: str) -> None:
        """Say what the number can do and where its texts go, as Twilio's API reports it."""
        self._set(NO_SMS, not facts.sms)
        self._set(
            A2P_RISK,
            facts.country == "US"
            and facts.kind != "toll-free"
            and not facts.a2p_registered,
        )
        self._set(
            TOLLFREE_RISK, facts.kind == "toll-free" and not facts.tollfree_verified
        )
        inbound = facts.service_inbound if facts.service_decides else facts.inbound
        if facts.is_service and facts.numbers_override_service:
            inbound = None  # each number's own webhook decides; nothing to compare
        self._url = (inbound.url if inbound else None) or "-"
        self._set(ELSEWHERE, inbound is not None and inbound.url != public_url)

    def _set(self, kind: str, raised: bool) -> None:
        if raised:
            self._add(kind, "")
        else:
            self._clear(kind)

    def _add(self, kind: str, to: str) -> None:
        key = ""  # about the sending number
        if kind == OPTED_OUT:
            key = to
        elif kind in (REGION, ROUTE):
            key = region_of(to) or "?"
        self._open.setdefault(kind, set()).add(key)
        self._raise(kind)

    def _remove(self, kind: str, key: str) -> None:
        if (keys := self._open.get(kind)) is None or key not in keys:
            return
        keys.discard(key)
        if keys:
            self._raise(kind)
        else:
            self._clear(kind)

    def _clear(self, kind: str) -> None:
        if self._open.pop(kind, None) is not None:
            ir.async_delete_issue(self._hass, DOMAIN, issue_id(kind, self._entry_id))

    def _raise(self, kind: str) -> None:
        keys = sorted(self._open[kind])
        code = self._codes.get(kind)
        ir.async_create_issue(
            self._hass,
            DOMAIN,
            issue_id(kind, self._entry_id),
            is_fixable=False,
            severity=(
                ir.IssueSeverity.ERROR if kind in _ERRORS else ir.IssueSeverity.WARNING
            ),
            translation_key=kind,
            translation_placeholders={
                "title": self._title,
                "recipients": ", ".join(mask_number(k) for k in keys)
                if kind == OPTED_OUT
                else "",
                "countries": ", ".join(keys) if kind in (REGION, ROUTE) else "",
                "url": self._url,
            },
            learn_more_url=_LEARN_MORE.format(code) if code else None,
        )
