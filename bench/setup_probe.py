"""Benchmark probe, installed as the bench_probe integration: time sms_iot's setup in hass."""

from __future__ import annotations

import json
from pathlib import Path
import time

from homeassistant.const import EVENT_HOMEASSISTANT_STARTED
from homeassistant.core import Event, HomeAssistant
from homeassistant.helpers.typing import ConfigType

DOMAIN = "bench_probe"
CYCLES = 10


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Once Home Assistant has started, unload and set up sms_iot's entry a few times."""

    async def _measure(_: Event) -> None:
        timings: list[float] = []
        for entry in hass.config_entries.async_entries("sms_iot"):
            for _cycle in range(CYCLES):
                await hass.config_entries.async_unload(entry.entry_id)
                start = time.perf_counter()
                await hass.config_entries.async_setup(entry.entry_id)
                timings.append((time.perf_counter() - start) * 1000)
        result = json.dumps({"setup_ms": timings})
        path = Path(hass.config.path("bench_probe.json"))
        await hass.async_add_executor_job(path.write_text, result)

    hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STARTED, _measure)
    return True
