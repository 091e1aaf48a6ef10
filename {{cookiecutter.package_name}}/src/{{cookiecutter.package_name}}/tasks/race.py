"""A race for two teams: the battery's symmetric game for self-play.

Each match pits one agent of team 0 against one of team 1, in behaviors
``Race?team=0`` and ``Race?team=1`` (the ``?team=`` suffix is how ML-Agents
tells teams apart). Each racer starts at 0 on its own track [-LENGTH, LENGTH]
and sees its goal's side (+1 or -1, drawn per match and per racer), its own
position and its opponent's. It moves one cell back, stays or moves one cell
forward along its goal's side. The first to reach its goal wins +1 and the
other gets -1; reaching them together is a draw (0 for both), and so is
running out of steps.

Nothing but the opponent makes the game competitive, which is the point: with
``self_play:`` ML-Agents' GhostTrainer plays the learning team against past
snapshots of itself and rates it with ELO (stat ``Self-play/ELO``). A trainer
that learns to race beats its older snapshots, so its ELO climbs.
"""

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

from .base import decision_steps, terminal_steps

LENGTH = 4
TEAMS = (0, 1)


class RaceTask(BaseEnv):
    """``n_matches`` simultaneous two-racer matches; see the module docstring."""

    def __init__(
        self, n_matches: int = 4, max_steps: int = 20, seed: int = 0, name: str = "Race"
    ) -> None:
        self.names = [f"{name}?team={team}" for team in TEAMS]
        self.n_matches = n_matches
        self.max_steps = max_steps
        self.rng = np.random.default_rng(seed)
        self.position = np.zeros((len(TEAMS), n_matches), dtype=int)
        self.side = np.ones((len(TEAMS), n_matches), dtype=int)
        self.steps = np.zeros(n_matches, dtype=int)
        self.results: list[int] = []  # per finished match: winning team, or -1
        self._actions: dict[int, np.ndarray] = {}
        # Per match that just ended: (match, rewards, interrupted, observations).
        self._ended: list[tuple[int, np.ndarray, bool, list[np.ndarray]]] = []

    @property
    def behavior_specs(self) -> BehaviorMapping:
        obs = ObservationSpec(
            (3,), (DimensionProperty.NONE,), ObservationType.DEFAULT, "race"
        )
        spec = BehaviorSpec([obs], ActionSpec(0, (3,)))
        return BehaviorMapping({name: spec for name in self.names})

    def reset(self) -> None:
        for match in range(self.n_matches):
            self._start(match)
        self._ended = []

    def step(self) -> None:
        self._ended = []
        for team in TEAMS:
            choice = self._actions.get(team)
            if choice is None:
                choice = self.rng.integers(3, size=self.n_matches)
            self.position[team] += (choice - 1) * self.side[team]
        np.clip(self.position, -LENGTH, LENGTH, out=self.position)
        self._actions = {}
        self.steps += 1
        for match in range(self.n_matches):
            arrived = self.position[:, match] == LENGTH * self.side[:, match]
            if arrived.any() or self.steps[match] >= self.max_steps:
                rewards = np.zeros(len(TEAMS), dtype=np.float32)
                if arrived.sum() == 1:
                    rewards[:] = np.where(arrived, 1.0, -1.0)
                    self.results.append(int(arrived.argmax()))
                else:
                    self.results.append(-1)
                interrupted = not arrived.any()
                final = [self._observe(team, np.array([match]))[0] for team in TEAMS]
                self._ended.append((match, rewards, interrupted, final))
                self._start(match)

    def set_actions(self, behavior_name: str, action: ActionTuple) -> None:
        self._actions[self.names.index(behavior_name)] = action.discrete[:, 0]

    def set_action_for_agent(
        self, behavior_name: str, agent_id: int, action: ActionTuple
    ) -> None:
        raise NotImplementedError("the race takes actions for all agents at once")

    def get_steps(self, behavior_name: str) -> tuple[DecisionSteps, TerminalSteps]:
        team = self.names.index(behavior_name)
        ids = np.arange(self.n_matches, dtype=np.int32)
        decisions = decision_steps(
            [self._observe(team, ids)],
            np.zeros(self.n_matches, dtype=np.float32),
            ids,
            None,
        )
        ended = np.array([m for m, _, _, _ in self._ended], dtype=np.int32)
        final = [obs[team] for _, _, _, obs in self._ended]
        terminals = terminal_steps(
            [np.stack(final) if final else np.zeros((0, 3), dtype=np.float32)],
            np.array([r[team] for _, r, _, _ in self._ended], dtype=np.float32),
            np.array([i for _, _, i, _ in self._ended], dtype=bool),
            ended,
        )
        return decisions, terminals

    def close(self) -> None:
        pass

    def _start(self, match: int) -> None:
        self.position[:, match] = 0
        self.side[:, match] = self.rng.choice((-1, 1), size=len(TEAMS))
        self.steps[match] = 0

    def _observe(self, team: int, matches: np.ndarray) -> np.ndarray:
        """(goal side, own position, opponent's position), positions scaled to [-1, 1]."""
        other = 1 - team
        return np.stack(
            [
                self.side[team, matches].astype(np.float32),
                self.position[team, matches] / LENGTH,
                self.position[other, matches] / LENGTH,
            ],
            axis=1,
        ).astype(np.float32)
