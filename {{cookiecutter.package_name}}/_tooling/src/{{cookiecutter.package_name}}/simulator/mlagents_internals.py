"""The one place that reaches inside ML-Agents, and the versions it was written for.

ML-Agents' ``SubprocessEnvManager`` waits for its simulator processes in a
polling loop. A process killed by a signal never replies, and training would
hang; ML-Agents has no public hook for that. ``DeadWorkerWatchdog`` watches the
manager's worker processes and reports a dead one the way a worker reports its
own failure: it marks the worker as no longer waiting and puts an
``ENV_EXITED`` response on the manager's step queue. ML-Agents' usual policy
then applies: restart the worker (``--max-lifetime-restarts``) or stop with the
error, saving a checkpoint either way. ``dead_workers`` names the dead ones
for the error message.

That uses ``env_workers``, ``UnityEnvWorker.waiting`` and ``step_queue``, which
ML-Agents may change in any release. On a version not in ``KNOWN_VERSIONS``
the watchdog stays off (training works, a killed simulator is not noticed),
and ``tests/simulator/test_mlagents_internals.py`` fails. After checking
``subprocess_env_manager.py`` of the new version, add it to ``KNOWN_VERSIONS``.
"""

import threading

import mlagents.trainers
from mlagents.trainers.subprocess_env_manager import (
    EnvironmentCommand,
    EnvironmentResponse,
    SubprocessEnvManager,
)
from mlagents_envs.exception import UnityCommunicationException

KNOWN_VERSIONS = ("1.1.0",)
INSTALLED_VERSION: str = mlagents.trainers.__version__


def version_problem(version: str = INSTALLED_VERSION) -> str | None:
    """One line saying why the internals cannot be trusted on ``version``, or None."""
    if version in KNOWN_VERSIONS:
        return None
    return (
        f"mlagents {version} is not one this package's mlagents_internals.py was "
        f"written for ({', '.join(KNOWN_VERSIONS)}): the dead-simulator watchdog is off"
    )


def dead_workers(manager: SubprocessEnvManager) -> list[str]:
    """One line per worker process of ``manager`` that died (not one that exited cleanly)."""
    return [
        f"the simulator process of worker {worker.worker_id} (pid "
        f"{worker.process.pid}) died with exit code {worker.process.exitcode}"
        for worker in manager.env_workers
        if worker.process.exitcode not in (None, 0)
    ]


class DeadWorkerWatchdog:
    """Reports a worker process of ``manager`` that died, as ML-Agents' ``ENV_EXITED``."""

    def __init__(self, manager: SubprocessEnvManager, poll_s: float = 0.5) -> None:
        self.manager = manager
        self.poll_s = poll_s
        self.deaths: list[str] = []
        self._reported: set[int] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _watch(self) -> None:
        while not self._stop.wait(self.poll_s):
            for worker in list(self.manager.env_workers):
                process = worker.process
                if process.pid in self._reported or process.is_alive():
                    continue
                if self._stop.is_set():  # closing: workers exit on purpose
                    return
                self._reported.add(process.pid)
                message = (
                    f"the simulator process of worker {worker.worker_id} (pid "
                    f"{process.pid}) died with exit code {process.exitcode}"
                )
                self.deaths.append(message)
                # It will never reply: stop waiting for it, then report it.
                worker.waiting = False
                self.manager.step_queue.put(
                    EnvironmentResponse(
                        EnvironmentCommand.ENV_EXITED,
                        worker.worker_id,
                        UnityCommunicationException(message),
                    )
                )
