"""Test helpers: synthetic buffers, and in-process training on any ``BaseEnv``.

Training goes through ML-Agents' own ``TrainerFactory`` and ``TrainerController``
with a ``SimpleEnvManager`` (one process), as ML-Agents' own tests do.
"""

import copy
from pathlib import Path
from typing import Any

import numpy as np
from mlagents.trainers.buffer import AgentBuffer, BufferKey, RewardSignalUtil
from mlagents.trainers.environment_parameter_manager import EnvironmentParameterManager
from mlagents.trainers.settings import RunOptions
from mlagents.trainers.simple_env_manager import SimpleEnvManager
from mlagents.trainers.stats import StatsReporter, StatsSummary, StatsWriter
from mlagents.trainers.trainer import TrainerFactory
from mlagents.trainers.trainer_controller import TrainerController
from mlagents.trainers.trajectory import ObsUtil
from mlagents_envs.base_env import BaseEnv
from mlagents_envs.side_channel.environment_parameters_channel import (
    EnvironmentParametersChannel,
)


class RewardLog(StatsWriter):
    """Collects the episode-reward summary (mean, std, count) at every summary step."""

    def __init__(self) -> None:
        self.rewards: list[float] = []
        self.steps: list[int] = []
        self.summaries: list[tuple[float, float, int]] = []

    def write_stats(
        self, category: str, values: dict[str, StatsSummary], step: int
    ) -> None:
        summary = values.get("Environment/Cumulative Reward")
        if summary is not None and summary.num > 0:
            self.rewards.append(summary.mean)
            self.steps.append(step)
            self.summaries.append((summary.mean, summary.std, summary.num))


def run_options(config: dict[str, Any], **behavior_overrides: Any) -> RunOptions:
    """``RunOptions`` from a config dict, with overrides for the 3DBall behavior."""
    config = copy.deepcopy(config)
    config["behaviors"]["3DBall"].update(behavior_overrides)
    return RunOptions.from_dict(config)


def train_in_process(
    options: RunOptions,
    output_dir: Path,
    env: BaseEnv,
    params: EnvironmentParametersChannel,
    seed: int = 1,
    resume: bool = False,
) -> RewardLog:
    """Train in-process on ``env``; returns the reward log.

    ``params`` is the environment-parameters channel ``env`` was given, through
    which curriculum and ``environment_parameters`` reach it.
    """
    log = RewardLog()
    # StatsReporter is process-global: drop writers and stats left by earlier runs.
    StatsReporter.writers.clear()
    StatsReporter.stats_dict.clear()
    StatsReporter.add_writer(log)
    param_manager = EnvironmentParameterManager(
        options.environment_parameters, seed, restore=resume
    )
    factory = TrainerFactory(
        trainer_config=options.behaviors,
        output_path=str(output_dir),
        train_model=True,
        load_model=resume,
        seed=seed,
        param_manager=param_manager,
        multi_gpu=False,
    )
    controller = TrainerController(
        factory, str(output_dir), "test", param_manager, True, seed
    )
    env_manager = SimpleEnvManager(env, params)
    try:
        controller.start_learning(env_manager)
    finally:
        env_manager.close()
        StatsReporter.writers.clear()
    return log


def synthetic_buffer(
    n: int, obs_size: int, action_size: int, stream_names: list[str], seed: int = 0
) -> AgentBuffer:
    """An ``AgentBuffer`` shaped like processed continuous-action trajectories."""
    rng = np.random.default_rng(seed)
    buffer = AgentBuffer()
    for _ in range(n):
        buffer[ObsUtil.get_name_at(0)].append(
            rng.normal(size=obs_size).astype(np.float32)
        )
        buffer[ObsUtil.get_name_at_next(0)].append(
            rng.normal(size=obs_size).astype(np.float32)
        )
        buffer[BufferKey.CONTINUOUS_ACTION].append(
            rng.uniform(-1, 1, size=action_size).astype(np.float32)
        )
        buffer[BufferKey.CONTINUOUS_LOG_PROBS].append(
            rng.normal(-1.0, 0.1, size=action_size).astype(np.float32)
        )
        buffer[BufferKey.ACTION_MASK].append(np.ones(0, dtype=np.float32))
        buffer[BufferKey.MASKS].append(1.0)
        buffer[BufferKey.DONE].append(float(rng.random() < 0.05))
        buffer[BufferKey.ENVIRONMENT_REWARDS].append(0.1)
        buffer[BufferKey.ADVANTAGES].append(float(rng.normal()))
        for name in stream_names:
            buffer[RewardSignalUtil.rewards_key(name)].append(0.1)
            buffer[RewardSignalUtil.returns_key(name)].append(float(rng.normal()))
    return buffer
