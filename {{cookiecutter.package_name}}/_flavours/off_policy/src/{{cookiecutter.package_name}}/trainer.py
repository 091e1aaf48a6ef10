"""{{ cookiecutter.trainer_class_name }}: an off-policy (SAC-style) trainer for ML-Agents.

Data flow, in the order ML-Agents calls it:

1. ``create_policy`` builds the squashed-Gaussian actor that acts in the
   environment (and reloads the replay buffer on ``--resume``).
2. ``create_optimizer`` builds the optimizer that owns the Q networks and the loss.
3. ``_process_trajectory`` appends each trajectory's transitions to the replay
   buffer (``update_buffer``, a ``ReplayBuffer``).
4. ``OffPolicyTrainer._update_policy`` samples minibatches from the buffer and
   calls ``optimizer.update`` once every ``steps_per_update`` agent steps.

``get_type_and_setting`` at the bottom is the entry point ML-Agents loads.
Change the data pipeline here; change the loss in ``optimizer.py``.
"""

from typing import Any, cast

import numpy as np
from mlagents.trainers.behavior_id_utils import BehaviorIdentifiers
from mlagents.trainers.buffer import BufferKey
from mlagents.trainers.model_saver.model_saver import BaseModelSaver
from mlagents.trainers.policy import Policy
from mlagents.trainers.policy.torch_policy import TorchPolicy
from mlagents.trainers.settings import TrainerSettings
from mlagents.trainers.torch_entities.networks import SimpleActor
from mlagents.trainers.trainer.off_policy_trainer import OffPolicyTrainer
from mlagents.trainers.trajectory import Trajectory
from mlagents_envs.base_env import BehaviorSpec

from .onnx_export import OnnxSafeModelSaver
from .optimizer import {{ cookiecutter.trainer_class_name }}Optimizer
from .replay_buffer import ReplayBuffer
from .settings import {{ cookiecutter.trainer_class_name }}Settings

TRAINER_NAME = "{{ cookiecutter.trainer_type }}"


class {{ cookiecutter.trainer_class_name }}(OffPolicyTrainer):
    """Collects experience into a replay buffer and learns from it with SAC's loss."""

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
        # AgentBuffer that also keeps each field as one array, and samples
        # minibatches from them: same rows, fewer conversions (replay_buffer.py).
        self.update_buffer = ReplayBuffer()
        self.policy: TorchPolicy = None  # type: ignore[assignment]
        self.optimizer: {{ cookiecutter.trainer_class_name }}Optimizer = None  # type: ignore[assignment]

    def create_policy(
        self, parsed_behavior_id: BehaviorIdentifiers, behavior_spec: BehaviorSpec
    ) -> TorchPolicy:
        """The acting network: tanh-squashed Gaussians and/or one categorical per branch."""
        actor_kwargs: dict[str, Any] = {"conditional_sigma": True, "tanh_squash": True}
        policy = TorchPolicy(
            self.seed,
            behavior_spec,
            self.trainer_settings.network_settings,
            SimpleActor,
            actor_kwargs,
        )
        self.maybe_load_replay_buffer()  # on --resume, with save_replay_buffer
        return policy

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
        """Append one trajectory's transitions (s, a, r, s', done) to the replay buffer."""
        super()._process_trajectory(trajectory)
        agent_id = trajectory.agent_id
        buffer = trajectory.to_agentbuffer()
        self._warn_if_group_reward(buffer)

        if self.is_training:
            self.policy.actor.update_normalization(buffer)

        # Rewards are evaluated here for reporting only; the off-policy update
        # re-evaluates reward signals on each sampled minibatch.
        self.collected_rewards["environment"][agent_id] += np.sum(
            buffer[BufferKey.ENVIRONMENT_REWARDS]
        )
        for name, signal in self.optimizer.reward_signals.items():
            rewards = signal.evaluate(buffer) * signal.strength
            self.collected_rewards[name][agent_id] += np.sum(rewards)

        # An episode cut off at max_step did not end: bootstrap from s' as usual.
        if trajectory.steps[-1].interrupted:
            buffer[BufferKey.DONE][-1] = False
        self._append_to_update_buffer(buffer)

        if trajectory.done_reached:
            self._update_end_episode_stats(agent_id, self.optimizer)

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
