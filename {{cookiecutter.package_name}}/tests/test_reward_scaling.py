"""Reward scaling (reward_scaling.py) against Stable-Baselines3's VecNormalize.

With one agent, ``RewardScaler`` must give VecNormalize's rewards step for
step: the same discounted return, reset at every episode end, the same running
variance and the same clip. With several agents, each keeps its own return and
all share one variance.
"""

from typing import Any

import gymnasium as gym
import numpy as np
import pytest
from mlagents.trainers.exception import TrainerConfigError
from mlagents.trainers.settings import RewardSignalSettings, RewardSignalType
from stable_baselines3.common.running_mean_std import RunningMeanStd
from stable_baselines3.common.vec_env import DummyVecEnv, VecNormalize

from {{ cookiecutter.package_name }}.reward_scaling import (
    CLIP,
    EPSILON,
    RewardScaler,
    reward_scaler_for,
)

GAMMA = 0.9


class ScriptedRewards(gym.Env[np.ndarray, int]):
    """Gives ``rewards`` one per step; episodes end after the ``ends`` steps."""

    observation_space = gym.spaces.Box(-1.0, 1.0, (1,))
    action_space = gym.spaces.Discrete(2)

    def __init__(self, rewards: np.ndarray, ends: set[int]) -> None:
        self.rewards, self.ends, self.t = rewards, ends, 0

    def reset(self, **kwargs: Any) -> tuple[np.ndarray, dict[str, Any]]:
        return np.zeros(1, dtype=np.float32), {}

    def step(self, action: int) -> tuple[np.ndarray, float, bool, bool, dict]:
        reward, ended = float(self.rewards[self.t]), self.t in self.ends
        self.t += 1
        # Every other episode end is a cut-off: VecNormalize treats both alike.
        truncated = ended and self.t % 2 == 0
        return (
            np.zeros(1, dtype=np.float32),
            reward,
            ended and not truncated,
            truncated,
            {},
        )


def vecnormalize_rewards(rewards: np.ndarray, ends: set[int]) -> np.ndarray:
    """What SB3 trains on: the rewards after VecNormalize(norm_reward=True)."""
    env = VecNormalize(
        DummyVecEnv([lambda: ScriptedRewards(rewards, ends)]),
        norm_obs=False,
        norm_reward=True,
        gamma=GAMMA,
    )
    env.reset()
    scaled = [env.step(np.zeros(1, dtype=np.int64))[1][0] for _ in rewards]
    return np.array(scaled)


def test_one_agent_gets_vecnormalizes_rewards_step_for_step() -> None:
    rng = np.random.default_rng(0)
    # Large rewards now and then, so that the clip at +-10 binds early on.
    rewards = rng.normal(size=200) * np.where(rng.random(200) < 0.05, 50.0, 1.0)
    ends = {29, 30, 99, 150}
    expected = vecnormalize_rewards(rewards, ends)
    assert np.abs(expected).max() == CLIP  # the clip is exercised

    # ML-Agents hands the trainer trajectories: cut at each episode end and
    # also at a time horizon (every 16 steps) inside an episode.
    cuts = sorted({t + 1 for t in ends} | set(range(16, 200, 16)) | {200})
    scaler = RewardScaler(GAMMA)
    scaled, start = [], 0
    for stop in cuts:
        scaled.append(scaler.scale("agent", rewards[start:stop], stop - 1 in ends))
        start = stop
    np.testing.assert_allclose(np.concatenate(scaled), expected, rtol=1e-6)


def test_each_agent_keeps_its_own_return_and_all_share_the_variance() -> None:
    rng = np.random.default_rng(1)
    scaler = RewardScaler(GAMMA)
    reference = RunningMeanStd(shape=())
    returns = {"a": 0.0, "b": 0.0}
    # Trajectories of two agents, interleaved as they arrive; b's episode ends.
    for agent, ended in (("a", False), ("b", False), ("a", False), ("b", True)):
        rewards = rng.normal(size=5) + (3.0 if agent == "a" else -3.0)
        expected = []
        for reward in rewards:
            returns[agent] = GAMMA * returns[agent] + reward
            reference.update(np.array([returns[agent]]))
            scaled = reward / np.sqrt(reference.var + EPSILON)
            expected.append(np.clip(scaled, -CLIP, CLIP))
        if ended:
            returns[agent] = 0.0
        np.testing.assert_allclose(
            scaler.scale(agent, rewards, ended), expected, rtol=1e-6
        )


def test_a_checkpoint_keeps_the_statistics() -> None:
    rewards = np.linspace(-2.0, 3.0, 20)
    trained = RewardScaler(GAMMA)
    trained.scale("agent", rewards, episode_ended=True)
    restored = RewardScaler(GAMMA)
    restored.load_state_dict(trained.state_dict())
    np.testing.assert_array_equal(
        restored.scale("agent", rewards, True), trained.scale("agent", rewards, True)
    )


def test_the_scaler_needs_an_extrinsic_signal() -> None:
    extrinsic = {RewardSignalType.EXTRINSIC: RewardSignalSettings(gamma=0.8)}
    assert reward_scaler_for(False, extrinsic) is None
    scaler = reward_scaler_for(True, extrinsic)
    assert scaler is not None and scaler.gamma == 0.8
    curiosity = {RewardSignalType.CURIOSITY: RewardSignalSettings()}
    with pytest.raises(TrainerConfigError, match="no extrinsic"):
        reward_scaler_for(True, curiosity)
