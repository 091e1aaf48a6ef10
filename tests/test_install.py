"""The generated project's one install command, and what happens without the stack.

Fast: ``scripts/install.py`` picks the path by Python version, keeps torch on the
CPU index unless told otherwise, and refuses other Pythons in one line (run for
real on every other interpreter this machine has).

Slow, for every licence and flavour: the README's command installs the project
in a fresh virtual environment that sees this environment's ML-Agents stack (a
``.pth`` file; so the command finds the stack satisfied and runs quickly), ML-Agents
registers the trainer, and ``pip check`` reports exactly the lines the FAQ names;
in an environment without the stack, or with an mlagents that cannot load,
importing the package, its entry point and its command print one line.
"""

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import venv
from importlib.metadata import version
from pathlib import Path

import pytest

from .conftest import FLAVOURS, PIP, TEMPLATE_ROOT, run

INSTALLER = TEMPLATE_ROOT / "{{cookiecutter.package_name}}" / "scripts" / "install.py"
CPU_INDEX = "https://download.pytorch.org/whl/cpu"
LICENSES = ["MIT", "BSD-3-Clause", "Apache-2.0", "Proprietary"]
MISSING_STACK = re.compile(
    r"^ERROR: my_trainer needs the ML-Agents 1\.1\.0 stack \(mlagents, "
    r"mlagents-envs, torch\), which does not load here \((?P<why>[^\n]+)\)\. "
    r"Install it with `python scripts/install.py` in the project's folder\.\n$"
)


def load_installer():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("installer", INSTALLER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def other_pythons() -> list[Path]:
    """Interpreters on this machine other than 3.11, from 3.7 on (the oldest the
    installer's own syntax runs on): pyenv's, or on PATH."""
    found = {}
    candidates = [shutil.which(f"python3.{minor}") for minor in range(8, 14)]
    if shutil.which("pyenv"):
        root = subprocess.run(["pyenv", "root"], capture_output=True, text=True)
        candidates += [
            str(p) for p in Path(root.stdout.strip()).glob("versions/3.*/bin/python")
        ]
    for candidate in filter(None, candidates):
        probe = subprocess.run(
            [candidate, "-c", "import sys; print(*sys.version_info[:3], sep='.')"],
            capture_output=True,
            text=True,
        )
        version = probe.stdout.strip()
        numbers = (
            tuple(int(n) for n in version.split(".")) if probe.returncode == 0 else ()
        )
        if numbers >= (3, 7) and numbers[:2] != (3, 11):
            found.setdefault(version, Path(candidate))
    return [found[v] for v in sorted(found)]


def test_the_path_follows_the_python_version() -> None:
    installer = load_installer()
    stack = str(INSTALLER.parents[1] / "requirements" / "mlagents-py311.txt")
    for python in [(3, 10, 1), (3, 10, 12)]:
        assert installer.unsupported(python) is None
        first, project = installer.commands(python, CPU_INDEX, stack_only=False)
        assert first[-3:] == ["--extra-index-url", CPU_INDEX, "mlagents==1.1.0"]
        assert project[-2:] == ["-e", f"{INSTALLER.parents[1]}[test,dev]"]
    assert installer.unsupported((3, 11, 7)) is None
    stack_step, mlagents, project = installer.commands((3, 11, 7), CPU_INDEX, False)
    assert stack_step[-4:] == ["--extra-index-url", CPU_INDEX, "-r", stack]
    assert mlagents[-4:] == [
        "--no-deps",
        "--ignore-requires-python",
        "mlagents==1.1.0",
        "mlagents-envs==1.1.0",
    ]
    assert "--extra-index-url" not in project  # torch is never fetched again here
    assert len(installer.commands((3, 11, 7), "", stack_only=True)) == 2
    assert "--extra-index-url" not in installer.commands((3, 11, 7), "", True)[0]
    for python in [
        (3, 9, 18),
        (3, 10, 0),
        (3, 10, 13),
        (3, 10, 16),
        (3, 12, 1),
        (3, 13, 0),
    ]:
        why = installer.unsupported(python)
        assert why and "\n" not in why and "use Python 3.11" in why, python


def test_torch_comes_from_the_cpu_index_by_default() -> None:
    result = run([sys.executable, str(INSTALLER), "--dry-run"], cwd=TEMPLATE_ROOT)
    commands = [line for line in result.stdout.splitlines() if line.startswith("==> ")]
    assert len(commands) == 3
    assert f"--extra-index-url {CPU_INDEX} -r" in commands[0]
    assert "--extra-index-url" not in commands[1] + commands[2]


def test_other_pythons_are_refused_in_one_line() -> None:
    pythons = other_pythons()
    if not pythons:
        pytest.skip("no Python other than 3.11 on this machine")
    for python in pythons:
        result = subprocess.run(
            [str(python), str(INSTALLER)], capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 1, (python, result.stdout, result.stderr)
        assert result.stdout == ""
        assert re.fullmatch(
            r"ERROR: Python 3\.\S+ is not supported: [^\n]+\n", result.stderr
        ), result.stderr


def make_venv(path: Path, stack_from: Path | None) -> Path:
    """A virtual environment; with ``stack_from``, it also sees that site-packages."""
    venv.EnvBuilder(with_pip=True).create(path)
    python = path / "bin" / "python"
    if stack_from is not None:
        site = subprocess.run(
            [
                str(python),
                "-c",
                "import sysconfig; print(sysconfig.get_path('purelib'))",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        (Path(site) / "template-stack.pth").write_text(f"{stack_from}\n")
    return python


@pytest.fixture(scope="module")
def no_stack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtual environment without the stack; mlagents added later where asked."""
    return make_venv(tmp_path_factory.mktemp("no-stack") / "venv", stack_from=None)


def expected_pip_check() -> set:
    faq = (TEMPLATE_ROOT / "docs" / "faq.md").read_text()
    section = faq[faq.index("## What does `pip check` report") :]
    block = section[
        section.index("```text\n")
        + 8 : section.index("\n```", section.index("```text"))
    ]
    return set(block.replace("GRPCIO", version("grpcio")).splitlines())


def one_line_without_the_stack(python: Path, project: Path) -> list:
    """What import, the entry point (loaded as ML-Agents loads it) and the train
    command print; each must be the one line."""
    whys = []
    probes = [
        [str(python), "-c", "import my_trainer"],
        [
            str(python),
            "-c",
            "from importlib.metadata import entry_points; "
            "[ep] = entry_points(group='mlagents.trainer_type', name='my_trainer'); "
            "ep.load()",
        ],
        [str(python.parent / "my-trainer-train"), "--help"],
    ]
    for probe in probes:
        result = subprocess.run(
            probe, cwd=project, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 1, (probe, result.stderr)
        match = MISSING_STACK.fullmatch(result.stderr)
        assert match, (probe, result.stderr)
        whys.append(match["why"])
    return whys


@pytest.mark.slow
@pytest.mark.parametrize("algorithm", FLAVOURS)
@pytest.mark.parametrize("licence", LICENSES)
def test_the_documented_command_installs_every_licence_and_flavour(
    bake, tmp_path: Path, no_stack: Path, algorithm: str, licence: str
) -> None:
    project = bake(algorithm=algorithm, license=licence)
    python = make_venv(
        tmp_path / "venv", stack_from=Path(sysconfig.get_path("purelib"))
    )
    # The README's command, as it is: every step finds the stack already there.
    result = run([str(python), "scripts/install.py"], cwd=project)
    assert "Successfully installed my-trainer-0.1.0" in result.stdout
    registered = run(
        [
            str(python),
            "-c",
            "from mlagents.plugins.trainer_type import register_trainer_plugins as r; "
            "t = r()[0]['my_trainer']; print(t.__module__)",
        ],
        cwd=tmp_path,
    )
    assert registered.stdout.strip() == "my_trainer.trainer"
    check = subprocess.run(
        [str(python), "-m", "pip", "check"], capture_output=True, text=True
    )
    assert set(check.stdout.splitlines()) == expected_pip_check(), check.stdout
    assert (project / "src/my_trainer/py.typed").exists()

    # Without the stack: one line, from import, the entry point and the command.
    run([str(no_stack), "-m", *PIP[2:], "install", "--no-deps", "-e", "."], cwd=project)
    try:
        whys = one_line_without_the_stack(no_stack, project)
        assert set(whys) == {"ModuleNotFoundError: No module named 'mlagents'"}
    finally:
        run(
            [str(no_stack), "-m", *PIP[2:], "uninstall", "-y", "my-trainer"],
            cwd=project,
        )


@pytest.mark.slow
def test_an_mlagents_that_cannot_load_is_one_line_too(
    bake, no_stack: Path, tmp_path: Path
) -> None:
    """mlagents installed without its dependencies (no torch, no numpy)."""
    project = bake()
    pip = [str(no_stack), "-m", *PIP[2:]]
    run(
        [
            *pip,
            "install",
            "--no-deps",
            "-e",
            ".",
            "mlagents==1.1.0",
            "mlagents-envs==1.1.0",
            "--ignore-requires-python",
        ],
        cwd=project,
    )
    try:
        whys = one_line_without_the_stack(no_stack, project)
        assert all(
            why.startswith("ModuleNotFoundError: No module named") for why in whys
        )
        assert not any("'mlagents'" in why for why in whys), whys
    finally:
        run(
            [*pip, "uninstall", "-y", "my-trainer", "mlagents", "mlagents-envs"],
            cwd=project,
        )


@pytest.mark.slow
def test_python_3_10_13_and_later_stop_loudly(bake, tmp_path: Path) -> None:
    """On the newest 3.10 (what pyenv, uv and setup-python give), the command
    refuses in one line, and a plain ``pip install -e .`` stops instead of
    installing the package without mlagents."""
    pythons = [
        p
        for p in other_pythons()
        if subprocess.run(
            [
                str(p),
                "-c",
                "import sys; sys.exit(not (3, 10, 13) <= sys.version_info < (3, 11))",
            ]
        ).returncode
        == 0
    ]
    if not pythons:
        pytest.skip("no Python 3.10.13 or later 3.10 on this machine")
    project = bake()
    run([str(pythons[0]), "-m", "venv", str(tmp_path / "venv310")], cwd=tmp_path)
    python = tmp_path / "venv310" / "bin" / "python"
    refused = subprocess.run(
        [str(python), "scripts/install.py"], cwd=project, capture_output=True, text=True
    )
    assert refused.returncode == 1 and refused.stderr.count("\n") == 1, refused.stderr
    plain = subprocess.run(
        [str(python), "-m", "pip", "install", "-e", "."],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )
    assert plain.returncode != 0
    assert "mlagents" in plain.stderr and "3.10.12" in plain.stderr, plain.stderr[
        -3000:
    ]
