"""Slow tier: install each generated flavour and run its own test suite.

The generated suite includes its slow tests: the example config trained on the
bundled simulator to the 3DBall benchmark (mean reward 90) with seed 1, and the
small-task battery, run here for our trainer and for ML-Agents' built-in twin
(``--battery-trainers=both``) so that every budget is one the built-in meets.
The suite runs as the generated CI runs it, on every core (``-n auto``), and its
``--battery-report`` must still hold every battery run of both trainers.
Then the real ``mlagents-learn`` must find the trainer, and stop finding it once
the package is uninstalled. The same flavour rendered without the tooling
passes its own fast tier (its slow tests are the first project's, under other
names) and trains under the real ``mlagents-learn``, with the first project's
stand-in player as its "Unity build".
"""

import json
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from .conftest import BIN, PIP, run

# Its projects are installed into this environment: under CI's ``-n``, the tests
# that install into it (or, like test_install's, read it) share one worker.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("this-environment")]
# The generated project's own test command.
GENERATED_PYTEST = [
    sys.executable,
    "-m",
    "pytest",
    "-v",
    "--tb=short",
    "-p",
    "no:cacheprovider",
]


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
    [
        ("on-policy", "Bench PPO"),
        ("off-policy", "Bench SAC"),
        ("cooperative", "Bench POCA"),
    ],
)
def test_generated_project_installs_and_passes_its_own_suite(
    bake, algorithm: str, name: str
) -> None:
    project = bake(algorithm=algorithm, project_name=name)
    package = project.name
    trainer_type = package
    config = f"config/{trainer_type}_3DBall.yaml"
    run([*PIP, "install", "-e", "."], cwd=project)
    report = project / "battery.json"
    try:
        suite = run(
            [*GENERATED_PYTEST, "-n", "auto", "--battery-trainers=both"]
            + ["--durations=15", f"--battery-report={report}"],
            cwd=project,
            timeout=2400,
        )
        battery_report_holds_every_run(report, suite.stdout)

        output = wait_for_line(
            [str(BIN / "mlagents-learn"), config, "--run-id", "listen", "--force"],
            cwd=project,
            expected="Listening on port 5004",
            timeout=120,
        )
        assert "Listening on port 5004" in output, output[-3000:]
        if algorithm == "cooperative":
            group_task_trains_with_the_train_command(project)
        bare_project_trains_under_mlagents_learn(bake, algorithm, name, project)
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


def battery_report_holds_every_run(report: Path, output: str) -> None:
    """The workers' parts of ``--battery-report`` were joined into one file:
    every goal and visual run that passed, whichever worker ran it, has its row."""
    rows = json.loads(report.read_text())
    assert not list(report.parent.glob(f"{report.name}.*")), "a part was left"
    passed = set(re.findall(r"PASSED (\S+::test_(?:goal|visual)\[\S+\])", output))
    assert len(passed) >= 8, output[-3000:]
    assert passed <= {row["test"] for row in rows}


def group_task_trains_with_the_train_command(project: Path) -> None:
    """The cooperative flavour trains on its bundled group task without Unity."""
    train = BIN / f"{project.name.replace('_', '-')}-train"
    config = f"config/{project.name}_Escape.yaml"
    result = run(
        [str(train), config, "--env", "escape", "--run-id", "escape"]
        + ["--stop-at-reward", "0.9", "--seed", "1"],
        cwd=project,
        timeout=900,
    )
    assert (
        "Mean reward" in result.stdout and "stopping" in result.stdout
    ), result.stdout[-3000:]
    assert (project / "results/escape/Escape.onnx").stat().st_size > 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("localhost", 0))
        return int(sock.getsockname()[1])


def bare_project_trains_under_mlagents_learn(
    bake, algorithm: str, name: str, with_tooling: Path
) -> None:
    """The flavour without tooling: its own fast tier, then a short mlagents-learn run."""
    project = bake(
        algorithm=algorithm, project_name=f"{name} Bare", include_tooling=False
    )
    assert not (project / "src" / project.name / "simulator").exists()
    run([*PIP, "install", "-e", "."], cwd=project)
    try:
        # Its slow tests (the battery, the benchmark, the sweep, the dispatch) are
        # the first project's files and code under other names, and the first
        # project ran them (with 3DBall besides): the same training twice would
        # prove nothing more. The fast tier checks what the missing tooling changes.
        run([*GENERATED_PYTEST, "-m", "not slow"], cwd=project, timeout=600)
        config = yaml.safe_load(
            (project / f"config/{project.name}_3DBall.yaml").read_text()
        )
        config["behaviors"]["3DBall"].update(max_steps=1000, summary_freq=500)
        (project / "short.yaml").write_text(yaml.safe_dump(config))
        player = BIN / f"{with_tooling.name.replace('_', '-')}-player"
        run(
            [
                str(BIN / "mlagents-learn"),
                "short.yaml",
                "--run-id",
                "bare",
                "--env",
                str(player),
                "--no-graphics",
                "--base-port",
                str(free_port()),
            ],
            cwd=project,
            timeout=600,
        )
        trainer = yaml.safe_load(
            (project / "results/bare/configuration.yaml").read_text()
        )["behaviors"]["3DBall"]["trainer_type"]
        assert trainer == project.name
        assert (project / "results/bare/3DBall.onnx").stat().st_size > 0
    finally:
        run([*PIP, "uninstall", "-y", project.name.replace("_", "-")], cwd=project)
