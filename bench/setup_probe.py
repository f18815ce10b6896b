"""Benchmark probe, installed as the bench_probe integration: time sms_iot's setup, make a token."""

from __future__ import annotations

from datetime import timedelta
import json
from pathlib import Path
import time

from homeassistant.auth.const import GROUP_ID_ADMIN
from homeassistant.auth.models import TOKEN_TYPE_LONG_LIVED_ACCESS_TOKEN
from homeassistant.const import EVENT_HOMEASSISTANT_STARTED
from homeassistant.core import Event, HomeAssistant
from homeassistant.helpers.importlib import async_import_module
from homeassistant.helpers.typing import ConfigType

DOMAIN = "bench_probe"
CYCLES = 10


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Once Home Assistant has started, unload and set up sms_iot's entry a few times."""

    async def _measure(_: Event) -> None:
        timings = await _async_cycles(hass)
        # Again once the number check (started with Home Assistant) has loaded the REST
        # client: the first series may run beside that import.
        await async_import_module(hass, "custom_components.sms_iot.twilio_rest")
        settled = await _async_cycles(hass)
        # The REST-API baseline calls switch.toggle as a user would: a long-lived token.
        user = await hass.auth.async_create_user("bench", group_ids=[GROUP_ID_ADMIN])
        refresh = await hass.auth.async_create_refresh_token(
            user,
            client_name="bench",
            token_type=TOKEN_TYPE_LONG_LIVED_ACCESS_TOKEN,
            access_token_expiration=timedelta(days=1),
        )
        token = hass.auth.async_create_access_token(refresh)
        result = json.dumps(
            {"setup_ms": timings, "setup_settled_ms": settled, "token": token}
        )
        path = Path(hass.config.path("bench_probe.json"))
        await hass.async_add_executor_job(path.write_text, result)

    hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STARTED, _measure)
    return True


async def _async_cycles(hass: HomeAssistant) -> list[float]:
    """Unload and set up sms_iot's entries a few times; return each set-up's milliseconds."""
    timings: list[float] = []
    for entry in hass.config_entries.async_entries("sms_iot"):
        for _cycle in range(CYCLES):
            await hass.config_entries.async_unload(entry.entry_id)
            start = time.perf_counter()
            await hass.config_entries.async_setup(entry.entry_id)
            timings.append((time.perf_counter() - start) * 1000)
    return timings
