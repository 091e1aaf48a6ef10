"""Benchmark the generated trainers against ML-Agents' built-in ones on the simulator.

For each flavour, the generated example config and the same config with
``trainer_type`` switched to the built-in trainer (``ppo`` or ``sac``) are
trained side by side in one run, on the bundled 3DBall simulator, for each seed.
Reported per trainer: steps to a mean reward of 90 and training steps per
second, and the ratios (generated / built-in). Also measured: the simulator's
own speed and its share of training wall time (from ML-Agents' timers). Writes ``docs/benchmarks.md`` and
``docs/benchmarks-learning-curves.png``.

Usage (after ``bash scripts/bootstrap.sh``):
    .venv/bin/python benchmarks/compare_builtin.py [--flavours on-policy off-policy] [--seeds 1 2 3]
"""

import argparse
import json
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import yaml
from cookiecutter.main import cookiecutter
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "build" / "benchmarks"
TARGET = 90.0
# ML-Agents' built-in trainers crash when they save with torch >= 2.9 (the dynamo
# ONNX exporter needs onnxscript). Generated trainers avoid it in their own model
# saver; for a fair comparison, every benchmark run (ours too, where it changes
# nothing) gets torch's legacy exporter here, in the benchmark process only.
LEGACY_ONNX_RUNNER = (
    "import functools, sys, torch; "
    "torch.onnx.export = functools.partial(torch.onnx.export, dynamo=False); "
    "from {package}.simulator.train import main; sys.exit(main(sys.argv[1:]))"
)
PLAYER_STEPS = 36_000
FLAVOURS = {
    # flavour: (project name, built-in trainer, step budget)
    "on-policy": ("Bench PPO", "ppo", 300_000),
    "off-policy": ("Bench SAC", "sac", 200_000),
}


def render_and_install(flavour: str) -> tuple[Path, str]:
    name = FLAVOURS[flavour][0]
    project = Path(
        cookiecutter(
            str(ROOT),
            no_input=True,
            overwrite_if_exists=True,
            output_dir=str(WORK / "projects"),
            extra_context={"project_name": name, "algorithm": flavour},
        )
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "-q",
            "--disable-pip-version-check",
            "install",
            "-e",
            ".",
        ],
        cwd=project,
        check=True,
    )
    return project, project.name


def write_config(project: Path, package: str, trainer_type: str, budget: int) -> Path:
    config = yaml.safe_load((project / "config" / f"{package}_3DBall.yaml").read_text())
    behavior = config["behaviors"]["3DBall"]
    behavior["trainer_type"] = trainer_type
    behavior["max_steps"] = budget
    path = WORK / f"{package}-as-{trainer_type}.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def train(
    package: str, config: Path, run_id: str, seed: int, via_player: bool = False
) -> dict:
    """Train to the target (or the budget) with the package's train command,
    or with the real ``mlagents-learn`` and the stand-in player."""
    results = WORK / "results"
    if via_player:
        bin_dir = Path(sys.executable).parent
        player = bin_dir / f"{package.replace('_', '-')}-player"
        command = [
            str(bin_dir / "mlagents-learn"),
            str(config),
            "--env",
            str(player),
            "--run-id",
            run_id,
            "--seed",
            str(seed),
            "--force",
            "--no-graphics",
            "--results-dir",
            str(results),
            "--base-port",
            "5105",
        ]
    else:
        command = [
            sys.executable,
            "-c",
            LEGACY_ONNX_RUNNER.format(package=package),
            str(config),
            "--run-id",
            run_id,
            "--seed",
            str(seed),
            "--force",
            "--results-dir",
            str(results),
            "--stop-at-reward",
            str(TARGET),
        ]
    print(f"  {run_id}: training...", flush=True)
    started = time.monotonic()
    subprocess.run(
        command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    wall = time.monotonic() - started
    events = EventAccumulator(str(results / run_id / "3DBall"))
    events.Reload()
    curve = [
        (e.step, e.value, e.wall_time)
        for e in events.Scalars("Environment/Cumulative Reward")
    ]
    reached = next((step for step, reward, _ in curve if reward >= TARGET), None)
    # Throughput between the first and last summary: excludes start-up and saving.
    (s0, _, t0), (s1, _, t1) = curve[0], curve[-1]
    steps_per_second = (s1 - s0) / (t1 - t0) if t1 > t0 else float("nan")
    timers = json.loads((results / run_id / "run_logs" / "timers.json").read_text())
    # The simulator's step() and reset() are timed like UnityEnvironment's; the
    # env worker's timers are merged into the trainer's tree.
    simulator_s = sum(
        node["total"]
        for name in ("Ball3DEnv.step", "Ball3DEnv.reset")
        for node in timer_nodes(timers, name)
    )
    print(
        f"  {run_id}: reached {TARGET} at {reached} steps, {steps_per_second:.0f} steps/s",
        flush=True,
    )
    return {
        "run_id": run_id,
        "seed": seed,
        "steps_to_target": reached,
        "steps_per_second": steps_per_second,
        "wall_s": wall,
        "final_step": s1,
        "timer_total_s": timers.get("total", wall),
        "simulator_s": simulator_s,
        "curve": [(s, r) for s, r, _ in curve],
    }


def timer_nodes(node: dict, name: str) -> list[dict]:
    """Every node called ``name`` in an ML-Agents timer tree."""
    found = []
    for child_name, child in node.get("children", {}).items():
        if child_name == name:
            found.append(child)
        found += timer_nodes(child, name)
    return found


def simulator_speed(package: str, seconds: float = 5.0) -> float:
    """Agent steps per second of the simulator alone, under random actions."""
    code = f"""
import time, numpy as np
from mlagents_envs.base_env import ActionTuple
from {package}.simulator import Ball3DEnv
from {package}.simulator.scene import BEHAVIOR_NAME
env = Ball3DEnv(seed=0); env.reset(); rng = np.random.default_rng(0)
steps, start = 0, time.perf_counter()
while time.perf_counter() - start < {seconds}:
    decisions, _ = env.get_steps(BEHAVIOR_NAME)
    env.set_actions(BEHAVIOR_NAME, ActionTuple(continuous=rng.uniform(-1, 1, (len(decisions), 2)).astype(np.float32)))
    env.step(); steps += len(decisions)
print(steps / (time.perf_counter() - start))
"""
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return float(out.stdout.strip().splitlines()[-1])


def summarize(runs: list) -> dict:
    reached = [r["steps_to_target"] for r in runs if r["steps_to_target"] is not None]
    return {
        "reached": f"{len(reached)}/{len(runs)}",
        "steps_to_target": statistics.mean(reached) if reached else None,
        "steps_per_second": statistics.mean(r["steps_per_second"] for r in runs),
    }


def plot(all_runs: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(
        1, len(all_runs), figsize=(6 * len(all_runs), 4), squeeze=False
    )
    for ax, (flavour, trainers) in zip(axes[0], all_runs.items(), strict=True):
        for (label, runs), color in zip(
            trainers.items(), ["tab:blue", "tab:orange"], strict=False
        ):
            for i, run in enumerate(runs):
                steps, rewards = zip(*run["curve"], strict=True)
                ax.plot(
                    steps,
                    rewards,
                    color=color,
                    alpha=0.8,
                    label=label if i == 0 else None,
                )
        ax.axhline(TARGET, color="gray", linestyle="--", linewidth=1)
        ax.set(
            title=f"3DBall simulator, {flavour}", xlabel="steps", ylabel="mean reward"
        )
        ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}" if a and b else "n/a"


def write_report(
    seeds: list, rows: list, all_runs: dict, sim_rows: list, player_rows: list
) -> None:
    """Write docs/benchmarks.md and the learning-curve PNG (after each flavour)."""
    lines = [
        "# Benchmarks: generated trainers vs ML-Agents' built-in trainers",
        "",
        f"Written by `benchmarks/compare_builtin.py` on {time.strftime('%Y-%m-%d')}, "
        f"{platform.machine()}, {subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()} cores, "
        f"Python {platform.python_version()}. Same simulator, same YAML (only `trainer_type` differs), "
        f"seeds {', '.join(map(str, seeds))}; each run stops at mean reward {TARGET:g} or its budget.",
        "",
        "| flavour | trainer | reached 90 | mean steps to 90 | steps/s | ratio steps to 90 (lower is better) | ratio steps/s (higher is better) |",
        "|---|---|---|---|---|---|---|",
    ]
    for flavour, package, builtin, ours, theirs, budget in rows:
        for name, s in ((package, ours), (builtin, theirs)):
            steps = (
                f"{s['steps_to_target']:.0f}" if s["steps_to_target"] else f"> {budget}"
            )
            lines.append(
                f"| {flavour} | {name} | {s['reached']} | {steps} | {s['steps_per_second']:.0f} | | |"
            )
        lines.append(
            f"| {flavour} | **{package} / {builtin}** | | | | "
            f"**{ratio(ours['steps_to_target'], theirs['steps_to_target'])}** | "
            f"**{ratio(ours['steps_per_second'], theirs['steps_per_second'])}** |"
        )
    lines += [
        "",
        "Per run:",
        "",
        "| run | steps to 90 | steps/s | wall s |",
        "|---|---|---|---|",
    ]
    for runs in all_runs.values():
        for trainer_runs in runs.values():
            for r in trainer_runs:
                lines.append(
                    f"| {r['run_id']} | {r['steps_to_target']} | {r['steps_per_second']:.0f} | {r['wall_s']:.0f} |"
                )
    lines += [
        "",
        "## The simulator's own cost",
        "",
        "Share: time inside the simulator's `step()` and `reset()` (ML-Agents' own timers, "
        "`run_logs/timers.json`) over the run's total, for the generated trainer's runs; "
        "range over seeds in brackets. Alone: random actions, so many more resets than "
        "in training.",
        "",
        "| flavour | simulator alone (agent steps/s) | share of training wall time |",
        "|---|---|---|",
    ]
    for flavour, speed, shares in sim_rows:
        lines.append(
            f"| {flavour} | {speed:.0f} | {100 * statistics.mean(shares):.1f}% "
            f"({100 * min(shares):.1f}-{100 * max(shares):.1f}%) |"
        )
    if player_rows:
        lines += [
            "",
            "## mlagents-learn with the stand-in player vs in-process training",
            "",
            "Same config and seed, a fixed budget of "
            f"{PLAYER_STEPS} steps, no early stop.",
            "",
            "| path | steps/s |",
            "|---|---|",
        ]
        for label, speed in player_rows:
            lines.append(f"| {label} | {speed:.0f} |")
        lines.append(
            f"| **ratio player / in-process** | **{player_rows[0][1] / player_rows[1][1]:.2f}** |"
        )
    lines += ["", "![learning curves](benchmarks-learning-curves.png)", ""]
    docs = ROOT / "docs"
    docs.mkdir(exist_ok=True)
    (docs / "benchmarks.md").write_text("\n".join(lines))
    plot(all_runs, docs / "benchmarks-learning-curves.png")
    (WORK / "runs.json").write_text(json.dumps(all_runs, indent=1))
    print("\n".join(lines), flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--flavours", nargs="+", default=list(FLAVOURS), choices=list(FLAVOURS)
    )
    parser.add_argument("--seeds", nargs="+", type=int, default=[1, 2, 3])
    parser.add_argument("--skip-player", action="store_true")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)

    all_runs: dict = {}
    rows, sim_rows, player_rows = [], [], []
    for flavour in args.flavours:
        _, builtin, budget = FLAVOURS[flavour]
        project, package = render_and_install(flavour)
        print(
            f"== {flavour}: {package} vs built-in {builtin} (budget {budget} steps)",
            flush=True,
        )
        configs = {
            package: write_config(project, package, package, budget),
            builtin: write_config(project, package, builtin, budget),
        }
        runs: dict = {package: [], builtin: []}
        for seed in args.seeds:  # interleaved, so load affects both alike
            for trainer_type, config in configs.items():
                runs[trainer_type].append(
                    train(package, config, f"{trainer_type}-s{seed}", seed)
                )
        all_runs[flavour] = runs
        ours, theirs = summarize(runs[package]), summarize(runs[builtin])
        rows.append((flavour, package, builtin, ours, theirs, budget))
        shares = [r["simulator_s"] / r["timer_total_s"] for r in runs[package]]
        sim_rows.append((flavour, simulator_speed(package), shares))
        if flavour == "on-policy" and not args.skip_player:
            fixed = write_config(project, package, package, PLAYER_STEPS)
            fixed_config = yaml.safe_load(fixed.read_text())
            fixed_config["behaviors"]["3DBall"]["summary_freq"] = 6000
            fixed.write_text(yaml.safe_dump(fixed_config))
            for label, via_player in (
                ("mlagents-learn + player", True),
                ("in-process", False),
            ):
                run = train(
                    package, fixed, f"path-{int(via_player)}", 1, via_player=via_player
                )
                player_rows.append((label, run["steps_per_second"]))

        write_report(args.seeds, rows, all_runs, sim_rows, player_rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
