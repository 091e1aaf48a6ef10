"""Fast tier: render every flavour and check the output statically."""

import ast
import sys
import tomllib

import pytest
import yaml

from .conftest import BIN, FLAVOURS, leftover_jinja, project_files, run

COMMON_FILES = {
    ".gitignore",
    "LICENSE",
    "README.md",
    "config/my_trainer_3DBall.yaml",
    "pyproject.toml",
    "requirements/mlagents-py311.txt",
    "setup.py",
    "src/my_trainer/__init__.py",
    "src/my_trainer/envs/__init__.py",
    "src/my_trainer/envs/ball3d.py",
    "src/my_trainer/envs/side_channels.py",
    "src/my_trainer/onnx_export.py",
    "src/my_trainer/optimizer.py",
    "src/my_trainer/player.py",
    "src/my_trainer/settings.py",
    "src/my_trainer/train.py",
    "src/my_trainer/trainer.py",
    "src/my_trainer/validation.py",
    "tests/__init__.py",
    "tests/conftest.py",
    "tests/helpers.py",
    "tests/test_config.py",
    "tests/test_player.py",
    "tests/test_plugin.py",
    "tests/test_simulator.py",
    "tests/test_training.py",
    "tests/test_trust.py",
    "tests/test_update.py",
}


@pytest.mark.parametrize("algorithm", FLAVOURS)
def test_exact_file_set(bake, algorithm: str) -> None:
    project = bake(algorithm=algorithm)
    assert project.name == "my_trainer"
    assert set(project_files(project)) == COMMON_FILES


def test_proprietary_license_has_no_license_file(bake) -> None:
    project = bake(license="Proprietary")
    assert set(project_files(project)) == COMMON_FILES - {"LICENSE"}


@pytest.mark.parametrize("algorithm", FLAVOURS)
def test_no_unrendered_jinja(bake, algorithm: str) -> None:
    assert leftover_jinja(bake(algorithm=algorithm)) == {}


@pytest.mark.parametrize("algorithm", FLAVOURS)
def test_black_and_ruff_pass(bake, algorithm: str) -> None:
    project = bake(algorithm=algorithm)
    run([str(BIN / "black"), "--check", "--diff", "."], cwd=project)
    run([str(BIN / "ruff"), "check", "."], cwd=project)


@pytest.mark.parametrize("algorithm", FLAVOURS)
def test_configs_parse(bake, algorithm: str) -> None:
    project = bake(algorithm=algorithm)
    setup = ast.parse((project / "setup.py").read_text())
    call = next(
        node
        for node in ast.walk(setup)
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "setup"
    )
    entry_points = ast.literal_eval(
        next(k.value for k in call.keywords if k.arg == "entry_points")
    )
    assert entry_points["mlagents.trainer_type"] == [
        "my_trainer=my_trainer.trainer:get_type_and_setting"
    ]
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    assert pyproject["build-system"]["build-backend"] == "setuptools.build_meta"
    config = yaml.safe_load((project / "config/my_trainer_3DBall.yaml").read_text())
    assert config["behaviors"]["3DBall"]["trainer_type"] == "my_trainer"


def test_setup_py_never_imports_mlagents(bake) -> None:
    """setup.py must build under pip's build isolation, where mlagents is absent."""
    project = bake()
    tree = ast.parse((project / "setup.py").read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add((node.module or "").split(".")[0])
    assert imported == {"setuptools"}


def test_python_version_is_supported() -> None:
    assert sys.version_info[:2] in {(3, 10), (3, 11)}


def test_derived_names_follow_the_project_name(bake) -> None:
    project = bake(project_name="Fancy PPO")
    assert project.name == "fancy_ppo"
    assert (project / "src/fancy_ppo/trainer.py").exists()
    trainer = (project / "src/fancy_ppo/trainer.py").read_text()
    assert "class FancyPpo(OnPolicyTrainer):" in trainer
    assert 'TRAINER_NAME = "fancy_ppo"' in trainer
    setup = (project / "setup.py").read_text()
    assert 'name="fancy-ppo"' in setup
    assert (project / "config/fancy_ppo_3DBall.yaml").exists()
