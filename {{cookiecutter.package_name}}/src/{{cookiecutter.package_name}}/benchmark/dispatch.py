"""Where the benchmark's runs train: fresh local processes, or tasks on a Ray cluster.

A dispatcher takes the runs (``RunSpec``) and a ``train`` function that trains
one run in the calling process and returns its record, and yields each run
with its exit code as it finishes (0: its record is written). Every run
trains in a fresh process, so ML-Agents' global state (stats writers, timers,
training status), torch and the random generators start alike for each:

* ``LocalRuns``: one spawned process per run, ``jobs`` at a time; the process
  writes the record.
* ``RayRuns``: one Ray task per run, in a worker process used for that task
  only (``max_calls=1``), ``jobs`` at a time (the cluster's CPUs unless told).
  The task trains in a scratch folder on its node and returns the record and
  that folder (zipped) to this process, which writes both under the results
  folder: no filesystem is shared with the cluster's nodes.

Ctrl-C stops the runs in progress (each saves its model, as ML-Agents does,
and writes no record); the dispatcher then yields ``INTERRUPTED`` for them
and raises ``KeyboardInterrupt``. Runs that finished keep their records, so
the same command resumes. A sweep reuses this with its own ``train`` (and a subclass of
``RunSpec`` if it needs more fields); change how runs are placed here.
"""

import contextlib
import dataclasses
import io
import json
import logging
import multiprocessing
import os
import signal
import socket
import sys
import tempfile
import zipfile
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any, Generic, TypeVar

INTERRUPTED = 130
FAILED = 1
# How long stopped runs get to save their model before they are killed.
STOP_GRACE_S = 30.0

Record = dict[str, Any]


@dataclass(frozen=True)
class RunSpec:
    """One run, as handed to the process that trains it."""

    config: str
    task: str
    trainer_type: str
    seed: int
    budget: int
    path: str  # where the record goes; the run's ML-Agents output beside it
    fingerprint: str
    label: str
    # Values replacing the task's hyperparameters (a sweep's trial); none here.
    hyperparameters: dict[str, Any] = field(default_factory=dict)


Run = TypeVar("Run", bound=RunSpec)
# Trains one run in this process; its record. ML-Agents' output goes to the
# folder ``Path(run.path).with_suffix("")``.
Train = Callable[[Run, float], Record]


def write_record(path: Path, record: Record) -> None:
    """Write a run's record whole: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".json.partial")
    partial.write_text(json.dumps(record) + "\n")
    partial.replace(path)


def train_unless_interrupted(
    train: Train[Run], run: Run, progress_every_s: float
) -> Record | None:
    """Train ``run``; its record, or None if Ctrl-C (or a cancel) stopped it.

    ML-Agents catches the interrupt, saves and returns as if training were
    done, so the interrupt is noted here and the shortened run has no record.
    """
    interrupted = False

    def on_interrupt(signum: int, frame: Any) -> None:
        nonlocal interrupted
        interrupted = True
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, on_interrupt)
    record = train(run, progress_every_s)
    return None if interrupted else record


def train_and_record(train: Train[Run], run: Run, progress_every_s: float) -> None:
    """In a fresh local process: train ``run`` and write its record, if it finished."""
    record = train_unless_interrupted(train, run, progress_every_s)
    if record is None:
        sys.exit(INTERRUPTED)
    write_record(Path(run.path), record)


class Dispatcher(Generic[Run]):
    """Starts runs, ``jobs`` at a time, and yields each as it finishes.

    ``running`` and ``queued`` say how many runs are in progress and waiting,
    for progress lines. Subclasses say how a run starts, ends and is stopped.
    """

    def __init__(self, train: Train[Run], jobs: int = 1) -> None:
        self.train = train
        self.jobs = jobs
        self.running = 0
        self.queued = 0

    def __call__(
        self,
        runs: Sequence[Run],
        progress_every_s: float,
        started: Callable[[Run], None] = lambda run: None,
    ) -> Generator[tuple[Run, int], None, None]:
        """Each run of ``runs`` and its exit code, in the order they finish.

        ``started(run)`` is called as a run starts. After Ctrl-C the runs in
        progress stop and come last with ``INTERRUPTED`` (finished ones first),
        nothing more starts, and ``KeyboardInterrupt`` is raised to the caller.
        """
        queue = list(runs)
        active: dict[Any, Run] = {}
        try:
            while queue or active:
                while queue and len(active) < self.jobs:
                    run = queue.pop(0)
                    started(run)
                    active[self._start(run, progress_every_s)] = run
                    self.queued, self.running = len(queue), len(active)
                try:
                    ready = self._wait(list(active))
                except KeyboardInterrupt:
                    stopped = self._stop(active, forward=False)
                    active.clear()
                    self.queued = self.running = 0
                    yield from sorted(stopped, key=lambda done: done[1] != 0)
                    # The caller stops too, even where every run in progress
                    # finished: a process still starting can miss a Ctrl-C.
                    raise
                for handle in ready:
                    run = active.pop(handle)
                    self.queued, self.running = len(queue), len(active)
                    yield run, self._finish(handle, run)
        finally:
            # The caller stopped early (a run failed): stop the others too.
            if active:
                self._stop(active, forward=True)
            self.queued = self.running = 0

    def _start(self, run: Run, progress_every_s: float) -> Any:
        """Start ``run``; a handle to wait on."""
        raise NotImplementedError

    def _wait(self, handles: list[Any]) -> list[Any]:
        """Wait until at least one of ``handles`` is done; those done."""
        raise NotImplementedError

    def _finish(self, handle: Any, run: Run) -> int:
        """The exit code of a finished run, its record written where it goes."""
        raise NotImplementedError

    def _stop(self, active: dict[Any, Run], forward: bool) -> list[tuple[Run, int]]:
        """Stop the runs in progress (a finished one keeps its record); each's
        exit code, ``INTERRUPTED`` for those stopped. ``forward``: tell them
        to stop (a Ctrl-C at the terminal reached local runs already)."""
        raise NotImplementedError


class LocalRuns(Dispatcher[Run]):
    """Each run in a fresh spawned process on this machine, ``jobs`` at a time.

    Runs at once share this machine's cores, which slows each of them (and
    their steps per second in the report): one at a time is the default.
    """

    def _start(self, run: Run, progress_every_s: float) -> BaseProcess:
        Path(run.path).parent.mkdir(parents=True, exist_ok=True)
        process = multiprocessing.get_context("spawn").Process(
            target=train_and_record, args=(self.train, run, progress_every_s)
        )
        process.start()
        return process

    def _wait(self, handles: list[Any]) -> list[Any]:
        ready = set(wait([process.sentinel for process in handles]))
        return [process for process in handles if process.sentinel in ready]

    def _finish(self, handle: Any, run: Run) -> int:
        handle.join()
        return int(handle.exitcode or 0)

    def _stop(self, active: dict[Any, Run], forward: bool) -> list[tuple[Run, int]]:
        for process in active:
            if forward and process.pid is not None and process.is_alive():
                if os.name == "posix":
                    os.kill(process.pid, signal.SIGINT)  # it saves, then exits
                else:
                    process.terminate()
        stopped = []
        for process, run in active.items():
            process.join(STOP_GRACE_S)
            if process.is_alive():
                process.kill()
                process.join()
            code = int(process.exitcode or 0)
            stopped.append((run, code and INTERRUPTED))
        return stopped


def train_remotely(
    train: Train[Run], run: Run, progress_every_s: float
) -> tuple[Record, bytes, str]:
    """In a Ray worker: train ``run`` in a scratch folder on this node.

    Returns the record, the run's ML-Agents folder as a zip archive (which the
    driver unpacks where a local run would have written it) and that folder's
    path here (which ML-Agents wrote into its training status).
    """
    with tempfile.TemporaryDirectory(prefix="benchmark-run-") as scratch:
        here = dataclasses.replace(run, path=str(Path(scratch) / Path(run.path).name))
        record = train_unless_interrupted(train, here, progress_every_s)
        if record is None:
            raise KeyboardInterrupt  # Ray reports the task as cancelled
        folder = Path(here.path).with_suffix("")
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as packed:
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    packed.write(path, path.relative_to(folder).as_posix())
    return record, archive.getvalue(), str(folder)


# How long a HOST:PORT gets to accept a connection: Ray itself would retry
# an address where nothing listens for minutes.
CONNECT_TIMEOUT_S = 10.0
CLUSTER_HINT = (
    "is it running (`ray start --head`)? A cluster with token authentication "
    "needs RAY_AUTH_MODE=token and its token here (see the README)"
)


def connect_to_ray(address: str) -> Any:
    """The ``ray`` module, connected to the cluster at ``address``.

    Raises ``RuntimeError`` with one line to show when Ray is not installed
    or the cluster cannot be reached.
    """
    try:
        import ray
    except ModuleNotFoundError:
        raise RuntimeError("--ray needs Ray: pip install '{{ cookiecutter.distribution_name }}[ray]'") from None
    if ray.is_initialized():
        return ray
    host, _, port = address.rpartition(":")
    if host and port.isdigit():
        try:
            socket.create_connection((host, int(port)), CONNECT_TIMEOUT_S).close()
        except OSError as error:
            raise RuntimeError(
                f"cannot reach the Ray cluster at {address}: {error.strerror or error}; "
                + CLUSTER_HINT
            ) from None
    try:
        ray.init(address=address, logging_level=logging.WARNING)
    except (ConnectionError, RuntimeError, ValueError) as error:
        lines = str(error).strip().splitlines() or [type(error).__name__]
        raise RuntimeError(
            f"cannot reach the Ray cluster at {address}: {lines[0]}; " + CLUSTER_HINT
        ) from None
    return ray


class RayRuns(Dispatcher[Run]):
    """Each run a Ray task on the cluster at ``address``, ``jobs`` at a time.

    ``address`` is what ``ray.init`` takes: ``auto`` (the cluster this machine
    belongs to, or ``RAY_ADDRESS``) or ``HOST:PORT`` of the head node. Every
    node needs this package installed as here. ``jobs`` defaults to the cluster's CPUs; each run asks for one.
    """

    def __init__(
        self, train: Train[Run], address: str, jobs: int | None = None
    ) -> None:
        self.ray = connect_to_ray(address)
        cpus = int(self.ray.cluster_resources().get("CPU", 1))
        super().__init__(train, jobs or max(cpus, 1))
        # A worker process per task, gone after it: every run starts fresh.
        self.remote = self.ray.remote(max_calls=1, num_cpus=1)(train_remotely)

    def _start(self, run: Run, progress_every_s: float) -> Any:
        return self.remote.remote(self.train, run, progress_every_s)

    def _wait(self, handles: list[Any]) -> list[Any]:
        ready, _ = self.ray.wait(handles, num_returns=1)
        return list(ready)

    def _finish(self, handle: Any, run: Run, stopping: bool = False) -> int:
        """Write a finished task's record and folder here; its exit code."""
        ray = self.ray
        try:
            record, archive, scratch = ray.get(handle)
        except ray.exceptions.TaskCancelledError:
            return INTERRUPTED
        except ray.exceptions.RayError as error:
            if not stopping:  # a stopped task's error is the stop itself
                print(f"{run.label}: {error}", file=sys.stderr, flush=True)
            return FAILED
        folder = Path(run.path).with_suffix("")
        folder.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(io.BytesIO(archive)) as packed:
            packed.extractall(folder)
        # ML-Agents' list of checkpoints names them where they were trained.
        status = folder / "run_logs" / "training_status.json"
        if status.is_file():
            there, here = (
                json.dumps(str(p))[1:-1] for p in (scratch, folder.resolve())
            )
            status.write_text(status.read_text().replace(there, here))
        write_record(Path(run.path), record)
        return 0

    def _stop(self, active: dict[Any, Run], forward: bool) -> list[tuple[Run, int]]:
        ray = self.ray
        for ref in active:
            with contextlib.suppress(Exception):
                ray.cancel(ref)  # KeyboardInterrupt in the task: it saves, then stops
        _, late = ray.wait(list(active), num_returns=len(active), timeout=STOP_GRACE_S)
        for ref in late:
            with contextlib.suppress(Exception):
                ray.cancel(ref, force=True)
        stopped = []
        for ref, run in active.items():
            code = self._finish(ref, run, stopping=True)
            stopped.append((run, code and INTERRUPTED))
        return stopped


def dispatcher(
    train: Train[Run], ray_address: str | None, jobs: int | None
) -> Dispatcher[Run]:
    """Local processes, or the Ray cluster at ``ray_address``."""
    if ray_address is None:
        return LocalRuns(train, jobs or 1)
    return RayRuns(train, ray_address, jobs)
