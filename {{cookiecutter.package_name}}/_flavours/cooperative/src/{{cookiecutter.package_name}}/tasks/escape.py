"""Escape: one agent must give itself up so that its group gets out (Dungeon Escape, small).

Each episode a group of 2 or 3 agents (the size is drawn per episode) stands
before a closed gate. One member, drawn at random, holds the key. The group
spends its first step walking up to the gate (every action waits). From then
on, each step every member still in play chooses to wait, open or exit:

* ``open`` by the key holder, gate closed: the gate opens and the key holder
  leaves the episode at once, paying ``OPEN_COST`` (its own reward). It
  never shares the group reward that follows: it finished before its group.
* ``exit`` with the gate open (at the start of the step): the member waits
  at the exit. Once every member still in play waits there, the group earns
  the group reward +1 and its episode ends.
* ``exit`` with the gate closed: the guards catch the group; its episode ends
  with no group reward.
* anything else waits; the episode is cut off after ``max_steps``.

A member sees (holds the key, gate open, waits at the exit, time left). The
group's return is its group reward: 1 for an escape, 0 otherwise. Acting at
random, a group escapes in under a fifth of its episodes.

Why the walk: ML-Agents' ``AgentProcessor`` reads an agent's groupmates from
their previous step. An agent that left at its group's very first step would
find no groupmates yet, and both ``poca`` and this package's trainer would
take its group for ended (no bootstrap, no group reward in
``Environment/Group Cumulative Reward``). The walk keeps the task clear of that.

Why it is in the battery: the key holder's only reward for opening is the
group's, earned after it left, and its own reward for opening is negative.
A trainer that ignores group rewards (ML-Agents' ``ppo``) learns that opening
costs and never opens; MA-POCA's key holder bootstraps from the value of the
group it left and learns to open.
"""

import numpy as np
from mlagents_envs.base_env import (
    ActionSpec,
    DimensionProperty,
    ObservationSpec,
    ObservationType,
)

from .groups import GroupTask, Outcome

WAIT, OPEN, EXIT = 0, 1, 2
OPEN_COST = -0.1
ESCAPE_REWARD = 1.0
SIZES = (2, 3)


class EscapeTask(GroupTask):
    """``n_groups`` groups escaping side by side; see the module docstring."""

    def __init__(
        self,
        n_groups: int = 4,
        max_steps: int = 6,
        seed: int = 0,
        behavior_name: str = "Escape",
    ) -> None:
        self.key_holder: list[int] = [0] * n_groups
        self.gate_open = [False] * n_groups
        self.at_exit: list[set[int]] = [set() for _ in range(n_groups)]
        self.clock = [0] * n_groups
        super().__init__(behavior_name, n_groups, max_steps, seed)

    @property
    def observation_specs(self) -> list[ObservationSpec]:
        return [
            ObservationSpec(
                (4,), (DimensionProperty.NONE,), ObservationType.DEFAULT, "escape"
            )
        ]

    @property
    def action_spec(self) -> ActionSpec:
        return ActionSpec.create_discrete((3,))

    def start_group(self, group: int) -> int:
        size = int(self.rng.choice(SIZES))
        self.key_holder[group] = int(self.rng.integers(size))
        self.gate_open[group] = False
        self.at_exit[group] = set()
        self.clock[group] = 0
        return size

    def observe(self, group: int, member: int) -> list[np.ndarray]:
        time_left = 1.0 - self.clock[group] / self.max_steps
        return [
            np.array(
                [
                    member == self.key_holder[group],
                    self.gate_open[group],
                    member in self.at_exit[group],
                    time_left,
                ],
                dtype=np.float32,
            )
        ]

    def play(
        self, group: int, actions: dict[int, tuple[np.ndarray, np.ndarray]]
    ) -> Outcome:
        self.clock[group] += 1
        was_open = self.gate_open[group]
        outcome = Outcome()
        if self.clock[group] == 1:
            return outcome  # walking up to the gate
        for member, (_, discrete) in actions.items():
            choice = int(discrete[0])
            if member in self.at_exit[group]:
                continue
            if choice == EXIT:
                if not was_open:
                    outcome.group_done = True  # caught at the closed gate
                    return outcome
                self.at_exit[group].add(member)
            elif choice == OPEN and member == self.key_holder[group] and not was_open:
                self.gate_open[group] = True
                outcome.leaving.append(member)
                outcome.rewards[member] = OPEN_COST
        staying = set(actions) - set(outcome.leaving)
        if self.gate_open[group] and staying and staying <= self.at_exit[group]:
            outcome.group_reward = ESCAPE_REWARD
            outcome.group_done = True
        return outcome


def expert(obs: np.ndarray) -> int:
    """The escape plan: the key holder opens, the others exit once it is open."""
    holds_key, gate_open, _, _ = obs
    if gate_open:
        return EXIT
    return OPEN if holds_key else WAIT
