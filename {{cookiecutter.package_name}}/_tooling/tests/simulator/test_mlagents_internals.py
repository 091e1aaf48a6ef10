"""The one module that reaches inside ML-Agents knows the installed version, and still works.

If the first test fails, ML-Agents was upgraded: check ``subprocess_env_manager.py``
of the new version against ``mlagents_internals.py``, then add the version to
``KNOWN_VERSIONS``.
"""

import threading
import time

import mlagents.trainers
from mlagents.trainers.settings import RunOptions
from mlagents_envs.exception import UnityCommunicationException

from {{ cookiecutter.package_name }}.simulator import Ball3DEnv
from {{ cookiecutter.package_name }}.simulator.mlagents_internals import (
    KNOWN_VERSIONS,
    dead_workers,
    version_problem,
)
from {{ cookiecutter.package_name }}.simulator.train import SimulatorEnvManager


def test_the_installed_mlagents_is_a_known_version() -> None:
    installed = mlagents.trainers.__version__
    assert installed in KNOWN_VERSIONS, (
        f"mlagents {installed} is not in mlagents_internals.KNOWN_VERSIONS "
        f"{KNOWN_VERSIONS}: check the module against this version, then add it"
    )
    assert version_problem() is None


def test_an_unknown_version_is_named_in_one_line() -> None:
    problem = version_problem("9.9.9")
    assert problem is not None and "\n" not in problem
    assert "mlagents 9.9.9" in problem and KNOWN_VERSIONS[0] in problem


class HangingBall3DEnv(Ball3DEnv):
    """3DBall whose step never returns: the worker dies while the trainer waits."""

    def step(self) -> None:
        time.sleep(120)


def hanging_factory(worker_id: int, side_channels: list) -> Ball3DEnv:
    return HangingBall3DEnv(seed=worker_id, side_channels=side_channels)


def test_a_simulator_killed_mid_step_is_reported_instead_of_hanging() -> None:
    options = RunOptions()
    options.env_settings.max_lifetime_restarts = 0
    manager = SimulatorEnvManager(hanging_factory, options, 1)
    errors: list[BaseException] = []

    def step() -> None:
        try:
            manager.get_steps()
        except BaseException as error:  # noqa: B036 - the test inspects it
            errors.append(error)

    try:
        manager.reset({})
        thread = threading.Thread(target=step, daemon=True)
        thread.start()
        thread.join(timeout=2)
        assert thread.is_alive(), "get_steps returned while the simulator hangs"
        worker = manager.env_workers[0].process
        worker.kill()
        thread.join(timeout=60)
        assert not thread.is_alive(), "get_steps hung on a dead simulator"
        assert len(errors) == 1
        assert isinstance(errors[0], UnityCommunicationException)
        assert f"the simulator process of worker 0 (pid {worker.pid})" in str(errors[0])
        assert dead_workers(manager) == [
            f"the simulator process of worker 0 (pid {worker.pid}) died with exit "
            f"code {worker.exitcode}"
        ]
    finally:
        manager.close()
