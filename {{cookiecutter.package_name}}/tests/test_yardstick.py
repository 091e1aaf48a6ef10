"""Stable-Baselines3 in the benchmark: the zoo's entries as SB3 arguments, the plan, one tiny run.

The translation is checked against SB3 itself (every zoo entry builds SB3's
model); the plan with and without SB3 runs no training (the dispatcher is
replaced); the tiny benchmark (one seed, 2,000 steps, ours, the built-in and
SB3 on this flavour's first Gymnasium task: CartPole-v1, or Pendulum-v1 for
the off-policy flavour) checks the SB3 run's record in ML-Agents' step units
and the report's Gymnasium section.
"""

import json
import re
import sys
import tempfile
from collections.abc import Generator
from pathlib import Path
from typing import Any

import gymnasium
import pytest
import stable_baselines3
import torch
from stable_baselines3.common.vec_env import DummyVecEnv

from {{ cookiecutter.package_name }}.benchmark import command
from {{ cookiecutter.package_name }}.benchmark.yardstick import (
    REFERENCE_COMMIT,
    SB3,
    LinearSchedule,
    describe_reference,
    mapping_notes,
    python_value,
    sb3_settings,
)
from {{ cookiecutter.package_name }}.tasks.battery_config import BUILTIN_TWIN
from {{ cookiecutter.package_name }}.tasks.gymnasium_zoo import ALGORITHM, ZOO
from {{ cookiecutter.package_name }}.tasks.harness import steps_to

from .conftest import TRAINER_TYPE

STEPS = 2000
# This flavour's first Gymnasium task: CartPole-v1 (PPO) or Pendulum-v1 (SAC).
TASK = next(iter(ZOO[ALGORITHM]))


def test_zoo_entries_become_sb3_arguments() -> None:
    cartpole = sb3_settings("ppo", ZOO["ppo"]["CartPole-v1"])
    assert (cartpole.algorithm, cartpole.copies, cartpole.normalize) == ("PPO", 8, None)
    assert cartpole.arguments["n_steps"] == 32 and cartpole.arguments["n_epochs"] == 20
    # lin_0.001: the rate times the progress remaining, 0 at the budget.
    assert cartpole.arguments["learning_rate"] == LinearSchedule(0.001)
    assert cartpole.arguments["clip_range"](0.5) == pytest.approx(0.1)
    assert (
        "n_envs" not in cartpole.arguments and "n_timesteps" not in cartpole.arguments
    )
    # normalize: VecNormalize with the entry's gamma, as the zoo does it.
    acrobot = sb3_settings("ppo", ZOO["ppo"]["Acrobot-v1"])
    assert acrobot.normalize == {"gamma": 0.99} and acrobot.copies == 16
    car = sb3_settings("sac", ZOO["sac"]["MountainCarContinuous-v0"])
    assert car.algorithm == "SAC" and car.normalize is None
    assert car.arguments["policy_kwargs"] == {
        "log_std_init": -3.67,
        "net_arch": [64, 64],
    }
    assert car.arguments["train_freq"] == 32 and car.arguments["use_sde"] is True
    assert sb3_settings(
        "ppo", {"normalize": "dict(norm_obs=True, norm_reward=False)"}
    ).normalize == {
        "norm_obs": True,
        "norm_reward": False,
    }
    assert sb3_settings("sac", {"train_freq": [1, "episode"]}).arguments[
        "train_freq"
    ] == (1, "episode")


def test_policy_kwargs_are_read_without_eval() -> None:
    kwargs = python_value(
        "dict(net_arch=dict(pi=[64], vf=[256, 256]), activation_fn=nn.ReLU)"
    )
    assert kwargs == {
        "net_arch": {"pi": [64], "vf": [256, 256]},
        "activation_fn": torch.nn.ReLU,
    }
    for text in (
        "__import__('os').system('true')",
        "nn.functional",
        "dict(a=open('x'))",
    ):
        with pytest.raises(ValueError, match="cannot read the zoo's"):
            python_value(text)
    with pytest.raises(ValueError, match="env_wrapper"):
        sb3_settings("ppo", {"env_wrapper": "gymnasium.wrappers.TimeLimit"})
    with pytest.raises(ValueError, match="only lin_X"):
        sb3_settings("ppo", {"learning_rate": "exp_0.1"})


def test_the_mapping_notes_and_references_fit_the_entry() -> None:
    car = " ".join(
        mapping_notes(
            "ppo", ZOO["ppo"]["MountainCarContinuous-v0"], "MountainCarContinuous-v0"
        )
    )
    for part in (
        "VecNormalize",
        "vf_coef=0.19",
        "log_std_init=-3.29",
        "Continuous actions",
    ):
        assert part in car
    cartpole = " ".join(mapping_notes("ppo", ZOO["ppo"]["CartPole-v1"], "CartPole-v1"))
    assert "Linear schedules" in cartpole
    assert "VecNormalize" not in cartpole and "Continuous actions" not in cartpole
    sac = " ".join(
        mapping_notes(
            "sac", ZOO["sac"]["MountainCarContinuous-v0"], "MountainCarContinuous-v0"
        )
    )
    assert "32 updates every 32 steps" in sac and "ent_coef 0.1 is fixed" in sac
    assert "learning_starts" not in sac  # 0: nothing to warm up
    quoted = describe_reference("ppo", "CartPole-v1")
    assert (
        "500 ± 0 after 100,000 steps" in quoted
        and f"commit {REFERENCE_COMMIT[:7]}" in quoted
    )
    assert "none" in describe_reference("sac", "InvertedPendulum-v5")


@pytest.mark.parametrize(
    ("algorithm", "env_id"),
    # InvertedPendulum-v5 needs the mujoco extra, which the tests do not install.
    [(a, e) for a in ZOO for e in ZOO[a] if e != "InvertedPendulum-v5"],
)
def test_every_zoo_entry_builds_sb3s_model(algorithm: str, env_id: str) -> None:
    """SB3's own constructor takes every translated argument (no learning)."""
    settings = sb3_settings(algorithm, ZOO[algorithm][env_id])
    env = DummyVecEnv([lambda: gymnasium.make(env_id)] * settings.copies)
    model = getattr(stable_baselines3, settings.algorithm)(
        settings.policy, env, device="cpu", **settings.arguments
    )
    assert model.n_envs == settings.copies
    assert model.gamma == ZOO[algorithm][env_id].get("gamma", 0.99)
    env.close()


class NoRuns:
    """A dispatcher that trains nothing: it keeps the runs it was given."""

    planned: list[Any] = []

    def __init__(self, *args: Any) -> None:
        self.running = self.queued = 0

    def __call__(
        self, runs: list[Any], *args: Any
    ) -> Generator[tuple[Any, int], None, None]:
        NoRuns.planned = list(runs)
        return (done for done in ())


def plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """The (task, trainer) of each run ``main`` plans for TASK and 2 seeds."""
    monkeypatch.setattr(command, "dispatcher", NoRuns)
    args = ["--tasks", TASK, "--seeds", "2", "--max-steps", str(STEPS)]
    assert command.main([*args, "--out", str(tmp_path)]) == 0
    return [(run.task, run.trainer_type) for run in NoRuns.planned]


def test_sb3_joins_the_gymnasium_tasks_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    runs = plan(tmp_path, monkeypatch)
    assert sorted(runs) == sorted(
        [(TASK, trainer) for trainer in (TRAINER_TYPE, BUILTIN_TWIN, SB3)] * 2
    )
    assert (
        f"{TRAINER_TYPE} vs {BUILTIN_TWIN} vs {SB3} on {TASK}"
        in capsys.readouterr().out
    )
    NoRuns.planned = []
    monkeypatch.setattr(command, "dispatcher", NoRuns)
    assert (
        command.main(
            ["--tasks", "goal-1d-discrete", "--seeds", "1", "--out", str(tmp_path)]
        )
        == 0
    )
    assert [run.trainer_type for run in NoRuns.planned] == [TRAINER_TYPE, BUILTIN_TWIN]


def test_without_sb3_one_line_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "stable_baselines3", None)  # import fails
    runs = plan(tmp_path, monkeypatch)
    assert sorted(runs) == sorted([(TASK, TRAINER_TYPE), (TASK, BUILTIN_TWIN)] * 2)
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if "Stable-Baselines3" in line]
    assert len(lines) == 1 and "[yardsticks]'" in lines[0], out
    assert command.main(["--list"]) == 0
    assert "[yardsticks]'" in capsys.readouterr().out


@pytest.fixture(scope="module")
def tiny_benchmark(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("yardstick")
    temporary = tmp_path_factory.mktemp("tmp")
    args = [
        "--tasks",
        TASK,
        "--seeds",
        "1",
        "--max-steps",
        str(STEPS),
        "--out",
        str(out),
    ]
    with pytest.MonkeyPatch.context() as patch:
        # Whatever the runs put in the temporary directory lands here.
        patch.setattr(tempfile, "tempdir", str(temporary))
        patch.setenv("TMPDIR", str(temporary))
        assert command.main(args) == 0
    # SB3's default logger would leave a folder per run. (torch may keep its
    # compiler cache there, torchinductor_<user>: a cache, meant to stay.)
    assert not list(temporary.glob("SB3-*")), list(temporary.iterdir())
    return out


@pytest.mark.slow
def test_tiny_benchmark_trains_sb3_beside_ours(tiny_benchmark: Path) -> None:
    runs = {
        path.stem.split("-seed")[0]: json.loads(path.read_text())
        for path in (tiny_benchmark / "runs" / TASK).glob("*.json")
    }
    assert sorted(runs) == sorted([TRAINER_TYPE, BUILTIN_TWIN, SB3])
    sb3 = runs[SB3]
    copies = sb3_settings(ALGORITHM, ZOO[ALGORITHM][TASK]).copies
    returns, ends = sb3["episode_returns"], sb3["episode_end_steps"]
    assert len(returns) == len(ends) > 0 and ends == sorted(ends)
    assert sb3["steps_to_threshold"] == steps_to(
        returns, ends, sb3["threshold"], sb3["window"]
    )
    # Steps are every copy's, added up, as ML-Agents counts ours: the budget is
    # reached (SB3 ends on a whole rollout), and episodes end on whole steps of all copies.
    end = STEPS if sb3["steps_to_threshold"] is None else sb3["steps_to_threshold"]
    assert end <= sb3["steps"] < end + 2048
    assert ends[-1] <= sb3["steps"] and all(step % copies == 0 for step in ends)
    if TASK == "CartPole-v1":  # reward 1 a step: finished episodes fit in the steps
        assert sum(returns) <= ends[-1]
    assert abs(sb3["steps"] - runs[TRAINER_TYPE]["steps"]) < 2048
    assert sb3["steps"] / sb3["steps_per_second"] <= sb3["wall_seconds"]
    assert (tiny_benchmark / "runs" / TASK / "sb3-seed1" / "model.zip").is_file()


@pytest.mark.slow
def test_tiny_benchmark_report_has_the_yardstick(tiny_benchmark: Path) -> None:
    report = (tiny_benchmark / "report.md").read_text()
    section = report.split("## Gymnasium tasks:")[1].split("## Every run")[0]
    label = f"sb3 ({ALGORITHM.upper()})"
    for trainer in (TRAINER_TYPE, BUILTIN_TWIN, label):
        assert f"| {TASK} | {trainer} | " in section
    assert f"{TRAINER_TYPE} / {label}:" in section
    assert (
        f"commit {REFERENCE_COMMIT[:7]}" in section
        and "Published reference:" in section
    )
    assert f"Budget here: {STEPS:,} steps" in section
    assert "Settings, ours and the built-in against SB3:" in section
    assert "- Networks:" in section
    closing = report.split("## Closing note")[1]
    assert "**Gymnasium tasks, three trainers**" in closing
    assert re.search(
        rf"\| {re.escape(TASK)} \| {re.escape(label)} \| [01]/1 \| ", closing
    )


@pytest.mark.slow
def test_tiny_benchmark_resumes_sb3_too(
    tiny_benchmark: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    args = ["--tasks", TASK, "--seeds", "1", "--max-steps", str(STEPS)]
    assert command.main([*args, "--out", str(tiny_benchmark)]) == 0
    out = capsys.readouterr().out
    assert out.count("done before, kept") == 3 and ": training (budget" not in out
