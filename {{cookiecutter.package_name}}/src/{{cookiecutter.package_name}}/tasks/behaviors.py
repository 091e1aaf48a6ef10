"""Behavior settings for a battery task: this flavour's defaults, with overrides.

The battery tests and the benchmark both build their ML-Agents behavior
settings here, from ``battery_config.py`` (the flavour's hyperparameters and
each task's step budget), so a task is trained the same way by both.
"""

import copy
from typing import Any

from .battery_config import SETTINGS, STEPS


def battery_behavior(task: str, **overrides: Any) -> dict[str, Any]:
    """This flavour's battery settings for ``task``, with its step budget.

    ``hyperparameters`` and ``network_settings`` overrides are merged into the
    defaults; any other key (``reward_signals`` included) replaces its default.
    """
    settings = copy.deepcopy(SETTINGS)
    settings["max_steps"] = STEPS[task]
    for key, value in overrides.items():
        if key in ("hyperparameters", "network_settings"):
            settings[key] = {**settings[key], **value}
        else:
            settings[key] = value
    return settings
