"""Subentry flows: authorized numbers and controllable devices."""

from __future__ import annotations

import re
from typing import Any

from homeassistant.config_entries import ConfigSubentryFlow, SubentryFlowResult
from homeassistant.const import CONF_ENTITY_ID, CONF_NAME
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.selector import (
    ConversationAgentSelector,
    EntitySelector,
    EntitySelectorConfig,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)

from .commands import ALL, CARRIER_KEYWORDS, normalize, parse
from .compat import vol
from .const import (
    CONF_ALIASES,
    CONF_ASSIST_AGENT,
    CONF_CONFIRM,
    CONF_DEFAULT_DEVICE,
    CONF_DEVICES,
    CONF_LANGUAGE,
    CONF_NUMBER,
    CONF_PERMISSION,
    CONF_PERSON,
    CONF_PIN,
    CONFIRM_ALWAYS,
    CONFIRM_AUTO,
    CONFIRM_NEVER,
    DOMAIN,
    PERMISSION_CONTROL,
    PERMISSION_STATUS_ONLY,
    SUBENTRY_DEVICE,
    SUBENTRY_NUMBER,
)
from .freetext import LANGUAGES
from .kinds import DOMAINS
from .models import confirm_mode
from .phone import to_e164

# Lights and switches are controlled; sensors are read (status and questions).
_PIN = re.compile(r"[0-9]{4,8}")
NO_DEFAULT = "none"
HA_LANGUAGE = "home_assistant"


class SubentryFlowBase(ConfigSubentryFlow):
    """Shared add/reconfigure plumbing for both subentry types."""

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Add a subentry."""
        return await self._async_form("user", user_input)

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Edit a subentry."""
        return await self._async_form("reconfigure", user_input)

    def _editing(self) -> str | None:
        """Return the id of the subentry being edited, if any."""
        if self.source == "reconfigure":
            return self._get_reconfigure_subentry().subentry_id
        return None

    def _siblings(self, subentry_type: str) -> list[Any]:
        """Return the entry's other subentries of a type."""
        editing = self._editing()
        return [
            subentry
            for subentry in self._get_entry().subentries.values()
            if subentry.subentry_type == subentry_type
            and subentry.subentry_id != editing
        ]

    def _finish(
        self, title: str, data: dict[str, Any], unique_id: str
    ) -> SubentryFlowResult:
        """Create or update the subentry."""
        if self.source == "reconfigure":
            return self.async_update_and_abort(
                self._get_entry(),
                self._get_reconfigure_subentry(),
                title=title,
                data=data,
                unique_id=unique_id,
            )
        return self.async_create_entry(title=title, data=data, unique_id=unique_id)

    def _current(self) -> dict[str, Any]:
        """Return the values to prefill the form with."""
        if self.source == "reconfigure":
            subentry = self._get_reconfigure_subentry()
            return {CONF_NAME: subentry.title, **subentry.data}
        return {}

    async def _async_form(
        self, step_id: str, user_input: dict[str, Any] | None
    ) -> SubentryFlowResult:
        """Validate input or show the form."""
        raise NotImplementedError


class AuthorizedNumberFlow(SubentryFlowBase):
    """Add or edit a phone number allowed to text commands."""

    async def _async_form(
        self, step_id: str, user_input: dict[str, Any] | None
    ) -> SubentryFlowResult:
        """Validate input or show the form."""
        errors: dict[str, str] = {}
        devices = self._siblings(SUBENTRY_DEVICE)
        if user_input is not None:
            number = to_e164(user_input[CONF_NUMBER], self.hass.config.country)
            permission = permission_data(user_input, errors)
            if number is None:
                errors[CONF_NUMBER] = "invalid_number"
            elif any(
                s.data[CONF_NUMBER] == number for s in self._siblings(SUBENTRY_NUMBER)
            ):
                errors[CONF_NUMBER] = "number_exists"
            pin = user_input.get(CONF_PIN, "").strip()
            if pin and not _PIN.fullmatch(pin):
                errors[CONF_PIN] = "invalid_pin"
            if number is not None and not errors:
                return self._finish(
                    user_input[CONF_NAME].strip() or number,
                    {
                        CONF_NUMBER: number,
                        **permission,
                        # Never sent back to the form: left empty, the PIN stays.
                        CONF_PIN: pin or self._stored_pin(),
                        CONF_LANGUAGE: _language(user_input.get(CONF_LANGUAGE)),
                        CONF_PERSON: user_input.get(CONF_PERSON) or None,
                        CONF_ASSIST_AGENT: user_input.get(CONF_ASSIST_AGENT) or None,
                    },
                    number,
                )
        suggested = user_input or self._current()
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(
                _number_schema(devices),
                {k: v for k, v in suggested.items() if k != CONF_PIN},
            ),
            errors=errors,
        )

    def _stored_pin(self) -> str | None:
        """Return the PIN of the number being edited, if it has one."""
        if self.source == "reconfigure":
            pin: str | None = self._get_reconfigure_subentry().data.get(CONF_PIN)
            return pin
        return None


def _number_schema(devices: list[Any]) -> vol.Schema:
    """Return the authorized-number form; device choices only when there are devices."""
    return vol.Schema(
        {
            vol.Required(CONF_NAME): TextSelector(),
            vol.Required(CONF_NUMBER): TextSelector(
                TextSelectorConfig(type=TextSelectorType.TEL)
            ),
            **permission_fields(devices),
            vol.Optional(CONF_PIN): TextSelector(
                TextSelectorConfig(type=TextSelectorType.PASSWORD)
            ),
            vol.Optional(CONF_PERSON): EntitySelector(
                EntitySelectorConfig(domain="person")
            ),
            vol.Optional(CONF_LANGUAGE): SelectSelector(
                SelectSelectorConfig(
                    options=[HA_LANGUAGE, *LANGUAGES],
                    translation_key=CONF_LANGUAGE,
                )
            ),
            vol.Optional(CONF_ASSIST_AGENT): ConversationAgentSelector(),
        }
    )


def _language(choice: str | None) -> str | None:
    """Return the stored language: None follows Home Assistant's."""
    return None if choice in (None, "", HA_LANGUAGE) else choice


def permission_fields(devices: list[Any]) -> dict[vol.Marker, Any]:
    """Return what a number or SIM may do: permission, devices, default device."""
    options = [SelectOptionDict(value=s.subentry_id, label=s.title) for s in devices]
    fields: dict[vol.Marker, Any] = {
        vol.Required(CONF_PERMISSION, default=PERMISSION_CONTROL): SelectSelector(
            SelectSelectorConfig(
                options=[PERMISSION_CONTROL, PERMISSION_STATUS_ONLY],
                translation_key=CONF_PERMISSION,
                mode=SelectSelectorMode.LIST,
            )
        ),
    }
    if options:
        fields[vol.Optional(CONF_DEVICES)] = SelectSelector(
            SelectSelectorConfig(options=options, multiple=True)
        )
        # An explicit "none" choice: a select's value cannot be emptied once set.
        fields[vol.Optional(CONF_DEFAULT_DEVICE)] = SelectSelector(
            SelectSelectorConfig(
                options=[
                    SelectOptionDict(value=NO_DEFAULT, label="No default device"),
                    *options,
                ],
                translation_key=CONF_DEFAULT_DEVICE,
            )
        )
    return fields


def permission_data(
    user_input: dict[str, Any], errors: dict[str, str]
) -> dict[str, Any]:
    """Return the permission part of a number's or SIM's data; fill errors if impossible."""
    allowed = user_input.get(CONF_DEVICES) or []
    default = user_input.get(CONF_DEFAULT_DEVICE)
    if default == NO_DEFAULT:
        default = None
    if default and allowed and default not in allowed:
        errors[CONF_DEFAULT_DEVICE] = "default_not_allowed"
    return {
        CONF_PERMISSION: user_input[CONF_PERMISSION],
        CONF_DEVICES: allowed,
        CONF_DEFAULT_DEVICE: default,
    }


class DeviceFlow(SubentryFlowBase):
    """Add or edit an entity that can be controlled or read by SMS."""

    async def _async_form(
        self, step_id: str, user_input: dict[str, Any] | None
    ) -> SubentryFlowResult:
        """Validate input or show the form."""
        errors: dict[str, str] = {}
        if user_input is not None:
            entity_id = user_input[CONF_ENTITY_ID]
            name = " ".join(user_input[CONF_NAME].split())
            aliases = [" ".join(a.split()) for a in user_input.get(CONF_ALIASES, [])]
            aliases = [a for a in aliases if a]
            taken = self._taken_names()
            if problem := _name_problem(name):
                errors[CONF_NAME] = problem
            elif normalize(name) in taken:
                errors[CONF_NAME] = "name_exists"
            if problem := next(filter(None, map(_name_problem, aliases)), None):
                errors[CONF_ALIASES] = problem
            elif {normalize(a) for a in aliases} & (taken | {normalize(name)}):
                errors[CONF_ALIASES] = "name_exists"
            if not errors:
                return self._finish(
                    name,
                    {
                        CONF_ENTITY_ID: entity_id,
                        CONF_ALIASES: aliases,
                        CONF_CONFIRM: user_input.get(CONF_CONFIRM, CONFIRM_AUTO),
                    },
                    entity_id,
                )
        schema = vol.Schema(
            {
                vol.Required(CONF_ENTITY_ID): SelectSelector(
                    SelectSelectorConfig(
                        options=self._entity_options(),
                        mode=SelectSelectorMode.DROPDOWN,
                        sort=False,
                    )
                ),
                vol.Required(CONF_NAME): TextSelector(),
                vol.Optional(CONF_ALIASES): TextSelector(
                    TextSelectorConfig(multiple=True)
                ),
                vol.Required(CONF_CONFIRM, default=CONFIRM_AUTO): SelectSelector(
                    SelectSelectorConfig(
                        options=[CONFIRM_AUTO, CONFIRM_ALWAYS, CONFIRM_NEVER],
                        translation_key=CONF_CONFIRM,
                    )
                ),
            }
        )
        suggested = user_input or self._current()
        if CONF_CONFIRM in suggested:
            suggested = {
                **suggested,
                CONF_CONFIRM: confirm_mode(suggested[CONF_CONFIRM]),
            }
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(schema, suggested),
            errors=errors,
        )

    def _taken_names(self) -> set[str]:
        """Return the normalised names and aliases of the other devices."""
        taken: set[str] = set()
        for subentry in self._siblings(SUBENTRY_DEVICE):
            taken.add(normalize(subentry.title))
            taken.update(normalize(a) for a in subentry.data.get(CONF_ALIASES, []))
        return taken

    def _entity_options(self) -> list[SelectOptionDict]:
        """Offer every entity of a kind sms_iot handles but those added, ESPHome's first."""
        added = {s.data[CONF_ENTITY_ID] for s in self._siblings(SUBENTRY_DEVICE)}
        found: dict[str, tuple[bool, str]] = {}
        for entry in er.async_get(self.hass).entities.values():
            if entry.platform == DOMAIN:
                added.add(entry.entity_id)  # sms_iot's own sensors report on texts
            elif entry.domain in list(DOMAINS) and not entry.disabled:
                name = entry.name or entry.original_name or entry.entity_id
                found[entry.entity_id] = (entry.platform != "esphome", name)
        for state in self.hass.states.async_all(list(DOMAINS)):
            not_esphome = found.get(state.entity_id, (True, ""))[0]
            found[state.entity_id] = (not_esphome, state.name)
        return [
            SelectOptionDict(value=entity_id, label=f"{name} ({entity_id})")
            for entity_id, (_, name) in sorted(
                found.items(), key=lambda item: (item[1][0], item[1][1].casefold())
            )
            if entity_id not in added
        ]


def _name_problem(name: str) -> str | None:
    """Return why an SMS could not name the device unambiguously, or None if it can."""
    folded = normalize(name)
    if folded in CARRIER_KEYWORDS:
        return "carrier_keyword"
    if not folded:
        return "name_empty"
    if len(folded) > 40:
        return "name_too_long"
    # A name the parser reads as a command on its own ("status", "on") cannot be a device.
    if folded == ALL or parse(folded).commands:
        return "name_is_command"
    commands = parse(f"{folded} on").commands
    if len(commands) == 1 and commands[0].target == folded:
        return None
    return "name_unreadable"
