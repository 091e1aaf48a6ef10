"""The train command's own options fail fast, with one clear line, before any training."""

import subprocess
from pathlib import Path

import pytest

from ..conftest import CONFIG_PATH
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
