"""{{ cookiecutter.distribution_name }}-sweep: tune this trainer's hyperparameters with Optuna.

    {{ cookiecutter.distribution_name }}-sweep --task goal-1d-discrete --trials 30 --seeds 3
    {{ cookiecutter.distribution_name }}-sweep --task 3DBall --storage postgresql://user:pw@host/db --study ball

Each trial samples the hyperparameters of ``SEARCH_SPACE`` (``settings.py``),
trains seeds 1 to ``--seeds`` on a benchmark task with them, and scores the
median of their steps to the task's threshold (``objective.py``: failures and
pruning). The command runs trials until the study has ``--trials`` finished
ones (complete or pruned), counting every worker's, then prints the best
hyperparameters as a YAML block. Run the same command again to resume: the
study lives in its storage (``study.py``), and finished runs are reused.
"""

import argparse
import sys
from pathlib import Path
from typing import Any

from mlagents.plugins.trainer_type import register_trainer_plugins
from mlagents.trainers.exception import TrainerConfigError

from ..benchmark.catalogue import BenchmarkTask
from ..benchmark.command import (
    TRAINER_TYPE,
    add_run_options,
    catalogue,
    train_run,
)
from ..benchmark.dispatch import INTERRUPTED, dispatcher
from ..search_space import describe
from ..settings import SEARCH_SPACE
from .space import check_space

DIST_NAME = "{{ cookiecutter.distribution_name }}"
DEFAULT_TRIALS = 20
DEFAULT_SEEDS = 3
DEFAULT_HEARTBEAT_S = 60


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=f"{DIST_NAME}-sweep",
        description=f"Tune {TRAINER_TYPE}'s hyperparameters (settings.SEARCH_SPACE) "
        "with Optuna: the median over seeds of the steps to a benchmark task's "
        "threshold, lower is better.",
    )
    parser.add_argument(
        "--task",
        metavar="TASK",
        help="the benchmark task to tune on, see --list (default: 3DBall, where "
        "the simulator tooling is installed)",
    )
    parser.add_argument(
        "--trials",
        type=int,
        default=DEFAULT_TRIALS,
        metavar="N",
        help="stop once the study has N finished trials, complete or pruned, "
        "every worker's counted (default: %(default)s)",
    )
    parser.add_argument(
        "--seeds",
        type=int,
        default=DEFAULT_SEEDS,
        metavar="N",
        help="train seeds 1 to N in every trial (default: %(default)s)",
    )
    parser.add_argument(
        "--max-steps",
        type=int,
        metavar="N",
        help="the step budget of every run (default: the task's, see --list)",
    )
    parser.add_argument(
        "--study",
        metavar="NAME",
        help="the study's name in the storage; workers sharing a storage and a "
        "name share the study (default: the task's name)",
    )
    parser.add_argument(
        "--storage",
        metavar="URL",
        help="the study's database: any SQLAlchemy URL, e.g. "
        "postgresql://user:password@host/db (default: sqlite:///<out>/sweep.db)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("results") / "sweep",
        metavar="FOLDER",
        help="the results folder: each run's record and ML-Agents output, and "
        "the default SQLite database (default: %(default)s)",
    )
    parser.add_argument(
        "--heartbeat",
        type=int,
        default=DEFAULT_HEARTBEAT_S,
        metavar="SECONDS",
        help="how often a worker marks its trial alive; a trial silent for "
        "twice this (its worker was killed) is failed and run again "
        "(default: %(default)s)",
    )
    add_run_options(parser)  # --config, --progress-every, --ray, --jobs, --list
    return parser


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = build_parser()
    args = parser.parse_args(argv)
    for option in ("trials", "seeds", "heartbeat"):
        if getattr(args, option) < 1:
            parser.error(f"--{option} must be at least 1")
    if args.max_steps is not None and args.max_steps <= 0:
        parser.error("--max-steps must be a positive number of steps")
    if args.jobs is not None and args.jobs < 1:
        parser.error("--jobs must be at least 1")
    return args


def check_optuna() -> str | None:
    """One line saying what is missing to sweep, or None."""
    try:
        import optuna  # noqa: F401
    except ModuleNotFoundError:
        return (
            "error: the sweep needs Optuna: "
            f"pip install '{DIST_NAME}[sweep]' (or pip install optuna)"
        )
    return None


def say(line: str) -> None:
    print(line, flush=True)


def best_block(hyperparameters: dict[str, Any]) -> str:
    """The hyperparameters as the ``hyperparameters:`` block of a YAML config."""
    return "\n".join(
        (
            f"      {name}: {value:.4g}"
            if isinstance(value, float)
            else f"      {name}: {value}"
        )
        for name, value in hyperparameters.items()
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_arguments(sys.argv[1:] if argv is None else argv)
    tasks, missing = catalogue(args.config)
    if args.list:
        if missing:
            print(missing)
        for task in tasks.values():
            print(f"{task.name:20} {task.about} (budget {task.budget:,} steps)")
        return 0
    problem = check_optuna()
    if problem:
        print(problem, file=sys.stderr)
        return 2
    name = args.task or ("3DBall" if "3DBall" in tasks else None)
    if name is None:
        print(f"{missing} Choose a battery task with --task (see --list).")
        return 2
    if name not in tasks:
        print(
            f"error: unknown task {name}; "
            + (f"{missing} " if missing and name == "3DBall" else "")
            + f"known: {', '.join(tasks)}",
            file=sys.stderr,
        )
        return 2
    return sweep(args, tasks[name])


def sweep(args: argparse.Namespace, task: BenchmarkTask) -> int:
    """Run trials on ``task`` until the study has ``--trials`` finished ones."""
    # Imported once Optuna is known to be there: these modules use it.
    import optuna

    from .objective import Objective, Plan
    from .study import (
        SweepError,
        best_trial,
        counts,
        default_storage,
        finished_trials,
        open_storage,
        open_study,
        shown,
    )

    register_trainer_plugins()  # the space's corners are structured for our trainer
    try:
        corners = check_space(SEARCH_SPACE, task, TRAINER_TYPE)
    except TrainerConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    plan = Plan(
        study=args.study or task.name,
        task=task,
        config=args.config,
        space=SEARCH_SPACE,
        seeds=args.seeds,
        budget=args.max_steps or task.budget,
        trials=args.trials,
        out=args.out,
        progress_every_s=args.progress_every,
    )
    measure = {
        "task": task.name,
        "trainer_type": TRAINER_TYPE,
        "budget": plan.budget,
        "seeds": plan.seeds,
        "threshold": task.threshold,
        "window": task.window,
        "space": describe(SEARCH_SPACE),
    }
    try:  # Ray's cluster is reached once, before the study opens
        dispatch = dispatcher(train_run, args.ray, args.jobs)
    except RuntimeError as error:  # Ray missing, or its cluster unreachable
        print(f"error: {error}", file=sys.stderr)
        return 2
    url = args.storage or default_storage(args.out)
    # The command prints its own progress; Optuna's log would repeat it.
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    try:
        study = open_study(plan.study, open_storage(url, args.heartbeat), measure)
        say(
            f"{DIST_NAME}-sweep: study {plan.study!r} in {shown(url)} "
            f"({counts(study)}); {TRAINER_TYPE} on {task.name}, seeds "
            f"1-{plan.seeds}, {plan.budget:,} steps each, to a mean above "
            f"{task.threshold:g} over {task.window} episodes; until {plan.trials} "
            f"trials have finished. Space ({corners} corners checked): "
            f"{describe(SEARCH_SPACE)}"
        )
        objective = Objective(plan, say, dispatch)
        while len(finished_trials(study)) < plan.trials:
            study.optimize(objective, n_trials=1)
    except SweepError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(
            "Interrupted: the trial that was running is marked failed and queued "
            f"again (its finished seeds are kept in {args.out}); the same command "
            "resumes.",
            file=sys.stderr,
        )
        return INTERRUPTED
    say(f"Study {plan.study!r}: {counts(study)}.")
    best = best_trial(study)
    if best is not None:
        say(
            f"Best: trial #{best.number}, median {best.values[0]:,.0f} steps over "
            f"{plan.seeds} seeds. In your config's hyperparameters:\n"
            + best_block(best.params)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
