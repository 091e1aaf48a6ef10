"""Unity-free tooling for the trainer: a 3DBall simulator and two commands that use it.

Nothing in the trainer (``trainer.py``, ``optimizer.py``, ``settings.py``)
imports this package; it is here to try the trainer without a Unity build, and
can be deleted (or left out when rendering the template) without touching it.

* ``ball3d.py``, ``physics.py``, ``scene.py``: ML-Agents' 3DBall example as a
  pure-Python ``BaseEnv``; ``side_channels.py`` receives the trainer's side
  channels (environment parameters, engine configuration).
* ``train.py``: ``{{ cookiecutter.distribution_name }}-train``, ``mlagents-learn`` with a simulator
  in place of the Unity build, in-process.
* ``player.py``: ``{{ cookiecutter.distribution_name }}-player``, a stand-in Unity build that the real
  ``mlagents-learn --env`` launches; ``liveness.py`` lets it exit with its trainer.
* ``mlagents_internals.py``: the one place that reaches inside ML-Agents.

Add your own ``BaseEnv`` to ``ENVIRONMENTS`` to train on it with the train
command or serve it with the player. The battery's tasks that make sense as
scenes (``tasks/scenes.py``) are there too.
"""

from collections.abc import Callable

from mlagents_envs.base_env import BaseEnv

from ..tasks.scenes import SCENES
from .ball3d import Ball3DEnv

# Name -> factory(seed, num_areas, side_channels). The first entry is the default.
ENVIRONMENTS: dict[str, Callable[..., BaseEnv]] = {"3DBall": Ball3DEnv, **SCENES}

__all__ = ["Ball3DEnv", "ENVIRONMENTS"]
