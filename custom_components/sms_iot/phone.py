"""Phone numbers: parsing to E.164 and masking for logs and events (pure)."""

from __future__ import annotations

from functools import lru_cache

import phonenumbers


# Parsing is the costliest step of a request; the same few senders text again and again.
@lru_cache(maxsize=1024)
def to_e164(number: str, region: str | None = None) -> str | None:
    """Return the number in E.164, or None if it is not a valid phone number."""
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def mask_number(number: str) -> str:
    """Hide all but the last four digits of a phone number."""
    if len(number) <= 4:
        return "*" * len(number)
    return "*" * (len(number) - 4) + number[-4:]


def region_of(number: str) -> str | None:
    """Return the ISO country a number belongs to (e.g. "US"), or None if unknown."""
    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(number))
    except phonenumbers.NumberParseException:
        return None


def is_toll_free(number: str) -> bool:
    """Return True for a toll-free number."""
    try:
        parsed = phonenumbers.parse(number)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.number_type(parsed) == phonenumbers.PhoneNumberType.TOLL_FREE


def friendly_number(number: str) -> str:
    """Return a number written the international way ("+1 415-555-0100"), else as given."""
    try:
        parsed = phonenumbers.parse(number)
    except phonenumbers.NumberParseException:
        return number
    return phonenumbers.format_number(
        parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
