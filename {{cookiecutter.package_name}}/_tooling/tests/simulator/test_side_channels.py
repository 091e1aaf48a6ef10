"""The simulator receives what ML-Agents' own side channels send, byte for byte."""

import math

import pytest
from mlagents_envs.exception import UnityEnvironmentException
from mlagents_envs.side_channel.engine_configuration_channel import (
    EngineConfigurationChannel,
)
from mlagents_envs.side_channel.environment_parameters_channel import (
    EnvironmentParametersChannel,
)
from mlagents_envs.side_channel.side_channel_manager import SideChannelManager

from {{ cookiecutter.package_name }}.simulator.side_channels import (
    UnitySideChannelReceiver,
)


def sent(*channels: object) -> bytes:
    """The bytes the trainer would send for what ``channels`` queued."""
    return bytes(SideChannelManager(list(channels)).generate_side_channel_messages())


def test_floats_and_samplers_arrive_as_environment_parameters() -> None:
    channel = EnvironmentParametersChannel()
    channel.set_float_parameter("mass", 2.5)
    channel.set_uniform_sampler_parameters("scale", 0.5, 1.5, seed=3)
    channel.set_gaussian_sampler_parameters("gravity", 9.81, 0.0, seed=4)
    channel.set_multirangeuniform_sampler_parameters(
        "friction", [(0.0, 0.1), (0.9, 1.0)], seed=5
    )
    receiver = UnitySideChannelReceiver()
    receiver.receive(sent(channel))
    params = receiver.parameters
    assert params.get_with_default("mass", 1.0) == 2.5
    scales = [params.get_with_default("scale", 0.0) for _ in range(50)]
    assert all(0.5 <= s <= 1.5 for s in scales) and len(set(scales)) > 1
    assert params.get_with_default("gravity", 0.0) == pytest.approx(9.81, abs=1e-5)
    frictions = [params.get_with_default("friction", -1.0) for _ in range(50)]
    assert all(0.0 <= f <= 0.1 or 0.9 <= f <= 1.0 for f in frictions)
    assert params.get_with_default("missing", 7.0) == 7.0
    assert params.received["mass"] == 2.5 and math.isnan(params.received["scale"])


def test_engine_configuration_arrives_with_unity_clamping() -> None:
    channel = EngineConfigurationChannel()
    channel.set_configuration_parameters(
        width=84, height=42, quality_level=3, time_scale=500.0, target_frame_rate=60
    )
    receiver = UnitySideChannelReceiver()
    receiver.receive(sent(channel))
    assert receiver.engine_config == {
        "width": 84,
        "height": 42,
        "quality_level": 3,
        "time_scale": 100.0,  # Unity clamps the time scale to [1, 100]
        "target_frame_rate": 60,
    }


def test_truncated_bytes_are_a_clear_error() -> None:
    channel = EnvironmentParametersChannel()
    channel.set_float_parameter("mass", 2.5)
    with pytest.raises(UnityEnvironmentException, match="unexpectedly short"):
        UnitySideChannelReceiver().receive(sent(channel)[:-2])
