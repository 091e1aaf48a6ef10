"""Where a sweep's training runs happen: ``run_seeds``, the one function that starts them.

Each run trains in a fresh process of its own, through the benchmark's
dispatcher (``benchmark/dispatch.py``): local processes, one at a time unless
``--jobs`` says more, or tasks on a Ray cluster with ``--ray``. The objective
needs only each run's exit code as it finishes, and the record written to
``run.path``; change ``run_seeds`` to train runs another way.
"""

from collections.abc import Generator, Iterable

from ..benchmark.command import train_run
from ..benchmark.dispatch import Dispatcher, LocalRuns, RunSpec


def run_seeds(
    runs: Iterable[RunSpec],
    progress_every_s: float,
    dispatch: Dispatcher[RunSpec] | None = None,
) -> Generator[tuple[RunSpec, int], None, None]:
    """Train each run; yield ``(run, exit code)`` as each one finishes.

    ``dispatch`` places the runs (default: one local process at a time). The
    caller may stop reading early (a pruned trial): the runs in progress are
    stopped then, and those not started never are.
    """
    yield from (dispatch or LocalRuns(train_run))(list(runs), progress_every_s)
