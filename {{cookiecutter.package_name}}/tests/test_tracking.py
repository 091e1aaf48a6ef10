"""MLflow tracking (``tracking.py``), offline: a SQLite store in a temporary folder.

ML-Agents finds the writer through the ``mlagents.stats_writer`` entry point;
it is off without the switch; a training run logs its settings as params and
its summaries as metrics at ML-Agents' steps, read back through ``MlflowClient``;
the MLflow run ends with the training (FINISHED, or FAILED on an error).
"""

import gc
import subprocess
import sys
import textwrap
from importlib.metadata import entry_points, version
from pathlib import Path
from typing import Any

import pytest
from mlagents.plugins.stats_writer import register_stats_writer_plugins
from mlagents.trainers.settings import RunOptions
from mlagents.trainers.stats import (
    StatsPropertyType,
    StatsSummary,
    TensorboardWriter,
)
from mlagents_envs.side_channel.stats_side_channel import StatsAggregationMethod
from mlflow import MlflowClient
from mlflow.entities import Run

from {{ cookiecutter.package_name }} import tracking
from {{ cookiecutter.package_name }}.tasks.base import SeveralBehaviors
from {{ cookiecutter.package_name }}.tasks.battery_config import BUILTIN_TWIN
from {{ cookiecutter.package_name }}.tasks.behaviors import battery_behavior
from {{ cookiecutter.package_name }}.tasks.goal import GoalTask
from {{ cookiecutter.package_name }}.tasks.harness import train
from {{ cookiecutter.package_name }}.tracking import SWITCH, MlflowWriter

from .conftest import TRAINER_TYPE, legacy_onnx_export

REWARD = "Environment/Cumulative Reward"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One SQLite store for the module (creating one takes seconds)."""
    folder = tmp_path_factory.mktemp("mlflow")
    return f"sqlite:///{folder / 'mlflow.db'}"


@pytest.fixture
def client(
    store: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: Any
) -> MlflowClient:
    """Tracking switched on, into ``store``, an experiment of this test's own."""
    monkeypatch.setenv(SWITCH, "mlflow")
    monkeypatch.setenv("MLFLOW_TRACKING_URI", store)
    monkeypatch.setenv("MLFLOW_EXPERIMENT_NAME", request.node.name)
    monkeypatch.delenv("MLFLOW_EXPERIMENT_ID", raising=False)
    monkeypatch.chdir(tmp_path)  # results/ (TensorBoard) lands here
    return MlflowClient(store)


def runs(client: MlflowClient, experiment: str) -> list[Run]:
    found = client.get_experiment_by_name(experiment)
    assert found is not None, f"no experiment {experiment}"
    return list(client.search_runs([found.experiment_id]))


def options(run_id: str = "first", resume: bool = False, seed: int = 7) -> RunOptions:
    return RunOptions.from_dict(
        {
            "checkpoint_settings": {"run_id": run_id, "resume": resume},
            "env_settings": {"seed": seed},
        }
    )


def test_ml_agents_finds_the_writer_through_its_entry_point() -> None:
    found = {e.name: e for e in entry_points(group="mlagents.stats_writer")}
    ours = found["{{ cookiecutter.package_name }}"]
    assert ours.value == "{{ cookiecutter.package_name }}.tracking:stats_writers"
    assert ours.load() is tracking.stats_writers
    assert "default" in found  # ML-Agents' own writers (TensorBoard, console)


@pytest.mark.parametrize("switch", [None, "", "off"])
def test_tracking_is_off_unless_asked_for(
    switch: str | None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    if switch is None:
        monkeypatch.delenv(SWITCH, raising=False)
    else:
        monkeypatch.setenv(SWITCH, switch)
    writers = register_stats_writer_plugins(options())
    assert not any(isinstance(w, MlflowWriter) for w in writers)
    assert any(isinstance(w, TensorboardWriter) for w in writers)
    assert list(tmp_path.iterdir()) == []  # no mlflow.db, no mlruns/


def test_an_unknown_tracker_is_one_clear_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(SWITCH, "wandb")
    with pytest.raises(tracking.TrackingError, match=f"set {SWITCH}=mlflow"):
        tracking.stats_writers(options())


def test_without_mlflow_the_error_names_the_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(SWITCH, "mlflow")
    monkeypatch.setitem(sys.modules, "mlflow", None)  # as if not installed
    with pytest.raises(tracking.TrackingError) as error:
        tracking.stats_writers(options())
    extra = "{{ cookiecutter.distribution_name }}[tracking]"
    assert str(error.value).endswith(f"pip install '{extra}'")
    assert "\n" not in str(error.value)


def test_a_training_run_is_one_mlflow_run_with_its_settings_and_summaries(
    client: MlflowClient, monkeypatch: pytest.MonkeyPatch, request: Any
) -> None:
    """Two behaviors, two trainers (ours and the built-in twin), one MLflow run."""
    legacy_onnx_export(monkeypatch)  # the twin's .onnx at the end
    ours = battery_behavior("goal-1d-discrete", max_steps=1500, summary_freq=500)
    twin = {**ours, "trainer_type": BUILTIN_TWIN}
    ours["trainer_type"] = TRAINER_TYPE
    run_options = RunOptions.from_dict(
        {
            "behaviors": {"Slide": ours, "Step": twin},
            "checkpoint_settings": {"run_id": "two"},
            "env_settings": {"seed": 3},
        }
    )
    # What mlagents-learn and the train command do: every registered writer.
    writers = register_stats_writer_plugins(run_options)
    assert [type(w) for w in writers].count(MlflowWriter) == 1
    assert any(isinstance(w, TensorboardWriter) for w in writers)
    env = SeveralBehaviors(
        [
            GoalTask(actions="continuous", behavior_name="Slide"),
            GoalTask(actions="discrete", behavior_name="Step"),
        ]
    )
    result = train(env, run_options, seed=3, writers=writers)

    [run] = runs(client, request.node.name)
    assert run.info.run_name == "two"
    assert run.data.tags["mlagents.run_id"] == "two"
    assert run.data.tags["mlagents.trainer_types"] == ",".join(
        sorted({TRAINER_TYPE, BUILTIN_TWIN})
    )
    params = run.data.params
    assert params["seed"] == "3"
    assert params["Slide.trainer_type"] == TRAINER_TYPE
    assert params["Step.trainer_type"] == BUILTIN_TWIN
    for behavior in ("Slide", "Step"):
        # Every setting, as the trainer runs it (ML-Agents' defaults filled in).
        settings = run_options.behaviors[behavior].as_dict()
        expected = tracking.flatten(settings, f"{behavior}.")
        assert {key: params.get(key) for key in expected} == expected
        assert len(expected) > 20
        assert params[f"{behavior}.network_settings.hidden_units"] == "32"
        assert params[f"{behavior}.max_steps"] == "1500"
    # The installed build: 1.1.0 on 3.10 and 3.11, 1.1.0+tt.py312.1 (patched) on 3.12.
    assert params["mlagents_version"] == version("mlagents")
    assert params["mlagents_version"].startswith("1.1.0")
    assert params["{{ cookiecutter.package_name }}_version"]
    assert params["torch_version"]

    for behavior in ("Slide", "Step"):
        # Each summary ML-Agents wrote, at its step, with TensorBoard's value.
        logged = [
            (m.step, m.value)
            for m in client.get_metric_history(run.info.run_id, f"{behavior}/{REWARD}")
        ]
        assert logged == result.log.stats[f"{behavior}:{REWARD}"]
        assert [step for step, _ in logged] == [500, 1000, 1500]
        spread = client.get_metric_history(run.info.run_id, f"{behavior}/{REWARD} std")
        assert [m.step for m in spread] == [500, 1000, 1500]
        assert all(m.value >= 0 for m in spread)
    assert "Slide/Environment/Episode Length" in run.data.metrics
    assert not any("Is Training" in name for name in run.data.metrics)

    # Training is over; the writers are still held here, so the run is open...
    assert run.info.status == "RUNNING"
    # ...and ends once nothing holds them (the harness has let them go already).
    del writers
    gc.collect()
    assert client.get_run(run.info.run_id).info.status == "FINISHED"


@pytest.mark.parametrize(
    "ending, status",
    [("", "FINISHED"), ("raise RuntimeError('the environment died')", "FAILED")],
)
def test_the_run_ends_with_the_process(
    client: MlflowClient, request: Any, ending: str, status: str
) -> None:
    """As after ``mlagents-learn``: nothing closes the writer, the exit does."""
    script = textwrap.dedent(f"""
        from mlagents.trainers.settings import RunOptions
        from mlagents.trainers.stats import StatsReporter
        from mlagents.plugins.stats_writer import register_stats_writer_plugins

        for writer in register_stats_writer_plugins(RunOptions()):
            StatsReporter.add_writer(writer)
        reporter = StatsReporter("Ball")
        reporter.add_stat("{REWARD}", 1.5)
        reporter.write_stats(100)
        {ending}
        """)
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300
    )
    assert (result.returncode == 0) == (status == "FINISHED"), result.stderr[-3000:]
    [run] = runs(client, request.node.name)
    assert run.info.status == status
    history = client.get_metric_history(run.info.run_id, f"Ball/{REWARD}")
    assert [(m.step, m.value) for m in history] == [(100, 1.5)]


@pytest.mark.parametrize(
    "ended_by, status",
    [(RuntimeError("boom"), "FAILED"), (KeyboardInterrupt(), "KILLED")],
)
def test_an_exception_that_ends_the_program_ends_the_run_as_it(
    client: MlflowClient,
    monkeypatch: pytest.MonkeyPatch,
    ended_by: BaseException,
    status: str,
) -> None:
    writer = MlflowWriter(options())
    # What Python records before it runs exit handlers, after an uncaught exception.
    monkeypatch.setattr(sys, "last_value", ended_by, raising=False)
    writer._end.at_exit()
    assert client.get_run(writer.run_id).info.status == status
    assert not writer.active


def test_close_ends_the_run_once(client: MlflowClient) -> None:
    writer = MlflowWriter(options())
    assert client.get_run(writer.run_id).info.status == "RUNNING"
    writer.close()
    writer.close("FAILED")  # already ended: no change
    assert client.get_run(writer.run_id).info.status == "FINISHED"


def test_resume_continues_the_run_of_the_same_run_id(
    client: MlflowClient, request: Any
) -> None:
    first = MlflowWriter(options("again"))
    first.add_property("Ball", StatsPropertyType.HYPERPARAMETERS, {"max_steps": 100})
    first.write_stats("Ball", {REWARD: summary(1.0)}, 100)
    first.close()
    MlflowWriter(options("other")).close()

    # Longer training, resumed: the params stay the first run's (MLflow's cannot
    # change), the metrics go on.
    second = MlflowWriter(options("again", resume=True))
    second.add_property("Ball", StatsPropertyType.HYPERPARAMETERS, {"max_steps": 200})
    second.write_stats("Ball", {REWARD: summary(2.0)}, 200)
    second.close()

    assert second.run_id == first.run_id
    assert len(runs(client, request.node.name)) == 2
    run = client.get_run(first.run_id)
    assert run.info.status == "FINISHED"
    assert run.data.params["Ball.max_steps"] == "100"
    history = client.get_metric_history(first.run_id, f"Ball/{REWARD}")
    assert [(m.step, m.value) for m in history] == [(100, 1.0), (200, 2.0)]


def test_resume_without_an_earlier_run_starts_one(
    client: MlflowClient, request: Any
) -> None:
    for run_id in ("never", "it's"):  # a quote MLflow's search filter cannot take
        MlflowWriter(options(run_id, resume=True)).close()
    found = runs(client, request.node.name)
    assert sorted(str(run.info.run_name) for run in found) == ["it's", "never"]


def test_a_failing_tracking_server_does_not_stop_training(
    client: MlflowClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = MlflowWriter(options())

    def unreachable(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("the tracking server is gone")

    monkeypatch.setattr(writer.client, "log_batch", unreachable)
    writer.write_stats("Ball", {REWARD: summary(1.0)}, 100)  # no exception
    writer.close()
    assert client.get_run(writer.run_id).data.metrics == {}


def test_stat_names_become_valid_metric_names() -> None:
    assert tracking.metric_name("Ball?team=0/Policy/Extrinsic Reward (mean)") == (
        "Ball_team_0/Policy/Extrinsic Reward _mean_"
    )
    assert tracking.flatten({"a": dict(b=1, c=None, d={}), "e": [1]}) == {
        "a.b": "1",
        "a.c": "None",
        "a.d": "{}",
        "e": "[1]",
    }


def summary(value: float) -> StatsSummary:
    return StatsSummary([value], StatsAggregationMethod.HISTOGRAM)
