"""Expedition: a group must get every member to the far end of a long corridor.

Each group of two starts in cell 0 of a corridor of ``length`` + 1 cells.
Each member sees its own cell, one-hot, and steps left or right (a wall
stops it at cell 0). A member that reaches the last cell leaves the episode
there, with no reward of its own; once the last member arrives, the group
earns the group reward +1 and its episode ends. Nothing else pays, and the
episode is cut off after ``max_steps``. A random walk seldom gets one member
that far in time, let alone both, so a trainer that waits for the group
reward sees almost no signal.

Why it is in the battery: an intrinsic reward (curiosity, RND) pushes each
member along the corridor until the group finds its reward. ML-Agents'
``poca`` refuses intrinsic rewards with a warning; this package's trainer
supports them, each signal with its own treatment of episode ends.
"""

import numpy as np
from mlagents_envs.base_env import (
    ActionSpec,
    DimensionProperty,
    ObservationSpec,
    ObservationType,
)

from .groups import GroupTask, Outcome

RIGHT = 1
GROUP_SIZE = 2


class ExpeditionTask(GroupTask):
    """``n_groups`` expeditions side by side; see the module docstring."""

    def __init__(
        self,
        length: int = 16,
        n_groups: int = 4,
        max_steps: int = 32,
        seed: int = 0,
        behavior_name: str = "Expedition",
    ) -> None:
        self.length = length
        self.cell = np.zeros((n_groups, GROUP_SIZE), dtype=int)
        super().__init__(behavior_name, n_groups, max_steps, seed)

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
        return ActionSpec.create_discrete((2,))

    def start_group(self, group: int) -> int:
        self.cell[group] = 0
        return GROUP_SIZE

    def observe(self, group: int, member: int) -> list[np.ndarray]:
        return [np.eye(self.length + 1, dtype=np.float32)[self.cell[group, member]]]

    def play(
        self, group: int, actions: dict[int, tuple[np.ndarray, np.ndarray]]
    ) -> Outcome:
        outcome = Outcome()
        for member, (_, discrete) in actions.items():
            move = 1 if int(discrete[0]) == RIGHT else -1
            self.cell[group, member] = max(self.cell[group, member] + move, 0)
            if self.cell[group, member] == self.length:
                outcome.leaving.append(member)
        if len(outcome.leaving) == len(actions):  # the last ones arrived
            outcome.leaving = []
            outcome.group_reward = 1.0
            outcome.group_done = True
        return outcome
