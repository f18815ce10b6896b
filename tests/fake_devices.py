"""Stand-ins for ESPHome devices: lights, switches, covers and locks that act like devices."""

from __future__ import annotations

import asyncio
from typing import Any

from homeassistant.components.cover import (
    ATTR_POSITION,
    CoverDeviceClass,
    CoverEntity,
    CoverEntityFeature,
)
from homeassistant.components.light import ATTR_BRIGHTNESS, ColorMode, LightEntity
from homeassistant.components.lock import LockEntity
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


class FakeCover(CoverEntity):
    """A garage door: opening or closing for travel seconds, then at rest."""

    _attr_should_poll = False
    _attr_has_entity_name = False
    _attr_supported_features = (
        CoverEntityFeature.OPEN
        | CoverEntityFeature.CLOSE
        | CoverEntityFeature.STOP
        | CoverEntityFeature.SET_POSITION
    )

    def __init__(
        self,
        name: str,
        device_class: CoverDeviceClass | None = CoverDeviceClass.GARAGE,
        travel: float = 0.05,
    ) -> None:
        """Initialize the cover, closed."""
        self._attr_name = name
        self._attr_unique_id = f"cover_{name}"
        self._attr_device_class = device_class
        self._attr_current_cover_position = 0
        self._attr_is_closed = True
        self._attr_is_opening = False
        self._attr_is_closing = False
        self.travel = travel
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self._arrive: asyncio.TimerHandle | None = None

    def _move(self, position: int) -> None:
        """Start moving towards a position; arrive after the travel time."""
        self._attr_is_opening = position > (self.current_cover_position or 0)
        self._attr_is_closing = not self._attr_is_opening
        self.async_write_ha_state()

        def arrive() -> None:
            self._attr_current_cover_position = position
            self._attr_is_closed = position == 0
            self._attr_is_opening = self._attr_is_closing = False
            self.async_write_ha_state()

        self._arrive = self.hass.loop.call_later(self.travel, arrive)

    async def async_open_cover(self, **kwargs: Any) -> None:
        """Open fully."""
        self.calls.append(("open_cover", kwargs))
        self._move(100)

    async def async_close_cover(self, **kwargs: Any) -> None:
        """Close fully."""
        self.calls.append(("close_cover", kwargs))
        self._move(0)

    async def async_set_cover_position(self, **kwargs: Any) -> None:
        """Move to a position."""
        self.calls.append(("set_cover_position", kwargs))
        self._move(kwargs[ATTR_POSITION])

    async def async_stop_cover(self, **kwargs: Any) -> None:
        """Stop where it is (half-way, as this fake does not track travel)."""
        self.calls.append(("stop_cover", kwargs))
        if self._arrive is not None:
            self._arrive.cancel()
        if self._attr_is_opening or self._attr_is_closing:
            self._attr_current_cover_position = 50
            self._attr_is_closed = False
        self._attr_is_opening = self._attr_is_closing = False
        self.async_write_ha_state()


class FakeLock(LockEntity):
    """A door lock: locking or unlocking briefly, or jamming."""

    _attr_should_poll = False
    _attr_has_entity_name = False

    def __init__(self, name: str, *, locked: bool = True) -> None:
        """Initialize the lock."""
        self._attr_name = name
        self._attr_unique_id = f"lock_{name}"
        self._attr_is_locked = locked
        self.jam = False
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def _turn(self, locked: bool) -> None:
        """Report the bolt moving, then where it ended."""
        self._attr_is_locking, self._attr_is_unlocking = locked, not locked
        self.async_write_ha_state()

        def done() -> None:
            self._attr_is_locking = self._attr_is_unlocking = False
            self._attr_is_jammed = self.jam
            self._attr_is_locked = locked and not self.jam
            self.async_write_ha_state()

        self.hass.loop.call_later(0.02, done)

    async def async_lock(self, **kwargs: Any) -> None:
        """Lock."""
        self.calls.append(("lock", kwargs))
        self._turn(True)

    async def async_unlock(self, **kwargs: Any) -> None:
        """Unlock."""
        self.calls.append(("unlock", kwargs))
        self._turn(False)
