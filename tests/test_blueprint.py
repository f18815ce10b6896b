"""The "Text me when an entity changes" blueprint, run by Home Assistant's automation."""

from __future__ import annotations

from pathlib import Path
import shutil

from pytest_homeassistant_custom_component.common import MockConfigEntry

from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from tools.fake_twilio import FakeTwilioState

from .conftest import CAROL, Devices

BLUEPRINT = (
    Path(__file__).resolve().parent.parent
    / "blueprints/automation/sms_iot/text_me_on_change.yaml"
)


async def test_blueprint_texts_on_change(
    hass: HomeAssistant,
    tmp_path: Path,
    devices: Devices,
    twilio_entry: MockConfigEntry,
    twilio: FakeTwilioState,
    entity_registry: er.EntityRegistry,
) -> None:
    """The porch switching on texts Carol; switching off does not."""
    hass.config.config_dir = str(tmp_path)
    target = tmp_path / "blueprints/automation/sms_iot"
    target.mkdir(parents=True)
    shutil.copy(BLUEPRINT, target)
    notify = next(
        e.entity_id
        for e in er.async_entries_for_config_entry(
            entity_registry, twilio_entry.entry_id
        )
        if e.domain == "notify" and e.config_subentry_id == "num_carol"
    )
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": {
                "use_blueprint": {
                    "path": "sms_iot/text_me_on_change.yaml",
                    "input": {
                        "watched": "switch.porch",
                        "to_state": "on",
                        "recipient": notify,
                    },
                }
            }
        },
    )
    await hass.services.async_call(
        "switch", "turn_on", {"entity_id": "switch.porch"}, blocking=True
    )
    await hass.async_block_till_done()
    await hass.services.async_call(
        "switch", "turn_off", {"entity_id": "switch.porch"}, blocking=True
    )
    await hass.async_block_till_done()
    assert [(m["to"], m["body"]) for m in twilio.sent] == [(CAROL, "porch is now on.")]
