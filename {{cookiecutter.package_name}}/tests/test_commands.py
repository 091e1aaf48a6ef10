"""Every command of the project starts quietly and documents each of its options.

The commands are the console scripts this distribution installs and the
scripts in ``scripts/``; each builds its parser in ``build_parser()``. Starting
one must not print the ML-Agents stack's known warnings (``known_warnings.py``)
and must still print any other warning. Its ``--help`` must give every option a
help text, and every option that takes a value its default: ``(default: ...)``,
with the value itself where there is one.
"""

import argparse
import importlib
import importlib.util
import os
import subprocess
import sys
import warnings
from importlib.metadata import distribution
from pathlib import Path
from types import ModuleType

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
SCRIPTS = sorted((PROJECT_ROOT / "scripts").glob("*.py"))
PKG_RESOURCES = "pkg_resources is deprecated as an API"


def undocumented(parser: argparse.ArgumentParser) -> list[str]:
    """The options of ``parser`` whose help is missing or does not say their default."""
    # argparse shows one option's help (its %(default)s filled in, or the
    # default ArgumentDefaultsHelpFormatter appends) only through these.
    formatter = parser._get_formatter()
    problems = []
    for action in parser._actions:
        if not action.option_strings or action.help == argparse.SUPPRESS:
            continue  # an argument, not an option, or an option hidden on purpose
        name = ", ".join(action.option_strings)
        shown = formatter._expand_help(action) if action.help else ""
        if not shown.strip():
            problems.append(f"{name}: no help")
        elif action.nargs == 0:
            continue  # a flag: off unless given
        elif "(default: " not in shown:
            problems.append(f"{name}: the help does not say the default: {shown!r}")
        elif action.default is not None and str(action.default) not in shown:
            problems.append(f"{name}: the help does not show {action.default!r}")
    return problems


def load_script(path: Path, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """A script of ``scripts/`` as a module, importing its neighbours as it does when run."""
    monkeypatch.syspath_prepend(str(path.parent))
    spec = importlib.util.spec_from_file_location(f"script_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # Registered while it runs, as an imported module is (dataclasses look it up).
    monkeypatch.setitem(sys.modules, spec.name, module)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_option_of_a_command_has_help_that_says_its_default(
    command: str,
) -> None:
    module = importlib.import_module(COMMANDS[command])
    assert undocumented(module.build_parser()) == []


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: f"scripts/{path.name}")
def test_every_option_of_a_script_has_help_that_says_its_default(
    script: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = load_script(script, monkeypatch)
    assert undocumented(module.build_parser()) == []


def test_the_check_finds_a_missing_help_and_a_default_left_unsaid() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bare", default=3)
    parser.add_argument("--silent", default=3, help="a number")
    parser.add_argument("--said", default=3, help="a number (default: %(default)s)")
    parser.add_argument("--vague", help="a path (default: somewhere)")
    parser.add_argument("--flag", action="store_true", help="a switch")
    assert undocumented(parser) == [
        "--bare: no help",
        "--silent: the help does not say the default: 'a number'",
    ]


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
