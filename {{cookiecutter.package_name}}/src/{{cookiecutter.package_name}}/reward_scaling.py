"""Reward scaling: rewards divided by the running standard deviation of a discounted return.

This is what Stable-Baselines3's ``VecNormalize(norm_reward=True)`` does to the
rewards, and what the PPO-style trainers' ``scale_rewards`` hyperparameter turns
on: ML-Agents' ``network_settings.normalize`` scales observations only. A trainer
that computes returns from each trajectory's rewards calls ``RewardScaler.scale``
on them first. Change ``CLIP`` or ``EPSILON`` here, or the statistic itself.
"""

import numpy as np
from mlagents.torch_utils import torch
from mlagents.trainers.exception import TrainerConfigError
from mlagents.trainers.settings import RewardSignalSettings, RewardSignalType

# VecNormalize's defaults: clip_reward 10, epsilon 1e-8, and RunningMeanStd's
# first count 1e-4 (its mean starts at 0 and its variance at 1).
CLIP = 10.0
EPSILON = 1e-8
FIRST_COUNT = 1e-4


class RewardScaler(torch.nn.Module):
    """The running variance of the discounted return R, and rewards scaled by it.

    For each step t of an agent, in order:

    * R_t = gamma * R_{t-1} + r_t, with R = 0 before an episode's first step;
    * the running mean and variance take in R_t (Chan et al.'s parallel update,
      as SB3's ``RunningMeanStd``, one return at a time);
    * r_t becomes clip(r_t / sqrt(var + EPSILON), -CLIP, CLIP), with the
      variance that includes R_t.

    Where this differs from VecNormalize: SB3 updates the variance once per
    step with one return from each copy of the environment; here each agent's
    trajectory is taken in turn, so the same returns arrive in another order.
    With one agent the two agree step for step. The statistics are buffers, so
    checkpoints keep them and ``--resume`` restores them; each agent's R starts
    again at 0 after a resume, as its episode does.
    """

    def __init__(self, gamma: float) -> None:
        super().__init__()
        self.gamma = gamma
        self.register_buffer("mean", torch.tensor(0.0, dtype=torch.float64))
        self.register_buffer("var", torch.tensor(1.0, dtype=torch.float64))
        self.register_buffer("count", torch.tensor(FIRST_COUNT, dtype=torch.float64))
        self._returns: dict[str, float] = {}  # R of each agent's episode so far

    def scale(
        self, agent_id: str, rewards: np.ndarray, episode_ended: bool
    ) -> np.ndarray:
        """``rewards`` (one trajectory of ``agent_id``) scaled; updates the statistics.

        ``episode_ended``: the trajectory's last step ended the agent's episode
        (terminated or cut off), so its next trajectory starts a new R.
        """
        mean, var, count = self.mean.item(), self.var.item(), self.count.item()
        discounted_return = self._returns.pop(agent_id, 0.0)
        scaled = np.empty(len(rewards), dtype=np.float32)
        for t, reward in enumerate(rewards):
            discounted_return = self.gamma * discounted_return + float(reward)
            # A batch of one return: batch mean R_t, batch variance 0.
            delta = discounted_return - mean
            total = count + 1.0
            mean += delta / total
            var = (var * count + delta * delta * count / total) / total
            count = total
            scaled[t] = np.clip(reward / np.sqrt(var + EPSILON), -CLIP, CLIP)
        self.mean.fill_(mean)
        self.var.fill_(var)
        self.count.fill_(count)
        if not episode_ended:
            self._returns[agent_id] = discounted_return
        return scaled


def reward_scaler_for(
    scale_rewards: bool, reward_signals: dict[RewardSignalType, RewardSignalSettings]
) -> RewardScaler | None:
    """The scaler of the extrinsic rewards, with that signal's gamma; None if not asked for."""
    if not scale_rewards:
        return None
    extrinsic = reward_signals.get(RewardSignalType.EXTRINSIC)
    if extrinsic is None:
        raise TrainerConfigError(
            "scale_rewards scales the extrinsic reward signal's rewards, and "
            "reward_signals has no extrinsic: add one or set scale_rewards: false."
        )
    return RewardScaler(extrinsic.gamma)
