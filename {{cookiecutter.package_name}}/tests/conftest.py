"""Shared fixtures: plugin registration, the example config, short training runs.

``--battery-trainers`` picks who runs the small-task battery (the ``trainer_type``
fixture of ``test_battery.py`` and the flavour's other battery tests):
``ours`` (the default), ``builtin`` (ML-Agents' twin of this flavour) or ``both``.
The battery's runs are independent: ``pytest -m battery -n auto`` (pytest-xdist)
spreads them over the cores, and ``--battery-report`` still writes one file.

ML-Agents keeps trainer types in a global registry that is empty until
``register_trainer_plugins()`` runs, so every test session starts with it.
"""

import functools
import json
import os
from pathlib import Path
from typing import Any

import pytest
import torch
import yaml
from mlagents.plugins.trainer_type import register_trainer_plugins

from {{ cookiecutter.package_name }}.tasks.battery_config import BUILTIN_TWIN

PROJECT_ROOT = Path(__file__).resolve().parents[1]
CONFIG_PATH = PROJECT_ROOT / "config" / "{{ cookiecutter.trainer_type }}_3DBall.yaml"
TRAINER_TYPE = "{{ cookiecutter.trainer_type }}"
# The flavour this project was rendered with: tests that differ by flavour read it.
ALGORITHM = "{{ cookiecutter.algorithm }}"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--battery-trainers",
        choices=("ours", "builtin", "both"),
        default="ours",
        help="run the battery with our trainer, ML-Agents' built-in twin, or both",
    )
    parser.addoption(
        "--battery-report",
        default="",
        help="write one JSON row per battery run (steps to solve, time) to this file",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize the battery's ``battery_trainer`` by ``--battery-trainers``."""
    if "battery_trainer" in metafunc.fixturenames:
        chosen = {
            "ours": [TRAINER_TYPE],
            "builtin": [BUILTIN_TWIN],
            "both": [TRAINER_TYPE, BUILTIN_TWIN],
        }[metafunc.config.getoption("--battery-trainers")]
        ids = ["ours" if t == TRAINER_TYPE else "builtin" for t in chosen]
        metafunc.parametrize("battery_trainer", chosen, ids=ids)


def report_part(path: str) -> str:
    """Where this process writes its battery rows: the report, or a worker's part."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return f"{path}.{worker}.part" if worker else path


def _report_parts(path: str) -> list[Path]:
    report = Path(path)
    return sorted(report.parent.glob(f"{report.name}.*.part"))


def pytest_sessionstart(session: pytest.Session) -> None:
    """Parts left by an interrupted run must not join this run's report."""
    path = session.config.getoption("--battery-report")
    if path and not os.environ.get("PYTEST_XDIST_WORKER"):
        for part in _report_parts(path):
            part.unlink()


def pytest_sessionfinish(session: pytest.Session) -> None:
    """With pytest-xdist, join the workers' battery rows into the one report."""
    path = session.config.getoption("--battery-report")
    parts = _report_parts(path) if path else []
    if parts and not os.environ.get("PYTEST_XDIST_WORKER"):
        rows = [row for part in parts for row in json.loads(part.read_text())]
        Path(path).write_text(json.dumps(rows, indent=1) + "\n")
        for part in parts:
            part.unlink()


@pytest.fixture
def trainer_type(battery_trainer: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The trainer under test: ours, or ML-Agents' built-in twin for comparison.

    ``battery_trainer`` is parametrized by ``--battery-trainers`` (conftest.py).
    """
    if battery_trainer == BUILTIN_TWIN:
        legacy_onnx_export(monkeypatch)
    return battery_trainer


def legacy_onnx_export(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let ML-Agents' built-in trainers save their .onnx, for one test.

    The built-ins export ONNX with torch's default (dynamo) exporter, which
    fails on torch >= 2.9 when the run ends and saves. Our trainers use the
    legacy exporter themselves; a built-in gets it here, in-process only.
    """
    monkeypatch.setattr(
        torch.onnx, "export", functools.partial(torch.onnx.export, dynamo=False)
    )


@pytest.fixture(scope="session", autouse=True)
def registered_plugins() -> Any:
    return register_trainer_plugins()


@pytest.fixture
def config_dict() -> dict[str, Any]:
    """The example 3DBall config as a fresh, mutable dict."""
    return yaml.safe_load(CONFIG_PATH.read_text())
