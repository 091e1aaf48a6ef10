"""The plumbing every battery task shares: a ``BaseEnv`` of independent agents.

A task defines one agent's game (``reset_agent``, ``observe``, ``act``); this
class turns it into ML-Agents' low-level API for many agents at once: decision
steps, terminal steps (an agent that ends appears in both, with the same id, as
in Unity), action masks, and a record of every finished episode's return.
Nothing here knows about any trainer.
"""

import abc
from collections.abc import Sequence

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


class MaskedActionError(RuntimeError):
    """A trainer chose an action that the task had masked."""


class AgentTask(BaseEnv, abc.ABC):
    """``n_agents`` agents, each playing its own episodes of the same game."""

    # SubprocessEnvManager's workers (--num-envs) read this attribute of a
    # UnityEnvironment; None says "no Unity academy features".
    academy_capabilities = None

    def __init__(
        self, behavior_name: str, n_agents: int, max_steps: int, seed: int
    ) -> None:
        self.behavior_name = behavior_name
        self.n_agents = n_agents
        self.max_steps = max_steps
        self.rng = np.random.default_rng(seed)
        self.episode_returns: list[float] = []
        self.episode_end_steps: list[int] = []  # agent steps taken when each ended
        self.agent_steps = 0
        self._returns = np.zeros(n_agents)
        self._steps = np.zeros(n_agents, dtype=int)
        self._rewards = np.zeros(n_agents, dtype=np.float32)
        self._terminal: list[tuple[int, list[np.ndarray], float, bool]] = []
        self._actions: ActionTuple | None = None

    # The game: one agent at a time.
    @property
    @abc.abstractmethod
    def observation_specs(self) -> list[ObservationSpec]: ...

    @property
    @abc.abstractmethod
    def action_spec(self) -> ActionSpec: ...

    @abc.abstractmethod
    def reset_agent(self, agent: int) -> None: ...

    @abc.abstractmethod
    def observe(self, agent: int) -> list[np.ndarray]: ...

    @abc.abstractmethod
    def act(
        self, agent: int, continuous: np.ndarray, discrete: np.ndarray
    ) -> tuple[float, bool]:
        """Apply one action; return (reward, episode ended)."""

    def action_mask(self, agent: int) -> list[np.ndarray] | None:
        """One boolean array per branch, True where an action is *forbidden*."""
        return None

    # ML-Agents' BaseEnv.
    @property
    def behavior_specs(self) -> BehaviorMapping:
        spec = BehaviorSpec(self.observation_specs, self.action_spec)
        return BehaviorMapping({self.behavior_name: spec})

    def reset(self) -> None:
        for agent in range(self.n_agents):
            self._start_episode(agent)
        self._terminal = []

    def step(self) -> None:
        actions = self._actions or self.action_spec.random_action(self.n_agents)
        self._actions = None
        self._terminal = []
        spec = self.action_spec
        no_continuous = np.zeros(0, dtype=np.float32)
        no_discrete = np.zeros(0, dtype=np.int32)
        for agent in range(self.n_agents):
            continuous = (
                actions.continuous[agent] if spec.continuous_size else no_continuous
            )
            discrete = actions.discrete[agent] if spec.discrete_size else no_discrete
            self._check_mask(agent, discrete)
            reward, done = self.act(agent, continuous, discrete)
            self._steps[agent] += 1
            self.agent_steps += 1
            self._returns[agent] += reward
            interrupted = not done and self._steps[agent] >= self.max_steps
            if done or interrupted:
                self._terminal.append((agent, self.observe(agent), reward, interrupted))
                self.episode_returns.append(float(self._returns[agent]))
                self.episode_end_steps.append(self.agent_steps)
                self._start_episode(agent)
            else:
                self._rewards[agent] = reward

    def set_actions(self, behavior_name: str, action: ActionTuple) -> None:
        self._check_behavior(behavior_name)
        self._actions = action

    def set_action_for_agent(
        self, behavior_name: str, agent_id: int, action: ActionTuple
    ) -> None:
        raise NotImplementedError("battery tasks take actions for all agents at once")

    def get_steps(self, behavior_name: str) -> tuple[DecisionSteps, TerminalSteps]:
        self._check_behavior(behavior_name)
        agents = range(self.n_agents)
        decision_obs = _stack([self.observe(a) for a in agents])
        masks = [self.action_mask(a) for a in agents]
        branch_masks = None if masks[0] is None else _stack(masks)  # type: ignore[arg-type]
        decisions = decision_steps(
            decision_obs,
            self._rewards.copy(),
            np.arange(self.n_agents, dtype=np.int32),
            branch_masks,
        )
        ended = self._terminal
        terminal_obs = (
            _stack([obs for _, obs, _, _ in ended])
            if ended
            else [np.zeros((0, *s.shape), np.float32) for s in self.observation_specs]
        )
        terminals = terminal_steps(
            terminal_obs,
            np.array([r for _, _, r, _ in ended], dtype=np.float32),
            np.array([i for _, _, _, i in ended], dtype=bool),
            np.array([a for a, _, _, _ in ended], dtype=np.int32),
        )
        return decisions, terminals

    def close(self) -> None:
        pass

    # Helpers.
    def _start_episode(self, agent: int) -> None:
        self._returns[agent] = 0.0
        self._steps[agent] = 0
        self._rewards[agent] = 0.0
        self.reset_agent(agent)

    def _check_mask(self, agent: int, discrete: np.ndarray) -> None:
        mask = self.action_mask(agent)
        if mask is None:
            return
        for branch, (choice, forbidden) in enumerate(zip(discrete, mask, strict=True)):
            if forbidden[int(choice)]:
                raise MaskedActionError(
                    f"agent {agent} chose masked action {choice} in branch {branch}"
                )

    def _check_behavior(self, behavior_name: str) -> None:
        if behavior_name != self.behavior_name:
            raise KeyError(f"unknown behavior {behavior_name!r}")


class SeveralBehaviors(BaseEnv):
    """Several tasks side by side in one environment, one behavior each."""

    def __init__(self, tasks: Sequence[BaseEnv]) -> None:
        self.tasks = {name: task for task in tasks for name in task.behavior_specs}

    @property
    def behavior_specs(self) -> BehaviorMapping:
        specs = {}
        for task in self._unique_tasks():
            specs.update(dict(task.behavior_specs.items()))
        return BehaviorMapping(specs)

    def reset(self) -> None:
        for task in self._unique_tasks():
            task.reset()

    def step(self) -> None:
        for task in self._unique_tasks():
            task.step()

    def set_actions(self, behavior_name: str, action: ActionTuple) -> None:
        self.tasks[behavior_name].set_actions(behavior_name, action)

    def set_action_for_agent(
        self, behavior_name: str, agent_id: int, action: ActionTuple
    ) -> None:
        self.tasks[behavior_name].set_action_for_agent(behavior_name, agent_id, action)

    def get_steps(self, behavior_name: str) -> tuple[DecisionSteps, TerminalSteps]:
        return self.tasks[behavior_name].get_steps(behavior_name)

    def close(self) -> None:
        for task in self._unique_tasks():
            task.close()

    def _unique_tasks(self) -> list[BaseEnv]:
        return list({id(task): task for task in self.tasks.values()}.values())


def decision_steps(
    obs: list[np.ndarray],
    rewards: np.ndarray,
    agent_ids: np.ndarray,
    action_mask: list[np.ndarray] | None,
) -> DecisionSteps:
    """ML-Agents' ``DecisionSteps`` for agents outside any group (no group reward)."""
    n = len(agent_ids)
    no_group = np.zeros(n, dtype=np.int32)
    return DecisionSteps(
        obs, rewards, agent_ids, action_mask, no_group, np.zeros(n, np.float32)
    )


def terminal_steps(
    obs: list[np.ndarray],
    rewards: np.ndarray,
    interrupted: np.ndarray,
    agent_ids: np.ndarray,
) -> TerminalSteps:
    """ML-Agents' ``TerminalSteps`` for agents outside any group (no group reward)."""
    n = len(agent_ids)
    no_group = np.zeros(n, dtype=np.int32)
    return TerminalSteps(
        obs, rewards, interrupted, agent_ids, no_group, np.zeros(n, np.float32)
    )


def _stack(per_agent: list[list[np.ndarray]]) -> list[np.ndarray]:
    """Per-agent lists of arrays -> one batched array per observation."""
    return [np.stack(parts) for parts in zip(*per_agent, strict=True)]
