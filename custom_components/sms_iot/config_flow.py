"""Config flow for SMS IoT: Twilio account and webhook URL, or an ESPHome modem; options."""

from __future__ import annotations

from collections.abc import Mapping
from ipaddress import ip_address
import logging
import re
from typing import Any

from yarl import URL

from homeassistant.components import webhook
from homeassistant.config_entries import (
    SOURCE_RECONFIGURE,
    ConfigEntry,
    ConfigFlow,
    ConfigFlowResult,
    ConfigSubentryFlow,
    OptionsFlow,
)
from homeassistant.const import CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.network import NoURLAvailableError
from homeassistant.helpers.selector import (
    BooleanSelector,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)

from .compat import vol
from .const import (
    CONF_ACCOUNT_SID,
    CONF_AUTH_TOKEN,
    CONF_CLOUDHOOK,
    CONF_CONFIGURE_TWILIO,
    CONF_HOURLY_CAP,
    CONF_INBOUND_BEFORE,
    CONF_INBOUND_SID,
    CONF_KORE_CLIENT_ID,
    CONF_KORE_CLIENT_SECRET,
    CONF_KORE_SECRET,
    CONF_KORE_UNSIGNED,
    CONF_MODEM_DEVICE,
    CONF_PUBLIC_URL,
    CONF_RATE_LIMIT,
    CONF_REPLY_TO_STRANGERS,
    CONF_ROUTE,
    CONF_SIM_SID,
    CONF_TWILIO_NUMBER,
    DEFAULT_HOURLY_CAP,
    DEFAULT_RATE_LIMIT,
    DOMAIN,
    ROUTE_MODEM,
    ROUTE_TWILIO,
    ROUTE_TWILIO_THEN_MODEM,
    SUBENTRY_DEVICE,
    SUBENTRY_NUMBER,
    SUBENTRY_SIM,
)
from .kore_client import KoreAuthError, KoreClient, KoreError
from .modem import board_name, modem_devices
from .phone import friendly_number, to_e164
from .sim_flow import SimFlow
from .subentry_flow import AuthorizedNumberFlow, DeviceFlow
from .twilio_client import (
    TwilioAuthError,
    TwilioClient,
    TwilioConnectionError,
    TwilioError,
    TwilioSenderError,
    is_messaging_service,
)
from .twilio_inbound import NumberFacts
from .twilio_provision import async_provision, async_reprovision

_LOGGER = logging.getLogger(__name__)

_MESSAGING_SERVICE_SID = re.compile(r"^MG[0-9a-f]{32}$", re.IGNORECASE)
_TEXT = TextSelector()
_PASSWORD = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))
_URL = TextSelector(TextSelectorConfig(type=TextSelectorType.URL))
# No min/max in the selector: its range check would show voluptuous' raw English text.
_COUNT = NumberSelector(NumberSelectorConfig(step=1, mode=NumberSelectorMode.BOX))
_COUNT_RANGE = (1, 1000)
TWILIO_CONSOLE_URL = (
    "https://console.twilio.com/us1/develop/phone-numbers/manage/incoming"
)


_CREDENTIALS_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_ACCOUNT_SID): _TEXT,
        vol.Required(CONF_AUTH_TOKEN): _PASSWORD,
        vol.Required(CONF_TWILIO_NUMBER): _TEXT,
    }
)


_KORE_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_KORE_CLIENT_ID): _TEXT,
        vol.Required(CONF_KORE_CLIENT_SECRET): _PASSWORD,
        vol.Optional(CONF_KORE_SECRET): _PASSWORD,
        vol.Optional(CONF_KORE_UNSIGNED, default=False): BooleanSelector(),
    }
)
_KORE_RECONFIGURE_SCHEMA = vol.Schema(
    {
        vol.Optional(CONF_KORE_SECRET): _PASSWORD,
        vol.Optional(CONF_KORE_UNSIGNED, default=False): BooleanSelector(),
        vol.Required(CONF_PUBLIC_URL): _URL,
    }
)
_RECONFIGURE_SCHEMA = vol.Schema(
    {
        vol.Optional(CONF_AUTH_TOKEN): _PASSWORD,
        vol.Required(CONF_TWILIO_NUMBER): _TEXT,
        vol.Required(CONF_PUBLIC_URL): _URL,
        vol.Optional(CONF_CONFIGURE_TWILIO): BooleanSelector(),
    }
)


def _url_schema(default: str | None, *, configure: bool) -> vol.Schema:
    """Return the schema asking for the public webhook URL (and whether to set it in Twilio)."""
    fields: dict[vol.Marker, Any] = {
        vol.Required(CONF_PUBLIC_URL, default=default or vol.UNDEFINED): _URL
    }
    if configure:
        fields[vol.Required(CONF_CONFIGURE_TWILIO, default=True)] = BooleanSelector()
    return vol.Schema(fields)


def _twilio_title(twilio_number: str, facts: NumberFacts | None) -> str:
    """Return the entry's title: "Twilio +1 415-555-0100", or the Messaging Service's name."""
    if is_messaging_service(twilio_number):
        return f"Twilio {(facts.name if facts else None) or twilio_number}"
    return f"Twilio {friendly_number(twilio_number)}"


def _overridden(facts: NumberFacts) -> str | None:
    """Return why setting this webhook would not change where texts go, if it would not."""
    if facts.is_service and facts.numbers_override_service:
        return "service_uses_number_webhooks"
    if facts.service_decides:
        return "number_in_service"
    if facts.sms_application:
        return "number_uses_application"
    return None


def _service(facts: NumberFacts | None) -> str:
    """Return the Messaging Service an error about it names."""
    return (facts.service_sid or facts.sid) if facts else "-"


def _provision_error(err: TwilioError) -> str:
    """Return the form error for a webhook Twilio did not let us set."""
    if isinstance(err, TwilioAuthError):
        return "provision_denied"
    if isinstance(err, TwilioSenderError):
        return "provision_not_found"
    return "cannot_connect"


def public_url_error(value: str, webhook_id: str, cloudhook: str | None) -> str | None:
    """Return why Twilio could not be checked against this URL, or None if it can."""
    if cloudhook is not None and value == cloudhook:
        return None  # as Home Assistant Cloud gives it
    try:
        url = URL(value)
    except ValueError:
        return "invalid_url"
    if url.scheme not in ("http", "https") or not url.host:
        return "invalid_url"
    if url.user is not None or url.password is not None:
        return "url_credentials"
    if url.fragment or value.endswith("#"):
        return "url_fragment"
    if url.scheme == "http" and not _is_local(url.host):
        return "url_not_https"
    if not url.path.endswith(webhook.async_generate_path(webhook_id)):
        return "url_wrong_path"
    return None


def _is_local(host: str) -> bool:
    """Return True for a host only this network can reach (plain http is fine there)."""
    if host == "localhost" or host.endswith((".local", ".localhost")):
        return True
    try:
        address = ip_address(host)
    except ValueError:
        return False
    return address.is_private or address.is_loopback or address.is_link_local


class SmsIotConfigFlow(ConfigFlow, domain=DOMAIN):
    """Handle a config flow for SMS IoT."""

    VERSION = 1
    MINOR_VERSION = 2

    def __init__(self) -> None:
        """Initialize the flow."""
        self._data: dict[str, Any] = {}
        self._title = ""
        self._facts: NumberFacts | None = None
        # Neither Cloud nor an external URL: the webhook step says so.
        self._no_url = False
        # A cloudhook this flow created and no entry owns yet.
        self._cloudhook: str | None = None

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> SmsIotOptionsFlow:
        """Return the options flow."""
        return SmsIotOptionsFlow()

    @classmethod
    @callback
    def async_get_supported_subentry_types(
        cls, config_entry: ConfigEntry
    ) -> dict[str, type[ConfigSubentryFlow]]:
        """Return the subentry types: devices, and numbers (or SIMs for KORE) that use them."""
        if CONF_KORE_CLIENT_ID in config_entry.data:
            return {SUBENTRY_SIM: SimFlow, SUBENTRY_DEVICE: DeviceFlow}
        return {SUBENTRY_NUMBER: AuthorizedNumberFlow, SUBENTRY_DEVICE: DeviceFlow}

    async def _async_check(
        self,
        account_sid: str,
        auth_token: str,
        twilio_number: str,
        errors: dict[str, str],
    ) -> None:
        """Verify credentials and read the Twilio number's facts, filling errors by field."""
        client = TwilioClient(self.hass, account_sid, auth_token)
        try:
            await client.async_verify(twilio_number)
            self._facts = await client.async_facts(twilio_number)
        except TwilioAuthError:
            errors[CONF_AUTH_TOKEN] = "invalid_auth"
        except TwilioSenderError:
            errors[CONF_TWILIO_NUMBER] = "invalid_number"
        except TwilioConnectionError:
            errors["base"] = "cannot_connect"
        except Exception:
            _LOGGER.exception("Unexpected error checking Twilio credentials")
            errors["base"] = "unknown"

    async def _async_validate_account(
        self,
        account_sid: str,
        auth_token: str,
        raw_number: str,
        errors: dict[str, str],
    ) -> str | None:
        """Return the Twilio number once unique and accepted by Twilio; else fill errors."""
        twilio_number = self._normalize_twilio_number(raw_number)
        if twilio_number is None:
            errors[CONF_TWILIO_NUMBER] = "number_format"
            return None
        unique_id = f"{account_sid}_{twilio_number}"
        if self.source != SOURCE_RECONFIGURE or (
            unique_id != self._get_reconfigure_entry().unique_id
        ):
            await self.async_set_unique_id(unique_id)
            self._abort_if_unique_id_configured()
        if errors:
            return None
        await self._async_check(account_sid, auth_token, twilio_number, errors)
        return None if errors else twilio_number

    def _normalize_twilio_number(self, value: str) -> str | None:
        """Return E.164 or a Messaging Service SID, or None if invalid."""
        value = value.strip()
        if is_messaging_service(value):
            return value if _MESSAGING_SERVICE_SID.match(value) else None
        return to_e164(value, self.hass.config.country)

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask which way texts arrive: Twilio, or an ESPHome board with a GSM modem."""
        return self.async_show_menu(
            step_id="user", menu_options=["twilio", "kore", "modem"]
        )

    async def async_step_kore(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the KORE API client and the webhook signing secret; check them."""
        errors: dict[str, str] = {}
        if user_input is not None:
            client_id = user_input[CONF_KORE_CLIENT_ID].strip()
            await self.async_set_unique_id(f"kore_{client_id}")
            self._abort_if_unique_id_configured()
            secret = user_input.get(CONF_KORE_SECRET, "").strip()
            unsigned = bool(user_input.get(CONF_KORE_UNSIGNED))
            if not secret and not unsigned:
                errors[CONF_KORE_SECRET] = "kore_secret_required"
            else:
                await _async_check_kore(
                    self.hass, client_id, user_input[CONF_KORE_CLIENT_SECRET], errors
                )
            if not errors:
                self._data = {
                    CONF_KORE_CLIENT_ID: client_id,
                    CONF_KORE_CLIENT_SECRET: user_input[CONF_KORE_CLIENT_SECRET],
                    CONF_KORE_SECRET: secret,
                    CONF_KORE_UNSIGNED: unsigned and not secret,
                }
                self._title = f"KORE {client_id}"
                return await self.async_step_kore_webhook()
        return self.async_show_form(
            step_id="kore",
            data_schema=self.add_suggested_values_to_schema(
                _KORE_SCHEMA, _without_secrets(user_input)
            ),
            errors=errors,
        )

    async def async_step_kore_webhook(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the callback URL KORE will call (HTTPS only: KORE refuses plain http)."""
        return await self._async_webhook_step("kore_webhook", user_input)

    async def async_step_modem(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Pick the ESPHome board with the modem: no cloud, no public URL."""
        available = _free_modems(self.hass, self._async_current_entries())
        if not available:
            return self.async_abort(reason="no_modem")
        if user_input is not None:
            device_id = user_input[CONF_MODEM_DEVICE]
            return self.async_create_entry(
                title=available[device_id],
                data={},
                options={CONF_MODEM_DEVICE: device_id},
            )
        return self.async_show_form(
            step_id="modem",
            data_schema=vol.Schema(
                {vol.Required(CONF_MODEM_DEVICE): _modem_selector(available)}
            ),
        )

    async def async_step_twilio(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the Twilio account and the number that receives commands."""
        errors: dict[str, str] = {}
        if user_input is not None:
            account_sid = user_input[CONF_ACCOUNT_SID].strip()
            twilio_number = await self._async_validate_account(
                account_sid,
                user_input[CONF_AUTH_TOKEN],
                user_input[CONF_TWILIO_NUMBER],
                errors,
            )
            if twilio_number is not None:
                self._data = {
                    CONF_ACCOUNT_SID: account_sid,
                    CONF_AUTH_TOKEN: user_input[CONF_AUTH_TOKEN],
                    CONF_TWILIO_NUMBER: twilio_number,
                }
                self._title = _twilio_title(twilio_number, self._facts)
                return await self.async_step_webhook()
        return self.async_show_form(
            step_id="twilio",
            data_schema=self.add_suggested_values_to_schema(
                _CREDENTIALS_SCHEMA, user_input
            ),
            errors=errors,
        )

    async def _async_cloudhook(self, webhook_id: str) -> str | None:
        """Return a Home Assistant Cloud webhook URL, if Cloud is set up and subscribed."""
        if "cloud" not in self.hass.config.components:
            return None
        # Imported late: cloud is optional and heavy, loaded only when configured.
        from homeassistant.components import cloud  # noqa: PLC0415

        if not cloud.async_active_subscription(self.hass):
            return None
        try:
            return await cloud.async_create_cloudhook(self.hass, webhook_id)
        except cloud.CloudNotAvailable:
            _LOGGER.debug("Cloud is not connected, using the external URL")
            return None

    async def _async_default_url(self) -> str | None:
        """Return the public URL Twilio should call: cloudhook, else external URL."""
        webhook_id = self._data[CONF_WEBHOOK_ID]
        if url := await self._async_cloudhook(webhook_id):
            self._cloudhook = url
            return url
        try:
            return webhook.async_generate_url(
                self.hass, webhook_id, allow_internal=False, prefer_external=True
            )
        except NoURLAvailableError:
            return None

    async def async_step_webhook(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the webhook URL; point the number at it, or say how to do it by hand."""
        return await self._async_webhook_step("webhook", user_input)

    async def async_step_webhook_no_url(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the webhook URL when Home Assistant has none to offer."""
        return await self._async_webhook_step("webhook", user_input)

    async def async_step_kore_webhook_no_url(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the KORE callback URL when Home Assistant has none to offer."""
        return await self._async_webhook_step("kore_webhook", user_input)

    async def _async_webhook_step(
        self, step_id: str, user_input: dict[str, Any] | None
    ) -> ConfigFlowResult:
        """Show the public webhook URL, let the user correct it, then create the entry."""
        errors: dict[str, str] = {}
        if user_input is None:
            self._data[CONF_WEBHOOK_ID] = webhook.async_generate_id()
            default = await self._async_default_url()
            self._no_url = default is None
        else:
            default = user_input[CONF_PUBLIC_URL].strip()
            error = public_url_error(
                default, self._data[CONF_WEBHOOK_ID], self._cloudhook
            )
            if (
                error is None
                and step_id == "kore_webhook"
                and not default.startswith("https://")
            ):
                error = "url_https_only"
            if error is not None:
                errors[CONF_PUBLIC_URL] = error
            elif result := await self._async_finish(default, user_input, errors):
                return result
        facts = self._facts
        return self.async_show_form(
            step_id=f"{step_id}_no_url" if self._no_url else step_id,
            data_schema=self.add_suggested_values_to_schema(
                _url_schema(default, configure=facts is not None), user_input
            ),
            errors=errors,
            description_placeholders={
                "webhook_path": webhook.async_generate_path(
                    self._data[CONF_WEBHOOK_ID]
                ),
                "console_url": TWILIO_CONSOLE_URL,
                "current_url": (facts.inbound.url if facts else None) or "-",
                "service": _service(facts),
            },
        )

    async def _async_finish(
        self, public_url: str, user_input: dict[str, Any], errors: dict[str, str]
    ) -> ConfigFlowResult | None:
        """Point Twilio at the URL if asked, then create the entry; None if that failed."""
        data = {**self._data, CONF_PUBLIC_URL: public_url}
        description = None
        if (facts := self._facts) is not None:
            description = "manual"
            if user_input.get(CONF_CONFIGURE_TWILIO):
                if error := _overridden(facts):
                    errors["base"] = error
                    return None
                client = TwilioClient(
                    self.hass, data[CONF_ACCOUNT_SID], data[CONF_AUTH_TOKEN]
                )
                try:
                    data |= await async_provision(client, facts, public_url)
                except TwilioError as err:
                    errors["base"] = _provision_error(err)
                    return None
                description = "configured"
        uses_cloudhook = public_url == self._cloudhook
        if uses_cloudhook:
            self._cloudhook = None  # the entry owns it now
        return self.async_create_entry(
            title=self._title,
            data={**data, CONF_CLOUDHOOK: uses_cloudhook},
            description=description,
            description_placeholders={"public_url": public_url},
        )

    @callback
    def async_remove(self) -> None:
        """Delete a cloudhook the flow created that no entry uses (abandoned or replaced)."""
        if self._cloudhook is not None:
            from homeassistant.components import cloud  # noqa: PLC0415

            self.hass.async_create_task(
                cloud.async_delete_cloudhook(self.hass, self._data[CONF_WEBHOOK_ID])
            )

    async def async_step_reauth(
        self, entry_data: Mapping[str, Any]
    ) -> ConfigFlowResult:
        """Start reauthentication after Twilio refused the auth token."""
        return await self.async_step_reauth_confirm()

    def _async_update_and_abort(
        self, entry: ConfigEntry, **changes: Any
    ) -> ConfigFlowResult:
        """Update the entry and finish: a loaded entry's update listener reloads it."""
        # Not loaded (say, after an auth failure), nothing listens: reload it here.
        listening = bool(entry.update_listeners)
        result = self.async_update_and_abort(entry, **changes)
        if not listening:
            self.hass.config_entries.async_schedule_reload(entry.entry_id)
        return result

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the new auth token (Twilio) or client secret (KORE)."""
        entry = self._get_reauth_entry()
        if CONF_KORE_CLIENT_ID in entry.data:
            return await self.async_step_kore_reauth(user_input)
        errors: dict[str, str] = {}
        if user_input is not None:
            await self._async_check(
                entry.data[CONF_ACCOUNT_SID],
                user_input[CONF_AUTH_TOKEN],
                entry.data[CONF_TWILIO_NUMBER],
                errors,
            )
            if not errors:
                return self._async_update_and_abort(
                    entry, data_updates={CONF_AUTH_TOKEN: user_input[CONF_AUTH_TOKEN]}
                )
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=vol.Schema({vol.Required(CONF_AUTH_TOKEN): _PASSWORD}),
            errors=errors,
            description_placeholders={"account_sid": entry.data[CONF_ACCOUNT_SID]},
        )

    async def async_step_kore_reauth(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the KORE client secret KORE accepts now."""
        entry = self._get_reauth_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            await _async_check_kore(
                self.hass,
                entry.data[CONF_KORE_CLIENT_ID],
                user_input[CONF_KORE_CLIENT_SECRET],
                errors,
            )
            if not errors:
                return self._async_update_and_abort(
                    entry,
                    data_updates={
                        CONF_KORE_CLIENT_SECRET: user_input[CONF_KORE_CLIENT_SECRET]
                    },
                )
        return self.async_show_form(
            step_id="kore_reauth",
            data_schema=vol.Schema({vol.Required(CONF_KORE_CLIENT_SECRET): _PASSWORD}),
            errors=errors,
            description_placeholders={"client_id": entry.data[CONF_KORE_CLIENT_ID]},
        )

    async def async_step_kore_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the KORE webhook secret, unsigned callbacks, or the callback URL."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            public_url = user_input[CONF_PUBLIC_URL].strip()
            current = (
                entry.data[CONF_PUBLIC_URL] if entry.data[CONF_CLOUDHOOK] else None
            )
            error = public_url_error(public_url, entry.data[CONF_WEBHOOK_ID], current)
            if error is None and not public_url.startswith("https://"):
                error = "url_https_only"
            if error:
                errors[CONF_PUBLIC_URL] = error
            # Never sent back to the form: left empty, the secret stays.
            secret = user_input.get(CONF_KORE_SECRET, "").strip() or entry.data.get(
                CONF_KORE_SECRET, ""
            )
            unsigned = bool(user_input.get(CONF_KORE_UNSIGNED))
            if not secret and not unsigned:
                errors[CONF_KORE_SECRET] = "kore_secret_required"
            if not errors and public_url != entry.data[CONF_PUBLIC_URL]:
                await _async_move_sims(self.hass, entry, public_url, errors)
            if not errors:
                return self._async_update_and_abort(
                    entry,
                    data_updates={
                        CONF_PUBLIC_URL: public_url,
                        CONF_KORE_SECRET: secret,
                        CONF_KORE_UNSIGNED: unsigned and not secret,
                    },
                )
        return self.async_show_form(
            step_id="kore_reconfigure",
            data_schema=self.add_suggested_values_to_schema(
                _KORE_RECONFIGURE_SCHEMA,
                {
                    CONF_PUBLIC_URL: entry.data[CONF_PUBLIC_URL],
                    CONF_KORE_UNSIGNED: entry.data.get(CONF_KORE_UNSIGNED, False),
                },
            ),
            errors=errors,
            description_placeholders={
                "client_id": entry.data[CONF_KORE_CLIENT_ID],
                "webhook_path": webhook.async_generate_path(
                    entry.data[CONF_WEBHOOK_ID]
                ),
            },
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the auth token, the Twilio number or the public webhook URL."""
        entry = self._get_reconfigure_entry()
        if CONF_KORE_CLIENT_ID in entry.data:
            return await self.async_step_kore_reconfigure(user_input)
        if CONF_ACCOUNT_SID not in entry.data:
            # A modem entry has nothing but its board, which the options change.
            return self.async_abort(reason="modem_reconfigure")
        errors: dict[str, str] = {}
        if user_input is not None:
            public_url = user_input[CONF_PUBLIC_URL].strip()
            current = (
                entry.data[CONF_PUBLIC_URL] if entry.data[CONF_CLOUDHOOK] else None
            )
            if error := public_url_error(
                public_url, entry.data[CONF_WEBHOOK_ID], current
            ):
                errors[CONF_PUBLIC_URL] = error
            # Never sent back to the form: left empty, the token stays.
            token = (
                user_input.get(CONF_AUTH_TOKEN, "").strip()
                or entry.data[CONF_AUTH_TOKEN]
            )
            twilio_number = await self._async_validate_account(
                entry.data[CONF_ACCOUNT_SID],
                token,
                user_input[CONF_TWILIO_NUMBER],
                errors,
            )
            if twilio_number is not None and (
                data := await self._async_follow(
                    entry,
                    {
                        CONF_AUTH_TOKEN: token,
                        CONF_TWILIO_NUMBER: twilio_number,
                        CONF_PUBLIC_URL: public_url,
                    },
                    bool(user_input.get(CONF_CONFIGURE_TWILIO)),
                    errors,
                )
            ):
                return self._async_update_and_abort(
                    entry,
                    unique_id=f"{entry.data[CONF_ACCOUNT_SID]}_{twilio_number}",
                    title=_twilio_title(twilio_number, self._facts),
                    data=data,
                )
        shown = user_input or {
            **entry.data,
            CONF_CONFIGURE_TWILIO: CONF_INBOUND_SID in entry.data,
        }
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(
                _RECONFIGURE_SCHEMA, _without_secrets(shown)
            ),
            errors=errors,
            description_placeholders={
                "account_sid": entry.data[CONF_ACCOUNT_SID],
                "webhook_path": webhook.async_generate_path(
                    entry.data[CONF_WEBHOOK_ID]
                ),
                "service": _service(self._facts),
            },
        )

    async def _async_follow(
        self,
        entry: ConfigEntry,
        changes: dict[str, Any],
        configure: bool,
        errors: dict[str, str],
    ) -> dict[str, Any] | None:
        """Move Twilio's webhook with the new number and URL; return the entry's new data."""
        facts = self._facts if configure else None
        if facts is not None and (error := _overridden(facts)):
            errors["base"] = error
            return None
        client = TwilioClient(
            self.hass, entry.data[CONF_ACCOUNT_SID], changes[CONF_AUTH_TOKEN]
        )
        try:
            kept = await async_reprovision(
                client, entry.data, facts, changes[CONF_PUBLIC_URL]
            )
        except TwilioError as err:
            errors["base"] = _provision_error(err)
            return None
        data = {
            k: v
            for k, v in entry.data.items()
            if k not in (CONF_INBOUND_SID, CONF_INBOUND_BEFORE)
        }
        return data | kept | changes


async def _async_check_kore(
    hass: HomeAssistant, client_id: str, client_secret: str, errors: dict[str, str]
) -> None:
    """Fetch a KORE token with the credentials, filling errors by field."""
    try:
        await KoreClient(hass, client_id, client_secret).async_verify()
    except KoreAuthError:
        errors[CONF_KORE_CLIENT_SECRET] = "invalid_auth"
    except KoreError:
        errors["base"] = "cannot_connect"


async def _async_move_sims(
    hass: HomeAssistant, entry: ConfigEntry, url: str, errors: dict[str, str]
) -> None:
    """Point every SIM of the entry at the new callback URL (KORE calls only that)."""
    client = KoreClient(
        hass, entry.data[CONF_KORE_CLIENT_ID], entry.data[CONF_KORE_CLIENT_SECRET]
    )
    try:
        for subentry in entry.subentries.values():
            if subentry.subentry_type == SUBENTRY_SIM:
                await client.async_set_callback(
                    subentry.data[CONF_SIM_SID], url, "POST"
                )
    except KoreError:
        errors["base"] = "cannot_connect"


def _without_secrets(user_input: dict[str, Any] | None) -> dict[str, Any] | None:
    """Return the form input to show again, without what must not be sent back."""
    if user_input is None:
        return None
    return {
        k: v
        for k, v in user_input.items()
        if k not in (CONF_AUTH_TOKEN, CONF_KORE_CLIENT_SECRET, CONF_KORE_SECRET)
    }


def _free_modems(hass: HomeAssistant, entries: list[ConfigEntry]) -> dict[str, str]:
    """Return the boards offering send_sms that no other entry uses (a board has one owner)."""
    taken = {entry.options.get(CONF_MODEM_DEVICE) for entry in entries}
    return {
        device_id: name
        for device_id, name in modem_devices(hass).items()
        if device_id not in taken
    }


def _modem_selector(modems: dict[str, str]) -> SelectSelector:
    """Return a selector of the boards that can be the modem."""
    return SelectSelector(
        SelectSelectorConfig(
            options=[SelectOptionDict(value=k, label=v) for k, v in modems.items()]
        )
    )


def _whole_counts(user_input: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    """Return the input with the limits as whole numbers; fill errors for those out of range."""
    low, high = _COUNT_RANGE
    counts = {}
    for key in (CONF_RATE_LIMIT, CONF_HOURLY_CAP):
        value = float(user_input[key])
        if not value.is_integer() or not low <= value <= high:
            errors[key] = "count_out_of_range"
        else:
            counts[key] = int(value)
    return user_input | counts


class SmsIotOptionsFlow(OptionsFlow):
    """Handle SMS IoT options."""

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Manage the options: strangers, limits, and the modem and route."""
        entry = self.config_entry
        has_twilio = CONF_ACCOUNT_SID in entry.data
        current = entry.options.get(CONF_MODEM_DEVICE)
        others = [
            e
            for e in self.hass.config_entries.async_entries(DOMAIN)
            if e.entry_id != entry.entry_id
        ]
        modems = _free_modems(self.hass, others)
        if current and current not in modems:
            modems[current] = board_name(self.hass, current)  # offline now: keep it
        errors: dict[str, str] = {}
        if user_input is not None:
            user_input = _whole_counts(user_input, errors)
            route = user_input.get(CONF_ROUTE, ROUTE_TWILIO)
            if route != ROUTE_TWILIO and not user_input.get(CONF_MODEM_DEVICE):
                errors[CONF_ROUTE] = "route_needs_modem"
            if not errors:
                return self.async_create_entry(data=user_input)
        fields: dict[vol.Marker, Any] = {
            vol.Required(CONF_REPLY_TO_STRANGERS, default=False): BooleanSelector(),
            vol.Required(CONF_RATE_LIMIT, default=DEFAULT_RATE_LIMIT): _COUNT,
            vol.Required(CONF_HOURLY_CAP, default=DEFAULT_HOURLY_CAP): _COUNT,
        }
        if has_twilio:
            if modems:
                fields[vol.Optional(CONF_MODEM_DEVICE)] = _modem_selector(modems)
            fields[vol.Required(CONF_ROUTE, default=ROUTE_TWILIO)] = SelectSelector(
                SelectSelectorConfig(
                    options=[ROUTE_TWILIO, ROUTE_MODEM, ROUTE_TWILIO_THEN_MODEM],
                    translation_key=CONF_ROUTE,
                )
            )
        elif CONF_KORE_CLIENT_ID not in entry.data:
            fields[vol.Required(CONF_MODEM_DEVICE)] = _modem_selector(modems)
        return self.async_show_form(
            step_id="init",
            data_schema=self.add_suggested_values_to_schema(
                vol.Schema(fields), user_input or entry.options
            ),
            errors=errors,
        )
