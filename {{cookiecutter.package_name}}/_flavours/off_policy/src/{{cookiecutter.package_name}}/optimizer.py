"""The loss of {{ cookiecutter.trainer_class_name }}: soft actor-critic with twin Q networks.

``update`` is the whole learning rule, one sampled minibatch at a time:

    y       = r + gamma * (1 - done) * (min_i Q'_i(s', a') - alpha * log pi(a'|s')),  a' ~ pi(s')
    L_Q     = 0.5 * (Q_1(s, a) - y)^2 + 0.5 * (Q_2(s, a) - y)^2
    L_pi    = alpha * log pi(a~|s) - min_i Q_i(s, a~),                              a~ ~ pi(s)
    L_alpha = -log(alpha) * (log pi(a~|s) + target_entropy)

The targets Q'_i follow Q_i softly: Q' <- tau * Q + (1 - tau) * Q'.
Change the algorithm here: edit the loss terms in ``update``, or add networks in
``__init__`` (register them in ``get_modules`` so checkpoints include them).
"""

import copy
import math
from typing import cast

from mlagents.torch_utils import default_device, torch
from mlagents.trainers.buffer import AgentBuffer, BufferKey, RewardSignalUtil
from mlagents.trainers.optimizer.torch_optimizer import TorchOptimizer
from mlagents.trainers.policy.torch_policy import TorchPolicy
from mlagents.trainers.settings import TrainerSettings
from mlagents.trainers.torch_entities.agent_action import AgentAction
from mlagents.trainers.torch_entities.networks import ValueNetwork
from mlagents.trainers.torch_entities.utils import ModelUtils
from mlagents.trainers.trajectory import ObsUtil

from .settings import {{ cookiecutter.trainer_class_name }}Settings


class {{ cookiecutter.trainer_class_name }}Optimizer(TorchOptimizer):
    """Owns the twin Q networks, their targets, the temperature and three Adams."""

    def __init__(self, policy: TorchPolicy, trainer_settings: TrainerSettings) -> None:
        super().__init__(policy, trainer_settings)
        self.hyperparameters = cast(
            {{ cookiecutter.trainer_class_name }}Settings,
            trainer_settings.hyperparameters,
        )
        hp = self.hyperparameters
        spec = policy.behavior_spec
        self.stream_names = list(self.reward_signals)
        self.gammas = {
            name: signal.gamma for name, signal in self.reward_signals.items()
        }
        action_size = spec.action_spec.continuous_size

        # Q(s, a): one output per reward signal, with the action fed to the body.
        def q_network() -> ValueNetwork:
            return ValueNetwork(
                self.stream_names,
                spec.observation_specs,
                policy.network_settings,
                encoded_act_size=action_size,
            )

        self.q1, self.q2 = q_network(), q_network()
        self.target_q1, self.target_q2 = copy.deepcopy(self.q1), copy.deepcopy(self.q2)
        for target in (self.target_q1, self.target_q2):
            target.requires_grad_(False)
        # Learn log(alpha) so alpha stays positive; aim for entropy -|A|.
        self.log_alpha = torch.nn.Parameter(torch.tensor(math.log(hp.init_entcoef)))
        self.target_entropy = -float(action_size)
        self.tau = hp.tau

        self.learning_rate = ModelUtils.DecayedValue(
            hp.learning_rate_schedule,
            hp.learning_rate,
            1e-10,
            trainer_settings.max_steps,
        )
        q_params = list(self.q1.parameters()) + list(self.q2.parameters())
        self.q_optimizer = torch.optim.Adam(q_params, lr=hp.learning_rate)
        self.policy_optimizer = torch.optim.Adam(
            self.policy.actor.parameters(), lr=hp.learning_rate
        )
        self.alpha_optimizer = torch.optim.Adam([self.log_alpha], lr=hp.learning_rate)
        for module in (self.q1, self.q2, self.target_q1, self.target_q2):
            module.to(default_device())

    @property
    def critic(self) -> ValueNetwork:
        """Q1; ML-Agents asks for a critic, this one is never called without actions."""
        return self.q1

    def update(self, batch: AgentBuffer, num_sequences: int) -> dict[str, float]:
        """One gradient step of SAC on a sampled minibatch; returns the stats."""
        lr = self.learning_rate.get_value(self.policy.get_current_step())
        n_obs = len(self.policy.behavior_spec.observation_specs)
        obs = [ModelUtils.list_to_tensor(o) for o in ObsUtil.from_buffer(batch, n_obs)]
        next_obs = [
            ModelUtils.list_to_tensor(o) for o in ObsUtil.from_buffer_next(batch, n_obs)
        ]
        actions = AgentAction.from_buffer(batch).continuous_tensor
        dones = ModelUtils.list_to_tensor(batch[BufferKey.DONE])
        masks = ModelUtils.list_to_tensor(batch[BufferKey.MASKS], dtype=torch.bool)
        alpha = self.log_alpha.exp().detach()
        # The Q networks normalize observations with the actor's running statistics.
        for q in (self.q1, self.q2, self.target_q1, self.target_q2):
            q.network_body.copy_normalization(self.policy.actor.network_body)

        # Soft Bellman target y, from the target networks and a fresh a' ~ pi(s').
        with torch.no_grad():
            next_actions, next_log_prob = self._sample_actions(next_obs)
            target_q1, _ = self.target_q1(next_obs, actions=next_actions)
            target_q2, _ = self.target_q2(next_obs, actions=next_actions)
        q1, _ = self.q1(obs, actions=actions)
        q2, _ = self.q2(obs, actions=actions)
        q1_losses, q2_losses = [], []
        for name in self.stream_names:
            reward = ModelUtils.list_to_tensor(
                batch[RewardSignalUtil.rewards_key(name)]
            )
            next_value = (
                torch.min(target_q1[name], target_q2[name]) - alpha * next_log_prob
            )
            y = reward + self.gammas[name] * (1.0 - dones) * next_value
            q1_losses.append(0.5 * ModelUtils.masked_mean((q1[name] - y) ** 2, masks))
            q2_losses.append(0.5 * ModelUtils.masked_mean((q2[name] - y) ** 2, masks))
        q1_loss = torch.stack(q1_losses).mean()
        q2_loss = torch.stack(q2_losses).mean()
        self._step(self.q_optimizer, q1_loss + q2_loss, lr)

        # Policy: maximize min Q of a reparameterized action, plus alpha * entropy.
        new_actions, log_prob = self._sample_actions(obs)
        q1_new, _ = self.q1(obs, actions=new_actions)
        q2_new, _ = self.q2(obs, actions=new_actions)
        min_q_new = torch.stack(
            [torch.min(q1_new[name], q2_new[name]) for name in self.stream_names]
        ).mean(dim=0)
        policy_loss = ModelUtils.masked_mean(alpha * log_prob - min_q_new, masks)
        self._step(self.policy_optimizer, policy_loss, lr)

        # Temperature: raise alpha when entropy is below target, lower it above.
        alpha_loss = -ModelUtils.masked_mean(
            self.log_alpha * (log_prob.detach() + self.target_entropy), masks
        )
        self._step(self.alpha_optimizer, alpha_loss, lr)

        ModelUtils.soft_update(self.q1, self.target_q1, self.tau)
        ModelUtils.soft_update(self.q2, self.target_q2, self.tau)
        return {
            "Losses/Policy Loss": policy_loss.item(),
            "Losses/Q1 Loss": q1_loss.item(),
            "Losses/Q2 Loss": q2_loss.item(),
            "Losses/Entropy Coefficient Loss": alpha_loss.item(),
            "Policy/Entropy Coefficient": self.log_alpha.exp().item(),
            "Policy/Learning Rate": lr,
        }

    def _sample_actions(
        self, obs: list[torch.Tensor]
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """a ~ pi(.|s), differentiable in pi's parameters, and log pi(a|s) per sample."""
        action, stats, _ = self.policy.actor.get_action_and_stats(obs)
        log_prob = stats["log_probs"].continuous_tensor.sum(dim=1)
        return action.continuous_tensor, log_prob

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
            "Optimizer:log_alpha": torch.nn.ParameterList([self.log_alpha]),
            "Optimizer:q_optimizer": self.q_optimizer,  # type: ignore[dict-item]
            "Optimizer:policy_optimizer": self.policy_optimizer,  # type: ignore[dict-item]
            "Optimizer:alpha_optimizer": self.alpha_optimizer,  # type: ignore[dict-item]
        }
        for reward_provider in self.reward_signals.values():
            modules.update(reward_provider.get_modules())
        return modules
