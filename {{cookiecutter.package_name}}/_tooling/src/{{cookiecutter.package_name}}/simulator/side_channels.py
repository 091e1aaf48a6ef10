"""The Unity side of ML-Agents' side channels, for Unity-free environments.

ML-Agents' trainer talks to Unity through side channels: the engine
configuration (time scale, ...) and the environment parameters (``mass``,
``scale``, ``gravity`` in 3DBall). Here the simulator receives them, both in
process and behind the stand-in player, on ``mlagents_envs``' own classes:
``SideChannelManager`` splits the byte stream, each receiver is a
``SideChannel`` with the channel id of the trainer's channel, and
``IncomingMessage`` reads the fields in the order the trainer's channel writes
them, with its enums. To receive another channel, add a ``SideChannel``
subclass and list it in ``UnitySideChannelReceiver``.
"""

from collections.abc import Callable

import numpy as np
from mlagents_envs.side_channel import IncomingMessage, SideChannel
from mlagents_envs.side_channel.engine_configuration_channel import (
    EngineConfigurationChannel,
)
from mlagents_envs.side_channel.environment_parameters_channel import (
    EnvironmentParametersChannel,
)
from mlagents_envs.side_channel.side_channel_manager import SideChannelManager

DataType = EnvironmentParametersChannel.EnvironmentDataTypes
SamplerType = EnvironmentParametersChannel.SamplerTypes
ConfigurationType = EngineConfigurationChannel.ConfigurationType


class SideChannelError(ValueError):
    """Raised when a side-channel message holds a type this receiver does not know."""


class EnvironmentParameters(SideChannel):
    """Unity's ``EnvironmentParameters``: floats and samplers, read with a default.

    The receiving end of ``EnvironmentParametersChannel``. As in Unity, a
    sampler is invoked on every read, so each episode reset draws a fresh value.
    """

    def __init__(self) -> None:
        super().__init__(EnvironmentParametersChannel().channel_id)
        self._values: dict[str, Callable[[], float]] = {}
        self._callbacks: dict[str, Callable[[float], None]] = {}
        self.received: dict[str, float] = {}

    def register_callback(self, key: str, callback: Callable[[float], None]) -> None:
        """Call ``callback(value)`` whenever a FLOAT for ``key`` arrives."""
        self._callbacks[key] = callback

    def get_with_default(self, key: str, default: float) -> float:
        sampler = self._values.get(key)
        return default if sampler is None else float(sampler())

    def set_float(self, key: str, value: float) -> None:
        self._values[key] = lambda: value
        self.received[key] = value
        if key in self._callbacks:
            self._callbacks[key](value)

    def set_sampler(self, key: str, sampler: Callable[[], float]) -> None:
        self._values[key] = sampler
        self.received[key] = float("nan")

    def on_message_received(self, msg: IncomingMessage) -> None:
        key = msg.read_string()
        kind = msg.read_int32()
        if kind == DataType.FLOAT:
            self.set_float(key, msg.read_float32())
        elif kind == DataType.SAMPLER:
            self.set_sampler(key, _read_sampler(msg))
        else:
            raise SideChannelError(f"unknown environment parameter type {kind}")


def _read_sampler(msg: IncomingMessage) -> Callable[[], float]:
    seed = msg.read_int32()
    kind = msg.read_int32()
    rng = np.random.default_rng(seed)
    if kind == SamplerType.UNIFORM:
        low, high = msg.read_float32(), msg.read_float32()
        return lambda: float(rng.uniform(low, high))
    if kind == SamplerType.GAUSSIAN:
        mean, std = msg.read_float32(), msg.read_float32()
        return lambda: float(rng.normal(mean, std))
    if kind == SamplerType.MULTIRANGEUNIFORM:
        flat = msg.read_float32_list()
        ranges = list(zip(flat[0::2], flat[1::2], strict=False))
        widths = np.array([high - low for low, high in ranges])

        def sample() -> float:
            low, high = ranges[rng.choice(len(ranges), p=widths / widths.sum())]
            return float(rng.uniform(low, high))

        return sample
    raise SideChannelError(f"unknown sampler type {kind}")


class EngineConfiguration(SideChannel):
    """The receiving end of ``EngineConfigurationChannel``: what Unity's engine would apply."""

    def __init__(self) -> None:
        super().__init__(EngineConfigurationChannel().channel_id)
        self.time_scale = 1.0
        self.values: dict[str, float] = {}

    def on_message_received(self, msg: IncomingMessage) -> None:
        kind = msg.read_int32()
        if kind == ConfigurationType.SCREEN_RESOLUTION:
            self.values["width"] = msg.read_int32()
            self.values["height"] = msg.read_int32()
        elif kind == ConfigurationType.QUALITY_LEVEL:
            self.values["quality_level"] = msg.read_int32()
        elif kind == ConfigurationType.TIME_SCALE:
            # Unity clamps the time scale to [1, 100].
            self.time_scale = min(max(msg.read_float32(), 1.0), 100.0)
            self.values["time_scale"] = self.time_scale
        elif kind == ConfigurationType.TARGET_FRAME_RATE:
            self.values["target_frame_rate"] = msg.read_int32()
        elif kind == ConfigurationType.CAPTURE_FRAME_RATE:
            self.values["capture_frame_rate"] = msg.read_int32()
        else:
            raise SideChannelError(f"unknown engine configuration type {kind}")


class UnitySideChannelReceiver:
    """Decodes trainer -> Unity side-channel bytes into environment state.

    Channels it does not know (training analytics, say) are logged and skipped
    by ``SideChannelManager``, as Unity skips them.
    """

    def __init__(self) -> None:
        self.parameters = EnvironmentParameters()
        self.engine = EngineConfiguration()
        self._manager = SideChannelManager([self.parameters, self.engine])

    @property
    def engine_config(self) -> dict[str, float]:
        return self.engine.values

    def receive(self, data: bytes) -> None:
        self._manager.process_side_channel_message(data)
