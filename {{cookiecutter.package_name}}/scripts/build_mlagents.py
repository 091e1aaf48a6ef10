"""Build mlagents 1.1.0 with the fixes the running Python needs, from the released wheel.

``python scripts/install.py`` runs this on Python 3.12 and 3.13; run it by hand to
see or rebuild the wheel::

    python scripts/build_mlagents.py            # for the running Python
    python scripts/build_mlagents.py --list     # every fix, and the Pythons that get it

It downloads the released ``mlagents-1.1.0-py3-none-any.whl`` with pip (its
SHA-256 is checked), unpacks it with the ``wheel`` tool, replaces exact text in a
few files (each replacement must find its text exactly once, or the build stops),
and packs it again with a local version label, ``1.1.0+tt.py312.1`` say, so
``pip list`` and ``pip show mlagents`` say which build is installed. The wheel lands
in ``build/mlagents/``. Nothing installed is edited. To change what is fixed, edit
``FIXES`` (and raise ``REVISION``); the FAQ lists each fix and why.
"""

from __future__ import annotations  # runs on any Python that install.py checks

import argparse
import hashlib
import re
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

RELEASE = "mlagents==1.1.0"
RELEASED_WHEEL = "mlagents-1.1.0-py3-none-any.whl"
RELEASED_SHA256 = "0671e40fb4e4da8740d18bbce47d5a5ef1c58a0db9d109846fbe3d98d712b4f4"
REVISION = 1  # raise it whenever FIXES changes, so a new build replaces an old one
BUILD_DIR = Path(__file__).resolve().parents[1] / "build" / "mlagents"


@dataclass(frozen=True)
class Edit:
    """Replace ``old`` (which must occur exactly once) with ``new`` in ``path``."""

    path: str
    old: str
    new: str


@dataclass(frozen=True)
class Fix:
    """One problem of stock mlagents 1.1.0, the Pythons whose stack has it, the edits."""

    name: str
    why: str
    pythons: tuple[tuple[int, int], ...]
    edits: tuple[Edit, ...]


FIXES = (
    Fix(
        name="np-float",
        why="numpy 1.24 removed np.float; buffer.py names it in a default "
        "argument's annotation, so importing mlagents.trainers fails",
        pythons=((3, 12), (3, 13)),
        edits=(
            Edit(
                "mlagents/trainers/buffer.py",
                "pad_value: np.float = 0",
                "pad_value: float = 0",
            ),
        ),
    ),
    Fix(
        name="np-long",
        why="numpy 1.24 to 1.26 have no np.long (numpy 2 has it again); "
        "discrete actions are batched with it",
        pythons=((3, 12),),
        edits=(
            Edit(
                "mlagents/trainers/torch_entities/agent_action.py",
                "padded_to_batch(dtype=np.long)",
                "padded_to_batch(dtype=np.int64)",
            ),
        ),
    ),
    Fix(
        name="entry-points",
        why="Python 3.12 removed the dict interface of importlib.metadata."
        "entry_points(); plugin discovery tests membership with it and "
        "mlagents-learn crashes ('str' object has no attribute '_key')",
        pythons=((3, 12), (3, 13)),
        edits=tuple(
            Edit(f"mlagents/plugins/{module}.py", old, new)
            for module, group in (
                ("trainer_type", "ML_AGENTS_TRAINER_TYPE"),
                ("stats_writer", "ML_AGENTS_STATS_WRITER"),
            )
            for old, new in (
                (
                    f"if {group} not in importlib_metadata.entry_points():",
                    f"if not importlib_metadata.entry_points(group={group}):",
                ),
                (
                    f"entry_points = importlib_metadata.entry_points()[{group}]",
                    f"entry_points = importlib_metadata.entry_points(group={group})",
                ),
            )
        ),
    ),
    Fix(
        name="json-float",
        why="with numpy 2, the mean reward of a checkpoint is a numpy.float32, "
        "which json cannot write: training crashes when it ends",
        pythons=((3, 13),),
        edits=(
            Edit(
                "mlagents/trainers/trainer/rl_trainer.py",
                "return sum(rewards) / len(rewards)",
                "return float(sum(rewards) / len(rewards))",
            ),
        ),
    ),
)


def fixes_for(version: Sequence[int]) -> list[Fix]:
    """The fixes Python ``version`` needs (none: the released wheel is used)."""
    return [fix for fix in FIXES if tuple(version[:2]) in fix.pythons]


def local_version(version: Sequence[int]) -> str:
    """The local version label of the build for Python ``version``."""
    return f"tt.py{version[0]}{version[1]}.{REVISION}"


def wheel_name(version: Sequence[int]) -> str:
    return f"mlagents-1.1.0+{local_version(version)}-py3-none-any.whl"


def apply(fixes: Sequence[Fix], tree: Path) -> None:
    """Make every edit of ``fixes`` under ``tree``; stop if any text is not found once."""
    for fix in fixes:
        for edit in fix.edits:
            path = tree / edit.path
            text = path.read_text(encoding="utf-8")
            found = text.count(edit.old)
            if found != 1:
                raise SystemExit(
                    f"ERROR: fix {fix.name}: {edit.path} holds {edit.old!r} "
                    f"{found} times, not once; this is not the mlagents 1.1.0 it "
                    "was written for."
                )
            path.write_text(text.replace(edit.old, edit.new), encoding="utf-8")


def run(command: list[str]) -> None:
    print(f"==> {shlex.join(command)}", flush=True)
    if subprocess.run(command).returncode != 0:
        raise SystemExit(f"ERROR: this step failed: {shlex.join(command)}")


def build(version: Sequence[int], dest: Path) -> Path:
    """Build the wheel for Python ``version`` into ``dest``; return its path."""
    fixes = fixes_for(version)
    if not fixes:
        raise SystemExit(
            f"ERROR: Python {version[0]}.{version[1]} needs no fixes: install the "
            "released mlagents 1.1.0."
        )
    python = [sys.executable, "-m"]
    with tempfile.TemporaryDirectory() as work:
        released = Path(work) / RELEASED_WHEEL
        run(
            [
                *python,
                "pip",
                "download",
                "--no-deps",
                "--ignore-requires-python",
                "--only-binary",
                ":all:",
                "--dest",
                work,
                RELEASE,
            ]
        )
        digest = hashlib.sha256(released.read_bytes()).hexdigest()
        if digest != RELEASED_SHA256:
            raise SystemExit(
                f"ERROR: {RELEASED_WHEEL} has SHA-256 {digest}, not the released "
                f"file's {RELEASED_SHA256}."
            )
        run([*python, "wheel", "unpack", "--dest", work, str(released)])
        apply(fixes, Path(work) / "mlagents-1.1.0")
        print(f"==> applied {', '.join(fix.name for fix in fixes)}", flush=True)
        dest.mkdir(parents=True, exist_ok=True)
        run(
            [
                *python,
                "wheel",
                "pack",
                "--local-version",
                local_version(version),
                "--dest-dir",
                str(dest),
                str(Path(work) / "mlagents-1.1.0"),
            ]
        )
    return dest / wheel_name(version)


def describe() -> str:
    lines = []
    for fix in FIXES:
        pythons = ", ".join(f"{major}.{minor}" for major, minor in fix.pythons)
        lines.append(f"{fix.name} (Python {pythons}): {fix.why}")
        lines += [
            f"    {edit.path}: {edit.old!r} -> {edit.new!r}" for edit in fix.edits
        ]
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--python",
        default=f"{sys.version_info[0]}.{sys.version_info[1]}",
        help="build for this Python, MAJOR.MINOR (default: %(default)s, the running one)",
    )
    parser.add_argument(
        "--dest",
        type=Path,
        default=BUILD_DIR,
        help="the folder the wheel is written to (default: %(default)s)",
    )
    parser.add_argument("--list", action="store_true", help="print every fix and exit")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.list:
        print(describe())
        return 0
    if not re.fullmatch(r"3\.\d+", args.python):
        parser.error(f"--python takes MAJOR.MINOR, such as 3.12, not {args.python!r}")
    version = tuple(int(part) for part in args.python.split("."))
    wheel = build(version, args.dest)
    print(f"==> built {wheel}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
