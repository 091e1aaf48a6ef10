"""The player's process checks: alive while running, gone once exited or a zombie.

And how the player reads a broken connection: a clean close while its trainer
lives, an error once the trainer is gone.
"""

import subprocess
import sys
import threading
import time

import psutil
import pytest

from {{ cookiecutter.package_name }}.simulator.liveness import (
    ancestors,
    first_gone,
    is_alive,
    watch,
)
from {{ cookiecutter.package_name }}.simulator.player import PlayerExit, log_exit

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]


def test_a_running_process_is_alive_and_an_exited_one_is_gone() -> None:
    child = subprocess.Popen(SLEEPER)
    process = psutil.Process(child.pid)
    try:
        assert is_alive(process)
        assert first_gone([psutil.Process(), process]) is None
    finally:
        child.kill()
        child.wait(timeout=30)
    assert not is_alive(process)
    assert first_gone([psutil.Process(), process]) is process


@pytest.mark.skipif(sys.platform == "win32", reason="Windows has no zombie processes")
def test_a_zombie_counts_as_gone() -> None:
    child = subprocess.Popen(SLEEPER)
    process = psutil.Process(child.pid)
    child.kill()
    try:  # not reaped yet: it stays a zombie
        deadline = time.monotonic() + 10
        while process.status() != psutil.STATUS_ZOMBIE and time.monotonic() < deadline:
            time.sleep(0.05)
        assert process.status() == psutil.STATUS_ZOMBIE
        assert not is_alive(process)
    finally:
        child.wait(timeout=30)


def test_ancestors_are_the_parent_chain() -> None:
    chain = ancestors(levels=2)
    assert chain and chain[0].pid == psutil.Process().ppid()
    assert len(chain) <= 2 and all(p.pid not in (0, 1) for p in chain)


def test_watch_calls_back_once_a_watched_process_dies() -> None:
    child = subprocess.Popen(SLEEPER)
    process = psutil.Process(child.pid)
    seen: list[int] = []
    done = threading.Event()

    def on_gone(gone: psutil.Process) -> None:
        seen.append(gone.pid)
        done.set()

    watch([psutil.Process(), process], on_gone, poll_s=0.05)
    assert not done.wait(0.3), "called back while everything was alive"
    child.kill()
    child.wait(timeout=30)
    assert done.wait(10), "never noticed the death"
    assert seen == [child.pid]


def test_a_connection_cut_off_while_the_trainer_lives_is_a_clean_close(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """ML-Agents' close can cut its last reply off; the trainer is still there."""
    cut_off = PlayerExit("trainer connection lost: UNAVAILABLE", 1, cut_off=True)
    with caplog.at_level("INFO", logger="player"):
        assert log_exit(cut_off, [psutil.Process()]) == 0
    assert [r.levelname for r in caplog.records] == ["INFO"]
    assert "trainer closed the connection" in caplog.text


def test_a_broken_connection_is_an_error_once_the_trainer_is_gone(
    caplog: pytest.LogCaptureFixture,
) -> None:
    child = subprocess.Popen(SLEEPER)
    gone = psutil.Process(child.pid)
    child.kill()
    child.wait(timeout=30)
    cut_off = PlayerExit("trainer connection lost: UNAVAILABLE", 1, cut_off=True)
    never_connected = PlayerExit("trainer connection lost: DEADLINE_EXCEEDED", 1)
    with caplog.at_level("INFO", logger="player"):
        assert log_exit(cut_off, [psutil.Process(), gone]) == 1
        assert log_exit(never_connected, [psutil.Process()]) == 1
    assert [r.levelname for r in caplog.records] == ["ERROR", "ERROR"]
    assert "UNAVAILABLE" in caplog.records[0].message
