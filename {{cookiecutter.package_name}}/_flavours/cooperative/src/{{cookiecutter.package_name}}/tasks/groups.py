"""The plumbing every cooperative battery task shares: a ``BaseEnv`` of agent groups.

A task defines one group's game (``start_group``, ``observe``, ``play``);
this class turns ``n_groups`` groups into ML-Agents' low-level API, as a
Unity scene with ``SimpleMultiAgentGroup``s reports them:

* members of a group share a group id (> 0) and receive the group reward
  in ``DecisionSteps.group_reward`` / ``TerminalSteps.group_reward``;
* an agent that leaves early appears once in ``TerminalSteps`` (not
  interrupted) and is gone, while its group plays on;
* when the group's episode ends, every member still in it appears in
  ``TerminalSteps`` in the same step, with the group reward;
* each episode's agents get fresh agent ids and a fresh group id, as
  Unity's episode ids are fresh, and the group's size may change.

It records each group episode's group return and the agent steps taken when
it ended, for the battery's success measure. Nothing here knows about any
trainer.
"""

import abc
import itertools
from dataclasses import dataclass, field

import numpy as np
from mlagents_envs.base_env import (
    ActionSpec,
    ActionTuple,
    BaseEnv,
    BehaviorMapping,
    BehaviorSpec,
    DecisionSteps,
    ObservationSpec,
    TerminalSteps,
)


@dataclass
class Outcome:
    """What one step of a group's game did (member indices are 0..size-1)."""

    rewards: dict[int, float] = field(default_factory=dict)  # individual rewards
    group_reward: float = 0.0
    leaving: list[int] = field(default_factory=list)  # finish before the group
    group_done: bool = False  # the group's episode is over for every member


@dataclass
class Group:
    """One group's current episode: its id, its members' agent ids, its state."""

    group_id: int
    agent_ids: list[int]
    active: list[bool]
    steps: int = 0
    group_return: float = 0.0


class GroupTask(BaseEnv, abc.ABC):
    """``n_groups`` groups, each playing its own episodes of the same cooperative game."""

    # SubprocessEnvManager's workers (--num-envs) read this attribute of a
    # UnityEnvironment; None says "no Unity academy features".
    academy_capabilities = None

    def __init__(
        self, behavior_name: str, n_groups: int, max_steps: int, seed: int
    ) -> None:
        self.behavior_name = behavior_name
        self.n_groups = n_groups
        self.max_steps = max_steps
        self.rng = np.random.default_rng(seed)
        self.episode_returns: list[float] = []  # each group episode's group return
        self.episode_end_steps: list[int] = []  # agent steps taken when each ended
        self.agent_steps = 0
        self._ids = itertools.count(1)
        self.groups: list[Group] = []
        self._pending: dict[int, tuple[float, float]] = {}  # id -> (reward, group)
        self._terminal: list[tuple[int, int, list[np.ndarray], float, float, bool]] = []
        self._actions: ActionTuple | None = None
        self._decision_order: list[tuple[int, int]] = []  # (group, member)

    # The game: one group at a time.
    @property
    @abc.abstractmethod
    def observation_specs(self) -> list[ObservationSpec]: ...

    @property
    @abc.abstractmethod
    def action_spec(self) -> ActionSpec: ...

    @abc.abstractmethod
    def start_group(self, group: int) -> int:
        """Start group ``group``'s next episode; return its size."""

    @abc.abstractmethod
    def observe(self, group: int, member: int) -> list[np.ndarray]: ...

    @abc.abstractmethod
    def play(
        self, group: int, actions: dict[int, tuple[np.ndarray, np.ndarray]]
    ) -> Outcome:
        """Apply the active members' (continuous, discrete) actions for one step."""

    # ML-Agents' BaseEnv.
    @property
    def behavior_specs(self) -> BehaviorMapping:
        spec = BehaviorSpec(self.observation_specs, self.action_spec)
        return BehaviorMapping({self.behavior_name: spec})

    def reset(self) -> None:
        self.groups = [self._new_episode(g) for g in range(self.n_groups)]
        self._terminal = []
        self._pending = {}

    def step(self) -> None:
        self._terminal = []
        actions = self._actions or self.action_spec.random_action(
            len(self._decision_order)
        )
        self._actions = None
        per_group: dict[int, dict[int, tuple[np.ndarray, np.ndarray]]] = {}
        for row, (g, member) in enumerate(self._decision_order):
            per_group.setdefault(g, {})[member] = (
                actions.continuous[row],
                actions.discrete[row],
            )
        for g, group in enumerate(self.groups):
            self._step_group(g, group, per_group.get(g, {}))

    def set_actions(self, behavior_name: str, action: ActionTuple) -> None:
        self._check_behavior(behavior_name)
        self._actions = action

    def set_action_for_agent(
        self, behavior_name: str, agent_id: int, action: ActionTuple
    ) -> None:
        raise NotImplementedError("battery tasks take actions for all agents at once")

    def get_steps(self, behavior_name: str) -> tuple[DecisionSteps, TerminalSteps]:
        self._check_behavior(behavior_name)
        self._decision_order = [
            (g, m)
            for g, group in enumerate(self.groups)
            for m, active in enumerate(group.active)
            if active
        ]
        obs, ids, group_ids, rewards, group_rewards = [], [], [], [], []
        for g, m in self._decision_order:
            group = self.groups[g]
            agent_id = group.agent_ids[m]
            reward, group_reward = self._pending.pop(agent_id, (0.0, 0.0))
            obs.append(self.observe(g, m))
            ids.append(agent_id)
            group_ids.append(group.group_id)
            rewards.append(reward)
            group_rewards.append(group_reward)
        decisions = DecisionSteps(
            _stack(obs, self.observation_specs),
            np.array(rewards, dtype=np.float32),
            np.array(ids, dtype=np.int32),
            None,
            np.array(group_ids, dtype=np.int32),
            np.array(group_rewards, dtype=np.float32),
        )
        ended = self._terminal
        terminals = TerminalSteps(
            _stack([e[2] for e in ended], self.observation_specs),
            np.array([e[3] for e in ended], dtype=np.float32),
            np.array([e[5] for e in ended], dtype=bool),
            np.array([e[0] for e in ended], dtype=np.int32),
            np.array([e[1] for e in ended], dtype=np.int32),
            np.array([e[4] for e in ended], dtype=np.float32),
        )
        return decisions, terminals

    def close(self) -> None:
        pass

    # Helpers.
    def _new_episode(self, g: int) -> Group:
        size = self.start_group(g)
        return Group(
            group_id=next(self._ids),
            agent_ids=[next(self._ids) for _ in range(size)],
            active=[True] * size,
        )

    def _step_group(
        self, g: int, group: Group, actions: dict[int, tuple[np.ndarray, np.ndarray]]
    ) -> None:
        outcome = self.play(g, actions)
        group.steps += 1
        self.agent_steps += len(actions)
        group.group_return += outcome.group_reward
        timed_out = not outcome.group_done and group.steps >= self.max_steps
        for m, active in enumerate(group.active):
            if not active:
                continue
            agent_id = group.agent_ids[m]
            reward = outcome.rewards.get(m, 0.0)
            if m in outcome.leaving:
                # Gone before the group: no share of this step's group reward.
                self._end(g, m, reward, 0.0, interrupted=False)
                group.active[m] = False
            elif outcome.group_done or timed_out:
                self._end(g, m, reward, outcome.group_reward, interrupted=timed_out)
            else:
                self._pending[agent_id] = (reward, outcome.group_reward)
        if outcome.group_done or timed_out or not any(group.active):
            self.episode_returns.append(group.group_return)
            self.episode_end_steps.append(self.agent_steps)
            self.groups[g] = self._new_episode(g)

    def _end(
        self, g: int, m: int, reward: float, group_reward: float, interrupted: bool
    ) -> None:
        group = self.groups[g]
        self._terminal.append(
            (
                group.agent_ids[m],
                group.group_id,
                self.observe(g, m),
                reward,
                group_reward,
                interrupted,
            )
        )

    def _check_behavior(self, behavior_name: str) -> None:
        if behavior_name != self.behavior_name:
            raise KeyError(f"unknown behavior {behavior_name!r}")


def _stack(
    per_agent: list[list[np.ndarray]], specs: list[ObservationSpec]
) -> list[np.ndarray]:
    """Per-agent lists of arrays -> one batched array per observation."""
    if not per_agent:
        return [np.zeros((0, *spec.shape), np.float32) for spec in specs]
    return [np.stack(parts) for parts in zip(*per_agent, strict=True)]
