"""``--env gym:ID``: the train command on a Gymnasium environment.

A bad id stops before training with one line; a tiny CartPole run, configured
through ``default_settings`` (the behavior is named after the id), trains this
package's trainer through ML-Agents' TrainerController and saves the .onnx.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from {{ cookiecutter.package_name }}.simulator.train import environment_problem
from {{ cookiecutter.package_name }}.tasks import gymnasium_env

from ..conftest import CONFIG_PATH, TRAINER_TYPE
from .helpers import train_command


@pytest.mark.parametrize(
    "env, message",
    [
        ("gym:Nope-v0", "error: unknown Gymnasium environment 'Nope-v0'"),
        ("gym:CartPole-v9", "error: unknown Gymnasium environment 'CartPole-v9'"),
    ],
)
def test_an_unknown_gymnasium_id_stops_with_one_line(
    tmp_path: Path, env: str, message: str
) -> None:
    command = train_command(CONFIG_PATH, tmp_path / "results", "bad", "--env", env)
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert result.stderr.startswith(message) and result.stderr.count("\n") == 1
    assert not (tmp_path / "results").exists()


def test_without_gymnasium_the_error_names_the_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "gymnasium", None)  # import gymnasium fails
    monkeypatch.delitem(sys.modules, gymnasium_env.__name__)
    problem = environment_problem("gym:CartPole-v1")
    assert problem == gymnasium_env.MISSING
    assert environment_problem("gym:Nope-v0") == gymnasium_env.MISSING


@pytest.mark.slow
def test_a_tiny_cartpole_run_trains_and_saves_the_model(tmp_path: Path) -> None:
    config = {
        "default_settings": {
            "trainer_type": TRAINER_TYPE,
            "hyperparameters": {"batch_size": 64, "buffer_size": 256},
            "time_horizon": 32,
            "summary_freq": 500,
        }
    }
    config_path = tmp_path / "cartpole.yaml"
    config_path.write_text(yaml.safe_dump(config))
    command = train_command(
        config_path,
        tmp_path / "results",
        "cartpole",
        "--env",
        "gym:CartPole-v1",
        "--num-areas",
        "2",
        "--seed",
        "1",
        "--max-steps",
        "2000",
    )
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    # --max-steps reached the behavior that default_settings configured.
    assert re.search(
        r"^CartPole-v1: mean reward \S+ at step 2000$", result.stdout, re.M
    )
    run = tmp_path / "results" / "cartpole"
    assert (run / "CartPole-v1.onnx").stat().st_size > 0
    status = (run / "run_logs" / "training_status.json").read_text()
    assert '"CartPole-v1"' in status
