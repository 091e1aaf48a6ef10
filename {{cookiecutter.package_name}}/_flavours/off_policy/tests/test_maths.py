"""The maths of the SAC-style trainer, each test checked against its equation.

* The soft Bellman target (Haarnoja et al. 2018, eqs. 2-3):
  y = r + gamma * (1 - done * use_done) * V'(s'), where ``use_done`` is 0 for
  reward signals that ignore episode ends.
* Polyak averaging of the target networks: Q' <- tau * Q + (1 - tau) * Q'.
* The temperature loss (Haarnoja et al. 2018, eq. 18):
  L(alpha) = log(alpha) * (H - H_target), so alpha rises when H < H_target.
"""

from pathlib import Path

import pytest
import torch

from {{ cookiecutter.package_name }}.optimizer import PolicySample, soft_q_target
from {{ cookiecutter.package_name }}.tasks.demos import record_demonstration
from {{ cookiecutter.package_name }}.tasks.goal import GoalTask, expert
from {{ cookiecutter.package_name }}.trainer import (
    {{ cookiecutter.trainer_class_name }},
)

from .conftest import TRAINER_TYPE
from .helpers import trainer_for

TAU = 0.01
EXTRINSIC_ONLY = {
    "extrinsic": {"gamma": 0.99},
}


def make_trainer(
    tmp_path: Path,
    task: GoalTask,
    reward_signals: dict,
) -> {{ cookiecutter.trainer_class_name }}:
    """Our trainer, with its policy and optimizer for ``task``."""
    behavior = {
        "trainer_type": TRAINER_TYPE,
        "hyperparameters": {"tau": TAU, "init_entcoef": 0.5},
        "reward_signals": reward_signals,
    }
    return trainer_for(task, behavior, tmp_path)


def test_target_is_the_reward_when_the_episode_is_done() -> None:
    reward, next_value = torch.tensor([1.0, 1.0]), torch.tensor([5.0, 5.0])
    done = torch.tensor([1.0, 0.0])
    # y = r + 0.9 * (1 - done) * V': the ended step keeps r, the other bootstraps.
    y = soft_q_target(reward, next_value, done, gamma=0.9, use_done=1.0)
    assert y.tolist() == pytest.approx([1.0, 1.0 + 0.9 * 5.0])


def test_target_bootstraps_through_done_for_signals_that_ignore_it() -> None:
    reward, next_value = torch.tensor([1.0]), torch.tensor([5.0])
    # use_done = 0 (curiosity, RND): y = r + gamma * V' even at the episode's end.
    y = soft_q_target(reward, next_value, torch.tensor([1.0]), 0.9, use_done=0.0)
    assert y.tolist() == pytest.approx([1.0 + 0.9 * 5.0])


def test_each_reward_signal_keeps_its_own_done_semantics(tmp_path: Path) -> None:
    task = GoalTask(actions="discrete")
    demo = record_demonstration(task, expert, 5, tmp_path / "expert.demo")
    signals = {
        "extrinsic": {"gamma": 0.99},
        "curiosity": {"gamma": 0.99, "strength": 0.1},
        "rnd": {"gamma": 0.99, "strength": 0.1},
        "gail": {"gamma": 0.99, "strength": 0.1, "demo_path": str(demo)},
    }
    optimizer = make_trainer(tmp_path, GoalTask(actions="discrete"), signals).optimizer
    # ML-Agents' reward providers say which signals ignore done; the backup obeys.
    assert optimizer.use_dones == {
        "extrinsic": 1.0,
        "curiosity": 0.0,
        "rnd": 0.0,
        "gail": 1.0,
    }


def test_soft_update_moves_the_targets_by_exactly_tau(tmp_path: Path) -> None:
    optimizer = make_trainer(tmp_path, GoalTask(), EXTRINSIC_ONLY).optimizer
    with torch.no_grad():
        for online, target in (
            (optimizer.q1, optimizer.target_q1),
            (optimizer.q2, optimizer.target_q2),
        ):
            for p in online.parameters():
                p.fill_(1.0)
            for p in target.parameters():
                p.fill_(3.0)
    optimizer.update_targets()
    # Q' <- tau * 1 + (1 - tau) * 3 = 3 - 2 * tau.
    for target in (optimizer.target_q1, optimizer.target_q2):
        for p in target.parameters():
            torch.testing.assert_close(p, torch.full_like(p, 3.0 - 2.0 * TAU))


@pytest.mark.parametrize("below_target", [True, False], ids=["below", "above"])
def test_entropy_coefficient_rises_when_entropy_is_below_target(
    tmp_path: Path, below_target: bool
) -> None:
    task = GoalTask(dims=2, actions="hybrid")  # one continuous part, one branch of 3
    optimizer = make_trainer(tmp_path, task, EXTRINSIC_ONLY).optimizer
    n = 8
    # Continuous target -1: log pi = 3 gives H = -3 (below), -3 gives H = 3 (above).
    continuous_log_prob = torch.full((n,), 3.0 if below_target else -3.0)
    # Branch target 0.2 * log 3 = 0.22: a near-certain choice is below, uniform above.
    probs = torch.tensor([0.98, 0.01, 0.01]) if below_target else torch.ones(3) / 3
    pi = PolicySample(
        continuous=torch.zeros(n, 1),
        continuous_log_prob=continuous_log_prob,
        branch_probs=[probs.expand(n, 3)],
        branch_log_probs=[probs.log().expand(n, 3)],
    )
    alpha_c = optimizer.log_alpha_continuous.item()
    alpha_d = optimizer.log_alpha_discrete[0].item()
    loss = optimizer.temperature_loss(pi, torch.ones(n, dtype=torch.bool))
    optimizer.alpha_optimizer.zero_grad()
    loss.backward()
    optimizer.alpha_optimizer.step()
    rose_c = optimizer.log_alpha_continuous.item() > alpha_c
    rose_d = optimizer.log_alpha_discrete[0].item() > alpha_d
    assert rose_c == below_target
    assert rose_d == below_target
