"""The loss of {{ cookiecutter.trainer_class_name }}: soft actor-critic with twin Q networks and target Q networks.

This is the SAC of Haarnoja et al. 2018, "Soft Actor-Critic Algorithms and
Applications" (arXiv:1812.05905): twin Q networks, soft-updated *target Q
networks* and an automatically tuned temperature. ML-Agents' built-in ``sac``
is the earlier *value-network* SAC (arXiv:1801.01290): it learns V(s) and a
target V instead of target Q networks. Discrete action branches follow
Christodoulou 2019, "Soft Actor-Critic for Discrete Action Settings"
(arXiv:1910.07207): the Q networks output one value per action of each branch,
and expectations over pi(.|s) are computed exactly instead of sampled.

``update`` is the whole learning rule, one sampled minibatch at a time. With a
continuous part c and discrete branches b = 1..B of the action,

    Q(s, c, d)    = mean_b Q_b(s, c)[d_b]                 (B = 0: one output)
    V'(s')        = min_i E_{d' ~ pi(s')} [Q'_i(s', c', d')] + alpha_c H_c + sum_b alpha_b H_b
    y_k           = r_k + gamma_k * (1 - done * use_done_k) * V'_k(s')     per reward signal k
    L_Q           = 0.5 * (Q_1(s, a) - y)^2 + 0.5 * (Q_2(s, a) - y)^2
    L_pi          = E_s[ -min_i E_{d ~ pi(s)} [Q_i(s, c~, d)] - alpha_c H_c - sum_b alpha_b H_b ]
    L_alpha       = log(alpha) * (H - H_target)            per entropy term

where c' ~ pi(.|s') and c~ ~ pi(.|s) are reparameterized samples, H_c = -log pi(c|s)
for that sample, H_b is branch b's exact entropy, and the targets follow softly:
Q' <- tau * Q + (1 - tau) * Q'. Over discrete actions the expectation sits
inside the min, min_i E_d[Q_i], as in ML-Agents' built-in ``sac``; Christodoulou
writes the expectation of the min, E_d[min_i Q_i], which is never larger. With
several branches Q is a mean over branches, and E_d[min_i Q_i] would need every
combination of the branches' actions, while min_i E_d[Q_i] takes one sum per branch.
``use_done_k`` is 0 for reward signals that ignore episode ends (curiosity,
RND), so their values bootstrap across ``done`` as ML-Agents' built-ins do.

Differences from the built-in ``sac``, on purpose: target Q networks instead of
a value network; ``min`` of both Q networks in the policy loss (the built-in
uses Q1 alone); the joint entropy ``sum_b`` over branches (the built-in
averages over branches); and a' at s' is drawn without the action mask of s'
(the replay buffer stores masks only for s). Shared with it: the per-branch
temperatures, the target entropies below, and zero initial memories for the
recurrent Q networks.

Change the algorithm here: edit the loss terms in ``update``, or add networks in
``__init__`` (register them in ``get_modules`` so checkpoints include them).
"""

import copy
import math
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NamedTuple, cast

from mlagents.torch_utils import default_device, torch
from mlagents.trainers.buffer import AgentBuffer, BufferKey, RewardSignalUtil
from mlagents.trainers.optimizer.torch_optimizer import TorchOptimizer
from mlagents.trainers.policy.torch_policy import TorchPolicy
from mlagents.trainers.settings import TrainerSettings
from mlagents.trainers.torch_entities.agent_action import AgentAction
from mlagents.trainers.torch_entities.networks import ValueNetwork
from mlagents.trainers.torch_entities.utils import ModelUtils
from mlagents.trainers.trajectory import ObsUtil

from .replay_buffer import actions_from, rows_tensor
from .settings import (
    LEARNING_RATE_FLOOR,
    {{ cookiecutter.trainer_class_name }}Settings,
)

# Target entropies, as in ML-Agents' built-in SAC: -|c| for the continuous part
# (Haarnoja et al.), and 0.2 * log(n_b) per discrete branch (about the entropy
# of an epsilon-greedy policy with epsilon 0.05).
CONTINUOUS_TARGET_ENTROPY_SCALE = 1.0
DISCRETE_TARGET_ENTROPY_SCALE = 0.2


class Minibatch(NamedTuple):
    """A sampled minibatch as tensors, each converted once per update."""

    obs: list[torch.Tensor]
    next_obs: list[torch.Tensor]
    actions: AgentAction
    action_masks: torch.Tensor
    dones: torch.Tensor
    masks: torch.Tensor
    rewards: dict[str, torch.Tensor]  # r_k per reward signal k
    memories: torch.Tensor | None  # the actor's memory at each sequence start


class PolicySample(NamedTuple):
    """What the actor says at a batch of states, for the losses."""

    continuous: torch.Tensor | None  # c ~ pi(.|s), reparameterized; None without c
    continuous_log_prob: torch.Tensor  # log pi(c|s), summed over dimensions
    branch_probs: list[torch.Tensor]  # pi_b(.|s) for every branch b
    branch_log_probs: list[torch.Tensor]  # log pi_b(.|s) for every branch b


class {{ cookiecutter.trainer_class_name }}Optimizer(TorchOptimizer):
    """Owns the twin Q networks, their targets, the temperatures and three Adams."""

    def __init__(self, policy: TorchPolicy, trainer_settings: TrainerSettings) -> None:
        super().__init__(policy, trainer_settings)
        self.hyperparameters = cast(
            {{ cookiecutter.trainer_class_name }}Settings,
            trainer_settings.hyperparameters,
        )
        hp = self.hyperparameters
        spec = policy.behavior_spec
        self.action_spec = spec.action_spec
        self.branches = list(self.action_spec.discrete_branches)
        self.stream_names = list(self.reward_signals)
        self.gammas = {
            name: signal.gamma for name, signal in self.reward_signals.items()
        }
        # 0 where a signal ignores episode ends: its backup never cuts at done.
        self.use_dones = {
            name: float(not signal.ignore_done)
            for name, signal in self.reward_signals.items()
        }

        # Q(s, c): one output per discrete action of every branch (one output
        # without branches), with the continuous action fed to the body.
        def q_network() -> ValueNetwork:
            return ValueNetwork(
                self.stream_names,
                spec.observation_specs,
                policy.network_settings,
                encoded_act_size=self.action_spec.continuous_size,
                outputs_per_stream=max(sum(self.branches), 1),
            )

        self.q1, self.q2 = q_network(), q_network()
        self.target_q1, self.target_q2 = copy.deepcopy(self.q1), copy.deepcopy(self.q2)
        for target in (self.target_q1, self.target_q2):
            target.requires_grad_(False)

        # Learn log(alpha) so alpha stays positive: one for the continuous part,
        # one per discrete branch.
        log_init = math.log(hp.init_entcoef)
        self.log_alpha_continuous = torch.nn.Parameter(torch.tensor(log_init))
        self.log_alpha_discrete = torch.nn.Parameter(
            torch.full((len(self.branches),), log_init)
        )
        self.target_entropy_continuous = (
            -CONTINUOUS_TARGET_ENTROPY_SCALE * self.action_spec.continuous_size
        )
        self.target_entropy_discrete = [
            DISCRETE_TARGET_ENTROPY_SCALE * math.log(n) for n in self.branches
        ]
        self.tau = hp.tau

        self.decay_learning_rate = ModelUtils.DecayedValue(
            hp.learning_rate_schedule,
            hp.learning_rate,
            LEARNING_RATE_FLOOR,
            trainer_settings.max_steps,
        )
        q_params = list(self.q1.parameters()) + list(self.q2.parameters())
        for module in (self.q1, self.q2, self.target_q1, self.target_q2):
            module.to(default_device())
        self.temperatures = torch.nn.ParameterList(
            [self.log_alpha_continuous, self.log_alpha_discrete]
        ).to(default_device())
        # foreach: one call updates every parameter, the same arithmetic as the
        # per-parameter loop (bitwise: the same kernels, fewer Python calls).
        self.q_optimizer = torch.optim.Adam(q_params, lr=hp.learning_rate, foreach=True)
        self.policy_optimizer = torch.optim.Adam(
            self.policy.actor.parameters(), lr=hp.learning_rate, foreach=True
        )
        self.alpha_optimizer = torch.optim.Adam(
            [self.log_alpha_continuous, self.log_alpha_discrete],
            lr=hp.learning_rate,
            foreach=True,
        )
        # The Q networks' parameters, and their targets' in the same order
        # (the soft update's pairs).
        self._q_params = q_params
        self._target_q_params = list(self.target_q1.parameters()) + list(
            self.target_q2.parameters()
        )

    @property
    def critic(self) -> ValueNetwork:
        """Q1; ML-Agents asks for a critic, this one is never called without actions."""
        return self.q1

    def batch_tensors(self, batch: AgentBuffer) -> Minibatch:
        """Every field ``update`` reads, converted to a tensor once."""
        n_obs = len(self.policy.behavior_spec.observation_specs)
        return Minibatch(
            obs=[rows_tensor(batch, ObsUtil.get_name_at(i)) for i in range(n_obs)],
            next_obs=[
                rows_tensor(batch, ObsUtil.get_name_at_next(i)) for i in range(n_obs)
            ],
            actions=actions_from(batch),
            action_masks=rows_tensor(batch, BufferKey.ACTION_MASK),
            dones=rows_tensor(batch, BufferKey.DONE),
            masks=rows_tensor(batch, BufferKey.MASKS, dtype=torch.bool),
            rewards={
                name: rows_tensor(batch, RewardSignalUtil.rewards_key(name))
                for name in self.stream_names
            },
            memories=_sequence_starts(
                batch, BufferKey.MEMORY, self.policy.sequence_length
            ),
        )

    def update(self, batch: AgentBuffer, num_sequences: int) -> dict[str, float]:
        """One gradient step of SAC on a sampled minibatch; returns the stats."""
        lr = self.decay_learning_rate.get_value(self.policy.get_current_step())
        seq_len = self.policy.sequence_length
        obs, next_obs, actions, action_masks, dones, masks, rewards, memories = (
            self.batch_tensors(batch)
        )
        # Recurrent actor: its memory at each sequence start, and one step later
        # (the memory at the first s'). The Q networks start from zero memories.
        # Masks of s' are not stored, so a' ~ pi(s') may use any action.
        next_memories = self._memories_after_first_step(
            obs, action_masks, memories, seq_len
        )
        q_memories = self._zero_q_memories(num_sequences, memories)
        alpha_c = self.log_alpha_continuous.exp().detach()
        alpha_d = self.log_alpha_discrete.exp().detach()
        # The Q networks normalize observations with the actor's running statistics.
        for q in (self.q1, self.q2, self.target_q1, self.target_q2):
            q.network_body.copy_normalization(self.policy.actor.network_body)

        # Soft Bellman target y, from the target networks and a fresh a' ~ pi(s').
        with torch.no_grad():
            all_allowed = torch.ones_like(action_masks)
            next_pi = self._policy_sample(next_obs, all_allowed, next_memories, seq_len)
            target_q1, _ = self.target_q1(
                next_obs, next_pi.continuous, q_memories, seq_len
            )
            target_q2, _ = self.target_q2(
                next_obs, next_pi.continuous, q_memories, seq_len
            )
            next_entropy_bonus = self._entropy_bonus(next_pi, alpha_c, alpha_d)
        taken_c = (
            actions.continuous_tensor if self.action_spec.continuous_size else None
        )
        q1, _ = self.q1(obs, taken_c, q_memories, seq_len)
        q2, _ = self.q2(obs, taken_c, q_memories, seq_len)
        q1_losses, q2_losses = [], []
        q_value_stats: dict[str, float] = {}
        for name in self.stream_names:
            reward = rewards[name]
            next_value = (
                torch.min(
                    self._expected_q(target_q1[name], next_pi),
                    self._expected_q(target_q2[name], next_pi),
                )
                + next_entropy_bonus
            )
            y = soft_q_target(
                reward, next_value, dones, self.gammas[name], self.use_dones[name]
            )
            q1_taken = self._q_of_taken(q1[name], actions.discrete_tensor)
            q2_taken = self._q_of_taken(q2[name], actions.discrete_tensor)
            q1_losses.append(0.5 * masked_mean((q1_taken - y) ** 2, masks))
            q2_losses.append(0.5 * masked_mean((q2_taken - y) ** 2, masks))
            signal_name = self.reward_signals[name].name.capitalize()
            q_value_stats[f"Policy/{signal_name} Q Value"] = masked_mean(
                q1_taken.detach(), masks
            ).item()
        q1_loss = torch.stack(q1_losses).mean()
        q2_loss = torch.stack(q2_losses).mean()
        self._step(self.q_optimizer, q1_loss + q2_loss, lr)

        # Policy: maximize E_pi[min Q] plus the entropy bonus; c~ is
        # reparameterized, discrete expectations are exact.
        # The Q networks pass this loss's gradient on to c~ but keep none for
        # their weights, which only the Q loss trains.
        pi = self._policy_sample(obs, action_masks, memories, seq_len)
        with _without_gradients(self._q_params):
            q1_pi, _ = self.q1(obs, pi.continuous, q_memories, seq_len)
            q2_pi, _ = self.q2(obs, pi.continuous, q_memories, seq_len)
        min_q_pi = torch.stack(
            [
                torch.min(
                    self._expected_q(q1_pi[name], pi),
                    self._expected_q(q2_pi[name], pi),
                )
                for name in self.stream_names
            ]
        ).mean(dim=0)
        entropy_bonus = self._entropy_bonus(pi, alpha_c, alpha_d)
        policy_loss = -masked_mean(min_q_pi + entropy_bonus, masks)
        self._step(self.policy_optimizer, policy_loss, lr)

        # Temperatures: raise alpha when entropy is below target, lower it above.
        alpha_loss = self.temperature_loss(pi, masks)
        self._step(self.alpha_optimizer, alpha_loss, lr)

        self.update_targets()
        stats = {
            "Losses/Policy Loss": policy_loss.item(),
            "Losses/Q1 Loss": q1_loss.item(),
            "Losses/Q2 Loss": q2_loss.item(),
            "Losses/Entropy Coefficient Loss": alpha_loss.item(),
            "Policy/Learning Rate": lr,
            **q_value_stats,
        }
        if self.action_spec.continuous_size > 0:
            stats["Policy/Continuous Entropy Coeff"] = (
                self.log_alpha_continuous.exp().item()
            )
        if self.branches:
            stats["Policy/Discrete Entropy Coeff"] = (
                self.log_alpha_discrete.exp().mean().item()
            )
        return stats

    def update_targets(self) -> None:
        """Polyak averaging: Q'_i <- tau * Q_i + (1 - tau) * Q'_i.

        ML-Agents' ``ModelUtils.soft_update``, the same two operations on every
        parameter (Q' *= 1 - tau; Q' += tau * Q), in one call each.
        """
        with torch.no_grad():
            torch._foreach_mul_(self._target_q_params, 1.0 - self.tau)
            torch._foreach_add_(self._target_q_params, self._q_params, alpha=self.tau)

    def _policy_sample(
        self,
        obs: list[torch.Tensor],
        action_masks: torch.Tensor,
        memories: torch.Tensor | None,
        sequence_length: int,
    ) -> PolicySample:
        """Run the actor: a reparameterized c ~ pi(.|s) and every branch's distribution."""
        action, run_out, _ = self.policy.actor.get_action_and_stats(
            obs,
            masks=action_masks,
            memories=memories,
            sequence_length=sequence_length,
        )
        log_probs = run_out["log_probs"]
        if self.action_spec.continuous_size > 0:
            continuous = action.continuous_tensor
            continuous_log_prob = log_probs.continuous_tensor.sum(dim=1)
        else:
            continuous = None
            continuous_log_prob = obs[0].new_zeros(obs[0].shape[0])
        branch_log_probs = (
            ModelUtils.break_into_branches(log_probs.all_discrete_tensor, self.branches)
            if self.branches
            else []
        )
        return PolicySample(
            continuous,
            continuous_log_prob,
            [lp.exp() for lp in branch_log_probs],
            branch_log_probs,
        )

    def _expected_q(self, q: torch.Tensor, pi: PolicySample) -> torch.Tensor:
        """E_{d ~ pi}[Q(s, c, d)] = mean_b sum_a pi_b(a|s) Q_b(s, c)[a] (Q itself without branches)."""
        if not self.branches:
            return q
        per_branch = ModelUtils.break_into_branches(q, self.branches)
        return torch.stack(
            [
                (p * q_b).sum(dim=1)
                for p, q_b in zip(pi.branch_probs, per_branch, strict=True)
            ]
        ).mean(dim=0)

    def _q_of_taken(self, q: torch.Tensor, discrete: torch.Tensor) -> torch.Tensor:
        """Q(s, c, d) for the stored discrete actions d: mean_b Q_b(s, c)[d_b]."""
        if not self.branches:
            return q
        per_branch = ModelUtils.break_into_branches(q, self.branches)
        return torch.stack(
            [
                q_b.gather(1, discrete[:, b : b + 1].long()).squeeze(1)
                for b, q_b in enumerate(per_branch)
            ]
        ).mean(dim=0)

    def _entropy_bonus(
        self, pi: PolicySample, alpha_c: torch.Tensor, alpha_d: torch.Tensor
    ) -> torch.Tensor:
        """alpha_c * H_c + sum_b alpha_b * H_b, per sample."""
        bonus = -alpha_c * pi.continuous_log_prob
        for b, (p, log_p) in enumerate(
            zip(pi.branch_probs, pi.branch_log_probs, strict=True)
        ):
            bonus = bonus - alpha_d[b] * (p * log_p).sum(dim=1)
        return bonus

    def temperature_loss(self, pi: PolicySample, masks: torch.Tensor) -> torch.Tensor:
        """L_alpha = log(alpha) * (H - H_target), for each temperature."""
        loss = self.log_alpha_continuous.new_zeros(())
        if self.action_spec.continuous_size > 0:
            entropy = -pi.continuous_log_prob.detach()
            loss = loss + masked_mean(
                self.log_alpha_continuous * (entropy - self.target_entropy_continuous),
                masks,
            )
        for b, (p, log_p) in enumerate(
            zip(pi.branch_probs, pi.branch_log_probs, strict=True)
        ):
            entropy = -(p * log_p).sum(dim=1).detach()
            loss = loss + masked_mean(
                self.log_alpha_discrete[b]
                * (entropy - self.target_entropy_discrete[b]),
                masks,
            )
        return loss

    def _memories_after_first_step(
        self,
        obs: list[torch.Tensor],
        action_masks: torch.Tensor,
        memories: torch.Tensor | None,
        sequence_length: int,
    ) -> torch.Tensor | None:
        """The actor's memory at the first s' of each sequence: one step from its start."""
        if memories is None:
            return None
        first_obs = [o[::sequence_length] for o in obs]
        with torch.no_grad():
            _, _, next_memories = self.policy.actor.get_action_and_stats(
                first_obs,
                masks=action_masks[::sequence_length],
                memories=memories,
                sequence_length=1,
            )
        return next_memories

    def _zero_q_memories(
        self, num_sequences: int, actor_memories: torch.Tensor | None
    ) -> torch.Tensor | None:
        """Recurrent Q networks start every sequence from zeros, as in the built-in SAC."""
        if actor_memories is None:
            return None
        n = actor_memories.shape[1]
        return torch.zeros(1, n, self.q1.memory_size, device=actor_memories.device)

    def _step(
        self, optimizer: torch.optim.Optimizer, loss: torch.Tensor, lr: float
    ) -> None:
        ModelUtils.update_learning_rate(optimizer, lr)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    def get_modules(self) -> dict[str, torch.nn.Module]:
        """Everything that must be saved in a checkpoint and restored on --resume."""
        modules: dict[str, torch.nn.Module] = {
            "Optimizer:q1": self.q1,
            "Optimizer:q2": self.q2,
            "Optimizer:target_q1": self.target_q1,
            "Optimizer:target_q2": self.target_q2,
            "Optimizer:log_alpha": self.temperatures,
            "Optimizer:q_optimizer": self.q_optimizer,  # type: ignore[dict-item]
            "Optimizer:policy_optimizer": self.policy_optimizer,  # type: ignore[dict-item]
            "Optimizer:alpha_optimizer": self.alpha_optimizer,  # type: ignore[dict-item]
        }
        for reward_provider in self.reward_signals.values():
            modules.update(reward_provider.get_modules())
        return modules


def soft_q_target(
    reward: torch.Tensor,
    next_value: torch.Tensor,
    done: torch.Tensor,
    gamma: float,
    use_done: float,
) -> torch.Tensor:
    """The soft Bellman backup of Haarnoja et al. 2018 (arXiv:1812.05905, eqs. 2-3).

    y = r + gamma * (1 - done * use_done) * V'(s'): the value at s' counts
    unless the episode ended there and the signal respects episode ends
    (``use_done`` 1; curiosity and RND ignore them, ``use_done`` 0).
    """
    return reward + gamma * (1.0 - use_done * done) * next_value


@contextmanager
def _without_gradients(params: list[torch.nn.Parameter]) -> Iterator[None]:
    """Forward passes here record no gradient for ``params``."""
    for param in params:
        param.requires_grad_(False)
    try:
        yield
    finally:
        for param in params:
            param.requires_grad_(True)


def masked_mean(tensor: torch.Tensor, masks: torch.Tensor) -> torch.Tensor:
    """The mean of ``tensor`` over the steps (rows) where ``masks`` is true.

    sum_{t: mask_t} sum_j x_tj / max(n_true * n_columns, 1): ML-Agents'
    ``ModelUtils.masked_mean``, the same operations on the values, with the
    steps counted in one operation instead of five.
    """
    reversed_dims = range(tensor.ndim - 1, -1, -1)
    total = (tensor.permute(*reversed_dims) * masks).sum()
    columns = tensor.numel() // tensor.shape[0]
    return total / torch.clamp(masks.sum(dtype=torch.float32) * columns, min=1.0)


def _sequence_starts(
    batch: AgentBuffer, key: BufferKey, sequence_length: int
) -> torch.Tensor | None:
    """Recurrent memories at the start of each sequence (None without memory)."""
    if key not in batch:  # reading batch[key] would add an empty field
        return None
    memories = rows_tensor(batch, key)[::sequence_length]
    return memories.unsqueeze(0) if len(memories) else None
