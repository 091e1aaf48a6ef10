"""The loss of {{ cookiecutter.trainer_class_name }}: MA-POCA, PPO with a centralised critic for groups.

MA-POCA (Cohen et al. 2021, "On the Use and Misuse of Absorbing States in
Multi-agent Reinforcement Learning", arXiv:2111.05992). Agent i of a group
sees o^i_t and takes a^i_t; the group at step t is the agents still in its
episode (agents that finished early drop out of the attention, instead of
being padded with absorbing states). With g, h the observation and
observation-action encoders and RSA the residual self-attention of
ML-Agents' ``MultiAgentNetworkBody``, one critic network gives:

* the centralised value of the group (``GroupCritic.critic_pass``):
  V(s_t) = f(RSA(g(o^1_t), ..., g(o^n_t)));
* each agent's counterfactual baseline (``GroupCritic.baseline``), the group's
  value with agent i's action marginalised out:
  b^i_t = Q(o^i_t, (o^j_t, a^j_t)_{j != i}) = f(RSA(g(o^i_t), h(o^j_t, a^j_t)_{j != i}));
* the lambda-returns (``trainer.py``), per reward signal, where the extrinsic
  reward is agent i's own reward plus its groupmates' plus the group reward,
  r_t = r^i_t + sum_{j != i} r^j_t + r^G_t:
  G_t = r_t + gamma * ((1 - lambda) * V(s_{t+1}) + lambda * G_{t+1}), and
  G_{T-1} = r_{T-1} + gamma * V(s_T), with V(s_T) = 0 once the whole group's
  episode ended, unless the signal ignores episode ends (curiosity, RND).
  An agent that finishes before its group bootstraps from V of the group it
  left, so the group reward earned after it left still reaches it;
* the advantage A^i_t = G_t - b^i_t (the mean over reward signals, then
  normalised over the buffer in ``trainer.py``).

``update`` minimises, one minibatch at a time,

    L = L_clip + 0.5 * (L_value + 0.5 * L_baseline) - beta * H[pi]

with L_clip PPO's clipped surrogate on A^i_t (one ratio per action
dimension, as in ML-Agents' PPO and POCA), L_value = (G_t - V(s_t))^2,
L_baseline = max((G_t - b)^2, (G_t - b_old - clip(b - b_old, -eps, eps))^2)
and H the policy's entropy; learning rate, epsilon and beta decay over
``max_steps``.

Where this differs from ML-Agents' built-in ``poca``, and why:

* Each agent carries its own recurrent critic memory from one trajectory to
  the next, and starts each episode from a blank one (the trainer drops it
  when the agent's episode ends); the built-in keys it by an empty agent id,
  so agents share it, and never resets it.
* Curiosity and RND work with groups: their rewards are each agent's own
  and they bootstrap past episode ends (their ``ignore_done``); the built-in
  warns that they are unsupported.
* The value loss is unclipped. The built-in clips V around the stored old
  value, but in mlagents 1.1.0 that buffer key is the returns' key, so its
  clipping is a no-op: the loss above is what it computes too.
* "Losses/Policy Loss" reports |L_clip|, as the built-in does, so the two
  runs' TensorBoard curves can be compared.

Change the algorithm here: edit the loss terms in ``update``, or the critic in
``GroupCritic`` (register new networks in ``get_modules`` so checkpoints
include them).
"""

from collections.abc import Sequence
from typing import NamedTuple, TypeAlias, cast

import numpy as np
from mlagents.torch_utils import default_device, torch
from mlagents.trainers.buffer import (
    AgentBuffer,
    AgentBufferField,
    BufferKey,
    RewardSignalUtil,
)
from mlagents.trainers.optimizer.torch_optimizer import TorchOptimizer
from mlagents.trainers.policy.torch_policy import TorchPolicy
from mlagents.trainers.settings import (
    NetworkSettings,
    RewardSignalSettings,
    RewardSignalType,
    TrainerSettings,
)
from mlagents.trainers.torch_entities.action_log_probs import ActionLogProbs
from mlagents.trainers.torch_entities.agent_action import AgentAction
from mlagents.trainers.torch_entities.components.reward_providers import (
    ExtrinsicRewardProvider,
)
from mlagents.trainers.torch_entities.decoders import ValueHeads
from mlagents.trainers.torch_entities.networks import Critic, MultiAgentNetworkBody
from mlagents.trainers.torch_entities.utils import ModelUtils
from mlagents.trainers.trajectory import GroupObsUtil, ObsUtil
from mlagents_envs.base_env import ActionSpec, ObservationSpec

from .reward_scaling import reward_scaler_for
from .settings import (
    BETA_FLOOR,
    EPSILON_FLOOR,
    LEARNING_RATE_FLOOR,
    {{ cookiecutter.trainer_class_name }}Settings,
)

Memory: TypeAlias = "torch.Tensor | None"  # recurrent memories; None without memory
Values: TypeAlias = "dict[str, torch.Tensor]"  # one tensor per reward signal


class Minibatch(NamedTuple):
    """A minibatch as tensors; or the whole update buffer, to take minibatches from.

    The trainer converts its buffer once per update (``batch_tensors``) and
    takes each minibatch's rows from it (``minibatch``). Groupmates are padded
    to the most of any step (NaN observations, zero actions), as ML-Agents pads them.
    """

    obs: list[torch.Tensor]
    groupmate_obs: list[list[torch.Tensor]]  # per groupmate, per observation
    actions: AgentAction
    groupmate_actions: list[AgentAction]
    groupmates: torch.Tensor  # how many groupmates each step has
    action_masks: torch.Tensor
    masks: torch.Tensor
    advantages: torch.Tensor
    old_log_probs: torch.Tensor
    returns: Values  # G_t per reward signal
    old_baselines: Values  # b_old per reward signal
    memories: Memory  # the actor's memory at each sequence start
    critic_memories: Memory
    baseline_memories: Memory


class GroupCritic(torch.nn.Module, Critic):  # type: ignore[misc]
    """The centralised value V(s) and the counterfactual baselines b^i, one network.

    ML-Agents' ``MultiAgentNetworkBody`` encodes a variable number of group
    members with self-attention (absent ones arrive as NaN observations and
    are masked) and appends the normalised number of members; value heads,
    one per reward signal, read that encoding.
    """

    def __init__(
        self,
        stream_names: list[str],
        observation_specs: list[ObservationSpec],
        network_settings: NetworkSettings,
        action_spec: ActionSpec,
    ) -> None:
        torch.nn.Module.__init__(self)
        self.network_body = MultiAgentNetworkBody(
            observation_specs, network_settings, action_spec
        )
        if network_settings.memory is not None:
            encoding_size = network_settings.memory.memory_size // 2
        else:
            encoding_size = network_settings.hidden_units
        # + 1: the body appends the normalised number of group members.
        self.value_heads = ValueHeads(stream_names, encoding_size + 1, 1)

    @property
    def memory_size(self) -> int:
        return int(self.network_body.memory_size)

    def update_normalization(self, buffer: AgentBuffer) -> None:
        self.network_body.update_normalization(buffer)

    def critic_pass(  # type: ignore[override]
        self,
        obs: list[list[torch.Tensor]],
        memories: Memory = None,
        sequence_length: int = 1,
    ) -> tuple[Values, Memory]:
        """V(s_t): the value of the group, from every member's observations."""
        encoding, memories = self.network_body(
            obs_only=obs,
            obs=[],
            actions=[],
            memories=memories,
            sequence_length=sequence_length,
        )
        return self.value_heads(encoding), memories

    def baseline(
        self,
        own_obs: list[torch.Tensor],
        groupmate_obs: list[list[torch.Tensor]],
        groupmate_actions: list[AgentAction],
        memories: Memory = None,
        sequence_length: int = 1,
    ) -> tuple[Values, Memory]:
        """b^i_t: the group's value given its other members' actions, not agent i's."""
        encoding, memories = self.network_body(
            obs_only=[own_obs],
            obs=groupmate_obs,
            actions=groupmate_actions,
            memories=memories,
            sequence_length=sequence_length,
        )
        return self.value_heads(encoding), memories


class {{ cookiecutter.trainer_class_name }}Optimizer(TorchOptimizer):
    """Owns the group critic, the Adam optimizer and the decaying schedules."""

    def __init__(self, policy: TorchPolicy, trainer_settings: TrainerSettings) -> None:
        super().__init__(policy, trainer_settings)
        self.hyperparameters = cast(
            {{ cookiecutter.trainer_class_name }}Settings,
            trainer_settings.hyperparameters,
        )
        self._critic = GroupCritic(
            [signal.value for signal in trainer_settings.reward_signals],
            policy.behavior_spec.observation_specs,
            network_settings=trainer_settings.network_settings,
            action_spec=policy.behavior_spec.action_spec,
        )
        self._critic.to(default_device())
        params = list(self.policy.actor.parameters()) + list(self._critic.parameters())
        self._params = params
        # foreach: one call updates every parameter, the same arithmetic as the
        # per-parameter loop (bitwise: the same kernels, fewer Python calls).
        self.optimizer = torch.optim.Adam(
            params, lr=self.hyperparameters.learning_rate, foreach=True
        )

        # Learning rate, clip range and entropy weight decay over max_steps.
        max_steps = trainer_settings.max_steps
        hp = self.hyperparameters
        self.decay_learning_rate = ModelUtils.DecayedValue(
            hp.learning_rate_schedule, hp.learning_rate, LEARNING_RATE_FLOOR, max_steps
        )
        self.decay_epsilon = ModelUtils.DecayedValue(
            hp.epsilon_schedule, hp.epsilon, EPSILON_FLOOR, max_steps
        )
        self.decay_beta = ModelUtils.DecayedValue(
            hp.beta_schedule, hp.beta, BETA_FLOOR, max_steps
        )

        # scale_rewards: the extrinsic rewards divided by the running standard
        # deviation of their discounted return, as SB3's VecNormalize does.
        self.reward_scaler = reward_scaler_for(
            self.hyperparameters.scale_rewards, trainer_settings.reward_signals
        )
        # Each agent's critic memories at the end of its last trajectory.
        self.value_memories: dict[str, Memory] = {}
        self.baseline_memories: dict[str, Memory] = {}

    @property
    def critic(self) -> GroupCritic:
        return self._critic

    def create_reward_signals(
        self, reward_signal_configs: dict[RewardSignalType, RewardSignalSettings]
    ) -> None:
        """The reward signals; the extrinsic one adds the groupmates' rewards.

        r_t = r^i_t + sum_{j != i} r^j_t + r^G_t: every member of a group
        then learns from the same reward, as the group's value assumes.
        """
        super().create_reward_signals(reward_signal_configs)
        for provider in self.reward_signals.values():
            if isinstance(provider, ExtrinsicRewardProvider):
                provider.add_groupmate_rewards = True

    def batch_tensors(self, batch: AgentBuffer) -> Minibatch:
        """Every field ``update`` reads, converted to a tensor once."""
        seq_len = self.policy.sequence_length
        n_obs = len(self.policy.behavior_spec.observation_specs)
        return Minibatch(
            obs=[
                ModelUtils.list_to_tensor(o) for o in ObsUtil.from_buffer(batch, n_obs)
            ],
            groupmate_obs=[
                [ModelUtils.list_to_tensor(o) for o in member]
                for member in GroupObsUtil.from_buffer(batch, n_obs)
            ],
            actions=AgentAction.from_buffer(batch),
            groupmate_actions=AgentAction.group_from_buffer(batch),
            groupmates=torch.tensor(
                [len(step) for step in batch[GroupObsUtil.get_name_at(0)]],
                dtype=torch.long,
            ),
            action_masks=ModelUtils.list_to_tensor(batch[BufferKey.ACTION_MASK]),
            masks=ModelUtils.list_to_tensor(batch[BufferKey.MASKS], dtype=torch.bool),
            advantages=ModelUtils.list_to_tensor(batch[BufferKey.ADVANTAGES]),
            old_log_probs=ActionLogProbs.from_buffer(batch).flatten(),
            returns={
                name: ModelUtils.list_to_tensor(
                    batch[RewardSignalUtil.returns_key(name)]
                )
                for name in self.reward_signals
            },
            old_baselines={
                name: ModelUtils.list_to_tensor(
                    batch[RewardSignalUtil.baseline_estimates_key(name)]
                )
                for name in self.reward_signals
            },
            memories=_sequence_starts(batch, BufferKey.MEMORY, seq_len),
            critic_memories=_sequence_starts(batch, BufferKey.CRITIC_MEMORY, seq_len),
            baseline_memories=_sequence_starts(
                batch, BufferKey.BASELINE_MEMORY, seq_len
            ),
        )

    def minibatch(self, tensors: Minibatch, rows: torch.Tensor) -> Minibatch:
        """The rows ``rows`` (whole sequences, in order) of converted tensors.

        Groupmates are padded to the most of any step of these rows, as
        converting these rows alone would pad them.
        """
        seq_len = self.policy.sequence_length
        starts = rows[::seq_len] // seq_len  # memories are stored per sequence
        groupmates = tensors.groupmates[rows]
        most = int(groupmates.max()) if len(rows) else 0
        return Minibatch(
            obs=[o[rows] for o in tensors.obs],
            groupmate_obs=[
                [o[rows] for o in member] for member in tensors.groupmate_obs[:most]
            ],
            actions=_action_rows(tensors.actions, rows),
            groupmate_actions=[
                _action_rows(a, rows) for a in tensors.groupmate_actions[:most]
            ],
            groupmates=groupmates,
            action_masks=tensors.action_masks[rows],
            masks=tensors.masks[rows],
            advantages=tensors.advantages[rows],
            old_log_probs=tensors.old_log_probs[rows],
            returns={name: r[rows] for name, r in tensors.returns.items()},
            old_baselines={name: b[rows] for name, b in tensors.old_baselines.items()},
            memories=_sequences(tensors.memories, starts),
            critic_memories=_sequences(tensors.critic_memories, starts),
            baseline_memories=_sequences(tensors.baseline_memories, starts),
        )

    def update(
        self, batch: AgentBuffer | Minibatch, num_sequences: int
    ) -> dict[str, float]:
        """One gradient step of MA-POCA on a minibatch; returns the stats to report.

        ``batch`` is the trainer's ``minibatch`` of tensors, or an ``AgentBuffer``
        to convert first.
        """
        step = self.policy.get_current_step()
        lr = self.decay_learning_rate.get_value(step)
        epsilon = self.decay_epsilon.get_value(step)
        beta = self.decay_beta.get_value(step)
        seq_len = self.policy.sequence_length
        tensors = self.batch_tensors(batch) if isinstance(batch, AgentBuffer) else batch
        obs, groupmate_obs, masks = tensors.obs, tensors.groupmate_obs, tensors.masks
        advantages = tensors.advantages.unsqueeze(-1)

        # Re-evaluate the stored actions under the current policy and critic.
        stats = self.policy.actor.get_stats(
            obs,
            tensors.actions,
            masks=tensors.action_masks,
            memories=tensors.memories,
            sequence_length=seq_len,
        )
        log_probs = stats["log_probs"].flatten()
        entropy = stats["entropy"]
        values, _ = self.critic.critic_pass(
            [obs, *groupmate_obs],
            memories=tensors.critic_memories,
            sequence_length=seq_len,
        )
        baselines, _ = self.critic.baseline(
            obs,
            groupmate_obs,
            tensors.groupmate_actions,
            memories=tensors.baseline_memories,
            sequence_length=seq_len,
        )

        # PPO's clipped surrogate on the counterfactual advantages A^i_t.
        log_ratio = log_probs - tensors.old_log_probs
        policy_loss = clipped_surrogate_loss(log_ratio, advantages, epsilon, masks)

        # L_value = (G_t - V(s_t))^2 and the clipped L_baseline, per reward signal.
        value_losses, baseline_losses = [], []
        for name in self.reward_signals:
            returns = tensors.returns[name]
            value_losses.append(masked_mean((returns - values[name]) ** 2, masks))
            baseline_losses.append(
                clipped_value_loss(
                    baselines[name],
                    tensors.old_baselines[name],
                    returns,
                    epsilon,
                    masks,
                )
            )
        value_loss = torch.stack(value_losses).mean()
        baseline_loss = torch.stack(baseline_losses).mean()

        loss = (
            policy_loss
            + 0.5 * (value_loss + 0.5 * baseline_loss)
            - beta * masked_mean(entropy, masks)
        )

        self._step(loss, lr)
        return {
            "Losses/Policy Loss": abs(policy_loss.item()),
            "Losses/Value Loss": value_loss.item(),
            "Losses/Baseline Loss": baseline_loss.item(),
            "Policy/Learning Rate": lr,
            "Policy/Epsilon": epsilon,
            "Policy/Beta": beta,
        }

    def _step(self, loss: torch.Tensor, lr: float) -> None:
        ModelUtils.update_learning_rate(self.optimizer, lr)
        self.optimizer.zero_grad()
        loss.backward()
        if self.hyperparameters.max_grad_norm > 0:
            # Not in ML-Agents' POCA: every gradient scaled by
            # min(1, max_grad_norm / ||g||), ||g|| the norm over all parameters.
            torch.nn.utils.clip_grad_norm_(
                self._params, self.hyperparameters.max_grad_norm, foreach=True
            )
        self.optimizer.step()

    def get_trajectory_and_baseline_value_estimates(
        self,
        batch: AgentBuffer,
        next_obs: list[np.ndarray],
        next_groupmate_obs: list[list[np.ndarray]],
        done: bool,
        agent_id: str,
    ) -> tuple[
        dict[str, np.ndarray],
        dict[str, np.ndarray],
        dict[str, np.ndarray],
        AgentBufferField | None,
        AgentBufferField | None,
    ]:
        """V(s_t) and b^i_t for every step of one agent's trajectory, and V(s_T).

        ``done`` says the group's episode ended with this trajectory: then
        V(s_T) = 0 for every signal that does not ignore episode ends. With
        memory, the trajectory is evaluated sequence by sequence from the
        memories this agent's last trajectory ended with, and the memories at
        the start of each step's sequence are returned for the update.
        """
        n_obs = len(self.policy.behavior_spec.observation_specs)
        obs = [ModelUtils.list_to_tensor(o) for o in ObsUtil.from_buffer(batch, n_obs)]
        groupmate_obs = [
            [ModelUtils.list_to_tensor(o) for o in member]
            for member in GroupObsUtil.from_buffer(batch, n_obs)
        ]
        groupmate_actions = AgentAction.group_from_buffer(batch)

        recurrent = self.policy.use_recurrent
        empty_memory = (
            torch.zeros((1, 1, self.critic.memory_size)) if recurrent else None
        )
        value_memory = self.value_memories.get(agent_id, empty_memory)
        baseline_memory = self.baseline_memories.get(agent_id, empty_memory)
        n_steps = batch.num_experiences
        seq_len = self.policy.sequence_length if recurrent else n_steps
        value_starts, baseline_starts = AgentBufferField(), AgentBufferField()
        value_chunks: dict[str, list[torch.Tensor]] = {}
        baseline_chunks: dict[str, list[torch.Tensor]] = {}
        with torch.no_grad():
            for start in range(0, n_steps, seq_len):
                end = min(start + seq_len, n_steps)
                if recurrent:
                    for _ in range(start, end):
                        value_starts.append(_numpy_memory(value_memory))
                        baseline_starts.append(_numpy_memory(baseline_memory))
                own = [o[start:end] for o in obs]
                mates = [[o[start:end] for o in member] for member in groupmate_obs]
                mate_actions = [a.slice(start, end) for a in groupmate_actions]
                values, value_memory = self.critic.critic_pass(
                    [own, *mates], value_memory, sequence_length=end - start
                )
                baselines, baseline_memory = self.critic.baseline(
                    own, mates, mate_actions, baseline_memory, end - start
                )
                _append(value_chunks, values)
                _append(baseline_chunks, baselines)
            self.value_memories[agent_id] = value_memory
            self.baseline_memories[agent_id] = baseline_memory
            next_values, _ = self.critic.critic_pass(
                [_batch_of_one(next_obs)]
                + [_batch_of_one(member) for member in next_groupmate_obs],
                value_memory,
                sequence_length=1,
            )

        value_next = {name: v.cpu().numpy() for name, v in next_values.items()}
        if done:
            for name, provider in self.reward_signals.items():
                if not provider.ignore_done:
                    value_next[name][-1] = 0.0
        return (
            {name: torch.cat(v).cpu().numpy() for name, v in value_chunks.items()},
            {name: torch.cat(b).cpu().numpy() for name, b in baseline_chunks.items()},
            value_next,
            value_starts if recurrent else None,
            baseline_starts if recurrent else None,
        )

    def get_trajectory_value_estimates(
        self,
        batch: AgentBuffer,
        next_obs: list[np.ndarray],
        done: bool,
        agent_id: str = "",
    ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], AgentBufferField | None]:
        """ML-Agents' generic form: V(s_t) and V(s_T) of a trajectory, no groupmates."""
        values, _, value_next, memories, _ = (
            self.get_trajectory_and_baseline_value_estimates(
                batch, next_obs, [], done, agent_id
            )
        )
        return values, value_next, memories

    def get_modules(self) -> dict[str, torch.nn.Module]:
        """Everything that must be saved in a checkpoint and restored on --resume."""
        modules: dict[str, torch.nn.Module] = {
            "Optimizer:adam": self.optimizer,  # type: ignore[dict-item]
            "Optimizer:critic": self._critic,
        }
        if self.reward_scaler is not None:
            modules["Optimizer:reward_scaler"] = self.reward_scaler
        for reward_provider in self.reward_signals.values():
            modules.update(reward_provider.get_modules())
        return modules


def clipped_surrogate_loss(
    log_ratio: torch.Tensor,
    advantages: torch.Tensor,
    epsilon: float,
    masks: torch.Tensor,
) -> torch.Tensor:
    """PPO's clipped surrogate (Schulman et al. 2017, eq. 7), as a loss to minimize.

    L_clip = -E[min(r * A, clip(r, 1 - epsilon, 1 + epsilon) * A)], r = exp(log_ratio),
    averaged over the unmasked steps and over the ratio's columns.
    """
    ratio = torch.exp(log_ratio)
    surrogate = torch.min(
        ratio * advantages,
        torch.clamp(ratio, 1.0 - epsilon, 1.0 + epsilon) * advantages,
    )
    return -masked_mean(surrogate, masks)


def clipped_value_loss(
    estimate: torch.Tensor,
    old_estimate: torch.Tensor,
    returns: torch.Tensor,
    epsilon: float,
    masks: torch.Tensor,
) -> torch.Tensor:
    """E[max((G - b)^2, (G - b_clip)^2)], b_clip = b_old + clip(b - b_old, -eps, eps).

    PPO's value clipping (as in ML-Agents' ``trust_region_value_loss``): the
    estimate is not rewarded for moving more than epsilon from the one the
    returns were computed with.
    """
    clipped = old_estimate + torch.clamp(estimate - old_estimate, -epsilon, epsilon)
    loss = torch.max((returns - estimate) ** 2, (returns - clipped) ** 2)
    return masked_mean(loss, masks)


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


def _action_rows(actions: AgentAction, rows: torch.Tensor) -> AgentAction:
    return AgentAction(
        None if actions.continuous_tensor is None else actions.continuous_tensor[rows],
        (
            None
            if actions.discrete_list is None
            else [d[rows] for d in actions.discrete_list]
        ),
    )


def _sequences(memories: Memory, sequences: torch.Tensor) -> Memory:
    """The memories (1, sequence, memory size) of some sequences."""
    return None if memories is None else memories[:, sequences]


def _sequence_starts(
    batch: AgentBuffer, key: BufferKey, sequence_length: int
) -> torch.Tensor | None:
    """Recurrent memories at the start of each sequence (None without memory)."""
    if key not in batch:  # reading batch[key] would add an empty field
        return None
    memories: list[torch.Tensor] = [
        ModelUtils.list_to_tensor(batch[key][i])
        for i in range(0, len(batch[key]), sequence_length)
    ]
    return torch.stack(memories).unsqueeze(0) if memories else None


def _batch_of_one(obs: Sequence[np.ndarray]) -> list[torch.Tensor]:
    return [ModelUtils.list_to_tensor(o).unsqueeze(0) for o in obs]


def _numpy_memory(memory: Memory) -> np.ndarray:
    assert memory is not None
    return memory.squeeze().cpu().numpy()


def _append(chunks: dict[str, list[torch.Tensor]], values: Values) -> None:
    for name, value in values.items():
        chunks.setdefault(name, []).append(value)
