"""Mutation check: do a generated project's fast tests catch one-line mistakes in its trainer?

Each mutant in the project's ``tests/mutants.toml`` replaces one exact piece of
text in ``src/<package>/<file>`` (a sign flipped, a term dropped, ``min`` for
``max``, a wrong bootstrap, ...). For each mutant in turn this script writes the
mutated file, runs the mutant's tests (the list's ``tests`` unless the mutant
names its own) with ``pytest -x``, and restores the file. A mutant is killed
when the tests fail.

Every mutant whose ``tier`` is ``fast`` must be killed. A mutant of tier
``battery`` is one the fast tests are known not to catch; it must say why in
its ``reason`` (and it fails the check if the fast tests catch it after all,
so that the list stays true). The project must be installed (``pip install -e``)
in the Python that runs this script.

    python scripts/mutants.py path/to/project [--only NAME ...]

Exit status 0 when every fast mutant is killed and every battery mutant
survives; 1 otherwise, 2 if the list does not match the code.
"""

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: pytest, which this check runs, brings tomli
    import tomli as tomllib

TIERS = ("fast", "battery")
PYTEST = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider"]
TIMEOUT = 600  # seconds one test run may take


@dataclass
class Mutant:
    name: str
    file: str
    find: str
    replace: str
    tier: str
    reason: str
    tests: list[str]


class ListError(Exception):
    """The mutant list does not fit the project's code."""


def load(list_path: Path) -> list[Mutant]:
    """The mutants of ``list_path``, each checked for its fields."""
    data = tomllib.loads(list_path.read_text(encoding="utf-8"))
    default_tests = data.get("tests", [])
    mutants = []
    for entry in data.get("mutant", []):
        name = entry.get("name", "?")
        missing = {"name", "file", "find", "replace", "tier"} - set(entry)
        if missing:
            raise ListError(f"mutant {name}: missing {sorted(missing)}")
        if entry["tier"] not in TIERS:
            raise ListError(f"mutant {name}: tier must be one of {TIERS}")
        if entry["tier"] == "battery" and not entry.get("reason"):
            raise ListError(f"mutant {name}: a battery-tier mutant needs a reason")
        tests = entry.get("tests", default_tests)
        if not tests:
            raise ListError(f"mutant {name}: no tests to run")
        mutants.append(
            Mutant(
                name,
                entry["file"],
                entry["find"],
                entry["replace"],
                entry["tier"],
                entry.get("reason", ""),
                tests,
            )
        )
    names = [m.name for m in mutants]
    if len(set(names)) != len(names):
        raise ListError("mutant names must be unique")
    return mutants


def package_dir(project: Path) -> Path:
    [trainer] = project.glob("src/*/trainer.py")
    return trainer.parent


def run_tests(project: Path, tests: list[str]) -> tuple[int, float, str]:
    """Run ``tests`` on the project's code as it is now: (pytest's exit code, seconds, summary)."""
    start = time.perf_counter()
    if hasattr(os, "fork"):
        code, text = forked_pytest(project, tests)
    else:  # Windows: a fresh interpreter per run
        code, text = fresh_pytest(project, tests)
    output = text.strip().splitlines()
    failed = [line.split(" - ")[0] for line in output if line.startswith("FAILED ")]
    summary = failed[0] if failed else (output[-1] if output else "")
    return code, time.perf_counter() - start, summary


def fresh_pytest(project: Path, tests: list[str]) -> tuple[int, str]:
    # No bytecode cache: a mutant and its restored original can share a size
    # and an mtime second, and a cached .pyc would then outlive the mutant.
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run(
        [*PYTEST, *tests],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env=env,
    )
    return result.returncode, result.stdout + result.stderr


def preload() -> None:
    """Import the heavy stack (torch, ML-Agents, pytest) once, in this process.

    Each test run is then a fork of this process: it starts with them loaded,
    in a fraction of a second instead of seconds, and imports the project's own
    package afresh, mutant included (this process never imports it).
    """
    with warnings.catch_warnings():  # the runs show their own warnings
        warnings.simplefilter("ignore")
        import mlagents.trainers.trainer  # noqa: F401
        import pytest  # noqa: F401


def forked_pytest(project: Path, tests: list[str]) -> tuple[int, str]:
    with tempfile.TemporaryFile("w+") as log:
        pid = os.fork()
        if pid == 0:  # the child: pytest on the code as it is now, then exit
            code = 3
            try:
                import pytest

                signal.alarm(TIMEOUT)  # a run that hangs is killed
                sys.dont_write_bytecode = True  # as in fresh_pytest
                os.chdir(project)
                os.dup2(log.fileno(), 1)
                os.dup2(log.fileno(), 2)
                code = int(pytest.main([*PYTEST[3:], *tests]))
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        log.seek(0)
        return os.waitstatus_to_exitcode(status), log.read()


def check(project: Path, mutants: list[Mutant]) -> int:
    src = package_dir(project)
    for mutant in mutants:  # every mutant must fit the code before any runs
        count = (src / mutant.file).read_text(encoding="utf-8").count(mutant.find)
        if count != 1:
            raise ListError(
                f"mutant {mutant.name}: its text occurs {count} times in "
                f"{mutant.file} (it must occur once)"
            )
    all_tests = sorted({t for m in mutants for t in m.tests})
    if hasattr(os, "fork"):
        preload()
    code, seconds, last = run_tests(project, all_tests)
    print(f"unmutated: {' '.join(all_tests)}: {last} ({seconds:.1f} s)")
    if code != 0:
        print("the tests fail without any mutant: fix them first")
        return 1

    failures = 0
    killed = 0
    for mutant in mutants:
        path = src / mutant.file
        original = path.read_text(encoding="utf-8")
        try:
            path.write_text(original.replace(mutant.find, mutant.replace))
            code, seconds, last = run_tests(project, mutant.tests)
        finally:
            path.write_text(original)
        if code == 1:
            killed += 1
            verdict = f"killed by {last.removeprefix('FAILED ')}"
            if mutant.tier == "battery":
                verdict += " (listed as battery-only: make it fast)"
                failures += 1
        elif code == 0:
            verdict = "SURVIVED"
            if mutant.tier == "battery":
                verdict = f"survived, battery-only: {mutant.reason}"
            else:
                failures += 1
        else:  # pytest could not run the tests: the mutant breaks more than maths
            verdict = f"ERROR (pytest exit {code}: {last})"
            failures += 1
        print(f"{mutant.name:<36} {mutant.tier:<8} {verdict} ({seconds:.1f} s)")
    print(f"killed {killed}/{len(mutants)} by the fast tests")
    return 1 if failures else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", type=Path, help="a generated project, installed")
    parser.add_argument(
        "--list",
        type=Path,
        help="the mutant list (default: <project>/tests/mutants.toml)",
    )
    parser.add_argument(
        "--only",
        nargs="+",
        metavar="NAME",
        help="run only the mutants named here (default: all of them)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    project = args.project.resolve()
    try:
        mutants = load(args.list or project / "tests" / "mutants.toml")
        if args.only:
            unknown = set(args.only) - {m.name for m in mutants}
            if unknown:
                raise ListError(f"no mutant named {sorted(unknown)}")
            mutants = [m for m in mutants if m.name in args.only]
        return check(project, mutants)
    except ListError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
