"""The player's process checks: alive while running, gone once exited or a zombie."""

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
