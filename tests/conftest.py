"""Fixtures for testing the template: baking projects and running their tools."""

import ast
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Sequence

import pytest

TEMPLATE_ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
JINJA_LEFTOVER = re.compile(r"{{|}}|{%|%}|{#|#}|cookiecutter\.")
# GitHub Actions expressions, which a workflow file may hold: ``${{ matrix.os }}``.
ACTIONS_EXPRESSION = re.compile(r"\$\{\{ [A-Za-z0-9_.-]+ \}\}")

FLAVOURS = ["on-policy", "off-policy", "cooperative"]
PIP = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]


def run(
    command: Sequence[str], cwd: Path, timeout: int = 600
) -> subprocess.CompletedProcess:
    """Run a command, failing the test with its output if it fails.

    Without pytest-xdist's variables: under ``pytest -n``, a generated project's
    own pytest would otherwise take itself for an xdist worker (and, for one,
    write no battery report)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_XDIST")}
    result = subprocess.run(
        list(command), cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env
    )
    assert result.returncode == 0, (
        f"{' '.join(command)} exited {result.returncode}\n"
        f"--- stdout ---\n{result.stdout[-5000:]}\n--- stderr ---\n{result.stderr[-5000:]}"
    )
    return result


def pre_commit(project: Path, mypy_cache: Path) -> str:
    """Run the project's pre-commit hooks on all its files, as its README says
    (in a fresh git repository, with this environment's tools); return the report."""
    git = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com"]
    run([*git, "init", "-q"], cwd=project)
    run([*git, "add", "-A"], cwd=project)
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "MYPY_CACHE_DIR": str(mypy_cache),  # shared: torch's stubs are read once
        "PRE_COMMIT_HOME": str(mypy_cache.parent / "pre-commit"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files", "--color=never"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-3000:]
    return result.stdout


def project_files(root: Path) -> List[str]:
    return sorted(
        str(p.relative_to(root))
        for p in root.rglob("*")
        if p.is_file()
        and "__pycache__" not in p.parts
        and ".egg-info" not in str(p)
        and ".git" not in p.relative_to(root).parts
    )


def leftover_jinja(root: Path) -> Dict[str, List[str]]:
    """Lines that still look like Jinja, per file (the output must have none)."""
    found: Dict[str, List[str]] = {}
    for path in root.rglob("*"):
        if (
            path.is_file()
            and "__pycache__" not in path.parts
            and ".git" not in path.relative_to(root).parts
        ):
            text = path.read_text(encoding="utf-8")
            if path.parent.name == "workflows":
                text = ACTIONS_EXPRESSION.sub("", text)
            lines = [line for line in text.splitlines() if JINJA_LEFTOVER.search(line)]
            if lines:
                found[str(path.relative_to(root))] = lines
    return found


def mlagents_names(tree: ast.AST) -> set:
    """Names a module binds to something imported from mlagents or mlagents_envs."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in ("mlagents", "mlagents_envs"):
                    names.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            if (node.module or "").split(".")[0] in ("mlagents", "mlagents_envs"):
                names |= {alias.asname or alias.name for alias in node.names}
    return names


def _root_name(node: ast.AST) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def mlagents_attribute_writes(path: Path) -> List[str]:
    """Assignments to (or setattr/delattr on) anything imported from mlagents, as
    ``file:line: code``. Each one patches ML-Agents for every trainer in the process."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bound = mlagents_names(tree)
    found = []
    for node in ast.walk(tree):
        targets: list = []
        if isinstance(node, (ast.Assign, ast.Delete)):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        elif isinstance(node, ast.Call):
            func = node.func
            name = (
                func.attr
                if isinstance(func, ast.Attribute)
                else getattr(func, "id", "")
            )
            if name in ("setattr", "delattr") and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and str(first.value).startswith(
                    ("mlagents.", "mlagents_envs.")
                ):
                    found.append(f"{path.name}:{node.lineno}: {ast.unparse(node)}")
                    continue
                targets = [ast.Attribute(value=first, attr="?", ctx=ast.Store())]
        for target in targets:
            if isinstance(target, (ast.Attribute, ast.Subscript)):
                if _root_name(target) in bound:
                    found.append(f"{path.name}:{node.lineno}: {ast.unparse(node)}")
    return found


def tooling_imports(package_dir: Path, package: str) -> List[str]:
    """Imports of the tooling (``simulator``) in the package's own top-level modules."""
    found = []
    for module in sorted(package_dir.glob("*.py")):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            names: list = []
            if isinstance(node, ast.ImportFrom):
                base = "." * node.level + (node.module or "")
                names = [
                    f"{base}.{a.name}" if node.module else base + a.name
                    for a in node.names
                ]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                if name.startswith((".simulator", f"{package}.simulator")):
                    found.append(f"{module.name}:{node.lineno}: {name}")
    return found


def _module_name(path: Path, src: Path) -> str:
    parts = list(path.relative_to(src).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_cycles(src: Path) -> List[List[str]]:
    """Circles of imports between the modules under ``src`` (one per circle found).

    Every import counts, ``TYPE_CHECKING`` ones included: a name imported there
    still ties the two modules together. ``from . import x`` points at module
    ``x`` where it exists, else at the package.
    """
    paths = {_module_name(p, src): p for p in src.rglob("*.py")}
    graph: Dict[str, set] = {}
    for name, path in paths.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        edges = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")
                    anchor = anchor[: len(anchor) - node.level + 1]
                    base = ".".join([*anchor, *([base] if base else [])])
                targets = [
                    f"{base}.{alias.name}" if f"{base}.{alias.name}" in paths else base
                    for alias in node.names
                ]
            else:
                continue
            edges |= {t for t in targets if t in paths and t != name}
        graph[name] = edges
    cycles: List[List[str]] = []
    state: Dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(name: str, path: List[str]) -> None:
        state[name] = 1
        for target in sorted(graph[name]):
            if state.get(target) == 1:
                cycles.append(path[path.index(target) :] + [name, target])
            elif target not in state:
                visit(target, path + [name])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [])
    return cycles


@pytest.fixture(scope="session")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("tools") / "mypy-cache"


@pytest.fixture
def bake(cookies):  # type: ignore[no-untyped-def]
    """Bake the template with extra context; assert it succeeded; return the path."""

    def _bake(**context: str) -> Path:
        result = cookies.bake(extra_context=context)
        assert result.exception is None, result.exception
        assert result.exit_code == 0
        return Path(result.project_path)

    return _bake
