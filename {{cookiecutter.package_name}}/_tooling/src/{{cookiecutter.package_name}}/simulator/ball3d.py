"""A pure-Python 3DBall: ML-Agents' balance-ball example without Unity.

Each agent tilts a 5x5x5 platform (two continuous actions, at most 2 degrees per
axis per physics tick) to keep a ball on top. It implements ML-Agents'
``BaseEnv``, so ML-Agents' own trainers, env managers and ``mlagents-learn``
(through the stand-in player) drive it exactly like a Unity build.

What is exact, and what is not (the one place this is stated):

* Exact, following ``Ball3DAgent.cs`` and the Academy's tick order: the 8
  observations and their order, action clamping, per-tick rotation and the tilt
  gate, the decision period of 5 with actions repeated between decisions, the
  ``SetReward`` semantics (+0.1 per decision, -1 on a fall), terminal steps one
  tick after the fall, interruption at 5000 physics ticks, reset ranges and the
  order of random draws, and the ``mass``/``scale``/``gravity`` parameters.
* Approximate: the contact dynamics. PhysX solves contacts iteratively with patch
  friction and speculative contacts; here a single sequential impulse per tick
  (restitution 0.05 above 2 m/s, Coulomb friction mu=0.6, rolling sphere) stands
  in for it. The platform is a teleported static collider, so tilting pushes the
  ball only by depenetration, as in PhysX, but the push speed is approximate.
  Sleeping is not modelled, and NumPy's generator replaces Unity's xorshift RNG.
  A FLOAT ``gravity`` is honoured whenever it arrives (Unity may miss one sent
  in the very first reset message).

Agents are handled as NumPy arrays (observations, rewards, resets, terminal
steps); the physics of one tick lives in ``physics.py``. Change
``Ball3DConfig`` (in ``scene.py``) to make the task harder or easier.
"""

import numpy as np
from mlagents_envs.base_env import (
    ActionSpec,
    ActionTuple,
    AgentId,
    BaseEnv,
    BehaviorMapping,
    BehaviorName,
    BehaviorSpec,
    DecisionSteps,
    DimensionProperty,
    ObservationSpec,
    ObservationType,
    TerminalSteps,
)
from mlagents_envs.exception import UnityActionException, UnityEnvironmentException
from mlagents_envs.side_channel.side_channel import SideChannel
from mlagents_envs.side_channel.side_channel_manager import SideChannelManager
from mlagents_envs.timers import timed

from . import physics
from .scene import BEHAVIOR_NAME, OBSERVATION_NAME, Ball3DConfig
from .side_channels import UnitySideChannelReceiver

__all__ = ["BEHAVIOR_NAME", "Ball3DConfig", "Ball3DEnv"]


class _StateView:
    """Some columns of ``Ball3DEnv.state`` as a component-major view: writes to
    it (``env.rotation[:, 0] = ...``) change the state."""

    def __init__(self, columns: slice, doc: str) -> None:
        self.columns = columns
        self.__doc__ = doc

    def __get__(self, env: "Ball3DEnv", owner: type | None = None) -> np.ndarray:
        return env.state[:, self.columns].T


class Ball3DEnv(BaseEnv):
    """ML-Agents' 3DBall as a vectorized ``BaseEnv``.

    :param seed: seeds every random draw; the same seed gives the same episode.
    :param num_areas: copies of the 12-agent training area.
    :param side_channels: Python-side channels, as ``UnityEnvironment`` takes them.
    :param config: scene constants.
    """

    def __init__(
        self,
        seed: int = 0,
        num_areas: int = 1,
        side_channels: list[SideChannel] | None = None,
        config: Ball3DConfig | None = None,
    ) -> None:
        if num_areas < 1:
            raise UnityEnvironmentException(f"num_areas must be >= 1, got {num_areas}")
        self.config = config = config or Ball3DConfig()
        self.num_agents = config.agents_per_area * num_areas
        self._rng = np.random.default_rng(seed)
        self._side_channel_manager = SideChannelManager(side_channels or [])
        self.side_channel_receiver = UnitySideChannelReceiver()
        self.side_channel_receiver.parameters.register_callback(
            "gravity", self._set_gravity
        )
        self.gravity = config.gravity
        self._spec = BehaviorSpec(
            observation_specs=[
                ObservationSpec(
                    shape=(8,),
                    dimension_property=(DimensionProperty.NONE,),
                    observation_type=ObservationType.DEFAULT,
                    name=OBSERVATION_NAME,
                )
            ],
            action_spec=ActionSpec(continuous_size=2, discrete_branches=()),
        )
        n = self.num_agents
        self.agent_ids = np.arange(n, dtype=np.int32)
        # One row per agent: platform rotation, ball position, velocity, spin (see
        # physics.py); ``rotation`` and the ball's vectors are views into it.
        self.state = np.zeros((n, physics.STATE_SIZE))
        self.state[:, 3] = 1.0  # identity rotation
        self.ball_radius = np.full(n, 0.5)
        self.ball_mass = np.ones(n)
        self._episode_start = np.zeros(n, dtype=np.int64)  # tick each episode began
        self._oldest_episode_start = 0
        self.reward = np.zeros(n, dtype=np.float32)
        self.action = np.zeros((n, 2))
        self.academy_steps = 0
        self._needs_full_reset = True
        self._decision: DecisionSteps | None = None
        self._terminals: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = (
            []
        )
        self._no_terminals = TerminalSteps.empty(self._spec)
        self._sent_terminals = self._no_terminals
        self._closed = False
        # SubprocessEnvManager reads this; None means "no training analytics".
        self.academy_capabilities = None

    # ------------------------------------------------------- state, by part
    rotation = _StateView(
        physics.ROTATION,
        "Platform rotations, (4, N) quaternions in Unity's (x, y, z, w) order.",
    )
    ball_position = _StateView(
        physics.POSITION, "Ball positions relative to their platform centre, (3, N)."
    )
    ball_velocity = _StateView(physics.VELOCITY, "Ball velocities, (3, N).")
    ball_spin = _StateView(physics.SPIN, "Ball angular velocities, (3, N).")

    # ----------------------------------------------------------------- BaseEnv
    @property
    def behavior_specs(self) -> BehaviorMapping:
        return BehaviorMapping({BEHAVIOR_NAME: self._spec})

    # Timed like UnityEnvironment's: mlagents-learn's run_logs/timers.json then
    # shows the simulator's own share of training time.
    @timed
    def reset(self) -> None:
        self._check_open()
        self._receive_side_channels()
        self._needs_full_reset = True
        self._terminals = []
        self._run_until_exchange()

    @timed
    def step(self) -> None:
        self._check_open()
        self._receive_side_channels()
        if self.academy_steps > 0:  # a tick is waiting for this exchange's actions
            self._finish_ticks()
        self._run_until_exchange()

    def get_steps(
        self, behavior_name: BehaviorName
    ) -> tuple[DecisionSteps, TerminalSteps]:
        self._check_behavior(behavior_name)
        decision = self._decision or DecisionSteps.empty(self._spec)
        return decision, self._sent_terminals

    def set_actions(self, behavior_name: BehaviorName, action: ActionTuple) -> None:
        self._check_behavior(behavior_name)
        n_decisions = 0 if self._decision is None else len(self._decision)
        if n_decisions == 0 and not np.size(getattr(action, "continuous", [])):
            return  # nothing to act on (ML-Agents' env managers pass [] here)
        continuous = np.asarray(action.continuous)
        if continuous.shape != (n_decisions, 2):
            raise UnityActionException(
                f"3DBall expects continuous actions of shape ({n_decisions}, 2) for the "
                f"{n_decisions} agents requesting a decision, got {continuous.shape}"
            )
        if not np.all(np.isfinite(continuous)):
            raise UnityActionException("3DBall actions contain NaN or infinite values")
        if n_decisions and self._decision is not None:
            self.action[self._decision.agent_id] = continuous

    def set_action_for_agent(
        self, behavior_name: BehaviorName, agent_id: AgentId, action: ActionTuple
    ) -> None:
        self._check_behavior(behavior_name)
        if self._decision is None or agent_id not in self._decision.agent_id_to_index:
            raise UnityActionException(f"agent {agent_id} is not requesting a decision")
        continuous = np.asarray(action.continuous, dtype=np.float64).reshape(-1)
        if continuous.shape != (2,) or not np.all(np.isfinite(continuous)):
            raise UnityActionException(
                f"3DBall expects 2 finite continuous actions, got {action.continuous!r}"
            )
        self.action[agent_id] = continuous

    def close(self) -> None:
        self._closed = True

    # ----------------------------------------------------- side-channel input
    def receive_side_channel_bytes(self, data: bytes) -> None:
        """Apply Python -> Unity side-channel bytes (used by the gRPC player)."""
        self.side_channel_receiver.receive(data)

    def _receive_side_channels(self) -> None:
        data = self._side_channel_manager.generate_side_channel_messages()
        if data:
            self.receive_side_channel_bytes(bytes(data))

    def _set_gravity(self, value: float) -> None:
        self.gravity = value

    # ------------------------------------------------- the Academy's tick loop
    def _run_until_exchange(self) -> None:
        """Run physics ticks until Unity would exchange a message with Python."""
        while not self._begin_tick():
            self._finish_ticks()

    def _begin_tick(self) -> bool:
        """Steps 1-4 of a tick. Returns True when there is something to send."""
        if self._needs_full_reset:
            self._needs_full_reset = False
            self.academy_steps = 0
            self.action[:] = 0.0
            self._reset_agents(np.ones(self.num_agents, dtype=bool))
        request_decision = self.academy_steps % self.config.decision_period == 0
        self.academy_steps += 1
        self._decision = None
        if request_decision:
            # Rotations are composed tick by tick; renormalize once per decision.
            q = self.rotation
            q /= np.sqrt((q * q).sum(axis=0))
            self._decision = DecisionSteps(
                obs=[self._observe(slice(None))],
                reward=self.reward.copy(),
                agent_id=self.agent_ids.copy(),
                action_mask=None,
                group_id=np.zeros(self.num_agents, dtype=np.int32),
                group_reward=np.zeros(self.num_agents, dtype=np.float32),
            )
            self.reward[:] = 0.0
        self._sent_terminals = self._collect_terminals()
        return self._decision is not None or len(self._sent_terminals) > 0

    def _finish_ticks(self) -> None:
        """Steps 6-7 of the pending tick, and of the quiet ticks after it.

        A tick is quiet when nothing needs sending at its start: no decision is
        due and no episode ended in the tick before. Quiet ticks run in one call
        to ``physics.advance``, which stops early when a ball falls. In each
        tick every agent tilts its platform (``OnActionReceived``), ends its
        episode on a fall or at max step, then every ball moves; agents whose
        episode ended are reset and move from the reset state, as in Unity,
        where the physics step follows the agents' actions.
        """
        cfg = self.config
        # Ticks up to and including the one before the next decision is due.
        ticks = -self.academy_steps % cfg.decision_period + 1
        # The first tick in which an agent reaches max step runs on its own.
        max_step_tick = self._oldest_episode_start + cfg.max_step
        at_max_step = max_step_tick <= self.academy_steps
        if at_max_step:
            ticks = 1
        else:
            ticks = min(ticks, max_step_tick - self.academy_steps)
        before = self.state
        self.state, ran, fell = physics.advance(
            before, self.action, self.ball_radius, self.gravity, cfg, ticks
        )
        self.academy_steps += ran - 1  # the quiet ticks' own steps 1-4
        self.reward.fill(cfg.reward_alive)  # SetReward: overwritten every tick
        max_reached = None
        if at_max_step:
            max_reached = (self.agent_steps >= cfg.max_step) & ~fell
            # Their episode ends before the physics step: the ball has not moved.
            self.state[max_reached, physics.BALL] = before[max_reached, physics.BALL]
        if max_reached is None and not fell.any():
            return
        done = np.zeros(self.num_agents, dtype=bool)
        for ended, interrupted in ((fell, False), (max_reached, True)):
            if ended is not None and ended.any():
                self._end_episodes(ended, interrupted)
                done |= ended
        self.state[done], _, _ = physics.advance(
            self.state[done],
            self.action[done],
            self.ball_radius[done],
            self.gravity,
            cfg,
        )

    @property
    def agent_steps(self) -> np.ndarray:
        """Ticks since each agent's episode began (Unity's ``Agent.StepCount``)."""
        return self.academy_steps - self._episode_start

    def _end_episodes(self, done: np.ndarray, interrupted: bool) -> None:
        """Queue terminal steps for the agents in ``done`` and reset them."""
        ids = np.flatnonzero(done)
        if not interrupted:
            self.reward[ids] = self.config.reward_fall
        self._terminals.append(
            (
                self._observe(ids),
                self.reward[ids].copy(),
                np.full(len(ids), interrupted),
                ids.astype(np.int32),
            )
        )
        self.reward[ids] = 0.0
        self.action[ids] = 0.0
        self._reset_agents(done)

    def _collect_terminals(self) -> TerminalSteps:
        if not self._terminals:
            return self._no_terminals
        obs, reward, interrupted, ids = (
            np.concatenate(x) for x in zip(*self._terminals, strict=False)
        )
        self._terminals = []
        return TerminalSteps(
            obs=[obs],
            reward=reward,
            interrupted=interrupted,
            agent_id=ids,
            group_id=np.zeros(len(ids), dtype=np.int32),
            group_reward=np.zeros(len(ids), dtype=np.float32),
        )

    # ----------------------------------------------------------- the agent
    def _observe(self, idx: slice | np.ndarray) -> np.ndarray:
        """The 8 observations: rotation.z, rotation.x, ball offset, ball velocity."""
        q = self.rotation[:, idx]
        rows = [q[2:3], q[0:1], self.ball_position[:, idx], self.ball_velocity[:, idx]]
        return np.concatenate(rows, axis=0).T.astype(np.float32)

    def _reset_agents(self, mask: np.ndarray) -> None:
        """``OnEpisodeBegin`` for the agents in ``mask``."""
        cfg = self.config
        ids = np.flatnonzero(mask)
        # Per agent, in Unity's order: tilt-x, tilt-z, ball-x, ball-z.
        draws = self._rng.uniform(-1.0, 1.0, size=(len(ids), 4))
        # Rotate(x, a) then Rotate(z, b) from the identity: with s1, c1 and s2, c2
        # the sines and cosines of a/2 and b/2, q = (s1 c2, -s1 s2, c1 s2, c1 c2).
        half = np.radians(draws[:, :2] * cfg.reset_tilt_degrees) / 2.0
        s1, c1, s2, c2 = (
            np.sin(half[:, 0]),
            np.cos(half[:, 0]),
            np.sin(half[:, 1]),
            np.cos(half[:, 1]),
        )
        self.state[ids, physics.ROTATION] = np.stack(
            [s1 * c2, -s1 * s2, c1 * s2, c1 * c2], axis=1
        )
        self.state[ids, physics.VELOCITY] = 0.0  # Unity keeps the angular velocity
        position = np.zeros((len(ids), 3))
        position[:, 0] = draws[:, 2] * cfg.reset_ball_offset
        position[:, 1] = cfg.reset_ball_height
        position[:, 2] = draws[:, 3] * cfg.reset_ball_offset
        self.state[ids, physics.POSITION] = position
        params = self.side_channel_receiver.parameters
        for i in ids:
            self.ball_mass[i] = params.get_with_default("mass", 1.0)
            self.ball_radius[i] = 0.5 * params.get_with_default("scale", 1.0)
        self._episode_start[ids] = self.academy_steps
        self._oldest_episode_start = int(self._episode_start.min())

    # ----------------------------------------------------------- checks
    def _check_behavior(self, behavior_name: str) -> None:
        if behavior_name != BEHAVIOR_NAME:
            raise UnityActionException(
                f"unknown behavior name {behavior_name!r}; this environment has {BEHAVIOR_NAME!r}"
            )

    def _check_open(self) -> None:
        if self._closed:
            raise UnityEnvironmentException("the 3DBall environment is closed")

    @property
    def environment_parameters(self) -> dict[str, float]:
        """The environment parameters received so far (NaN for samplers)."""
        return dict(self.side_channel_receiver.parameters.received)
