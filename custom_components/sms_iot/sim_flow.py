"""Subentry flow of a KORE entry: a SIM allowed to send commands, and what it may do."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigEntryState, SubentryFlowResult
from homeassistant.helpers.selector import (
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
)

from .compat import vol
from .const import CONF_SIM_SID, SUBENTRY_DEVICE, SUBENTRY_SIM
from .kore_client import KoreError, Sim
from .kore_sims import async_take_over
from .models import KoreLink, SmsIotConfigEntry
from .subentry_flow import SubentryFlowBase, permission_data, permission_fields


class SimFlow(SubentryFlowBase):
    """Add a SIM of the KORE account (its callback then points here) or edit what it may do."""

    _free: dict[str, Sim] | None = None

    def _kore(self) -> KoreLink | None:
        """Return the loaded entry's KORE side (SIMs are listed through its client)."""
        entry: SmsIotConfigEntry = self._get_entry()
        if entry.state is not ConfigEntryState.LOADED:
            return None
        return entry.runtime_data.kore

    async def _async_form(
        self, step_id: str, user_input: dict[str, Any] | None
    ) -> SubentryFlowResult:
        """Validate input or show the form."""
        kore = self._kore()
        if kore is None:
            return self.async_abort(reason="entry_not_loaded")
        errors: dict[str, str] = {}
        devices = self._siblings(SUBENTRY_DEVICE)
        fields = permission_fields(devices)
        if self.source == "reconfigure":
            if user_input is not None:
                permission = permission_data(user_input, errors)
                if not errors:
                    subentry = self._get_reconfigure_subentry()
                    return self._finish(
                        subentry.title,
                        {**subentry.data, **permission},
                        str(subentry.unique_id),
                    )
            return self._show(step_id, fields, user_input or self._current(), errors)
        if self._free is None:
            # Listed once per flow: the form's choices are what the answer is checked against.
            try:
                sims = await kore.client.async_list_sims()
            except KoreError:
                return self.async_abort(reason="cannot_connect")
            taken = {s.data[CONF_SIM_SID] for s in self._siblings(SUBENTRY_SIM)}
            self._free = {s.sid: s for s in sims if s.sid not in taken}
        free = self._free
        if not free:
            return self.async_abort(reason="no_sims")
        if user_input is not None:
            permission = permission_data(user_input, errors)
            sim = free[user_input[CONF_SIM_SID]]
            if not errors:
                try:
                    await async_take_over(
                        self.hass,
                        self._get_entry().entry_id,
                        kore.client,
                        sim,
                        kore.settings.public_url,
                    )
                except KoreError:
                    errors["base"] = "cannot_connect"
                else:
                    return self._finish(
                        sim.unique_name, {CONF_SIM_SID: sim.sid, **permission}, sim.sid
                    )
        choice = SelectSelector(
            SelectSelectorConfig(
                options=[
                    SelectOptionDict(value=sid, label=sim.unique_name)
                    for sid, sim in free.items()
                ]
            )
        )
        return self._show(
            step_id, {vol.Required(CONF_SIM_SID): choice, **fields}, user_input, errors
        )

    def _show(
        self,
        step_id: str,
        fields: dict[vol.Marker, Any],
        suggested: dict[str, Any] | None,
        errors: dict[str, str],
    ) -> SubentryFlowResult:
        """Show the form with what was entered."""
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(
                vol.Schema(fields), suggested
            ),
            errors=errors,
        )
