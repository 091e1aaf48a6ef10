"""Slow tier: install each generated flavour and run its own test suite.

The generated suite includes its slow tests: the example config trained on the
bundled simulator to the 3DBall benchmark (mean reward 90) with seed 1, and the
small-task battery, run here for our trainer and for ML-Agents' built-in twin
(``--battery-trainers=both``) so that every budget is one the built-in meets.
Then the real ``mlagents-learn`` must find the trainer, and stop finding it once
the package is uninstalled.
"""

import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import BIN, run

pytestmark = pytest.mark.slow

PIP = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]


def wait_for_line(command: list, cwd: Path, expected: str, timeout: float) -> str:
    """Start ``command``; return its output once ``expected`` appears (then stop it)."""
    process = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    output = []
    deadline = time.monotonic() + timeout
    try:
        assert process.stdout is not None
        for line in process.stdout:
            output.append(line)
            if expected in line or time.monotonic() > deadline:
                break
    finally:
        process.kill()
        process.wait(timeout=30)
    return "".join(output)


@pytest.mark.parametrize(
    "algorithm, name",
    [("on-policy", "Bench PPO"), ("off-policy", "Bench SAC")],
)
def test_generated_project_installs_and_passes_its_own_suite(
    bake, algorithm: str, name: str
) -> None:
    project = bake(algorithm=algorithm, project_name=name)
    package = project.name
    trainer_type = package
    config = f"config/{trainer_type}_3DBall.yaml"
    run([*PIP, "install", "-e", "."], cwd=project)
    try:
        run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-v",
                "-p",
                "no:cacheprovider",
                "--battery-trainers=both",
                "--durations=15",
            ],
            cwd=project,
            timeout=2400,
        )

        output = wait_for_line(
            [str(BIN / "mlagents-learn"), config, "--run-id", "listen", "--force"],
            cwd=project,
            expected="Listening on port 5004",
            timeout=120,
        )
        assert "Listening on port 5004" in output, output[-3000:]
    finally:
        run([*PIP, "uninstall", "-y", project.name.replace("_", "-")], cwd=project)

    result = subprocess.run(
        [str(BIN / "mlagents-learn"), config, "--run-id", "gone", "--force"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert (
        f"Invalid trainer type {trainer_type} was found"
        in result.stdout + result.stderr
    )
