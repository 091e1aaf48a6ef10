"""The benchmark's dispatcher: local processes, their exit codes, and a Ray cluster.

The local dispatcher is checked with a stand-in for training (fast). The Ray
check starts a real one-node cluster (``ray start --head``), runs a tiny
benchmark on it through the command's ``--ray``, and compares its records and
report with the same runs trained locally: the runs are seeded, so everything
but their timings must be the same.
"""

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from {{ cookiecutter.package_name }}.benchmark.dispatch import INTERRUPTED, LocalRuns, RunSpec

PROJECT_ROOT = Path(__file__).resolve().parents[1]
# Reached in 400 (off-policy) to 1,950 (cooperative) steps: steps to it compare.
TASK = "goal-1d-discrete"
STEPS = 4000


def stand_in(run: RunSpec, progress_every_s: float) -> dict[str, Any]:
    """Trains nothing: sleeps ``budget`` ms, or fails, or is interrupted."""
    if run.task == "fails":
        raise RuntimeError("this run fails")
    if run.task == "interrupted":
        try:
            signal.raise_signal(signal.SIGINT)
            time.sleep(10)
        except KeyboardInterrupt:
            pass  # as ML-Agents does: it saves and returns
        return {"seed": run.seed}
    time.sleep(run.budget / 1000)
    return {"seed": run.seed, "task": run.task}


def spec(tmp_path: Path, task: str, seed: int, sleep_ms: int = 0) -> RunSpec:
    path = tmp_path / f"{task}-{seed}.json"
    return RunSpec("", task, "stand-in", seed, sleep_ms, str(path), "", f"run {seed}")


def test_local_runs_one_at_a_time_in_order_with_their_exit_codes(
    tmp_path: Path,
) -> None:
    runs = [spec(tmp_path, "interrupted", 1), spec(tmp_path, "ok", 2)]
    started: list[int] = []
    dispatch = LocalRuns(stand_in)
    done = [
        (run.seed, code, dispatch.running, dispatch.queued)
        for run, code in dispatch(runs, 1.0, lambda run: started.append(run.seed))
    ]
    assert done == [(1, INTERRUPTED, 0, 1), (2, 0, 0, 0)]
    assert started == [1, 2]
    # A record only for the run that finished, written whole by its process.
    assert [p.name for p in tmp_path.iterdir()] == ["ok-2.json"]
    assert json.loads((tmp_path / "ok-2.json").read_text()) == {"seed": 2, "task": "ok"}


def test_ctrl_c_stops_the_caller_even_when_the_run_in_progress_finishes(
    tmp_path: Path,
) -> None:
    # The Ctrl-C reaches this process only, as when a run still starting missed
    # its own: the run finishes (and keeps its record), the next never starts,
    # and the caller hears of the Ctrl-C.
    runs = [spec(tmp_path, "ok", 1, sleep_ms=1500), spec(tmp_path, "ok", 2)]
    ctrl_c = threading.Timer(0.5, signal.raise_signal, [signal.SIGINT])
    seen = []
    with pytest.raises(KeyboardInterrupt):
        for run, code in LocalRuns(stand_in)(runs, 1.0, lambda run: ctrl_c.start()):
            seen.append((run.seed, code))
    assert seen == [(1, 0)]
    assert [p.name for p in tmp_path.glob("*.json")] == ["ok-1.json"]


def test_local_runs_at_once_come_back_as_they_finish_and_stop_with_the_caller(
    tmp_path: Path,
) -> None:
    runs = [
        spec(tmp_path, "slow", 1, sleep_ms=900_000),
        spec(tmp_path, "ok", 2),
        spec(tmp_path, "fails", 3),
    ]
    started = time.perf_counter()
    dispatch = LocalRuns(stand_in, jobs=2)
    finished = dispatch(runs, 1.0)
    # Seed 2 ends first though seed 1 started before it; then seed 3 starts.
    seen = []
    for run, code in finished:
        seen.append((run.seed, code, dispatch.running, dispatch.queued))
        if code != 0:
            break  # as the command does after a failed run: seed 1 stops
    assert seen == [(2, 0, 1, 1), (3, 1, 1, 0)]
    finished.close()
    # Stopped, not waited for: well under its 900 s, even on a loaded machine
    # (three fresh processes each import torch and ML-Agents first).
    assert time.perf_counter() - started < 300
    assert (dispatch.running, dispatch.queued) == (0, 0)
    assert [p.name for p in tmp_path.glob("*.json")] == ["ok-2.json"]


def test_ray_missing_or_unreachable_is_one_line(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from {{ cookiecutter.package_name }}.benchmark.command import main

    command = ["--tasks", TASK, "--seeds", "1", "--out", str(tmp_path)]
    with monkeypatch.context() as patched:
        patched.setitem(sys.modules, "ray", None)  # as if not installed
        assert main([*command, "--ray", "auto"]) == 2
    error = capsys.readouterr().err
    assert error == "error: --ray needs Ray: pip install '{{ cookiecutter.distribution_name }}[ray]'\n"
    assert main([*command, "--ray", f"127.0.0.1:{free_port()}"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("error: cannot reach the Ray cluster at 127.0.0.1:")
    assert error.count("\n") == 1
    assert not list(tmp_path.glob("runs/*/*.json"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture(scope="module")
def ray_cluster() -> Iterator[tuple[str, dict[str, str]]]:
    """A one-node Ray cluster of 2 CPUs: its address, and the environment a
    driver needs (Ray's token authentication, with a token of its own)."""
    port = free_port()
    auth = {"RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": secrets.token_hex(32)}
    # A short folder of its own: Ray's sockets live there (paths of at most
    # 107 characters), and `ray start` elsewhere on this machine is not touched.
    temp_dir = tempfile.mkdtemp(prefix="ray-")
    head = subprocess.Popen(
        [
            *(sys.executable, "-m", "ray.scripts.scripts", "start", "--head"),
            *(f"--port={port}", "--num-cpus=2", "--include-dashboard=false"),
            *("--disable-usage-stats", f"--temp-dir={temp_dir}", "--block"),
        ],
        env={**os.environ, **auth},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its processes in a group of their own
    )
    output: list[str] = []
    up = threading.Event()

    def read() -> None:
        assert head.stdout is not None
        for line in head.stdout:
            output.append(line)
            if "Ray runtime started" in line:
                up.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        if not up.wait(120):
            pytest.fail("ray start --head did not start:\n" + "".join(output[-30:]))
        yield f"127.0.0.1:{port}", auth
    finally:
        head.terminate()  # `ray start --block` stops the cluster's processes
        try:
            head.wait(60)
        except subprocess.TimeoutExpired:
            head.kill()
        if os.name == "posix":
            with contextlib.suppress(ProcessLookupError):
                os.killpg(head.pid, signal.SIGKILL)  # anything left of it
        shutil.rmtree(temp_dir, ignore_errors=True)


# What a run's record holds that does not depend on the machine's speed.
SEEDED = (
    "task",
    "trainer_type",
    "seed",
    "budget",
    "steps_to_threshold",
    "steps",
    "episode_returns",
    "episode_end_steps",
    "mlagents_reward_summaries",
    "fingerprint",
)


def table(report: str, section: str) -> list[list[str]]:
    """The Markdown table under ``## section``, without its timing columns."""
    text = report.split(f"## {section}\n")[1].split("\n## ")[0]
    rows = [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in text.splitlines()
        if line.startswith("|") and not line.startswith("|---")
    ]
    header = rows[0]
    timing = {
        i
        for i, name in enumerate(header)
        if "steps/s" in name or "wall" in name or (i and "steps/s" in header[i - 1])
    }
    return [[cell for i, cell in enumerate(row) if i not in timing] for row in rows]


def benchmark(out: Path, *options: str, env: dict[str, str] | None = None) -> str:
    """Run a tiny benchmark into ``out`` as a user would; its output."""
    command = [
        *(sys.executable, "-m", "{{ cookiecutter.package_name }}.benchmark.command"),
        *("--tasks", TASK, "--seeds", "1", "--max-steps", str(STEPS)),
        *("--out", str(out), *options),
    ]
    done = subprocess.run(
        command,
        cwd=PROJECT_ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout


@pytest.mark.slow
def test_a_benchmark_on_a_ray_cluster_gives_the_local_records(
    ray_cluster: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    address, auth = ray_cluster
    on_ray = benchmark(tmp_path / "ray", "--ray", address, env=auth)
    # Done runs are kept; the cluster is not needed for them.
    again = benchmark(tmp_path / "ray", "--ray", "127.0.0.1:1")
    benchmark(tmp_path / "local")

    assert again.count("done before, kept") == 2 and "training (" not in again
    assert on_ray.count(": training (budget") == 2
    assert re.search(r": (reached|did not reach) .* \(1 running, 0 queued\)\n", on_ray)
    local_runs = sorted((tmp_path / "local").glob("runs/*/*.json"))
    ray_runs = sorted((tmp_path / "ray").glob("runs/*/*.json"))
    assert [p.relative_to(tmp_path / "local") for p in local_runs] == [
        p.relative_to(tmp_path / "ray") for p in ray_runs
    ]
    assert len(ray_runs) == 2
    for local_path, ray_path in zip(local_runs, ray_runs, strict=False):
        local, on_cluster = (json.loads(p.read_text()) for p in (local_path, ray_path))
        assert {k: on_cluster[k] for k in SEEDED} == {k: local[k] for k in SEEDED}
        assert local["steps_to_threshold"] is not None, "too few steps to compare"
        # The run's ML-Agents folder came back, its checkpoints named where it is.
        logs = ray_path.with_suffix("") / "run_logs"
        assert (logs / "timers.json").is_file()
        status = (logs / "training_status.json").read_text()
        assert str(ray_path.with_suffix("").resolve()) in status
        assert "benchmark-run-" not in status
    reports = [(tmp_path / out / "report.md").read_text() for out in ("local", "ray")]
    for section in ("Results", "Every run"):
        assert table(reports[1], section) == table(reports[0], section)
