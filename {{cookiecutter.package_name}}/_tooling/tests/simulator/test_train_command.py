"""The train command: its own options fail fast, with one clear line, before any
training; its help lists them, then mlagents-learn's; a run that reaches its
target reward ends as a finished run does."""

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from mlagents.trainers.cli_utils import parser as mlagents_learn_parser

from {{ cookiecutter.package_name }}.simulator.train import main

from ..conftest import CONFIG_PATH
from ..test_commands import undocumented
from .helpers import train_command


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--env", "NotASimulator"], "is not a bundled simulator"),
        (["--max-steps", "0"], "--max-steps must be a positive number"),
        (["--stop-at-reward", "nan"], "--stop-at-reward must be a finite number"),
        (
            ["--stop-at-reward", "1", "--inference"],
            "--stop-at-reward ends training, and --inference does not train",
        ),
    ],
)
def test_bad_options_stop_before_training(
    tmp_path: Path, extra: list[str], message: str
) -> None:
    command = train_command(CONFIG_PATH, tmp_path / "results", "bad", *extra)
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert message in result.stderr
    assert not (tmp_path / "results").exists()


def test_help_shows_this_commands_options_then_mlagents_learns(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--help"]) == 0
    shown = capsys.readouterr().out
    for option in ("--env NAME", "--stop-at-reward R", "--max-steps N"):
        assert option in shown
    assert "usage: mlagents-learn" in shown and "--num-envs NUM_ENVS" in shown
    # mlagents-learn's options, as ML-Agents documents them, are part of this help.
    assert undocumented(mlagents_learn_parser) == []


def test_reaching_the_target_reward_ends_the_run_as_a_finished_one(
    config_dict: dict[str, Any], tmp_path: Path
) -> None:
    """Not as an interrupted one: ML-Agents' "Learning was interrupted" is Ctrl-C's."""
    config_dict["behaviors"]["3DBall"]["summary_freq"] = 1000
    config_path = tmp_path / "config.yaml"
    config_path.write_text(yaml.safe_dump(config_dict))
    # Every 3DBall episode returns more than -1, so the first summary reaches it.
    command = train_command(
        config_path,
        tmp_path / "results",
        "target",
        "--seed",
        "1",
        "--stop-at-reward=-1",
        "--max-steps",
        "20000",
    )
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    output = result.stdout + result.stderr
    run_dir = tmp_path / "results" / "target"
    assert result.returncode == 0, output[-3000:]
    assert "Mean reward" in result.stdout and ": stopping." in result.stdout
    assert "Stopped at the target: 3DBall reached a mean reward of" in result.stdout
    # Training ended there: no later summary, and no checkpoint past it.
    assert re.search(r"^3DBall: mean reward \S+ at step 1000$", result.stdout, re.M)
    steps = [int(p.stem.split("-")[1]) for p in run_dir.glob("3DBall/3DBall-*.onnx")]
    assert steps and max(steps) < 2000, steps
    assert "interrupted" not in output.lower()
    assert (run_dir / "3DBall.onnx").exists()
    assert (run_dir / "3DBall" / "checkpoint.pt").exists()
