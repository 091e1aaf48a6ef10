"""The maths of the SAC-style trainer, each test checked against its equation.

* The soft Bellman target (Haarnoja et al. 2018, eqs. 2-3):
  y = r + gamma * (1 - done * use_done) * V'(s'), where ``use_done`` is 0 for
  reward signals that ignore episode ends.
* Polyak averaging of the target networks: Q' <- tau * Q + (1 - tau) * Q'.
* The temperature loss (Haarnoja et al. 2018, eq. 18):
  L(alpha) = log(alpha) * (H - H_target), so alpha rises when H < H_target.
* One ``update()``, recomputed here from the networks by hand: the Q loss
  0.5 * (Q_i(s, a) - y)^2 with y from the target networks, min_i E_d[Q'_i] and
  the entropy bonus; the policy loss -(min_i E_d[Q_i] + alpha * H); the
  temperature loss; and the direction of each step: Q moves toward y, the
  policy raises min_i E_d[Q_i] + alpha * H, alpha moves toward its target, and
  the targets move by exactly tau.
* ``_process_trajectory`` stores done for an episode that ended, not for one cut
  off at ``max_step``.

Every expectation over discrete actions is exact; a continuous sample comes
from the same seed in the test and in ``update``. The steps act at first
order: Adam's first step is -lr * sign(gradient), with a small lr.
"""

import copy
from pathlib import Path

import numpy as np
import pytest
import torch
from mlagents.trainers.buffer import AgentBuffer, BufferKey, RewardSignalUtil
from mlagents.trainers.torch_entities.action_log_probs import LogProbsTuple
from mlagents.trainers.trajectory import AgentExperience, ObsUtil, Trajectory
from mlagents_envs.base_env import ActionTuple

from {{ cookiecutter.package_name }}.optimizer import PolicySample, soft_q_target
from {{ cookiecutter.package_name }}.tasks.demos import record_demonstration
from {{ cookiecutter.package_name }}.tasks.goal import GoalTask, expert
from {{ cookiecutter.package_name }}.trainer import (
    {{ cookiecutter.trainer_class_name }},
)

from .conftest import TRAINER_TYPE
from .helpers import trainer_for

TAU = 0.01
GAMMA = 0.99
EXTRINSIC_ONLY = {
    "extrinsic": {"gamma": GAMMA},
}


def make_trainer(
    tmp_path: Path,
    task: GoalTask,
    reward_signals: dict,
    init_entcoef: float = 0.5,
) -> {{ cookiecutter.trainer_class_name }}:
    """Our trainer, with its policy and optimizer for ``task``."""
    behavior = {
        "trainer_type": TRAINER_TYPE,
        "hyperparameters": {
            "tau": TAU,
            "init_entcoef": init_entcoef,
            "learning_rate": 1.0e-4,
        },
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


SEED = 3


def random_batch(
    task: GoalTask,
    dones: list[float],
    rewards: list[float] | None = None,
    seed: int = 0,
) -> AgentBuffer:
    """Transitions (s, a, r, s', done) of ``task``'s shapes, one per entry of ``dones``."""
    rng = np.random.default_rng(seed)
    spec = task.behavior_specs[task.behavior_name].action_spec
    obs_size = task.behavior_specs[task.behavior_name].observation_specs[0].shape[0]
    n = len(dones)
    rewards = rewards if rewards is not None else list(rng.normal(size=n))
    buffer = AgentBuffer()
    for i in range(n):
        buffer[ObsUtil.get_name_at(0)].append(
            rng.normal(size=obs_size).astype(np.float32)
        )
        buffer[ObsUtil.get_name_at_next(0)].append(
            rng.normal(size=obs_size).astype(np.float32)
        )
        buffer[BufferKey.CONTINUOUS_ACTION].append(
            rng.uniform(-1, 1, size=spec.continuous_size).astype(np.float32)
        )
        buffer[BufferKey.DISCRETE_ACTION].append(
            np.array([rng.integers(b) for b in spec.discrete_branches], np.int32)
        )
        buffer[BufferKey.ACTION_MASK].append(
            np.ones(sum(spec.discrete_branches), dtype=np.float32)
        )
        buffer[BufferKey.MASKS].append(1.0)
        buffer[BufferKey.DONE].append(dones[i])
        buffer[RewardSignalUtil.rewards_key("extrinsic")].append(rewards[i])
    return buffer


def tensor(batch: AgentBuffer, key: object) -> torch.Tensor:
    return torch.as_tensor(np.array(batch[key]))  # type: ignore[index]


def expected_q(q: torch.Tensor, probs: torch.Tensor) -> torch.Tensor:
    """E_{d ~ pi}[Q(s, c, d)] for one branch: sum_d pi(d|s) Q(s, c)[d]."""
    return (probs * q).sum(dim=1)


def hand_target(
    trainer: {{ cookiecutter.trainer_class_name }},
    batch: AgentBuffer,
) -> torch.Tensor:
    """y = r + gamma * (1 - done) * (min_i E_d'[Q'_i(s', c', d')] + alpha_c H_c + alpha_d H_d).

    c' ~ pi(.|s') with the seed ``update`` uses; H_c = -log pi(c'|s'), H_d exact.
    """
    optimizer = trainer.optimizer
    next_obs = [tensor(batch, ObsUtil.get_name_at_next(0))]
    n = next_obs[0].shape[0]
    torch.manual_seed(SEED)
    with torch.no_grad():
        action, run_out, _ = optimizer.policy.actor.get_action_and_stats(
            next_obs, masks=torch.ones(n, 3)
        )
        c = action.continuous_tensor
        h_c = -run_out["log_probs"].continuous_tensor.sum(dim=1)
        log_p = run_out["log_probs"].all_discrete_tensor
        h_d = -(log_p.exp() * log_p).sum(dim=1)
        q1, _ = optimizer.target_q1(next_obs, c)
        q2, _ = optimizer.target_q2(next_obs, c)
        v = torch.min(
            expected_q(q1["extrinsic"], log_p.exp()),
            expected_q(q2["extrinsic"], log_p.exp()),
        )
        v = v + optimizer.log_alpha_continuous.exp() * h_c
        v = v + optimizer.log_alpha_discrete[0].exp() * h_d
    reward = tensor(batch, RewardSignalUtil.rewards_key("extrinsic"))
    return reward + GAMMA * (1.0 - tensor(batch, BufferKey.DONE)) * v


def q_taken(q: torch.nn.Module, batch: AgentBuffer) -> torch.Tensor:
    """Q(s, c, d) of the stored actions: the output of the stored d, with c fed in."""
    obs = [tensor(batch, ObsUtil.get_name_at(0))]
    with torch.no_grad():
        out, _ = q(obs, tensor(batch, BufferKey.CONTINUOUS_ACTION))
    discrete = tensor(batch, BufferKey.DISCRETE_ACTION).long()
    return out["extrinsic"].gather(1, discrete).squeeze(1)


def test_q_loss_is_the_hand_computed_soft_bellman_error_and_q_moves_toward_y(
    tmp_path: Path,
) -> None:
    # y = r + gamma (1 - done) [min_i E_d' Q'_i(s', c', d') + alpha_c H_c + alpha_d H_d];
    # L_Q_i = 0.5 * mean (Q_i(s, a) - y)^2. Hybrid actions: c' sampled, d' exact.
    task = GoalTask(dims=2, actions="hybrid")
    trainer = make_trainer(tmp_path, task, EXTRINSIC_ONLY)
    optimizer = trainer.optimizer
    batch = random_batch(task, dones=[0.0, 1.0, 0.0, 1.0, 0.0, 0.0])
    # Targets that differ from the online networks, as they do after a while,
    # and lie above them: y takes a min, so a y computed from an online Q
    # instead of its target would take the online Q's lower values and show.
    generator = torch.Generator().manual_seed(1)
    with torch.no_grad():
        for target in (optimizer.target_q1, optimizer.target_q2):
            for p in target.parameters():
                p.add_(0.1 * torch.randn(p.shape, generator=generator))
            for head in target.value_heads.value_heads.values():
                head.bias.add_(1.0)
    y = hand_target(trainer, batch)
    q1_before = q_taken(optimizer.q1, batch)
    q2_before = q_taken(optimizer.q2, batch)
    targets_before = [
        copy.deepcopy(t.state_dict())
        for t in (optimizer.target_q1, optimizer.target_q2)
    ]

    torch.manual_seed(SEED)
    stats = optimizer.update(batch, num_sequences=6)

    assert stats["Losses/Q1 Loss"] == pytest.approx(
        0.5 * ((q1_before - y) ** 2).mean().item(), rel=1e-5
    )
    assert stats["Losses/Q2 Loss"] == pytest.approx(
        0.5 * ((q2_before - y) ** 2).mean().item(), rel=1e-5
    )
    # The step brings both Q networks closer to y.
    for q, before in ((optimizer.q1, q1_before), (optimizer.q2, q2_before)):
        after = q_taken(q, batch)
        assert ((after - y) ** 2).mean() < ((before - y) ** 2).mean()
    # Q'_i <- tau * Q_i + (1 - tau) * Q'_i, once per update, after the Q step.
    for online, target, before in zip(
        (optimizer.q1, optimizer.q2),
        (optimizer.target_q1, optimizer.target_q2),
        targets_before,
        strict=True,
    ):
        online_now = online.state_dict()
        for name, value in target.state_dict().items():
            expected = TAU * online_now[name] + (1 - TAU) * before[name]
            torch.testing.assert_close(value, expected)


def policy_objective(
    trainer: {{ cookiecutter.trainer_class_name }},
    actor: torch.nn.Module,
    batch: AgentBuffer,
    alpha: float,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Per state: min_i E_{d ~ pi}[Q_i(s, d)] + alpha * H[pi(.|s)], and H (discrete)."""
    optimizer = trainer.optimizer
    obs = [tensor(batch, ObsUtil.get_name_at(0))]
    n = obs[0].shape[0]
    with torch.no_grad():
        _, run_out, _ = actor.get_action_and_stats(obs, masks=torch.ones(n, 3))
        log_p = run_out["log_probs"].all_discrete_tensor
        entropy = -(log_p.exp() * log_p).sum(dim=1)
        q1, _ = optimizer.q1(obs)
        q2, _ = optimizer.q2(obs)
        min_q = torch.min(
            expected_q(q1["extrinsic"], log_p.exp()),
            expected_q(q2["extrinsic"], log_p.exp()),
        )
    return min_q + alpha * entropy, entropy


@pytest.mark.parametrize(
    "flat_q", [False, True], ids=["learned-q", "flat-q-entropy-only"]
)
def test_policy_step_raises_min_q_plus_alpha_entropy(
    tmp_path: Path, flat_q: bool
) -> None:
    # J(pi) = E_s[min_i E_{d ~ pi}[Q_i(s, d)] + alpha * H[pi(.|s)]]; L_pi = -J,
    # evaluated with the Q networks after their step. With Q = 0 everywhere
    # (and y = 0, so Q stays 0), only the entropy term can move the policy.
    task = GoalTask(actions="discrete")
    trainer = make_trainer(tmp_path, task, EXTRINSIC_ONLY)
    optimizer = trainer.optimizer
    dones = [1.0] * 6 if flat_q else [0.0, 1.0, 0.0, 1.0, 0.0, 0.0]
    batch = random_batch(task, dones, rewards=[0.0] * 6 if flat_q else None)
    if flat_q:
        with torch.no_grad():
            for q in (optimizer.q1, optimizer.q2):
                for p in q.value_heads.parameters():
                    p.zero_()
    alpha = optimizer.log_alpha_discrete[0].exp().item()
    actor_before = copy.deepcopy(optimizer.policy.actor)

    stats = optimizer.update(batch, num_sequences=6)

    j_before, entropy = policy_objective(trainer, actor_before, batch, alpha)
    j_after, _ = policy_objective(trainer, optimizer.policy.actor, batch, alpha)
    assert stats["Losses/Policy Loss"] == pytest.approx(
        -j_before.mean().item(), rel=1e-5
    )
    assert j_after.mean() > j_before.mean(), (j_before, j_after)
    # L_alpha = log(alpha) * (H - H_target): alpha moves toward the target.
    target = optimizer.target_entropy_discrete[0]
    log_alpha = optimizer.log_alpha_discrete[0].item()
    assert stats["Losses/Entropy Coefficient Loss"] == pytest.approx(
        (np.log(alpha) * (entropy - target)).mean().item(), rel=1e-4
    )
    assert np.sign(log_alpha - np.log(alpha)) == np.sign(target - entropy.mean())


@pytest.mark.parametrize(
    "interrupted", [False, True], ids=["episode-ended", "max-step-cut-off"]
)
def test_a_cut_off_episode_is_stored_as_not_done(
    tmp_path: Path, interrupted: bool
) -> None:
    # y bootstraps from V'(s') unless done: an episode cut off at max_step did
    # not end, so its last transition is stored with done = 0.
    trainer = make_trainer(tmp_path, GoalTask(), EXTRINSIC_ONLY)
    steps = [
        AgentExperience(
            obs=[np.full(2, t, dtype=np.float32)],
            reward=0.5,
            done=t == 2,
            action=ActionTuple(continuous=np.zeros(1, dtype=np.float32)),
            action_probs=LogProbsTuple(continuous=np.zeros(1, dtype=np.float32)),
            action_mask=None,
            prev_action=np.zeros(1, dtype=np.float32),
            interrupted=interrupted and t == 2,
            memory=np.zeros(0, dtype=np.float32),
            group_status=[],
            group_reward=0.0,
        )
        for t in range(3)
    ]
    next_obs = [np.full(2, 3, dtype=np.float32)]
    trainer._process_trajectory(Trajectory(steps, next_obs, [], "agent-0", "Goal"))
    dones = np.ravel(trainer.update_buffer[BufferKey.DONE])
    assert list(dones) == [0.0, 0.0, 0.0 if interrupted else 1.0]
