"""Train any trainer type on any ``BaseEnv``, in-process, through ML-Agents' own classes.

The config goes through ``RunOptions.from_dict`` (the parser ``mlagents-learn``
uses), then ``TrainerFactory`` and ``TrainerController`` run it against the
task with a ``SimpleEnvManager`` (one process) or a ``SubprocessEnvManager``
(an environment factory, in worker processes), as ``mlagents-learn`` does.
Self-play, several behaviors, ``threaded`` and ``init_path`` all take
ML-Agents' usual paths. An ``EpisodeLog`` records every episode's return as
the trainer sees it, wherever the environment runs, and can end the run once
a moving average of returns passes a threshold. The battery tests and the
benchmark command use this module; change it to run training differently.
"""

import copy
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from mlagents.trainers.behavior_id_utils import BehaviorIdentifiers
from mlagents.trainers.env_manager import EnvironmentStep
from mlagents.trainers.environment_parameter_manager import EnvironmentParameterManager
from mlagents.trainers.settings import RunOptions
from mlagents.trainers.simple_env_manager import SimpleEnvManager
from mlagents.trainers.stats import StatsReporter, StatsSummary, StatsWriter
from mlagents.trainers.subprocess_env_manager import SubprocessEnvManager
from mlagents.trainers.trainer import TrainerFactory
from mlagents.trainers.trainer_controller import TrainerController
from mlagents.trainers.training_status import GlobalTrainingStatus
from mlagents_envs.base_env import BaseEnv, DecisionSteps, TerminalSteps
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

    def out_of_bounds(
        self, behavior: str, bounds: dict[str, tuple[float, float]]
    ) -> list[str]:
        """Every summary of ``behavior``'s stats outside its (low, high) bounds.

        ``bounds`` maps a stat name (``"Policy/Extrinsic Value Estimate"``) to
        the range its values must stay in; a stat the run never reported is not
        checked (ML-Agents' built-ins report fewer), nor is a NaN (the mean of
        nothing, which ``sac`` reports for a temperature it does not have).
        """
        found = []
        for name, (low, high) in bounds.items():
            for step, value in self.log.stats.get(f"{behavior}:{name}", []):
                if not np.isnan(value) and not low <= value <= high:
                    found.append(
                        f"{behavior} {name} = {value:.3g} at step {step}, "
                        f"outside [{low:.3g}, {high:.3g}]"
                    )
        return found

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


class EpisodeLog:
    """Each episode's return and the agent step it ended at, per behavior name.

    Read from the environment steps the trainer receives, with ML-Agents' own
    rule: a step's reward counts once the agent has had a decision in this
    episode, and every such step is one agent step (one experience), so the
    returns are the ones ML-Agents reports as ``Environment/Cumulative Reward``.
    Agents in a group (group id > 0) count as one episode per group episode
    instead: its return is the group reward (the same for every member, so
    counted once per step), and it ends when its last member ends, as
    ``Environment/Group Cumulative Reward`` reports it.
    With ``stop_above``, the run ends (and saves, as when a Unity Editor leaves
    play mode) once ``window`` consecutive episodes of every behavior average
    above it, or ``keep_going`` times as many steps again after that (so that
    what the learner does once the task is solved shows in its stats).
    ``on_step`` is called after every environment step.
    """

    def __init__(
        self,
        stop_above: float | None = None,
        window: int = 50,
        on_step: Callable[["EpisodeLog"], None] | None = None,
        keep_going: float = 0.0,
    ) -> None:
        self.stop_above = stop_above
        self.window = window
        self.keep_going = keep_going
        self.on_step = on_step
        self.returns: dict[str, list[float]] = defaultdict(list)
        self.end_steps: dict[str, list[int]] = defaultdict(list)
        self.steps: dict[str, int] = defaultdict(int)
        self.reached_at: dict[str, int] = {}
        self.started: float | None = None  # perf_counter at the first env step
        self.finished: float | None = None  # at the last step, or the threshold
        self._open: dict[tuple[str, int, int], float] = {}  # episodes under way
        # Groups under way: (behavior, worker, group id) -> (members, return).
        self._groups: dict[tuple[str, int, int], tuple[set[int], float]] = {}

    @property
    def total_steps(self) -> int:
        return sum(self.steps.values())

    @property
    def done(self) -> bool:
        """Every behavior has reached ``stop_above``."""
        return bool(self.reached_at) and set(self.reached_at) >= set(self.steps)

    @property
    def should_stop(self) -> bool:
        """Done, and every behavior has gone on for ``keep_going`` times its steps."""
        return self.done and all(
            self.steps[behavior] >= reached * (1 + self.keep_going)
            for behavior, reached in self.reached_at.items()
        )

    def record(self, env_steps: Sequence[EnvironmentStep]) -> None:
        """Add what ``env_steps`` (one call of the env manager) say about episodes."""
        now = time.perf_counter()
        if self.started is None:
            self.started = now
        for env_step in env_steps:
            for behavior_id, result in env_step.current_all_step_result.items():
                # "3DBall?team=0" -> "3DBall", as the trainer names its behavior.
                behavior = BehaviorIdentifiers.from_name_behavior_id(
                    behavior_id
                ).brain_name
                decisions, terminals = result
                worker = env_step.worker_id
                self._count_group_rewards(behavior, worker, decisions, terminals)
                for agent, reward, group in zip(
                    terminals.agent_id,
                    terminals.reward,
                    terminals.group_id,
                    strict=True,
                ):
                    key = (behavior, worker, int(agent))
                    if key in self._open:
                        self._count(behavior, key, float(reward))
                        episode_return = self._open.pop(key)
                        if group == 0:
                            self._end_episode(behavior, episode_return)
                        else:
                            self._leave_group(behavior, worker, int(group), int(agent))
                for agent, reward, group in zip(
                    decisions.agent_id,
                    decisions.reward,
                    decisions.group_id,
                    strict=True,
                ):
                    key = (behavior, worker, int(agent))
                    if key in self._open:
                        self._count(behavior, key, float(reward))
                    else:
                        self._open[key] = 0.0
                        if group > 0:
                            self._join_group(behavior, worker, int(group), int(agent))
        if not self.done:
            self.finished = now
        if self.on_step is not None:
            self.on_step(self)

    def _count_group_rewards(
        self,
        behavior: str,
        worker: int,
        decisions: DecisionSteps,
        terminals: TerminalSteps,
    ) -> None:
        """Add this step's group reward to each group under way, once per group."""
        counted: set[int] = set()
        for steps in (terminals, decisions):
            for agent, group, reward in zip(
                steps.agent_id, steps.group_id, steps.group_reward, strict=True
            ):
                key = (behavior, worker, int(group))
                if group == 0 or group in counted or key not in self._groups:
                    continue
                members, group_return = self._groups[key]
                if int(agent) in members:
                    self._groups[key] = (members, group_return + float(reward))
                    counted.add(int(group))

    def _join_group(self, behavior: str, worker: int, group: int, agent: int) -> None:
        members, group_return = self._groups.get(
            (behavior, worker, group), (set(), 0.0)
        )
        self._groups[(behavior, worker, group)] = (members | {agent}, group_return)

    def _leave_group(self, behavior: str, worker: int, group: int, agent: int) -> None:
        members, group_return = self._groups[(behavior, worker, group)]
        members.discard(agent)
        if not members:
            del self._groups[(behavior, worker, group)]
            self._end_episode(behavior, group_return)

    def _count(self, behavior: str, key: tuple[str, int, int], reward: float) -> None:
        self._open[key] += reward
        self.steps[behavior] += 1

    def _end_episode(self, behavior: str, episode_return: float) -> None:
        returns = self.returns[behavior]
        returns.append(episode_return)
        self.end_steps[behavior].append(self.steps[behavior])
        window = returns[-self.window :]
        if (
            self.stop_above is not None
            and behavior not in self.reached_at
            and len(window) == self.window
            and sum(window) / self.window > self.stop_above
        ):
            self.reached_at[behavior] = self.steps[behavior]
            self.finished = time.perf_counter()


class _Recording:
    """An env manager that feeds every environment step to an ``EpisodeLog``."""

    episode_log: EpisodeLog

    def reset(self, config: dict[str, Any] | None = None) -> int:
        count = super().reset(config)  # type: ignore[misc]
        self.episode_log.record(self.first_step_infos)  # type: ignore[attr-defined]
        return int(count)

    def get_steps(self) -> list[EnvironmentStep]:
        if self.episode_log.should_stop:
            raise UnityCommunicatorStoppedException("the threshold was reached")
        env_steps: list[EnvironmentStep] = super().get_steps()  # type: ignore[misc]
        self.episode_log.record(env_steps)
        return env_steps


class RecordingSimpleEnvManager(_Recording, SimpleEnvManager):
    """``SimpleEnvManager`` (the task in this process), recorded."""

    def __init__(
        self, env: BaseEnv, channel: EnvironmentParametersChannel, log: EpisodeLog
    ) -> None:
        super().__init__(env, channel)
        self.episode_log = log


class RecordingSubprocessEnvManager(_Recording, SubprocessEnvManager):
    """``SubprocessEnvManager`` (the task in worker processes), recorded."""

    def __init__(
        self,
        factory: Callable[[int, list[SideChannel]], BaseEnv],
        options: RunOptions,
        num_envs: int,
        log: EpisodeLog,
    ) -> None:
        super().__init__(factory, options, num_envs)
        self.episode_log = log


def train(
    env: BaseEnv | Callable[[int, list[SideChannel]], BaseEnv],
    config: dict[str, Any] | RunOptions,
    seed: int = 1,
    num_envs: int = 1,
    output_dir: Path | None = None,
    params: EnvironmentParametersChannel | None = None,
    resume: bool = False,
    writers: Sequence[StatsWriter] = (),
    episodes: EpisodeLog | None = None,
) -> Result:
    """Train until every behavior reaches its ``max_steps``.

    ``env`` is a task, or (for ``num_envs`` > 1) a picklable factory
    ``(worker_id, side_channels) -> task`` run in subprocesses. ``params`` is
    the environment-parameters channel a task was given, through which
    curriculum and ``environment_parameters`` reach it; ``writers`` get every
    stat, beside the returned ``Result.log``; ``episodes`` records every
    episode (and may end the run early).
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
        # So is GlobalTrainingStatus (ELO, curriculum lessons, checkpoints): a run
        # starts from its own run_logs only, as a fresh mlagents-learn does.
        # Without this, a self-play run would start from the last run's ELO.
        status_file = out / "run_logs" / "training_status.json"
        GlobalTrainingStatus.saved_state.clear()
        if resume:
            GlobalTrainingStatus.load_state(str(status_file))
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
        manager: SimpleEnvManager | SubprocessEnvManager
        if isinstance(env, BaseEnv):
            channel = params or EnvironmentParametersChannel()
            if episodes is None:
                manager = SimpleEnvManager(env, channel)
            else:
                manager = RecordingSimpleEnvManager(env, channel, episodes)
        elif episodes is None:
            manager = SubprocessEnvManager(env, options, num_envs)
        else:
            manager = RecordingSubprocessEnvManager(env, options, num_envs, episodes)
        try:
            controller.start_learning(manager)
        finally:
            manager.close()
            StatsReporter.writers.clear()
            status_file.parent.mkdir(parents=True, exist_ok=True)
            GlobalTrainingStatus.save_state(str(status_file))
    # Tasks run in subprocesses keep their returns there; use the stats instead.
    returns = list(getattr(env, "episode_returns", []))
    end_steps = list(getattr(env, "episode_end_steps", []))
    return Result(returns, end_steps, log, out)
