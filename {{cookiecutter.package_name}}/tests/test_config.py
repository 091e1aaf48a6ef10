"""The example YAML parses into the settings class; bad configs stop at parse time.

The battery's settings (``tasks/battery_config.py``) must parse for our trainer
and for ML-Agents' built-in twin alike: the battery trains both on them.
"""

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from mlagents.trainers.exception import TrainerConfigError
from mlagents.trainers.learn import parse_command_line
from mlagents.trainers.settings import RewardSignalType, RunOptions, ScheduleType

from {{ cookiecutter.package_name }}.settings import (
    {{ cookiecutter.trainer_class_name }}Settings,
)
from {{ cookiecutter.package_name }}.tasks.battery_config import (
    BUILTIN_TWIN,
    INTRINSIC,
    STEPS,
)
from {{ cookiecutter.package_name }}.tasks.behaviors import battery_behavior

from .conftest import ALGORITHM, CONFIG_PATH, TRAINER_TYPE


def write_config(tmp_path: Path, config: dict[str, Any]) -> str:
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config))
    return str(path)


def test_example_config_parses_into_the_settings_class() -> None:
    options = parse_command_line([str(CONFIG_PATH), "--run-id", "parse"])
    settings = options.behaviors["3DBall"]
    assert settings.trainer_type == TRAINER_TYPE
    assert isinstance(settings.hyperparameters, {{ cookiecutter.trainer_class_name }}Settings)
    written = yaml.safe_load(CONFIG_PATH.read_text())["behaviors"]["3DBall"]
    for key, value in written["hyperparameters"].items():
        parsed = getattr(settings.hyperparameters, key)
        assert getattr(parsed, "value", parsed) == value, key


def test_unknown_hyperparameter_gives_ml_agents_error_naming_the_key(
    config_dict: dict[str, Any],
) -> None:
    config_dict["behaviors"]["3DBall"]["hyperparameters"]["not_a_field"] = 1
    with pytest.raises(TrainerConfigError, match="not_a_field"):
        RunOptions.from_dict(config_dict)


BAD_VALUES_BY_ALGORITHM = {
    "on-policy": [
        ("learning_rate", -0.001, r"learning_rate must be in \(0, inf\]"),
        ("learning_rate", 0.0, r"learning_rate must be in \(0, inf\]"),
        ("epsilon", -0.2, r"epsilon must be in \(0, 1\)"),
        ("epsilon", 1.5, r"epsilon must be in \(0, 1\)"),
        ("lambd", 1.01, r"lambd must be in \[0, 1\]"),
        ("lambd", -0.5, r"lambd must be in \[0, 1\]"),
        ("beta", -1.0, r"beta must be in \[0, inf\]"),
        ("num_epoch", 0, r"num_epoch must be in \(0, inf\]"),
        ("max_grad_norm", -0.5, r"max_grad_norm must be in \[0, inf\]"),
        ("batch_size", 20000, r"batch_size \(20000\) must be <= buffer_size"),
    ],
    "off-policy": [
        ("learning_rate", -0.001, r"learning_rate must be in \(0, inf\]"),
        ("learning_rate", 0.0, r"learning_rate must be in \(0, inf\]"),
        ("tau", 0.0, r"tau must be in \(0, 1\]"),
        ("tau", 1.5, r"tau must be in \(0, 1\]"),
        ("init_entcoef", 0.0, r"init_entcoef must be in \(0, inf\]"),
        ("steps_per_update", -1.0, r"steps_per_update must be in \(0, inf\]"),
        ("batch_size", 0, r"batch_size must be in \(0, inf\]"),
        ("buffer_init_steps", -5, r"buffer_init_steps must be in \[0, inf\]"),
    ],
    "cooperative": [
        ("learning_rate", 0.0, r"learning_rate must be in \(0, inf\]"),
        ("epsilon", 1.5, r"epsilon must be in \(0, 1\)"),
        ("epsilon", -0.2, r"epsilon must be in \(0, 1\)"),
        ("lambd", 1.01, r"lambd must be in \[0, 1\]"),
        ("beta", -1.0, r"beta must be in \[0, inf\]"),
        ("num_epoch", 0, r"num_epoch must be in \(0, inf\]"),
        ("max_grad_norm", -0.5, r"max_grad_norm must be in \[0, inf\]"),
        ("batch_size", 20000, r"batch_size \(20000\) must be <= buffer_size"),
    ],
}


@pytest.mark.parametrize("field, value, message", BAD_VALUES_BY_ALGORITHM[ALGORITHM])
def test_out_of_range_hyperparameter_names_field_and_range(
    config_dict: dict[str, Any], field: str, value: float, message: str
) -> None:
    config_dict["behaviors"]["3DBall"]["hyperparameters"][field] = value
    with pytest.raises(TrainerConfigError, match=message):
        RunOptions.from_dict(config_dict)


# A value below the floor its linear schedule decays toward would grow instead.
BELOW_FLOOR_BY_ALGORITHM = {
    "on-policy": [
        ("learning_rate", 1.0e-11, 1.0e-10),
        ("epsilon", 0.05, 0.1),
        ("beta", 0.0, 1.0e-5),
    ],
    "off-policy": [
        ("learning_rate", 1.0e-11, 1.0e-10),
    ],
    "cooperative": [
        ("learning_rate", 1.0e-11, 1.0e-10),
        ("epsilon", 0.05, 0.1),
        ("beta", 0.0, 1.0e-5),
    ],
}


@pytest.mark.parametrize("field, value, floor", BELOW_FLOOR_BY_ALGORITHM[ALGORITHM])
def test_a_value_below_its_linear_schedule_floor_is_rejected(
    config_dict: dict[str, Any], field: str, value: float, floor: float
) -> None:
    hyperparameters = config_dict["behaviors"]["3DBall"]["hyperparameters"]
    hyperparameters[field] = value
    hyperparameters[f"{field}_schedule"] = "linear"
    message = f"{field} \\({value}\\) must be >= {floor} with {field}_schedule: linear"
    with pytest.raises(TrainerConfigError, match=message):
        RunOptions.from_dict(config_dict)
    # A constant schedule keeps the value as it is: accepted.
    hyperparameters[f"{field}_schedule"] = "constant"
    settings = RunOptions.from_dict(config_dict).behaviors["3DBall"]
    assert getattr(settings.hyperparameters, field) == value
    schedule = getattr(settings.hyperparameters, f"{field}_schedule")
    assert schedule == ScheduleType.CONSTANT


BATTERY_TASKS = sorted(STEPS)


@pytest.mark.parametrize("trainer_type", [TRAINER_TYPE, BUILTIN_TWIN])
def test_battery_settings_parse_for_our_trainer_and_the_builtin_twin(
    trainer_type: str,
) -> None:
    # Each task's settings, as the battery builds them, with the intrinsic signals.
    signals = {"extrinsic": {"gamma": 0.99, "strength": 1.0}, **INTRINSIC}
    behaviors = {
        task: {**battery_behavior(task), "trainer_type": trainer_type}
        for task in BATTERY_TASKS
    }
    behaviors["intrinsic"] = {
        **battery_behavior("corridor", reward_signals=signals),
        "trainer_type": trainer_type,
    }
    options = RunOptions.from_dict({"behaviors": behaviors})
    for task, settings in options.behaviors.items():
        written = behaviors[task]["hyperparameters"]
        for key, value in written.items():
            parsed = getattr(settings.hyperparameters, key)
            assert getattr(parsed, "value", parsed) == value, (task, key)
        assert set(settings.reward_signals) == set(
            RewardSignalType(name) for name in behaviors[task]["reward_signals"]
        )


def test_mlagents_learn_rejects_a_bad_config_before_training(
    tmp_path: Path, config_dict: dict[str, Any]
) -> None:
    config_dict["behaviors"]["3DBall"]["hyperparameters"]["learning_rate"] = -1.0
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from mlagents.trainers.learn import main; main()",
            write_config(tmp_path, config_dict),
            "--run-id",
            "bad",
            "--results-dir",
            str(tmp_path / "results"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "learning_rate must be in (0, inf]" in result.stderr
    assert not (tmp_path / "results").exists()
