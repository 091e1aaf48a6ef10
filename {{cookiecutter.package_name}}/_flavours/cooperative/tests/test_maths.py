"""The maths of the MA-POCA-style trainer, each test checked against its equation by hand.

* The lambda-returns G_t = r_t + gamma * ((1 - lambda) V(s_{t+1}) + lambda G_{t+1})
  and the advantages A^i_t = G_t - b^i_t, computed by ``_process_trajectory``
  for a group episode that ends, one cut off, one cut at ``time_horizon`` and
  an agent that leaves before its group (the last three bootstrap).
* The extrinsic reward r_t = r^i_t + sum_{j != i} r^j_t + r^G_t.
* PPO's clipped surrogate and the clipped baseline loss in ``optimizer.py``.
* Each agent's recurrent critic memory is its own.
"""

import copy
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from mlagents.trainers.buffer import (
    AgentBuffer,
    BufferKey,
    ObservationKeyPrefix,
    RewardSignalUtil,
)
from mlagents.trainers.stats import StatsReporter
from mlagents.trainers.torch_entities.action_log_probs import LogProbsTuple
from mlagents.trainers.torch_entities.agent_action import AgentAction
from mlagents.trainers.trajectory import (
    AgentExperience,
    AgentStatus,
    GroupObsUtil,
    ObsUtil,
    Trajectory,
)
from mlagents_envs.base_env import ActionTuple

from {{ cookiecutter.package_name }}.optimizer import (
    Minibatch,
    clipped_surrogate_loss,
    clipped_value_loss,
)
from {{ cookiecutter.package_name }}.reward_scaling import RewardScaler
from {{ cookiecutter.package_name }}.tasks.escape import EscapeTask
from {{ cookiecutter.package_name }}.trainer import (
    {{ cookiecutter.trainer_class_name }},
)

from .conftest import TRAINER_TYPE
from .helpers import trainer_for

GROUP_RETURN = "Environment/Group Cumulative Reward"
GAMMA, LAMBDA = 0.9, 0.8
REWARDS = [1.0, 0.0, 2.0]
VALUES = [0.5, 0.4, 0.3]  # V(s_0), V(s_1), V(s_2), as the group critic would say
BASELINES = [0.2, 0.1, 0.7]  # b^i_0, b^i_1, b^i_2
BOOTSTRAP = 0.6  # V(s_3), the group's state after the last step

# G_2 = r_2 + gamma V(s_3); G_t = r_t + gamma ((1 - lambda) V(s_{t+1}) + lambda G_{t+1}).
# The group's episode ended at s_3, so V(s_3) counts as 0:
#   G_2 = 2; G_1 = 0 + 0.9 (0.2 * 0.3 + 0.8 * 2) = 1.494;
#   G_0 = 1 + 0.9 (0.2 * 0.4 + 0.8 * 1.494) = 2.14768
RETURNS_ENDED = [2.14768, 1.494, 2.0]
# Bootstrapped from V(s_3) = 0.6: G_2 = 2 + 0.9 * 0.6 = 2.54;
#   G_1 = 0.9 (0.06 + 0.8 * 2.54) = 1.8828; G_0 = 1 + 0.9 (0.08 + 0.8 * 1.8828) = 2.427616
RETURNS_CUT = [2.427616, 1.8828, 2.54]


def make_trainer(
    tmp_path: Path,
    hyperparameters: dict[str, Any] | None = None,
    strength: float = 1.0,
    **network: Any,
) -> {{ cookiecutter.trainer_class_name }}:
    """Our trainer with a policy for the escape task, as ML-Agents builds one."""
    behavior = {
        "trainer_type": TRAINER_TYPE,
        "hyperparameters": {"lambd": LAMBDA, **(hyperparameters or {})},
        "network_settings": {"hidden_units": 8, **network},
        "reward_signals": dict(extrinsic={"gamma": GAMMA, "strength": strength}),
    }
    return trainer_for(EscapeTask(), behavior, tmp_path)


def no_move() -> ActionTuple:
    """One step's action of one agent: no continuous part, one discrete branch."""
    return ActionTuple(
        continuous=np.zeros(0, dtype=np.float32),
        discrete=np.zeros(1, dtype=np.int32),
    )


def teammate(done: bool, reward: float = 0.0) -> AgentStatus:
    return AgentStatus(
        obs=[np.zeros(4, dtype=np.float32)],
        reward=reward,
        action=no_move(),
        done=done,
    )


def trajectory(
    done: bool,
    interrupted: bool,
    teammate_done: bool = True,
    teammate_reward: float = 0.0,
    group_reward: float = 0.0,
    agent_id: str = "agent-0",
    in_group: bool = True,
) -> Trajectory:
    """Three steps with REWARDS beside one teammate; ``done``/``interrupted`` mark the last."""
    last = len(REWARDS) - 1
    steps = [
        AgentExperience(
            obs=[np.full(4, t, dtype=np.float32)],
            reward=reward,
            done=done and t == last,
            action=no_move(),
            action_probs=LogProbsTuple(
                continuous=np.zeros(0, dtype=np.float32),
                discrete=np.zeros(1, dtype=np.float32),
            ),
            action_mask=[np.zeros(3, dtype=bool)],  # True would forbid an action
            prev_action=np.zeros(1, dtype=np.float32),
            interrupted=interrupted and t == last,
            memory=np.zeros(0, dtype=np.float32),
            group_status=(
                [teammate(teammate_done and t == last, teammate_reward)]
                if in_group
                else []
            ),
            group_reward=group_reward,
        )
        for t, reward in enumerate(REWARDS)
    ]
    next_obs = [np.full(4, len(REWARDS), dtype=np.float32)]
    next_group_obs = [[np.zeros(4, dtype=np.float32)]] if in_group else []
    return Trajectory(steps, next_obs, next_group_obs, agent_id, "Escape")


@pytest.mark.parametrize(
    "done, interrupted, teammate_done, expected_returns",
    [
        (True, False, True, RETURNS_ENDED),
        (True, True, True, RETURNS_CUT),  # cut off at max_step
        (False, False, False, RETURNS_CUT),  # cut at time_horizon, episode goes on
        (True, False, False, RETURNS_CUT),  # left before its group: bootstraps
    ],
    ids=["group-ended", "max-step-cut-off", "time-horizon-cut", "left-before-group"],
)
def test_lambda_returns_and_advantages_match_the_hand_computed_values(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    done: bool,
    interrupted: bool,
    teammate_done: bool,
    expected_returns: list[float],
) -> None:
    trainer = make_trainer(tmp_path)
    asked_done: list[bool] = []

    def critic_says(
        buffer: Any, next_obs: Any, next_group_obs: Any, done: bool, agent_id: str
    ) -> tuple[Any, ...]:
        # V(s_t), b^i_t, and V(s_T) (0 once the group's episode ended).
        asked_done.append(done)
        next_value = np.array([0.0 if done else BOOTSTRAP])
        extrinsic = {"extrinsic": np.array(VALUES)}
        return (
            extrinsic,
            {"extrinsic": np.array(BASELINES)},
            {"extrinsic": next_value},
            None,
            None,
        )

    monkeypatch.setattr(
        trainer.optimizer, "get_trajectory_and_baseline_value_estimates", critic_says
    )
    trainer._process_trajectory(trajectory(done, interrupted, teammate_done))

    # Only the end of the whole group's episode stops the bootstrap.
    assert asked_done == [done and teammate_done and not interrupted]
    buffer = trainer.update_buffer
    returns = np.array(buffer[RewardSignalUtil.returns_key("extrinsic")]).ravel()
    advantages = np.array(buffer[RewardSignalUtil.advantage_key("extrinsic")]).ravel()
    np.testing.assert_allclose(returns, expected_returns, rtol=1e-5)
    # A^i_t = G_t - b^i_t: the counterfactual advantage, not G_t - V(s_t).
    np.testing.assert_allclose(
        advantages, np.subtract(expected_returns, BASELINES), rtol=1e-5
    )
    np.testing.assert_allclose(
        np.array(buffer[BufferKey.ADVANTAGES]).ravel(), advantages, rtol=1e-5
    )
    np.testing.assert_allclose(
        np.array(buffer[RewardSignalUtil.baseline_estimates_key("extrinsic")]).ravel(),
        BASELINES,
    )


@pytest.mark.parametrize("done", [False, True], ids=["goes-on", "group-ended"])
def test_the_critic_bootstraps_unless_the_groups_episode_ended(
    tmp_path: Path, done: bool
) -> None:
    # V(s_T) = 0 once the group's episode ended, for a signal that does not
    # ignore episode ends (extrinsic); otherwise V of the group's next state.
    torch.manual_seed(0)
    trainer = make_trainer(tmp_path)
    t = trajectory(done, False)
    _, _, value_next, _, _ = (
        trainer.optimizer.get_trajectory_and_baseline_value_estimates(
            t.to_agentbuffer(), t.next_obs, t.next_group_obs, done, t.agent_id
        )
    )
    group_next = [[torch.as_tensor(o)[None] for o in t.next_obs]] + [
        [torch.as_tensor(o)[None] for o in member] for member in t.next_group_obs
    ]
    with torch.no_grad():
        values, _ = trainer.optimizer.critic.critic_pass(group_next)
    expected = 0.0 if done else float(values["extrinsic"][-1])
    assert expected != 0.0 or done
    assert float(value_next["extrinsic"][-1]) == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize("strength", [1.0, 0.5])
def test_extrinsic_reward_adds_groupmates_and_the_group(
    tmp_path: Path, strength: float
) -> None:
    # r_t = strength * (r^i_t + sum_{j != i} r^j_t + r^G_t), r^j = 0.5, r^G = 0.25.
    trainer = make_trainer(tmp_path, strength=strength)
    trainer._process_trajectory(
        trajectory(True, False, teammate_reward=0.5, group_reward=0.25)
    )
    rewards = np.array(trainer.update_buffer[RewardSignalUtil.rewards_key("extrinsic")])
    np.testing.assert_allclose(rewards.ravel(), strength * np.add(REWARDS, 0.75))


def test_scale_rewards_feeds_the_returns_the_scaled_rewards_and_keeps_the_stats(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # scale_rewards: each agent's extrinsic rewards (its own, its groupmates'
    # and the group's) go through RewardScaler (its maths is tested against
    # SB3's VecNormalize in test_reward_scaling.py), its discounted return
    # restarting after an episode end; the lambda-returns take the scaled
    # rewards, and the reward stats keep the environment's.
    trainer = make_trainer(tmp_path, {"scale_rewards": True}, strength=0.5)
    assert "Optimizer:reward_scaler" in trainer.optimizer.get_modules()  # checkpointed

    def critic_says(
        buffer: Any, next_obs: Any, next_group_obs: Any, done: bool, agent_id: str
    ) -> tuple[Any, ...]:
        next_value = np.array([0.0 if done else BOOTSTRAP])
        values, baselines = np.array(VALUES), np.array(BASELINES)
        return (
            {"extrinsic": values},
            {"extrinsic": baselines},
            {"extrinsic": next_value},
            None,
            None,
        )

    monkeypatch.setattr(
        trainer.optimizer, "get_trajectory_and_baseline_value_estimates", critic_says
    )
    reference = RewardScaler(GAMMA)
    expected_rewards, expected_returns = [], []
    for agent_id, done in (("a", False), ("b", False), ("a", True), ("a", False)):
        trainer._process_trajectory(
            trajectory(done, False, group_reward=0.25, agent_id=agent_id)
        )
        rewards = reference.scale(agent_id, np.add(REWARDS, 0.25) * 0.5, done)
        expected_rewards.extend(rewards)
        # G_t = r_t + gamma ((1 - lambda) V(s_{t+1}) + lambda G_{t+1}).
        next_value = next_return = 0.0 if done else BOOTSTRAP
        returns = []
        for reward, value in reversed(list(zip(rewards, VALUES, strict=False))):
            next_return = reward + GAMMA * (
                (1 - LAMBDA) * next_value + LAMBDA * next_return
            )
            returns.insert(0, next_return)
            next_value = value
        expected_returns.extend(returns)

    buffer = trainer.update_buffer
    np.testing.assert_allclose(
        np.ravel(buffer[RewardSignalUtil.rewards_key("extrinsic")]),
        expected_rewards,
        rtol=1e-5,
    )
    np.testing.assert_allclose(
        np.ravel(buffer[RewardSignalUtil.returns_key("extrinsic")]),
        expected_returns,
        rtol=1e-5,
    )
    # Agent a's episode goes on in its last trajectory: its reward so far is unscaled.
    assert trainer.collected_rewards["extrinsic"]["a"] == pytest.approx(
        0.5 * (sum(REWARDS) + 0.75)
    )


def test_update_policy_normalizes_advantages_over_the_buffer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each minibatch sees A_hat = (A - mean(A)) / std(A), mean and std over the
    # whole buffer, and num_epoch passes visit every step once each.
    hyperparameters = {"batch_size": 4, "buffer_size": 8, "num_epoch": 2}
    trainer = make_trainer(tmp_path, hyperparameters=hyperparameters)
    advantages = np.array([3.0, -1.0, 0.5, 2.0, 0.0, -4.0, 1.0, 1.5])
    for i in range(3):
        trainer._process_trajectory(trajectory(True, False, agent_id=f"a{i}"))
    trainer.update_buffer.truncate(8)
    trainer.update_buffer[ObsUtil.get_name_at(0)].set(
        [np.full(4, t, dtype=np.float32) for t in range(8)]
    )
    trainer.update_buffer[BufferKey.ADVANTAGES].set(list(advantages))
    seen: list[dict[float, float]] = []

    def update(batch: Minibatch, num_sequences: int) -> dict[str, float]:
        obs = batch.obs[0][:, 0].tolist()
        seen.append(dict(zip(obs, batch.advantages.tolist(), strict=True)))
        return {}

    monkeypatch.setattr(trainer.optimizer, "update", update)
    monkeypatch.setattr(trainer.optimizer, "update_reward_signals", lambda b: {})
    trainer._update_policy()

    assert len(seen) == 4  # 2 epochs of 8 / 4 minibatches
    expected = (advantages - advantages.mean()) / advantages.std()
    for epoch in (seen[:2], seen[2:]):
        by_step = {t: a for minibatch in epoch for t, a in minibatch.items()}
        assert sorted(by_step) == list(range(8))
        np.testing.assert_allclose([by_step[t] for t in range(8)], expected, rtol=1e-5)


def test_minibatches_hold_the_rows_of_mlagents_shuffled_buffer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # ML-Agents shuffles its buffer every epoch and slices minibatches in
    # order; the trainer shuffles row numbers with the same np.random draws
    # and takes those rows from its tensors: the same minibatches.
    hyperparameters = {"batch_size": 4, "buffer_size": 12, "num_epoch": 3}
    trainer = make_trainer(tmp_path, hyperparameters=hyperparameters)
    for i in range(4):
        trainer._process_trajectory(trajectory(True, False, agent_id=f"a{i}"))
    trainer.update_buffer[ObsUtil.get_name_at(0)].set(
        [np.full(4, t, dtype=np.float32) for t in range(12)]
    )
    theirs = AgentBuffer()
    for key, field in trainer.update_buffer.items():
        theirs[key].set(list(field))
    seen: list[list[float]] = []

    def update(batch: Minibatch, num_sequences: int) -> dict[str, float]:
        seen.append(batch.obs[0][:, 0].tolist())
        return {}

    monkeypatch.setattr(trainer.optimizer, "update", update)
    np.random.seed(11)
    trainer._update_policy()

    np.random.seed(11)
    expected = []
    for _ in range(3):
        theirs.shuffle(sequence_length=1)
        for start in range(0, 12, 4):
            minibatch = theirs.make_mini_batch(start, start + 4)
            expected.append(np.array(minibatch[ObsUtil.get_name_at(0)])[:, 0].tolist())
    assert seen == expected


def test_a_minibatch_of_the_buffers_tensors_is_that_minibatch_converted(
    tmp_path: Path,
) -> None:
    # The trainer converts its buffer once and takes minibatches from the
    # tensors: each must be what converting its rows alone gives, groupmates
    # padded to the most of those rows (none here for steps without a group).
    trainer = make_trainer(tmp_path)
    for i in range(4):  # steps 0-2 and 6-8 in a group of two, 3-5 and 9-11 alone
        trainer._process_trajectory(
            trajectory(True, False, agent_id=f"a{i}", in_group=i % 2 == 0)
        )
    buffer, optimizer = trainer.update_buffer, trainer.optimizer
    tensors = optimizer.batch_tensors(buffer)
    for rows in ([3, 4, 5, 9], [0, 10, 11, 7]):
        ours = optimizer.minibatch(tensors, torch.tensor(rows))
        theirs = optimizer.batch_tensors(buffer.take(rows))
        assert ours._fields == theirs._fields
        for field, mine, converted in zip(ours._fields, ours, theirs, strict=True):
            assert_same(mine, converted, field)


def assert_same(ours: Any, theirs: Any, where: str) -> None:
    """The same structure, and tensors equal bit for bit (NaN padding included)."""
    if isinstance(ours, torch.Tensor):
        torch.testing.assert_close(ours, theirs, rtol=0, atol=0, equal_nan=True)
    elif isinstance(ours, dict):
        assert ours.keys() == theirs.keys(), where
        for key in ours:
            assert_same(ours[key], theirs[key], f"{where}[{key}]")
    elif isinstance(ours, list | tuple):
        assert len(ours) == len(theirs), where
        for i, (a, b) in enumerate(zip(ours, theirs, strict=True)):
            assert_same(a, b, f"{where}[{i}]")
    else:
        assert ours is theirs is None, where


def test_the_group_return_is_reported_for_agents_in_a_group_only(
    tmp_path: Path,
) -> None:
    """``Environment/Group Cumulative Reward``: the group reward an agent there at
    the group's end received (3 steps x 0.25), and nothing for an agent of no group."""
    trainer = make_trainer(tmp_path)
    # Process-global: earlier tests may have reported for this behavior.
    stats = StatsReporter.stats_dict[trainer._stats_reporter.category]
    before = list(stats.get(GROUP_RETURN, []))
    trainer._process_trajectory(trajectory(True, False, in_group=False))
    assert stats.get(GROUP_RETURN, []) == before
    trainer._process_trajectory(trajectory(True, False, group_reward=0.25))
    assert stats[GROUP_RETURN] == pytest.approx([*before, 0.75])


def test_each_agent_has_its_own_critic_memory(tmp_path: Path) -> None:
    """An agent's trajectory starts from its own last critic memory, not another's."""
    memory = dict(memory={"memory_size": 8, "sequence_length": 2})
    trainer = make_trainer(tmp_path, **memory)
    optimizer = trainer.optimizer
    fresh = make_trainer(tmp_path / "fresh", **memory).optimizer
    fresh.critic.load_state_dict(optimizer.critic.state_dict())

    def first_value(opt: Any, agent: str) -> float:
        t = trajectory(False, False, teammate_done=False, agent_id=agent)
        values, *_ = opt.get_trajectory_and_baseline_value_estimates(
            t.to_agentbuffer(), t.next_obs, t.next_group_obs, False, agent
        )
        return float(values["extrinsic"][0])

    first_value(optimizer, "a")  # agent a's memory is now non-zero
    assert set(optimizer.value_memories) == {"a"}
    # Agent b starts from zeros, exactly as in a fresh optimizer...
    assert first_value(optimizer, "b") == pytest.approx(first_value(fresh, "b"))
    # ...while agent a carries its memory on.
    assert first_value(optimizer, "a") != pytest.approx(first_value(fresh, "a"))


@pytest.mark.parametrize(
    "done", [False, True], ids=["episode-goes-on", "episode-ended"]
)
def test_the_trainer_keeps_an_agents_critic_memory_until_its_episode_ends(
    tmp_path: Path, done: bool
) -> None:
    """The trainer keys the memory by the trajectory's agent, and drops it at the end."""
    trainer = make_trainer(tmp_path, memory=dict(memory_size=8, sequence_length=2))
    trainer._process_trajectory(
        trajectory(done, False, teammate_done=done, agent_id="agent-7")
    )
    kept = set() if done else {"agent-7"}
    assert set(trainer.optimizer.value_memories) == kept
    assert set(trainer.optimizer.baseline_memories) == kept


def test_policy_loss_at_ratio_one_is_minus_the_mean_advantage() -> None:
    # r = 1 everywhere: min(r A, clip(r) A) = A, so L_clip = -mean(A).
    advantages = torch.tensor([[1.5], [-0.5], [2.0], [0.25]])
    log_ratio = torch.zeros(4, 2)  # two action dimensions, both unchanged
    masks = torch.ones(4, dtype=torch.bool)
    loss = clipped_surrogate_loss(log_ratio, advantages, 0.2, masks)
    assert loss.item() == pytest.approx(-advantages.mean().item())


@pytest.mark.parametrize(
    "ratio, advantage, expected_objective",
    [
        (1.5, 2.0, 1.2 * 2.0),  # r > 1 + eps with A > 0: capped at (1 + eps) A
        (0.5, -2.0, 0.8 * -2.0),  # r < 1 - eps with A < 0: capped at (1 - eps) A
        (1.5, -2.0, 1.5 * -2.0),  # the pessimistic side is never clipped
        (0.5, 2.0, 0.5 * 2.0),
    ],
)
def test_clipping_holds_at_one_plus_or_minus_epsilon(
    ratio: float, advantage: float, expected_objective: float
) -> None:
    # L_clip = -min(r A, clip(r, 1 - eps, 1 + eps) A), with eps = 0.2.
    log_ratio = torch.tensor([[np.log(ratio)]], requires_grad=True)
    advantages = torch.tensor([[advantage]])
    masks = torch.ones(1, dtype=torch.bool)
    loss = clipped_surrogate_loss(log_ratio, advantages, 0.2, masks)
    assert loss.item() == pytest.approx(-expected_objective, rel=1e-6)
    loss.backward()
    assert log_ratio.grad is not None
    clipped = expected_objective != pytest.approx(ratio * advantage)
    # Where the clip binds, the ratio gets no gradient: the update stops there.
    assert (log_ratio.grad.abs().item() == 0.0) == clipped


@pytest.mark.parametrize(
    "estimate, expected",
    [
        # b_old = 1, G = 2, eps = 0.2. Moving toward G past eps: the clipped
        # estimate 1.2 is further from G, so max picks (2 - 1.2)^2 = 0.64.
        (1.5, 0.64),
        # Within eps of b_old: both terms are (2 - 1.1)^2 = 0.81.
        (1.1, 0.81),
        # Moving away from G: the unclipped (2 - 0.5)^2 = 2.25 is larger.
        (0.5, 2.25),
    ],
)
def test_baseline_loss_is_clipped_around_the_old_baseline(
    estimate: float, expected: float
) -> None:
    # L_b = max((G - b)^2, (G - b_old - clip(b - b_old, -eps, eps))^2)
    loss = clipped_value_loss(
        torch.tensor([estimate]),
        torch.tensor([1.0]),
        torch.tensor([2.0]),
        0.2,
        torch.ones(1, dtype=torch.bool),
    )
    assert loss.item() == pytest.approx(expected)


def processed_batch(
    tmp_path: Path, group_reward: float = 0.5, **hyperparameters: Any
) -> tuple[{{ cookiecutter.trainer_class_name }}, Any]:
    """Our trainer and a buffer of processed trajectories, as ``_update_policy`` sees it."""
    settings = {"learning_rate": 1e-2, "learning_rate_schedule": "constant"}
    torch.manual_seed(0)  # the same networks in every run, whatever ran before
    trainer = make_trainer(tmp_path, {**settings, **hyperparameters})
    for i in range(8):
        trainer._process_trajectory(
            trajectory(True, False, group_reward=group_reward, agent_id=f"a{i}")
        )
    batch = trainer.update_buffer
    # The actions were taken by this policy: pi_old = pi, so every ratio starts at 1.
    old = log_probs(trainer, batch).numpy().ravel()
    batch[BufferKey.DISCRETE_LOG_PROBS].set([np.array([value]) for value in old])
    return trainer, batch


def log_probs(trainer: {{ cookiecutter.trainer_class_name }}, batch: Any) -> torch.Tensor:
    """log pi(a_t | o_t) of the batch's stored actions under the current policy."""
    obs = [torch.as_tensor(np.array(batch[(ObservationKeyPrefix.OBSERVATION, 0)]))]
    with torch.no_grad():
        stats = trainer.policy.actor.get_stats(
            obs,
            AgentAction.from_buffer(batch),
            masks=torch.as_tensor(np.array(batch[BufferKey.ACTION_MASK])),
        )
    return stats["log_probs"].flatten()


def test_the_critic_follows_the_value_and_baseline_losses(tmp_path: Path) -> None:
    # The critic's part of L is 0.5 * (L_value + 0.5 * L_baseline), with
    #   L_value = mean((G_t - V(s_t))^2),
    #   L_baseline = mean(max((G_t - b_t)^2, (G_t - b_old - clip(b_t - b_old))^2)).
    # V and b share the critic's body and heads, so a loss that falls is not
    # enough; the gradient an update takes must be this one, computed here
    # from the equations on a copy of the critic as it was before the step.
    trainer, batch = processed_batch(tmp_path)
    name, epsilon = "extrinsic", 0.2
    # Old baselines off the current ones, so that both sides of the max occur.
    old = np.array(batch[RewardSignalUtil.baseline_estimates_key(name)].get_batch())
    offsets = np.resize([0.5, -0.05, -0.5, 0.05], len(old)).astype(np.float32)
    batch[RewardSignalUtil.baseline_estimates_key(name)].set(list(old + offsets))
    critic = copy.deepcopy(trainer.optimizer.critic)

    obs = [torch.as_tensor(np.array(o)) for o in ObsUtil.from_buffer(batch, 1)]
    mates = [
        [torch.as_tensor(np.array(o)) for o in member]
        for member in GroupObsUtil.from_buffer(batch, 1)
    ]
    returns = torch.as_tensor(np.array(batch[RewardSignalUtil.returns_key(name)]))
    b_old = torch.as_tensor(
        np.array(batch[RewardSignalUtil.baseline_estimates_key(name)])
    )
    values = critic.critic_pass([obs, *mates])[0][name]
    baselines = critic.baseline(obs, mates, AgentAction.group_from_buffer(batch))[0][
        name
    ]
    value_loss = ((returns - values) ** 2).mean()
    clipped = b_old + torch.clamp(baselines - b_old, -epsilon, epsilon)
    baseline_loss = torch.max((returns - baselines) ** 2, (returns - clipped) ** 2)
    (0.5 * (value_loss + 0.5 * baseline_loss.mean())).backward()

    trainer.optimizer.update(batch, batch.num_experiences)
    for (param_name, expected), actual in zip(
        critic.named_parameters(), trainer.optimizer.critic.parameters(), strict=True
    ):
        if expected.grad is None:
            assert actual.grad is None or not actual.grad.any(), param_name
            continue
        assert actual.grad is not None, param_name
        torch.testing.assert_close(actual.grad, expected.grad, msg=param_name)


def test_max_grad_norm_scales_the_gradients_down_to_that_norm(tmp_path: Path) -> None:
    # Not in ML-Agents' POCA (0, the default, does not clip): before the Adam
    # step, every gradient g is scaled by min(1, max_grad_norm / ||g||), the
    # norm taken over the actor's and the group critic's parameters together.
    gradients = []
    for max_grad_norm in (0.0, 1e-3):
        trainer, batch = processed_batch(
            tmp_path / str(max_grad_norm), max_grad_norm=max_grad_norm
        )
        trainer.optimizer.update(batch, batch.num_experiences)
        parameters = [
            *trainer.policy.actor.parameters(),
            *trainer.optimizer.critic.parameters(),
        ]
        gradients.append(
            torch.cat([p.grad.flatten() for p in parameters if p.grad is not None])
        )
    raw, clipped = gradients
    assert raw.norm() > 1e-3
    torch.testing.assert_close(clipped, raw * (1e-3 / raw.norm()))


@pytest.mark.parametrize("sign", [1.0, -1.0], ids=["positive", "negative"])
def test_an_update_moves_log_pi_with_the_advantage(tmp_path: Path, sign: float) -> None:
    # L_clip = -E[min(r A, clip(r) A)]: a step raises log pi(a|o) where A > 0 and
    # lowers it where A < 0 (no entropy bonus here, beta = 0).
    trainer, batch = processed_batch(tmp_path, beta=0.0, beta_schedule="constant")
    batch[BufferKey.ADVANTAGES].set([sign] * batch.num_experiences)
    before = log_probs(trainer, batch)
    trainer.optimizer.update(batch, batch.num_experiences)
    change = (log_probs(trainer, batch) - before).mean().item()
    assert sign * change > 0, change


def test_the_entropy_bonus_raises_the_entropy(tmp_path: Path) -> None:
    # L = ... - beta H[pi]: with no advantage to follow, a step raises H.
    # Small steps (Adam moves each weight by about the learning rate): the
    # initial policy is close to uniform, where a large step overshoots the
    # maximum of H.
    trainer, batch = processed_batch(
        tmp_path, beta=1.0, beta_schedule="constant", learning_rate=1e-4
    )
    batch[BufferKey.ADVANTAGES].set([0.0] * batch.num_experiences)
    obs = [torch.as_tensor(np.array(batch[(ObservationKeyPrefix.OBSERVATION, 0)]))]

    def entropy() -> float:
        with torch.no_grad():
            stats = trainer.policy.actor.get_stats(
                obs,
                AgentAction.from_buffer(batch),
                masks=torch.as_tensor(np.array(batch[BufferKey.ACTION_MASK])),
            )
        return float(stats["entropy"].mean())

    before = entropy()
    trainer.optimizer.update(batch, batch.num_experiences)
    assert entropy() > before
