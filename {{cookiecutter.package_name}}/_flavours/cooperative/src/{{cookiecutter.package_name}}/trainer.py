"""{{ cookiecutter.trainer_class_name }}: a cooperative multi-agent (MA-POCA-style) trainer for ML-Agents.

Agents that share a group id form a group: they share the group reward and
one centralised critic, and an agent may leave the episode before its group
does. Agents with no group (id 0) train as in PPO, each its own group of one.

Data flow, in the order ML-Agents calls it:

1. ``create_policy`` builds the actor network that acts in the environment
   (each agent acts on its own observations: decentralised execution).
2. ``create_optimizer`` builds the optimizer that owns the group critic and the loss.
3. ``_process_trajectory`` turns each agent's finished trajectory into training
   data: the group's value and the agent's counterfactual baseline at every
   step, rewards, lambda-returns and advantages, in ``update_buffer``; with
   ``scale_rewards``, the returns take the rewards scaled by ``reward_scaling.py``.
4. ``_update_policy`` runs when the buffer holds ``buffer_size`` steps: a few
   epochs of minibatch ``optimizer.update`` calls, then the buffer is cleared.
   The buffer is converted to tensors once per update, and each minibatch
   takes its rows from them.

``get_type_and_setting`` at the bottom is the entry point ML-Agents loads.
Change the data pipeline here; change the loss in ``optimizer.py``, whose
docstring writes out the equations.
"""

from collections import defaultdict
from typing import Any, cast

import numpy as np
from mlagents.torch_utils import torch
from mlagents.trainers.behavior_id_utils import BehaviorIdentifiers
from mlagents.trainers.buffer import BufferKey, RewardSignalUtil
from mlagents.trainers.model_saver.model_saver import BaseModelSaver
from mlagents.trainers.policy import Policy
from mlagents.trainers.policy.torch_policy import TorchPolicy
from mlagents.trainers.settings import TrainerSettings
from mlagents.trainers.torch_entities.components.reward_providers import (
    ExtrinsicRewardProvider,
)
from mlagents.trainers.torch_entities.networks import SimpleActor
from mlagents.trainers.trainer.on_policy_trainer import OnPolicyTrainer
from mlagents.trainers.trainer.trainer_utils import lambda_return
from mlagents.trainers.trajectory import Trajectory
from mlagents_envs.base_env import BehaviorSpec
from mlagents_envs.side_channel.stats_side_channel import StatsAggregationMethod

from .onnx_export import OnnxSafeModelSaver
from .optimizer import {{ cookiecutter.trainer_class_name }}Optimizer
from .settings import {{ cookiecutter.trainer_class_name }}Settings
from .update_buffer import UpdateBuffer, shuffled_rows

TRAINER_NAME = "{{ cookiecutter.trainer_type }}"


class {{ cookiecutter.trainer_class_name }}(OnPolicyTrainer):
    """Collects on-policy experience of groups and updates the policy with MA-POCA's loss."""

    def __init__(
        self,
        behavior_name: str,
        reward_buff_cap: int,
        trainer_settings: TrainerSettings,
        training: bool,
        load: bool,
        seed: int,
        artifact_path: str,
    ) -> None:
        super().__init__(
            behavior_name,
            reward_buff_cap,
            trainer_settings,
            training,
            load,
            seed,
            artifact_path,
        )
        self.hyperparameters = cast(
            {{ cookiecutter.trainer_class_name }}Settings,
            trainer_settings.hyperparameters,
        )
        # AgentBuffer with faster sampling and shuffling, same rows (update_buffer.py).
        self.update_buffer = UpdateBuffer()
        self.policy: TorchPolicy = None  # type: ignore[assignment]
        self.optimizer: {{ cookiecutter.trainer_class_name }}Optimizer = None  # type: ignore[assignment]
        # Group reward each agent has received in its group's current episode,
        # and the agents that had groupmates in it (agents of no group have none).
        self.collected_group_rewards: dict[str, float] = defaultdict(float)
        self.grouped_agents: set[str] = set()

    def create_policy(
        self, parsed_behavior_id: BehaviorIdentifiers, behavior_spec: BehaviorSpec
    ) -> TorchPolicy:
        """The acting network: a Gaussian/categorical actor on the agent's own observations."""
        actor_kwargs: dict[str, Any] = {
            "conditional_sigma": False,
            "tanh_squash": False,
        }
        return TorchPolicy(
            self.seed,
            behavior_spec,
            self.trainer_settings.network_settings,
            SimpleActor,
            actor_kwargs,
        )

    def create_optimizer(self) -> {{ cookiecutter.trainer_class_name }}Optimizer:
        return {{ cookiecutter.trainer_class_name }}Optimizer(
            self.policy,
            self.trainer_settings,
        )

    @staticmethod
    def create_model_saver(
        trainer_settings: TrainerSettings, model_path: str, load: bool
    ) -> BaseModelSaver:
        # Checkpoints and the final model export .onnx with torch's legacy exporter.
        return OnnxSafeModelSaver(trainer_settings, model_path, load)

    def _process_trajectory(self, trajectory: Trajectory) -> None:
        """Compute values, baselines, rewards, lambda-returns and advantages for one trajectory."""
        super()._process_trajectory(trajectory)
        agent_id = trajectory.agent_id
        buffer = trajectory.to_agentbuffer()

        if self.is_training:
            self.policy.actor.update_normalization(buffer)
            self.optimizer.critic.update_normalization(buffer)

        # V(s_t), b^i_t for every step, and V(s_T) to bootstrap from unless the
        # group's episode ended. An agent that left before its group bootstraps
        # from the group it left: the group reward still to come reaches it.
        group_ended = (
            trajectory.done_reached
            and trajectory.all_group_dones_reached
            and not trajectory.interrupted
        )
        values, baselines, value_next, value_memories, baseline_memories = (
            self.optimizer.get_trajectory_and_baseline_value_estimates(
                buffer,
                trajectory.next_obs,
                trajectory.next_group_obs,
                group_ended,
                agent_id,
            )
        )
        if trajectory.done_reached:  # a new episode starts from a blank memory
            self.optimizer.value_memories.pop(agent_id, None)
            self.optimizer.baseline_memories.pop(agent_id, None)
        if value_memories is not None and baseline_memories is not None:
            buffer[BufferKey.CRITIC_MEMORY].set(value_memories)
            buffer[BufferKey.BASELINE_MEMORY].set(baseline_memories)

        self.collected_rewards["environment"][agent_id] += np.sum(
            buffer[BufferKey.ENVIRONMENT_REWARDS]
        )
        self.collected_group_rewards[agent_id] += float(
            np.sum(buffer[BufferKey.GROUP_REWARD])
        )
        if any(step.group_status for step in trajectory.steps):
            self.grouped_agents.add(agent_id)
        scaler = self.optimizer.reward_scaler
        advantages: list[np.ndarray] = []
        for name, signal in self.optimizer.reward_signals.items():
            label = signal.name.capitalize()
            self._stats_reporter.add_stat(
                f"Policy/{label} Value Estimate", np.mean(values[name])
            )
            self._stats_reporter.add_stat(
                f"Policy/{label} Baseline Estimate", np.mean(baselines[name])
            )
            rewards = signal.evaluate(buffer) * signal.strength
            self.collected_rewards[name][agent_id] += np.sum(rewards)
            if scaler is not None and isinstance(signal, ExtrinsicRewardProvider):
                # scale_rewards: the lambda-returns and the critics see r_t / std(R); the stats keep r_t.
                rewards = scaler.scale(agent_id, rewards, trajectory.done_reached)
            buffer[RewardSignalUtil.rewards_key(name)].extend(rewards)

            # G_t = r_t + gamma * ((1 - lambda) * V(s_{t+1}) + lambda * G_{t+1}).
            returns = lambda_return(
                r=np.asarray(rewards, dtype=np.float32),
                value_estimates=values[name],
                gamma=signal.gamma,
                lambd=self.hyperparameters.lambd,
                value_next=value_next[name],
            )
            # A^i_t = G_t - b^i_t: the counterfactual advantage.
            advantage = returns - baselines[name]
            buffer[RewardSignalUtil.baseline_estimates_key(name)].extend(
                baselines[name]
            )
            buffer[RewardSignalUtil.returns_key(name)].set(returns)
            buffer[RewardSignalUtil.advantage_key(name)].set(advantage)
            advantages.append(advantage)

        # With several reward signals, the policy follows their mean advantage.
        buffer[BufferKey.ADVANTAGES].set(list(np.mean(advantages, axis=0)))
        self._append_to_update_buffer(buffer)

        if trajectory.done_reached:
            self._update_end_episode_stats(agent_id, self.optimizer)
            group_reward = self.collected_group_rewards.pop(agent_id, 0.0)
            in_group = agent_id in self.grouped_agents
            self.grouped_agents.discard(agent_id)
            # The group's return is reported by the agents there at its end (the
            # built-in also reports 0 for every agent of no group; this does not).
            if trajectory.all_group_dones_reached and in_group:
                self._stats_reporter.add_stat(
                    "Environment/Group Cumulative Reward",
                    group_reward,
                    aggregation=StatsAggregationMethod.HISTOGRAM,
                )

    def _update_policy(self) -> bool:
        """Run ``num_epoch`` passes of shuffled minibatches over the buffer, then clear it."""
        self.cumulative_returns_since_policy_update.clear()
        sequence_length = self.policy.sequence_length
        batch_size = max(
            self.hyperparameters.batch_size
            - self.hyperparameters.batch_size % sequence_length,
            sequence_length,
        )
        n_sequences = max(batch_size // sequence_length, 1)

        # Normalize advantages over the whole buffer, not per minibatch.
        advantages = np.array(self.update_buffer[BufferKey.ADVANTAGES].get_batch())
        self.update_buffer[BufferKey.ADVANTAGES].set(
            (advantages - advantages.mean()) / (advantages.std() + 1e-10)
        )

        # The buffer becomes tensors once. Each epoch shuffles row numbers with
        # the np.random draws of AgentBuffer.shuffle, and each minibatch takes
        # the rows that ML-Agents' shuffled buffer would hold at its place.
        rows = self.update_buffer.row_numbers()
        tensors = self.optimizer.batch_tensors(self.update_buffer)
        # Extrinsic rewards learn nothing; curiosity, GAIL, RND train on each minibatch.
        signals_learn = any(
            not isinstance(signal, ExtrinsicRewardProvider)
            for signal in self.optimizer.reward_signals.values()
        )
        stats: dict[str, list[float]] = defaultdict(list)
        n_batches = self.update_buffer.num_experiences // batch_size
        for _ in range(self.hyperparameters.num_epoch):
            rows = shuffled_rows(rows, sequence_length)
            for start in range(0, n_batches * batch_size, batch_size):
                minibatch_rows = rows[start : start + batch_size]
                minibatch = self.optimizer.minibatch(
                    tensors, torch.from_numpy(minibatch_rows)
                )
                update_stats = self.optimizer.update(minibatch, n_sequences)
                if signals_learn:
                    update_stats.update(
                        self.optimizer.update_reward_signals(
                            self.update_buffer.take(minibatch_rows.tolist())
                        )
                    )
                for stat_name, value in update_stats.items():
                    stats[stat_name].append(value)
        for stat_name, values in stats.items():
            self._stats_reporter.add_stat(stat_name, float(np.mean(values)))

        if self.optimizer.bc_module:
            for stat_name, value in self.optimizer.bc_module.update().items():
                self._stats_reporter.add_stat(stat_name, value)
        self._clear_update_buffer()
        return True

    def end_episode(self) -> None:
        """The environment was reset: every group's episode is over."""
        super().end_episode()
        self.collected_group_rewards.clear()
        self.grouped_agents.clear()

    def get_policy(self, name_behavior_id: str) -> Policy:
        """The one policy this trainer learns, whatever behavior id asks.

        ML-Agents' GhostTrainer (self-play) asks with the ids of every team.
        """
        return self.policy

    @staticmethod
    def get_settings_type() -> type[{{ cookiecutter.trainer_class_name }}Settings]:
        return {{ cookiecutter.trainer_class_name }}Settings

    @staticmethod
    def get_trainer_name() -> str:
        return TRAINER_NAME


def get_type_and_setting() -> tuple[dict[str, type], dict[str, type]]:
    """The entry point ML-Agents calls: ``trainer_type`` -> trainer and settings classes."""
    trainers: dict[str, type] = {TRAINER_NAME: {{ cookiecutter.trainer_class_name }}}
    settings: dict[str, type] = {TRAINER_NAME: {{ cookiecutter.trainer_class_name }}Settings}
    return trainers, settings
