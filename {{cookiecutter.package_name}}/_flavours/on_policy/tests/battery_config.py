"""How this flavour's battery trains: its hyperparameters and each task's step budget.

``test_battery.py`` trains every task with these settings, and the template
proves the budgets honest by training ML-Agents' built-in twin (``BUILTIN_TWIN``)
on the very same settings. The settings are small on purpose (one 32-unit
layer, short buffers) so each task trains in seconds on two cores. If a change
of yours learns more slowly by design, raise its budget here, in one place.
"""

from typing import Any

BUILTIN_TWIN = "ppo"

SETTINGS: dict[str, Any] = {
    "hyperparameters": {
        "batch_size": 64,
        "buffer_size": 640,
        "learning_rate": 3.0e-3,
        "learning_rate_schedule": "constant",
        "beta": 5.0e-3,
        "epsilon": 0.2,
        "lambd": 0.95,
        "num_epoch": 3,
    },
    "network_settings": {"hidden_units": 32, "num_layers": 1},
    "reward_signals": {"extrinsic": {"gamma": 0.9, "strength": 1.0}},
    "time_horizon": 64,
    "summary_freq": 1000,
}

# Steps each task may take before it must be solved.
STEPS: dict[str, int] = {
    "goal-1d-continuous": 15000,
    "goal-1d-discrete": 6000,
    "goal-2d-discrete": 15000,
    "goal-2d-hybrid": 30000,
    "visual": 6000,
    "memory": 10000,
    "entities": 8000,
    "goal-signal": 8000,
    "self-play": 6000,
    "curiosity": 12000,
    "rnd": 12000,
    "gail": 12000,
    "behavioral-cloning": 6000,
    "several-behaviors": 15000,
    "num-envs": 6000,
}
