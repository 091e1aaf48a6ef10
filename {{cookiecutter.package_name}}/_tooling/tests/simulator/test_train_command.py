"""The train command: its own options fail fast, with one clear line, before any
training; its help lists them, then mlagents-learn's."""

import subprocess
from pathlib import Path

import pytest
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
