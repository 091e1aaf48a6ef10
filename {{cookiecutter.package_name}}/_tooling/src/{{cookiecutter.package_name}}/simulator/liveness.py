"""Is the trainer still there? Portable process checks for the stand-in player.

``mlagents-learn`` launches the player from one of its environment worker
processes. If the trainer is killed, nobody tells the player, so it watches the
process that launched it and the one above that, and exits once either is gone.
The checks use psutil, which works the same on Linux, macOS and Windows: a
process counts as gone once it has exited (a zombie included) or its process id
was taken by a new process. Change ``PARENT_POLL_S`` to notice sooner or later.
"""

import threading
import time
from collections.abc import Callable, Sequence

import psutil

PARENT_POLL_S = 1.0


def ancestors(levels: int = 2) -> list[psutil.Process]:
    """This process's parent, its parent's parent, ... (``levels`` of them at most).

    The system's first process (pid 0 or 1, which adopts orphans) is not included.
    """
    found: list[psutil.Process] = []
    process: psutil.Process | None = psutil.Process()
    while process is not None and len(found) < levels:
        try:
            process = process.parent()
        except psutil.NoSuchProcess:
            break
        if process is None or process.pid in (0, 1):
            break
        found.append(process)
    return found


def is_alive(process: psutil.Process) -> bool:
    """True while ``process`` runs: not exited, not a zombie, its pid not reused."""
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def first_gone(processes: Sequence[psutil.Process]) -> psutil.Process | None:
    """The first of ``processes`` that is no longer alive, or None."""
    return next((p for p in processes if not is_alive(p)), None)


def watch(
    processes: Sequence[psutil.Process],
    on_gone: Callable[[psutil.Process], None],
    poll_s: float = PARENT_POLL_S,
) -> threading.Thread:
    """Call ``on_gone(process)`` from a daemon thread once one of ``processes`` is gone."""

    def loop() -> None:
        while True:
            gone = first_gone(processes)
            if gone is not None:
                on_gone(gone)
                return
            time.sleep(poll_s)

    thread = threading.Thread(target=loop, daemon=True, name="liveness")
    thread.start()
    return thread
