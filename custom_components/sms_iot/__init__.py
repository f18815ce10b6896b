"""Control ESPHome devices by SMS, through Twilio, KORE SIM commands or an ESPHome GSM modem."""

from __future__ import annotations

from functools import partial
import logging
from typing import cast

from aiohttp import web
from aiohttp.hdrs import METH_GET, METH_HEAD, METH_POST, METH_PUT

from homeassistant.components import webhook as ha_webhook
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_WEBHOOK_ID, Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed, ConfigEntryNotReady
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.helpers.start import async_at_started
from homeassistant.helpers.typing import ConfigType

from .compliance import Compliance
from .const import (
    CONF_AUTH_TOKEN,
    CONF_CLOUDHOOK,
    CONF_KORE_CLIENT_SECRET,
    CONF_MODEM_DEVICE,
    DOMAIN,
    ROUTE_MODEM,
    ROUTE_TWILIO,
    ROUTE_TWILIO_THEN_MODEM,
)
from .dedupe import MessageMemory, store
from .entity import service_device_info
from .inbox import Inbox
from .kore import async_connect_kore
from .kore_client import KoreClient
from .kore_sims import async_give_back
from .kore_webhook import async_handle_kore_webhook
from .migration import async_migrate_entry as async_migrate_entry
from .models import (
    KoreLink,
    Sender,
    SmsIotConfigEntry,
    SmsIotData,
    TwilioLink,
    TwilioSettings,
    build_config,
    kore_settings,
    twilio_settings,
)
from .modem import Modem, board_name, modem_action
from .repairs import async_delete_issues
from .services import async_setup_services
from .twilio_client import TwilioAuthError, TwilioClient, TwilioError
from .twilio_outbound import TwilioSender
from .twilio_provision import async_restore_on_remove
from .twilio_webhook import RefusalLog, SignatureWatch, async_handle_webhook

_LOGGER = logging.getLogger(__name__)

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)
PLATFORMS = [Platform.BUTTON, Platform.EVENT, Platform.NOTIFY, Platform.SENSOR]


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the integration's actions."""
    async_setup_services(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: SmsIotConfigEntry) -> bool:
    """Set up SMS IoT from a config entry."""
    twilio = kore = None
    if (settings := twilio_settings(entry)) is not None:
        _async_register_webhook(hass, entry)
        twilio = await _async_connect_twilio(hass, entry, settings)
    elif (kore_config := kore_settings(entry)) is not None:
        _async_register_webhook(hass, entry)
        kore = await async_connect_kore(hass, entry, kore_config)
    else:
        _check_modem(hass, entry)
    # Created before the platforms: each number's device links to it by its id.
    service = dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id, **service_device_info(entry)
    )
    memory = MessageMemory(hass, entry.entry_id)
    await memory.async_load()
    config = build_config(entry)
    inbox = Inbox(hass, entry.entry_id, config, memory)
    modem = Modem(hass, config.modem_device, inbox) if config.modem_device else None
    twilio_sender = TwilioSender(hass, entry, twilio) if twilio else None
    routes: dict[str, tuple[Sender | None, ...]] = {
        ROUTE_TWILIO: (twilio_sender,),
        ROUTE_MODEM: (modem,),
        ROUTE_TWILIO_THEN_MODEM: (twilio_sender, modem),
    }
    entry.runtime_data = SmsIotData(
        config=config,
        service_device_id=service.id,
        inbox=inbox,
        twilio=twilio,
        kore=kore,
        modem=modem,
        senders=tuple(filter(None, routes.get(config.route, ()))),
        refusals=RefusalLog(),
    )
    if modem is not None:
        entry.async_on_unload(modem.async_start())
    if twilio is not None:
        entry.async_on_unload(
            entry.runtime_data.statuses.listen(twilio.compliance.on_status)
        )
        # After the start: the check loads the twilio REST client (see twilio_rest).
        entry.async_on_unload(
            async_at_started(hass, partial(_start_number_check, entry, twilio))
        )
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    entry.async_on_unload(entry.add_update_listener(_async_update_listener))
    return True


def _check_modem(hass: HomeAssistant, entry: SmsIotConfigEntry) -> None:
    """Wait for the board of an entry without Twilio: it is the only way in and out."""
    device_id = entry.options.get(CONF_MODEM_DEVICE)
    if not device_id or modem_action(hass, device_id) is None:
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN,
            translation_key="modem_not_ready",
            translation_placeholders={"modem": board_name(hass, device_id or "-")},
        )


async def _async_connect_twilio(
    hass: HomeAssistant, entry: SmsIotConfigEntry, settings: TwilioSettings
) -> TwilioLink:
    """Check the Twilio account and number; return the entry's Twilio side."""
    client = TwilioClient(hass, settings.account_sid, entry.data[CONF_AUTH_TOKEN])
    try:
        await client.async_verify(settings.number)
    except TwilioAuthError as err:
        raise ConfigEntryAuthFailed(
            translation_domain=DOMAIN, translation_key="invalid_auth"
        ) from err
    except TwilioError as err:
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN, translation_key="cannot_connect"
        ) from err
    return TwilioLink(
        settings=settings,
        client=client,
        signatures=SignatureWatch(entry.data[CONF_AUTH_TOKEN], settings.public_url),
        compliance=Compliance(hass, entry.entry_id, entry.title),
    )


@callback
def _start_number_check(
    entry: SmsIotConfigEntry, link: TwilioLink, hass: HomeAssistant
) -> None:
    """Check the number in the background."""
    entry.async_create_background_task(
        hass, _async_check_number(link), "sms_iot Twilio number check"
    )


async def _async_check_number(link: TwilioLink) -> None:
    """Say what the number can do and where its texts go (off the set-up's path)."""
    try:
        facts = await link.client.async_facts(link.settings.number)
    except TwilioError as err:
        _LOGGER.debug("Could not read the Twilio number's settings: %s", err)
        return
    link.compliance.check(facts, link.settings.public_url)


async def async_unload_entry(hass: HomeAssistant, entry: SmsIotConfigEntry) -> bool:
    """Unload a config entry."""
    # The webhook stays registered (see _async_register_webhook) until the entry is removed.
    async_delete_issues(hass, entry.entry_id)
    await entry.runtime_data.inbox.async_close()
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_entry(hass: HomeAssistant, entry: SmsIotConfigEntry) -> None:
    """Undo what the entry set up: webhooks here and at Twilio or KORE, memory, repairs."""
    if CONF_WEBHOOK_ID in entry.data:
        ha_webhook.async_unregister(hass, entry.data[CONF_WEBHOOK_ID])
    await async_restore_on_remove(hass, entry)
    if (kore := kore_settings(entry)) is not None:
        client = KoreClient(hass, kore.client_id, entry.data[CONF_KORE_CLIENT_SECRET])
        await async_give_back(hass, entry.entry_id, client, set())
    await store(hass, entry.entry_id).async_remove()
    async_delete_issues(hass, entry.entry_id)
    if entry.data.get(CONF_CLOUDHOOK) and "cloud" in hass.config.components:
        # Imported late: cloud is optional and heavy, loaded only when configured.
        from homeassistant.components import cloud  # noqa: PLC0415

        await cloud.async_delete_cloudhook(hass, entry.data[CONF_WEBHOOK_ID])


@callback
def _async_register_webhook(hass: HomeAssistant, entry: SmsIotConfigEntry) -> None:
    """Register the entry's webhook before anything can fail, for the entry's lifetime.

    While the entry is not loaded (starting, retrying, reloading, disabled) Twilio must not
    see a success: Home Assistant answers 200 for unknown webhooks, this answers 503, so
    Twilio retries or uses the number's fallback URL.
    """
    ha_webhook.async_unregister(hass, entry.data[CONF_WEBHOOK_ID])
    ha_webhook.async_register(
        hass,
        DOMAIN,
        entry.title,
        entry.data[CONF_WEBHOOK_ID],
        partial(_async_handle, entry, _NotLoadedWarning()),
        # Every method reaches the handler, which answers 405 to all but POST itself
        # (Home Assistant would answer HEAD with 200).
        allowed_methods=[METH_GET, METH_HEAD, METH_POST, METH_PUT],
        local_only=False,
    )


class _NotLoadedWarning:
    """Log once per registration that requests are refused while the entry is not loaded."""

    logged = False


async def _async_handle(
    entry: SmsIotConfigEntry,
    not_loaded: _NotLoadedWarning,
    hass: HomeAssistant,
    webhook_id: str,
    request: web.Request,
) -> web.Response:
    """Route a webhook call to the entry's handler, or answer 503 while it is not loaded."""
    if entry.state is ConfigEntryState.LOADED:
        not_loaded.logged = False
        if twilio := entry.runtime_data.twilio:
            return await async_handle_webhook(hass, entry, twilio, request)
        # Only Twilio and KORE entries register the webhook.
        kore = cast(KoreLink, entry.runtime_data.kore)
        return await async_handle_kore_webhook(hass, entry, kore, request)
    if not not_loaded.logged:
        not_loaded.logged = True
        _LOGGER.warning(
            "Answering Twilio with 503 while %s is not loaded (%s): Twilio retries "
            "or uses the number's fallback URL",
            entry.title,
            entry.reason or entry.state.value,
        )
    return web.Response(status=503)


async def _async_update_listener(hass: HomeAssistant, entry: SmsIotConfigEntry) -> None:
    """Reload when data, options or subentries change: notify entities follow the numbers."""
    # The one reload: flows only update the entry (HA warns when both reload).
    hass.config_entries.async_schedule_reload(entry.entry_id)
