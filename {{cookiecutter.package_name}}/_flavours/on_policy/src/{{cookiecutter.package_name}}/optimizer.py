"""The loss of {{ cookiecutter.trainer_class_name }}: PPO's clipped surrogate objective.

``update`` is the whole learning rule, one minibatch at a time:

    L = L_clip + 0.5 * L_value - beta * H[pi]

where L_clip is ``clipped_surrogate_loss`` with one probability ratio per
action dimension, like ML-Agents' built-in PPO (see the comment in ``update``),
L_value the squared error of each reward signal's value, and H the policy's
entropy; the learning rate, clip range epsilon and entropy weight beta decay
over ``max_steps``.

Change the algorithm here: edit the loss terms in ``update``, or add networks
in ``__init__`` (register them in ``get_modules`` so checkpoints include them).
"""

from typing import NamedTuple, cast

from mlagents.torch_utils import default_device, torch
from mlagents.trainers.buffer import AgentBuffer, BufferKey, RewardSignalUtil
from mlagents.trainers.optimizer.torch_optimizer import TorchOptimizer
from mlagents.trainers.policy.torch_policy import TorchPolicy
from mlagents.trainers.settings import TrainerSettings
from mlagents.trainers.torch_entities.action_log_probs import ActionLogProbs
from mlagents.trainers.torch_entities.agent_action import AgentAction
from mlagents.trainers.torch_entities.networks import Critic, ValueNetwork
from mlagents.trainers.torch_entities.utils import ModelUtils
from mlagents.trainers.trajectory import ObsUtil

from .reward_scaling import reward_scaler_for
from .settings import (
    BETA_FLOOR,
    EPSILON_FLOOR,
    LEARNING_RATE_FLOOR,
    {{ cookiecutter.trainer_class_name }}Settings,
)


class Minibatch(NamedTuple):
    """A minibatch as tensors; or the whole update buffer, to take minibatches from.

    The trainer converts its buffer once per update (``batch_tensors``) and
    takes each minibatch's rows from it (``minibatch``).
    """

    obs: list[torch.Tensor]
    actions: AgentAction
    action_masks: torch.Tensor
    masks: torch.Tensor
    advantages: torch.Tensor
    old_log_probs: torch.Tensor
    returns: dict[str, torch.Tensor]  # G_t per reward signal
    memories: torch.Tensor | None  # the actor's memory at each sequence start
    critic_memories: torch.Tensor | None


class {{ cookiecutter.trainer_class_name }}Optimizer(TorchOptimizer):
    """Owns the critic, the Adam optimizer and the decaying schedules."""

    def __init__(self, policy: TorchPolicy, trainer_settings: TrainerSettings) -> None:
        super().__init__(policy, trainer_settings)
        self.hyperparameters = cast(
            {{ cookiecutter.trainer_class_name }}Settings,
            trainer_settings.hyperparameters,
        )
        params = list(self.policy.actor.parameters())
        self._critic: Critic
        if self.hyperparameters.shared_critic:
            self._critic = cast(Critic, policy.actor)
        else:
            self._critic = ValueNetwork(
                [signal.value for signal in trainer_settings.reward_signals],
                policy.behavior_spec.observation_specs,
                network_settings=trainer_settings.network_settings,
            )
            self._critic.to(default_device())
            params += list(self._critic.parameters())
        # foreach: one call updates every parameter, the same arithmetic as the
        # per-parameter loop (bitwise: the same kernels, fewer Python calls).
        self._params = params
        self.optimizer = torch.optim.Adam(
            params, lr=self.hyperparameters.learning_rate, foreach=True
        )

        # Learning rate, clip range and entropy weight decay over max_steps, each
        # toward its floor (settings.py rejects a start below the floor).
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

    @property
    def critic(self) -> Critic:
        return self._critic

    def batch_tensors(self, batch: AgentBuffer) -> Minibatch:
        """Every field ``update`` reads, converted to a tensor once."""
        seq_len = self.policy.sequence_length
        n_obs = len(self.policy.behavior_spec.observation_specs)
        return Minibatch(
            obs=[
                ModelUtils.list_to_tensor(o) for o in ObsUtil.from_buffer(batch, n_obs)
            ],
            actions=AgentAction.from_buffer(batch),
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
            memories=_sequence_starts(batch, BufferKey.MEMORY, seq_len),
            critic_memories=_sequence_starts(batch, BufferKey.CRITIC_MEMORY, seq_len),
        )

    def minibatch(self, tensors: Minibatch, rows: torch.Tensor) -> Minibatch:
        """The rows ``rows`` (whole sequences, in order) of converted tensors."""
        seq_len = self.policy.sequence_length
        starts = rows[::seq_len] // seq_len  # memories are stored per sequence
        actions = tensors.actions
        return Minibatch(
            obs=[o[rows] for o in tensors.obs],
            actions=AgentAction(
                _rows(actions.continuous_tensor, rows),
                (
                    None
                    if actions.discrete_list is None
                    else [d[rows] for d in actions.discrete_list]
                ),
            ),
            action_masks=tensors.action_masks[rows],
            masks=tensors.masks[rows],
            advantages=tensors.advantages[rows],
            old_log_probs=tensors.old_log_probs[rows],
            returns={name: r[rows] for name, r in tensors.returns.items()},
            memories=_sequences(tensors.memories, starts),
            critic_memories=_sequences(tensors.critic_memories, starts),
        )

    def update(
        self, batch: AgentBuffer | Minibatch, num_sequences: int
    ) -> dict[str, float]:
        """One gradient step of PPO on a minibatch; returns the stats to report.

        ``batch`` is the trainer's ``minibatch`` of tensors, or an ``AgentBuffer``
        to convert first.
        """
        step = self.policy.get_current_step()
        lr = self.decay_learning_rate.get_value(step)
        epsilon = self.decay_epsilon.get_value(step)
        beta = self.decay_beta.get_value(step)
        seq_len = self.policy.sequence_length
        tensors = self.batch_tensors(batch) if isinstance(batch, AgentBuffer) else batch
        obs, actions, masks, old_log_probs = (
            tensors.obs,
            tensors.actions,
            tensors.masks,
            tensors.old_log_probs,
        )
        advantages = tensors.advantages.unsqueeze(-1)

        # Re-evaluate the stored actions under the current policy and critic.
        stats = self.policy.actor.get_stats(
            obs,
            actions,
            masks=tensors.action_masks,
            memories=tensors.memories,
            sequence_length=seq_len,
        )
        log_probs = stats["log_probs"].flatten()
        entropy = stats["entropy"]
        values, _ = self.critic.critic_pass(
            obs,
            memories=tensors.critic_memories,
            sequence_length=seq_len,
        )

        # One probability ratio per action dimension j (each continuous dimension
        # and each discrete branch), as ML-Agents' built-in PPO computes it:
        # r_j = pi_j(a_j|s) / pi_old_j(a_j|s). (The paper's joint ratio would be
        # the product over j, exp(sum_j log r_j).)
        log_ratio = log_probs - old_log_probs
        policy_loss = clipped_surrogate_loss(log_ratio, advantages, epsilon, masks)

        # Value loss per reward signal: (G_t - V(s_t))^2. (ML-Agents' PPO also clips
        # V around the old estimate, but in mlagents 1.1.0 the old-value and return
        # buffer keys alias, so that clipping is a no-op; this is what it computes.)
        value_losses = []
        for name, value in values.items():
            returns = tensors.returns[name]
            value_losses.append(masked_mean((returns - value) ** 2, masks))
        value_loss = torch.stack(value_losses).mean()

        # Entropy bonus keeps the policy exploring.
        loss = policy_loss + 0.5 * value_loss - beta * masked_mean(entropy, masks)

        self._step(loss, lr)
        # Diagnostics. Approx KL(pi_old || pi) of the whole action, from the joint
        # ratio R = prod_j r_j: E[(R - 1) - log R] (Schulman's low-variance
        # estimator, as CleanRL computes it). Clip fraction: the share of the
        # per-dimension ratios r_j outside [1 - epsilon, 1 + epsilon], the ones
        # the loss above clips.
        with torch.no_grad():
            joint_log_ratio = log_ratio.sum(dim=1)
            approx_kl = masked_mean(
                torch.expm1(joint_log_ratio) - joint_log_ratio, masks
            )
            clipped = ((torch.exp(log_ratio) - 1.0).abs() > epsilon).float()
            clip_fraction = masked_mean(clipped.mean(dim=1), masks)
        return {
            # |L_clip|, as ML-Agents' ppo reports it, so that side-by-side curves
            # compare; the loss itself is signed.
            "Losses/Policy Loss": policy_loss.abs().item(),
            "Policy/Approx KL": approx_kl.item(),
            "Policy/Clip Fraction": clip_fraction.item(),
            "Losses/Value Loss": value_loss.item(),
            "Policy/Learning Rate": lr,
            "Policy/Epsilon": epsilon,
            "Policy/Beta": beta,
        }

    def _step(self, loss: torch.Tensor, lr: float) -> None:
        ModelUtils.update_learning_rate(self.optimizer, lr)
        self.optimizer.zero_grad()
        loss.backward()
        if self.hyperparameters.max_grad_norm > 0:
            # Not in ML-Agents' PPO: every gradient scaled by
            # min(1, max_grad_norm / ||g||), ||g|| the norm over all parameters.
            torch.nn.utils.clip_grad_norm_(
                self._params, self.hyperparameters.max_grad_norm, foreach=True
            )
        self.optimizer.step()

    def get_modules(self) -> dict[str, torch.nn.Module]:
        """Everything that must be saved in a checkpoint and restored on --resume."""
        modules: dict[str, torch.nn.Module] = {
            "Optimizer:value_optimizer": self.optimizer,  # type: ignore[dict-item]
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


def masked_mean(tensor: torch.Tensor, masks: torch.Tensor) -> torch.Tensor:
    """The mean of ``tensor`` over the steps (rows) where ``masks`` is true.

    sum_{t: mask_t} sum_j x_tj / max(n_true * n_columns, 1): ML-Agents'
    ``ModelUtils.masked_mean``, the same operations on the values, with the
    steps counted in one operation instead of five (it runs five times a minibatch).
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
    memories: list[torch.Tensor] = [
        ModelUtils.list_to_tensor(batch[key][i])
        for i in range(0, len(batch[key]), sequence_length)
    ]
    return torch.stack(memories).unsqueeze(0) if memories else None


def _rows(tensor: torch.Tensor | None, rows: torch.Tensor) -> torch.Tensor | None:
    return None if tensor is None else tensor[rows]


def _sequences(
    memories: torch.Tensor | None, sequences: torch.Tensor
) -> torch.Tensor | None:
    """The memories (1, sequence, memory size) of some sequences."""
    return None if memories is None else memories[:, sequences]
