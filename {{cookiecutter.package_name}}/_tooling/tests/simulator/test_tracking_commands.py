"""MLflow tracking through the real commands: ``mlagents-learn`` (with the
stand-in player) and the train command each find the writer through ML-Agents'
entry point, log the run, and leave it FINISHED when they exit."""

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from mlflow import MlflowClient

from {{ cookiecutter.package_name }}.tracking import SWITCH

from .helpers import train_command
from .test_player import learn, steps_in_tensorboard, write_config

pytestmark = pytest.mark.slow

REWARD = "3DBall/Environment/Cumulative Reward"


@pytest.mark.parametrize("command", ["mlagents-learn", "train"])
def test_a_command_logs_its_run_and_ends_it(
    command: str, tmp_path: Path, config_dict: dict[str, Any]
) -> None:
    config = write_config(tmp_path, config_dict, max_steps=1000, summary_freq=500)
    results = tmp_path / "results"
    line = (
        learn(config, results, "tracked")
        if command == "mlagents-learn"
        else train_command(config, results, "tracked", "--seed", "1")
    )
    store = f"sqlite:///{tmp_path / 'mlflow.db'}"
    environment = {
        **os.environ,
        SWITCH: "mlflow",
        "MLFLOW_TRACKING_URI": store,
        "MLFLOW_EXPERIMENT_NAME": "commands",
    }
    result = subprocess.run(
        line, capture_output=True, text=True, timeout=600, env=environment
    )
    assert result.returncode == 0, result.stderr[-3000:]
    client = MlflowClient(store)
    experiment = client.get_experiment_by_name("commands")
    assert experiment is not None
    [run] = client.search_runs([experiment.experiment_id])
    assert run.info.status == "FINISHED"
    assert run.info.run_name == "tracked"
    assert run.data.params["seed"] == "1"
    assert run.data.params["3DBall.max_steps"] == "1000"
    # The summaries TensorBoard got (it is still written), at the same steps.
    history = client.get_metric_history(run.info.run_id, REWARD)
    steps = steps_in_tensorboard(results / "tracked")
    assert [m.step for m in history] == steps and steps[0] == 500
