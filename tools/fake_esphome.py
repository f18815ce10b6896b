"""A small ESPHome device speaking the native API (plaintext) with aioesphomeapi's protobufs.

It has the entities of esphome/packages/sms_iot_entities.yaml (a "Relay" switch and a dimmable
"Onboard LED" light) and knobs for faults the real device cannot be told to have: answer
commands late, never, or drop the connection when a command arrives. The host-built ESPHome
device (scripts/esp-sim) stays the reference; this one is for fast fault-injection tests.

With modem=True it also has the surface of esphome/packages/sim800l_modem.yaml, which no
Linux build can have (the SIM800L is on a UART): receive_sms() raises the esphome.sms_received
event as on_sms_received does, and the send_sms action records what it was asked to send.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
import time
from typing import Any

from aioesphomeapi import api_pb2
from aioesphomeapi.core import MESSAGE_TYPE_TO_PROTO
from google.protobuf.message import Message

_TYPE_OF = {proto: number for number, proto in MESSAGE_TYPE_TO_PROTO.items()}
RELAY_KEY = 1
LED_KEY = 2
SEND_SMS_KEY = 3
SIGNAL_KEY = 4
REGISTERED_KEY = 5
_BRIGHTNESS_MODE = 3  # ESPHome ColorMode.BRIGHTNESS (ON_OFF | BRIGHTNESS bits)


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


async def _read_varint(reader: asyncio.StreamReader) -> int:
    shift = result = 0
    while True:
        byte = (await reader.readexactly(1))[0]
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result
        shift += 7


@dataclass
class FakeEsphomeDevice:
    """The device's state and fault knobs."""

    name: str = "sms-iot-fake"
    friendly_name: str = "SMS IoT Fake"
    mac: str = "98:35:69:ab:f6:7a"
    relay: bool = False
    led_on: bool = False
    led_brightness: float = 1.0
    delay: float = 0.0  # seconds before a command's new state is reported
    ignore_commands: bool = False  # accept commands, never report (a hung device)
    drop_on_command: bool = False  # close the connection when a command arrives
    commands: list[Any] = field(default_factory=list)
    modem: bool = False
    sent_sms: list[tuple[str, str]] = field(default_factory=list)
    _writers: set[asyncio.StreamWriter] = field(default_factory=set)
    _event_writers: set[asyncio.StreamWriter] = field(default_factory=set)
    _sms_waiters: list[asyncio.Future[None]] = field(default_factory=list)
    _server: asyncio.Server | None = None

    async def start(self, port: int = 0) -> int:
        """Listen on 127.0.0.1 and return the port."""
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", port)
        return int(self._server.sockets[0].getsockname()[1])

    async def stop(self) -> None:
        """Close every connection and stop listening, like a power cut."""
        for writer in list(self._writers):
            writer.close()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    def _send(self, writer: asyncio.StreamWriter, message: Message) -> None:
        payload = message.SerializeToString()
        writer.write(
            b"\x00" + _varint(len(payload)) + _varint(_TYPE_OF[type(message)]) + payload
        )

    def receive_sms(self, sender: str, message: str) -> None:
        """Raise esphome.sms_received the way the modem package's on_sms_received does."""
        event = api_pb2.HomeassistantActionRequest(
            service="esphome.sms_received",
            is_event=True,
            data=[
                api_pb2.HomeassistantServiceMap(key="sender", value=sender),
                api_pb2.HomeassistantServiceMap(key="message", value=message),
            ],
        )
        for writer in list(self._event_writers):
            self._send(writer, event)

    async def wait_for_sms(self, count: int, seconds: float = 10.0) -> None:
        """Wait until send_sms was called count times in all."""
        async with asyncio.timeout(seconds):
            while len(self.sent_sms) < count:
                waiter = asyncio.get_running_loop().create_future()
                self._sms_waiters.append(waiter)
                await waiter

    def _sms_sent(self, request: Any) -> None:
        recipient, message = (arg.string_ for arg in request.args)
        self.sent_sms.append((recipient, message))
        for waiter in self._sms_waiters:
            if not waiter.done():
                waiter.set_result(None)
        self._sms_waiters.clear()

    def _modem_entities(self) -> list[Message]:
        string = api_pb2.SERVICE_ARG_TYPE_STRING
        return [
            api_pb2.ListEntitiesServicesResponse(
                name="send_sms",
                key=SEND_SMS_KEY,
                args=[
                    api_pb2.ListEntitiesServicesArgument(name="recipient", type=string),
                    api_pb2.ListEntitiesServicesArgument(name="message", type=string),
                ],
            ),
            api_pb2.ListEntitiesSensorResponse(
                object_id="modem_signal", key=SIGNAL_KEY, name="Modem signal"
            ),
            api_pb2.ListEntitiesBinarySensorResponse(
                object_id="modem_registered",
                key=REGISTERED_KEY,
                name="Modem registered",
            ),
        ]

    def _states(self) -> list[Message]:
        modem = [
            api_pb2.SensorStateResponse(key=SIGNAL_KEY, state=17.0),
            api_pb2.BinarySensorStateResponse(key=REGISTERED_KEY, state=True),
        ]
        return (modem if self.modem else []) + [
            api_pb2.SwitchStateResponse(key=RELAY_KEY, state=self.relay),
            api_pb2.LightStateResponse(
                key=LED_KEY,
                state=self.led_on,
                brightness=self.led_brightness,
                color_mode=_BRIGHTNESS_MODE,
            ),
        ]

    def _publish(self) -> None:
        for writer in list(self._writers):
            for state in self._states():
                self._send(writer, state)

    def _apply(self, command: Message) -> None:
        if isinstance(command, api_pb2.SwitchCommandRequest):
            self.relay = command.state
        elif isinstance(command, api_pb2.LightCommandRequest):
            if command.has_state:
                self.led_on = command.state
            if command.has_brightness:
                self.led_brightness = command.brightness
        self._publish()

    def _reply(self, writer: asyncio.StreamWriter, request: Message) -> bool:
        """Answer one request; return False to close the connection."""
        if isinstance(request, api_pb2.HelloRequest):
            self._send(
                writer,
                api_pb2.HelloResponse(
                    api_version_major=1,
                    api_version_minor=12,
                    server_info="sms_iot fake",
                    name=self.name,
                ),
            )
        elif isinstance(request, api_pb2.AuthenticationRequest):
            self._send(writer, api_pb2.AuthenticationResponse(invalid_password=False))
        elif isinstance(request, api_pb2.DeviceInfoRequest):
            self._send(
                writer,
                api_pb2.DeviceInfoResponse(
                    name=self.name,
                    friendly_name=self.friendly_name,
                    mac_address=self.mac,
                    esphome_version="2026.10.0",
                    model="sms_iot fake",
                    manufacturer="sms_iot",
                ),
            )
        elif isinstance(request, api_pb2.ListEntitiesRequest):
            self._send(
                writer,
                api_pb2.ListEntitiesSwitchResponse(
                    object_id="relay", key=RELAY_KEY, name="Relay"
                ),
            )
            self._send(
                writer,
                api_pb2.ListEntitiesLightResponse(
                    object_id="onboard_led",
                    key=LED_KEY,
                    name="Onboard LED",
                    supported_color_modes=[_BRIGHTNESS_MODE],
                ),
            )
            for entity in self._modem_entities() if self.modem else []:
                self._send(writer, entity)
            self._send(writer, api_pb2.ListEntitiesDoneResponse())
        elif isinstance(request, api_pb2.SubscribeHomeassistantServicesRequest):
            self._event_writers.add(writer)
        elif isinstance(request, api_pb2.ExecuteServiceRequest):
            if self.modem and request.key == SEND_SMS_KEY:
                self._sms_sent(request)
        elif isinstance(request, api_pb2.SubscribeStatesRequest):
            for state in self._states():
                self._send(writer, state)
        elif isinstance(request, api_pb2.PingRequest):
            self._send(writer, api_pb2.PingResponse())
        elif isinstance(request, api_pb2.GetTimeRequest):
            self._send(writer, api_pb2.GetTimeResponse(epoch_seconds=int(time.time())))
        elif isinstance(request, api_pb2.DisconnectRequest):
            self._send(writer, api_pb2.DisconnectResponse())
            return False
        elif isinstance(
            request, api_pb2.SwitchCommandRequest | api_pb2.LightCommandRequest
        ):
            self.commands.append(request)
            if self.drop_on_command:
                return False
            if not self.ignore_commands:
                asyncio.get_running_loop().call_later(self.delay, self._apply, request)
        return True

    async def _serve(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self._writers.add(writer)
        try:
            while True:
                if (await reader.readexactly(1)) != b"\x00":
                    break
                length = await _read_varint(reader)
                kind = await _read_varint(reader)
                payload = await reader.readexactly(length)
                proto = MESSAGE_TYPE_TO_PROTO.get(kind)
                if proto is None:
                    continue
                request = proto()
                request.ParseFromString(payload)
                if not self._reply(writer, request):
                    break
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            self._writers.discard(writer)
            self._event_writers.discard(writer)
            writer.close()
