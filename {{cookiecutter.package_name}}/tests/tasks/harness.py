"""Train any trainer type on battery tasks, in-process, through ML-Agents' own classes.

The config goes through ``RunOptions.from_dict`` (the parser ``mlagents-learn``
uses), then ``TrainerFactory`` and ``TrainerController`` run it against the
task with a ``SimpleEnvManager`` (one process) or a ``SubprocessEnvManager``
(``num_envs`` > 1), as ``mlagents-learn`` does. Self-play, several behaviors,
``threaded`` and ``init_path`` all take ML-Agents' usual paths. A run may end
as soon as its task is solved (``stop_at``), the way a Unity build that quits
ends one: ML-Agents stops and saves the models.
"""

import copy
import tempfile
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from mlagents.trainers.environment_parameter_manager import EnvironmentParameterManager
from mlagents.trainers.settings import RunOptions
from mlagents.trainers.simple_env_manager import SimpleEnvManager
from mlagents.trainers.stats import StatsReporter, StatsSummary, StatsWriter
from mlagents.trainers.subprocess_env_manager import SubprocessEnvManager
from mlagents.trainers.trainer import TrainerFactory
from mlagents.trainers.trainer_controller import TrainerController
from mlagents_envs.base_env import (
    ActionTuple,
    BaseEnv,
    BehaviorMapping,
    DecisionSteps,
    TerminalSteps,
)
from mlagents_envs.exception import UnityCommunicatorStoppedException
from mlagents_envs.side_channel.environment_parameters_channel import (
    EnvironmentParametersChannel,
)
from mlagents_envs.side_channel.side_channel import SideChannel


@dataclass
class RunLog(StatsWriter):
    """Every stat ML-Agents reported: ``stats[name]`` is a list of (step, mean)."""

    stats: dict[str, list[tuple[int, float]]] = field(
        default_factory=lambda: defaultdict(list)
    )

    def write_stats(
        self, category: str, values: dict[str, StatsSummary], step: int
    ) -> None:
        for name, summary in values.items():
            if summary.num > 0:
                self.stats[f"{category}:{name}"].append((step, summary.mean))

    def last(self, category: str, name: str) -> float:
        return self.stats[f"{category}:{name}"][-1][1]


@dataclass
class Result:
    """What a run leaves: the env's episode returns and ML-Agents' stats."""

    episode_returns: list[float]
    episode_end_steps: list[int]
    log: RunLog
    output_dir: Path

    def final_mean_return(self, episodes: int = 50) -> float:
        """Mean return of the last ``episodes`` episodes (the success measure)."""
        if not self.episode_returns:
            return float("nan")
        return float(np.mean(self.episode_returns[-episodes:]))

    def steps_to(self, threshold: float, episodes: int = 50) -> int | None:
        """Agent steps until ``episodes`` consecutive returns first average above ``threshold``."""
        return steps_to(
            self.episode_returns, self.episode_end_steps, threshold, episodes
        )

    def summary(self) -> str:
        """A line for assertion messages: episodes, final mean, and the curve."""
        returns = np.array(self.episode_returns)
        chunks = np.array_split(returns, min(10, len(returns))) if len(returns) else []
        curve = ", ".join(f"{chunk.mean():.2f}" for chunk in chunks)
        return (
            f"{len(returns)} episodes, last 50 average {self.final_mean_return():.3f};"
            f" mean return by tenths of the run: [{curve}]"
        )


def steps_to(
    returns: Sequence[float],
    end_steps: Sequence[int],
    threshold: float,
    episodes: int = 50,
) -> int | None:
    """Agent steps until ``episodes`` consecutive returns first average above ``threshold``.

    ``end_steps[i]`` is the step count when episode ``i`` ended; None if never.
    """
    if len(returns) < episodes:
        return None
    window = np.convolve(returns, np.ones(episodes) / episodes, mode="valid")
    above = np.flatnonzero(window > threshold)
    return int(end_steps[above[0] + episodes - 1]) if len(above) else None


def train(
    env: BaseEnv | Callable[[int, list[SideChannel]], BaseEnv],
    config: dict[str, Any] | RunOptions,
    seed: int = 1,
    num_envs: int = 1,
    output_dir: Path | None = None,
    params: EnvironmentParametersChannel | None = None,
    resume: bool = False,
    writers: Sequence[StatsWriter] = (),
    stop_at: float | None = None,
) -> Result:
    """Train until every behavior reaches its ``max_steps``, or the task is solved.

    ``env`` is a task, or (for ``num_envs`` > 1) a picklable factory
    ``(worker_id, side_channels) -> task`` run in subprocesses. ``params`` is
    the environment-parameters channel a task was given, through which
    curriculum and ``environment_parameters`` reach it; ``writers`` get every
    stat, beside the returned ``Result.log``. With ``stop_at``, a run on a
    task that records its episodes (an ``AgentTask``) ends once 50 consecutive
    episodes average above ``stop_at``.
    """
    if isinstance(config, RunOptions):
        options = config
    else:
        options = RunOptions.from_dict(copy.deepcopy(config))
    log = RunLog()
    # StatsReporter is process-global: drop writers and stats of earlier runs.
    StatsReporter.writers.clear()
    StatsReporter.stats_dict.clear()
    for writer in (log, *writers):
        StatsReporter.add_writer(writer)
    with tempfile.TemporaryDirectory() as scratch:
        out = output_dir or Path(scratch)
        param_manager = EnvironmentParameterManager(
            options.environment_parameters, seed, restore=resume
        )
        factory = TrainerFactory(
            trainer_config=options.behaviors,
            output_path=str(out),
            train_model=True,
            load_model=resume,
            seed=seed,
            param_manager=param_manager,
            multi_gpu=False,
        )
        controller = TrainerController(
            factory, str(out), "battery", param_manager, True, seed
        )
        if isinstance(env, BaseEnv):
            channel = params or EnvironmentParametersChannel()
            task = env
            if stop_at is not None and hasattr(env, "episode_returns"):
                task = EndWhenSolved(env, stop_at)
            manager: SimpleEnvManager | SubprocessEnvManager = SimpleEnvManager(
                task, channel
            )
        else:
            manager = SubprocessEnvManager(env, options, num_envs)
        try:
            controller.start_learning(manager)
        finally:
            manager.close()
            StatsReporter.writers.clear()
    # Tasks run in subprocesses keep their returns there; use the stats instead.
    returns = list(getattr(env, "episode_returns", []))
    end_steps = list(getattr(env, "episode_end_steps", []))
    return Result(returns, end_steps, log, out)


class EndWhenSolved(BaseEnv):
    """A task that quits, as a Unity build would, once it is solved.

    ``TrainerController`` treats ``UnityCommunicatorStoppedException`` as the
    environment going away: it stops training and saves the models. Solved
    means what ``steps_to`` means: ``episodes`` consecutive returns average
    above ``threshold``.
    """

    def __init__(self, task: Any, threshold: float, episodes: int = 50) -> None:
        self.task = task
        self.threshold = threshold
        self.episodes = episodes
        self._episodes_seen = 0

    def step(self) -> None:
        self.task.step()
        returns = self.task.episode_returns
        if len(returns) == self._episodes_seen:
            return
        self._episodes_seen = len(returns)
        ends = self.task.episode_end_steps
        if steps_to(returns, ends, self.threshold, self.episodes) is not None:
            raise UnityCommunicatorStoppedException("the task is solved")

    def reset(self) -> None:
        self.task.reset()

    def close(self) -> None:
        self.task.close()

    @property
    def behavior_specs(self) -> BehaviorMapping:
        return self.task.behavior_specs

    def set_actions(self, behavior_name: str, action: ActionTuple) -> None:
        self.task.set_actions(behavior_name, action)

    def set_action_for_agent(
        self, behavior_name: str, agent_id: int, action: ActionTuple
    ) -> None:
        self.task.set_action_for_agent(behavior_name, agent_id, action)

    def get_steps(self, behavior_name: str) -> tuple[DecisionSteps, TerminalSteps]:
        return self.task.get_steps(behavior_name)
