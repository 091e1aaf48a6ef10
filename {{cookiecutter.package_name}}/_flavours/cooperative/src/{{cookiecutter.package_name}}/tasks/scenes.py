"""The cooperative tasks offered as scenes to the train command and the stand-in player.

Each entry is a factory ``(seed, num_areas, side_channels) -> BaseEnv``, as
``simulator.ENVIRONMENTS`` expects (``--num-areas`` asks for that many copies
of the scene's groups). ``<dist>-train config/<trainer_type>_Escape.yaml --env
escape`` trains on the escape task, for example; a config's behavior name must
be the task's. ``BENCHMARKED`` lists the scenes ``<dist>-benchmark`` offers
as tasks beside the battery's, measured by the group's return. Add your own
``BaseEnv`` here to train on it without Unity.
"""

from collections.abc import Callable
from typing import Any

from mlagents_envs.base_env import BaseEnv
from mlagents_envs.side_channel.side_channel import SideChannel

from .battery_config import INTRINSIC
from .combination import CombinationTask
from .escape import EscapeTask
from .expedition import ExpeditionTask

GROUPS_PER_AREA = 4


def escape(
    seed: int, num_areas: int = 1, side_channels: list[SideChannel] | None = None
) -> BaseEnv:
    """Behavior ``Escape``: a key holder leaves so that its group gets out."""
    return EscapeTask(n_groups=GROUPS_PER_AREA * num_areas, seed=seed)


def combination(
    seed: int, num_areas: int = 1, side_channels: list[SideChannel] | None = None
) -> BaseEnv:
    """Behavior ``Combination``: a reward only for the whole group's success."""
    return CombinationTask(n_groups=GROUPS_PER_AREA * num_areas, seed=seed)


def expedition(
    seed: int, num_areas: int = 1, side_channels: list[SideChannel] | None = None
) -> BaseEnv:
    """Behavior ``Expedition``: a sparse group reward; use curiosity or RND."""
    return ExpeditionTask(n_groups=GROUPS_PER_AREA * num_areas, seed=seed)


SCENES: dict[str, Callable[..., BaseEnv]] = {
    "escape": escape,
    "combination": combination,
    "expedition": expedition,
}

# Scene -> (behavior name, what it measures, overrides of its battery settings).
BENCHMARKED: dict[str, tuple[str, str, dict[str, Any]]] = {
    "escape": ("Escape", "groups whose key holder leaves early so the rest escape", {}),
    "combination": ("Combination", "credit assignment: a reward for joint success", {}),
    "expedition": (
        "Expedition",
        "a sparse group reward, found with curiosity",
        {
            "reward_signals": {
                "extrinsic": {"gamma": 0.99, "strength": 1.0},
                "curiosity": INTRINSIC["curiosity"],
            }
        },
    ),
}
