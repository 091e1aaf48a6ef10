"""Unity-free environments bundled with this trainer package.

``Ball3DEnv`` is a pure-Python re-implementation of ML-Agents' 3DBall example
(``ball3d.py``, with its physics in ``physics.py``) that speaks ML-Agents'
``BaseEnv`` API. Add your own ``BaseEnv`` here and register it
in ``ENVIRONMENTS`` to train on it with the ``train`` command or serve it with
the stand-in player.
"""

from collections.abc import Callable

from mlagents_envs.base_env import BaseEnv

from .ball3d import Ball3DEnv

# Name -> factory(seed, num_areas, side_channels). The first entry is the default.
ENVIRONMENTS: dict[str, Callable[..., BaseEnv]] = {"3DBall": Ball3DEnv}

__all__ = ["Ball3DEnv", "ENVIRONMENTS"]
