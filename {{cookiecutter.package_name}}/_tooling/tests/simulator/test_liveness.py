"""The player's process checks: alive while running, gone once exited or a zombie.

And how the player reads a broken connection: a clean close while its trainer
lives, an error once the trainer is gone.
"""

import json
import subprocess
import sys
import threading
import time

import psutil
import pytest

from {{ cookiecutter.package_name }}.simulator.liveness import (
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


# Run in a grandchild of the test, so that its chain is known whoever started
# pytest (a container's ``CMD pytest`` makes pytest's parent, or pytest, pid 1).
REPORT_ANCESTORS = (
    "import json; from {{ cookiecutter.package_name }}.simulator.liveness import ancestors; "
    "print(json.dumps([[p.pid for p in ancestors(levels=n)] for n in (1, 2, 1000)]))"
)
SPAWN_REPORTER = (
    "import subprocess, sys; "
    "sys.exit(subprocess.run([sys.executable, '-c', sys.argv[1]]).returncode)"
)


def test_ancestors_are_the_parent_chain_up_to_the_first_process() -> None:
    middle = subprocess.Popen(
        [sys.executable, "-c", SPAWN_REPORTER, REPORT_ANCESTORS],
        stdout=subprocess.PIPE,
        text=True,
    )
    out, _ = middle.communicate(timeout=60)
    assert middle.returncode == 0
    one, two, all_of_them = json.loads(out)
    me = psutil.Process()
    # The grandchild's parent, then this process unless it is the first process.
    assert one == [middle.pid]
    assert two == [middle.pid] + ([me.pid] if me.pid not in (0, 1) else [])
    assert all_of_them[:2] == two
    assert all(pid not in (0, 1) for pid in all_of_them)
    # The chain stops below the first process (pid 0 or 1), which is left out.
    assert psutil.Process(all_of_them[-1]).ppid() in (0, 1)


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
