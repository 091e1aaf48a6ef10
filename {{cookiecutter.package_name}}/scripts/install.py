"""Install this project and the ML-Agents 1.1.0 stack that works on this Python.

Run it with the Python you will train with, in a virtual environment::

    python scripts/install.py                 # CPU torch
    python scripts/install.py --torch-index https://download.pytorch.org/whl/cu128

The running interpreter picks the path:

* Python 3.10.1 to 3.10.12: mlagents 1.1.0 with its own pins, then this project.
* Python 3.11, 3.12, 3.13: the stack in ``requirements/mlagents-py3XX.txt``
  (and, where one exists, ``mlagents-py3XX-no-deps.txt`` without its declared
  dependencies); on 3.12 and 3.13 a build of mlagents 1.1.0 with the fixes that
  Python needs (``scripts/build_mlagents.py``); mlagents and mlagents-envs
  without their declared dependencies (they declare Python 3.10.1 to 3.10.12);
  then this project, with the stack file as constraints.
* any other Python: one line saying which versions work; nothing is installed.

torch comes from ``--torch-index`` (PyTorch's CPU index unless told otherwise):
a bare ``pip install torch`` on Linux gets the multi-GB CUDA build. Where that
index cannot be reached, one line says so and pip's configured indexes are used.
Change the stacks in ``requirements/``; this script only runs pip and the build.
"""

from __future__ import annotations  # the version check must run on old Pythons too

import argparse
import importlib
import re
import shlex
import subprocess
import sys
import urllib.request
from collections.abc import Sequence
from pathlib import Path

import build_mlagents

ROOT = Path(__file__).resolve().parents[1]
REQUIREMENTS = ROOT / "requirements"
MLAGENTS = ["mlagents==1.1.0", "mlagents-envs==1.1.0"]
CPU_INDEX = "https://download.pytorch.org/whl/cpu"
NEWEST = (3, 13)
WORKING = "3.10.1 to 3.10.12, 3.11, 3.12 and 3.13"
SHOWN = ["mlagents", "mlagents-envs", "torch", "numpy", "protobuf", "onnx"]


def unsupported(version: Sequence[int]) -> str | None:
    """Why the stack cannot be installed on Python ``version``; None if it can."""
    major_minor, release = tuple(version[:2]), tuple(version[:3])
    text = ".".join(map(str, release))
    if (3, 11) <= major_minor <= NEWEST or (3, 10, 1) <= release <= (3, 10, 12):
        return None
    if major_minor == (3, 10):
        why = "mlagents 1.1.0 declares Python 3.10.1 to 3.10.12"
    elif major_minor > NEWEST:
        why = "not tried yet: its oldest numpy and onnx wheels are 2.3 and 1.20"
    else:
        why = "mlagents 1.1.0 needs Python 3.10.1 or newer"
    return f"Python {text} is not supported ({why}); use Python {WORKING}."


def stack(version: Sequence[int]) -> Path:
    """The requirements file of the stack for Python ``version`` (3.11 and newer)."""
    return REQUIREMENTS / f"mlagents-py{version[0]}{version[1]}.txt"


def no_deps_stack(version: Sequence[int]) -> Path | None:
    """Pins installed without their declared dependencies on ``version``, if any."""
    path = REQUIREMENTS / f"mlagents-py{version[0]}{version[1]}-no-deps.txt"
    return path if path.exists() else None


def commands(
    version: Sequence[int],
    torch_index: str,
    stack_only: bool,
    build_dir: Path = build_mlagents.BUILD_DIR,
) -> list[list[str]]:
    """The commands that install the stack (and this project) on ``version``;
    a patched mlagents is built into ``build_dir``."""
    pip = [sys.executable, "-m", "pip", "install"]
    index = ["--extra-index-url", torch_index] if torch_index else []
    project = [*pip, "-e", f"{ROOT}[test,dev]"]
    if tuple(version[:2]) == (3, 10):
        steps = [[*pip, *index, MLAGENTS[0]]]
        return steps if stack_only else [*steps, project]
    constraints = ["-c", str(stack(version))]
    steps = [[*pip, *index, "-r", str(stack(version))]]
    no_deps = no_deps_stack(version)
    if no_deps is not None:
        steps.append([*pip, "--no-deps", *constraints, "-r", str(no_deps)])
        constraints += ["-c", str(no_deps)]
    mlagents = MLAGENTS
    if build_mlagents.fixes_for(version):
        wheel = build_dir / build_mlagents.wheel_name(version)
        steps.append(
            [
                sys.executable,
                str(Path(build_mlagents.__file__).resolve()),
                "--dest",
                str(wheel.parent),
            ]
        )
        mlagents = [str(wheel), MLAGENTS[1]]
    steps.append([*pip, "--no-deps", "--ignore-requires-python", *mlagents])
    if not stack_only:
        steps.append([*project[:-2], *constraints, *project[-2:]])
    return steps


def reachable(url: str, timeout: float = 5.0) -> bool:
    try:
        urllib.request.urlopen(url.rstrip("/") + "/", timeout=timeout).close()
    except (OSError, ValueError):
        return False
    return True


def summary(version: Sequence[int], stack_only: bool) -> list[str]:
    """What was installed, and what to run next."""
    from importlib import metadata  # Python 3.8+: after the version check

    importlib.invalidate_caches()
    found = []
    for name in SHOWN:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name} (not installed)")
    lines = [f"==> Installed on Python {'.'.join(map(str, version[:3]))}: "]
    lines[0] += ", ".join(found)
    fixes = build_mlagents.fixes_for(version)
    if fixes:
        lines.append(
            "    mlagents is a build of 1.1.0 with these fixes: "
            f"{', '.join(fix.name for fix in fixes)} (see "
            "`python scripts/build_mlagents.py --list` and the FAQ)"
        )
    if stack_only:
        return lines
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    match = re.search(r'^name = "([^"]+)"', pyproject, re.MULTILINE)
    name = match.group(1) if match else "this project"
    lines[0] += f", {name} {metadata.version(name) if match else ''}".rstrip()
    configs = sorted((ROOT / "config").glob("*.yaml"))
    config = configs[0].relative_to(ROOT) if configs else "<config.yaml>"
    train = f"{name}-train" if f"{name}-train =" in pyproject else "mlagents-learn"
    lines += [
        "==> Next: pytest -m 'not slow'        # the fast tests",
        f"          {train} {config} --run-id first   # train (see the README)",
    ]
    return lines


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--torch-index",
        default=CPU_INDEX,
        help="the index torch comes from (default: %(default)s; for CUDA e.g. "
        "https://download.pytorch.org/whl/cu128; '' for pip's own indexes)",
    )
    parser.add_argument(
        "--stack-only",
        action="store_true",
        help="install the ML-Agents stack but not this project",
    )
    parser.add_argument(
        "--build-dir",
        type=Path,
        default=build_mlagents.BUILD_DIR,
        help="where a patched mlagents wheel is built (default: %(default)s)",
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="print the commands, run nothing (the index is not probed)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    version = tuple(sys.version_info[:3])
    problem = unsupported(version)
    if problem is not None:
        print(f"ERROR: {problem}", file=sys.stderr)
        return 1
    torch_index = args.torch_index
    if torch_index and not args.dry_run and not reachable(torch_index):
        print(
            f"==> {torch_index} cannot be reached from here: torch comes from "
            "pip's configured indexes (on Linux, PyPI's torch is the CUDA build)",
            flush=True,
        )
        torch_index = ""
    for command in commands(
        version, torch_index, args.stack_only, args.build_dir.resolve()
    ):
        print(f"==> {shlex.join(command)}", flush=True)
        if not args.dry_run and subprocess.run(command).returncode != 0:
            print(f"ERROR: this step failed: {shlex.join(command)}", file=sys.stderr)
            return 1
    if not args.dry_run:
        print("\n".join(summary(version, args.stack_only)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
