"""The maths of the PPO-style trainer, each test checked against its equation by hand.

* GAE (Schulman et al. 2016, eq. 16) and the value targets G_t = A_t + V(s_t),
  computed by ``_process_trajectory`` for an episode that ends, one cut off at
  ``max_step`` and one cut at ``time_horizon`` (the last two bootstrap).
* PPO's clipped surrogate (Schulman et al. 2017, eq. 7) in ``optimizer.py``.
"""

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from mlagents.trainers.buffer import BufferKey, RewardSignalUtil
from mlagents.trainers.torch_entities.action_log_probs import LogProbsTuple
from mlagents.trainers.trajectory import AgentExperience, Trajectory
from mlagents_envs.base_env import ActionTuple

from {{ cookiecutter.package_name }}.optimizer import clipped_surrogate_loss
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


def make_trainer(tmp_path: Path) -> {{ cookiecutter.trainer_class_name }}:
    """Our trainer with a policy for the 1-D goal task, as ML-Agents builds one."""
    behavior = {
        "trainer_type": TRAINER_TYPE,
        "hyperparameters": {"lambd": LAMBDA},
        "reward_signals": {
            "extrinsic": {"gamma": GAMMA, "strength": 1.0},
        },
    }
    return trainer_for(GoalTask(), behavior, tmp_path)


def trajectory(done: bool, interrupted: bool) -> Trajectory:
    """Three steps with REWARDS; ``done`` and ``interrupted`` mark the last one."""
    steps = [
        AgentExperience(
            obs=[np.full(2, t, dtype=np.float32)],
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
    next_obs = [np.full(2, len(REWARDS), dtype=np.float32)]
    return Trajectory(steps, next_obs, [], "agent-0", "Goal")


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

    def critic_says(buffer: Any, next_obs: Any, done: bool) -> tuple[Any, Any, None]:
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
