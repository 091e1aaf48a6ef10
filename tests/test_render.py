"""Fast tier: render every flavour and check the output statically."""

import ast
import json
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from cookiecutter.main import cookiecutter

from .conftest import BIN, FLAVOURS, TEMPLATE_ROOT, leftover_jinja, project_files, run

COMMON_FILES = {
    ".cookiecutter-replay.json",
    ".github/workflows/ci.yml",
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
    "src/my_trainer/envs/physics.py",
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
    "tests/battery_config.py",
    "tests/helpers.py",
    "tests/tasks/__init__.py",
    "tests/tasks/base.py",
    "tests/tasks/chain.py",
    "tests/tasks/demos.py",
    "tests/tasks/goal.py",
    "tests/tasks/harness.py",
    "tests/tasks/race.py",
    "tests/test_battery.py",
    "tests/test_config.py",
    "tests/test_maths.py",
    "tests/test_player.py",
    "tests/test_plugin.py",
    "tests/test_simulator.py",
    "tests/test_training.py",
    "tests/test_trust.py",
    "tests/test_update.py",
}


LICENSES = ["MIT", "BSD-3-Clause", "Proprietary"]
# Every combination of the choice options, and a long-name variant of each flavour
# (black's line wrapping depends on name lengths).
LONG_NAMES = {
    "package_name": "proximal_policy_optimization_plus",
    "distribution_name": "proximal-policy-optimization-plus",
    "trainer_type": "proximal_policy_optimization_plus",
    "trainer_class_name": "ProximalPolicyOptimizationPlus",
}
MATRIX = [
    pytest.param({"algorithm": a, "license": lic}, id=f"{a}-{lic}")
    for a in FLAVOURS
    for lic in LICENSES
] + [
    pytest.param({"algorithm": a, **LONG_NAMES}, id=f"{a}-long-names") for a in FLAVOURS
]


@pytest.mark.parametrize("options", MATRIX)
def test_exact_file_set(bake, options: dict) -> None:
    project = bake(**options)
    package = options.get("package_name", "my_trainer")
    assert project.name == package
    expected = {f.replace("my_trainer", package) for f in COMMON_FILES}
    if options.get("license") == "Proprietary":
        expected.discard("LICENSE")
    assert set(project_files(project)) == expected


@pytest.mark.parametrize("options", MATRIX)
def test_static_checks_pass(bake, options: dict) -> None:
    """No leftover Jinja; black, ruff and actionlint pass; every config parses."""
    project = bake(**options)
    assert leftover_jinja(project) == {}
    run([str(BIN / "black"), "--check", "--diff", "."], cwd=project)
    run([str(BIN / "ruff"), "check", "."], cwd=project)
    run([str(BIN / "actionlint"), ".github/workflows/ci.yml"], cwd=project)
    ast.parse((project / "setup.py").read_text())
    tomllib.loads((project / "pyproject.toml").read_text())
    for path in [*project.glob("config/*.yaml"), project / ".github/workflows/ci.yml"]:
        assert yaml.safe_load(path.read_text())


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


def test_workflow_installs_tests_and_trains(bake) -> None:
    workflow = yaml.safe_load((bake() / ".github/workflows/ci.yml").read_text())
    steps = " ".join(
        str(step.get("run", "")) for step in workflow["jobs"]["test"]["steps"]
    )
    assert 'pip install -e ".[test]"' in steps
    assert "mlagents==1.1.0" in steps
    assert "pytest" in steps
    assert "my-trainer-train config/my_trainer_3DBall.yaml" in steps


def test_answers_are_recorded_without_local_paths_and_replay_reproduces(
    bake, tmp_path: Path
) -> None:
    project = bake(algorithm="off-policy", license="BSD-3-Clause", author_name="Zoë")
    recorded = (project / ".cookiecutter-replay.json").read_text(encoding="utf-8")
    answers = json.loads(recorded)["cookiecutter"]
    assert answers["algorithm"] == "off-policy" and answers["author_name"] == "Zoë"
    assert not any(key.startswith("_") and not key.startswith("__") for key in answers)
    assert (
        str(tmp_path.anchor + "tmp") not in recorded
        and str(Path.home()) not in recorded
    )
    assert str(TEMPLATE_ROOT) not in recorded
    replayed = cookiecutter(
        str(TEMPLATE_ROOT),
        replay=str(project / ".cookiecutter-replay.json"),
        output_dir=str(tmp_path / "replayed"),
    )
    for name in project_files(project):
        assert (Path(replayed) / name).read_bytes() == (
            project / name
        ).read_bytes(), name
    assert project_files(Path(replayed)) == project_files(project)
