"""The benchmark's Markdown report and learning-curve PNG, from the runs' records.

Per task and trainer: runs that reached the threshold, the median steps to it
with the order-statistic interval, steps per second, wall time; then ours
over the built-in with the rank test's verdict, every run, the curves, and a
closing note that quotes the comparison and where the time went (ML-Agents'
own timers). Gymnasium tasks get a section of their own with Stable-Baselines3
beside the two (``yardstick.py``): steps to the threshold, final return and
steps per second of the three, rl-baselines3-zoo's published score, and where
the settings differ; the closing note tables the three. Change the wording or
the columns here; the numbers come from ``stats.py``.
"""

import math
import os
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .catalogue import BenchmarkTask, describe_goal
from .stats import (
    ALPHA,
    CONFIDENCE,
    inside_the_noise,
    mann_whitney,
    median,
    median_interval,
)
from .yardstick import SB3, SB3_CLASSES, describe_reference, mapping_notes

TOP_TIMERS = 8  # timers listed in the closing note
COLORS = ["tab:blue", "tab:orange", "tab:green"]  # ours, the built-in, SB3


def _percent(value: float, digits: int = 1) -> str:
    return f"{100 * value:.{digits}f}" + "%"


def _steps(value: float) -> str:
    return "never" if math.isinf(value) else f"{value:,.0f}"


def _interval(values: Sequence[float], fmt: Any = _steps) -> str:
    found = median_interval(values)
    if found is None:
        return "n/a (1 seed)"
    low, high, coverage = found
    return f"{fmt(low)} to {fmt(high)} ({_percent(coverage)})"


def _ratio(ours: float, theirs: float) -> float:
    if math.isinf(ours) or math.isinf(theirs) or theirs == 0:
        return math.nan
    return ours / theirs


def _steps_to(run: dict[str, Any]) -> float:
    reached = run["steps_to_threshold"]
    return math.inf if reached is None else float(reached)


def _verdict(p_value: float, ours: float, theirs: float, lower_is_better: bool) -> str:
    if inside_the_noise(p_value):
        return f"inside the noise, p = {p_value:.2f}"
    better = ours < theirs if lower_is_better else ours > theirs
    return f"{'ours better' if better else 'ours worse'}, p = {p_value:.3f}"


def compare(
    runs: list[dict[str, Any]], ours: str, theirs: str
) -> dict[str, Any] | None:
    """The figures of one task: medians, ratios and p-values; None without both."""
    mine = [r for r in runs if r["trainer_type"] == ours]
    twin = [r for r in runs if r["trainer_type"] == theirs]
    if not mine or not twin:
        return None
    steps = [_steps_to(r) for r in mine], [_steps_to(r) for r in twin]
    speed = [r["steps_per_second"] for r in mine], [r["steps_per_second"] for r in twin]
    figures: dict[str, Any] = {
        "steps": steps,
        "speed": speed,
        "steps_median": (median(steps[0]), median(steps[1])),
        "speed_median": (median(speed[0]), median(speed[1])),
        "steps_p": mann_whitney(*steps),
        "speed_p": mann_whitney(*speed),
    }
    figures["steps_ratio"] = _ratio(*figures["steps_median"])
    figures["speed_ratio"] = _ratio(*figures["speed_median"])
    return figures


def closing_note(
    task: BenchmarkTask,
    figures: dict[str, Any],
    runs: list[dict[str, Any]],
    trainers: Sequence[str],
) -> list[str]:
    """What the comparison says, quoting its table, and where the time went."""
    ours, theirs = trainers
    goal = f"{task.threshold:g}"
    steps_ratio, speed_ratio = figures["steps_ratio"], figures["speed_ratio"]
    (my_steps, their_steps), (my_speed, their_speed) = (
        figures["steps_median"],
        figures["speed_median"],
    )
    lines = [f"**{task.name}.** "]
    if math.isnan(steps_ratio):
        reached = [sum(math.isfinite(s) for s in side) for side in figures["steps"]]
        lines[0] += (
            f"{ours} reached {goal} in {reached[0]} of {len(figures['steps'][0])} "
            f"runs, {theirs} in {reached[1]} of {len(figures['steps'][1])}: no ratio "
            "of steps, as the median run of at least one never got there. "
            f"Steps per second: {speed_ratio:.2f} times ({my_speed:,.0f} against "
            f"{their_speed:,.0f}; {_verdict(figures['speed_p'], my_speed, their_speed, False)})."
        )
    else:
        lines[0] += (
            f"{ours} reached {goal} in a median of {_steps(my_steps)} steps against "
            f"{_steps(their_steps)} for {theirs}: {steps_ratio:.2f} times the steps "
            f"({_verdict(figures['steps_p'], my_steps, their_steps, True)}), "
            f"at {speed_ratio:.2f} times the steps per second "
            f"({my_speed:,.0f} against {their_speed:,.0f}; "
            f"{_verdict(figures['speed_p'], my_speed, their_speed, False)})."
        )
    # Neither median run got there: the target's steps cannot be judged.
    neither = math.isinf(my_steps) and math.isinf(their_steps)
    slower = not math.isnan(speed_ratio) and speed_ratio < 1
    shortfalls = []
    if not math.isnan(steps_ratio) and steps_ratio > 1:
        shortfalls.append(f"{_percent(steps_ratio - 1, 0)} more steps")
    if math.isinf(my_steps) and not neither:
        shortfalls.append(f"a median run that never reached {goal}")
    if slower:
        shortfalls.append(f"{_percent(1 - speed_ratio, 0)} fewer steps per second")
    if neither:
        lines[0] += (
            f" Against the target (no more steps than {theirs}, at no fewer steps "
            "per second) the steps cannot be judged, as neither median run got "
            "there; in speed it "
            + (
                f"falls short by {_percent(1 - speed_ratio, 0)}."
                if slower
                else "meets the target (by the medians)."
            )
        )
    elif shortfalls:
        lines[0] += (
            f" Against the target (no more steps than {theirs}, at no fewer steps per "
            f"second) it falls short by {' and '.join(shortfalls)}."
        )
        if inside_the_noise(figures["steps_p"]) and inside_the_noise(
            figures["speed_p"]
        ):
            lines[0] += (
                f" Both differences are inside the noise: {len(figures['steps'][0])} "
                "seeds per trainer do not tell the two apart."
            )
    else:
        lines[0] += (
            f" It meets the target: no more steps than {theirs}, at no fewer steps "
            "per second (by the medians)."
        )
    lines += ["", _timer_table(runs, trainers)]
    return lines


def _timer_table(runs: list[dict[str, Any]], trainers: Sequence[str]) -> str:
    """Median share of wall time per ML-Agents timer (own time), by trainer."""
    shares: dict[str, dict[str, list[float]]] = {t: {} for t in trainers}
    for run in runs:
        wall = run["wall_seconds"]
        for name, seconds in run.get("timer_seconds", {}).items():
            shares[run["trainer_type"]].setdefault(name, []).append(seconds / wall)
    names = sorted(
        {name for table in shares.values() for name in table},
        key=lambda name: -max(median(shares[t].get(name, [0.0])) for t in trainers),
    )[:TOP_TIMERS]
    lines = [
        "Where the time goes: ML-Agents' own timers (`run_logs/timers.json` of each "
        "run): the time spent in each timer itself (not in the timers inside it) "
        "as a median share of the run's wall time; `_update_policy` (the "
        "gradient updates) and `process_trajectory` with everything inside them. "
        "`env_step` is the trainer waiting for the environment; `env process:` "
        "timers ran in the environment's own process, meanwhile:",
        "",
        "| timer | " + " | ".join(trainers) + " |",
        "|---|" + "---|" * len(trainers),
    ]
    for name in names:
        cells = [
            _percent(median(shares[t][name])) if name in shares[t] else "-"
            for t in trainers
        ]
        lines.append(f"| `{name}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _final_return(run: dict[str, Any]) -> float:
    """The mean return of the run's last ``window`` episodes (NaN without any)."""
    returns = run["episode_returns"][-run["window"] :]
    return float(np.mean(returns)) if returns else math.nan


def _number(value: float, fmt: str = ",.0f") -> str:
    return "n/a" if math.isnan(value) else format(value, fmt)


def _side_by_side(
    name: str,
    runs: list[dict[str, Any]],
    trainers: Sequence[str],
    label: dict[str, str],
) -> tuple[list[str], dict[str, tuple[float, float]]]:
    """A row per trainer of ``runs`` (solved, medians of steps to the threshold,
    final return and steps/s); and each trainer's (steps, steps/s) medians."""
    rows, medians = [], {}
    for trainer in trainers:
        mine = [r for r in runs if r["trainer_type"] == trainer]
        if not mine:
            continue
        steps = [_steps_to(r) for r in mine]
        speed = median([r["steps_per_second"] or 0.0 for r in mine])
        solved = sum(1 for s in steps if not math.isinf(s))
        final = median([_final_return(r) for r in mine])
        medians[trainer] = (median(steps), speed)
        rows.append(
            f"| {name} | {label[trainer]} | {solved}/{len(mine)} "
            f"| {_steps(median(steps))} | {_number(final, ',.1f')} | {speed:,.0f} |"
        )
    return rows, medians


def yardstick_section(
    by_task: dict[str, list[dict[str, Any]]],
    tasks: dict[str, BenchmarkTask],
    trainers: Sequence[str],
) -> list[str]:
    """The Gymnasium tasks: ours, the built-in and SB3 side by side, the published
    reference and the settings' mapping. Empty without Gymnasium tasks."""
    ours, theirs = trainers[:2]
    names = [name for name in by_task if tasks[name].zoo is not None]
    if not names:
        return []
    lines = [
        "",
        f"## Gymnasium tasks: {ours}, {theirs} and Stable-Baselines3",
        "",
        "Stable-Baselines3 (`sb3`) trains its same algorithm with rl-baselines3-zoo's "
        "hyperparameters for the task, as the zoo passes them to SB3, on the same "
        "copies, seeds and step budget, and stops at the same threshold; ours and "
        "the built-in get those hyperparameters mapped onto ML-Agents' settings "
        "(`tasks/gymnasium_zoo.py`). Medians over seeds; final return: the mean "
        "of the last *window* episodes of a run (the stochastic policy while it "
        "trains), to set beside the published score (a trained agent's "
        "deterministic policy, after the zoo's whole budget).",
    ]
    for name in names:
        task = tasks[name]
        assert task.zoo is not None
        algorithm, zoo = task.zoo
        label = {ours: ours, theirs: theirs, SB3: f"sb3 ({SB3_CLASSES[algorithm]})"}
        rows, medians = _side_by_side(name, by_task[name], trainers, label)
        lines += [
            "",
            f"### {name}: goal {describe_goal(task)}",
            "",
            "| task | trainer | solved | steps to goal | final return | steps/s |",
            "|---|---|---|---|---|---|",
            *rows,
            "",
        ]
        ratios = []
        for other in (theirs, SB3):
            if ours in medians and other in medians:
                (my_steps, my_speed), (steps, speed) = medians[ours], medians[other]
                steps_ratio = _ratio(my_steps, steps)
                ratios.append(
                    f"{ours} / {label[other]}: "
                    + (
                        "no steps ratio (not both reached the goal)"
                        if math.isnan(steps_ratio)
                        else f"{steps_ratio:.2f} times the steps"
                    )
                    + f", {_number(_ratio(my_speed, speed), '.2f')} times the steps per second"
                )
        if SB3 not in medians:
            ratios.append(
                "no SB3 runs yet"
                if SB3 in trainers
                else "no SB3 runs: Stable-Baselines3 is not installed (the yardsticks extra)"
            )
        budget = max(r["budget"] for r in by_task[name])
        lines += [
            "; ".join(ratios) + ".",
            "",
            describe_reference(algorithm, name),
            f"Budget here: {budget:,} steps (the zoo's n_timesteps: "
            f"{int(zoo.get('n_timesteps', 0)):,}).",
            "",
            "Settings, ours and the built-in against SB3:",
            "",
        ]
        lines += [f"- {note}" for note in mapping_notes(algorithm, zoo, name)]
    return lines


def three_trainer_table(
    by_task: dict[str, list[dict[str, Any]]],
    tasks: dict[str, BenchmarkTask],
    trainers: Sequence[str],
) -> list[str]:
    """The closing note's table of the Gymnasium tasks: task x trainer."""
    rows = []
    for name, runs in by_task.items():
        zoo = tasks[name].zoo
        if zoo is None:
            continue
        algorithm = zoo[0]
        label = {t: t for t in trainers} | {SB3: f"sb3 ({SB3_CLASSES[algorithm]})"}
        rows += _side_by_side(name, runs, trainers, label)[0]
    if not rows:
        return []
    return [
        "**Gymnasium tasks, three trainers** (medians over seeds; steps to the "
        "threshold, the final return and steps per second):",
        "",
        "| task | trainer | solved | steps to goal | final return | steps/s |",
        "|---|---|---|---|---|---|",
        *rows,
        "",
    ]


def write_report(
    results: list[dict[str, Any]],
    tasks: dict[str, BenchmarkTask],
    trainers: Sequence[str],
    meta: dict[str, str],
    report: Path,
    plot: Path,
) -> None:
    """Write the Markdown report and the learning curves.

    ``trainers``: ours, the built-in, and ``sb3`` where Gymnasium tasks train it.
    """
    ours, theirs = trainers[:2]
    by_task: dict[str, list[dict[str, Any]]] = {}
    for run in results:
        by_task.setdefault(run["task"], []).append(run)
    lines = [
        f"# Benchmark: {ours} vs ML-Agents' {theirs}",
        "",
        f"Written by `{meta['package'].split()[0]}-benchmark` ({meta['package']}) "
        f"on {meta['date']}. Machine: {meta['machine']}. Python {meta['python']}, "
        f"mlagents {meta['mlagents']}, torch {meta['torch']}, numpy {meta['numpy']}.",
        "",
        f"Both trainers get the same settings (only `trainer_type` differs), the "
        f"same environments and seeds 1 to {meta['seeds']}, interleaved (ours first "
        "on odd seeds, the built-in first on even ones). A run stops once the mean "
        "return of its last *window* episodes first exceeds the threshold (read "
        "episode by episode, from the returns ML-Agents reports as "
        "`Environment/Cumulative Reward`; for agents in groups, one episode per "
        "group episode, its return the group reward, as "
        "`Environment/Group Cumulative Reward`), or at its step budget. Steps are agent "
        "steps, as ML-Agents counts them. Steps per second: from the first to the "
        "last environment step of the run (process start, set-up and the final "
        "save are in the wall time only).",
        "",
        f"Intervals: order-statistic (binomial) confidence interval of the median, "
        f"the coverage in brackets (aiming at {_percent(CONFIDENCE, 0)}; with 5 seeds the "
        "range of the 5 runs, 93.8%). Inside the noise: a two-sided Mann-Whitney U "
        f"test (exact) finds p >= {ALPHA}; a run that never reached the threshold "
        "ranks after every run that did.",
    ]
    if SB3 in trainers:
        lines += [
            "",
            f"Gymnasium tasks also train Stable-Baselines3 {meta.get('stable_baselines3', '')} "
            "(`sb3`), with rl-baselines3-zoo's settings: see their section. Its steps "
            "are counted alike (every copy's, added up).",
        ]
    if meta.get("onnx_note"):
        lines += ["", f"Built-ins run as they ship. {meta['onnx_note']}"]
    lines += [
        "",
        "## Results",
        "",
        "| task | goal | trainer | reached | steps to goal: median | interval | "
        "steps/s: median | interval | wall s: median |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    comparisons: dict[str, dict[str, Any]] = {}
    for name, runs in by_task.items():
        task = tasks[name]
        for trainer in trainers:
            mine = [r for r in runs if r["trainer_type"] == trainer]
            if not mine:
                continue
            steps = [_steps_to(r) for r in mine]
            speed = [r["steps_per_second"] for r in mine]
            reached = sum(1 for s in steps if not math.isinf(s))
            lines.append(
                f"| {name} | {describe_goal(task)} | {trainer} | {reached}/{len(mine)} "
                f"| {_steps(median(steps))} | {_interval(steps)} "
                f"| {median(speed):,.0f} | {_interval(speed)} "
                f"| {median([r['wall_seconds'] for r in mine]):,.0f} |"
            )
        figures = compare(runs, ours, theirs)
        if figures is not None:
            comparisons[name] = figures
    if comparisons:
        lines += [
            "",
            f"## {ours} / {theirs}",
            "",
            "| task | steps to goal, ratio of medians (lower is better) | "
            "difference | steps/s, ratio of medians (higher is better) | difference |",
            "|---|---|---|---|---|",
        ]
        for name, f in comparisons.items():
            my_steps, their_steps = f["steps_median"]
            my_speed, their_speed = f["speed_median"]
            steps_ratio = (
                "n/a" if math.isnan(f["steps_ratio"]) else f"{f['steps_ratio']:.2f}"
            )
            lines.append(
                f"| {name} | **{steps_ratio}** | "
                f"{_verdict(f['steps_p'], my_steps, their_steps, True)} | "
                f"**{f['speed_ratio']:.2f}** | "
                f"{_verdict(f['speed_p'], my_speed, their_speed, False)} |"
            )
    lines += yardstick_section(by_task, tasks, trainers)
    lines += [
        "",
        "## Every run",
        "",
        "| task | trainer | seed | steps to goal | steps/s | wall s | episodes | steps run |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, runs in by_task.items():
        for run in sorted(
            runs, key=lambda r: (trainers.index(r["trainer_type"]), r["seed"])
        ):
            lines.append(
                f"| {name} | {run['trainer_type']} | {run['seed']} "
                f"| {_steps(_steps_to(run))} | {run['steps_per_second']:,.0f} "
                f"| {run['wall_seconds']:,.0f} | {len(run['episode_returns'])} "
                f"| {run['steps']:,} |"
            )
    relative = Path(os.path.relpath(plot.resolve(), report.resolve().parent)).as_posix()
    lines += ["", "## Learning curves", "", f"![learning curves]({relative})"]
    three = three_trainer_table(by_task, tasks, trainers)
    if comparisons or three:
        lines += ["", "## Closing note", "", *three]
        pair = trainers[:2]
        for name, figures in comparisons.items():
            runs = [r for r in by_task[name] if r["trainer_type"] in pair]
            lines += closing_note(tasks[name], figures, runs, pair)
            lines.append("")
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text("\n".join(lines).rstrip() + "\n")
    plot_curves(by_task, tasks, trainers, plot)


def _curve(run: dict[str, Any], grid: np.ndarray) -> np.ndarray:
    """The run's moving-average return (its task's window) at each step of ``grid``."""
    returns = np.asarray(run["episode_returns"], dtype=float)
    ends = np.asarray(run["episode_end_steps"], dtype=float)
    window = run["window"]
    if len(returns) == 0:
        return np.full(len(grid), np.nan)
    sums = np.cumsum(returns)
    counts = np.arange(1, len(returns) + 1)
    start = np.maximum(counts - window, 0)
    moving = (sums - np.concatenate(([0.0], sums))[start]) / (counts - start)
    index = np.searchsorted(ends, grid, side="right") - 1
    curve = np.where(index >= 0, moving[np.maximum(index, 0)], np.nan)
    # A run that stopped early holds its last value no further than it ran.
    return np.where(grid <= max(run["steps"], ends[-1]), curve, np.nan)


def plot_curves(
    by_task: dict[str, list[dict[str, Any]]],
    tasks: dict[str, BenchmarkTask],
    trainers: Sequence[str],
    path: Path,
) -> None:
    """One panel per task: mean over seeds, and the range (min to max) shaded."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(
        1, max(len(by_task), 1), figsize=(6 * max(len(by_task), 1), 4), squeeze=False
    )
    for ax, (name, runs) in zip(axes[0], by_task.items(), strict=False):
        top = max(max(r["steps"], *r["episode_end_steps"], 1) for r in runs)
        grid = np.linspace(0, top, 200)
        for trainer, color in zip(trainers, COLORS, strict=False):
            curves = [_curve(r, grid) for r in runs if r["trainer_type"] == trainer]
            if not curves:
                continue
            stack = np.vstack(curves)
            with warnings.catch_warnings():  # all-NaN columns: past every run's end
                warnings.simplefilter("ignore", category=RuntimeWarning)
                mean = np.nanmean(stack, axis=0)
                low, high = np.nanmin(stack, axis=0), np.nanmax(stack, axis=0)
            ax.plot(grid, mean, color=color, label=f"{trainer} (mean of {len(curves)})")
            ax.fill_between(grid, low, high, color=color, alpha=0.2, linewidth=0)
        ax.axhline(tasks[name].threshold, color="gray", linestyle="--", linewidth=1)
        ax.set(
            title=f"{name}: moving mean of {tasks[name].window} episodes",
            xlabel="agent steps",
            ylabel="return",
        )
        ax.legend(loc="lower right")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
