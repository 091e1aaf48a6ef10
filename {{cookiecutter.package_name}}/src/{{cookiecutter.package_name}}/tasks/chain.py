"""A long corridor with one reward at its far end: the battery's exploration task.

Each agent starts in cell 0 of a corridor of ``length`` + 1 cells and sees its
cell, one-hot. It steps left or right (a wall stops it at cell 0). Reaching
the last cell pays +1 and ends the episode; nothing else pays anything, and
an episode is cut off after ``max_steps``. A random walk seldom gets that far
in time, so a trainer that waits for the extrinsic reward sees almost no
signal. An intrinsic reward for new states (curiosity, RND) pushes it along
the corridor until it finds the goal.
"""

import numpy as np
from mlagents_envs.base_env import (
    ActionSpec,
    ActionTuple,
    DimensionProperty,
    ObservationSpec,
    ObservationType,
)

from .base import AgentTask


class ChainTask(AgentTask):
    """Walk to the far end of a corridor; see the module docstring."""

    def __init__(
        self,
        length: int = 12,
        n_agents: int = 4,
        max_steps: int = 24,
        seed: int = 0,
        behavior_name: str = "Chain",
    ) -> None:
        super().__init__(behavior_name, n_agents, max_steps, seed)
        self.length = length
        self.cell = np.zeros(n_agents, dtype=int)

    @property
    def observation_specs(self) -> list[ObservationSpec]:
        return [
            ObservationSpec(
                (self.length + 1,),
                (DimensionProperty.NONE,),
                ObservationType.DEFAULT,
                "cell",
            )
        ]

    @property
    def action_spec(self) -> ActionSpec:
        return ActionSpec(0, (2,))

    def reset_agent(self, agent: int) -> None:
        self.cell[agent] = 0

    def observe(self, agent: int) -> list[np.ndarray]:
        one_hot = np.zeros(self.length + 1, dtype=np.float32)
        one_hot[self.cell[agent]] = 1.0
        return [one_hot]

    def act(
        self, agent: int, continuous: np.ndarray, discrete: np.ndarray
    ) -> tuple[float, bool]:
        move = 1 if discrete[0] == 1 else -1
        self.cell[agent] = max(self.cell[agent] + move, 0)
        if self.cell[agent] == self.length:
            return 1.0, True
        return 0.0, False


def expert(task: ChainTask, agent: int) -> ActionTuple:
    """The scripted expert for demonstrations: always step right."""
    return ActionTuple(discrete=np.ones((1, 1), dtype=np.int32))
