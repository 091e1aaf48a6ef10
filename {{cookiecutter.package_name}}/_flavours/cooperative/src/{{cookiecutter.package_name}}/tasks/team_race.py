"""A relay of teams: the cooperative battery's game for self-play between groups.

Each match pits a team of two racers against another, in behaviors
``TeamRace?team=0`` and ``TeamRace?team=1`` (the ``?team=`` suffix is how
ML-Agents tells teams apart). Each team is a group. Each racer has its own
track [-LENGTH, LENGTH] and goal side (+1 or -1, drawn per match), sees its
goal's side, its own position and its teammate's, and moves one cell back,
stays or moves one cell forward along its goal's side; a racer at its goal
stays there. A team is home once both its racers are: the first team home
earns the group reward +1 and the other -1; both home together is a draw (0),
and so is running out of steps.

With ``self_play:`` ML-Agents' GhostTrainer plays the learning team against
past snapshots of itself and rates it with ELO (stat ``Self-play/ELO``),
SoccerTwos-style: the trainer learns for a group, and the GhostTrainer wraps it.
"""

import itertools

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

LENGTH = 3
TEAMS = (0, 1)
RACERS = 2


class TeamRaceTask(BaseEnv):
    """``n_matches`` simultaneous matches of two teams of two; see the module docstring."""

    def __init__(
        self,
        n_matches: int = 4,
        max_steps: int = 16,
        seed: int = 0,
        name: str = "TeamRace",
    ) -> None:
        self.names = [f"{name}?team={team}" for team in TEAMS]
        self.n_matches = n_matches
        self.max_steps = max_steps
        self.rng = np.random.default_rng(seed)
        shape = (n_matches, len(TEAMS), RACERS)
        self.position = np.zeros(shape, dtype=int)
        self.side = np.ones(shape, dtype=int)
        self.agent_ids = np.zeros(shape, dtype=np.int32)
        self.group_ids = np.zeros((n_matches, len(TEAMS)), dtype=np.int32)
        self.steps = np.zeros(n_matches, dtype=int)
        self.results: list[int] = []  # per finished match: winning team, or -1
        self._ids = itertools.count(1)
        self._actions: dict[int, np.ndarray] = {}
        # Per team: (agent id, group id, observation, group reward, interrupted).
        self._ended: dict[int, list[tuple[int, int, np.ndarray, float, bool]]] = {}

    @property
    def behavior_specs(self) -> BehaviorMapping:
        obs = ObservationSpec(
            (3,), (DimensionProperty.NONE,), ObservationType.DEFAULT, "relay"
        )
        spec = BehaviorSpec([obs], ActionSpec(0, (3,)))
        return BehaviorMapping({name: spec for name in self.names})

    def reset(self) -> None:
        for match in range(self.n_matches):
            self._start(match)
        self._ended = {team: [] for team in TEAMS}

    def step(self) -> None:
        self._ended = {team: [] for team in TEAMS}
        for team in TEAMS:
            choice = self._actions.get(team)
            if choice is None:
                choice = self.rng.integers(3, size=self.n_matches * RACERS)
            moves = (choice.reshape(self.n_matches, RACERS) - 1) * self.side[:, team]
            home = self._home()[:, team]
            self.position[:, team] += np.where(home, 0, moves)
        np.clip(self.position, -LENGTH, LENGTH, out=self.position)
        self._actions = {}
        self.steps += 1
        team_home = self._home().all(axis=2)  # (match, team)
        for match in range(self.n_matches):
            done = team_home[match]
            if done.any() or self.steps[match] >= self.max_steps:
                rewards = np.zeros(len(TEAMS))
                if done.sum() == 1:
                    rewards = np.where(done, 1.0, -1.0)
                    self.results.append(int(done.argmax()))
                else:
                    self.results.append(-1)
                for team in TEAMS:
                    for racer in range(RACERS):
                        self._ended[team].append(
                            (
                                int(self.agent_ids[match, team, racer]),
                                int(self.group_ids[match, team]),
                                self._observe(match, team, racer),
                                float(rewards[team]),
                                not done.any(),
                            )
                        )
                self._start(match)

    def set_actions(self, behavior_name: str, action: ActionTuple) -> None:
        self._actions[self.names.index(behavior_name)] = action.discrete[:, 0]

    def set_action_for_agent(
        self, behavior_name: str, agent_id: int, action: ActionTuple
    ) -> None:
        raise NotImplementedError("the relay takes actions for all agents at once")

    def get_steps(self, behavior_name: str) -> tuple[DecisionSteps, TerminalSteps]:
        team = self.names.index(behavior_name)
        slots = [(m, r) for m in range(self.n_matches) for r in range(RACERS)]
        n = len(slots)
        decisions = DecisionSteps(
            [np.stack([self._observe(m, team, r) for m, r in slots])],
            np.zeros(n, dtype=np.float32),
            np.array([self.agent_ids[m, team, r] for m, r in slots], np.int32),
            None,
            np.array([self.group_ids[m, team] for m, _ in slots], np.int32),
            np.zeros(n, dtype=np.float32),
        )
        ended = self._ended.get(team, [])
        terminals = TerminalSteps(
            [
                (
                    np.stack([e[2] for e in ended])
                    if ended
                    else np.zeros((0, 3), dtype=np.float32)
                )
            ],
            np.zeros(len(ended), dtype=np.float32),
            np.array([e[4] for e in ended], dtype=bool),
            np.array([e[0] for e in ended], dtype=np.int32),
            np.array([e[1] for e in ended], dtype=np.int32),
            np.array([e[3] for e in ended], dtype=np.float32),
        )
        return decisions, terminals

    def close(self) -> None:
        pass

    def _home(self) -> np.ndarray:
        return self.position == LENGTH * self.side

    def _start(self, match: int) -> None:
        self.position[match] = 0
        self.side[match] = self.rng.choice((-1, 1), size=(len(TEAMS), RACERS))
        self.steps[match] = 0
        for team in TEAMS:
            self.group_ids[match, team] = next(self._ids)
            for racer in range(RACERS):
                self.agent_ids[match, team, racer] = next(self._ids)

    def _observe(self, match: int, team: int, racer: int) -> np.ndarray:
        """(goal side, own position, teammate's position), positions scaled to [-1, 1]."""
        mate = 1 - racer
        return np.array(
            [
                self.side[match, team, racer],
                self.position[match, team, racer] / LENGTH,
                self.position[match, team, mate] / LENGTH,
            ],
            dtype=np.float32,
        )
