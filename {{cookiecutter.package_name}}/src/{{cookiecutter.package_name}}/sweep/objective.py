"""A trial's score: the median, over seeds, of the steps to the task's threshold.

Every trial trains the same seeds (1 to ``seeds``) of this package's trainer on
one benchmark task, with the trial's hyperparameters in place of the task's,
through the benchmark's own runs and records: a run stops once ``window``
consecutive episodes average above the task's threshold, and its record says
at which step (``steps_to_threshold``). Lower is better.

* A seed that never reaches the threshold within the budget counts as
  ``FAILED_FACTOR`` times the budget (twice: the budget plus a penalty as
  large), so any seed that got there, however late, beats one that did not.
* Pruning: a trial stops as soon as it cannot beat the best complete trial any
  more, even if every seed still to run reached the threshold at step 0, which
  is when its best possible median (its seeds so far, and zeros for the rest)
  is above the best score. That bound is reported to Optuna after each seed.
  The rule is exact: a pruned trial could not have become the best one.
* A finished run is not trained again: its record (one JSON file per seed,
  under ``<out>/runs/<study>/<hyperparameters' digest>/``) is reused while the
  task, budget and code it was trained with are unchanged (the benchmark's
  fingerprint). A trial that was interrupted, then retried, keeps its seeds.

Change ``FAILED_FACTOR`` to weigh failures differently.
"""

import contextlib
import hashlib
import json
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import optuna

from ..benchmark.catalogue import BenchmarkTask
from ..benchmark.command import (
    TRAINER_TYPE,
    fingerprint,
    load_record,
    with_hyperparameters,
)
from ..benchmark.dispatch import INTERRUPTED, Dispatcher, RunSpec
from ..benchmark.stats import median
from ..search_space import SearchSpace
from .runs import run_seeds
from .space import suggest
from .study import RETRY_OF, SweepError, best_trial, retry, started_trials

FAILED_FACTOR = 2.0
# Which worker ran a trial (stored with it): this machine and process.
WORKER = f"{socket.gethostname()}:{os.getpid()}"


def seed_score(steps_to_threshold: int | None, budget: int) -> float:
    """One seed's score: its steps to the threshold, or the failure's."""
    if steps_to_threshold is None:
        return FAILED_FACTOR * budget
    return float(steps_to_threshold)


def best_possible(scores: list[float], seeds: int) -> float:
    """The lowest median a trial can still reach: its scores, and 0 for each seed left."""
    return median(scores + [0.0] * (seeds - len(scores)))


def digest(hyperparameters: dict[str, Any]) -> str:
    """A short name for a set of hyperparameters (the folder of its runs)."""
    text = json.dumps(hyperparameters, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def shown(hyperparameters: dict[str, Any]) -> str:
    """``learning_rate=0.00123, batch_size=64``: the values, in few digits."""
    return ", ".join(
        f"{name}={value:.3g}" if isinstance(value, float) else f"{name}={value}"
        for name, value in hyperparameters.items()
    )


@dataclass(frozen=True)
class Plan:
    """What every trial of this sweep shares."""

    study: str
    task: BenchmarkTask
    config: Path  # the 3DBall config, for the runs' own catalogue
    space: SearchSpace
    seeds: int
    budget: int
    trials: int  # the study's target of finished trials
    out: Path
    progress_every_s: float


class Objective:
    """Optuna's objective: trains a trial's seeds and returns its median score."""

    def __init__(
        self,
        plan: Plan,
        say: Callable[[str], None],
        dispatch: Dispatcher[RunSpec] | None = None,
    ) -> None:
        self.plan = plan
        self.say = say
        self.dispatch = dispatch  # where runs train: local processes or Ray

    def __call__(self, trial: optuna.Trial) -> float:
        try:
            return self.evaluate(trial)
        except KeyboardInterrupt:
            trial.set_user_attr("interrupted", True)
            retry(trial.study, trial)
            raise

    def runs(self, hyperparameters: dict[str, Any]) -> list[RunSpec]:
        """The trial's runs: one per seed, its record in the folder of its values."""
        plan = self.plan
        task = with_hyperparameters(plan.task, hyperparameters)
        key = fingerprint(task, TRAINER_TYPE, plan.budget)
        folder = plan.out / "runs" / plan.study / digest(hyperparameters)
        return [
            RunSpec(
                config=str(plan.config),
                task=plan.task.name,
                trainer_type=TRAINER_TYPE,
                seed=seed,
                budget=plan.budget,
                path=str(folder / f"seed{seed}.json"),
                fingerprint=key,
                label=f"    seed {seed}",
                hyperparameters=hyperparameters,
            )
            for seed in range(1, plan.seeds + 1)
        ]

    def evaluate(self, trial: optuna.Trial) -> float:
        plan = self.plan
        hyperparameters = suggest(trial, plan.space)
        # This trial's place: the finished ones, and those running now (this
        # one, and other workers').
        number = len(started_trials(trial.study))
        trial.set_user_attr("worker", WORKER)
        again = trial.user_attrs.get(RETRY_OF)
        self.say(
            f"trial {number} of {plan.trials} (#{trial.number}"
            + (f", a retry of #{again}" if again is not None else "")
            + f"): {shown(hyperparameters)}"
        )
        runs = self.runs(hyperparameters)
        done = [run for run in runs if stored(run)]
        scores: list[float] = []
        for run in done:
            self.count(trial, run, scores, "kept from before")
            self.prune_if_hopeless(trial, scores)
        to_train = [run for run in runs if run not in done]
        with contextlib.closing(
            run_seeds(to_train, plan.progress_every_s, self.dispatch)
        ) as finished:
            for run, exit_code in finished:
                if exit_code == INTERRUPTED:
                    raise KeyboardInterrupt
                if exit_code != 0:
                    raise SweepError(
                        f"seed {run.seed} of trial #{trial.number} failed (exit code "
                        f"{exit_code}; its output is above). Hyperparameters: "
                        f"{shown(hyperparameters)}"
                    )
                self.count(trial, run, scores, "")
                self.prune_if_hopeless(trial, scores)
        score = median(scores)
        best = best_trial(trial.study)
        if best is None or score < best.values[0]:
            best_text = "the best so far"
        else:
            best_text = f"best so far: {best.values[0]:,.0f} (#{best.number})"
        self.say(f"  trial {number}: median {score:,.0f} steps, {best_text}")
        return score

    def count(
        self, trial: optuna.Trial, run: RunSpec, scores: list[float], note: str
    ) -> None:
        """Add ``run``'s score to ``scores``; report the trial's bound to Optuna."""
        record = load_record(Path(run.path))
        steps = record["steps_to_threshold"]
        scores.append(seed_score(steps, run.budget))
        trial.set_user_attr(f"seed{run.seed}_steps_to_threshold", steps)
        trial.report(best_possible(scores, self.plan.seeds), step=len(scores))
        threshold = f"{record['threshold']:g}"
        result = (
            f"reached {threshold} at {steps:,} steps"
            if steps is not None
            else f"did not reach {threshold} in {run.budget:,} steps "
            f"(counts as {scores[-1]:,.0f})"
        )
        self.say(f"    seed {run.seed}: {result}" + (f" ({note})" if note else ""))

    def prune_if_hopeless(self, trial: optuna.Trial, scores: list[float]) -> None:
        """Stop the trial once even perfect remaining seeds could not make it best."""
        seeds = self.plan.seeds
        best = best_trial(trial.study)
        if best is None or len(scores) == seeds:
            return
        bound = best_possible(scores, seeds)
        if bound > best.values[0]:
            message = (
                f"pruned after {len(scores)} of {seeds} seeds: its median would be "
                f"at least {bound:,.0f}, above the best, {best.values[0]:,.0f} "
                f"(#{best.number})"
            )
            self.say(f"  {message}")
            raise optuna.TrialPruned(message)


def stored(run: RunSpec) -> bool:
    """Whether ``run`` finished before, with the same task, budget and code."""
    path = Path(run.path)
    return path.is_file() and load_record(path).get("fingerprint") == run.fingerprint
