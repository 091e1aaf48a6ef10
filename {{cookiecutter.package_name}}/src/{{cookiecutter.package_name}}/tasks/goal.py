"""Reach the goal: the battery's main task, in 1-D or 2-D, sensed in several ways.

Each agent starts at the origin of the box [-1, 1]^dims. Its goal is one corner
(2-D) or one end (1-D), drawn at random each episode. Reaching any corner
(every coordinate within ``RADIUS``) ends the episode: the goal pays +1,
another corner -0.1. Every step costs 0.01, and an episode is cut off after
``max_steps``. (A wrong corner costs less than a timeout on purpose: were it
the other way round, stopping short of a corner would be a trap that a policy
can learn.) The best return is 0.99, in two steps; a policy that ignores the
goal scores below 0.5, so a mean return above 0.9 means the trainer learned
the task.

Actions move the agent by up to ``STEP`` per coordinate:

* ``continuous``: one action in [-1, 1] per coordinate;
* ``discrete``: one branch per coordinate, (back, stay, forward); a move that
  would leave the box is masked, and taking a masked action is an error;
* ``hybrid`` (2-D only): x continuous, y discrete.

The goal is sensed through one of:

* ``vector``: position and goal in one vector;
* ``visual``: position in a vector, goal as a picture (its side lit) of
  ``resolution`` pixels per side, for each visual encoder;
* ``goal_signal``: position in a vector, goal as a GOAL_SIGNAL observation
  (``goal_conditioning_type``);
* ``entities``: position in a vector, goal as the majority vote of 1, 3 or 5
  entities of a variable-length (buffer-sensor) observation;
* ``first_step_only``: the goal at the first step, zeros afterwards, and no
  position. After the first step every observation is the same whatever the
  goal, so a policy without memory acts alike for both goals and reaches the
  goal at most half the time (mean return below 0.5). This task needs
  ``memory``.
"""

from itertools import product

import numpy as np
from mlagents_envs.base_env import (
    ActionSpec,
    ActionTuple,
    DimensionProperty,
    ObservationSpec,
    ObservationType,
)

from .base import AgentTask

STEP = 0.5
RADIUS = 0.25
STEP_COST = 0.01
GOAL_REWARD = 1.0
WRONG_CORNER_REWARD = -0.1
ACTIONS = ("continuous", "discrete", "hybrid")
SENSES = ("vector", "visual", "goal_signal", "entities", "first_step_only")
MAX_ENTITIES = 5

_VECTOR = (DimensionProperty.NONE,)
_VISUAL = (
    DimensionProperty.NONE,
    DimensionProperty.TRANSLATIONAL_EQUIVARIANCE,
    DimensionProperty.TRANSLATIONAL_EQUIVARIANCE,
)
_ENTITIES = (DimensionProperty.VARIABLE_SIZE, DimensionProperty.NONE)


class GoalTask(AgentTask):
    """Move to the goal corner; see the module docstring for the variants."""

    def __init__(
        self,
        dims: int = 1,
        actions: str = "continuous",
        sense: str = "vector",
        resolution: int = 20,
        n_agents: int = 4,
        max_steps: int = 20,
        seed: int = 0,
        behavior_name: str = "Goal",
    ) -> None:
        if dims not in (1, 2):
            raise ValueError(f"dims must be 1 or 2, not {dims}")
        if actions not in ACTIONS or (actions == "hybrid" and dims != 2):
            raise ValueError(f"actions must be one of {ACTIONS} (hybrid: 2-D only)")
        if sense not in SENSES:
            raise ValueError(f"sense must be one of {SENSES}, not {sense!r}")
        super().__init__(behavior_name, n_agents, max_steps, seed)
        self.dims, self.actions, self.sense = dims, actions, sense
        self.resolution = resolution
        self.corners = np.array(list(product((-1.0, 1.0), repeat=dims)))
        self.position = np.zeros((n_agents, dims))
        self.goal = np.zeros((n_agents, dims))
        self.votes = np.zeros((n_agents, MAX_ENTITIES, 2), dtype=np.float32)

    @property
    def observation_specs(self) -> list[ObservationSpec]:
        d = self.dims
        if self.sense == "vector":
            return [_spec((2 * d,), _VECTOR)]
        if self.sense == "first_step_only":
            return [_spec((d,), _VECTOR)]
        position = _spec((d,), _VECTOR, "position")
        if self.sense == "visual":
            side = self.resolution
            return [position, _spec((1, side, side), _VISUAL, "goal picture")]
        if self.sense == "goal_signal":
            goal = ObservationSpec((d,), _VECTOR, ObservationType.GOAL_SIGNAL, "goal")
            return [position, goal]
        return [position, _spec((MAX_ENTITIES, 2), _ENTITIES, "votes")]

    @property
    def action_spec(self) -> ActionSpec:
        if self.actions == "continuous":
            return ActionSpec(self.dims, ())
        if self.actions == "discrete":
            return ActionSpec(0, (3,) * self.dims)
        return ActionSpec(1, (3,))

    def reset_agent(self, agent: int) -> None:
        self.position[agent] = 0.0
        self.goal[agent] = self.corners[self.rng.integers(len(self.corners))]
        if self.sense == "entities":
            n = self.rng.choice((1, 3, 5))
            # Votes agree with the goal's sign in x by a strict majority.
            agreeing = self.rng.integers(n // 2 + 1, n + 1)
            signs = np.array([1.0] * agreeing + [-1.0] * (n - agreeing))
            self.rng.shuffle(signs)
            self.votes[agent] = 0.0
            self.votes[agent, :n, 0] = signs * self.goal[agent, 0]
            self.votes[agent, :n, 1] = 1.0

    def observe(self, agent: int) -> list[np.ndarray]:
        position = self.position[agent].astype(np.float32)
        goal = self.goal[agent].astype(np.float32)
        if self.sense == "vector":
            return [np.concatenate([position, goal])]
        if self.sense == "first_step_only":
            return [goal if self._steps[agent] == 0 else np.zeros_like(goal)]
        if self.sense == "visual":
            return [position, self._picture(goal)]
        if self.sense == "goal_signal":
            return [position, goal]
        return [position, self.votes[agent].copy()]

    def action_mask(self, agent: int) -> list[np.ndarray] | None:
        if self.actions == "continuous":
            return None
        discrete_axes = range(self.dims) if self.actions == "discrete" else [1]
        masks = []
        for axis in discrete_axes:
            p = self.position[agent, axis]
            masks.append(np.array([p <= -1.0, False, p >= 1.0]))
        return masks

    def act(
        self, agent: int, continuous: np.ndarray, discrete: np.ndarray
    ) -> tuple[float, bool]:
        if self.actions == "continuous":
            move = np.clip(continuous, -1.0, 1.0)
        elif self.actions == "discrete":
            move = discrete.astype(float) - 1.0
        else:
            move = np.array([np.clip(continuous[0], -1.0, 1.0), discrete[0] - 1.0])
        self.position[agent] = np.clip(self.position[agent] + STEP * move, -1.0, 1.0)
        reached = np.all(np.abs(self.corners - self.position[agent]) < RADIUS, axis=1)
        if not reached.any():
            return -STEP_COST, False
        at_goal = np.array_equal(self.corners[reached.argmax()], self.goal[agent])
        return (GOAL_REWARD if at_goal else WRONG_CORNER_REWARD), True

    def _picture(self, goal: np.ndarray) -> np.ndarray:
        """A square picture whose left or right half is lit, by the goal's x."""
        side = self.resolution
        picture = np.zeros((1, side, side), dtype=np.float32)
        if goal[0] < 0:
            picture[:, :, : side // 2] = 1.0
        else:
            picture[:, :, side - side // 2 :] = 1.0
        if self.dims == 2:  # dim the picture's top or bottom half by the goal's y
            rows = slice(0, side // 2) if goal[1] < 0 else slice(side // 2, side)
            picture[:, rows, :] *= 0.5
        return picture


def expert(task: GoalTask, agent: int) -> ActionTuple:
    """The scripted expert for demonstrations: full speed towards the goal."""
    toward = np.sign(task.goal[agent] - task.position[agent])  # -1, 0 or +1 per axis
    step = (toward + 1).astype(np.int32)  # branch index: back, stay, forward
    if task.actions == "continuous":
        return ActionTuple(continuous=toward[None].astype(np.float32))
    if task.actions == "discrete":
        return ActionTuple(discrete=step[None])
    return ActionTuple(
        continuous=toward[None, :1].astype(np.float32), discrete=step[None, 1:]
    )


def _spec(
    shape: tuple[int, ...], props: tuple[DimensionProperty, ...], name: str = "state"
) -> ObservationSpec:
    return ObservationSpec(shape, props, ObservationType.DEFAULT, name)
