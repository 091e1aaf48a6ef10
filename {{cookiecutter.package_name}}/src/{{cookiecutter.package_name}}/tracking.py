"""Experiment tracking with MLflow: a ``StatsWriter`` that ML-Agents adds to its own.

ML-Agents calls every function registered under its ``mlagents.stats_writer``
entry-point group (``pyproject.toml`` registers ``stats_writers`` below) when a
run starts, in ``mlagents-learn`` and in this package's train command alike.
Tracking is off unless asked for, so TensorBoard stays the only tracker by
default; the switch is an environment variable named after this package
(``SWITCH``), so that two trainer packages installed side by side do not both
log the same run::

    <PACKAGE>_TRACKING=mlflow mlagents-learn config.yaml --run-id first

where ``<PACKAGE>`` is this package's name in capitals. MLflow is configured
the usual way: ``MLFLOW_TRACKING_URI`` (unset: MLflow's default, ``mlflow.db``
in the current folder), ``MLFLOW_EXPERIMENT_NAME`` or ``MLFLOW_EXPERIMENT_ID``
(unset: the experiment named ``DEFAULT_EXPERIMENT``).

One ML-Agents run is one MLflow run, named after its run id: its params are
each behavior's settings (``<behavior>.hyperparameters.learning_rate``, ...,
``<behavior>.trainer_type``), the seed and the versions; its metrics are every
summary ML-Agents writes, ``<behavior>/<stat>`` at ML-Agents' step, as
TensorBoard gets them. ``--resume`` continues the run of the same run id. The
MLflow run ends when training does: FINISHED when the process exits normally,
FAILED on an uncaught exception, KILLED on Ctrl-C during shutdown; in-process
training (a notebook) calls ``MlflowWriter.close()``. A tracking server that
fails never stops training: each failure is a warning.

Change ``metrics`` to choose what is logged, ``DEFAULT_EXPERIMENT`` for the
default experiment, or write another ``StatsWriter`` for another tracker.
"""

import atexit
import contextlib
import os
import re
import sys
import time
import weakref
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from mlagents.trainers.settings import RunOptions
from mlagents.trainers.stats import StatsPropertyType, StatsSummary, StatsWriter
from mlagents_envs import logging_util
from mlagents_envs.side_channel.stats_side_channel import StatsAggregationMethod

from . import __version__

if TYPE_CHECKING:  # imported when tracking is on (MLflow is an optional extra)
    from mlflow import MlflowClient
    from mlflow.entities import Metric

# The package name in capitals, then _TRACKING; "mlflow" switches tracking on.
SWITCH = "{{ cookiecutter.package_name }}".upper() + "_TRACKING"
MLFLOW = "mlflow"
EXTRA = "{{ cookiecutter.distribution_name }}[tracking]"
DEFAULT_EXPERIMENT = "{{ cookiecutter.distribution_name }}"
# The tag that finds a run again on --resume.
RUN_ID_TAG = "mlagents.run_id"
TRAINER_TYPES_TAG = "mlagents.trainer_types"
# What ML-Agents' TensorBoard writer leaves out too.
HIDDEN_STATS = frozenset({"Is Training", "Step"})
# Stats over episodes, whose spread is logged too (ML-Agents reports the episode
# reward as a histogram, custom stats from a side channel as averages).
SPREAD = (StatsAggregationMethod.AVERAGE, StatsAggregationMethod.HISTOGRAM)
# MLflow's limits (mlflow.utils.validation): entries per log_batch call, characters
# in a param's value. Names may hold these characters only (no colon: Windows).
BATCH = 100
MAX_VALUE = 6000
NOT_IN_A_NAME = re.compile(r"[^/\w.\- ]")

logger = logging_util.get_logger(__name__)


class TrackingError(RuntimeError):
    """Tracking was asked for and cannot work (ML-Agents logs this, then trains on)."""


def stats_writers(run_options: RunOptions) -> list[StatsWriter]:
    """The ``mlagents.stats_writer`` entry point: an MLflow writer if asked for.

    ML-Agents calls it once per run with the run's options. Without the switch
    it returns no writer. An error here is logged by ML-Agents ("Error
    initializing StatsWriter plugins ... This plugin will not be used"), with
    this module's message last, and training goes on without tracking.
    """
    choice = os.environ.get(SWITCH, "").strip().lower()
    if choice in ("", "0", "off", "none", "false"):
        return []
    if choice != MLFLOW:
        raise TrackingError(
            f"{SWITCH}={choice!r} is not a tracker this package knows: "
            f"set {SWITCH}={MLFLOW}, or unset it for none"
        )
    return [MlflowWriter(run_options)]


def mlflow_client() -> "MlflowClient":
    """A client for ``MLFLOW_TRACKING_URI`` (or MLflow's default), or one clear error."""
    try:
        from mlflow import MlflowClient
    except ImportError as error:
        raise TrackingError(
            f"{SWITCH}={MLFLOW} needs MLflow, which is not installed "
            f"({error}): pip install '{EXTRA}'"
        ) from None
    return MlflowClient()


def metrics(
    category: str, values: Mapping[str, StatsSummary], step: int, timestamp: int
) -> Iterator["Metric"]:
    """One summary's metrics: each stat as TensorBoard shows it, at ML-Agents' step.

    The value is ML-Agents' aggregate (the mean, or the sum or the latest value
    for stats reported that way). Episode stats (``Environment/...``, averaged
    over the episodes since the last summary) also get their spread, as
    ``<stat> std``: the console's "Std of Reward".
    """
    from mlflow.entities import Metric

    for stat, summary in values.items():
        if stat in HIDDEN_STATS:
            continue
        name = metric_name(f"{category}/{stat}")
        yield Metric(name, float(summary.aggregated_value), timestamp, step)
        if stat.startswith("Environment/") and summary.aggregation_method in SPREAD:
            yield Metric(f"{name} std", float(summary.std), timestamp, step)


def metric_name(name: str) -> str:
    """``name`` with the characters MLflow refuses in a key replaced by ``_``."""
    return NOT_IN_A_NAME.sub("_", name)[:250]


def flatten(settings: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    """Nested settings as MLflow params: ``a`` holding ``b: 1`` becomes ``a.b: "1"``."""
    flat: dict[str, str] = {}
    for key, value in settings.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            flat.update(flatten(value, f"{name}."))
        else:
            flat[metric_name(name)] = str(value)[:MAX_VALUE]
    return flat


def versions() -> dict[str, str]:
    """The versions a run's results depend on, as params."""
    from importlib import metadata

    import torch

    found = {
        "{{ cookiecutter.package_name }}_version": __version__,
        "torch_version": str(torch.__version__),
    }
    for name in ("mlagents", "mlagents-envs"):
        try:
            found[f"{name.replace('-', '_')}_version"] = metadata.version(name)
        except metadata.PackageNotFoundError:  # a source checkout of ML-Agents
            pass
    return found


class _RunEnd:
    """Ends one MLflow run once: when the writer is closed, dropped, or at exit.

    It holds the client and the run's id, not the writer, so that it can run
    when the writer is garbage collected (``weakref.finalize``).
    """

    def __init__(self, client: "MlflowClient", run_id: str) -> None:
        self.client = client
        self.run_id = run_id
        self.open = True

    def __call__(self, status: str) -> None:
        if not self.open:
            return
        self.open = False
        atexit.unregister(self.at_exit)
        try:
            self.client.set_terminated(self.run_id, status)
        except Exception as error:  # the server went away: it keeps RUNNING
            logger.warning(f"MLflow run {self.run_id} could not be ended: {error}")

    def at_exit(self) -> None:
        # Python records an exception that ended the program (training failed,
        # or a second Ctrl-C) in sys.last_value before it runs exit handlers;
        # ML-Agents itself ends a Ctrl-C'd run as a normal one, and saves.
        ended_by = getattr(sys, "last_value", None)
        if ended_by is None:
            self("FINISHED")
        else:
            self("KILLED" if isinstance(ended_by, KeyboardInterrupt) else "FAILED")


class MlflowWriter(StatsWriter):
    """Logs an ML-Agents run to one MLflow run; see the module's docstring.

    Several behaviors (and trainers) share the run: each one's params and
    metrics are prefixed with its behavior name, and the tag
    ``mlagents.trainer_types`` lists the trainer types used.
    """

    def __init__(
        self, run_options: RunOptions, client: "MlflowClient | None" = None
    ) -> None:
        self.client = client if client is not None else mlflow_client()
        checkpoints = run_options.checkpoint_settings
        self.run_id = self._start_run(checkpoints.run_id, checkpoints.resume)
        self.params = dict(self.client.get_run(self.run_id).data.params)
        self.trainer_types: set[str] = set()
        env = run_options.env_settings
        self._log_params(
            {
                # -1: ML-Agents drew one, which it logs but does not pass on.
                "seed": str(env.seed),
                "num_envs": str(env.num_envs),
                "num_areas": str(env.num_areas),
                **versions(),
            }
        )
        self._end = _RunEnd(self.client, self.run_id)
        atexit.register(self._end.at_exit)
        # A writer nobody holds any more (StatsReporter's list cleared after an
        # in-process run) writes nothing more: its run has ended.
        weakref.finalize(self, self._end, "FINISHED").atexit = False

    @property
    def active(self) -> bool:
        return self._end.open

    def close(self, status: str = "FINISHED") -> None:
        """End the MLflow run now (once); for training run in-process."""
        self._end(status)

    def write_stats(
        self, category: str, values: dict[str, StatsSummary], step: int
    ) -> None:
        timestamp = int(time.time() * 1000)
        batch = list(metrics(category, values, step, timestamp))
        with self._warn_on_failure("metrics"):
            for start in range(0, len(batch), BATCH):
                self.client.log_batch(self.run_id, metrics=batch[start : start + BATCH])

    def add_property(
        self, category: str, property_type: StatsPropertyType, value: Any
    ) -> None:
        if property_type == StatsPropertyType.HYPERPARAMETERS:
            # Each trainer's settings as it runs them, defaults filled in.
            self._log_params(flatten(value, f"{category}."))
            if "trainer_type" in value:
                self.trainer_types.add(str(value["trainer_type"]))
                types = ",".join(sorted(self.trainer_types))
                with self._warn_on_failure("tags"):
                    self.client.set_tag(self.run_id, TRAINER_TYPES_TAG, types)
        elif property_type == StatsPropertyType.SELF_PLAY:
            with self._warn_on_failure("tags"):
                tag = f"{metric_name(category)}.self_play"
                self.client.set_tag(self.run_id, tag, str(value))

    def _start_run(self, run_name: str, resume: bool) -> str:
        experiment_id = self._experiment_id()
        found = self._run_to_resume(experiment_id, run_name) if resume else None
        if found is not None:
            self.client.update_run(found, status="RUNNING")
            logger.info(f"MLflow: continuing run {found} ({run_name})")
            return found
        run = self.client.create_run(
            experiment_id, run_name=run_name, tags={RUN_ID_TAG: run_name}
        )
        logger.info(
            f"MLflow: run {run.info.run_id} ({run_name}) in experiment "
            f"{experiment_id}, at {self.client.tracking_uri}"
        )
        return str(run.info.run_id)

    def _run_to_resume(self, experiment_id: str, run_name: str) -> str | None:
        """The latest MLflow run of the ML-Agents run ``run_name``, if any."""
        try:
            found = self.client.search_runs(
                [experiment_id],
                filter_string=f"tags.`{RUN_ID_TAG}` = '{run_name}'",
                order_by=["attributes.start_time DESC"],
                max_results=1,
            )
        except Exception as error:  # a run id MLflow's filter cannot quote, say
            logger.warning(f"MLflow: no run to continue found ({error}); a new one")
            return None
        return str(found[0].info.run_id) if found else None

    def _experiment_id(self) -> str:
        """``MLFLOW_EXPERIMENT_ID``, or the one ``MLFLOW_EXPERIMENT_NAME`` names."""
        given = os.environ.get("MLFLOW_EXPERIMENT_ID")
        if given:
            return given
        name = os.environ.get("MLFLOW_EXPERIMENT_NAME") or DEFAULT_EXPERIMENT
        experiment = self.client.get_experiment_by_name(name)
        if experiment is not None:
            return str(experiment.experiment_id)
        return str(self.client.create_experiment(name))

    def _log_params(self, params: Mapping[str, str]) -> None:
        """Log the params this run does not have yet (MLflow's cannot change)."""
        from mlflow.entities import Param

        new = {}
        for key, value in params.items():
            if key not in self.params:
                new[key] = value
            elif self.params[key] != value:
                logger.warning(
                    f"MLflow: {key} is {value} now, {self.params[key]} in the run "
                    "being resumed; the run keeps the first"
                )
        batch = [Param(key, value) for key, value in new.items()]
        with self._warn_on_failure("params"):
            for start in range(0, len(batch), BATCH):
                self.client.log_batch(self.run_id, params=batch[start : start + BATCH])
        self.params.update(new)

    @contextlib.contextmanager
    def _warn_on_failure(self, what: str) -> Iterator[None]:
        """A tracking failure is a warning, never a training failure."""
        try:
            yield
        except Exception as error:
            logger.warning(f"MLflow: {what} not logged: {error}")
