"""Carry out understood commands on the sender's permitted entities; report outcomes."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import replace
from functools import partial
import logging
import time
from typing import Any

from homeassistant.const import STATE_UNAVAILABLE
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
from .const import DEVICE_WAIT, EVENT_COMMAND, LATE_WINDOW
from .kinds import MOVING, ON_OFF, SERVICES, STUCK, meaning, reached, service_data
from .models import AuthorizedNumber, Device, SmsIotConfig
from .outcomes import DeviceReport, Item, Note, Notice, Outcome
from .phrase import describe_state

_LOGGER = logging.getLogger(__name__)


def _at_rest(state: State) -> bool:
    """Return True once a moving device (a door, a lock) has stopped, wherever it stopped."""
    return state.state not in MOVING


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
        if command.target == ALL:
            # "All on/off" switches lights and switches: never a door, a lock or a sensor.
            devices = [d for d in devices if d.domain in ON_OFF]
            if not devices:
                return [Notice(Note.NOTHING_TO_SWITCH)]
        items: list[Item] = []
        runs: list[tuple[Device, Command]] = []
        for device in devices:
            state = self._hass.states.get(device.entity_id)
            meant = meaning(command, device.domain, state)
            if isinstance(meant, Note):
                items.append(Notice(meant, device.name))
            elif self._confirmed or not device.needs_code(state):
                runs.append((device, meant))
            else:
                # "Confirm first" devices wait for the code the reply will ask for.
                self.held.append(replace(meant, target=device.name))
        if len(runs) == 1:
            # The usual text: no task to gather, so no extra turns of the event loop.
            items.append(await self._async_switch(*runs[0]))
        elif runs:
            items += await asyncio.gather(*(self._async_switch(*run) for run in runs))
        return items

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
        state = self._hass.states.get(device.entity_id)
        stuck = state is not None and state.state in STUCK
        return self._report(
            device, command, Outcome.FAILED if stuck else Outcome.OK, before
        )

    async def _async_call_and_wait(
        self, device: Device, command: Command, before: State | None
    ) -> None:
        """Call the service, then wait until the device reports the asked state."""
        answered = self._hass.loop.create_future()

        @callback
        def _changed(event: Event[EventStateChangedData]) -> None:
            new_state = event.data["new_state"]
            # A device that drops off the network mid-command will not answer: stop waiting.
            if (
                new_state is not None
                and not answered.done()
                and (
                    new_state.state == STATE_UNAVAILABLE
                    or new_state.state in STUCK
                    or reached(command, before, new_state)
                )
            ):
                answered.set_result(None)

        unsub: Callable[[], None] = async_track_state_change_event(
            self._hass, device.entity_id, _changed
        )
        try:
            await self._hass.services.async_call(
                device.domain,
                SERVICES[command.action],
                service_data(device.entity_id, command),
                blocking=True,
                context=self._context,
            )
            current = self._hass.states.get(device.entity_id)
            if current is None or not (
                command.action is not Action.TOGGLE
                and reached(command, before, current)
            ):
                await answered
        finally:
            unsub()

    def _timed_out(
        self, device: Device, command: Command, before: State | None
    ) -> DeviceReport:
        """Report a timeout or a device still moving; keep watching, to text how it ends."""
        state = self._hass.states.get(device.entity_id)
        moving = state is not None and state.state in MOVING
        report = self._report(
            device, command, Outcome.MOVING if moving else Outcome.TIMEOUT, before
        )
        if (on_late := self._on_late) is None:
            return report
        ended, outcome = (
            (_at_rest, Outcome.DONE)
            if moving
            else (partial(reached, command, before), Outcome.LATE)
        )

        async def _async_late() -> None:
            await on_late(self._report(device, command, outcome, before))

        self._late.watch(device.entity_id, self._context, ended, _async_late)
        return replace(report, follow_up=True)

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
