"""Repairs sms_iot raises, and the fix flow of the signature repair."""

from __future__ import annotations

from homeassistant.components.repairs import RepairsFlow
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from .compat import RepairsFlowResult, vol
from .const import CONF_PUBLIC_URL, DOMAIN, SIGNATURE_FAILURE_THRESHOLD

SIGNATURE_FAILURES = "signature_failures"
HOURLY_CAP = "hourly_cap"
PIN_FAILURES = "pin_failures"
KORE_UNSIGNED = "kore_unsigned"
# Raised by compliance.Compliance. Refused at creation, for a recipient or its country:
OPTED_OUT = "recipient_opted_out"
REGION = "region_not_enabled"
ROUTE = "route_not_enabled"
# Reported later by the carrier, about the sending number:
A2P = "a2p_unregistered"
TOLLFREE = "tollfree_unverified"
FILTERED = "carrier_filtered"
# Read from Twilio's API at set-up: what the number can do, and where its texts go:
NO_SMS = "number_no_sms"
A2P_RISK = "a2p_campaign_missing"
TOLLFREE_RISK = "tollfree_not_verified"
ELSEWHERE = "webhook_elsewhere"
TWILIO_ISSUES = (
    OPTED_OUT,
    REGION,
    ROUTE,
    A2P,
    TOLLFREE,
    FILTERED,
    NO_SMS,
    A2P_RISK,
    TOLLFREE_RISK,
    ELSEWHERE,
)


def issue_id(kind: str, entry_id: str) -> str:
    """Return the id of an entry's issue of a kind."""
    return f"{kind}_{entry_id}"


@callback
def async_delete_issues(hass: HomeAssistant, entry_id: str) -> None:
    """Delete every issue of an entry: their causes end with its run."""
    for kind in (
        SIGNATURE_FAILURES,
        HOURLY_CAP,
        PIN_FAILURES,
        KORE_UNSIGNED,
        *TWILIO_ISSUES,
    ):
        ir.async_delete_issue(hass, DOMAIN, issue_id(kind, entry_id))


class SignatureFailuresFlow(RepairsFlow):
    """Explain what to check, with the URL the entry checks signatures against now."""

    def __init__(self, entry_id: str) -> None:
        """Initialize for an entry."""
        self._entry_id = entry_id

    async def async_step_init(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Start with the explanation."""
        return await self.async_step_confirm()

    async def async_step_confirm(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Show the current URL; confirming dismisses the repair until it happens again."""
        entry = self.hass.config_entries.async_get_entry(self._entry_id)
        if user_input is not None or entry is None:
            return self.async_create_entry(data={})
        return self.async_show_form(
            step_id="confirm",
            data_schema=vol.Schema({}),
            description_placeholders={
                "title": entry.title,
                "public_url": entry.data[CONF_PUBLIC_URL],
                "count": str(SIGNATURE_FAILURE_THRESHOLD),
            },
        )


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, str | int | float | None] | None
) -> RepairsFlow:
    """Create the fix flow of an issue."""
    # Only the signature repair is fixable, and it always carries its entry.
    return SignatureFailuresFlow(str((data or {}).get("entry_id")))
