"""Every command of the project starts quietly.

The commands are the console scripts this distribution installs. Starting one
must not print the ML-Agents stack's known warnings (``known_warnings.py``) and
must still print any other warning.
"""

import os
import subprocess
import sys
import warnings
from importlib.metadata import distribution

import pytest

from {{ cookiecutter.package_name }}.known_warnings import (
    KNOWN_WARNINGS,
    known_warnings_hidden,
)

from .conftest import PROJECT_ROOT

# Console script -> the module its entry point names.
COMMANDS = {
    entry_point.name: entry_point.module
    for entry_point in distribution("{{ cookiecutter.distribution_name }}").entry_points
    if entry_point.group == "console_scripts"
}
PKG_RESOURCES = "pkg_resources is deprecated as an API"


@pytest.mark.parametrize("module", sorted(set(COMMANDS.values())))
def test_a_command_starts_without_the_known_warnings_and_shows_others(
    module: str,
) -> None:
    """A fresh interpreter imports the command's module, as its script does."""
    code = (
        f"import warnings, {module}; "
        "warnings.warn('a warning of our own', UserWarning)"
    )
    env = {
        name: value for name, value in os.environ.items() if name != "PYTHONWARNINGS"
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        cwd=PROJECT_ROOT,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert PKG_RESOURCES not in result.stderr
    assert "UserWarning: a warning of our own" in result.stderr


def test_only_the_known_message_and_category_are_hidden() -> None:
    message = f"{PKG_RESOURCES}. See https://setuptools.pypa.io/"
    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter("always")
        with known_warnings_hidden():
            warnings.warn(message, UserWarning, stacklevel=2)
            warnings.warn(message, DeprecationWarning, stacklevel=2)
            warnings.warn("another UserWarning", UserWarning, stacklevel=2)
        warnings.warn(message, UserWarning, stacklevel=2)
    assert [(str(w.message), w.category) for w in shown] == [
        (message, DeprecationWarning),
        ("another UserWarning", UserWarning),
        (message, UserWarning),
    ]


def test_pytest_hides_the_same_warnings_as_the_commands(
    pytestconfig: pytest.Config,
) -> None:
    """``filterwarnings`` in pyproject.toml lists each of ``KNOWN_WARNINGS``."""
    filters = pytestconfig.getini("filterwarnings")
    for message, category in KNOWN_WARNINGS:
        assert f"ignore:{message}:{category.__name__}" in filters
