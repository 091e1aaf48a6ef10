"""Any Gymnasium environment as an ML-Agents ``BaseEnv``, so any trainer can train on it.

``GymnasiumEnv("CartPole-v1", num_areas=8, seed=1)`` is eight copies of
CartPole, seen by ML-Agents as eight agents of one behavior named
``CartPole-v1``, the way a Unity scene with eight copies of its training area
(``mlagents-learn --num-areas 8``) is. What a Unity scene does, this does:

* Agent ``i`` is copy ``i``, and keeps its id across episodes, as a Unity agent
  keeps its id.
* ``terminated`` ends the agent's episode (a terminal step, ``interrupted``
  False); ``truncated`` (a ``TimeLimit``) interrupts it (``interrupted`` True,
  so the trainer bootstraps the value of the final observation). When both are
  set, terminated wins, as in Gymnasium. The terminal step carries the last
  reward and the final observation that ``step`` returned; in the same
  ``step()`` the copy is reset and its new episode starts with a decision step
  that carries the reset observation and reward 0, as a Unity agent that ends
  and asks for its next decision does.
* ``reset()`` resets every copy and asks all of them for a decision.
* Copy ``i`` is reset with ``seed + i`` at its first reset only (Gymnasium's
  convention: later resets go on from that generator), and its action space is
  seeded with ``seed + i`` too. The same seed gives the same episodes.
* A ``step()`` with no actions set applies the empty action (zeros), as
  ``UnityEnvironment`` does.

Spaces:

* Observations: a ``Box`` is one flattened float32 vector observation; a
  ``Discrete(n)`` is a one-hot vector of size n; a uint8 ``Box`` of shape
  (height, width, channels) (Gymnasium's image layout) is one visual
  observation, channels first and scaled to [0, 1], as ML-Agents' visual
  encoders take it. Dict and Tuple spaces are refused (flatten them with a
  Gymnasium wrapper first), and so are the other spaces.
* Actions: a ``Box`` of shape S is ``prod(S)`` continuous actions. ML-Agents'
  policies send continuous actions in [-1, 1] (PPO-style trainers clip them,
  SAC-style ones squash them with tanh), so each bounded dimension is rescaled
  linearly from [-1, 1] to [low, high], as Stable-Baselines3 does for squashed
  policies; a dimension with an infinite bound is passed through unchanged.
  ``Discrete(n)`` is one discrete branch of n actions, ``MultiDiscrete`` one
  branch per entry.

The behavior name is the Gymnasium id (the part after any ``module:`` prefix,
with ``/`` replaced by ``_``, as it names files), so a YAML ``behaviors:`` key
of that name, or ``default_settings``, configures it. Gymnasium is an optional
dependency (the ``gymnasium`` extra) imported only here. Change
``observation_to_array``/``Spaces`` to support other spaces.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from mlagents_envs.base_env import (
    ActionSpec,
    ActionTuple,
    BaseEnv,
    BehaviorMapping,
    BehaviorSpec,
    DecisionSteps,
    DimensionProperty,
    ObservationSpec,
    ObservationType,
    TerminalSteps,
)
from mlagents_envs.side_channel.side_channel import SideChannel

from .base import decision_steps, terminal_steps

EXTRA = "pip install '{{ cookiecutter.distribution_name }}[gymnasium]'"
MISSING = f"Gymnasium environments need gymnasium: {EXTRA}"

try:
    import gymnasium
    from gymnasium import spaces
except ModuleNotFoundError as error:  # pragma: no cover - the extra is in `test`
    raise ModuleNotFoundError(MISSING) from error

SUPPORTED = (
    "observations: Box (vector, or a uint8 image of shape (height, width, "
    "channels)) or Discrete; actions: Box, Discrete or MultiDiscrete"
)


class UnsupportedSpace(ValueError):
    """A Gymnasium space this adapter cannot turn into an ML-Agents spec."""


def behavior_name(env_id: str) -> str:
    """``CartPole-v1`` -> ``CartPole-v1``; ``ALE/Pong-v5`` -> ``ALE_Pong-v5``."""
    return env_id.rsplit(":", 1)[-1].replace("/", "_")


@dataclass(frozen=True)
class Spaces:
    """How one Gymnasium env's spaces map onto an ML-Agents ``BehaviorSpec``."""

    observation_space: spaces.Space[Any]
    action_space: spaces.Space[Any]

    def check(self, env_id: str) -> None:
        """Raise ``UnsupportedSpace`` (naming what is supported) if either space is not."""
        problems = []
        obs, act = self.observation_space, self.action_space
        if not isinstance(obs, spaces.Box | spaces.Discrete):
            problems.append(f"observation space {obs}")
        if not isinstance(act, spaces.Box | spaces.Discrete | spaces.MultiDiscrete):
            problems.append(f"action space {act}")
        if problems:
            raise UnsupportedSpace(
                f"{env_id}: unsupported {' and '.join(problems)} (supported: "
                f"{SUPPORTED}; flatten Dict and Tuple spaces with a Gymnasium wrapper)"
            )

    @property
    def is_image(self) -> bool:
        obs = self.observation_space
        return (
            isinstance(obs, spaces.Box)
            and obs.dtype == np.uint8
            and len(obs.shape) == 3
        )

    @property
    def observation_spec(self) -> ObservationSpec:
        obs = self.observation_space
        if self.is_image:
            height, width, channels = obs.shape  # type: ignore[misc]
            return ObservationSpec(
                (channels, height, width),
                (
                    DimensionProperty.NONE,
                    DimensionProperty.TRANSLATIONAL_EQUIVARIANCE,
                    DimensionProperty.TRANSLATIONAL_EQUIVARIANCE,
                ),
                ObservationType.DEFAULT,
                "image",
            )
        size = int(obs.n) if isinstance(obs, spaces.Discrete) else flat_size(obs)
        return ObservationSpec(
            (size,), (DimensionProperty.NONE,), ObservationType.DEFAULT, "observation"
        )

    @property
    def action_spec(self) -> ActionSpec:
        act = self.action_space
        if isinstance(act, spaces.Box):
            return ActionSpec(flat_size(act), ())
        if isinstance(act, spaces.Discrete):
            return ActionSpec(0, (int(act.n),))
        assert isinstance(act, spaces.MultiDiscrete)
        return ActionSpec(0, tuple(int(n) for n in act.nvec.flatten()))

    def observation_to_array(self, observation: Any) -> np.ndarray:
        """One Gymnasium observation -> the array ML-Agents gets for one agent."""
        obs = self.observation_space
        if isinstance(obs, spaces.Discrete):
            one_hot = np.zeros(int(obs.n), dtype=np.float32)
            one_hot[int(observation) - int(obs.start)] = 1.0
            return one_hot
        array = np.asarray(observation)
        if self.is_image:
            return np.moveaxis(array, -1, 0).astype(np.float32) / 255.0
        return array.astype(np.float32).reshape(-1)

    def action_from(self, continuous: np.ndarray, discrete: np.ndarray) -> Any:
        """One agent's ML-Agents action -> the action Gymnasium's ``step`` takes."""
        act = self.action_space
        if isinstance(act, spaces.Box):
            low, high = act.low.reshape(-1), act.high.reshape(-1)
            bounded = np.isfinite(low) & np.isfinite(high)
            # Unbounded dimensions get [-1, 1] here, then pass through below.
            low, high = np.where(bounded, low, -1.0), np.where(bounded, high, 1.0)
            unit = np.clip(continuous, -1.0, 1.0)
            rescaled = low + (unit + 1.0) * 0.5 * (high - low)
            action = np.where(bounded, rescaled, continuous)
            return action.reshape(act.shape).astype(act.dtype)
        if isinstance(act, spaces.Discrete):
            return int(act.start) + int(discrete[0])
        assert isinstance(act, spaces.MultiDiscrete)
        choice = discrete.reshape(act.nvec.shape) + act.start
        return choice.astype(act.dtype)


def flat_size(space: spaces.Space[Any]) -> int:
    """How many numbers a flattened sample of ``space`` has."""
    return int(math.prod(space.shape or ()))


def make(env_id: str, **make_kwargs: Any) -> gymnasium.Env[Any, Any]:
    """``gymnasium.make``, with an unknown id or a missing package as one ``ValueError`` line."""
    try:
        return gymnasium.make(env_id, **make_kwargs)
    except gymnasium.error.DependencyNotInstalled as error:
        raise ValueError(f"Gymnasium environment {env_id!r}: {error}") from None
    except (gymnasium.error.UnregisteredEnv, ImportError) as error:
        raise ValueError(f"unknown Gymnasium environment {env_id!r}: {error}") from None


def check_environment(env_id: str) -> None:
    """Build ``env_id`` once: ValueError (one line) if it is unknown or unsupported."""
    env = make(env_id)
    try:
        Spaces(env.observation_space, env.action_space).check(env_id)
    finally:
        env.close()


class GymnasiumEnv(BaseEnv):
    """``num_areas`` copies of a Gymnasium environment: one behavior, one agent per copy.

    :param env_id: a registered Gymnasium id (``"CartPole-v1"``), or
        ``"module:Id-v0"`` to import ``module`` first (Gymnasium's syntax).
    :param num_areas: how many copies (agents), as Unity's ``--num-areas``.
    :param seed: copy ``i`` is first reset with ``seed + i``.
    :param side_channels: accepted and ignored: a Gymnasium environment has no
        environment parameters or engine settings.
    :param make_kwargs: passed to ``gymnasium.make`` (``max_episode_steps=5``...).
    """

    # SubprocessEnvManager's workers read this attribute of a UnityEnvironment;
    # None says "no Unity academy features".
    academy_capabilities = None

    def __init__(
        self,
        env_id: str,
        num_areas: int = 1,
        seed: int = 0,
        side_channels: Sequence[SideChannel] | None = None,
        **make_kwargs: Any,
    ) -> None:
        if num_areas < 1:
            raise ValueError(f"num_areas must be at least 1, not {num_areas}")
        self.env_id = env_id
        self.behavior_name = behavior_name(env_id)
        self.seed = seed
        self.envs = [make(env_id, **make_kwargs) for _ in range(num_areas)]
        first = self.envs[0]
        self.spaces = Spaces(first.observation_space, first.action_space)
        self.spaces.check(env_id)
        self._spec = BehaviorSpec(
            [self.spaces.observation_spec], self.spaces.action_spec
        )
        self._seeded = [False] * num_areas
        self._obs = [np.zeros(0, np.float32)] * num_areas
        self._rewards = np.zeros(num_areas, dtype=np.float32)
        self._terminal: list[tuple[int, np.ndarray, float, bool]] = []
        self._actions = self._spec.action_spec.empty_action(num_areas)

    @property
    def num_areas(self) -> int:
        return len(self.envs)

    # ML-Agents' BaseEnv.
    @property
    def behavior_specs(self) -> BehaviorMapping:
        return BehaviorMapping({self.behavior_name: self._spec})

    def reset(self) -> None:
        for copy in range(self.num_areas):
            self._start_episode(copy)
        self._terminal = []
        self._actions = self._spec.action_spec.empty_action(self.num_areas)

    def step(self) -> None:
        actions = self._actions
        self._actions = self._spec.action_spec.empty_action(self.num_areas)
        self._terminal = []
        for copy, env in enumerate(self.envs):
            action = self.spaces.action_from(
                actions.continuous[copy], actions.discrete[copy]
            )
            observation, reward, terminated, truncated, _ = env.step(action)
            obs = self.spaces.observation_to_array(observation)
            if terminated or truncated:
                interrupted = bool(truncated and not terminated)
                self._terminal.append((copy, obs, float(reward), interrupted))
                self._start_episode(copy)
            else:
                self._obs[copy] = obs
                self._rewards[copy] = float(reward)

    def set_actions(self, behavior_name: str, action: ActionTuple) -> None:
        self._check_behavior(behavior_name)
        spec = self._spec.action_spec
        continuous, discrete = self._actions.continuous, self._actions.discrete
        if spec.continuous_size:
            continuous = np.array(action.continuous, np.float32)
            continuous = continuous.reshape(self.num_areas, spec.continuous_size)
        if spec.discrete_size:
            discrete = np.array(action.discrete, np.int32)
            discrete = discrete.reshape(self.num_areas, spec.discrete_size)
        self._actions = ActionTuple(continuous, discrete)

    def set_action_for_agent(
        self, behavior_name: str, agent_id: int, action: ActionTuple
    ) -> None:
        self._check_behavior(behavior_name)
        if not 0 <= agent_id < self.num_areas:
            raise KeyError(f"no agent {agent_id} in {self.behavior_name}")
        spec = self._spec.action_spec
        if spec.continuous_size:
            self._actions.continuous[agent_id] = np.reshape(action.continuous, -1)
        if spec.discrete_size:
            self._actions.discrete[agent_id] = np.reshape(action.discrete, -1)

    def get_steps(self, behavior_name: str) -> tuple[DecisionSteps, TerminalSteps]:
        self._check_behavior(behavior_name)
        decisions = decision_steps(
            [np.stack(self._obs)],
            self._rewards.copy(),
            np.arange(self.num_areas, dtype=np.int32),
            None,
        )
        ended = self._terminal
        shape = self._spec.observation_specs[0].shape
        terminal_obs = (
            np.stack([obs for _, obs, _, _ in ended])
            if ended
            else np.zeros((0, *shape), np.float32)
        )
        terminals = terminal_steps(
            [terminal_obs],
            np.array([r for _, _, r, _ in ended], dtype=np.float32),
            np.array([i for _, _, _, i in ended], dtype=bool),
            np.array([c for c, _, _, _ in ended], dtype=np.int32),
        )
        return decisions, terminals

    def close(self) -> None:
        for env in self.envs:
            env.close()

    # Helpers.
    def _start_episode(self, copy: int) -> None:
        env = self.envs[copy]
        if self._seeded[copy]:
            observation, _ = env.reset()
        else:
            observation, _ = env.reset(seed=self.seed + copy)
            env.action_space.seed(self.seed + copy)
            self._seeded[copy] = True
        self._obs[copy] = self.spaces.observation_to_array(observation)
        self._rewards[copy] = 0.0

    def _check_behavior(self, behavior_name: str) -> None:
        if behavior_name != self.behavior_name:
            raise KeyError(f"unknown behavior {behavior_name!r}")
