"""The Unity side of ML-Agents' side channels, for Unity-free environments.

ML-Agents' Python trainer talks to Unity through side channels: the engine
configuration (time scale, ...) and the environment parameters (``mass``,
``scale``, ``gravity`` in 3DBall). Both the in-process simulator and the gRPC
stand-in player decode the same byte stream here, exactly as Unity's C# code
does, so curriculum and ``environment_parameters`` in a YAML reach them.
Add a channel by extending ``UnitySideChannelReceiver.receive``.
"""

import struct
import uuid
from collections.abc import Callable

import numpy as np
from mlagents_envs.side_channel import IncomingMessage

ENGINE_CONFIGURATION = uuid.UUID("e951342c-4f7e-11ea-b238-784f4387d1f7")
ENVIRONMENT_PARAMETERS = uuid.UUID("534c891e-810f-11ea-a9d0-822485860400")
TRAINING_ANALYTICS = uuid.UUID("b664a4a9-d86f-5a5f-95cb-e8353a7e8356")
STATS = uuid.UUID("a1d8f7b7-cec8-50f9-b78b-d3e165a78520")

_FLOAT, _SAMPLER = 0, 1
_UNIFORM, _GAUSSIAN, _MULTIRANGE_UNIFORM = 0, 1, 2


class SideChannelError(ValueError):
    """Raised when side-channel bytes are malformed."""


def split_side_channel_bytes(data: bytes) -> list[tuple]:
    """Split a side-channel byte stream into ``(channel_id, payload)`` records."""
    records = []
    offset = 0
    while offset < len(data):
        if offset + 20 > len(data):
            raise SideChannelError("truncated side-channel record header")
        channel_id = uuid.UUID(bytes_le=bytes(data[offset : offset + 16]))
        (length,) = struct.unpack_from("<i", data, offset + 16)
        offset += 20
        if length < 0 or offset + length > len(data):
            raise SideChannelError(f"side-channel record for {channel_id} is truncated")
        records.append((channel_id, bytes(data[offset : offset + length])))
        offset += length
    return records


class EnvironmentParameters:
    """Unity's ``EnvironmentParameters``: floats and samplers, read with a default.

    As in Unity, a sampler is invoked on every read, so each episode reset draws
    a fresh value.
    """

    def __init__(self) -> None:
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


def _read_sampler(msg: IncomingMessage) -> Callable[[], float]:
    seed = msg.read_int32()
    kind = msg.read_int32()
    rng = np.random.default_rng(seed)
    if kind == _UNIFORM:
        low, high = msg.read_float32(), msg.read_float32()
        return lambda: float(rng.uniform(low, high))
    if kind == _GAUSSIAN:
        mean, std = msg.read_float32(), msg.read_float32()
        return lambda: float(rng.normal(mean, std))
    if kind == _MULTIRANGE_UNIFORM:
        flat = msg.read_float32_list()
        ranges = list(zip(flat[0::2], flat[1::2], strict=False))
        widths = np.array([high - low for low, high in ranges])

        def sample() -> float:
            low, high = ranges[rng.choice(len(ranges), p=widths / widths.sum())]
            return float(rng.uniform(low, high))

        return sample
    raise SideChannelError(f"unknown sampler type {kind}")


class UnitySideChannelReceiver:
    """Decodes Python -> Unity side-channel bytes into environment state."""

    def __init__(self, parameters: EnvironmentParameters | None = None) -> None:
        self.parameters = parameters or EnvironmentParameters()
        self.time_scale = 1.0
        self.engine_config: dict[str, float] = {}

    def receive(self, data: bytes) -> None:
        for channel_id, payload in split_side_channel_bytes(data):
            msg = IncomingMessage(payload)
            if channel_id == ENVIRONMENT_PARAMETERS:
                key = msg.read_string()
                kind = msg.read_int32()
                if kind == _FLOAT:
                    self.parameters.set_float(key, msg.read_float32())
                elif kind == _SAMPLER:
                    self.parameters.set_sampler(key, _read_sampler(msg))
                else:
                    raise SideChannelError(f"unknown environment parameter type {kind}")
            elif channel_id == ENGINE_CONFIGURATION:
                self._receive_engine_config(msg)
            # Training analytics (and unknown channels) are ignored, as Unity logs and skips them.

    def _receive_engine_config(self, msg: IncomingMessage) -> None:
        kind = msg.read_int32()
        if kind == 0:
            self.engine_config["width"] = msg.read_int32()
            self.engine_config["height"] = msg.read_int32()
        elif kind == 1:
            self.engine_config["quality_level"] = msg.read_int32()
        elif kind == 2:
            # Unity clamps the time scale to [1, 100].
            self.time_scale = min(max(msg.read_float32(), 1.0), 100.0)
            self.engine_config["time_scale"] = self.time_scale
        elif kind == 3:
            self.engine_config["target_frame_rate"] = msg.read_int32()
        elif kind == 4:
            self.engine_config["capture_frame_rate"] = msg.read_int32()


def encode_stats(stats: dict[str, float]) -> bytes:
    """Encode Unity -> Python ``StatsSideChannel`` messages (AVERAGE aggregation)."""
    out = bytearray()
    for key, value in stats.items():
        raw = key.encode("ascii")
        payload = struct.pack("<i", len(raw)) + raw + struct.pack("<fi", value, 0)
        out += STATS.bytes_le + struct.pack("<i", len(payload)) + payload
    return bytes(out)
