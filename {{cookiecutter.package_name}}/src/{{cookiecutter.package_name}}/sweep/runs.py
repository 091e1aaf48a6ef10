"""Where a sweep's training runs happen: ``run_seeds``, the one function that starts them.

Each run trains in a fresh process of its own, one after the other, as the
benchmark's runs do. To train them elsewhere (several at once, or on other
machines), change ``run_seeds`` alone: the objective needs only each run's exit
code as it finishes, and the record the run writes to ``run.path``.
"""

from collections.abc import Generator, Iterable

from ..benchmark.command import RunSpec, run_in_a_fresh_process


def run_seeds(
    runs: Iterable[RunSpec], progress_every_s: float
) -> Generator[tuple[RunSpec, int], None, None]:
    """Train each run; yield ``(run, exit code)`` as each one finishes.

    The caller may stop reading early (a pruned trial): the runs not started
    by then never are.
    """
    for run in runs:
        yield run, run_in_a_fresh_process(run, progress_every_s)
