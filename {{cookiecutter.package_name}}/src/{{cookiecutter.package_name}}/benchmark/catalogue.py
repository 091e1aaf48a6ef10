"""The tasks the benchmark can run: 3DBall (with the simulator tooling), the battery's,
and Gymnasium's (with the gymnasium extra).

A ``BenchmarkTask`` is an environment, the behavior settings both trainers
get (only ``trainer_type`` differs), a step budget, and what counts as
reaching the goal: ``window`` consecutive episodes averaging above
``threshold``. 3DBall takes its settings from your YAML config; the battery
tasks take this flavour's battery settings and budgets
(``tasks/battery_config.py``), and so do the flavour's scenes in
``tasks/scenes.py`` (``BENCHMARKED``; the cooperative tasks, measured by the
group's return). The Gymnasium tasks (``GYMNASIUM_TASKS``) take rl-baselines3-zoo's
tuned hyperparameters through ``tasks/gymnasium_zoo.py`` (the mapping the
example configs are written from), the zoo's number of copies, and a budget
that fits a laptop; each task keeps its zoo entry (``BenchmarkTask.zoo``). Add a
task to ``battery_tasks`` or ``GYMNASIUM_TASKS`` to benchmark it.
"""

import copy
import importlib.util
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from mlagents.trainers.settings import EncoderType
from mlagents.trainers.torch_entities.utils import ModelUtils
from mlagents_envs.base_env import BaseEnv
from mlagents_envs.side_channel.side_channel import SideChannel

from ..tasks import gymnasium_zoo
from ..tasks.battery_config import INTRINSIC
from ..tasks.behaviors import battery_behavior
from ..tasks.chain import ChainTask
from ..tasks.goal import GoalTask
from ..tasks.scenes import BENCHMARKED, SCENES

# What 3DBall runs to: ML-Agents' documented benchmark reward, as the mean of
# 12 consecutive episodes (one per agent of the scene, about one summary's worth
# once the ball stays up).
BALL_THRESHOLD = 90.0
BALL_WINDOW = 12
# The battery's measure of success: 50 consecutive episodes averaging above 0.9.
BATTERY_THRESHOLD = 0.9
BATTERY_WINDOW = 50
# The memory task's recurrent network, as the battery's test_memory sets it.
MEMORY = {"memory_size": 16, "sequence_length": 4}

EnvFactory = Callable[[int, list[SideChannel]], BaseEnv]
# The return ML-Agents reports per agent, and per group episode for groups.
AGENT_RETURN = "Environment/Cumulative Reward"
GROUP_RETURN = "Environment/Group Cumulative Reward"


@dataclass(frozen=True)
class BenchmarkTask:
    """One task of the benchmark; ``make_env(seed)`` builds its environment.

    ``in_process`` tasks run in the trainer's process (``SimpleEnvManager``, as
    the battery runs them); the others get an environment factory run in a
    worker process (``SubprocessEnvManager``, as ``mlagents-learn`` runs a
    Unity build).
    """

    name: str
    behavior: str
    settings: dict[str, Any]
    budget: int
    threshold: float
    window: int
    in_process: bool
    make_env: Callable[[int], BaseEnv | EnvFactory]
    about: str
    reward_stat: str = AGENT_RETURN  # the summaries its learning curve plots
    # A Gymnasium task's rl-baselines3-zoo entry: (SB3 algorithm, hyperparameters).
    zoo: tuple[str, dict[str, Any]] | None = None


class GoalFactory:
    """A picklable ``seed -> GoalTask`` with fixed options."""

    def __init__(self, **options: Any) -> None:
        self.options = options

    def __call__(self, seed: int) -> BaseEnv:
        return GoalTask(seed=seed, **self.options)


def corridor(seed: int) -> BaseEnv:
    """The battery's long corridor, which needs an intrinsic reward."""
    return ChainTask(length=28, max_steps=56, seed=seed)


def battery_tasks() -> dict[str, BenchmarkTask]:
    """The battery tasks measured by return (self-play, measured by ELO, is not)."""
    visual_side = max(ModelUtils.MIN_RESOLUTION_FOR_ENCODER[EncoderType.SIMPLE], 5)
    signal = sorted(INTRINSIC)[0]
    rows: list[tuple[str, str, dict[str, Any], Callable[[int], BaseEnv], str]] = [
        (
            "goal-1d-continuous",
            "Goal",
            battery_behavior("goal-1d-continuous"),
            GoalFactory(dims=1, actions="continuous"),
            "reach one end of a line, continuous actions",
        ),
        (
            "goal-1d-discrete",
            "Goal",
            battery_behavior("goal-1d-discrete"),
            GoalFactory(dims=1, actions="discrete"),
            "reach one end of a line, discrete actions with masks",
        ),
        (
            "goal-2d-discrete",
            "Goal",
            battery_behavior("goal-2d-discrete"),
            GoalFactory(dims=2, actions="discrete"),
            "reach a corner, two discrete branches with masks",
        ),
        (
            "goal-2d-hybrid",
            "Goal",
            battery_behavior("goal-2d-hybrid"),
            GoalFactory(dims=2, actions="hybrid"),
            "reach a corner, continuous and discrete actions",
        ),
        (
            "visual",
            "Goal",
            battery_behavior("visual", network_settings={"vis_encode_type": "simple"}),
            GoalFactory(actions="discrete", sense="visual", resolution=visual_side),
            "the goal seen in a picture (simple encoder)",
        ),
        (
            "memory",
            "Goal",
            battery_behavior(
                "memory",
                network_settings={"memory": MEMORY},
            ),
            GoalFactory(actions="discrete", sense="first_step_only"),
            "the goal shown at the first step only (LSTM memory)",
        ),
        (
            "entities",
            "Goal",
            battery_behavior("entities"),
            GoalFactory(actions="discrete", sense="entities"),
            "the goal as a majority vote of a variable number of entities",
        ),
        (
            "goal-signal",
            "Goal",
            battery_behavior("goal-signal"),
            GoalFactory(actions="discrete", sense="goal_signal"),
            "the goal as a GOAL_SIGNAL observation (hyper conditioning)",
        ),
        (
            "corridor",
            "Chain",
            battery_behavior(
                "corridor",
                reward_signals={
                    "extrinsic": {"gamma": 0.99, "strength": 1.0},
                    signal: INTRINSIC[signal],
                },
            ),
            corridor,
            f"a long corridor with one sparse reward, found with {signal}",
        ),
    ]
    tasks = {
        name: BenchmarkTask(
            name=name,
            behavior=behavior,
            settings=settings,
            budget=settings.pop("max_steps"),
            threshold=BATTERY_THRESHOLD,
            window=BATTERY_WINDOW,
            in_process=True,
            make_env=make_env,
            about=about,
        )
        for name, behavior, settings, make_env, about in rows
    }
    for name, (behavior, about, overrides) in BENCHMARKED.items():
        settings = battery_behavior(name, **overrides)
        tasks[name] = BenchmarkTask(
            name=name,
            behavior=behavior,
            settings=settings,
            budget=settings.pop("max_steps"),
            threshold=BATTERY_THRESHOLD,
            window=BATTERY_WINDOW,
            in_process=True,
            make_env=SCENES[name],
            about=about,
            reward_stat=GROUP_RETURN,
        )
    return tasks


def ball_task(config: Path, factory: Callable[[int], EnvFactory]) -> BenchmarkTask:
    """3DBall with the 3DBall behavior of ``config``, on the simulator."""
    behaviors = yaml.safe_load(config.read_text())["behaviors"]
    settings = copy.deepcopy(behaviors["3DBall"])
    settings.pop("trainer_type", None)
    budget = int(settings.pop("max_steps", 500_000))
    return BenchmarkTask(
        name="3DBall",
        behavior="3DBall",
        settings=settings,
        budget=budget,
        threshold=BALL_THRESHOLD,
        window=BALL_WINDOW,
        in_process=False,
        make_env=factory,
        about=f"the bundled 3DBall simulator, settings from {config.name}",
    )


@dataclass(frozen=True)
class GymnasiumTask:
    """A Gymnasium task of the benchmark, beside its zoo entry (``tasks/gymnasium_zoo.py``).

    ``threshold`` is Gymnasium's ``reward_threshold`` (Pendulum-v1 has none:
    -200 is a pendulum held up), reached as a mean of ``GYMNASIUM_WINDOW``
    episodes (Gymnasium's is 100: fewer, so that a run that solves the task
    stops within its budget). ``caps``: per zoo algorithm, the most steps a run
    gets (the zoo's ``n_timesteps`` where that is less), so that a run takes
    minutes on two cores; a task without a zoo entry for this flavour's
    algorithm is left out. ``extra``: the optional dependency it needs.
    """

    threshold: float
    caps: dict[str, int]
    about: str
    extra: str = "gymnasium"


GYMNASIUM_WINDOW = 20
GYMNASIUM_TASKS: dict[str, GymnasiumTask] = {
    "CartPole-v1": GymnasiumTask(
        475.0, {"ppo": 100_000}, "balance a pole, 2 discrete actions"
    ),
    "Acrobot-v1": GymnasiumTask(
        -100.0, {"ppo": 100_000}, "swing a double pendulum up, 3 actions"
    ),
    "Pendulum-v1": GymnasiumTask(
        -200.0,
        {"ppo": 100_000, "sac": 20_000},
        "swing up a pendulum, torque in [-2, 2]",
    ),
    "MountainCarContinuous-v0": GymnasiumTask(
        90.0,
        {"ppo": 20_000, "sac": 30_000},
        "drive up a hill, sparse reward, force in [-1, 1]",
    ),
    "InvertedPendulum-v5": GymnasiumTask(
        950.0,
        {"ppo": 100_000, "sac": 30_000},
        "MuJoCo: balance a pole on a cart, force in [-3, 3]",
        extra="mujoco",
    ),
}
EXTRA = "pip install '{{ cookiecutter.distribution_name }}[{extra}]'"


class GymnasiumFactory:
    """A picklable ``seed -> GymnasiumEnv`` of ``copies`` copies of ``env_id``."""

    def __init__(self, env_id: str, copies: int) -> None:
        self.env_id = env_id
        self.copies = copies

    def __call__(self, seed: int) -> BaseEnv:
        from ..tasks.gymnasium_env import GymnasiumEnv

        return GymnasiumEnv(self.env_id, num_areas=self.copies, seed=seed)


def gymnasium_tasks() -> tuple[dict[str, BenchmarkTask], str | None]:
    """The Gymnasium tasks this flavour can run, and which extra adds the others."""
    algorithm = gymnasium_zoo.ALGORITHM
    missing: dict[str, list[str]] = {}
    tasks: dict[str, BenchmarkTask] = {}
    for env_id, task in GYMNASIUM_TASKS.items():
        if env_id not in gymnasium_zoo.ZOO[algorithm]:
            continue
        needs = {"gymnasium", task.extra}
        if any(importlib.util.find_spec(name) is None for name in needs):
            missing.setdefault(task.extra, []).append(env_id)
            continue
        settings = gymnasium_zoo.behavior_settings(env_id)
        copies = gymnasium_zoo.copies(env_id)
        tasks[env_id] = BenchmarkTask(
            name=env_id,
            behavior=env_id,
            settings=settings,
            budget=min(int(settings.pop("max_steps")), task.caps[algorithm]),
            threshold=task.threshold,
            window=GYMNASIUM_WINDOW,
            in_process=True,
            make_env=GymnasiumFactory(env_id, copies),
            about=f"{task.about} (zoo {algorithm}, {copies} cop{'y' if copies == 1 else 'ies'})",
            zoo=(algorithm, gymnasium_zoo.ZOO[algorithm][env_id]),
        )
    lines = [
        f"{', '.join(names)} need{'s' if len(names) == 1 else ''} "
        f"{EXTRA.format(extra=extra)}."
        for extra, names in missing.items()
    ]
    return tasks, "\n".join(lines) or None


def describe_goal(task: BenchmarkTask) -> str:
    """``90 (mean of 12 episodes)``: the goal, as the report writes it."""
    threshold = f"{task.threshold:g}" if math.isfinite(task.threshold) else "-"
    return f"{threshold} (mean of {task.window} episodes)"
