"""The maths of the PPO-style trainer, each test checked against its equation by hand.

* GAE (Schulman et al. 2016, eq. 16) and the value targets G_t = A_t + V(s_t),
  computed by ``_process_trajectory`` for an episode that ends, one cut off at
  ``max_step`` and one cut at ``time_horizon`` (the last two bootstrap); the
  rewards scaled by each signal's strength; the advantages normalized over the
  buffer by ``_update_policy``.
* PPO's clipped surrogate (Schulman et al. 2017, eq. 7) in ``optimizer.py``,
  and the direction of one ``update()`` for each term of
  L = L_clip + 0.5 * L_value - beta * H: log pi rises for A > 0 and falls for
  A < 0, the entropy bonus raises H, the value step lowers (G - V)^2.
* A recurrent critic carries one memory per agent.

The direction tests take one step on one state (repeated), so that the first
Adam step, -lr * sign(gradient), changes the quantity at first order by
-lr * |gradient|_1 in the direction the loss asks: exact for a small lr.
"""

import copy
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from mlagents.trainers.buffer import AgentBuffer, BufferKey, RewardSignalUtil
from mlagents.trainers.torch_entities.action_log_probs import LogProbsTuple
from mlagents.trainers.torch_entities.agent_action import AgentAction
from mlagents.trainers.trajectory import AgentExperience, ObsUtil, Trajectory
from mlagents_envs.base_env import ActionTuple

from {{ cookiecutter.package_name }}.optimizer import Minibatch, clipped_surrogate_loss
from {{ cookiecutter.package_name }}.reward_scaling import RewardScaler
from {{ cookiecutter.package_name }}.tasks.goal import GoalTask
from {{ cookiecutter.package_name }}.trainer import (
    {{ cookiecutter.trainer_class_name }},
)

from .conftest import TRAINER_TYPE
from .helpers import trainer_for

GAMMA, LAMBDA = 0.9, 0.8
REWARDS = [1.0, 0.0, 2.0]
VALUES = [0.5, 0.4, 0.3]  # V(s_0), V(s_1), V(s_2), as the critic would say
BOOTSTRAP = 0.6  # V(s_3), the state after the last step

# delta_t = r_t + gamma * V(s_{t+1}) - V(s_t); A_t = delta_t + gamma * lambda * A_{t+1}.
# Episode ended at s_3, so V(s_3) counts as 0:
#   delta = (1 + 0.9*0.4 - 0.5, 0 + 0.9*0.3 - 0.4, 2 + 0.9*0 - 0.3) = (0.86, -0.13, 1.7)
#   A_2 = 1.7; A_1 = -0.13 + 0.72*1.7 = 1.094; A_0 = 0.86 + 0.72*1.094 = 1.64768
ADVANTAGES_ENDED = [1.64768, 1.094, 1.7]
# Cut off, so the value of s_3 bootstraps: delta_2 = 2 + 0.9*0.6 - 0.3 = 2.24;
#   A_1 = -0.13 + 0.72*2.24 = 1.4828; A_0 = 0.86 + 0.72*1.4828 = 1.927616
ADVANTAGES_CUT = [1.927616, 1.4828, 2.24]


def make_trainer(
    tmp_path: Path,
    strength: float = 1.0,
    task: GoalTask | None = None,
    **behavior: Any,
) -> {{ cookiecutter.trainer_class_name }}:
    """Our trainer with a policy for ``task`` (the 1-D goal), as ML-Agents builds one."""
    settings = {
        "trainer_type": TRAINER_TYPE,
        "hyperparameters": {"lambd": LAMBDA},
        "reward_signals": {
            "extrinsic": {"gamma": GAMMA, "strength": strength},
        },
        **behavior,
    }
    return trainer_for(task or GoalTask(), settings, tmp_path)


def trajectory(
    done: bool, interrupted: bool, agent_id: str = "agent-0", first_obs: float = 0.0
) -> Trajectory:
    """Three steps with REWARDS; ``done`` and ``interrupted`` mark the last one."""
    steps = [
        AgentExperience(
            obs=[np.full(2, first_obs + t, dtype=np.float32)],
            reward=reward,
            done=done and t == len(REWARDS) - 1,
            action=ActionTuple(continuous=np.zeros(1, dtype=np.float32)),
            action_probs=LogProbsTuple(continuous=np.zeros(1, dtype=np.float32)),
            action_mask=None,
            prev_action=np.zeros(1, dtype=np.float32),
            interrupted=interrupted and t == len(REWARDS) - 1,
            memory=np.zeros(0, dtype=np.float32),
            group_status=[],
            group_reward=0.0,
        )
        for t, reward in enumerate(REWARDS)
    ]
    next_obs = [np.full(2, first_obs + len(REWARDS), dtype=np.float32)]
    return Trajectory(steps, next_obs, [], agent_id, "Goal")


@pytest.mark.parametrize(
    "done, interrupted, expected_advantages",
    [
        (True, False, ADVANTAGES_ENDED),
        (True, True, ADVANTAGES_CUT),  # cut off at max_step
        (False, False, ADVANTAGES_CUT),  # cut at time_horizon, episode goes on
    ],
    ids=["episode-ended", "max-step-cut-off", "time-horizon-cut"],
)
def test_gae_and_returns_match_the_hand_computed_values(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    done: bool,
    interrupted: bool,
    expected_advantages: list[float],
) -> None:
    trainer = make_trainer(tmp_path)
    asked_done: list[bool] = []

    def critic_says(
        buffer: Any, next_obs: Any, done: bool, agent_id: str = ""
    ) -> tuple[Any, Any, None]:
        # What ML-Agents' critic returns: V(s_t), and V(s_T) (0 once done).
        asked_done.append(done)
        next_value = 0.0 if done else BOOTSTRAP
        return {"extrinsic": np.array(VALUES)}, {"extrinsic": next_value}, None

    monkeypatch.setattr(
        trainer.optimizer, "get_trajectory_value_estimates", critic_says
    )
    trainer._process_trajectory(trajectory(done, interrupted))

    # Only a real episode end stops the bootstrap.
    assert asked_done == [done and not interrupted]
    buffer = trainer.update_buffer
    advantages = np.array(buffer[RewardSignalUtil.advantage_key("extrinsic")])
    returns = np.array(buffer[RewardSignalUtil.returns_key("extrinsic")])
    np.testing.assert_allclose(advantages.ravel(), expected_advantages, rtol=1e-5)
    # G_t = A_t + V(s_t): the critic's regression target.
    np.testing.assert_allclose(
        returns.ravel(), np.add(expected_advantages, VALUES), rtol=1e-5
    )
    np.testing.assert_allclose(
        np.array(buffer[BufferKey.ADVANTAGES]).ravel(), expected_advantages, rtol=1e-5
    )


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


def test_rewards_are_scaled_by_the_signal_strength(tmp_path: Path) -> None:
    # r_t(signal) = strength * r_t(environment): what GAE and the critic see.
    trainer = make_trainer(tmp_path, strength=0.5)
    trainer._process_trajectory(trajectory(done=True, interrupted=False))
    rewards = trainer.update_buffer[RewardSignalUtil.rewards_key("extrinsic")]
    np.testing.assert_allclose(np.ravel(rewards), np.multiply(REWARDS, 0.5))


def test_scale_rewards_feeds_gae_the_scaled_rewards_and_keeps_the_stats(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # scale_rewards: each agent's extrinsic rewards go through RewardScaler (its
    # maths is tested against SB3's VecNormalize in test_reward_scaling.py), its
    # discounted return restarting after an episode end; GAE takes the scaled
    # rewards, and the reward stats keep the environment's.
    trainer = make_trainer(
        tmp_path, strength=0.5, hyperparameters={"lambd": LAMBDA, "scale_rewards": True}
    )
    assert "Optimizer:reward_scaler" in trainer.optimizer.get_modules()  # checkpointed

    def critic_says(buffer: Any, next_obs: Any, done: bool, agent_id: str = "") -> Any:
        next_value = 0.0 if done else BOOTSTRAP
        return {"extrinsic": np.array(VALUES)}, {"extrinsic": next_value}, None

    monkeypatch.setattr(
        trainer.optimizer, "get_trajectory_value_estimates", critic_says
    )
    reference = RewardScaler(GAMMA)
    expected_rewards, expected_advantages = [], []
    for agent_id, done in (("a", False), ("b", False), ("a", True), ("a", False)):
        trainer._process_trajectory(trajectory(done, False, agent_id))
        rewards = reference.scale(agent_id, np.multiply(REWARDS, 0.5), done)
        expected_rewards.extend(rewards)
        advantage, next_value = 0.0, 0.0 if done else BOOTSTRAP
        advantages = []
        for reward, value in reversed(list(zip(rewards, VALUES, strict=False))):
            advantage = reward + GAMMA * next_value - value + GAMMA * LAMBDA * advantage
            advantages.insert(0, advantage)
            next_value = value
        expected_advantages.extend(advantages)

    buffer = trainer.update_buffer
    np.testing.assert_allclose(
        np.ravel(buffer[RewardSignalUtil.rewards_key("extrinsic")]),
        expected_rewards,
        rtol=1e-5,
    )
    np.testing.assert_allclose(
        np.ravel(buffer[RewardSignalUtil.advantage_key("extrinsic")]),
        expected_advantages,
        rtol=1e-5,
    )
    # Agent a's episode goes on in its last trajectory: its reward so far is unscaled.
    assert trainer.collected_rewards["extrinsic"]["a"] == pytest.approx(
        0.5 * sum(REWARDS)
    )


def test_update_policy_normalizes_advantages_over_the_buffer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each minibatch sees A_hat = (A - mean(A)) / std(A), mean and std over the
    # whole buffer, and num_epoch passes visit every step once each.
    hyperparameters = {"batch_size": 4, "buffer_size": 8, "num_epoch": 2}
    trainer = make_trainer(tmp_path, hyperparameters=hyperparameters)
    advantages = np.array([3.0, -1.0, 0.5, 2.0, 0.0, -4.0, 1.0, 1.5])
    for key, field in hand_batch(trainer, advantage=0.0, n=8).items():
        trainer.update_buffer[key].set(list(field))
    trainer.update_buffer[ObsUtil.get_name_at(0)].set(
        [np.full(2, t, dtype=np.float32) for t in range(8)]
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
    for key, field in hand_batch(trainer, advantage=0.0, n=12).items():
        trainer.update_buffer[key].set(list(field))
    trainer.update_buffer[ObsUtil.get_name_at(0)].set(
        [np.full(2, t, dtype=np.float32) for t in range(12)]
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


def hand_batch(
    trainer: {{ cookiecutter.trainer_class_name }},
    advantage: float,
    value_return: float = 0.0,
    n: int = 8,
    old_log_prob_offset: float | list[float] = 0.0,
) -> AgentBuffer:
    """``n`` copies of one state and one action, with pi_old = pi (ratio 1).

    The action is the policy's own sample; the stored log-probabilities are the
    current policy's, so r = 1 before the step, unless ``old_log_prob_offset``
    (per continuous action dimension) is added to them. ``advantage`` and the return G
    (``value_return``) are what the losses see.
    """
    actor = trainer.policy.actor
    spec = trainer.policy.behavior_spec
    obs_size = spec.observation_specs[0].shape[0]
    obs = np.linspace(0.3, -0.6, obs_size, dtype=np.float32)
    obs_tensor = [torch.as_tensor(obs).expand(n, obs_size)]
    branches = sum(spec.action_spec.discrete_branches)
    action_mask = torch.ones(n, branches)
    torch.manual_seed(0)
    with torch.no_grad():
        action, run_out, _ = actor.get_action_and_stats(obs_tensor, masks=action_mask)
    buffer = AgentBuffer()
    actions = action.to_action_tuple()
    log_probs = run_out["log_probs"].to_log_probs_tuple()
    for i in range(n):
        buffer[ObsUtil.get_name_at(0)].append(obs)
        buffer[BufferKey.CONTINUOUS_ACTION].append(actions.continuous[i])
        buffer[BufferKey.DISCRETE_ACTION].append(actions.discrete[i])
        buffer[BufferKey.CONTINUOUS_LOG_PROBS].append(
            log_probs.continuous[i] + old_log_prob_offset
        )
        buffer[BufferKey.DISCRETE_LOG_PROBS].append(log_probs.discrete[i])
        buffer[BufferKey.ACTION_MASK].append(np.ones(branches, dtype=np.float32))
        buffer[BufferKey.MASKS].append(1.0)
        buffer[BufferKey.ADVANTAGES].append(advantage)
        buffer[RewardSignalUtil.returns_key("extrinsic")].append(value_return)
        # A decoy: the value must regress on the return, not on the reward.
        buffer[RewardSignalUtil.rewards_key("extrinsic")].append(-value_return)
    return buffer


def log_prob_and_entropy(
    trainer: {{ cookiecutter.trainer_class_name }},
    batch: AgentBuffer,
) -> tuple[float, float]:
    """Mean log pi(a|s) (summed over action dimensions) and entropy H[pi(.|s)]."""
    with torch.no_grad():
        stats = trainer.policy.actor.get_stats(
            [torch.as_tensor(np.array(batch[ObsUtil.get_name_at(0)]))],
            AgentAction.from_buffer(batch),
            masks=torch.as_tensor(np.array(batch[BufferKey.ACTION_MASK])),
        )
    log_pi = stats["log_probs"].flatten().sum(dim=1).mean().item()
    return log_pi, stats["entropy"].mean().item()


def squared_error(
    trainer: {{ cookiecutter.trainer_class_name }},
    batch: AgentBuffer,
) -> float:
    """Mean (G - V(s))^2 of the extrinsic value."""
    obs = [torch.as_tensor(np.array(batch[ObsUtil.get_name_at(0)]))]
    returns = torch.as_tensor(
        np.array(batch[RewardSignalUtil.returns_key("extrinsic")])
    )
    with torch.no_grad():
        values, _ = trainer.optimizer.critic.critic_pass(obs)
    return ((returns - values["extrinsic"]) ** 2).mean().item()


# lr small enough that one Adam step acts at first order; beta 0 unless tested.
STEP_SETTINGS = {
    "learning_rate": 1.0e-4,
    "learning_rate_schedule": "constant",
    "beta": 0.0,
    "beta_schedule": "constant",
}
ACTIONS = ["continuous", "discrete"]


@pytest.mark.parametrize("actions", ACTIONS)
@pytest.mark.parametrize("advantage", [1.0, -1.0], ids=["A>0", "A<0"])
def test_update_raises_log_pi_for_a_positive_advantage_and_lowers_it_for_a_negative(
    tmp_path: Path, actions: str, advantage: float
) -> None:
    # dL_clip/dlog pi(a|s) = -A at r = 1: the step moves log pi(a|s) along sign(A).
    task = GoalTask(actions=actions)
    trainer = make_trainer(tmp_path, task=task, hyperparameters=STEP_SETTINGS)
    batch = hand_batch(trainer, advantage)
    before, _ = log_prob_and_entropy(trainer, batch)
    trainer.optimizer.update(batch, num_sequences=len(batch[BufferKey.MASKS]))
    after, _ = log_prob_and_entropy(trainer, batch)
    assert np.sign(after - before) == np.sign(advantage), (before, after)


@pytest.mark.parametrize("actions", ACTIONS)
def test_entropy_bonus_raises_the_entropy(tmp_path: Path, actions: str) -> None:
    # A = 0: L_clip has no gradient, so the actor follows -beta * H alone.
    hyperparameters = {**STEP_SETTINGS, "beta": 0.1}
    task = GoalTask(actions=actions)
    trainer = make_trainer(tmp_path, task=task, hyperparameters=hyperparameters)
    batch = hand_batch(trainer, advantage=0.0)
    _, before = log_prob_and_entropy(trainer, batch)
    trainer.optimizer.update(batch, num_sequences=len(batch[BufferKey.MASKS]))
    _, after = log_prob_and_entropy(trainer, batch)
    assert after > before, (before, after)


@pytest.mark.parametrize("value_return", [2.0, -2.0])
def test_value_step_lowers_the_squared_error(
    tmp_path: Path, value_return: float
) -> None:
    # L_value = (G - V(s))^2: one step brings V(s) closer to G.
    trainer = make_trainer(tmp_path, hyperparameters=STEP_SETTINGS)
    batch = hand_batch(trainer, advantage=0.0, value_return=value_return)
    before = squared_error(trainer, batch)
    trainer.optimizer.update(batch, num_sequences=len(batch[BufferKey.MASKS]))
    after = squared_error(trainer, batch)
    assert after < before, (before, after)


def test_max_grad_norm_scales_the_gradients_down_to_that_norm(tmp_path: Path) -> None:
    # Not in ML-Agents' PPO (0, the default, does not clip): before the Adam
    # step, every gradient g is scaled by min(1, max_grad_norm / ||g||), the
    # norm taken over the actor's and the critic's parameters together.
    gradients = []
    for max_grad_norm in (0.0, 1e-3):
        torch.manual_seed(0)  # the same networks for both
        trainer = make_trainer(
            tmp_path / str(max_grad_norm),
            hyperparameters={**STEP_SETTINGS, "max_grad_norm": max_grad_norm},
        )
        batch = hand_batch(trainer, advantage=1.0, value_return=2.0)
        trainer.optimizer.update(batch, num_sequences=len(batch[BufferKey.MASKS]))
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


def test_approx_kl_is_that_of_the_joint_ratio_and_clip_fraction_per_dimension(
    tmp_path: Path,
) -> None:
    # Per-dimension log r_j = (0.1, 0.2) before the step; the joint log R = 0.3.
    # Approx KL = E[(R - 1) - log R] = e^0.3 - 1.3; clip fraction (epsilon 0.2):
    # r = (1.105, 1.221), one of the two outside [0.8, 1.2].
    hyperparameters = {**STEP_SETTINGS, "epsilon_schedule": "constant"}
    task = GoalTask(dims=2, actions="continuous")
    trainer = make_trainer(tmp_path, task=task, hyperparameters=hyperparameters)
    batch = hand_batch(trainer, advantage=1.0, old_log_prob_offset=[-0.1, -0.2])
    stats = trainer.optimizer.update(batch, len(batch[BufferKey.MASKS]))
    assert stats["Policy/Approx KL"] == pytest.approx(np.exp(0.3) - 1.3, rel=1e-4)
    assert stats["Policy/Clip Fraction"] == pytest.approx(0.5)
    # |L_clip| (as ML-Agents' ppo reports it): min(r A, clip(r) A) = (1.105, 1.2).
    assert stats["Losses/Policy Loss"] == pytest.approx(
        (np.exp(0.1) + 1.2) / 2, rel=1e-4
    )


def test_recurrent_critic_keeps_one_memory_per_agent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # V(s_t | m_t): agent A's second trajectory starts from the memory A's first
    # one left, whatever another agent's trajectory did in between.
    memory = {"memory_size": 8, "sequence_length": 2}
    trainer = make_trainer(tmp_path, network_settings={"memory": memory})
    optimizer = trainer.optimizer
    estimates: list[dict[str, np.ndarray]] = []
    value_estimates = optimizer.get_trajectory_value_estimates

    def recorded(*args: Any) -> Any:
        result = value_estimates(*args)
        estimates.append(result[0])
        return result

    monkeypatch.setattr(optimizer, "get_trajectory_value_estimates", recorded)
    trainer._process_trajectory(trajectory(False, False, "A", first_obs=0.0))
    after_a = copy.copy(optimizer.critic_memory_dict)
    trainer._process_trajectory(trajectory(False, False, "B", first_obs=5.0))
    trainer._process_trajectory(trajectory(False, False, "A", first_obs=3.0))
    with_b_between = estimates[-1]["extrinsic"]
    optimizer.critic_memory_dict.clear()
    optimizer.critic_memory_dict.update(after_a)
    trainer._process_trajectory(trajectory(False, False, "A", first_obs=3.0))
    np.testing.assert_array_equal(with_b_between, estimates[-1]["extrinsic"])
    # A finished episode leaves no memory behind for the agent's next one.
    trainer._process_trajectory(trajectory(True, True, "A", first_obs=6.0))
    assert "A" not in optimizer.critic_memory_dict
