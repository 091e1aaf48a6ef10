"""rl-baselines3-zoo's tuned hyperparameters for Gymnasium tasks, mapped onto ML-Agents.

``ZOO[algorithm][env_id]`` is an entry of the zoo's ``hyperparams/ppo.yml`` or
``hyperparams/sac.yml`` as the zoo writes it (Stable-Baselines3's argument
names); ``behavior_settings(env_id)`` maps it onto this flavour's ML-Agents
behavior settings (PPO's for the on-policy and cooperative flavours, SAC's for
the off-policy one). The example configs ``config/*_CartPole.yaml`` and
``config/*_Pendulum.yaml`` are this mapping written out with comments, and the
benchmark's Gymnasium tasks use it directly (tests/test_gymnasium_env.py checks
that the two agree). Keys missing from an entry take Stable-Baselines3's
defaults (``SB3_DEFAULTS``), as the zoo does.

The mapping, and where it is imperfect:

* PPO: ``n_steps`` -> ``time_horizon``; ``n_steps * n_envs`` -> ``buffer_size``
  (one rollout of every copy, as SB3 collects it); ``batch_size`` (at most the
  buffer, as SB3 cuts it); ``n_epochs`` -> ``num_epoch``; ``gae_lambda`` ->
  ``lambd``; ``gamma``; ``ent_coef`` -> ``beta`` (constant, as SB3 keeps it);
  ``clip_range`` -> ``epsilon`` and ``learning_rate``, a ``lin_`` prefix ->
  a linear schedule (SB3 decays to 0, ML-Agents to about 1e-10, both over the
  run's steps); ``max_grad_norm`` (0.5 unless set) -> ``max_grad_norm``, a
  setting of ours only: ML-Agents' built-in PPO does not clip gradients, so the
  benchmark trains it without (``benchmark/command.py``, ``settings_for``).
  ``normalize`` also -> ``scale_rewards`` (reward_scaling.py: the rewards
  scaled as VecNormalize scales them), another setting of ours only.
  ``vf_coef``, ``use_sde``, ``log_std_init`` and ``ortho_init`` have no
  ML-Agents setting (ML-Agents weighs the value loss 0.5) and are dropped.
* SAC: ``buffer_size``, ``batch_size``, ``tau``, ``gamma``, ``learning_rate``
  map by name; ``learning_starts`` -> ``buffer_init_steps`` (SB3 fills them
  with uniform random actions, ML-Agents with its policy);
  ``train_freq / gradient_steps`` -> ``steps_per_update`` (SB3 runs
  ``gradient_steps`` updates every ``train_freq`` steps, ML-Agents spreads the
  same ratio out); ``ent_coef`` ``auto`` (SB3 starts it at 1.0) or
  ``auto_X`` -> ``init_entcoef`` (learned in both); a fixed ``ent_coef`` ->
  ``init_entcoef``, which ML-Agents still learns. ``time_horizon`` is not a
  zoo key: 64, ML-Agents' usual for SAC.
* Both: ``n_timesteps`` -> ``max_steps`` (ML-Agents counts every agent's
  steps, as SB3 counts every copy's); ``n_envs`` -> the number of copies
  (``--num-areas``), not a setting; ``normalize`` -> ``network_settings.normalize``
  (observations; SB3's VecNormalize also scales rewards, which ML-Agents'
  built-ins cannot and SAC here does not: PPO's ``scale_rewards`` above);
  ``net_arch`` -> ``hidden_units``/``num_layers`` (SB3's default MLPs: PPO 64x2
  with tanh, SAC 256x2 with ReLU; ML-Agents uses swish).

Add an entry to ``ZOO`` (and a task to the benchmark's catalogue) for another
environment.
"""

import re
from typing import Any

from .battery_config import BUILTIN_TWIN

# Sources: DLR-RM/rl-baselines3-zoo hyperparams/ppo.yml (commit 208b6fd) and
# hyperparams/sac.yml (commit c94924e). InvertedPendulum-v5 takes the zoo's
# InvertedPendulum-v2 entry (the same MuJoCo task, older Gymnasium version);
# sac.yml has no InvertedPendulum entry, so SAC takes its MuJoCo defaults
# (the HalfCheetah-v3 anchor: SB3's defaults with learning_starts 10000).
ZOO: dict[str, dict[str, dict[str, Any]]] = {
    "ppo": {
        "CartPole-v1": {
            "n_envs": 8,
            "n_timesteps": 100_000,
            "n_steps": 32,
            "batch_size": 256,
            "gae_lambda": 0.8,
            "gamma": 0.98,
            "n_epochs": 20,
            "ent_coef": 0.0,
            "learning_rate": "lin_0.001",
            "clip_range": "lin_0.2",
        },
        "Acrobot-v1": {
            "normalize": True,
            "n_envs": 16,
            "n_timesteps": 1_000_000,
            "n_steps": 256,
            "gae_lambda": 0.94,
            "gamma": 0.99,
            "n_epochs": 4,
            "ent_coef": 0.0,
        },
        "Pendulum-v1": {
            "n_envs": 4,
            "n_timesteps": 100_000,
            "n_steps": 1024,
            "gae_lambda": 0.95,
            "gamma": 0.9,
            "n_epochs": 10,
            "ent_coef": 0.0,
            "learning_rate": 1e-3,
            "clip_range": 0.2,
            "use_sde": True,
            "sde_sample_freq": 4,
        },
        "MountainCarContinuous-v0": {
            "normalize": True,
            "n_envs": 1,
            "n_timesteps": 20_000,
            "batch_size": 256,
            "n_steps": 8,
            "gamma": 0.9999,
            "learning_rate": 7.77e-05,
            "ent_coef": 0.00429,
            "clip_range": 0.1,
            "n_epochs": 10,
            "gae_lambda": 0.9,
            "max_grad_norm": 5,
            "vf_coef": 0.19,
            "use_sde": True,
            "policy_kwargs": "dict(log_std_init=-3.29, ortho_init=False)",
        },
        "InvertedPendulum-v5": {
            "normalize": True,
            "n_envs": 1,
            "n_timesteps": 1_000_000,
            "batch_size": 64,
            "n_steps": 32,
            "gamma": 0.999,
            "learning_rate": 0.000222425,
            "ent_coef": 1.37976e-07,
            "clip_range": 0.4,
            "n_epochs": 5,
            "gae_lambda": 0.9,
            "max_grad_norm": 0.3,
            "vf_coef": 0.19816,
        },
    },
    "sac": {
        "Pendulum-v1": {"n_timesteps": 20_000, "learning_rate": 1e-3},
        "MountainCarContinuous-v0": {
            "n_timesteps": 50_000,
            "learning_rate": 3e-4,
            "buffer_size": 50_000,
            "batch_size": 512,
            "ent_coef": 0.1,
            "train_freq": 32,
            "gradient_steps": 32,
            "gamma": 0.9999,
            "tau": 0.01,
            "learning_starts": 0,
            "use_sde": True,
            "policy_kwargs": "dict(log_std_init=-3.67, net_arch=[64, 64])",
        },
        "InvertedPendulum-v5": {"n_timesteps": 1_000_000, "learning_starts": 10_000},
    },
}

# Stable-Baselines3's defaults for what an entry leaves out (PPO and SAC's
# constructors); n_envs 1 is the zoo's.
SB3_DEFAULTS: dict[str, dict[str, Any]] = {
    "ppo": {
        "n_envs": 1,
        "learning_rate": 3e-4,
        "n_steps": 2048,
        "batch_size": 64,
        "n_epochs": 10,
        "gamma": 0.99,
        "gae_lambda": 0.95,
        "clip_range": 0.2,
        "ent_coef": 0.0,
        "max_grad_norm": 0.5,
        "net_arch": [64, 64],
    },
    "sac": {
        "n_envs": 1,
        "learning_rate": 3e-4,
        "buffer_size": 1_000_000,
        "learning_starts": 100,
        "batch_size": 256,
        "tau": 0.005,
        "gamma": 0.99,
        "train_freq": 1,
        "gradient_steps": 1,
        "ent_coef": "auto",
        "net_arch": [256, 256],
    },
}

# The zoo's algorithm whose entries this flavour's trainer takes.
ALGORITHM = "sac" if BUILTIN_TWIN == "sac" else "ppo"
# ML-Agents' usual time_horizon for SAC (the zoo has no such key).
SAC_TIME_HORIZON = 64


def zoo_environments(algorithm: str = ALGORITHM) -> list[str]:
    """The Gymnasium ids with a zoo entry for ``algorithm``."""
    return list(ZOO[algorithm])


def copies(env_id: str, algorithm: str = ALGORITHM) -> int:
    """The zoo's ``n_envs``: how many copies (``--num-areas``) its entry assumes."""
    return int({**SB3_DEFAULTS[algorithm], **ZOO[algorithm][env_id]}["n_envs"])


def behavior_settings(env_id: str, algorithm: str = ALGORITHM) -> dict[str, Any]:
    """ML-Agents behavior settings (no ``trainer_type``) from the zoo's entry for ``env_id``."""
    zoo = {**SB3_DEFAULTS[algorithm], **ZOO[algorithm][env_id]}
    hidden_units, num_layers = _net_arch(zoo)
    learning_rate, learning_rate_schedule = _schedule(zoo["learning_rate"])
    steps = int(zoo["n_timesteps"])
    if algorithm == "ppo":
        buffer_size = int(zoo["n_steps"]) * int(zoo["n_envs"])
        epsilon, epsilon_schedule = _schedule(zoo["clip_range"])
        hyperparameters: dict[str, Any] = {
            "batch_size": min(int(zoo["batch_size"]), buffer_size),
            "buffer_size": buffer_size,
            "learning_rate": learning_rate,
            "learning_rate_schedule": learning_rate_schedule,
            "beta": float(zoo["ent_coef"]),
            "beta_schedule": "constant",
            "epsilon": epsilon,
            "epsilon_schedule": epsilon_schedule,
            "lambd": float(zoo["gae_lambda"]),
            "num_epoch": int(zoo["n_epochs"]),
            "max_grad_norm": float(zoo["max_grad_norm"]),
            "scale_rewards": bool(zoo.get("normalize", False)),
        }
        time_horizon = int(zoo["n_steps"])
    else:
        steps_per_update = float(zoo["train_freq"]) / float(zoo["gradient_steps"])
        hyperparameters = {
            "learning_rate": learning_rate,
            "learning_rate_schedule": learning_rate_schedule,
            "batch_size": int(zoo["batch_size"]),
            "buffer_size": int(zoo["buffer_size"]),
            "buffer_init_steps": int(zoo["learning_starts"]),
            "tau": float(zoo["tau"]),
            "steps_per_update": steps_per_update,
            "reward_signal_steps_per_update": steps_per_update,
            "init_entcoef": _entropy_coefficient(zoo["ent_coef"]),
        }
        time_horizon = SAC_TIME_HORIZON
    return {
        "hyperparameters": hyperparameters,
        "network_settings": {
            "normalize": bool(zoo.get("normalize", False)),
            "hidden_units": hidden_units,
            "num_layers": num_layers,
        },
        "reward_signals": {
            "extrinsic": {"gamma": float(zoo["gamma"]), "strength": 1.0}
        },
        "max_steps": steps,
        "time_horizon": time_horizon,
        # About 50 summaries a run, at least 1000 steps apart.
        "summary_freq": max(steps // 50, 1000),
    }


def _schedule(value: float | str) -> tuple[float, str]:
    """The zoo's ``lin_0.001`` -> (0.001, "linear"); ``0.001`` -> (0.001, "constant")."""
    if isinstance(value, str) and value.startswith("lin_"):
        return float(value.removeprefix("lin_")), "linear"
    return float(value), "constant"


def _entropy_coefficient(value: float | str) -> float:
    """SB3's ``auto`` starts at 1.0; ``auto_0.1`` at 0.1; a number is itself."""
    if isinstance(value, str):
        return float(value.removeprefix("auto").removeprefix("_") or 1.0)
    return float(value)


def _net_arch(zoo: dict[str, Any]) -> tuple[int, int]:
    """(hidden_units, num_layers) of the policy's MLP: ``net_arch`` in ``policy_kwargs``,
    else SB3's default. ML-Agents' layers all have one width: the widest is taken."""
    layers: list[int] = zoo["net_arch"]
    found = re.search(
        r"net_arch=(?:dict\(pi=)?\[([\d, ]+)\]", zoo.get("policy_kwargs", "")
    )
    if found:
        layers = [int(width) for width in found.group(1).split(",")]
    return max(layers), len(layers)
