"""Test helpers: synthetic buffers, and in-process training on any ``BaseEnv``.

Training goes through ``tasks.harness.train``: ML-Agents' own ``TrainerFactory``
and ``TrainerController`` with a ``SimpleEnvManager`` (one process).
"""

import copy
from pathlib import Path
from typing import Any

import numpy as np
from mlagents.trainers.behavior_id_utils import BehaviorIdentifiers
from mlagents.trainers.buffer import AgentBuffer, BufferKey, RewardSignalUtil
from mlagents.trainers.settings import RunOptions, TrainerSettings
from mlagents.trainers.stats import StatsSummary, StatsWriter
from mlagents.trainers.trajectory import ObsUtil
from mlagents_envs.base_env import BaseEnv, BehaviorSpec
from mlagents_envs.side_channel.environment_parameters_channel import (
    EnvironmentParametersChannel,
)

from {{ cookiecutter.package_name }}.tasks.harness import train
from {{ cookiecutter.package_name }}.trainer import (
    {{ cookiecutter.trainer_class_name }},
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
    """Train in-process on ``env`` (see ``tasks.harness.train``); returns the reward log.

    ``params`` is the environment-parameters channel ``env`` was given, through
    which curriculum and ``environment_parameters`` reach it.
    """
    log = RewardLog()
    train(
        env,
        options,
        seed,
        output_dir=output_dir,
        params=params,
        resume=resume,
        writers=[log],
    )
    return log


def trainer_for(
    task: BaseEnv,
    behavior: dict[str, Any],
    artifact_path: Path,
) -> {{ cookiecutter.trainer_class_name }}:
    """Our trainer, policy and optimizer for ``task``'s one behavior, as ML-Agents builds them.

    ``behavior`` is that behavior's settings, as in the YAML.
    """
    [(name, spec)] = task.behavior_specs.items()
    behaviors = {name: behavior}
    settings = RunOptions.from_dict({"behaviors": behaviors}).behaviors[name]
    return build_trainer(settings, name, spec, artifact_path)


def build_trainer(
    settings: TrainerSettings,
    behavior_id: str,
    spec: BehaviorSpec,
    artifact_path: Path,
    load: bool = False,
) -> {{ cookiecutter.trainer_class_name }}:
    """Our trainer with its policy and optimizer, as ``TrainerController`` adds them.

    ``load`` resumes from the checkpoint in ``artifact_path``, as ``--resume`` does.
    """
    parsed = BehaviorIdentifiers.from_name_behavior_id(behavior_id)
    trainer = {{ cookiecutter.trainer_class_name }}(
        behavior_name=parsed.brain_name,
        reward_buff_cap=10,
        trainer_settings=settings,
        training=True,
        load=load,
        seed=0,
        artifact_path=str(artifact_path),
    )
    trainer.add_policy(parsed, trainer.create_policy(parsed, spec))
    return trainer


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
            # Read by the cooperative flavour only: b^i_t, the old baseline.
            buffer[RewardSignalUtil.baseline_estimates_key(name)].append(
                float(rng.normal())
            )
    return buffer
