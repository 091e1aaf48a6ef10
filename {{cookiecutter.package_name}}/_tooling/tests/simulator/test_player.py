"""The real ``mlagents-learn`` trains through the stand-in player, with no Unity build.

Each test launches ``mlagents-learn`` with ``--env`` pointing at the installed
``{{ cookiecutter.distribution_name }}-player`` executable, so plugin discovery,
the process launch and the gRPC protocol are all the real ones.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import onnx
import psutil
import pytest
import yaml
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

pytestmark = pytest.mark.slow

PLAYER = shutil.which("{{ cookiecutter.distribution_name }}-player") or str(
    Path(sys.executable).parent / "{{ cookiecutter.distribution_name }}-player"
)
MLAGENTS_LEARN = str(Path(sys.executable).parent / "mlagents-learn")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("localhost", 0))
        return int(sock.getsockname()[1])


def player_pids(results: Path) -> list[int]:
    """Running player processes of the runs in ``results`` (their -logFile is there).

    Only this test's: other tests, run at the same time, have players too."""
    return [
        process.pid
        for process in _processes_mentioning(str(results))
        if any(part.endswith("-player") for part in (process.info["cmdline"] or [])[:2])
    ]


def _processes_mentioning(text: str) -> list[psutil.Process]:
    return [
        process
        for process in psutil.process_iter(["cmdline"])
        if process.pid != os.getpid()
        and any(text in part for part in process.info["cmdline"] or [])
    ]


def write_config(tmp_path: Path, config: dict[str, Any], **behavior: Any) -> Path:
    config["behaviors"]["3DBall"].update(behavior)
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def learn(config: Path, results: Path, run_id: str, *extra: str) -> list[str]:
    return [
        MLAGENTS_LEARN,
        str(config),
        "--env",
        PLAYER,
        "--run-id",
        run_id,
        "--results-dir",
        str(results),
        "--base-port",
        str(free_port()),
        "--no-graphics",
        "--seed",
        "1",
        *extra,
    ]


def run_learn(command: list[str], timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout)


def steps_in_tensorboard(run_dir: Path) -> list[int]:
    events = EventAccumulator(str(run_dir / "3DBall"))
    events.Reload()
    return [e.step for e in events.Scalars("Environment/Cumulative Reward")]


@pytest.mark.parametrize("num_envs", [1, 2])
def test_mlagents_learn_trains_through_the_player(
    tmp_path: Path, config_dict: dict[str, Any], num_envs: int
) -> None:
    config = write_config(tmp_path, config_dict, max_steps=3000, summary_freq=1000)
    result = run_learn(
        learn(config, tmp_path / "results", "player", "--num-envs", str(num_envs))
    )
    assert result.returncode == 0, result.stderr[-3000:]
    run_dir = tmp_path / "results" / "player"
    assert steps_in_tensorboard(run_dir)[-1] >= 2000
    onnx.checker.check_model(onnx.load(str(run_dir / "3DBall.onnx")))
    logs = sorted((run_dir / "run_logs").glob("Player-*.log"))
    assert [p.name for p in logs] == [f"Player-{i}.log" for i in range(num_envs)]
    for log in logs:
        text = log.read_text()
        assert "connected: trainer" in text
        # Either the status-400 reply arrived, or ML-Agents stopped its server
        # before it did (the player's log says which); never an error.
        assert "INFO trainer closed the connection" in text, text
        assert "ERROR" not in text, text
    time.sleep(1)
    assert player_pids(tmp_path / "results") == []


def test_environment_parameters_reach_the_simulator(
    tmp_path: Path, config_dict: dict[str, Any]
) -> None:
    config_dict["environment_parameters"] = {"gravity": 15.0, "scale": 1.5, "mass": 2.0}
    config = write_config(tmp_path, config_dict, max_steps=500, summary_freq=500)
    result = run_learn(learn(config, tmp_path / "results", "params"))
    assert result.returncode == 0, result.stderr[-3000:]
    log = (tmp_path / "results" / "params" / "run_logs" / "Player-0.log").read_text()
    assert "'gravity': 15.0" in log and "'scale': 1.5" in log and "'mass': 2.0" in log
    assert "'time_scale': 20.0" in log  # the engine configuration channel too


def test_killed_player_stops_training_cleanly_and_resume_works(
    tmp_path: Path, config_dict: dict[str, Any]
) -> None:
    config = write_config(
        tmp_path,
        config_dict,
        max_steps=500000,
        summary_freq=1000,
        checkpoint_interval=2000,
    )
    results = tmp_path / "results"
    command = learn(config, results, "killed", "--max-lifetime-restarts", "0")
    trainer = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    checkpoints = results / "killed" / "3DBall"
    deadline = time.monotonic() + 300
    while not list(checkpoints.glob("3DBall-*.pt")) and time.monotonic() < deadline:
        time.sleep(1)
    assert list(checkpoints.glob("3DBall-*.pt")), "no checkpoint before the kill"
    for pid in player_pids(results):
        os.kill(pid, signal.SIGKILL)
    output, _ = trainer.communicate(timeout=180)
    assert trainer.returncode != 0
    assert (
        "Environment shut down" in output
        or "exceeded the allowed number of restarts" in output
    )
    assert player_pids(results) == []

    config_short = write_config(tmp_path, config_dict, max_steps=6000)
    resumed = run_learn(learn(config_short, results, "killed", "--resume"))
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert "Resuming from" in resumed.stdout + resumed.stderr
    assert (results / "killed" / "3DBall.onnx").exists()


def test_player_exits_when_its_trainer_dies(
    tmp_path: Path, config_dict: dict[str, Any]
) -> None:
    config = write_config(tmp_path, config_dict, max_steps=500000, summary_freq=1000)
    results = tmp_path / "results"
    command = learn(config, results, "orphan", "--num-areas", "2")
    trainer = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    log = results / "orphan" / "run_logs" / "Player-0.log"
    deadline = time.monotonic() + 120
    while not (log.exists() and "connected" in log.read_text()):
        assert time.monotonic() < deadline, "the player never connected"
        time.sleep(0.5)
    assert "seed 1, 2 area(s)" in log.read_text()
    assert player_pids(results)
    trainer.kill()  # SIGKILL: the trainer gets no chance to say goodbye
    trainer.wait(timeout=30)
    deadline = time.monotonic() + 10
    while player_pids(results) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert player_pids(results) == [], "the player outlived its trainer"
    # ML-Agents' own environment worker can linger after a SIGKILL; clean it up.
    for process in _processes_mentioning(str(results)):
        process.kill()
    last_line = log.read_text().strip().splitlines()[-1]
    assert "ERROR" in last_line and (
        "trainer connection lost" in last_line or "is gone" in last_line
    ), last_line
