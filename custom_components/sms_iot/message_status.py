"""Track the delivery status of outbound messages (pure: no Home Assistant imports)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

# Twilio's statuses in the order a message goes through them; callbacks arrive out of order.
_RANK = {
    "accepted": 0,
    "scheduled": 0,
    "queued": 1,
    "sending": 2,
    "sent": 3,
    "receiving": 3,
    "received": 4,
    "delivered": 4,
    "undelivered": 4,
    "failed": 4,
    "canceled": 4,
    "read": 5,
}

STATUSES = tuple(_RANK)

# Plain words for the delivery errors people actually meet.
ERROR_MESSAGES = {
    "21610": "The recipient replied STOP; they must text START to receive messages again.",
    "30003": "The phone is switched off or out of coverage.",
    "30004": "The recipient or their carrier blocked the message.",
    "30005": "The number does not exist or is no longer in service.",
    "30006": "The number is a landline or its carrier cannot receive SMS.",
    "30007": "The carrier filtered the message as spam.",
    "30008": "The carrier reported an unknown error.",
    "30034": "The sending number is not registered for A2P 10DLC messaging in the US.",
}

MAX_TRACKED = 1000


@dataclass(frozen=True, slots=True)
class MessageStatus:
    """The last known status of one outbound message."""

    message_sid: str
    to: str
    status: str
    error_code: str | None = None

    @property
    def error_message(self) -> str | None:
        """Return a human-readable error, if any."""
        if self.error_code is None:
            return None
        return ERROR_MESSAGES.get(self.error_code, f"Twilio error {self.error_code}.")


class MessageStatuses:
    """The statuses of recent outbound messages; a status only ever moves forward."""

    def __init__(self) -> None:
        """Start with no messages."""
        self._messages: OrderedDict[str, MessageStatus] = OrderedDict()
        self.last: MessageStatus | None = None
        self._listeners: list[Callable[[MessageStatus], None]] = []

    def listen(self, listener: Callable[[MessageStatus], None]) -> Callable[[], None]:
        """Call listener with every status change; return the unsubscribe function."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def update(self, status: MessageStatus) -> bool:
        """Record a status unless it is older than the one known; return True if recorded."""
        known = self._messages.get(status.message_sid)
        if known is not None and _RANK.get(status.status, 0) <= _RANK.get(
            known.status, 0
        ):
            return False
        self._messages[status.message_sid] = status
        self._messages.move_to_end(status.message_sid)
        while len(self._messages) > MAX_TRACKED:
            self._messages.popitem(last=False)
        if (
            self.last is None
            or self.last.message_sid == status.message_sid
            or known is None
        ):
            self.last = status
        for listener in list(self._listeners):
            listener(status)
        return True
