"""Install this project and the ML-Agents 1.1.0 stack that works on this Python.

Run it with the Python you will train with, in a virtual environment::

    python scripts/install.py                 # CPU torch
    python scripts/install.py --torch-index https://download.pytorch.org/whl/cu128

The running interpreter picks the path:

* Python 3.10.1 to 3.10.12: mlagents 1.1.0 with its own pins, then this project.
* Python 3.11: the stack in ``requirements/mlagents-py311.txt``, then mlagents
  without its declared dependencies (it declares Python 3.10.1 to 3.10.12), then
  this project.
* any other Python: one line saying what works; nothing is installed.

torch comes from ``--torch-index`` (PyTorch's CPU index unless told otherwise):
a bare ``pip install torch`` on Linux gets the multi-GB CUDA build. Change the
stack in ``requirements/mlagents-py311.txt``; this script only runs pip.
"""

from __future__ import annotations  # the version check must run on old Pythons too

import argparse
import shlex
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STACK = ROOT / "requirements" / "mlagents-py311.txt"
MLAGENTS = ["mlagents==1.1.0", "mlagents-envs==1.1.0"]
CPU_INDEX = "https://download.pytorch.org/whl/cpu"


def unsupported(version: Sequence[int]) -> str | None:
    """Why the stack cannot be installed on Python ``version``; None if it can."""
    major_minor, text = tuple(version[:2]), ".".join(map(str, version[:3]))
    if major_minor == (3, 11) or (3, 10, 1) <= tuple(version[:3]) <= (3, 10, 12):
        return None
    if major_minor == (3, 10) and version[2] > 12:
        return (
            f"Python {text} is not supported: mlagents 1.1.0 declares Python 3.10.1 "
            "to 3.10.12 and the stack that ignores this is verified on 3.11 only; "
            "use Python 3.11 (or 3.10.12)."
        )
    if major_minor >= (3, 12):
        return (
            f"Python {text} is not supported: numpy 1.23 (mlagents' pin) has no "
            "wheels for it and mlagents' plugin discovery uses an entry_points() "
            "API that Python 3.12 removed; use Python 3.11."
        )
    return f"Python {text} is not supported: mlagents 1.1.0 needs Python 3.10.1 or newer; use Python 3.11."


def commands(
    version: Sequence[int], torch_index: str, stack_only: bool
) -> list[list[str]]:
    """The pip commands that install the stack (and this project) on ``version``."""
    pip = [sys.executable, "-m", "pip", "install"]
    index = ["--extra-index-url", torch_index] if torch_index else []
    if tuple(version[:2]) == (3, 10):
        steps = [[*pip, *index, MLAGENTS[0]]]
    else:
        steps = [
            [*pip, *index, "-r", str(STACK)],
            [*pip, "--no-deps", "--ignore-requires-python", *MLAGENTS],
        ]
    if not stack_only:
        steps.append([*pip, "-e", f"{ROOT}[test,dev]"])
    return steps


def main(argv: Sequence[str] | None = None) -> int:
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
        "--dry-run", action="store_true", help="print the pip commands, run nothing"
    )
    args = parser.parse_args(argv)
    problem = unsupported(sys.version_info)
    if problem is not None:
        print(f"ERROR: {problem}", file=sys.stderr)
        return 1
    for command in commands(sys.version_info, args.torch_index, args.stack_only):
        print(f"==> {shlex.join(command)}", flush=True)
        if not args.dry_run and subprocess.run(command).returncode != 0:
            print(f"ERROR: this step failed: {shlex.join(command)}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
