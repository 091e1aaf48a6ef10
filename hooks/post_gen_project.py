"""Finish the generated project: keep the chosen flavour and tooling, record the
answers, format the code, make the first git commit, print next steps.

Both flavours live under ``_flavours/<flavour>/`` in the template, each a tree
that mirrors the project (``src/<package>/trainer.py``, ``config/...``,
``tests/...``). The optional tooling (the simulator, the train command and the
stand-in player, with their tests) is another such tree, ``_tooling/``. A
chosen tree is laid over the project, file by file, and the rest is deleted,
so a flavour or the tooling can add a file without touching this hook.
Cookiecutter cannot drop a directory conditionally, hence this hook.

Names of any length go into the code, so black and ruff (where cookiecutter runs)
format the project once it is complete; the project is then a git repository with
one commit, so ``pre-commit run --all-files`` works straight away. Copier runs
this hook as a task (copier.yml; see ``main``).
"""

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

ANSWERS = json.loads(r"""
{{ cookiecutter | tojson }}
""".strip())

FLAVOUR_DIRS = {
    "on-policy": "on_policy",
    "off-policy": "off_policy",
    "cooperative": "cooperative",
}
ANSWERS_FILE = ".cookiecutter-replay.json"


def record_answers(root: Path, answers: dict) -> None:
    """Save the answers as a cookiecutter replay file (``--replay-file``).

    Keys cookiecutter adds itself (``_template``, ``_output_dir``, ``_repo_dir``,
    ...) are left out: they hold paths of the machine that rendered the project.
    """
    kept = {
        key: value
        for key, value in answers.items()
        if not key.startswith("_") or key.startswith("__")
    }
    text = json.dumps({"cookiecutter": kept}, indent=2, sort_keys=True)
    (root / ANSWERS_FILE).write_text(text + "\n", encoding="utf-8")


def lay_over(root: Path, tree: Path, overwrite: bool = False) -> None:
    """Move every file of ``tree`` to the same path in the project (over an
    older copy of it only when ``overwrite``: a copier update)."""
    for source in sorted(p for p in tree.rglob("*") if p.is_file()):
        target = root / source.relative_to(tree)
        if target.exists() and not overwrite:
            raise FileExistsError(f"{source} would overwrite a shared file {target}")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(source), str(target))


def keep_flavour(root: Path, answers: dict, overwrite: bool = False) -> None:
    """Lay the chosen flavour's tree over the project; drop the other flavours."""
    lay_over(root, root / "_flavours" / FLAVOUR_DIRS[answers["algorithm"]], overwrite)
    shutil.rmtree(root / "_flavours")


def keep_tooling(root: Path, answers: dict, overwrite: bool = False) -> None:
    """Lay the tooling tree over the project if it was asked for; drop it otherwise."""
    if answers["include_tooling"]:
        lay_over(root, root / "_tooling", overwrite)
    shutil.rmtree(root / "_tooling")


def format_code(root: Path) -> str | None:
    """Run ruff's fixes and black over the project (its own settings); a one-line
    note instead when they are not installed next to cookiecutter."""
    if not all(importlib.util.find_spec(tool) for tool in ("ruff", "black")):
        return (
            "Note: black and ruff are not installed where cookiecutter runs, so the "
            "code is unformatted for these name lengths; after the install, "
            "`pre-commit run --all-files` formats it."
        )
    for tool in (
        ["ruff", "check", "--fix-only", "--exit-zero", "--no-cache", "-q"],
        ["black", "-q"],
    ):
        subprocess.run([sys.executable, "-m", *tool, "."], cwd=root, check=True)
    return None


def git(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, check=False
    )


def first_commit(root: Path, answers: dict) -> str:
    """Make the project a git repository with one commit; say what happened.

    Not under cruft (``_commit`` in the answers): ``cruft update`` renders the
    template twice in scratch folders and compares them file by file, and a
    ``.git`` folder there breaks the comparison. cruft-made projects are committed
    by hand (their README says so).
    """
    if "_commit" in answers:
        return "cruft: commit the project yourself (git init, git add -A, git commit)."
    if shutil.which("git") is None:
        return (
            "git was not found: the project is not a git repository (run `git init`)."
        )
    for step in (["init", "-q"], ["add", "-A"]):
        if (result := git(root, *step)).returncode != 0:
            return f"git {step[0]} failed, so there is no first commit: {result.stderr}"
    # Your git identity if you have one, else the author's from the answers.
    who = []
    for key, answer in (("user.name", "author_name"), ("user.email", "author_email")):
        if git(root, "config", key).returncode != 0:
            who += ["-c", f"{key}={answers[answer]}"]
    message = f"Initial commit: {answers['project_name']} from trainer-template"
    commit = git(root, *who, "commit", "-q", "--no-verify", "-m", message)
    if commit.returncode != 0:
        return f"git commit failed, so commit by hand: {commit.stderr.strip()}"
    return "The project is a git repository with a first commit."


def next_steps(answers: dict, folder: str) -> str:
    dist, trainer_type = answers["distribution_name"], answers["trainer_type"]
    config = f"config/{trainer_type}_3DBall.yaml"
    if answers["include_tooling"]:
        simulator = f"""  # 3. Train on the bundled 3DBall simulator (no Unity needed)
  {dist}-train {config} --run-id sim --stop-at-reward 90
"""
    else:
        simulator = (
            "  # 3. (No simulator tooling: README.md says how to add it back.)\n"
        )
    return f"""
Created {answers['project_name']!r} ({answers['algorithm']} trainer '{trainer_type}').

Next steps:
  cd {folder}
  # 1. Install the ML-Agents stack for this Python, then the package (in a venv;
  #    --torch-index <url> for a CUDA torch, see README.md)
  python scripts/install.py
  # 2. Test
  pytest -m "not slow"
{simulator}  # 4. Train in Unity with your 3DBall build
  mlagents-learn {config} --run-id unity --env <path to your 3DBall build>
"""


def main(argv: list[str] | None = None) -> int:
    """Finish the project in the current directory.

    ``--copier copy`` or ``--copier update``: run as a copier task. Copier keeps
    its own answers file and does not expect a commit (on update the project is
    yours, mid-update), so no replay file is written, and a commit only on copy.
    """
    argv = sys.argv[1:] if argv is None else argv
    copier = argv[1] if argv[:1] == ["--copier"] else None
    root = Path.cwd()
    keep_flavour(root, ANSWERS, overwrite=copier == "update")
    keep_tooling(root, ANSWERS, overwrite=copier == "update")
    if copier is None:
        record_answers(root, ANSWERS)
    if ANSWERS["license"] == "Proprietary":
        (root / "LICENSE").unlink(missing_ok=True)
    notes = [format_code(root)]
    if copier in (None, "copy"):
        notes.append(first_commit(root, ANSWERS))
    if copier != "update":
        print(next_steps(ANSWERS, root.name))
    for note in notes:
        if note:
            print(note)
    return 0


if __name__ == "__main__":
    sys.exit(main())
