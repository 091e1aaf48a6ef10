"""How this flavour's battery trains: its hyperparameters and each task's step budget.

``test_battery.py`` trains every task with these settings, and the template
proves the budgets honest by training ML-Agents' built-in twin (``BUILTIN_TWIN``)
on the very same settings. The settings are small on purpose (one 32-unit
layer, a short warm-up, frequent target updates) so each task trains in
seconds on two cores. If a change of yours learns more slowly by design, raise
its budget here, in one place.
"""

from typing import Any

BUILTIN_TWIN = "sac"

SETTINGS: dict[str, Any] = {
    "hyperparameters": {
        "batch_size": 64,
        "buffer_size": 5000,
        "buffer_init_steps": 200,
        "learning_rate": 3.0e-3,
        "learning_rate_schedule": "constant",
        "tau": 0.01,
        "steps_per_update": 2,
        "init_entcoef": 0.1,
    },
    "network_settings": {"hidden_units": 32, "num_layers": 1},
    "reward_signals": {"extrinsic": {"gamma": 0.9, "strength": 1.0}},
    "time_horizon": 10,
    "summary_freq": 1000,
}

# Steps each task may take before it must be solved.
STEPS: dict[str, int] = {
    "goal-1d-continuous": 3000,
    "goal-1d-discrete": 3000,
    "goal-2d-discrete": 8000,
    "goal-2d-hybrid": 8000,
    "visual": 3000,
    "memory": 6000,
    "entities": 4000,
    "goal-signal": 4000,
    "self-play": 6000,
    "curiosity": 8000,
    "rnd": 8000,
    "gail": 5000,
    "behavioral-cloning": 3000,
    "several-behaviors": 4000,
    "num-envs": 4000,
}
