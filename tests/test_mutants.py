"""The mutation check: each flavour's fast tests catch its one-line mutants.

Every flavour keeps a list of one-line mistakes in its trainer and optimizer
(``_flavours/<flavour>/tests/mutants.toml``, rendered into the project's
``tests/``). Fast: every flavour has a list, each entry is well formed and its
text occurs once in the flavour's code. Slow: each flavour is rendered and
installed, and its own ``scripts/mutants.py`` applies the mutants one at a time and
runs the project's fast tests on each; every mutant of tier ``fast`` must be
killed (a few minutes per flavour).
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import FLAVOURS, PIP, TEMPLATE_ROOT, run

# The check ships in every generated project, as scripts/mutants.py.
sys.path.insert(0, str(TEMPLATE_ROOT / "{{cookiecutter.package_name}}" / "scripts"))
import mutants  # noqa: E402  (scripts/ is not a package)

FLAVOUR_ROOT = TEMPLATE_ROOT / "{{cookiecutter.package_name}}" / "_flavours"
PACKAGE_DIR = "src/{{cookiecutter.package_name}}"


def flavour_dirs() -> list[Path]:
    return sorted(p for p in FLAVOUR_ROOT.iterdir() if p.is_dir())


@pytest.mark.parametrize("flavour", flavour_dirs(), ids=lambda p: p.name)
def test_every_flavour_lists_mutants_that_fit_its_code(flavour: Path) -> None:
    listed = mutants.load(flavour / "tests" / "mutants.toml")
    assert listed, f"{flavour.name}: no mutants"
    assert {m.file for m in listed} >= {"trainer.py", "optimizer.py"}
    for mutant in listed:
        # A flavour's own file, else the shared one it is rendered beside.
        own = flavour / PACKAGE_DIR / mutant.file
        shared = flavour.parents[1] / PACKAGE_DIR / mutant.file
        code = (own if own.is_file() else shared).read_text(encoding="utf-8")
        assert code.count(mutant.find) == 1, (mutant.name, code.count(mutant.find))
        assert mutant.find != mutant.replace, mutant.name


def test_a_list_that_no_longer_fits_the_code_is_an_error(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "src" / "pkg").mkdir(parents=True)
    (project / "src" / "pkg" / "trainer.py").write_text("x = 1\nx = 1\n")
    (project / "tests").mkdir()
    (project / "tests" / "mutants.toml").write_text(
        'tests = ["tests"]\n[[mutant]]\nname = "m"\nfile = "trainer.py"\n'
        'find = "x = 1"\nreplace = "x = 2"\ntier = "fast"\n'
    )
    assert mutants.main([str(project)]) == 2
    listed = (project / "tests" / "mutants.toml").read_text()
    (project / "tests" / "mutants.toml").write_text(
        listed.replace('tier = "fast"', 'tier = "battery"')
    )
    with pytest.raises(mutants.ListError, match="needs a reason"):
        mutants.load(project / "tests" / "mutants.toml")


@pytest.mark.slow
# It installs into this environment (see test_generated_project).
@pytest.mark.xdist_group("this-environment")
@pytest.mark.parametrize("algorithm", FLAVOURS)
def test_the_fast_tests_kill_every_fast_mutant(bake, algorithm: str) -> None:
    project = bake(algorithm=algorithm, project_name=f"Mutants {algorithm}")
    run([*PIP, "install", "-e", "."], cwd=project)
    try:
        result = subprocess.run(
            [sys.executable, "scripts/mutants.py", "."],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=900,
        )
    finally:
        distribution = project.name.replace("_", "-")
        run([*PIP, "uninstall", "-y", distribution], cwd=project)
    print(result.stdout)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    killed = re.search(r"^killed (\d+)/(\d+) by the fast tests$", result.stdout, re.M)
    assert killed and int(killed[2]) > 0, result.stdout
