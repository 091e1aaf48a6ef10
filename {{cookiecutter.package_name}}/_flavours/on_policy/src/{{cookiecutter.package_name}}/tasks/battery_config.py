"""How this flavour's battery trains: its hyperparameters and each task's step budget.

``test_battery.py`` trains every task with these settings, and the template
proves the budgets honest by training ML-Agents' built-in twin (``BUILTIN_TWIN``)
on the very same settings. The settings are small on purpose (one 32-unit
layer, short buffers) so each task trains in seconds on two cores. If a change
of yours learns more slowly by design, raise its budget here, in one place.
"""

from typing import Any

# Every battery task pays at most 1 per step (in absolute value), so a value of
# a signal with strength s and discount gamma lies within s / (1 - gamma); the
# margin covers a critic's first, untrained outputs. A run that solves a task
# with value estimates beyond these solved it for a broken reason.
MAX_ABS_REWARD = 1.0
VALUE_MARGIN = 1.0

BUILTIN_TWIN = "ppo"

SETTINGS: dict[str, Any] = {
    "hyperparameters": {
        "batch_size": 64,
        "buffer_size": 640,
        "learning_rate": 3.0e-3,
        "learning_rate_schedule": "linear",
        "beta": 5.0e-3,
        "epsilon": 0.2,
        "lambd": 0.95,
        "num_epoch": 3,
    },
    "network_settings": {"hidden_units": 32, "num_layers": 1},
    "reward_signals": {
        "extrinsic": {"gamma": 0.9, "strength": 1.0},
    },
    "time_horizon": 64,
    "summary_freq": 1000,
}

# Steps each task may take before it must be solved: about twice what the
# slower of this trainer and ML-Agents' ppo needed on the template's CI.
STEPS: dict[str, int] = {
    "goal-1d-continuous": 6000,
    "goal-1d-discrete": 4000,
    "goal-2d-discrete": 6000,
    "goal-2d-hybrid": 10000,
    "visual": 5000,
    "memory": 4000,
    "entities": 4000,
    "goal-signal": 4000,
    "self-play": 10000,
    "corridor": 14000,
    "gail": 10000,
    "behavioral-cloning": 3000,
    "several-behaviors": 8000,
    "num-envs": 4000,
}

# The intrinsic reward signals the corridor task (sparse reward) is solved with.
INTRINSIC: dict[str, dict[str, Any]] = {
    "curiosity": {"gamma": 0.99, "strength": 0.1, "learning_rate": 3.0e-3},
    "rnd": {"gamma": 0.99, "strength": 0.1, "learning_rate": 3.0e-3},
}

# Tasks ML-Agents' built-in twin does not solve with these settings and budgets
# (its runs are expected to fail, strictly). None: ppo solves every task.
BUILTIN_FAILS: dict[str, str] = {}


def internals_bounds(behavior: dict[str, Any]) -> dict[str, tuple[float, float]]:
    """Where the learner's reported estimates must stay in a run of ``behavior``.

    Stat name -> (low, high): the extrinsic value estimate, within what the
    rewards allow.
    """
    extrinsic = behavior["reward_signals"].get("extrinsic")
    if extrinsic is None:
        return {}
    strength = extrinsic.get("strength", 1.0)
    bound = strength * MAX_ABS_REWARD / (1 - extrinsic["gamma"]) + VALUE_MARGIN
    return {"Policy/Extrinsic Value Estimate": (-bound, bound)}
