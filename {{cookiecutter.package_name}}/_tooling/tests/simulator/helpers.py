"""Helpers for the tooling's tests: training on the simulator, the train command line."""

import sys
from pathlib import Path

from mlagents.trainers.settings import RunOptions
from mlagents_envs.side_channel.environment_parameters_channel import (
    EnvironmentParametersChannel,
)

from {{ cookiecutter.package_name }}.simulator import Ball3DEnv

from ..helpers import RewardLog, train_in_process


def train_on_simulator(
    options: RunOptions,
    output_dir: Path,
    seed: int = 1,
    resume: bool = False,
) -> RewardLog:
    """Train in-process on the 3DBall simulator; returns the reward log."""
    params = EnvironmentParametersChannel()
    env = Ball3DEnv(seed=seed, side_channels=[params])
    return train_in_process(options, output_dir, env, params, seed, resume)


def train_command(config: Path, results: Path, run_id: str, *extra: str) -> list[str]:
    """The package's ``train`` command line, as a user would run it."""
    return [
        sys.executable,
        "-m",
        "{{ cookiecutter.package_name }}.simulator.train",
        str(config),
        "--run-id",
        run_id,
        "--results-dir",
        str(results),
        *extra,
    ]
