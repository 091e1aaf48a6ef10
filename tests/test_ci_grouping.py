"""CI's slow tier keeps the tests that install into this environment on one worker.

``.ci/run`` runs the slow tier with ``-n auto --dist loadgroup``, and the tests
that install into ``.venv/`` (or whose venvs read it) carry
``xdist_group("this-environment")``. pytest 9.2 silently stopped that grouping
(pytest-dev/pytest-xdist#1386): the tests ran side by side and broke each other.
This runs two grouped test files under the same options and checks that one
worker ran them all.
"""

import re
import subprocess
import sys
from pathlib import Path

GROUPED = """
import pytest

@pytest.mark.xdist_group("this-environment")
@pytest.mark.parametrize("i", range(4))
def test_grouped(i):
    pass
"""


def test_loadgroup_puts_a_group_on_one_worker(tmp_path: Path) -> None:
    for name in ("test_one.py", "test_two.py"):
        (tmp_path / name).write_text(GROUPED)
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadgroup", "-v"]
        + ["-p", "no:cacheprovider"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    workers = re.findall(r"^\[(gw\d+)\] .* PASSED ", result.stdout, re.M)
    assert len(workers) == 8, result.stdout[-3000:]
    assert len(set(workers)) == 1, (
        "xdist's --dist loadgroup spread one group over several workers: "
        "pytest 9.2 does this (pytest-dev/pytest-xdist#1386); see "
        "requirements/dev.txt\n" + result.stdout[-3000:]
    )
