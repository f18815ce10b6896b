"""Tests for outbound message status tracking."""

from __future__ import annotations

from custom_components.sms_iot.message_status import (
    MAX_TRACKED,
    MessageStatus,
    MessageStatuses,
)


def test_status_only_moves_forward_and_last_follows_newest() -> None:
    """Late callbacks never move a status back; older messages do not become last."""
    statuses = MessageStatuses()
    seen: list[str] = []
    unsubscribe = statuses.listen(lambda s: seen.append(f"{s.message_sid}:{s.status}"))
    assert statuses.update(MessageStatus("SM1", "+1", "queued"))
    assert statuses.update(MessageStatus("SM2", "+2", "queued"))
    assert statuses.update(MessageStatus("SM1", "+1", "delivered"))
    assert not statuses.update(MessageStatus("SM1", "+1", "sent"))
    assert statuses.last == MessageStatus("SM2", "+2", "queued")
    unsubscribe()
    assert statuses.update(MessageStatus("SM2", "+2", "failed", "30005"))
    assert seen == ["SM1:queued", "SM2:queued", "SM1:delivered"]
    assert statuses.last is not None
    assert (
        statuses.last.error_message
        == "The number does not exist or is no longer in service."
    )
    assert (
        MessageStatus("SM3", "+3", "failed", "12345").error_message
        == "Twilio error 12345."
    )
    assert MessageStatus("SM3", "+3", "sent").error_message is None


def test_tracking_is_bounded() -> None:
    """Only the most recent messages are remembered."""
    statuses = MessageStatuses()
    for index in range(MAX_TRACKED + 5):
        statuses.update(MessageStatus(f"SM{index}", "+1", "queued"))
    # The first ones were forgotten, so a late callback for one is taken as new.
    assert statuses.update(MessageStatus("SM0", "+1", "queued"))
