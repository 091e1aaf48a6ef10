"""One ``update()`` on a synthetic minibatch trains the networks and reports the stats.

The optimizer's ``masked_mean`` (every loss's mean over the unmasked steps) is
ML-Agents' ``ModelUtils.masked_mean``, bit for bit.
"""

from pathlib import Path
from typing import Any

import pytest
import torch
from mlagents.trainers.settings import RunOptions
from mlagents.trainers.torch_entities.utils import ModelUtils
from mlagents_envs.base_env import (
    ActionSpec,
    BehaviorSpec,
    DimensionProperty,
    ObservationSpec,
    ObservationType,
)

from {{ cookiecutter.package_name }}.optimizer import (
    {{ cookiecutter.trainer_class_name }}Optimizer,
    masked_mean,
)

from .conftest import ALGORITHM
from .helpers import build_trainer, synthetic_buffer

EXPECTED_STATS_BY_ALGORITHM = {
    "on-policy": {
        "Losses/Policy Loss",
        "Losses/Value Loss",
        "Policy/Approx KL",
        "Policy/Clip Fraction",
        "Policy/Learning Rate",
        "Policy/Epsilon",
        "Policy/Beta",
    },
    "off-policy": {
        "Losses/Policy Loss",
        "Losses/Q1 Loss",
        "Losses/Q2 Loss",
        "Losses/Entropy Coefficient Loss",
        "Policy/Continuous Entropy Coeff",
        "Policy/Extrinsic Q Value",
        "Policy/Learning Rate",
    },
    "cooperative": {
        "Losses/Policy Loss",
        "Losses/Value Loss",
        "Losses/Baseline Loss",
        "Policy/Learning Rate",
        "Policy/Epsilon",
        "Policy/Beta",
    },
}
# 3DBall's interface: 8 vector observations, 2 continuous actions.
BEHAVIOR_NAME = "3DBall?team=0"
SPEC = BehaviorSpec(
    observation_specs=[
        ObservationSpec(
            shape=(8,),
            dimension_property=(DimensionProperty.NONE,),
            observation_type=ObservationType.DEFAULT,
            name="VectorSensor_size8",
        )
    ],
    action_spec=ActionSpec(continuous_size=2, discrete_branches=()),
)


def make_optimizer(
    config_dict: dict[str, Any],
    tmp_path: Path,
) -> {{ cookiecutter.trainer_class_name }}Optimizer:
    """The trainer's own policy and optimizer, as ML-Agents would build them."""
    settings = RunOptions.from_dict(config_dict).behaviors["3DBall"]
    return build_trainer(settings, BEHAVIOR_NAME, SPEC, tmp_path).optimizer


def parameters(
    optimizer: {{ cookiecutter.trainer_class_name }}Optimizer,
) -> dict[str, torch.Tensor]:
    """Copies of every trainable tensor: the actor's and the optimizer's networks."""
    named = {f"actor.{n}": p for n, p in optimizer.policy.actor.named_parameters()}
    for module_name, module in optimizer.get_modules().items():
        if isinstance(module, torch.nn.Module):
            named.update(module.named_parameters(prefix=module_name))
    return {name: tensor.detach().clone() for name, tensor in named.items()}


def test_update_changes_weights_and_returns_the_stats(
    config_dict: dict[str, Any], tmp_path: Path
) -> None:
    optimizer = make_optimizer(config_dict, tmp_path)
    before = parameters(optimizer)
    batch = synthetic_buffer(
        64, obs_size=8, action_size=2, stream_names=list(optimizer.reward_signals)
    )
    stats = optimizer.update(batch, num_sequences=64)

    assert set(stats) == EXPECTED_STATS_BY_ALGORITHM[ALGORITHM]
    assert all(isinstance(v, float) and v == v for v in stats.values())
    after = parameters(optimizer)
    changed = {name for name in before if not torch.equal(before[name], after[name])}
    assert any(name.startswith("actor.") for name in changed), "policy unchanged"
    assert any(not name.startswith("actor.") for name in changed), "critic unchanged"


@pytest.mark.parametrize("shape", [(64,), (64, 3)], ids=["vector", "matrix"])
@pytest.mark.parametrize("masked", ["some", "none", "all"])
def test_masked_mean_is_mlagents_masked_mean(
    shape: tuple[int, ...], masked: str
) -> None:
    generator = torch.Generator().manual_seed(0)
    tensor = torch.randn(shape, generator=generator)
    masks = {
        "some": torch.rand(shape[0], generator=generator) < 0.7,
        "none": torch.ones(shape[0], dtype=torch.bool),
        "all": torch.zeros(shape[0], dtype=torch.bool),
    }[masked]
    assert torch.equal(
        masked_mean(tensor, masks), ModelUtils.masked_mean(tensor, masks)
    )
