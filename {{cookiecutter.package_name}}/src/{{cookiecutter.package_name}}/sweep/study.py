"""Where a sweep's study lives, and how a trial that did not finish is run again.

The study (its trials, their hyperparameters and scores) lives in a database:
SQLite under the results folder by default, or any database URL that
SQLAlchemy knows (``postgresql://user:password@host/db``), which lets many
workers on many machines share one study: each runs the same command with the
same ``--storage`` and ``--study``, and they take turns asking for trials.

A trial that does not finish is marked failed and queued again with the same
hyperparameters (its finished seeds are reused from their records):

* Ctrl-C: the objective queues it before it stops (``retry``);
* a killed worker: its trial keeps running in the database, and stops beating
  (Optuna's heartbeat, every ``heartbeat_s`` seconds). Once it is silent for
  twice that, the next worker to ask for a trial fails it and queues it again.

The study remembers what it measures (task, budget, seeds, threshold, space):
a command asking for a different measure is refused, since its trials would not
compare. Change ``DEFAULT_FILE`` or the sampler (``open_study``) here.
"""

import time
import warnings
from pathlib import Path
from typing import Any

import optuna
from optuna.exceptions import ExperimentalWarning
from optuna.trial import FrozenTrial, TrialState
from sqlalchemy.engine import make_url

DEFAULT_FILE = "sweep.db"
FINISHED = (TrialState.COMPLETE, TrialState.PRUNED)
OPEN_ATTEMPTS = 3
RETRY_OF = "retry_of"  # the user attribute naming the trial a retry repeats


class SweepError(Exception):
    """A problem the command reports in one line."""


def default_storage(out: Path) -> str:
    """The SQLite database under the results folder ``out``."""
    return f"sqlite:///{(out / DEFAULT_FILE).as_posix()}"


def shown(url: str) -> str:
    """``url`` without its password, to print."""
    try:
        return str(make_url(url).render_as_string(hide_password=True))
    except Exception:  # not a URL SQLAlchemy parses: nothing to hide
        return url


def retry(study: optuna.Study, trial: FrozenTrial | optuna.Trial) -> None:
    """Queue ``trial``'s hyperparameters again, as a retry of it."""
    original = trial.user_attrs.get(RETRY_OF, trial.number)
    study.enqueue_trial(trial.params, user_attrs={RETRY_OF: original})


def with_driver(url: str) -> str:
    """``url``, where it names PostgreSQL without a driver, with psycopg (3)'s.

    SQLAlchemy's default PostgreSQL driver is psycopg2 up to 2.0 and psycopg
    from 2.1; the sweep extra installs psycopg, so a plain URL works on both.
    """
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def open_storage(url: str, heartbeat_s: int) -> optuna.storages.RDBStorage:
    """The database at ``url``, with a heartbeat that catches killed workers."""
    url = with_driver(url)
    engine_kwargs: dict[str, Any] = {}
    if url.startswith("sqlite:"):
        # Workers on one machine may share the file: wait for its lock rather
        # than fail at once.
        engine_kwargs["connect_args"] = {"timeout": 60}
        path = make_url(url).database
        if path:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
    # Workers starting together may race to make the tables of a new database:
    # the loser's error goes away on a second try.
    for attempt in range(1, OPEN_ATTEMPTS + 1):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ExperimentalWarning)  # the heartbeat
                return optuna.storages.RDBStorage(
                    url,
                    engine_kwargs=engine_kwargs,
                    heartbeat_interval=heartbeat_s,
                    grace_period=2 * heartbeat_s,
                    heartbeat_stale_trial_callback=retry,
                )
        except ImportError as error:
            raise SweepError(
                f"no database driver for {shown(url)} ({error.__cause__ or error}); "
                "PostgreSQL's comes with the sweep extra: pip install "
                "'{{ cookiecutter.distribution_name }}[sweep]' (for another database, install its SQLAlchemy driver)"
            ) from error
        except Exception as error:  # SQLAlchemy's errors: a bad URL, no server
            if attempt < OPEN_ATTEMPTS:
                time.sleep(attempt)
                continue
            first_line = str(error).strip().splitlines()[0] if str(error) else ""
            raise SweepError(
                f"cannot open the study storage {shown(url)}: "
                f"{type(error).__name__}: {first_line}"
            ) from error
    raise AssertionError("unreachable")


def open_study(
    name: str, storage: optuna.storages.RDBStorage, measure: dict[str, Any]
) -> optuna.Study:
    """The study ``name`` in ``storage`` (made if new), checked to measure ``measure``."""
    study = optuna.create_study(
        study_name=name,
        storage=storage,
        direction="minimize",
        load_if_exists=True,
        # constant_liar: workers running trials at once sample apart.
        sampler=optuna.samplers.TPESampler(constant_liar=True),
    )
    stored = study.user_attrs.get("measure")
    if stored is None:
        study.set_user_attr("measure", measure)
    elif stored != measure:
        changed = ", ".join(
            f"{key} {stored.get(key)!r} (asked: {measure.get(key)!r})"
            for key in sorted(set(stored) | set(measure))
            if stored.get(key) != measure.get(key)
        )
        raise SweepError(
            f"study {name!r} measures something else: {changed}. Its trials "
            "would not compare: name another study with --study, or ask for the same."
        )
    return study


def finished_trials(study: optuna.Study) -> list[FrozenTrial]:
    """The study's complete and pruned trials, every worker's."""
    return study.get_trials(deepcopy=False, states=FINISHED)


def started_trials(study: optuna.Study) -> list[FrozenTrial]:
    """The study's finished trials and those running now, every worker's."""
    return study.get_trials(deepcopy=False, states=(*FINISHED, TrialState.RUNNING))


def best_trial(study: optuna.Study) -> FrozenTrial | None:
    """The complete trial with the lowest score, or None yet."""
    complete = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    return min(complete, key=lambda trial: trial.values[0], default=None)


def counts(study: optuna.Study) -> str:
    """``3 complete, 1 pruned, 1 failed``: the study's trials by state."""
    trials = study.get_trials(deepcopy=False)
    parts = []
    for state in TrialState:
        number = sum(1 for trial in trials if trial.state == state)
        if number:
            parts.append(f"{number} {state.name.lower()}")
    return ", ".join(parts) or "no trials yet"
