"""What differs between the Home Assistant versions sms_iot supports (2026.2.3 and newer).

Everything here goes when the minimum version passes the change it bridges.
"""

from __future__ import annotations

from typing import Any, cast

from homeassistant.helpers import device_registry as dr

# HA 2026.10 validates with probatio (2026.11 aliases voluptuous to it); older HA has voluptuous.
try:
    import probatio as vol  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # HA < 2026.10
    import voluptuous as vol  # type: ignore[no-redef,unused-ignore]

# Newer HA defines them in light.const and no longer re-exports them from light.
try:
    from homeassistant.components.light.const import (  # type: ignore[attr-defined,unused-ignore]
        ATTR_BRIGHTNESS,
        ATTR_BRIGHTNESS_PCT,
    )
except ImportError:  # older HA
    from homeassistant.components.light import (  # type: ignore[attr-defined,no-redef,unused-ignore]
        ATTR_BRIGHTNESS,
        ATTR_BRIGHTNESS_PCT,
    )

# Newer HA defines it in notify.const and no longer re-exports it explicitly from notify.
try:
    from homeassistant.components.notify.const import (  # type: ignore[attr-defined,unused-ignore]
        NotifyEntityFeature,
    )
except ImportError:  # older HA
    from homeassistant.components.notify import (  # type: ignore[attr-defined,no-redef,unused-ignore]
        NotifyEntityFeature,
    )

# Newer HA types repair flows' results; older HA returns plain FlowResults.
try:
    from homeassistant.components.repairs import (  # type: ignore[attr-defined,unused-ignore]
        RepairsFlowResult,
    )
except ImportError:  # older HA
    from homeassistant.data_entry_flow import (  # type: ignore[assignment,unused-ignore]
        FlowResult as RepairsFlowResult,
    )

__all__ = [
    "ATTR_BRIGHTNESS",
    "ATTR_BRIGHTNESS_PCT",
    "NotifyEntityFeature",
    "RepairsFlowResult",
    "device_entry_ids",
    "keep_in_entry_only",
    "linked_device_info",
    "vol",
]


def linked_device_info(
    identifier: tuple[str, str], device_id: str, **info: Any
) -> dr.DeviceInfo:
    """Return DeviceInfo linking a device to another (by id where HA takes it)."""
    link: dict[str, Any]
    if "via_device_id" in dr.DeviceInfo.__optional_keys__:
        # via_device is deprecated: identifiers are unique per config entry only.
        link = {"via_device_id": device_id}
    else:
        link = {"via_device": identifier}
    # A TypedDict before HA 2026.11, a slotted dataclass (no "|") after: built in one call.
    make: Any = dr.DeviceInfo
    return cast(dr.DeviceInfo, make(**info, **link))


def device_entry_ids(device: Any) -> set[str]:
    """Return the config entries a device (or child device) belongs to."""
    # Before HA 2026.10 a device has several; a restored composite device still does.
    if getattr(device, "is_composite_device", True):
        return set(device.config_entries)
    return {device.config_entry_id}


def keep_in_entry_only(
    devices: dr.DeviceRegistry, entry_id: str, device: dr.DeviceEntry
) -> None:
    """Take a device out of every config subentry, leaving it in the entry itself."""
    if hasattr(device, "config_subentry_id"):
        # HA >= 2026.8: a device has one subentry; splitting shared devices kept one.
        new_subentry: dict[str, Any] = {"new_config_subentry_id": None}
        devices.async_update_device(device.id, **new_subentry)
        return
    for subentry_id in device.config_entries_subentries[entry_id] - {None}:
        devices.async_update_device(
            device.id,
            remove_config_entry_id=entry_id,
            remove_config_subentry_id=subentry_id,
        )
