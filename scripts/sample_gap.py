"""Why Stable-Baselines3's PPO needs fewer samples than ML-Agents' on four Gymnasium tasks.

The benchmark's Gymnasium section trains ours, ML-Agents' ``ppo`` and SB3's PPO
on each task with rl-baselines3-zoo's settings mapped onto both libraries.
The mapping covers every hyperparameter both have; what is left over is what
ML-Agents cannot be told: its network (Swish activations, its own
initialisation) and its optimizer details (no gradient clipping, Adam's
default epsilon, a clip range that decays to 0.1 rather than 0), where the
zoo normalizes, its reward scaling (ML-Agents scales observations only; the
generated PPO-style trainers can, with ``scale_rewards``), and,
for continuous actions, the zoo's exploration and value-loss weight
(generalized state-dependent exploration, ``log_std_init``, ``vf_coef``). This
script moves SB3 towards ML-Agents one of those differences at a time, then all
of them, and counts the steps each variant needs to reach the benchmark's goal
(CartPole: a mean return above 475 over 20 consecutive episodes; Acrobot:
above -100; MountainCarContinuous: above 90; InvertedPendulum: above 950; read
from SB3's ``Monitor`` as the benchmark reads it), over the same seeds. The
tasks are CartPole-v1, Acrobot-v1, MountainCarContinuous-v0 and MuJoCo's
InvertedPendulum-v5 (``pip install mujoco``).

A variant that needs clearly more steps than the zoo's settings explains that
much of the gap; if "all of ML-Agents' differences" lands where ours does, the
gap belongs to those settings, not to the algorithm.

Usage: python scripts/sample_gap.py [--task CartPole-v1] [--seeds 10]
[--budget STEPS] [--jobs 1] [--out FILE] (needs stable-baselines3 and
gymnasium: scripts/bootstrap.sh installs both). Each finished run is kept
under build/sample-gap/, so an interrupted call resumes. The markdown table
goes to --out (default: standard output). Add a task to ``STUDIES``.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

WINDOW = 20  # the benchmark's GYMNASIUM_WINDOW
CLEARLY_MORE = 1.3  # a median this many times the zoo's is "clearly more"

# What ML-Agents' PPO does differently from SB3's at the zoo's settings, each as
# SB3 can be told it.
DIFFERENCES = {
    "swish": "Swish (ML-Agents' activation) instead of Tanh",
    "mlagents-init": "ML-Agents' initialisation (Kaiming-normal hidden layers, "
    "policy head x0.1, Xavier value head, zero biases) instead of orthogonal",
    "no-grad-clip": "no gradient clipping (SB3: max_grad_norm 0.5)",
    "adam-eps": "Adam's epsilon 1e-8 (torch's default, as ML-Agents) instead of 1e-5",
    "clip-floor": "the clip range decays to 0.1 (ML-Agents' floor) instead of 0",
    "obs-norm-only": "VecNormalize scales observations only, as ML-Agents' "
    "`normalize` does (the zoo's scales rewards too)",
    "no-sde": "a state-independent Gaussian whose log std starts at 0, as "
    "ML-Agents' (the zoo: gSDE, its log std starting at `log_std_init`)",
    "vf-coef": "the value loss weighed 0.5, as ML-Agents weighs it (the zoo: `vf_coef`)",
}


# The variant that is ours with scale_rewards (reward_scaling.py), where the zoo normalizes.
REWARD_SCALED = "all-but-obs-norm"


@dataclass(frozen=True)
class Study:
    """One task: the zoo's PPO settings there, and the differences to try."""

    env_id: str
    threshold: float
    copies: int  # the zoo's n_envs
    zoo: dict[str, Any]  # PPO's keyword arguments, besides the two below
    learning_rate: float
    clip_range: float
    linear: bool  # the zoo's lin_ schedules (else constants)
    normalize: bool  # the zoo's normalize: VecNormalize(gamma=the zoo's gamma)
    differences: tuple[str, ...]  # keys of DIFFERENCES that apply here
    intro: str
    what_we_do: str
    policy: dict[str, Any] = field(default_factory=dict)  # the zoo's policy_kwargs
    budget: int = 100_000  # the benchmark's cap for this task (catalogue.py)

    def variants(self) -> dict[str, tuple[str, frozenset[str]]]:
        """The zoo, each difference alone, every one but Swish, and all of them."""
        variants: dict[str, tuple[str, frozenset[str]]] = {
            "zoo": ("the zoo's settings, as the benchmark trains SB3", frozenset())
        }
        variants |= {
            name: (DIFFERENCES[name], frozenset([name])) for name in self.differences
        }
        if len(self.differences) > 2 and "swish" in self.differences:
            variants["all-but-swish"] = (
                "every difference above but Swish",
                frozenset(self.differences) - {"swish"},
            )
        variants["all"] = (
            "every difference above: ML-Agents' PPO, as far as SB3 can be told",
            frozenset(self.differences),
        )
        if "obs-norm-only" in self.differences:
            variants[REWARD_SCALED] = (
                "every difference above but obs-norm-only: ML-Agents' PPO with "
                "the rewards scaled, as ours trains with `scale_rewards: true`",
                frozenset(self.differences) - {"obs-norm-only"},
            )
        return variants


# What the package does where the zoo normalizes: the start of those studies'
# "what the package does" (each goes on with what is particular to its task).
SCALED_REWARDS = """\
What the package does about it. Reward scaling is a setting ML-Agents' PPO does not have, and it belongs
to the algorithm's data: the PPO-style flavours have `scale_rewards`
(`reward_scaling.py`, VecNormalize's reward scaling; false by default, as
ML-Agents' `ppo` and `poca` have none), and the Gymnasium tasks and example
configs turn it on where the zoo normalizes, while the built-in twin trains
without. The `all` row is ML-Agents' PPO as far as SB3 can be told, and the
`all-but-obs-norm` row ours with `scale_rewards`: compare them with `ppo` and
ours in the Gymnasium section above."""

CARTPOLE = Study(
    env_id="CartPole-v1",
    threshold=475.0,
    copies=8,
    # rl-baselines3-zoo hyperparams/ppo.yml, CartPole-v1 (commit 208b6fd); SB3's
    # defaults otherwise (a 64x64 Tanh MLP for the policy and one for the value,
    # orthogonal initialisation, max_grad_norm 0.5, Adam eps 1e-5).
    zoo=dict(
        n_steps=32,
        batch_size=256,
        gae_lambda=0.8,
        gamma=0.98,
        n_epochs=20,
        ent_coef=0.0,
    ),
    learning_rate=1e-3,  # lin_0.001: decays linearly to 0
    clip_range=0.2,  # lin_0.2
    linear=True,
    normalize=False,
    differences=("swish", "mlagents-init", "no-grad-clip", "adam-eps", "clip-floor"),
    intro="""\
Written by `scripts/sample_gap.py`. On CartPole-v1 the generated PPO-style
trainer and ML-Agents' `ppo` need more steps than Stable-Baselines3's PPO at
the zoo's settings mapped onto both (the Gymnasium section above). The mapping
covers every hyperparameter the two libraries share; what it cannot carry is
listed below. Here SB3 is moved towards ML-Agents one of those differences at a
time, then all of them, over the same seeds: a difference that costs SB3 many
steps is one that costs ours the same.""",
    what_we_do="""\
What the package does about it. Gradient clipping belongs to the algorithm's
update: the PPO-style flavours have `max_grad_norm` (0, no clipping, by
default, as ML-Agents' `ppo` and `poca`), and the Gymnasium tasks and the
example configs give ours the zoo's value (0.5 unless the entry sets it), while
the built-in twin trains without, having no such setting. Swish and the
initialisation are ML-Agents' network, which the generated trainer reuses
(`network_settings` has no activation or initialisation to set): they stay,
and the report's mapping notes name them. The clip range's floor (0.1) and
Adam's epsilon (1e-8) are kept as ML-Agents' `ppo` has them, so that ours stays
its twin: their cost is in the table.""",
)

ACROBOT = Study(
    env_id="Acrobot-v1",
    threshold=-100.0,
    copies=16,
    # rl-baselines3-zoo hyperparams/ppo.yml, Acrobot-v1: normalize, 16 copies;
    # SB3's defaults otherwise (batch 64, learning rate 3e-4, clip range 0.2).
    zoo=dict(n_steps=256, gae_lambda=0.94, gamma=0.99, n_epochs=4, ent_coef=0.0),
    learning_rate=3e-4,
    clip_range=0.2,
    linear=False,
    normalize=True,
    # Ours gets the zoo's max_grad_norm (0.5) and constant schedules: no
    # clipping or clip-floor difference to try here.
    differences=("obs-norm-only", "swish", "mlagents-init", "adam-eps"),
    intro="""\
Written by `scripts/sample_gap.py`. On Acrobot-v1 the generated PPO-style
trainer and ML-Agents' `ppo` reach the goal in few runs where Stable-Baselines3's
PPO reaches it in all, at the zoo's settings mapped onto both (the Gymnasium
section above). The zoo's entry normalizes (`normalize: true`): SB3's
VecNormalize scales rewards by a running estimate of the discounted return's
spread, as well as observations; ML-Agents' `normalize` scales observations
only. Here SB3 is moved towards ML-Agents one difference at a time, then all
of them, over the same seeds.""",
    what_we_do=SCALED_REWARDS + """ Swish is ML-Agents'
network, which the generated trainer reuses (`network_settings` has no
activation to set), as on CartPole.""",
)

MOUNTAIN_CAR = Study(
    env_id="MountainCarContinuous-v0",
    threshold=90.0,
    copies=1,
    # rl-baselines3-zoo hyperparams/ppo.yml, MountainCarContinuous-v0.
    zoo=dict(
        batch_size=256,  # more than a rollout of 8: SB3 and ours both take 8
        n_steps=8,
        gamma=0.9999,
        ent_coef=0.00429,
        n_epochs=10,
        gae_lambda=0.9,
        max_grad_norm=5.0,
        vf_coef=0.19,
        use_sde=True,
    ),
    learning_rate=7.77e-5,
    clip_range=0.1,
    linear=False,
    normalize=True,
    policy=dict(log_std_init=-3.29, ortho_init=False),
    budget=20_000,
    # Ours gets the zoo's max_grad_norm (5) and constant schedules. The zoo turns
    # orthogonal initialisation off already.
    differences=("no-sde", "obs-norm-only", "vf-coef", "swish", "adam-eps"),
    intro="""\
Written by `scripts/sample_gap.py`. On MountainCarContinuous-v0 neither the
generated PPO-style trainer nor ML-Agents' `ppo` reaches the goal where
Stable-Baselines3's PPO does in most runs, at the zoo's settings mapped onto
both (the Gymnasium section above). The reward is sparse: +100 at the flag, and
a cost for every push on the way. The zoo's entry explores with generalized
state-dependent exploration (`use_sde`, noise that is a function of the state,
resampled every step here) from a small standard deviation
(`log_std_init=-3.29`), weighs the value loss 0.19 and normalizes rewards as
well as observations; ML-Agents' PPO has a state-independent Gaussian whose log
std starts at 0, a fixed value-loss weight of 0.5, and no reward scaling. Here
SB3 is moved towards ML-Agents one difference at a time, then all of them, over
the same seeds.""",
    what_we_do=SCALED_REWARDS + """ gSDE and a starting log std are a policy that
ML-Agents' action model does not build, and ours reuses that action model, as
the built-in twin does (ML-Agents' log std starts at 0 on actions it then clips
to +-3 and divides by 3, so its first noise is about a third of the action
range). Swish is ML-Agents' network. `vf_coef` is a setting ML-Agents' PPO
does not have. This sparse-reward task depends much on the seed, and single
differences do not add up here: compare the all-but-swish row, with gSDE
dropped, with the `all` row.""",
)

INVERTED_PENDULUM = Study(
    env_id="InvertedPendulum-v5",
    threshold=950.0,
    copies=1,
    # rl-baselines3-zoo hyperparams/ppo.yml, InvertedPendulum-v2 (the same MuJoCo
    # task, as tasks/gymnasium_zoo.py maps it).
    zoo=dict(
        batch_size=64,
        n_steps=32,
        gamma=0.999,
        ent_coef=1.37976e-07,
        n_epochs=5,
        gae_lambda=0.9,
        max_grad_norm=0.3,
        vf_coef=0.19816,
    ),
    learning_rate=0.000222425,
    clip_range=0.4,
    linear=False,
    normalize=True,
    # Ours gets the zoo's max_grad_norm (0.3) and constant schedules.
    differences=("obs-norm-only", "vf-coef", "swish", "adam-eps"),
    intro="""\
Written by `scripts/sample_gap.py`. On MuJoCo's InvertedPendulum-v5 neither the
generated PPO-style trainer nor ML-Agents' `ppo` reaches the goal within the
benchmark's 100,000 steps, where Stable-Baselines3's PPO does in every run, at
the zoo's settings mapped onto both (the Gymnasium section above). The zoo's
entry weighs the value loss 0.198 and normalizes rewards as well as
observations; ML-Agents' PPO weighs it 0.5 and scales observations only. Here
SB3 is moved towards ML-Agents one difference at a time, then all of them, over
the same seeds.""",
    what_we_do=SCALED_REWARDS + """ `vf_coef` is a setting
ML-Agents' PPO does not have, and Swish is ML-Agents' network, which ours
reuses.""",
)

STUDIES = {
    study.env_id: study
    for study in (CARTPOLE, ACROBOT, MOUNTAIN_CAR, INVERTED_PENDULUM)
}


def linear(start: float, end: float = 0.0) -> Callable[[float], float]:
    """SB3 schedule of ``progress_remaining`` (1 -> 0): ``start`` down to ``end``."""
    return lambda progress: end + (start - end) * progress


def sb3_arguments(study: Study, differences: frozenset[str]) -> dict[str, Any]:
    """PPO's keyword arguments for the zoo's settings with ``differences``."""
    import torch

    policy_kwargs: dict[str, Any] = dict(study.policy)
    arguments: dict[str, Any] = dict(study.zoo)
    if study.linear:
        arguments["learning_rate"] = linear(study.learning_rate)
        arguments["clip_range"] = linear(study.clip_range)
    else:
        arguments["learning_rate"] = study.learning_rate
        arguments["clip_range"] = study.clip_range
    if "swish" in differences:
        policy_kwargs["activation_fn"] = torch.nn.SiLU
    if "mlagents-init" in differences:
        policy_kwargs["ortho_init"] = False  # ml_agents_init replaces it
    if "adam-eps" in differences:
        policy_kwargs["optimizer_kwargs"] = {"eps": 1e-8}
    if "no-grad-clip" in differences:
        arguments["max_grad_norm"] = float("inf")
    if "no-sde" in differences:
        arguments.pop("use_sde", None)
        arguments.pop("sde_sample_freq", None)
        policy_kwargs.pop("log_std_init", None)
    if "vf-coef" in differences:
        arguments["vf_coef"] = 0.5  # ML-Agents' PPO: 0.5 * value loss, fixed
    if "clip-floor" in differences:
        # ModelUtils.DecayedValue(epsilon_schedule, 0.2, 0.1, max_steps)
        arguments["clip_range"] = linear(study.clip_range, 0.1)
    return dict(arguments, policy_kwargs=policy_kwargs)


def ml_agents_init(policy: Any) -> None:
    """Initialise SB3's policy as ML-Agents initialises its networks.

    LinearEncoder's hidden layers: Kaiming-normal for a linear layer (std
    1/sqrt(fan_in)); the discrete policy head: the same times 0.1; the value
    head: Xavier-uniform (linear_layer's default); every bias zero.
    """
    import torch

    def init(layer: torch.nn.Module, kind: str, gain: float = 1.0) -> None:
        assert isinstance(layer, torch.nn.Linear)
        if kind == "kaiming":
            torch.nn.init.kaiming_normal_(layer.weight, nonlinearity="linear")
        else:
            torch.nn.init.xavier_uniform_(layer.weight)
        with torch.no_grad():
            layer.weight *= gain
            layer.bias.zero_()

    extractor = policy.mlp_extractor
    for layer in [*extractor.policy_net, *extractor.value_net]:
        if isinstance(layer, torch.nn.Linear):
            init(layer, "kaiming")
    init(policy.action_net, "kaiming", 0.1)
    init(policy.value_net, "xavier")


def steps_to(
    returns: list[float], end_steps: list[int], threshold: float
) -> int | None:
    """The step at which WINDOW consecutive returns first average above ``threshold``."""
    for last in range(WINDOW - 1, len(returns)):
        if sum(returns[last - WINDOW + 1 : last + 1]) / WINDOW > threshold:
            return end_steps[last]
    return None


def train(task: str, variant: str, seed: int, budget: int) -> dict[str, Any]:
    """One SB3 run of ``variant``; stops at the goal, as the benchmark's runs do."""
    import torch
    from stable_baselines3 import PPO
    from stable_baselines3.common.callbacks import BaseCallback
    from stable_baselines3.common.env_util import make_vec_env
    from stable_baselines3.common.logger import Logger
    from stable_baselines3.common.vec_env import VecNormalize

    # One thread, as ML-Agents' runs use here (mlagents.torch_utils): a 64x64
    # network gains nothing from more, and threads that wait on a loaded
    # machine cost far more than they save.
    torch.set_num_threads(1)
    study = STUDIES[task]
    _, differences = study.variants()[variant]
    returns: list[float] = []
    end_steps: list[int] = []

    class Goal(BaseCallback):
        def _on_step(self) -> bool:
            for info in self.locals["infos"]:
                if "episode" in info:  # Monitor's, before any VecNormalize
                    returns.append(float(info["episode"]["r"]))
                    end_steps.append(self.num_timesteps)
            recent = returns[-WINDOW:], end_steps[-WINDOW:]
            return steps_to(*recent, study.threshold) is None

    env = make_vec_env(study.env_id, n_envs=study.copies, seed=seed)
    if study.normalize:
        gamma = float(study.zoo["gamma"])
        env = VecNormalize(
            env, gamma=gamma, norm_reward="obs-norm-only" not in differences
        )
    model = PPO(
        "MlpPolicy",
        env,
        seed=seed,
        device="cpu",
        verbose=0,
        **sb3_arguments(study, differences),
    )
    if "mlagents-init" in differences:
        ml_agents_init(model.policy)
    # SB3's default logger would leave an empty SB3-<time> folder in /tmp per run.
    model.set_logger(Logger(folder=None, output_formats=[]))
    started = time.perf_counter()
    model.learn(total_timesteps=budget, callback=Goal())
    env.close()
    return {
        "variant": variant,
        "seed": seed,
        "budget": budget,
        "steps_to_goal": steps_to(returns, end_steps, study.threshold),
        "steps": int(model.num_timesteps),
        "seconds": time.perf_counter() - started,
    }


def table(study: Study, records: dict[str, list[dict[str, Any]]], budget: int) -> str:
    """The markdown table: per variant, runs that reached the goal and the median."""
    zoo = _median(records["zoo"], budget)
    lines = [
        "| variant | what SB3 is told | reached | steps to goal: median | "
        "/ zoo | every run (- : not reached) |",
        "|---|---|---|---|---|---|",
    ]
    for name, (about, _) in study.variants().items():
        runs = records[name]
        reached = [r for r in runs if r["steps_to_goal"] is not None]
        median = _median(runs, budget)
        every = ", ".join(
            f"{r['steps_to_goal']:,}" if r["steps_to_goal"] is not None else "-"
            for r in runs
        )
        shown = f"{median:,.0f}" if median <= budget else f"> {budget:,}"
        lines.append(
            f"| {name} | {about} | {len(reached)}/{len(runs)} | {shown} | "
            f"{_ratio(median, zoo, budget)} | {every} |"
        )
    return "\n".join(lines)


def reading(study: Study, records: dict[str, list[dict[str, Any]]], budget: int) -> str:
    """One sentence: which single differences cost SB3 clearly more steps."""
    zoo = _median(records["zoo"], budget)
    if zoo > budget:
        return (
            "The zoo's settings themselves reach the goal in fewer than half the "
            "runs within the budget, so no difference can be weighed against them."
        )
    medians = {name: _median(records[name], budget) for name in study.differences}
    reached = {
        name: sum(r["steps_to_goal"] is not None for r in records[name])
        for name in study.differences
    }
    # Most costly first (at equal medians, the one with fewer runs at the goal);
    # a median past the budget is known as a lower bound only.
    order = sorted(
        medians, key=lambda name: (medians[name], -reached[name]), reverse=True
    )
    costly = [n for n in order if medians[n] >= CLEARLY_MORE * zoo]
    say = ", ".join
    return (
        f"Alone, each difference multiplies SB3's median steps by: "
        f"{say(f'{n} {_ratio(medians[n], zoo, budget)}' for n in order)} (\"> x\": "
        f"the median run did not reach the goal within the budget). Clearly more "
        f"(at least {CLEARLY_MORE:g} times): {say(costly) or 'none'}. All together: "
        f"{_ratio(_median(records['all'], budget), zoo, budget)} times"
        + (
            f"; all but obs-norm-only (ours with `scale_rewards`): "
            f"{_ratio(_median(records[REWARD_SCALED], budget), zoo, budget)} times."
            if REWARD_SCALED in records
            else "."
        )
    )


def _ratio(median: float, zoo: float, budget: int) -> str:
    """median / zoo, or a lower bound where the median run ran out of budget."""
    return f"{median / zoo:.2f}" if median <= budget else f"> {budget / zoo:.2f}"


def _median(runs: list[dict[str, Any]], budget: int) -> float:
    # A run that never reached the goal counts as twice the budget, as the sweep counts it.
    return statistics.median(
        r["steps_to_goal"] if r["steps_to_goal"] is not None else 2 * budget
        for r in runs
    )


def versions() -> str:
    import gymnasium
    import stable_baselines3
    import torch

    return (
        f"Python {platform.python_version()}, stable-baselines3 "
        f"{stable_baselines3.__version__}, gymnasium {gymnasium.__version__}, "
        f"torch {torch.__version__}"
    )


def record_path(cache: Path, task: str, variant: str, seed: int, budget: int) -> Path:
    return cache / task / f"{variant}-seed{seed}-budget{budget}.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--task", choices=sorted(STUDIES), default=CARTPOLE.env_id, help="the task"
    )
    parser.add_argument("--seeds", type=int, default=10, help="seeds 1..N (default 10)")
    parser.add_argument(
        "--budget",
        type=int,
        help="steps per run (default: the benchmark's cap for the task, 100000 "
        "or MountainCarContinuous' 20000)",
    )
    parser.add_argument(
        "--jobs", type=int, default=1, help="runs side by side (default 1)"
    )
    parser.add_argument("--out", type=Path, help="markdown file (default: stdout)")
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path("build/sample-gap"),
        help="finished runs, kept for resuming (default build/sample-gap)",
    )
    args = parser.parse_args(argv)
    if args.seeds < 1 or args.jobs < 1 or (args.budget is not None and args.budget < 1):
        parser.error("--seeds, --budget and --jobs must be at least 1")
    try:
        import gymnasium  # noqa: F401
        import stable_baselines3  # noqa: F401
    except ImportError as error:
        print(
            f"error: {error.name} is missing: run bash scripts/bootstrap.sh",
            file=sys.stderr,
        )
        return 2

    study = STUDIES[args.task]
    budget = args.budget or study.budget
    variants = study.variants()
    runs = [(name, seed) for name in variants for seed in range(1, args.seeds + 1)]
    records: dict[tuple[str, int], dict[str, Any]] = {}
    done = 0

    def report(name: str, seed: int, record: dict[str, Any], state: str) -> None:
        nonlocal done
        done += 1
        records[name, seed] = record
        reached = record["steps_to_goal"]
        print(
            f"[{done}/{len(runs)}] {study.env_id}, {name}, seed {seed}: "
            + (f"goal at {reached:,} steps" if reached else "goal not reached")
            + f" ({state})",
            file=sys.stderr,
            flush=True,
        )

    to_train = []
    for name, seed in runs:
        path = record_path(args.cache, study.env_id, name, seed, budget)
        if path.exists():
            report(name, seed, json.loads(path.read_text()), "kept")
        else:
            to_train.append((name, seed))
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        futures = {
            pool.submit(train, study.env_id, name, seed, budget): (name, seed)
            for name, seed in to_train
        }
        for future in as_completed(futures):
            name, seed = futures[future]
            record = future.result()
            path = record_path(args.cache, study.env_id, name, seed, budget)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(record))
            report(name, seed, record, f"{record['seconds']:.0f} s")

    by_variant = {
        name: [records[name, seed] for seed in range(1, args.seeds + 1)]
        for name in variants
    }
    normalized = ", VecNormalize as the zoo's entry says" if study.normalize else ""
    text = "\n".join(
        [
            study.intro,
            "",
            f"SB3 PPO on {study.env_id}, {study.copies} copies{normalized}, seeds 1 "
            f"to {args.seeds}, {budget:,} steps at most; goal: a mean return "
            f"above {study.threshold:g} over {WINDOW} episodes (a run that never "
            f"gets there counts as {2 * budget:,} steps in the median). "
            f"{versions()}.",
            "",
            table(study, by_variant, budget),
            "",
            reading(study, by_variant, budget),
            "",
            study.what_we_do,
            "",
        ]
    )
    if args.out is None:
        print(text)
    else:
        args.out.write_text(text)
        print(f"Wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
