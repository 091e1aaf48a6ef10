"""Cooperative groups: the task plumbing (fast) and the cooperative battery (slow).

The fast tests hold ``tasks/groups.py`` to what a Unity scene with
``SimpleMultiAgentGroup``s sends ML-Agents. The battery trains on the
cooperative tasks through ML-Agents' own machinery with a fixed seed and the
budgets in ``battery_config.py``, for our trainer and (``--battery-trainers``)
ML-Agents' ``poca``, and asserts that each is solved: 50 consecutive group
episodes with a mean group return above 0.9.
"""

import os
import time
from typing import Any

import numpy as np
import pytest
from mlagents.trainers.env_manager import EnvironmentStep
from mlagents_envs.base_env import ActionTuple

from {{ cookiecutter.package_name }}.tasks.battery_config import (
    BUILTIN_FAILS,
    BUILTIN_TWIN,
    INDEPENDENT,
    INTRINSIC,
    internals_bounds,
)
from {{ cookiecutter.package_name }}.tasks.behaviors import (
    battery_behavior as behavior,
)
from {{ cookiecutter.package_name }}.tasks.combination import CombinationTask
from {{ cookiecutter.package_name }}.tasks.escape import EXIT, OPEN, WAIT, EscapeTask
from {{ cookiecutter.package_name }}.tasks.escape import expert as escape_expert
from {{ cookiecutter.package_name }}.tasks.expedition import ExpeditionTask
from {{ cookiecutter.package_name }}.tasks.groups import GroupTask
from {{ cookiecutter.package_name }}.tasks.harness import (
    EpisodeLog,
    Result,
    steps_to,
    train,
)
from {{ cookiecutter.package_name }}.tasks.team_race import TeamRaceTask

from .conftest import TRAINER_TYPE, legacy_onnx_export

# Rows of ``--battery-report``, beside test_battery.py's (the same list and file).
from .test_battery import REPORT, battery_report  # noqa: F401, E402  (autouse)

SEED = 1
SOLVED = 0.9


def choose(task: GroupTask, policy: Any) -> ActionTuple:
    """Actions for every agent the task asked for, from ``policy(obs) -> action``."""
    decisions, _ = task.get_steps(task.behavior_name)
    chosen = [[policy(obs)] for obs in decisions.obs[0]]
    return ActionTuple(discrete=np.array(chosen, dtype=np.int32))


def walk_up(task: EscapeTask) -> None:
    """Reset, then the first step, on which every group walks up to its gate."""
    task.reset()
    task.get_steps(task.behavior_name)
    task.step()


# The plumbing: what ML-Agents sees of groups.


def test_group_members_share_a_group_id_and_sizes_change() -> None:
    task = EscapeTask(n_groups=8, seed=3)
    task.reset()
    decisions, _ = task.get_steps("Escape")
    ids = decisions.group_id
    assert (ids > 0).all(), "every agent of a group task is in a group"
    sizes = sorted(np.unique(ids, return_counts=True)[1])
    assert set(sizes) == {2, 3}, sizes
    assert len(set(decisions.agent_id)) == len(decisions.agent_id)


def test_an_agent_that_leaves_early_ends_once_and_its_group_plays_on() -> None:
    task = EscapeTask(n_groups=1, seed=0)
    walk_up(task)
    before, _ = task.get_steps("Escape")
    holder = int(np.flatnonzero(before.obs[0][:, 0] == 1.0)[0])
    # The key holder opens; the others wait.
    actions = [[OPEN] if i == holder else [WAIT] for i in range(len(before))]
    task.set_actions("Escape", ActionTuple(discrete=np.array(actions, np.int32)))
    task.step()
    decisions, terminals = task.get_steps("Escape")
    assert list(terminals.agent_id) == [before.agent_id[holder]]
    assert not terminals.interrupted[0] and terminals.reward[0] < 0
    assert terminals.group_reward[0] == 0.0
    assert before.agent_id[holder] not in set(decisions.agent_id)
    assert len(decisions) == len(before) - 1
    assert (decisions.group_id == before.group_id[0]).all()
    assert (decisions.obs[0][:, 1] == 1.0).all(), "the gate is open"


def test_the_whole_group_ends_together_with_its_group_reward() -> None:
    task = EscapeTask(n_groups=1, seed=0)
    walk_up(task)
    first, _ = task.get_steps("Escape")
    task.set_actions("Escape", choose(task, escape_expert))
    task.step()
    task.set_actions("Escape", choose(task, escape_expert))
    task.step()
    decisions, terminals = task.get_steps("Escape")
    staying = len(first) - 1
    assert len(terminals) == staying
    assert (terminals.group_reward == 1.0).all()
    assert not terminals.interrupted.any()
    assert task.episode_returns == [1.0]
    # The next episode: new agents, a new group id.
    assert not set(decisions.agent_id) & set(first.agent_id)
    assert decisions.group_id[0] != first.group_id[0]


def test_exiting_before_the_gate_opens_fails_the_group() -> None:
    task = EscapeTask(n_groups=1, seed=0)
    walk_up(task)
    first, _ = task.get_steps("Escape")
    actions = np.full((len(first), 1), EXIT, dtype=np.int32)
    task.set_actions("Escape", ActionTuple(discrete=actions))
    task.step()
    _, terminals = task.get_steps("Escape")
    assert len(terminals) == len(first)
    assert (terminals.group_reward == 0.0).all()
    assert task.episode_returns == [0.0]


def test_random_play_is_far_below_the_threshold() -> None:
    """A trainer that learned nothing cannot pass: random groups score well under 0.9."""
    for task in (EscapeTask(), CombinationTask(), ExpeditionTask()):
        task.reset()
        while len(task.episode_returns) < 200:
            task.get_steps(task.behavior_name)
            task.step()
        assert np.mean(task.episode_returns) < 0.3, type(task).__name__


def test_the_episode_log_counts_group_episodes_as_the_task_does() -> None:
    """``EpisodeLog`` (which stops battery and benchmark runs) reads group returns
    from what ML-Agents receives; they must be the task's own."""
    task = EscapeTask(seed=5)
    log = EpisodeLog()
    task.reset()
    while True:
        steps = task.get_steps("Escape")
        log.record([EnvironmentStep({"Escape": steps}, 0, {}, {})])
        if len(task.episode_returns) >= 100:
            break
        task.step()
    assert log.returns["Escape"] == pytest.approx(task.episode_returns)
    assert 0 < sum(task.episode_returns) < len(task.episode_returns), "mixed luck"


# The cooperative battery.


def run(task: GroupTask, trainer_type: str, settings: dict[str, Any]) -> Result:
    """Train until solved (or out of budget); the episode log counts group episodes."""
    settings["trainer_type"] = trainer_type
    config = dict(behaviors={task.behavior_name: settings})
    # A hair above the threshold: the log sums float32 rewards (see test_battery).
    episodes = EpisodeLog(stop_above=SOLVED + 1e-4)
    start = time.perf_counter()
    result = train(task, config, seed=SEED, episodes=episodes)
    REPORT.append(
        {
            "test": os.environ.get("PYTEST_CURRENT_TEST", "").split(" ")[0],
            "trainer_type": trainer_type,
            "max_steps": settings["max_steps"],
            "steps_to_solve": result.steps_to(SOLVED),
            "final_mean_return": result.final_mean_return(),
            "seconds": round(time.perf_counter() - start, 1),
        }
    )
    # Solved for the right reason: the learner's value and baseline estimates
    # stay within what the group's rewards allow.
    problems = result.out_of_bounds(task.behavior_name, internals_bounds(settings))
    REPORT[-1]["internals_out_of_bounds"] = len(problems)
    assert not problems, "\n".join(problems[:10])
    return result


def expect_builtin_failure(
    trainer_type: str, task: str, request: pytest.FixtureRequest
) -> None:
    if trainer_type == BUILTIN_TWIN and task in BUILTIN_FAILS:
        reason = f"{BUILTIN_TWIN} does not solve {task}: {BUILTIN_FAILS[task]}"
        request.applymarker(pytest.mark.xfail(strict=True, reason=reason))


def assert_solved(result: Result) -> None:
    steps = result.steps_to(SOLVED)
    assert steps is not None, result.summary()


@pytest.mark.slow
@pytest.mark.battery
def test_escape(trainer_type: str) -> None:
    """Groups of 2 or 3 whose key holder must leave early so that the rest escape.

    Group and individual rewards together, agents that finish before their
    group, group sizes that change between episodes, four groups in a scene.
    """
    assert_solved(run(EscapeTask(), trainer_type, behavior("escape")))


@pytest.mark.slow
@pytest.mark.battery
def test_escape_is_not_solved_by_an_independent_learner(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The control: ML-Agents' ``ppo`` learns each agent alone and never escapes.

    It adds the group reward to each agent's own, but the key holder has
    left before that reward comes: it only ever sees opening cost it.
    """
    legacy_onnx_export(monkeypatch)
    result = run(EscapeTask(), INDEPENDENT, behavior("escape"))
    assert result.steps_to(SOLVED) is None, result.summary()
    assert result.final_mean_return() < 0.5, result.summary()


@pytest.mark.slow
@pytest.mark.battery
def test_escape_with_memory(trainer_type: str) -> None:
    """Groups with ``network_settings.memory``: each agent carries its own LSTM state."""
    memory = {"memory_size": 16, "sequence_length": 4}
    settings = behavior("escape-memory", network_settings={"memory": memory})
    assert_solved(run(EscapeTask(), trainer_type, settings))


def escape_for_worker(worker_id: int, side_channels: list[Any]) -> EscapeTask:
    """An environment factory, as ``--num-envs`` calls one per worker process."""
    return EscapeTask(seed=worker_id)


@pytest.mark.slow
@pytest.mark.battery
def test_escape_num_envs(trainer_type: str) -> None:
    """Groups in two worker processes (``--num-envs 2``): group ids stay per worker."""
    settings = behavior("escape-num-envs")
    settings["trainer_type"] = trainer_type
    episodes = EpisodeLog(stop_above=SOLVED + 1e-4)
    config = dict(behaviors={"Escape": settings})
    train(escape_for_worker, config, seed=SEED, num_envs=2, episodes=episodes)
    returns = episodes.returns["Escape"]
    assert (
        steps_to(returns, episodes.end_steps["Escape"], SOLVED) is not None
    ), f"{len(returns)} group episodes, last 50: {np.mean(returns[-50:]):.2f}"


@pytest.mark.slow
@pytest.mark.battery
def test_combination(trainer_type: str) -> None:
    """Credit assignment: only the whole group's success pays, never an agent alone."""
    assert_solved(run(CombinationTask(), trainer_type, behavior("combination")))


@pytest.mark.slow
@pytest.mark.battery
@pytest.mark.parametrize("signal", sorted(INTRINSIC))
def test_group_finds_a_sparse_reward_with_intrinsic_reward(
    trainer_type: str, signal: str, request: pytest.FixtureRequest
) -> None:
    """Curiosity or RND leads a group down a corridor to its only reward."""
    signals = {
        "extrinsic": {"gamma": 0.99, "strength": 1.0},
        signal: INTRINSIC[signal],
    }
    settings = behavior("expedition", reward_signals=signals)
    expect_builtin_failure(trainer_type, f"expedition-{signal}", request)
    assert_solved(run(ExpeditionTask(), trainer_type, settings))


@pytest.mark.slow
@pytest.mark.battery
def test_group_sparse_reward_is_not_found_without_intrinsic_reward() -> None:
    """The control: the same expedition with the extrinsic reward alone stays unsolved."""
    signals = dict(extrinsic={"gamma": 0.99, "strength": 1.0})
    settings = behavior("expedition", reward_signals=signals)
    result = run(ExpeditionTask(), TRAINER_TYPE, settings)
    assert result.steps_to(SOLVED) is None, result.summary()


# As in test_battery.py's self-play: the learner meets past snapshots only.
SELF_PLAY = {
    "save_steps": 500,
    "swap_steps": 500,
    "team_change": 2000,
    "window": 10,
    "play_against_latest_model_ratio": 0.0,
    "initial_elo": 1200.0,
}
ELO_GAIN = 10.0


@pytest.mark.slow
@pytest.mark.battery
def test_self_play_between_cooperative_teams(trainer_type: str) -> None:
    """Two teams of two race home, SoccerTwos-style; the GhostTrainer wraps ours."""
    settings = behavior("team-race", self_play=SELF_PLAY)
    settings["trainer_type"] = trainer_type
    config = dict(behaviors={"TeamRace": settings})
    # The whole budget: what counts is the ELO at its end.
    result = train(TeamRaceTask(), config, seed=SEED)
    elo = [value for _, value in result.log.stats["TeamRace:Self-play/ELO"]]
    assert elo and elo[-1] > SELF_PLAY["initial_elo"] + ELO_GAIN, elo
