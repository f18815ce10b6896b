"""Carry out understood commands on the sender's permitted entities; report outcomes."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import replace
from functools import partial
import logging
import time
from typing import Any

from homeassistant.const import (
    ATTR_ENTITY_ID,
    SERVICE_TOGGLE,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
)
from homeassistant.core import (
    Context,
    CoreState,
    Event,
    EventStateChangedData,
    HomeAssistant,
    State,
    callback,
)
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.event import async_call_later, async_track_state_change_event

from .commands import ALL, Action, Command, ParseResult
from .compat import ATTR_BRIGHTNESS, ATTR_BRIGHTNESS_PCT
from .const import DEVICE_WAIT, EVENT_COMMAND, LATE_WINDOW
from .models import AuthorizedNumber, Device, SmsIotConfig
from .outcomes import DeviceReport, Item, Note, Notice, Outcome
from .phrase import describe_state

_LOGGER = logging.getLogger(__name__)
READ_ONLY = frozenset({"sensor", "binary_sensor"})

_SERVICES = {
    Action.ON: SERVICE_TURN_ON,
    Action.OFF: SERVICE_TURN_OFF,
    Action.TOGGLE: SERVICE_TOGGLE,
    Action.BRIGHTNESS: SERVICE_TURN_ON,
}


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


def _offline(state: State | None) -> bool:
    """Return True if the entity is gone or unavailable."""
    return state is None or state.state == STATE_UNAVAILABLE


type LateReport = Callable[[DeviceReport], Awaitable[None]]


def _commanded_by_other(state: State, context: Context) -> bool:
    """Return True if a user or an automation, not the device alone, caused the state."""
    caused = state.context
    return caused.id != context.id and (
        caused.user_id is not None or caused.parent_id is not None
    )


class LateWatches:
    """Commands that timed out, watched for a while: a device may carry them out later."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Initialize with nothing watched."""
        self._hass = hass
        self._cancels: dict[str, Callable[[], None]] = {}

    def watch(
        self,
        entity_id: str,
        context: Context,
        reached: Callable[[State], bool],
        on_reached: Callable[[], Coroutine[Any, Any, None]],
    ) -> None:
        """Call on_reached once if the device itself reaches a state within the window."""
        self.cancel(entity_id)

        @callback
        def _changed(event: Event[EventStateChangedData]) -> None:
            new_state = event.data["new_state"]
            if new_state is None or _commanded_by_other(new_state, context):
                # Removed, or someone else switched it: what follows is not the late command.
                self.cancel(entity_id)
            elif reached(new_state):
                self.cancel(entity_id)
                self._hass.async_create_task(on_reached(), eager_start=True)

        unsubs = [
            async_track_state_change_event(self._hass, entity_id, _changed),
            async_call_later(self._hass, LATE_WINDOW, lambda _: self.cancel(entity_id)),
        ]

        def _cancel() -> None:
            for unsub in unsubs:
                unsub()

        self._cancels[entity_id] = _cancel

    def cancel(self, entity_id: str) -> None:
        """Stop watching an entity (a newer command supersedes the old one)."""
        if (cancel := self._cancels.pop(entity_id, None)) is not None:
            cancel()

    def cancel_all(self) -> None:
        """Stop watching everything (on unload)."""
        for entity_id in list(self._cancels):
            self.cancel(entity_id)


class Executor:
    """Execute one message's commands for one authorized number within a time budget."""

    def __init__(
        self,
        hass: HomeAssistant,
        config: SmsIotConfig,
        number: AuthorizedNumber,
        context: Context,
        entry_id: str,
        deadline: float,
        late: LateWatches,
        on_late: LateReport | None = None,
        confirmed: bool = False,
    ) -> None:
        """Initialize the executor; on_late receives outcomes that come after the reply."""
        self._hass = hass
        self._config = config
        self._number = number
        self._context = context
        self._entry_id = entry_id
        self._deadline = deadline
        self._late = late
        self._on_late = on_late
        self._confirmed = confirmed
        # Commands on "confirm first" devices, held until the sender texts the code.
        self.held: list[Command] = []

    async def async_run(self, parsed: ParseResult) -> list[Item]:
        """Run all commands in order and return what each produced."""
        items: list[Item] = []
        for command in parsed.commands:
            items.extend(await self._async_command(command))
        items.extend(Notice(Note.NOT_UNDERSTOOD, text) for text in parsed.unknown)
        if parsed.truncated:
            items.append(Notice(Note.TRUNCATED))
        return items

    async def _async_command(self, command: Command) -> list[Item]:
        """Run one command."""
        if command.action is Action.HELP:
            return [Notice(Note.HELP)]
        devices = self._targets(command)
        if isinstance(devices, Notice):
            return [devices]
        if command.action is Action.STATUS:
            return [self._status(device) for device in devices]
        if not self._number.can_control:
            return [Notice(Note.STATUS_ONLY)]
        # Sensors are read, never switched; "all on" passes them by.
        if not (switchable := [d for d in devices if d.domain not in READ_ONLY]):
            return [Notice(Note.READ_ONLY, devices[0].name)]
        devices = switchable
        if command.action is Action.BRIGHTNESS:
            if not (lights := [d for d in devices if d.domain == "light"]):
                return [Notice(Note.NOT_A_LIGHT, devices[0].name)]
            devices = lights
        if not self._confirmed:
            # "Confirm first" devices wait for the code the reply will ask for.
            self.held += [
                Command(command.action, d.name, command.brightness)
                for d in devices
                if d.confirm
            ]
            devices = [d for d in devices if not d.confirm]
        return list(
            await asyncio.gather(
                *(self._async_switch(device, command) for device in devices)
            )
        )

    def _targets(self, command: Command) -> list[Device] | Notice:
        """Return the permitted devices a command is about, or why there are none."""
        permitted = self._number.devices
        if not permitted:
            return Notice(Note.NO_DEVICES)
        if command.target == ALL or (
            command.target is None and command.action is Action.STATUS
        ):
            return list(permitted)
        if command.target is None:
            if self._number.default_device is None:
                return Notice(Note.NAME_ONE, permitted[0].name)
            return [self._number.default_device]
        device = self._config.find_device(command.target)
        if device is None:
            return Notice(Note.UNKNOWN_DEVICE, command.target)
        if device not in permitted:
            return Notice(Note.NOT_PERMITTED, device.name)
        return [device]

    @property
    def _starting(self) -> bool:
        """Return True while Home Assistant is still starting (entities may be missing)."""
        return self._hass.state is not CoreState.running

    def _status(self, device: Device) -> DeviceReport:
        """Report a device's current state."""
        state = self._hass.states.get(device.entity_id)
        return DeviceReport(device, None, state, state, self._starting)

    async def _async_switch(self, device: Device, command: Command) -> DeviceReport:
        """Switch one device and wait for the state it reports."""
        self._late.cancel(device.entity_id)
        before = self._hass.states.get(device.entity_id)
        if _offline(before):
            return self._report(device, command, Outcome.OFFLINE, before)
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            return DeviceReport(device, Outcome.SKIPPED, before, before, self._starting)
        try:
            async with asyncio.timeout(min(remaining, DEVICE_WAIT)):
                await self._async_call_and_wait(device, command, before)
        except TimeoutError:
            return self._timed_out(device, command, before)
        except HomeAssistantError as err:
            _LOGGER.warning("Switching %s failed: %s", device.entity_id, err)
            return self._report(device, command, Outcome.FAILED, before)
        return self._report(device, command, Outcome.OK, before)

    async def _async_call_and_wait(
        self, device: Device, command: Command, before: State | None
    ) -> None:
        """Call the service, then wait until the device reports the asked state."""
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
        finally:
            unsub()

    def _timed_out(
        self, device: Device, command: Command, before: State | None
    ) -> DeviceReport:
        """Report a timeout; keep watching, so a command carried out later is reported."""
        report = self._report(device, command, Outcome.TIMEOUT, before)
        if (on_late := self._on_late) is None:
            return report

        async def _async_late() -> None:
            await on_late(self._report(device, command, Outcome.LATE, before))

        self._late.watch(
            device.entity_id,
            self._context,
            partial(_reached, command, before),
            _async_late,
        )
        return replace(report, follow_up=True)

    @staticmethod
    def _service_data(device: Device, command: Command) -> dict[str, object]:
        """Return the service data for a command."""
        data: dict[str, object] = {ATTR_ENTITY_ID: device.entity_id}
        if command.action is Action.BRIGHTNESS:
            data[ATTR_BRIGHTNESS_PCT] = command.brightness
        return data

    def _report(
        self,
        device: Device,
        command: Command,
        outcome: Outcome,
        before: State | None,
    ) -> DeviceReport:
        """Observe the device, fire the sms_iot_command event and report it."""
        state = self._hass.states.get(device.entity_id)
        if outcome is Outcome.OK and _offline(state):
            outcome = Outcome.OFFLINE
        self._hass.bus.async_fire(
            EVENT_COMMAND,
            {
                "config_entry_id": self._entry_id,
                "sender_name": self._number.name,
                "entity_id": device.entity_id,
                "device": device.name,
                "action": command.action.value,
                "brightness": command.brightness,
                "result": outcome.value,
                "state": describe_state(state, self._starting),
            },
            context=self._context,
        )
        return DeviceReport(device, outcome, before, state, self._starting)
