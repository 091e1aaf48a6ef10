"""{{ cookiecutter.distribution_name }}-benchmark: this package's trainer against ML-Agents' built-in twin.

    {{ cookiecutter.distribution_name }}-benchmark                        # 3DBall, 5 seeds, to reward 90
    {{ cookiecutter.distribution_name }}-benchmark --tasks goal-2d-hybrid memory --seeds 3
    {{ cookiecutter.distribution_name }}-benchmark --list                 # the tasks it knows
    {{ cookiecutter.distribution_name }}-benchmark --ray auto             # on a Ray cluster (dispatch.py)

Both trainers get the same settings, environment and seeds (only
``trainer_type`` differs), with seeds interleaved: seed 1 of ours, seed 1 of
the built-in, seed 2 of the built-in, seed 2 of ours, ... A Gymnasium task
also trains Stable-Baselines3's same algorithm with rl-baselines3-zoo's
settings (``sb3``, with the yardsticks extra: ``yardstick.py``), interleaved
with the two. Each run stops once
its episodes reach the task's threshold (a moving average over consecutive
episodes, read episode by episode) or at its step budget. Every finished run
is one JSON file under ``--out``; a run whose file exists is not run again,
so an interrupted benchmark resumes where it stopped (delete a file to redo
that run). The report (Markdown) and the learning curves (PNG) are rewritten
after every run.

The built-in trainers run unchanged. On torch >= 2.9 their ONNX export needs
torch's legacy exporter, which this process (and only this process) selects;
the report says so. Change ``DEFAULT_SEEDS`` or the catalogue
(``catalogue.py``) to benchmark differently.
"""

import argparse
import contextlib
import copy
import functools
import hashlib
import inspect
import json
import os
import platform
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Protocol

import attr
import numpy as np
import torch
from mlagents import plugins
from mlagents.plugins.trainer_type import register_trainer_plugins
from mlagents.trainers import __version__ as MLAGENTS_VERSION
from mlagents.trainers.learn import write_timing_tree
from mlagents.trainers.stats import StatsSummary, StatsWriter
from mlagents_envs import logging_util
from mlagents_envs.timers import get_timer_tree, reset_timers

from .. import __version__ as PACKAGE_VERSION
from ..tasks.battery_config import BUILTIN_TWIN
from ..tasks.harness import EpisodeLog, steps_to, train
from .catalogue import (
    BenchmarkTask,
    EnvFactory,
    ball_task,
    battery_tasks,
    gymnasium_tasks,
)
from .dispatch import INTERRUPTED, RunSpec, dispatcher
from .report import write_report
from .yardstick import MISSING as SB3_MISSING
from .yardstick import SB3, sb3_available, sb3_version, train_sb3

TRAINER_TYPE = "{{ cookiecutter.trainer_type }}"
DIST_NAME = "{{ cookiecutter.distribution_name }}"
DEFAULT_SEEDS = 5
DEFAULT_CONFIG = Path("config") / "{{ cookiecutter.trainer_type }}_3DBall.yaml"
PROGRESS_EVERY_S = 30.0
LEGACY_ONNX_NOTE = (
    "torch {version}'s `torch.onnx.export` defaults to the dynamo exporter, which "
    "needs onnxscript (and protobuf >= 4, which ML-Agents cannot use), so the "
    "built-ins' unchanged model saver would crash when it saves. In the benchmark "
    "process only, `torch.onnx.export` is called with `dynamo=False` (torch's "
    "legacy exporter, which this package's own saver uses anyway); ML-Agents is "
    "not modified."
)


@contextlib.contextmanager
def legacy_onnx_export() -> Iterator[str | None]:
    """Within this block, ``torch.onnx.export`` defaults to the legacy exporter.

    Yields the note for the report, or None where torch's exporter has no
    ``dynamo`` switch (torch < 2.9: nothing to change). Restored on exit.
    """
    original = torch.onnx.export
    if "dynamo" not in inspect.signature(original).parameters:
        yield None
        return
    torch.onnx.export = functools.partial(original, dynamo=False)
    try:
        yield LEGACY_ONNX_NOTE.format(version=torch.__version__)
    finally:
        torch.onnx.export = original


class SummaryLog(StatsWriter):
    """ML-Agents' own reward summaries: (step, mean, number of episodes).

    ``stat`` is the task's: each agent's return, or its group's for a group task.
    """

    def __init__(self, stat: str) -> None:
        self.stat = stat
        self.rows: list[tuple[int, float, int]] = []

    def write_stats(
        self, category: str, values: dict[str, StatsSummary], step: int
    ) -> None:
        summary = values.get(self.stat)
        if summary is not None and summary.num > 0:
            self.rows.append((step, float(summary.mean), int(summary.num)))


class BallFactory:
    """A picklable ``seed -> environment factory`` for the 3DBall simulator."""

    def __call__(self, seed: int) -> EnvFactory:
        # The tooling is optional: mypy of a render without it finds no module.
        from ..simulator.train import SimulatorFactory  # type: ignore[import-not-found]

        return SimulatorFactory("3DBall", seed, 1)


def has_simulator() -> bool:
    """Whether this package was rendered with the simulator tooling."""
    try:
        from ..simulator import ENVIRONMENTS  # type: ignore[import-not-found]
    except ModuleNotFoundError:
        return False
    return "3DBall" in ENVIRONMENTS


def catalogue(config: Path) -> tuple[dict[str, BenchmarkTask], str | None]:
    """Every task this package can run, and why 3DBall or Gymnasium tasks are missing."""
    tasks: dict[str, BenchmarkTask] = {}
    missing = None
    if not has_simulator():
        missing = (
            "3DBall needs the simulator tooling (src/{{ cookiecutter.package_name }}/simulator/), which "
            "this package was rendered without; the battery tasks work without it."
        )
    elif not config.is_file():
        missing = f"3DBall needs its config: {config} not found (use --config)."
    else:
        tasks["3DBall"] = ball_task(config, BallFactory())
    tasks.update(battery_tasks())
    gym_tasks, gym_missing = gymnasium_tasks()
    tasks.update(gym_tasks)
    missing = "\n".join(line for line in (missing, gym_missing) if line) or None
    return tasks, missing


def source_digest(*folders: str) -> str:
    """A digest of this package's Python source (only ``folders`` (or files) of it, if given)."""
    package = Path(__file__).resolve().parents[1]
    roots = [package / folder for folder in folders] or [package]
    digest = hashlib.sha256()
    for root in roots:
        for path in [root] if root.is_file() else sorted(root.rglob("*.py")):
            digest.update(str(path.relative_to(package)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def fingerprint(task: BenchmarkTask, trainer_type: str, budget: int) -> str:
    """What a run depends on: when it changes, a stored run is not reused.

    For this package's trainer that includes all of its source, so a changed
    loss is trained again; for the built-in, the environments' source and
    ML-Agents' version; for SB3, its version, the zoo's entry and the runner.
    """
    if trainer_type == BUILTIN_TWIN:
        code = f"mlagents {MLAGENTS_VERSION}, {source_digest('tasks', 'simulator')}"
    elif trainer_type == SB3:
        runner = source_digest("tasks", "benchmark/yardstick.py")
        code = f"stable-baselines3 {sb3_version()}, {task.zoo}, {runner}"
    else:
        code = source_digest()
    what = {
        "task": task.name,
        "settings": task.settings,
        "trainer_type": trainer_type,
        "budget": budget,
        "threshold": task.threshold,
        "window": task.window,
        "code": code,
    }
    text = json.dumps(what, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class Counts(Protocol):
    """What ``Progress`` reads of a run: ``EpisodeLog``, or SB3's ``yardstick.Episodes``."""

    @property
    def started(self) -> float | None: ...

    @property
    def total_steps(self) -> int: ...

    @property
    def returns(self) -> Mapping[str, list[float]]: ...


class Progress:
    """Prints a run's step count, speed and recent return every ``every_s`` seconds."""

    def __init__(self, label: str, window: int, every_s: float) -> None:
        self.label = label
        self.window = window
        self.every_s = every_s
        self.next_at = time.perf_counter() + every_s

    def __call__(self, log: Counts) -> None:
        now = time.perf_counter()
        if now < self.next_at or log.started is None:
            return
        self.next_at = now + self.every_s
        returns = [r for rs in log.returns.values() for r in rs[-self.window :]]
        recent = f"{np.mean(returns):.2f}" if returns else "-"
        speed = log.total_steps / max(now - log.started, 1e-9)
        print(
            f"    {self.label}: {log.total_steps:,} steps, {speed:,.0f} steps/s, "
            f"mean of the last {self.window} episodes {recent}",
            flush=True,
        )


ENV_PROCESS = "env process: "
# Timers counted whole, with the timers inside them: a trainer may time its
# update's parts (ML-Agents' optimizers do) or not, and still compare alike.
WHOLE_TIMERS = ("_update_policy", "process_trajectory")


def timer_seconds(tree: dict[str, Any]) -> dict[str, float]:
    """Seconds spent in each timer of ML-Agents' tree itself (not in the timers
    inside it, except for ``WHOLE_TIMERS``).

    An environment worker's timers (under ``workers``) ran in its own process,
    beside the trainer's: they are named ``env process: <timer>``, and its idle
    time (``worker_root`` itself) is left out. ``env_step`` is then the
    trainer's wait for the environment.
    """
    seconds: dict[str, float] = {}

    def visit(name: str, node: dict[str, Any], prefix: str) -> None:
        children = node.get("children", {})
        inner = sum(
            child.get("total", 0.0)
            for child_name, child in children.items()
            if child_name != "workers"
        )
        if name in WHOLE_TIMERS:
            seconds[prefix + name] = seconds.get(prefix + name, 0.0) + node["total"]
            return
        if name != "worker_root":
            own = max(node.get("total", 0.0) - inner, 0.0)
            seconds[prefix + name] = seconds.get(prefix + name, 0.0) + own
        for child_name, child in children.items():
            visit(child_name, child, ENV_PROCESS if name == "workers" else prefix)

    for name, child in tree.get("children", {}).items():
        visit(name, child, "")
    return seconds


def load_record(path: Path) -> dict[str, Any]:
    """A stored run, its timers read again from its ``run_logs/timers.json``."""
    record: dict[str, Any] = json.loads(path.read_text())
    timers = path.with_suffix("") / "run_logs" / "timers.json"
    if timers.is_file():
        record["timer_seconds"] = timer_seconds(json.loads(timers.read_text()))
    return record


def settings_for(trainer_type: str, settings: dict[str, Any]) -> dict[str, Any]:
    """``settings`` without the hyperparameters that ``trainer_type`` does not have.

    A Gymnasium task gives ours the zoo's ``max_grad_norm``; ML-Agents' built-in
    twin has no such setting (it does not clip gradients) and would reject the
    key, so it trains without it. The report's mapping notes say so.
    """
    # Read through the module: on a Ray worker this function may arrive
    # pickled by value (from ``python -m``'s __main__), with a copy of any dict
    # bound here at import, which register_trainer_plugins() does not fill.
    known = attr.fields_dict(plugins.all_trainer_settings[trainer_type])
    hyperparameters = settings.get("hyperparameters", {})
    return {
        **settings,
        "hyperparameters": {k: v for k, v in hyperparameters.items() if k in known},
    }


def run_once(
    task: BenchmarkTask,
    trainer_type: str,
    seed: int,
    budget: int,
    run_dir: Path,
    label: str,
    progress_every_s: float,
) -> dict[str, Any]:
    """Train ``trainer_type`` on ``task`` with ``seed``; the run's record."""
    settings = {
        **settings_for(trainer_type, task.settings),
        "trainer_type": trainer_type,
        "max_steps": budget,
    }
    episodes = EpisodeLog(
        stop_above=task.threshold,
        window=task.window,
        on_step=Progress(label, task.window, progress_every_s),
    )
    summaries = SummaryLog(task.reward_stat)
    env = task.make_env(seed)
    reset_timers()
    started = time.perf_counter()
    behaviors = {task.behavior: settings}
    train(
        env,
        {"behaviors": behaviors},
        seed=seed,
        output_dir=run_dir,
        writers=[summaries],
        episodes=episodes,
    )
    wall = time.perf_counter() - started
    (run_dir / "run_logs").mkdir(parents=True, exist_ok=True)
    write_timing_tree(str(run_dir / "run_logs"))
    returns = episodes.returns[task.behavior]
    end_steps = episodes.end_steps[task.behavior]
    training_s = (episodes.finished or started) - (episodes.started or started)
    return {
        "task": task.name,
        "trainer_type": trainer_type,
        "seed": seed,
        "budget": budget,
        "threshold": task.threshold,
        "window": task.window,
        "steps_to_threshold": steps_to(returns, end_steps, task.threshold, task.window),
        "steps": episodes.total_steps,
        "steps_per_second": episodes.total_steps / training_s if training_s else None,
        "training_seconds": training_s,
        "wall_seconds": wall,
        "episode_returns": returns,
        "episode_end_steps": end_steps,
        "mlagents_reward_summaries": summaries.rows,
        "timer_seconds": timer_seconds(get_timer_tree()),
        "in_process": task.in_process,
    }


def with_hyperparameters(
    task: BenchmarkTask, hyperparameters: dict[str, Any]
) -> BenchmarkTask:
    """``task`` with ``hyperparameters`` in place of its own values of them."""
    if not hyperparameters:
        return task
    settings = copy.deepcopy(task.settings)
    settings["hyperparameters"] = {
        **settings.get("hyperparameters", {}),
        **hyperparameters,
    }
    return replace(task, settings=settings)


def train_run(run: RunSpec, progress_every_s: float) -> dict[str, Any]:
    """In a fresh process (local or a Ray worker): train one run; its record.

    The record's fingerprint is the one of the code and settings it trained
    with here, so a run trained with other code than the command's (a changed
    source, another copy on a cluster's node) is trained again next time.
    """
    register_trainer_plugins()
    logging_util.set_log_level(logging_util.WARNING)
    tasks, missing = catalogue(Path(run.config))
    if run.task not in tasks:  # on a cluster's node without the tooling or config
        raise RuntimeError(f"{run.task} cannot run here: {missing}")
    # A sweep's trial replaces some hyperparameters; the fingerprint covers them.
    task = with_hyperparameters(tasks[run.task], run.hyperparameters)
    folder = Path(run.path).with_suffix("")
    if run.trainer_type == SB3:
        progress = Progress(run.label, task.window, progress_every_s)
        record = train_sb3(task, run.seed, run.budget, folder, progress)
        record["fingerprint"] = fingerprint(task, SB3, run.budget)
        return record
    with legacy_onnx_export():
        record = run_once(
            task,
            run.trainer_type,
            run.seed,
            run.budget,
            folder,
            run.label,
            progress_every_s,
        )
    record["fingerprint"] = fingerprint(task, run.trainer_type, run.budget)
    return record


def versions() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    cores = (
        len(os.sched_getaffinity(0))
        if hasattr(os, "sched_getaffinity")
        else os.cpu_count() or 0
    )
    return {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
        "machine": f"{platform.system()} {platform.machine()}, {cpu}, {cores} cores",
        "python": platform.python_version(),
        "mlagents": MLAGENTS_VERSION,
        "torch": torch.__version__,
        "numpy": np.__version__,
        "package": f"{DIST_NAME} {PACKAGE_VERSION}",
    }


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=f"{DIST_NAME}-benchmark",
        description=f"Benchmark {TRAINER_TYPE} against ML-Agents' {BUILTIN_TWIN}.",
    )
    parser.add_argument(
        "--tasks",
        nargs="+",
        metavar="TASK",
        help="the tasks to run, see --list (default: 3DBall, where the simulator "
        "tooling is installed)",
    )
    parser.add_argument(
        "--seeds",
        type=int,
        default=DEFAULT_SEEDS,
        metavar="N",
        help="run seeds 1 to N of each trainer (default: %(default)s)",
    )
    parser.add_argument(
        "--max-steps",
        type=int,
        metavar="N",
        help="the step budget of every run (default: the task's, see --list)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("results") / "benchmark",
        metavar="FOLDER",
        help="the results folder: one JSON per run, the report and the PNG "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--report",
        type=Path,
        metavar="PATH",
        help="where the Markdown report goes (default: <out>/report.md)",
    )
    parser.add_argument(
        "--plot",
        type=Path,
        metavar="PATH",
        help="where the learning curves go (default: <out>/learning-curves.png)",
    )
    add_run_options(parser)
    return parser


def add_run_options(parser: argparse.ArgumentParser) -> None:
    """The options of how runs train, which the sweep command shares."""
    parser.add_argument(
        "--config",
        type=Path,
        default=DEFAULT_CONFIG,
        metavar="PATH",
        help="the 3DBall config (default: %(default)s)",
    )
    parser.add_argument(
        "--progress-every",
        type=float,
        default=PROGRESS_EVERY_S,
        metavar="SECONDS",
        help="how often a run prints its steps, speed and recent mean return "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--ray",
        metavar="ADDRESS",
        help="train the runs on a Ray cluster: auto (the one this machine is in) "
        "or its head's HOST:PORT; records and run folders come back here; needs "
        f"pip install '{DIST_NAME}[ray]' (default: none, local processes)",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        help="runs at once; they share the machine, which slows each (default: 1 "
        "locally, the cluster's CPUs with --ray)",
    )
    parser.add_argument("--list", action="store_true", help="list the tasks and exit")


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.seeds < 1:
        parser.error("--seeds must be at least 1")
    if args.max_steps is not None and args.max_steps <= 0:
        parser.error("--max-steps must be a positive number of steps")
    if args.jobs is not None and args.jobs < 1:
        parser.error("--jobs must be at least 1")
    return args


def check_plotting() -> str | None:
    """One line saying what is missing to draw the PNG, or None."""
    try:
        import matplotlib  # noqa: F401
    except ModuleNotFoundError:
        return (
            "error: the learning-curve PNG needs matplotlib: "
            f"pip install '{DIST_NAME}[benchmark]' (or pip install matplotlib)"
        )
    return None


def main(argv: list[str] | None = None) -> int:
    args = parse_arguments(sys.argv[1:] if argv is None else argv)
    tasks, missing = catalogue(args.config)
    sb3 = sb3_available()
    if args.list:
        if missing:
            print(missing)
        if not sb3 and any(task.zoo for task in tasks.values()):
            print(SB3_MISSING)
        for task in tasks.values():
            print(f"{task.name:20} {task.about} (budget {task.budget:,} steps)")
        return 0
    problem = check_plotting()
    if problem:
        print(problem, file=sys.stderr)
        return 2
    names = args.tasks or (["3DBall"] if "3DBall" in tasks else [])
    if not names:
        print(f"{missing} Choose battery tasks with --tasks (see --list).")
        return 2
    unknown = [name for name in names if name not in tasks]
    if unknown:
        print(
            f"error: unknown task(s) {', '.join(unknown)}; "
            + (f"{missing} " if missing else "")
            + f"known: {', '.join(tasks)}",
            file=sys.stderr,
        )
        return 2
    out: Path = args.out
    report = args.report or out / "report.md"
    plot = args.plot or out / "learning-curves.png"
    trainers = [TRAINER_TYPE, BUILTIN_TWIN]
    yardstick = any(tasks[name].zoo for name in names)
    if yardstick and not sb3:
        print(SB3_MISSING, flush=True)
    elif yardstick:
        trainers.append(SB3)  # for the tasks with a zoo entry only
    plan = [
        (tasks[name], seed, trainer)
        for name in names
        for seed in range(1, args.seeds + 1)
        # Interleaved, and alternating who goes first, so that a machine getting
        # busier or quieter over time does not favour any trainer.
        for trainer in (trainers if seed % 2 else trainers[::-1])
        if trainer != SB3 or tasks[name].zoo is not None
    ]
    print(
        f"{DIST_NAME}-benchmark: {' vs '.join(trainers)} on "
        f"{', '.join(names)}, seeds 1-{args.seeds}: {len(plan)} runs; results in {out}",
        flush=True,
    )
    with legacy_onnx_export() as onnx_note:  # only to know what the runs will do
        pass
    meta = {**versions(), "seeds": str(args.seeds), "onnx_note": onnx_note or ""}
    if SB3 in trainers:
        meta["stable_baselines3"] = sb3_version()
    done: dict[str, dict[str, Any]] = {}  # by path, reported in the plan's order
    todo: list[RunSpec] = []
    # The config's full path: a Ray worker's folder is not this one.
    config = str(args.config.resolve())
    for number, (task, seed, trainer) in enumerate(plan, 1):
        budget = args.max_steps or task.budget
        label = f"[{number}/{len(plan)}] {task.name}, {trainer}, seed {seed}"
        path = out / "runs" / task.name / f"{trainer}-seed{seed}.json"
        key = fingerprint(task, trainer, budget)
        if path.is_file():
            stored = load_record(path)
            if stored.get("fingerprint") == key:
                print(f"{label}: done before, kept ({path})", flush=True)
                done[str(path)] = stored
                continue
            print(f"{label}: its settings or code changed since {path}; running again")
        todo.append(
            RunSpec(config, task.name, trainer, seed, budget, str(path), key, label)
        )
    order = [
        str(out / "runs" / task.name / f"{trainer}-seed{seed}.json")
        for task, seed, trainer in plan
    ]

    def results() -> list[dict[str, Any]]:
        return [done[path] for path in order if path in done]

    def started(run: RunSpec) -> None:
        task = tasks[run.task]
        print(
            f"{run.label}: training (budget {run.budget:,} steps, stops at a mean "
            f"above {task.threshold:g} over {task.window} episodes)",
            flush=True,
        )

    try:  # nothing to train: no need of the cluster
        runs = dispatcher(train_run, args.ray if todo else None, args.jobs)
    except RuntimeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    finished = runs(todo, args.progress_every, started)
    stopped, exit_code = "", 0
    try:
        for run, exit_code in finished:
            if exit_code != 0:
                what = "interrupted" if exit_code == INTERRUPTED else "failed"
                stopped = f"{run.label}: {what} (exit code {exit_code})"
                break
            record = load_record(Path(run.path))
            reached = record["steps_to_threshold"]
            threshold = tasks[run.task].threshold
            busy = runs.running + runs.queued
            busy_text = (
                f" ({runs.running} running, {runs.queued} queued)" if busy else ""
            )
            print(
                f"{run.label}: "
                + (
                    f"reached {threshold:g} at {reached:,} steps"
                    if reached is not None
                    else f"did not reach {threshold:g} in {run.budget:,} steps"
                )
                + f", {record['steps_per_second'] or 0:,.0f} steps/s, "
                f"{record['wall_seconds']:.0f} s{busy_text}",
                flush=True,
            )
            if record.get("fingerprint") != run.fingerprint:
                print(
                    f"{run.label}: trained with other code or settings than this "
                    "command's (changed meanwhile, or another copy on a cluster node); "
                    "the next call trains it again"
                )
            done[run.path] = record
            write_report(results(), tasks, trainers, meta, report, plot)
    except KeyboardInterrupt:  # while this process wrote a report between runs
        stopped, exit_code = "interrupted", INTERRUPTED
    finally:
        finished.close()  # runs still in progress stop
    if stopped:
        print(
            f"{stopped}. Finished runs are kept in {out}: the same command resumes "
            "from here.",
            file=sys.stderr,
        )
        write_report(results(), tasks, trainers, meta, report, plot)
        return exit_code
    write_report(results(), tasks, trainers, meta, report, plot)
    print(f"Report: {report}\nLearning curves: {plot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
