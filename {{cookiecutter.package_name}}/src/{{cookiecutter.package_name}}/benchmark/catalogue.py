"""The tasks the benchmark can run: 3DBall (with the simulator tooling) and the battery's.

A ``BenchmarkTask`` is an environment, the behavior settings both trainers
get (only ``trainer_type`` differs), a step budget, and what counts as
reaching the goal: ``window`` consecutive episodes averaging above
``threshold``. 3DBall takes its settings from your YAML config; the battery
tasks take this flavour's battery settings and budgets
(``tasks/battery_config.py``), and so do the flavour's scenes in
``tasks/scenes.py`` (``BENCHMARKED``; the cooperative tasks, measured by the
group's return). Add a task to ``battery_tasks`` to benchmark it.
"""

import copy
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


def describe_goal(task: BenchmarkTask) -> str:
    """``90 (mean of 12 episodes)``: the goal, as the report writes it."""
    threshold = f"{task.threshold:g}" if math.isfinite(task.threshold) else "-"
    return f"{threshold} (mean of {task.window} episodes)"
