"""Battery tasks offered as scenes to the train command and the stand-in player.

Each entry is a factory ``(seed, num_areas, side_channels) -> BaseEnv``, as
``simulator.ENVIRONMENTS`` expects (``--num-areas`` asks for that many copies
of the scene's agents). ``<dist>-train <config> --env <name>`` then trains on
it, with a config whose behavior name is the task's. ``BENCHMARKED`` lists
the scenes ``<dist>-benchmark`` offers as tasks beside the battery's. This
flavour offers none; add your own ``BaseEnv`` here to train on it without Unity.
"""

from collections.abc import Callable
from typing import Any

from mlagents_envs.base_env import BaseEnv

SCENES: dict[str, Callable[..., BaseEnv]] = {}
# Scene -> (behavior name, what it measures, overrides of its battery settings).
BENCHMARKED: dict[str, tuple[str, str, dict[str, Any]]] = {}
