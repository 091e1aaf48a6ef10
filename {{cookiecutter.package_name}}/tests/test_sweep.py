"""The sweep command: its space against the settings class, its score, pruning, resuming.

The space's tests structure every corner of ``SEARCH_SPACE`` as ML-Agents loads
a config. The score and pruning tests run the command in this process with
``run_seeds`` replaced by one that writes made-up records (no training). The
slow tests train for real, tiny: 2 trials of 2 seeds of 1,000 steps on the
smallest battery task; interrupted with Ctrl-C or killed, then resumed; and
two workers sharing one study on a PostgreSQL server that the test starts.
"""

import json
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Generator, Iterable, Iterator
from pathlib import Path
from typing import Any

import optuna
import pytest
from mlagents.trainers.exception import TrainerConfigError
from optuna.trial import TrialState

from {{ cookiecutter.package_name }}.benchmark.command import catalogue
from {{ cookiecutter.package_name }}.benchmark.dispatch import RunSpec
from {{ cookiecutter.package_name }}.search_space import (
    Choice,
    FloatRange,
    IntRange,
    corners,
)
from {{ cookiecutter.package_name }}.settings import (
    SEARCH_SPACE,
    {{ cookiecutter.trainer_class_name }}Settings,
)
from {{ cookiecutter.package_name }}.sweep import objective
from {{ cookiecutter.package_name }}.sweep.command import main
from {{ cookiecutter.package_name }}.sweep.objective import best_possible, seed_score
from {{ cookiecutter.package_name }}.sweep.space import check_space, structure
from {{ cookiecutter.package_name }}.sweep.study import with_driver

from .conftest import ALGORITHM, CONFIG_PATH, PROJECT_ROOT, TRAINER_TYPE

TASK = "goal-1d-discrete"  # the smallest battery task
STEPS = 1000


def all_tasks() -> list[Any]:
    tasks, _ = catalogue(CONFIG_PATH)
    return list(tasks.values())


def test_every_corner_of_the_space_is_a_setting_the_class_accepts() -> None:
    task = next(task for task in all_tasks() if task.name == TASK)
    seen = 0
    for corner in corners(SEARCH_SPACE):
        options = structure(task, TRAINER_TYPE, corner)
        hyperparameters = options.behaviors[task.behavior].hyperparameters
        assert isinstance(hyperparameters, {{ cookiecutter.trainer_class_name }}Settings)
        for name, value in corner.items():
            assert getattr(hyperparameters, name) == value, name
        seen += 1
    ends = [len(dimension.ends()) for dimension in SEARCH_SPACE.values()]
    assert seen == math.prod(ends) > 1
    # Every task of the battery, and 3DBall's config where it is. A Gymnasium
    # task keeps rl-baselines3-zoo's settings, which the space need not fit (a
    # buffer of 8 steps, say): the command stops with the setting that does not.
    for task in all_tasks():
        if task.zoo is None:
            assert check_space(SEARCH_SPACE, task, TRAINER_TYPE) == seen


# Each flavour's space, widened past one of its validators at a time.
WIDENED: dict[str, list[tuple[str, Any]]] = {
    "on-policy": [
        ("learning_rate", FloatRange(1e-11, 1e-2, log=True)),  # the linear floor
        ("epsilon", FloatRange(0.1, 1.0)),  # (0, 1)
        ("lambd", FloatRange(0.8, 1.2)),  # [0, 1]
        ("beta", FloatRange(1e-6, 3e-2, log=True)),  # the linear floor
        ("num_epoch", IntRange(0, 8)),  # positive
        ("batch_size", Choice((32, 64, 1024))),  # above the battery's buffer
    ],
    "off-policy": [
        ("learning_rate", FloatRange(0.0, 1e-2)),  # positive
        ("tau", FloatRange(1e-3, 1.5, log=True)),  # (0, 1]
        ("steps_per_update", FloatRange(-1.0, 10.0)),  # positive
        ("init_entcoef", FloatRange(0.0, 1.0)),  # positive
        ("batch_size", Choice((0, 32))),  # positive
    ],
}
WIDENED["cooperative"] = WIDENED["on-policy"]


@pytest.mark.parametrize(
    "name, widened", WIDENED[ALGORITHM], ids=[name for name, _ in WIDENED[ALGORITHM]]
)
def test_a_range_widened_past_a_validator_is_caught(name: str, widened: Any) -> None:
    assert name in SEARCH_SPACE
    task = next(task for task in all_tasks() if task.name == TASK)
    space = {**SEARCH_SPACE, name: widened}
    with pytest.raises(TrainerConfigError, match=name):
        check_space(space, task, TRAINER_TYPE)


def test_a_widened_space_stops_the_command_before_training(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    name, widened = WIDENED[ALGORITHM][0]
    monkeypatch.setitem(SEARCH_SPACE, name, widened)
    monkeypatch.setattr(objective, "run_seeds", None)  # must not be reached
    assert main(["--task", TASK, "--out", str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert error.startswith("error: the search space reaches a setting")
    assert name in error and len(error.splitlines()) == 1


def test_without_optuna_one_line_names_the_extra(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setitem(sys.modules, "optuna", None)  # as if not installed
    assert main(["--task", TASK, "--out", str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert error == (
        "error: the sweep needs Optuna: pip install "
        "'{{ cookiecutter.distribution_name }}[sweep]' (or pip install optuna)\n"
    )


def test_a_seed_that_fails_counts_as_twice_the_budget() -> None:
    assert seed_score(1234, 4000) == 1234.0
    assert seed_score(None, 4000) == 8000.0
    # The best a trial can still do: its seeds so far, zeros for the others.
    assert best_possible([8000.0], 3) == 0.0
    assert best_possible([8000.0, 900.0], 3) == 900.0
    assert best_possible([8000.0, 900.0, 100.0], 3) == 900.0
    assert best_possible([8000.0], 2) == 4000.0


class FakeRuns:
    """Stands in for ``run_seeds``: writes records with made-up steps, no training.

    ``steps[trial][seed]`` is what a seed of the trial-th call reaches (None:
    never); ``calls`` lists (trial, seed) as runs are "trained".
    """

    def __init__(self, steps: list[list[int | None]]) -> None:
        self.steps = steps
        self.calls: list[tuple[int, int]] = []
        self.trial = -1

    def __call__(
        self, runs: Iterable[RunSpec], progress_every_s: float, dispatch: Any = None
    ) -> Generator[tuple[RunSpec, int], None, None]:
        self.trial += 1
        for run in runs:
            self.calls.append((self.trial, run.seed))
            record = {
                "fingerprint": run.fingerprint,
                "steps_to_threshold": self.steps[self.trial][run.seed - 1],
                "threshold": 0.9,
            }
            Path(run.path).parent.mkdir(parents=True, exist_ok=True)
            Path(run.path).write_text(json.dumps(record))
            yield run, 0


def fake_sweep(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    steps: list[list[int | None]],
    seeds: int,
) -> tuple[FakeRuns, optuna.Study]:
    runs = FakeRuns(steps)
    monkeypatch.setattr(objective, "run_seeds", runs)
    arguments = ["--task", TASK, "--out", str(tmp_path), "--seeds", str(seeds)]
    assert main([*arguments, "--trials", str(len(steps)), "--max-steps", "4000"]) == 0
    storage = f"sqlite:///{tmp_path / 'sweep.db'}"
    return runs, optuna.load_study(study_name=TASK, storage=storage)


def test_the_score_is_the_median_over_seeds(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, study = fake_sweep(monkeypatch, tmp_path, [[100, 900, 200]], seeds=3)
    (trial,) = study.trials
    assert trial.state == TrialState.COMPLETE and trial.value == 200.0
    assert trial.user_attrs["seed2_steps_to_threshold"] == 900
    output = capsys.readouterr().out
    assert "trial 1 of 1 (#0): " in output
    assert "seed 2: reached 0.9 at 900 steps" in output
    assert "trial 1: median 200 steps, the best so far" in output
    assert "Best: trial #0, median 200 steps over 3 seeds" in output


def test_a_hopeless_trial_is_pruned_and_reported_pruned(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Trial 1 scores 600. Trial 2's first seed fails (8,000): even a second
    # seed at step 0 would leave a median of 4,000, so its second seed never runs.
    runs, study = fake_sweep(
        monkeypatch, tmp_path, [[500, 700], [None, 10], [None, 10]], seeds=2
    )
    assert runs.calls[:3] == [(0, 1), (0, 2), (1, 1)]
    first, second = study.trials[:2]
    assert first.state == TrialState.COMPLETE and first.value == 600.0
    assert second.state == TrialState.PRUNED
    assert second.intermediate_values == {1: 4000.0}
    output = capsys.readouterr().out
    assert "did not reach 0.9 in 4,000 steps (counts as 8,000)" in output
    assert "pruned after 1 of 2 seeds: its median would be at least 4,000" in output
    assert "Study 'goal-1d-discrete': 1 complete, 2 pruned." in output


def test_a_finished_study_runs_nothing_more(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake_sweep(monkeypatch, tmp_path, [[100, 200]], seeds=2)
    again = FakeRuns([])
    monkeypatch.setattr(objective, "run_seeds", again)
    arguments = ["--task", TASK, "--out", str(tmp_path), "--seeds", "2"]
    assert main([*arguments, "--trials", "1", "--max-steps", "4000"]) == 0
    assert again.calls == []
    assert "(1 complete)" in capsys.readouterr().out
    # A study measured otherwise is refused: its trials would not compare.
    assert main([*arguments, "--trials", "2", "--max-steps", "2000"]) == 1
    error = capsys.readouterr().err
    assert "measures something else: budget 4000 (asked: 2000)" in error


def test_an_unreachable_ray_cluster_is_one_line_before_the_study_opens(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    arguments = ["--task", TASK, "--out", str(tmp_path), "--trials", "1"]
    assert main([*arguments, "--ray", f"127.0.0.1:{port}"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("error: cannot reach the Ray cluster at 127.0.0.1:")
    assert error.count("\n") == 1
    assert not (tmp_path / "sweep.db").exists()


# The real thing, tiny.


def sweep_command(out: Path, trials: int, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "{{ cookiecutter.package_name }}.sweep.command",
        "--task",
        TASK,
        "--trials",
        str(trials),
        "--seeds",
        "2",
        "--max-steps",
        str(STEPS),
        "--out",
        str(out),
        *extra,
    ]


def sweep(out: Path, trials: int, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        sweep_command(out, trials, *extra),
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


def seed_results(output: str) -> list[tuple[str, str]]:
    """(seed, how it ended) for each seed's result line (not its progress lines)."""
    return re.findall(r"^    seed (\d+): (reached|did not reach) ", output, re.M)


def records(out: Path) -> dict[Path, float]:
    """Every run's record, with the time it was written."""
    return {path: path.stat().st_mtime for path in out.glob("runs/**/seed*.json")}


def load(out: Path) -> optuna.Study:
    return optuna.load_study(study_name=TASK, storage=f"sqlite:///{out / 'sweep.db'}")


@pytest.mark.slow
def test_a_tiny_sweep_finishes_and_a_second_call_continues_it(tmp_path: Path) -> None:
    first = sweep(tmp_path, 2)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    out = first.stdout
    assert "trial 1 of 2 (#0): " in out and "trial 2 of 2 (#1): " in out
    # Trial 2 stops after one seed where it is pruned (a seed that reached the
    # threshold early in trial 1 makes that possible).
    seeds_run = len(seed_results(out))
    pruned = out.count("  pruned after 1 of 2 seeds")
    assert seeds_run == 4 - pruned
    assert "Best: trial #" in out and "In your config's hyperparameters:" in out
    before = records(tmp_path)
    assert len(before) == seeds_run
    finished = [trial.state for trial in load(tmp_path).trials]
    assert finished.count(TrialState.PRUNED) == pruned
    assert finished.count(TrialState.COMPLETE) == 2 - pruned

    second = sweep(tmp_path, 3)
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
    assert f"({2 - pruned} complete{', 1 pruned' if pruned else ''})" in second.stdout
    assert "trial 3 of 3 (#2): " in second.stdout
    assert "trial 1 of" not in second.stdout and "trial 2 of" not in second.stdout
    after = records(tmp_path)
    assert {path: after[path] for path in before} == before  # none trained again
    assert 1 <= len(after) - len(before) <= 2  # trial 3's seeds (fewer if pruned)
    states = [trial.state for trial in load(tmp_path).trials]
    assert len(states) == 3 and TrialState.RUNNING not in states


def start(out: Path, *extra: str) -> subprocess.Popen[str]:
    """A sweep in its own process group (as a terminal's Ctrl-C reaches it)."""
    return subprocess.Popen(
        sweep_command(out, 1, *extra),
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def stop_after_first_seed(process: subprocess.Popen[str], signum: int) -> str:
    """Send ``signum`` to the sweep's group once its first seed finished."""
    assert process.stdout is not None
    lines = []
    for line in process.stdout:
        lines.append(line)
        if seed_results(line):
            # Into seed 2's run: its process is starting (importing torch alone
            # takes longer than this), so it cannot have finished. (Seconds more
            # and it may have: the run is 1,000 steps of the smallest task.)
            time.sleep(0.5)
            os.killpg(process.pid, signum)
            break
    lines.append(process.stdout.read())
    process.wait(timeout=120)
    return "".join(lines)


@pytest.mark.slow
def test_an_interrupted_trial_is_run_again_with_its_finished_seeds(
    tmp_path: Path,
) -> None:
    process = start(tmp_path)
    output = stop_after_first_seed(process, signal.SIGINT)
    assert process.returncode == 130, output[-3000:]
    assert "Interrupted: the trial that was running is marked failed" in output
    failed, queued = load(tmp_path).trials
    assert failed.state == TrialState.FAIL and failed.user_attrs["interrupted"]
    assert queued.state == TrialState.WAITING and queued.user_attrs["retry_of"] == 0
    # A record for each seed that finished, none for the one stopped. (Seed 2
    # finishes if its process, still starting, missed the Ctrl-C: the sweep
    # stops all the same.)
    assert len(records(tmp_path)) == len(seed_results(output))

    resumed = sweep(tmp_path, 1)
    assert resumed.returncode == 0, resumed.stdout[-3000:] + resumed.stderr[-3000:]
    assert "trial 1 of 1 (#1, a retry of #0): " in resumed.stdout
    assert re.search(r"^    seed 1: .+ \(kept from before\)$", resumed.stdout, re.M)
    assert [seed for seed, _ in seed_results(resumed.stdout)] == ["1", "2"]
    retried = load(tmp_path).trials[1]
    assert retried.state == TrialState.COMPLETE and retried.params == failed.params


@pytest.mark.slow
def test_a_killed_workers_trial_is_failed_and_run_again(tmp_path: Path) -> None:
    process = start(tmp_path, "--heartbeat", "1")
    output = stop_after_first_seed(process, signal.SIGKILL)
    assert process.returncode == -signal.SIGKILL, output[-3000:]
    (running,) = load(tmp_path).trials
    assert running.state == TrialState.RUNNING  # nobody could say otherwise
    time.sleep(3)  # silent for more than twice the heartbeat

    resumed = sweep(tmp_path, 1, "--heartbeat", "1")
    assert resumed.returncode == 0, resumed.stdout[-3000:] + resumed.stderr[-3000:]
    assert "a retry of #0): " in resumed.stdout
    assert re.search(r"^    seed 1: .+ \(kept from before\)$", resumed.stdout, re.M)
    states = [trial.state for trial in load(tmp_path).trials]
    assert states == [TrialState.FAIL, TrialState.COMPLETE]


# PostgreSQL: a real server, started for the test.


def postgres_bin() -> Path | None:
    """The folder of PostgreSQL's server programs (initdb, pg_ctl), if installed."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    # Debian and Ubuntu keep them out of PATH, one folder per version.
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda path: int(path.parts[-3]) if path.parts[-3].isdigit() else 0,
    )
    return versions[-1].parent if versions else None


@pytest.fixture(scope="module")
def postgresql_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A PostgreSQL server of its own on a free local port; its URL."""
    bin_dir = postgres_bin()
    if bin_dir is None:
        message = (
            "no PostgreSQL server installed (initdb not found): "
            "apt-get install postgresql, or your system's package"
        )
        if os.environ.get("REQUIRE_POSTGRESQL"):
            pytest.fail(message)
        pytest.skip(message)
    # initdb refuses to run as root: as root, the server runs as the postgres
    # user that the package made, in a folder of its own.
    as_user: list[str] = []
    root = tmp_path_factory.mktemp("postgresql")
    if os.geteuid() == 0:
        as_user = ["runuser", "-u", "postgres", "--"]
        root = Path(tempfile.mkdtemp(prefix="sweep-postgresql-"))
        shutil.chown(root, "postgres")
    data, log = root / "data", root / "server.log"
    port = free_port()
    subprocess.run(
        [*as_user, str(bin_dir / "initdb"), "-D", str(data), "-U", "sweep"]
        + ["--auth=trust", "--no-sync"],
        check=True,
        capture_output=True,
    )
    options = f"-h 127.0.0.1 -p {port} -k {root} -c fsync=off"
    subprocess.run(
        [*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log)]
        + ["-o", options, "-w", "start"],
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql://sweep@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"],
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.slow
def test_two_workers_share_one_study_on_postgresql(
    postgresql_url: str, tmp_path: Path
) -> None:
    # One seed a trial: the point is the sharing.
    shared = ["--storage", postgresql_url, "--study", "shared", "--seeds", "1"]
    # Two workers, as on two machines: each its own results folder.
    workers = [
        subprocess.Popen(
            sweep_command(tmp_path / name, 2, *shared),
            cwd=PROJECT_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for name in ("a", "b")
    ]
    outputs = [worker.communicate(timeout=600)[0] for worker in workers]
    for worker, output in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, output[-3000:]
        assert "postgresql://sweep@127.0.0.1" in output
    study = optuna.load_study(study_name="shared", storage=with_driver(postgresql_url))
    finished = [t for t in study.trials if t.state != TrialState.RUNNING]
    assert len(finished) == len(study.trials) >= 2
    # Each worker ran trials of the one study, and no trial twice.
    ran = [
        set(map(int, re.findall(r"^trial \d+ of \d+ \(#(\d+)", output, re.M)))
        for output in outputs
    ]
    assert ran[0] and ran[1] and not ran[0] & ran[1]
    assert ran[0] | ran[1] == {trial.number for trial in study.trials}
    assert len({trial.user_attrs["worker"] for trial in study.trials}) == 2
