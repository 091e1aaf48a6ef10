"""The benchmark command: its statistics, and one tiny run checked against its own logs.

The tiny run (one seed, 2,000 steps, ours and the built-in twin on two battery
tasks, and on 3DBall with the tooling) measures nothing; it checks that the
report has its parts and that its figures are the runs' own: steps to the
threshold recomputed from the recorded episodes, the episodes' returns against
ML-Agents' own reward summaries, and a second call that reuses every run.
"""

import json
import math
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from {{ cookiecutter.package_name }}.benchmark.command import has_simulator, main
from {{ cookiecutter.package_name }}.benchmark.report import closing_note, compare
from {{ cookiecutter.package_name }}.benchmark.stats import (
    mann_whitney,
    median,
    median_interval,
)
from {{ cookiecutter.package_name }}.tasks.battery_config import BUILTIN_TWIN
from {{ cookiecutter.package_name }}.tasks.harness import steps_to

from .conftest import PROJECT_ROOT, TRAINER_TYPE

TASK = "goal-1d-discrete"
# Not solved in 2,000 steps: its runs go to the budget, past ML-Agents' reward
# summaries (every 1,000 steps), which a run that stops early may never reach.
LONG_TASK = "corridor"
STEPS = 2000


def test_median_interval_is_the_order_statistic_one() -> None:
    assert median([3.0, 1.0, math.inf, 2.0, 5.0]) == 3.0
    # Five values: the range, at 1 - 2/32 coverage; nine: the 2nd to 8th values.
    assert median_interval([5.0, 1.0, 4.0, 2.0, 3.0]) == (1.0, 5.0, 0.9375)
    low, high, coverage = median_interval([float(v) for v in range(1, 10)]) or (0, 0, 0)
    assert (low, high) == (2.0, 8.0) and coverage == pytest.approx(0.9609375)
    assert median_interval([1.0]) is None


def test_mann_whitney_exact_p_values() -> None:
    # Complete separation of 5 and 5: 2 of the 252 splits are as extreme.
    assert mann_whitney([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]) == pytest.approx(2 / 252)
    assert mann_whitney([1, 2, 3], [1, 2, 3]) == 1.0
    # Runs that never got there (inf) tie with each other and rank last.
    p = mann_whitney([1.0, 2.0, 3.0], [math.inf, math.inf, 4.0])
    assert p == pytest.approx(2 / 20)
    assert 0.05 < mann_whitney([1, 3, 5, 7, 9], [2, 4, 6, 8, 10]) <= 1.0


def test_closing_note_counts_the_runs_that_reached_the_goal() -> None:
    # 1 of 3 of ours reached it, 0 of 3 of the twin's: no median to compare.
    def run(trainer: str, steps: int | None, speed: float) -> dict:
        return {
            "trainer_type": trainer,
            "steps_to_threshold": steps,
            "steps_per_second": speed,
            "wall_seconds": 10.0,
        }

    runs = [run("ours", 900, 300.0), run("ours", None, 310.0), run("ours", None, 320.0)]
    runs += [
        run("twin", None, 150.0),
        run("twin", None, 160.0),
        run("twin", None, 140.0),
    ]
    figures = compare(runs, "ours", "twin")
    assert figures is not None
    task = SimpleNamespace(name="Task-v0", threshold=-100.0)
    note = closing_note(task, figures, runs, ("ours", "twin"))[0]  # type: ignore[arg-type]
    assert "ours reached -100 in 1 of 3 runs, twin in 0 of 3: no ratio of steps" in note
    assert "Steps per second: 2.07 times (310 against 150" in note
    assert "never steps" not in note
    # Neither median run got there: the steps cannot be judged; the speed can.
    assert "the steps cannot be judged" in note
    assert note.endswith("in speed it meets the target (by the medians).")

    # The twin's median run got there and ours did not: ours falls short.
    for twin_run in runs[3:5]:
        twin_run["steps_to_threshold"] = 1000
    figures = compare(runs, "ours", "twin")
    assert figures is not None
    note = closing_note(task, figures, runs, ("ours", "twin"))[0]  # type: ignore[arg-type]
    assert "ours reached -100 in 1 of 3 runs, twin in 2 of 3" in note
    assert "falls short by a median run that never reached -100." in note
    assert "cannot be judged" not in note


def test_the_tasks_listed_say_whether_3dball_is_there(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--list", "--config", str(PROJECT_ROOT / "config" / "none.yaml")]) == 0
    listed = capsys.readouterr().out
    assert TASK in listed
    if has_simulator():
        assert "3DBall needs its config" in listed
    else:
        assert "rendered without" in listed and len(listed.splitlines()[0]) < 200
        assert main([]) == 2
        assert "Choose battery tasks with --tasks" in capsys.readouterr().out


def tiny_tasks() -> list[str]:
    return [TASK, LONG_TASK, *(["3DBall"] if has_simulator() else [])]


def benchmark_command(tasks: list[str], out: Path) -> list[str]:
    """The benchmark command for ``tasks``: one seed, a tiny budget, into ``out``."""
    return [
        sys.executable,
        "-m",
        "{{ cookiecutter.package_name }}.benchmark.command",
        "--tasks",
        *tasks,
        "--seeds",
        "1",
        "--max-steps",
        str(STEPS),
        "--out",
        str(out),
    ]


@pytest.fixture(scope="module")
def tiny_benchmark(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("benchmark")
    tasks = tiny_tasks()
    command = [*benchmark_command(tasks, out), "--progress-every", "0.5"]
    result = subprocess.run(
        command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=900
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return out, result.stdout


def runs_of(out: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted(out.glob("runs/*/*.json"))]


@pytest.mark.slow
def test_tiny_benchmark_report_has_its_parts(tiny_benchmark: tuple[Path, str]) -> None:
    out, stdout = tiny_benchmark
    report = (out / "report.md").read_text()
    assert report.startswith(
        f"# Benchmark: {TRAINER_TYPE} vs ML-Agents' {BUILTIN_TWIN}"
    )
    header = report.split("## Results")[0]
    assert re.search(r"on \d{4}-\d{2}-\d{2}\. Machine: .+ cores\.", header)
    assert "mlagents 1.1.0" in header and "torch " in header
    assert "Mann-Whitney" in header and "order-statistic" in header
    for section in ("## Results", f"## {TRAINER_TYPE} / {BUILTIN_TWIN}"):
        assert section in report
    for section in ("## Every run", "## Learning curves", "## Closing note"):
        assert section in report
    assert "n/a (1 seed)" in report  # one seed: no interval to give
    assert (out / "learning-curves.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    runs = runs_of(out)
    assert sorted((r["task"], r["trainer_type"]) for r in runs) == sorted(
        (task, trainer)
        for task in tiny_tasks()
        for trainer in (TRAINER_TYPE, BUILTIN_TWIN)
    )
    # Progress: a start and an end line per run, and step counts while it runs.
    assert stdout.count(": training (budget") == len(runs)
    assert len(re.findall(r": (reached|did not reach) ", stdout)) == len(runs)
    assert re.search(r"\d steps, [\d,]+ steps/s, mean of the last", stdout)


@pytest.mark.slow
def test_tiny_benchmark_figures_are_the_runs_own(
    tiny_benchmark: tuple[Path, str],
) -> None:
    out, _ = tiny_benchmark
    report = (out / "report.md").read_text()
    rows = report.split("## Every run")[1].split("## Learning curves")[0]
    summaries_checked = 0
    for run in runs_of(out):
        returns, ends = run["episode_returns"], run["episode_end_steps"]
        assert len(returns) == len(ends) > 0
        assert ends == sorted(ends) and ends[-1] <= run["steps"]
        reached = steps_to(returns, ends, run["threshold"], run["window"])
        assert run["steps_to_threshold"] == reached
        # A run ends at its budget, or early once it reached the threshold.
        end = STEPS if reached is None else reached
        assert end <= run["steps"] < end + 500
        shown = "never" if reached is None else f"{reached:,}"
        row = (
            f"| {run['task']} | {run['trainer_type']} | {run['seed']} | {shown} "
            f"| {run['steps_per_second']:,.0f} | {run['wall_seconds']:,.0f} "
            f"| {len(returns)} | {run['steps']:,} |"
        )
        assert row in rows
        assert run["steps"] / run["steps_per_second"] <= run["wall_seconds"]
        # ML-Agents' own summaries count the same episodes with the same returns.
        summaries = run["mlagents_reward_summaries"]
        counted = sum(num for _, _, num in summaries)
        if counted:
            total = sum(mean * num for _, mean, num in summaries)
            assert counted <= len(returns)
            assert sum(returns[:counted]) == pytest.approx(total, rel=1e-5, abs=1e-4)
            summaries_checked += 1
        assert (out / "runs" / run["task"] / Path(run_name(run)) / "run_logs").is_dir()
    assert summaries_checked >= 2  # at least the two LONG_TASK runs


def run_name(run: dict) -> str:
    return f"{run['trainer_type']}-seed{run['seed']}"


@pytest.mark.slow
def test_tiny_benchmark_resumes_without_redoing_runs(
    tiny_benchmark: tuple[Path, str],
) -> None:
    out, _ = tiny_benchmark
    before = {p: p.stat().st_mtime_ns for p in out.glob("runs/*/*.json")}
    tasks = sorted({r["task"] for r in runs_of(out)})
    again = subprocess.run(
        benchmark_command(tasks, out),
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert again.returncode == 0, again.stderr[-3000:]
    assert again.stdout.count("done before, kept") == len(before)
    assert ": training (budget" not in again.stdout
    assert {p: p.stat().st_mtime_ns for p in out.glob("runs/*/*.json")} == before
