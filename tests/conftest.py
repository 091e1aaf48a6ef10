"""Fixtures for testing the template: baking projects and running their tools."""

import re
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Sequence

import pytest

TEMPLATE_ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
JINJA_LEFTOVER = re.compile(r"{{|}}|{%|%}|{#|#}|cookiecutter\.")

FLAVOURS = ["on-policy", "off-policy"]


def run(
    command: Sequence[str], cwd: Path, timeout: int = 600
) -> subprocess.CompletedProcess:
    """Run a command, failing the test with its output if it fails."""
    result = subprocess.run(
        list(command), cwd=cwd, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, (
        f"{' '.join(command)} exited {result.returncode}\n"
        f"--- stdout ---\n{result.stdout[-5000:]}\n--- stderr ---\n{result.stderr[-5000:]}"
    )
    return result


def project_files(root: Path) -> List[str]:
    return sorted(
        str(p.relative_to(root))
        for p in root.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and ".egg-info" not in str(p)
    )


def leftover_jinja(root: Path) -> Dict[str, List[str]]:
    """Lines that still look like Jinja, per file (the output must have none)."""
    found: Dict[str, List[str]] = {}
    for path in root.rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts:
            text = path.read_text(encoding="utf-8")
            lines = [line for line in text.splitlines() if JINJA_LEFTOVER.search(line)]
            if lines:
                found[str(path.relative_to(root))] = lines
    return found


@pytest.fixture
def bake(cookies):  # type: ignore[no-untyped-def]
    """Bake the template with extra context; assert it succeeded; return the path."""

    def _bake(**context: str) -> Path:
        result = cookies.bake(extra_context=context)
        assert result.exception is None, result.exception
        assert result.exit_code == 0
        return Path(result.project_path)

    return _bake
