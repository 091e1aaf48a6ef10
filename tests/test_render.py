"""Fast tier: render every flavour and check the output statically."""

import itertools
import json
import re
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from cookiecutter.main import cookiecutter

from .conftest import (
    FLAVOURS,
    PIP,
    TEMPLATE_ROOT,
    import_cycles,
    leftover_jinja,
    mlagents_attribute_writes,
    pre_commit,
    project_files,
    run,
    tooling_imports,
)

CORE_FILES = {
    ".cookiecutter-replay.json",
    ".github/dependabot.yml",
    ".github/workflows/ci.yml",
    ".github/workflows/release.yml",
    ".gitignore",
    "CHANGELOG.md",
    ".pre-commit-config.yaml",
    "LICENSE",
    "README.md",
    "config/my_trainer_3DBall.yaml",
    "pyproject.toml",
    "requirements/mlagents-py311.txt",
    "requirements/mlagents-py312.txt",
    "requirements/mlagents-py313.txt",
    "requirements/mlagents-py313-no-deps.txt",
    "scripts/build_mlagents.py",
    "scripts/install.py",
    "scripts/mutants.py",
    "src/my_trainer/__init__.py",
    "src/my_trainer/benchmark/__init__.py",
    "src/my_trainer/benchmark/catalogue.py",
    "src/my_trainer/benchmark/command.py",
    "src/my_trainer/benchmark/dispatch.py",
    "src/my_trainer/benchmark/report.py",
    "src/my_trainer/benchmark/stats.py",
    "src/my_trainer/benchmark/update_speed.py",
    "src/my_trainer/benchmark/yardstick.py",
    "src/my_trainer/known_warnings.py",
    "src/my_trainer/onnx_export.py",
    "src/my_trainer/optimizer.py",
    "src/my_trainer/py.typed",
    "src/my_trainer/reward_scaling.py",
    "src/my_trainer/search_space.py",
    "src/my_trainer/settings.py",
    "src/my_trainer/sweep/__init__.py",
    "src/my_trainer/sweep/command.py",
    "src/my_trainer/sweep/objective.py",
    "src/my_trainer/sweep/runs.py",
    "src/my_trainer/sweep/space.py",
    "src/my_trainer/sweep/study.py",
    "src/my_trainer/tasks/__init__.py",
    "src/my_trainer/tasks/base.py",
    "src/my_trainer/tasks/battery_config.py",
    "src/my_trainer/tasks/behaviors.py",
    "src/my_trainer/tasks/chain.py",
    "src/my_trainer/tasks/demos.py",
    "src/my_trainer/tasks/goal.py",
    "src/my_trainer/tasks/gymnasium_env.py",
    "src/my_trainer/tasks/gymnasium_zoo.py",
    "src/my_trainer/tasks/harness.py",
    "src/my_trainer/tasks/race.py",
    "src/my_trainer/tracking.py",
    "src/my_trainer/trainer.py",
    "src/my_trainer/update_buffer.py",
    "src/my_trainer/validation.py",
    "tests/__init__.py",
    "tests/conftest.py",
    "tests/helpers.py",
    "tests/test_battery.py",
    "tests/test_benchmark.py",
    "tests/test_commands.py",
    "tests/test_config.py",
    "tests/test_device.py",
    "tests/test_gymnasium_env.py",
    "tests/test_dispatch.py",
    "tests/test_maths.py",
    "tests/test_plugin.py",
    "tests/test_reward_scaling.py",
    "tests/test_sweep.py",
    "tests/test_tracking.py",
    "tests/test_update.py",
    "tests/test_update_buffer.py",
    "tests/test_update_speed.py",
    "tests/test_yardstick.py",
}
TOOLING_FILES = {
    "src/my_trainer/simulator/__init__.py",
    "src/my_trainer/simulator/ball3d.py",
    "src/my_trainer/simulator/liveness.py",
    "src/my_trainer/simulator/mlagents_internals.py",
    "src/my_trainer/simulator/physics.py",
    "src/my_trainer/simulator/player.py",
    "src/my_trainer/simulator/scene.py",
    "src/my_trainer/simulator/side_channels.py",
    "src/my_trainer/simulator/train.py",
    "tests/simulator/__init__.py",
    "tests/simulator/helpers.py",
    "tests/simulator/test_ball3d.py",
    "tests/simulator/test_gymnasium_train.py",
    "tests/simulator/test_liveness.py",
    "tests/simulator/test_mlagents_internals.py",
    "tests/simulator/test_player.py",
    "tests/simulator/test_player_messages.py",
    "tests/simulator/test_side_channels.py",
    "tests/simulator/test_tracking_commands.py",
    "tests/simulator/test_train_command.py",
    "tests/simulator/test_training.py",
    "tests/simulator/test_trust.py",
}
PROJECT_TEMPLATE = TEMPLATE_ROOT / "{{cookiecutter.package_name}}"
# Files a flavour adds of its own (its generated tests, say), beside the shared set.
FLAVOUR_ROOT = PROJECT_TEMPLATE / "_flavours"


def flavour_files(algorithm: str) -> set:
    tree = FLAVOUR_ROOT / algorithm.replace("-", "_")
    names = {
        str(p.relative_to(tree))
        .replace("{{cookiecutter.package_name}}", "my_trainer")
        .replace("{{cookiecutter.trainer_type}}", "my_trainer")
        for p in tree.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    return names


LICENSES = ["MIT", "BSD-3-Clause", "Apache-2.0", "Proprietary"]
# Every combination of the choice options, and a long-name variant of each flavour
# (black's line wrapping depends on name lengths): 80 characters, the longest
# accepted (the post-gen hook formats what the names make too long).
LONG_NAMES = {
    "package_name": "proximal_policy_optimization_with_a_long_name_" + "x" * 34,
    "distribution_name": "proximal-policy-optimization-with-a-long-name-" + "x" * 34,
    "trainer_type": "proximal_policy_optimization_with_a_long_name_" + "x" * 34,
    "trainer_class_name": "ProximalPolicyOptimizationWithALongName" + "X" * 41,
}
COMBINATIONS = [
    pytest.param(
        {"algorithm": a, "include_tooling": tooling, "license": lic},
        id=f"{a}-{'tooling' if tooling else 'bare'}-{lic}",
    )
    for a in FLAVOURS
    for tooling in (True, False)
    for lic in LICENSES
]
MATRIX = COMBINATIONS + [
    pytest.param({"algorithm": a, **LONG_NAMES}, id=f"{a}-long-names") for a in FLAVOURS
]


@pytest.mark.parametrize("options", MATRIX)
def test_exact_file_set(bake, options: dict) -> None:
    project = bake(**options)
    package = options.get("package_name", "my_trainer")
    assert project.name == package
    expected = CORE_FILES | flavour_files(options["algorithm"])
    if options.get("include_tooling", True):
        expected |= TOOLING_FILES
    expected = {f.replace("my_trainer", package) for f in expected}
    if options.get("license") == "Proprietary":
        expected.discard("LICENSE")
    assert set(project_files(project)) == expected


@pytest.mark.parametrize("options", MATRIX)
def test_static_checks_pass(bake, options: dict, mypy_cache: Path) -> None:
    """No leftover Jinja; the project's pre-commit hooks (black, ruff, mypy at the
    project's strictness, actionlint) pass; every config parses; the trainer
    imports nothing from the tooling; no import circles; nothing patches mlagents."""
    project = bake(**options)
    package = options.get("package_name", "my_trainer")
    assert leftover_jinja(project) == {}
    hooks = pre_commit(project, mypy_cache)
    for hook in ("black", "ruff", "mypy", "actionlint"):
        assert re.search(rf"^{hook}\.+Passed$", hooks, re.MULTILINE), hooks
    tomllib.loads((project / "pyproject.toml").read_text())
    for path in [
        *project.glob("config/*.yaml"),
        project / ".github/workflows/ci.yml",
        project / ".github/dependabot.yml",
        project / ".pre-commit-config.yaml",
    ]:
        assert yaml.safe_load(path.read_text())
    assert tooling_imports(project / "src" / package, package) == []
    assert import_cycles(project / "src") == []
    modules = sorted(project.rglob("*.py"))
    assert modules
    assert [
        finding for module in modules for finding in mlagents_attribute_writes(module)
    ] == []


# The licence changes only LICENSE and the metadata, which the static checks and
# test_install.py check for every combination: the code's own suite runs once per
# flavour and tooling choice, the licences taken in turn.
CODE_COMBINATIONS = [
    pytest.param(
        {"algorithm": a, "include_tooling": tooling, "license": lic},
        id=f"{a}-{'tooling' if tooling else 'bare'}-{lic}",
    )
    for (a, tooling), lic in zip(
        [(a, tooling) for a in FLAVOURS for tooling in (True, False)],
        itertools.cycle(LICENSES),
    )
]


@pytest.mark.parametrize("options", CODE_COMBINATIONS)
def test_generated_fast_tier_passes(bake, options: dict) -> None:
    """Installed, each flavour with and without the tooling passes its own fast
    tier (the slow tier runs for the defaults in test_generated_project.py)."""
    project = bake(**options)
    run([*PIP, "install", "--no-deps", "-e", "."], cwd=project)
    try:
        # Loading the trainer as ML-Agents does loads nothing of the tooling.
        loaded = run(
            [
                sys.executable,
                "-c",
                "import sys; from mlagents.plugins.trainer_type import "
                "register_trainer_plugins; register_trainer_plugins(); "
                "print(sorted(m for m in sys.modules if m.startswith('my_trainer')))",
            ],
            cwd=project,
        )
        assert "'my_trainer.trainer'" in loaded.stdout, loaded.stdout
        assert "my_trainer.simulator" not in loaded.stdout, loaded.stdout
        result = run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-m",
                "not slow",
                "-p",
                "no:cacheprovider",
            ],
            cwd=project,
        )
        assert " passed" in result.stdout and " failed" not in result.stdout
    finally:
        run([*PIP, "uninstall", "-y", "my-trainer"], cwd=project)


@pytest.mark.parametrize("algorithm", FLAVOURS)
def test_configs_parse(bake, algorithm: str) -> None:
    project = bake(algorithm=algorithm)
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    entry_points = pyproject["project"]["entry-points"]
    assert entry_points["mlagents.trainer_type"] == {
        "my_trainer": "my_trainer.trainer:get_type_and_setting"
    }
    assert pyproject["build-system"]["build-backend"] == "setuptools.build_meta"
    config = yaml.safe_load((project / "config/my_trainer_3DBall.yaml").read_text())
    assert config["behaviors"]["3DBall"]["trainer_type"] == "my_trainer"


def test_the_build_needs_no_mlagents(bake) -> None:
    """The package builds under pip's build isolation, where mlagents is absent."""
    project = bake()
    assert not (project / "setup.py").exists()
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    assert pyproject["build-system"]["requires"] == ["setuptools>=77,<81"]


@pytest.mark.parametrize("tooling", [True, False])
def test_train_and_player_commands_exist_only_with_the_tooling(
    bake, tooling: bool
) -> None:
    project = bake(include_tooling=tooling)
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    scripts = pyproject["project"].get("scripts", {})
    benchmark = {
        "my-trainer-benchmark": "my_trainer.benchmark.command:main",
        "my-trainer-sweep": "my_trainer.sweep.command:main",
    }
    if tooling:
        assert scripts == {
            **benchmark,
            "my-trainer-train": "my_trainer.simulator.train:main",
            "my-trainer-player": "my_trainer.simulator.player:main",
        }
    else:
        assert scripts == benchmark
        assert not any("psutil" in d for d in pyproject["project"]["dependencies"])
        readme = (project / "README.md").read_text()
        assert "cruft" in readme and "include_tooling" in readme


def test_python_version_is_supported() -> None:
    assert sys.version_info[:2] in {(3, 10), (3, 11)}


def test_derived_names_follow_the_project_name(bake) -> None:
    project = bake(project_name="Fancy PPO")
    assert project.name == "fancy_ppo"
    assert (project / "src/fancy_ppo/trainer.py").exists()
    trainer = (project / "src/fancy_ppo/trainer.py").read_text()
    assert "class FancyPpo(OnPolicyTrainer):" in trainer
    assert 'TRAINER_NAME = "fancy_ppo"' in trainer
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    assert pyproject["project"]["name"] == "fancy-ppo"
    assert (project / "config/fancy_ppo_3DBall.yaml").exists()


@pytest.mark.parametrize("tooling", [True, False])
def test_workflow_installs_tests_and_trains(bake, tooling: bool) -> None:
    """CI installs with the README's command on every Python it supports, with
    pip's cache, runs pre-commit and the tests; Dependabot updates its actions."""
    project = bake(include_tooling=tooling)
    workflow = yaml.safe_load((project / ".github/workflows/ci.yml").read_text())
    job = workflow["jobs"]["test"]
    pythons = {
        entry["python-version"] for entry in job["strategy"]["matrix"]["include"]
    }
    assert pythons == {"3.10.12", "3.11", "3.12", "3.13"}
    [setup] = [
        s for s in job["steps"] if s.get("uses", "").startswith("actions/setup-python")
    ]
    assert setup["with"]["cache"] == "pip"
    steps = " ".join(str(step.get("run", "")) for step in job["steps"])
    assert "python scripts/install.py" in steps and "pip install" not in steps
    assert "pre-commit run --all-files" in steps
    assert 'pytest -m "not slow"' in steps
    trains = "my-trainer-train config/my_trainer_3DBall.yaml" in steps
    assert trains == tooling and ("pytest -m slow" in steps) == tooling


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


JINJA_NAME = re.compile(r"{{ cookiecutter\.[A-Za-z_]+ }}")


def test_python_sources_use_jinja_for_names_only() -> None:
    """In the template's ``.py`` files (generated tests included) Jinja only fills in
    a name: no ``{% if %}`` blocks, filters or expressions. What differs by flavour
    lives in the flavour's tree, or reads one constant (``tests/conftest.py``)."""
    sources = sorted(PROJECT_TEMPLATE.rglob("*.py"))
    assert len(sources) > 20
    found = [
        f"{path.relative_to(PROJECT_TEMPLATE)}:{number}: {line.strip()}"
        for path in sources
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1)
        if re.search(r"{{|{%|{#|%}|#}", JINJA_NAME.sub("", line))
    ]
    assert found == []


def test_the_mlagents_stack_has_one_source() -> None:
    """The generated project's requirements files, install script and mlagents
    build script are the only recipe: the template's bootstrap runs the install
    script as it is (so none holds Jinja), and no other file names the stack's
    pins or pip's override flags."""
    sources = sorted((PROJECT_TEMPLATE / "requirements").glob("mlagents-py3*.txt"))
    installer = PROJECT_TEMPLATE / "scripts" / "install.py"
    builder = installer.with_name("build_mlagents.py")
    texts = "".join(p.read_text() for p in [*sources, installer, builder])
    assert not re.search(r"{{|{%|{#", texts)
    assert not (TEMPLATE_ROOT / "requirements" / "mlagents-py311.txt").exists()
    bootstrap = (TEMPLATE_ROOT / "scripts" / "bootstrap.sh").read_text()
    assert '"{{cookiecutter.package_name}}/scripts/install.py" --stack-only' in (
        bootstrap
    )
    recipe = {"torch==", "--ignore-requires-python", "numpy==1.23.5"}
    holders = {
        str(path.relative_to(TEMPLATE_ROOT))
        for path in [*TEMPLATE_ROOT.glob("scripts/*"), *PROJECT_TEMPLATE.rglob("*")]
        if path.is_file()
        and "__pycache__" not in path.parts
        and any(flag in path.read_text() for flag in recipe)
    }
    assert holders == {
        *(
            str(source.relative_to(TEMPLATE_ROOT))
            for source in sources
            if not source.stem.endswith("-no-deps")  # onnx on 3.13 only
        ),
        str(installer.relative_to(TEMPLATE_ROOT)),
        str(builder.relative_to(TEMPLATE_ROOT)),
    }


def test_the_scans_find_what_they_look_for(tmp_path: Path) -> None:
    """The scans above flag real patches, imports and circles, and nothing else."""
    patched = tmp_path / "patched.py"
    patched.write_text(
        "from mlagents.trainers import learn\n"
        "import mlagents.trainers.subprocess_env_manager as sem\n"
        "import mlagents.plugins\n"
        "from mlagents.trainers.stats import StatsReporter\n"
        "learn.create_environment_factory = None\n"
        "sem.SubprocessEnvManager.limit += 1\n"
        "mlagents.plugins.all_trainer_types['x'] = object\n"
        "setattr(learn, 'SubprocessEnvManager', object)\n"
        "monkeypatch.setattr('mlagents.trainers.learn.run_training', None)\n"
        "StatsReporter.writers.clear()\n"
        "value = learn.run_cli\n"
        "self.learn = learn\n"
    )
    found = [line.split(":")[1] for line in mlagents_attribute_writes(patched)]
    assert found == ["5", "6", "7", "8", "9"]
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "trainer.py").write_text(
        "from .settings import S\nfrom .simulator.train import main\n"
    )
    (package / "optimizer.py").write_text(
        "from . import simulator\nimport pkg.simulator\n"
    )
    (package / "settings.py").write_text("from .validation import positive\n")
    assert tooling_imports(package, "pkg") == [
        "optimizer.py:1: .simulator",
        "optimizer.py:2: pkg.simulator",
        "trainer.py:2: .simulator.train.main",
    ]
    src = tmp_path / "src"
    (src / "pkg" / "envs").mkdir(parents=True)
    (src / "pkg" / "__init__.py").write_text("")
    (src / "pkg" / "envs" / "__init__.py").write_text("from .ball3d import Env\n")
    (src / "pkg" / "envs" / "ball3d.py").write_text("from . import physics\n")
    (src / "pkg" / "envs" / "scene.py").write_text("import numpy\n")
    physics = src / "pkg" / "envs" / "physics.py"
    physics.write_text("from .scene import Config\n")
    assert import_cycles(src) == []
    physics.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from .ball3d import Config\n"
    )
    assert import_cycles(src) == [
        ["pkg.envs.ball3d", "pkg.envs.physics", "pkg.envs.ball3d"]
    ]


def test_the_template_url_is_stated_once() -> None:
    """The template's address lives in cookiecutter.json (and copier.yml, which a
    test keeps equal); the generated README builds its links from it."""
    url = json.loads((TEMPLATE_ROOT / "cookiecutter.json").read_text())[
        "__template_url"
    ]
    holders = [
        str(path.relative_to(TEMPLATE_ROOT))
        for path in PROJECT_TEMPLATE.rglob("*")
        if path.is_file()
        and "__pycache__" not in path.parts
        and url
        and url.split("//")[1] in path.read_text(encoding="utf-8", errors="ignore")
    ]
    assert holders == []
    readme = (PROJECT_TEMPLATE / "README.md").read_text(encoding="utf-8")
    assert "{{ cookiecutter.__template_url }}/blob/main/docs/faq.md" in readme
