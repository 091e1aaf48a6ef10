"""The trainer's networks, buffers and optimizer state live on the device asked for.

``mlagents-learn --torch-device cuda`` (or ``torch_settings: {device: cuda}`` in
the YAML) reaches ML-Agents' ``set_torch_config`` before any trainer is built;
the fixture below does the same. The CPU case runs everywhere, the CUDA case
where torch sees a GPU. New networks or optimizers belong in
``get_modules()``, which is what this test and checkpoints look at.
"""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import torch
from mlagents.torch_utils import default_device, set_torch_config
from mlagents.trainers.settings import RunOptions, TorchSettings

from {{ cookiecutter.package_name }}.trainer import (
    {{ cookiecutter.trainer_class_name }},
)

from .helpers import build_trainer, synthetic_buffer
from .test_update import BEHAVIOR_NAME, SPEC

DEVICES = [
    "cpu",
    pytest.param(
        "cuda",
        marks=pytest.mark.skipif(
            not torch.cuda.is_available(), reason="torch sees no CUDA device here"
        ),
    ),
]


@pytest.fixture(params=DEVICES)
def device(request: pytest.FixtureRequest) -> Iterator[torch.device]:
    """Set ML-Agents' torch device as ``--torch-device`` does; restore it after."""
    before = default_device()
    set_torch_config(TorchSettings(device=request.param))
    try:
        yield default_device()
    finally:
        set_torch_config(TorchSettings(device=str(before)))
        torch.set_default_device(before)


def build(
    config_dict: dict[str, Any],
    artifacts: Path,
    resume: bool,
) -> {{ cookiecutter.trainer_class_name }}:
    """The trainer with its policy and optimizer, as ``mlagents-learn`` builds them."""
    settings = RunOptions.from_dict(config_dict).behaviors["3DBall"]
    return build_trainer(settings, BEHAVIOR_NAME, SPEC, artifacts, load=resume)


def tensors(trainer: {{ cookiecutter.trainer_class_name }}) -> dict[str, torch.Tensor]:
    """Every tensor of the policy and of ``get_modules()``: parameters, buffers
    (the observation normalizer's among them) and optimizer state. Adam's ``step``
    counters are left out: torch keeps them on the CPU by design."""
    found: dict[str, torch.Tensor] = {}
    modules = {"actor": trainer.policy.actor, **trainer.optimizer.get_modules()}
    for name, module in modules.items():
        if isinstance(module, torch.nn.Module):
            for key, tensor in [*module.named_parameters(), *module.named_buffers()]:
                found[f"{name}.{key}"] = tensor
        elif isinstance(module, torch.optim.Optimizer):
            for index, state in enumerate(module.state.values()):
                for key, value in state.items():
                    if torch.is_tensor(value) and key != "step":
                        found[f"{name}.state[{index}].{key}"] = value
    return found


def off_device(found: dict[str, torch.Tensor], device: torch.device) -> list[str]:
    return [
        f"{k} on {t.device}" for k, t in found.items() if t.device.type != device.type
    ]


def test_networks_buffers_and_optimizer_state_follow_the_device(
    device: torch.device, config_dict: dict[str, Any], tmp_path: Path
) -> None:
    config_dict["behaviors"]["3DBall"]["network_settings"]["normalize"] = True
    trainer = build(config_dict, tmp_path, resume=False)
    batch = synthetic_buffer(
        64,
        obs_size=8,
        action_size=2,
        stream_names=list(trainer.optimizer.reward_signals),
    )
    trainer.optimizer.update(batch, num_sequences=64)
    trained = tensors(trainer)
    assert any(".state[" in name for name in trained), "no optimizer state to check"
    assert any("normalizer" in name for name in trained), "no normalizer buffers"
    assert off_device(trained, device) == []

    trainer.model_saver.save_checkpoint("3DBall", 64)
    resumed = tensors(build(config_dict, tmp_path, resume=True))
    assert off_device(resumed, device) == []
    assert resumed.keys() == trained.keys()
    differ = [k for k in trained if not torch.equal(trained[k].cpu(), resumed[k].cpu())]
    assert differ == [], "not restored on resume"
