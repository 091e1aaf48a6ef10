"""Training on the bundled simulator improves the reward and writes a usable model.

A short run trains for a few thousand steps in-process; the longest runs the
package's ``train`` command on the example config to the 3DBall benchmark.
"""

import copy
import subprocess
from pathlib import Path
from typing import Any

import onnx
import pytest
import yaml
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from ..conftest import ALGORITHM, CONFIG_PATH
from ..helpers import run_options
from .helpers import train_command, train_on_simulator

# On-policy: smaller buffers than the example config, so the policy updates often.
# Off-policy: the example config; SAC's start is slow, it improves after about 30k steps.
SHORT_RUN_BY_ALGORITHM: dict[str, dict[str, float]] = {
    "on-policy": {"batch_size": 128, "buffer_size": 2048},
    "off-policy": {},
    "cooperative": {"batch_size": 128, "buffer_size": 2048},
}
SHORT_RUN = SHORT_RUN_BY_ALGORITHM[ALGORITHM]
SHORT_RUN_STEPS = 36000
BENCHMARK_STEPS = {"on-policy": 300000, "off-policy": 200000, "cooperative": 300000}[
    ALGORITHM
]

pytestmark = pytest.mark.slow


def short_run_config(config_dict: dict[str, Any]) -> dict[str, Any]:
    config = copy.deepcopy(config_dict)
    config["behaviors"]["3DBall"]["hyperparameters"].update(SHORT_RUN)
    return config


def test_short_training_improves_the_reward(
    config_dict: dict[str, Any], tmp_path: Path
) -> None:
    options = run_options(
        short_run_config(config_dict), max_steps=SHORT_RUN_STEPS, summary_freq=3000
    )
    log = train_on_simulator(options, tmp_path, seed=1)
    assert len(log.rewards) >= 6, log.rewards
    first, last = log.rewards[0], max(log.rewards[-2:])
    # A random policy keeps the ball up for about 1.2 reward; learning doubles it.
    assert last > 2.0 * first, log.rewards
    onnx_files = list(tmp_path.glob("3DBall/3DBall-*.onnx"))
    assert onnx_files, "no checkpoint .onnx was written"
    onnx.checker.check_model(onnx.load(str(onnx_files[0])))


def test_train_command_writes_the_mlagents_learn_layout(
    config_dict: dict[str, Any], tmp_path: Path
) -> None:
    """Two simulator processes (--num-envs 2), and the results folder of mlagents-learn."""
    config = short_run_config(config_dict)
    config["behaviors"]["3DBall"]["summary_freq"] = 1000
    config_path = tmp_path / "config.yaml"
    config_path.write_text(yaml.safe_dump(config))
    command = train_command(
        config_path,
        tmp_path / "results",
        "layout",
        "--num-envs",
        "2",
        "--max-steps",
        "3000",
    )
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    run_dir = tmp_path / "results" / "layout"
    assert (run_dir / "configuration.yaml").exists()
    assert (run_dir / "run_logs" / "timers.json").exists()
    assert (run_dir / "run_logs" / "training_status.json").exists()
    assert list((run_dir / "3DBall").glob("events.out.tfevents.*"))
    assert (run_dir / "3DBall" / "checkpoint.pt").exists()
    onnx.checker.check_model(onnx.load(str(run_dir / "3DBall.onnx")))
    saved = yaml.safe_load((run_dir / "configuration.yaml").read_text())
    assert saved["env_settings"]["num_envs"] == 2
    assert saved["behaviors"]["3DBall"]["max_steps"] == 3000
    assert "3DBall. Step:" in result.stdout + result.stderr  # progress on the console
    assert "=== Training finished ===" in result.stdout


def reward_curve(run_dir: Path) -> list[tuple[int, float]]:
    events = EventAccumulator(str(run_dir / "3DBall"))
    events.Reload()
    return [(e.step, e.value) for e in events.Scalars("Environment/Cumulative Reward")]


def test_example_config_reaches_the_3dball_benchmark(tmp_path: Path) -> None:
    """With seed 1, the example config reaches a mean reward of 90 within budget."""
    config = yaml.safe_load(CONFIG_PATH.read_text())
    config["behaviors"]["3DBall"]["max_steps"] = BENCHMARK_STEPS
    config_path = tmp_path / "benchmark.yaml"
    config_path.write_text(yaml.safe_dump(config))
    command = train_command(
        config_path,
        tmp_path / "results",
        "benchmark",
        "--seed",
        "1",
        "--stop-at-reward",
        "90",
    )
    result = subprocess.run(command, capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, result.stderr[-3000:]
    run_dir = tmp_path / "results" / "benchmark"
    curve = reward_curve(run_dir)
    reached = [step for step, reward in curve if reward >= 90.0]
    assert reached and reached[0] <= BENCHMARK_STEPS, curve
    assert "=== Training finished ===" in result.stdout
    assert "Stopped at the target: 3DBall reached a mean reward of" in result.stdout
    assert "Learning was interrupted" not in result.stdout + result.stderr
    final_model = run_dir / "3DBall.onnx"
    assert str(final_model.resolve()) in result.stdout
    onnx.checker.check_model(onnx.load(str(final_model)))
