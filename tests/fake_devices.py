"""Stand-ins for ESPHome devices: light and switch entities with device-like behaviour."""

from __future__ import annotations

from typing import Any

from homeassistant.components.light import ATTR_BRIGHTNESS, ColorMode, LightEntity
from homeassistant.components.switch import SwitchEntity
from homeassistant.exceptions import HomeAssistantError


class FakeDevice:
    """Device behaviour: report state after a delay, hang, fail or go offline."""

    _attr_should_poll = False
    _attr_has_entity_name = False
    delay: float = 0.0
    hang: bool = False
    fail: bool = False
    calls: list[tuple[str, dict[str, Any]]]

    def _report(self, on: bool, brightness: int | None = None) -> None:
        """Report the new state the way a device does: later, unless it hangs."""
        if self.fail:
            raise HomeAssistantError("device refused the command")
        if self.hang:
            return

        def apply() -> None:
            self._attr_is_on = on
            if brightness is not None:
                self._attr_brightness = brightness
            self.async_write_ha_state()

        if self.delay:
            self.hass.loop.call_later(self.delay, apply)
        else:
            apply()


class FakeLight(FakeDevice, LightEntity):
    """A dimmable light like the ESP8266 onboard LED."""

    _attr_color_mode = ColorMode.BRIGHTNESS

    max_brightness = 255

    def __init__(self, name: str, *, on: bool = False, brightness: int = 255) -> None:
        """Initialize the light."""
        self._attr_name = name
        self._attr_supported_color_modes = {ColorMode.BRIGHTNESS}
        self._attr_unique_id = f"light_{name}"
        self._attr_is_on = on
        self._attr_brightness = brightness
        self.calls = []

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Turn the light on."""
        self.calls.append(("turn_on", kwargs))
        brightness = kwargs.get(ATTR_BRIGHTNESS)
        self._report(
            True, None if brightness is None else min(brightness, self.max_brightness)
        )

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Turn the light off."""
        self.calls.append(("turn_off", kwargs))
        self._report(False)


class FakeSwitch(FakeDevice, SwitchEntity):
    """A relay switch."""

    def __init__(self, name: str, *, on: bool = False) -> None:
        """Initialize the switch."""
        self._attr_name = name
        self._attr_unique_id = f"switch_{name}"
        self._attr_is_on = on
        self.calls = []

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Turn the switch on."""
        self.calls.append(("turn_on", kwargs))
        self._report(True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Turn the switch off."""
        self.calls.append(("turn_off", kwargs))
        self._report(False)
