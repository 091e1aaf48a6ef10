"""Combination lock: a group opens it only if every member turns its own dial right.

Each episode a group of ``size`` agents faces a lock with one dial per
member. Each member sees only its own dial's secret digit (one-hot, of
``DIGITS``) and, for ``max_steps`` steps, sets its dial each step. Every step
on which all dials are right earns the group reward 1 / max_steps (the
episode ends after the last one); nothing
else pays, and no member ever gets a reward of its own. So the group's
return is the share of steps on which the whole lock was open: 1 at best;
acting at random, 1 / DIGITS ** size (1/27 for three members).

Why it is in the battery: it is pure credit assignment. The reward says
only whether the group as a whole got it right, never who got it wrong;
MA-POCA's counterfactual baseline, which holds the other members' actions
fixed, tells each agent what its own dial was worth. A trainer that ignores
group rewards (ML-Agents' ``ppo``) sees no reward at all.
"""

import numpy as np
from mlagents_envs.base_env import (
    ActionSpec,
    DimensionProperty,
    ObservationSpec,
    ObservationType,
)

from .groups import GroupTask, Outcome

DIGITS = 3


class CombinationTask(GroupTask):
    """``n_groups`` locks side by side; see the module docstring."""

    def __init__(
        self,
        size: int = 3,
        n_groups: int = 4,
        max_steps: int = 4,
        seed: int = 0,
        behavior_name: str = "Combination",
    ) -> None:
        self.size = size
        self.secret = np.zeros((n_groups, size), dtype=int)
        self.clock = [0] * n_groups
        super().__init__(behavior_name, n_groups, max_steps, seed)

    @property
    def observation_specs(self) -> list[ObservationSpec]:
        return [
            ObservationSpec(
                (DIGITS,), (DimensionProperty.NONE,), ObservationType.DEFAULT, "dial"
            )
        ]

    @property
    def action_spec(self) -> ActionSpec:
        return ActionSpec.create_discrete((DIGITS,))

    def start_group(self, group: int) -> int:
        self.secret[group] = self.rng.integers(DIGITS, size=self.size)
        self.clock[group] = 0
        return self.size

    def observe(self, group: int, member: int) -> list[np.ndarray]:
        return [np.eye(DIGITS, dtype=np.float32)[self.secret[group, member]]]

    def play(
        self, group: int, actions: dict[int, tuple[np.ndarray, np.ndarray]]
    ) -> Outcome:
        right = all(
            int(discrete[0]) == self.secret[group, member]
            for member, (_, discrete) in actions.items()
        )
        self.clock[group] += 1
        return Outcome(
            group_reward=1.0 / self.max_steps if right else 0.0,
            # The lock's last step ends the episode: a true end, not a cut-off.
            group_done=self.clock[group] == self.max_steps,
        )


def expert(obs: np.ndarray) -> int:
    """Turn the dial to the digit shown."""
    return int(np.argmax(obs))
