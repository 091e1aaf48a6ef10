"""Shared fixtures: plugin registration, the example config, short training runs.

ML-Agents keeps trainer types in a global registry that is empty until
``register_trainer_plugins()`` runs, so every test session starts with it.
"""

from pathlib import Path
from typing import Any

import pytest
import yaml
from mlagents.plugins.trainer_type import register_trainer_plugins

PROJECT_ROOT = Path(__file__).resolve().parents[1]
CONFIG_PATH = PROJECT_ROOT / "config" / "{{ cookiecutter.trainer_type }}_3DBall.yaml"
TRAINER_TYPE = "{{ cookiecutter.trainer_type }}"
# The flavour this project was rendered with: tests that differ by flavour read it.
ALGORITHM = "{{ cookiecutter.algorithm }}"


@pytest.fixture(scope="session", autouse=True)
def registered_plugins() -> Any:
    return register_trainer_plugins()


@pytest.fixture
def config_dict() -> dict[str, Any]:
    """The example 3DBall config as a fresh, mutable dict."""
    return yaml.safe_load(CONFIG_PATH.read_text())
