"""Carry out parsed commands on Home Assistant entities and describe the outcome."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import logging
import time

from homeassistant.const import (
    ATTR_ENTITY_ID,
    SERVICE_TOGGLE,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
)
from homeassistant.core import (
    Context,
    Event,
    EventStateChangedData,
    HomeAssistant,
    State,
    callback,
)
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.event import async_track_state_change_event

from .commands import ALL, Action, Command, ParseResult
from .compat import ATTR_BRIGHTNESS, ATTR_BRIGHTNESS_PCT
from .const import DEVICE_WAIT, EVENT_COMMAND
from .models import AuthorizedNumber, Device, SmsIotConfig

_LOGGER = logging.getLogger(__name__)

_SERVICES = {
    Action.ON: SERVICE_TURN_ON,
    Action.OFF: SERVICE_TURN_OFF,
    Action.TOGGLE: SERVICE_TOGGLE,
    Action.BRIGHTNESS: SERVICE_TURN_ON,
}


def describe_state(state: State | None) -> str:
    """Describe an entity state as an SMS reads it."""
    if state is None:
        return "missing"
    if state.state == STATE_UNAVAILABLE:
        return "offline"
    if state.state == STATE_ON:
        brightness = state.attributes.get(ATTR_BRIGHTNESS)
        if isinstance(brightness, int | float):
            return f"ON {round(brightness * 100 / 255)}%"
        return "ON"
    if state.state == STATE_OFF:
        return "OFF"
    if state.state == STATE_UNKNOWN:
        return "unknown"
    return state.state


def _reached(command: Command, before: State | None, state: State) -> bool:
    """Return True once the entity reports what the command asked for."""
    if command.action is Action.TOGGLE:
        return before is None or state.state != before.state
    if command.action is Action.OFF or command.brightness == 0:
        return state.state == STATE_OFF
    if state.state != STATE_ON:
        return False
    if command.action is Action.BRIGHTNESS:
        brightness = state.attributes.get(ATTR_BRIGHTNESS)
        wanted = command.brightness or 0
        return (
            isinstance(brightness, int | float)
            and abs(brightness * 100 / 255 - wanted) <= 1.5
        )
    return True


class Executor:
    """Execute one message's commands for one sender within a time budget."""

    def __init__(
        self,
        hass: HomeAssistant,
        config: SmsIotConfig,
        sender: AuthorizedNumber,
        context: Context,
        entry_id: str,
        deadline: float,
    ) -> None:
        """Initialize the executor."""
        self._hass = hass
        self._config = config
        self._sender = sender
        self._context = context
        self._entry_id = entry_id
        self._deadline = deadline

    async def async_run(self, parsed: ParseResult) -> list[str]:
        """Run all commands in order and return the reply lines."""
        lines: list[str] = []
        for command in parsed.commands:
            lines.extend(await self._async_command(command))
        lines.extend(
            f"Not understood: '{fragment[:30]}'. Text HELP for commands."
            for fragment in parsed.unknown
        )
        if parsed.truncated:
            lines.append("Only the first 10 commands were read.")
        return lines

    async def _async_command(self, command: Command) -> list[str]:
        """Run one command and return its reply lines."""
        if command.action is Action.HELP:
            return [self.help_text()]
        devices = self._targets(command)
        if isinstance(devices, str):
            return [devices]
        if command.action is Action.STATUS:
            return [self._status_line(device) for device in devices]
        if not self._sender.can_control:
            return ["Not permitted: this number can only check status."]
        if command.action is Action.BRIGHTNESS:
            if lights := [d for d in devices if d.domain == "light"]:
                devices = lights
            else:
                return [f"{devices[0].name}: is a switch, use on or off."]
        results = await asyncio.gather(
            *(self._async_switch(device, command) for device in devices)
        )
        return list(results)

    def _targets(self, command: Command) -> list[Device] | str:
        """Return the permitted devices a command is about, or why there are none."""
        permitted = self._sender.devices
        if not permitted:
            return "No devices are set up for this number."
        if command.target == ALL or (
            command.target is None and command.action is Action.STATUS
        ):
            return list(permitted)
        if command.target is None:
            if self._sender.default_device is None:
                return (
                    f"Several devices: name one, e.g. '{permitted[0].name} on'. "
                    "Text HELP for the list."
                )
            return [self._sender.default_device]
        device = self._config.find_device(command.target)
        if device is None:
            return f"Unknown device '{command.target[:30]}'. Text HELP for the list."
        if device not in permitted:
            return f"{device.name}: not permitted for this number."
        return [device]

    def _status_line(self, device: Device) -> str:
        """Describe a device's current state."""
        return (
            f"{device.name}: {describe_state(self._hass.states.get(device.entity_id))}"
        )

    async def _async_switch(self, device: Device, command: Command) -> str:
        """Switch one device, wait for the state it reports, and describe it."""
        before = self._hass.states.get(device.entity_id)
        if before is None or before.state == STATE_UNAVAILABLE:
            self._fire(device, command, describe_state(before))
            return self._status_line(device)
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            return (
                f"{device.name}: skipped, out of time (still {describe_state(before)})."
            )
        reached = self._hass.loop.create_future()

        @callback
        def _changed(event: Event[EventStateChangedData]) -> None:
            new_state = event.data["new_state"]
            # A device that drops off the network mid-command will not answer: stop waiting.
            if (
                new_state is not None
                and not reached.done()
                and (
                    new_state.state == STATE_UNAVAILABLE
                    or _reached(command, before, new_state)
                )
            ):
                reached.set_result(None)

        unsub: Callable[[], None] = async_track_state_change_event(
            self._hass, device.entity_id, _changed
        )
        try:
            async with asyncio.timeout(min(remaining, DEVICE_WAIT)):
                await self._hass.services.async_call(
                    device.domain,
                    _SERVICES[command.action],
                    self._service_data(device, command),
                    blocking=True,
                    context=self._context,
                )
                current = self._hass.states.get(device.entity_id)
                if current is None or not (
                    command.action is not Action.TOGGLE
                    and _reached(command, before, current)
                ):
                    await reached
        except TimeoutError:
            observed = describe_state(self._hass.states.get(device.entity_id))
            self._fire(device, command, observed, "timeout")
            if observed != describe_state(before):
                return f"{device.name}: {observed} (not what was asked)."
            return f"{device.name}: no response (still {observed})."
        except HomeAssistantError as err:
            _LOGGER.warning("Switching %s failed: %s", device.entity_id, err)
            state = self._hass.states.get(device.entity_id)
            self._fire(device, command, describe_state(state), "failed")
            return f"{device.name}: failed (still {describe_state(state)})."
        finally:
            unsub()
        observed = describe_state(self._hass.states.get(device.entity_id))
        self._fire(device, command, observed)
        return f"{device.name}: {observed}"

    @staticmethod
    def _service_data(device: Device, command: Command) -> dict[str, object]:
        """Return the service data for a command."""
        data: dict[str, object] = {ATTR_ENTITY_ID: device.entity_id}
        if command.action is Action.BRIGHTNESS:
            data[ATTR_BRIGHTNESS_PCT] = command.brightness
        return data

    def _fire(
        self, device: Device, command: Command, state: str, result: str | None = None
    ) -> None:
        """Fire the sms_iot_command event for one executed command."""
        if result is None:
            result = "offline" if state in ("offline", "missing") else "ok"
        self._hass.bus.async_fire(
            EVENT_COMMAND,
            {
                "config_entry_id": self._entry_id,
                "sender_name": self._sender.name,
                "entity_id": device.entity_id,
                "device": device.name,
                "action": command.action.value,
                "brightness": command.brightness,
                "result": result,
                "state": state,
            },
            context=self._context,
        )

    def help_text(self) -> str:
        """Return help generated from the sender's devices and permission."""
        names = ", ".join(d.name for d in self._sender.devices) or "none"
        if not self._sender.can_control:
            return f"Devices: {names}. Commands: STATUS, <device>?, HELP."
        commands = "<device> on/off/toggle, all on/off, STATUS, HELP"
        if any(d.domain == "light" for d in self._sender.devices):
            commands = "<device> on/off/toggle, <light> 40%, all on/off, STATUS, HELP"
        if self._sender.default_device is not None:
            commands += f", 1/0 ({self._sender.default_device.name})"
        return f"Devices: {names}. Commands: {commands}."
