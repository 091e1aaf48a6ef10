"""Finish the generated project: keep the chosen flavour and tooling, record the answers, print next steps.

Both flavours live under ``_flavours/<flavour>/`` in the template, each a tree
that mirrors the project (``src/<package>/trainer.py``, ``config/...``,
``tests/...``). The optional tooling (the simulator, the train command and the
stand-in player, with their tests) is another such tree, ``_tooling/``. A
chosen tree is laid over the project, file by file, and the rest is deleted,
so a flavour or the tooling can add a file without touching this hook.
Cookiecutter cannot drop a directory conditionally, hence this hook.
"""

import json
import shutil
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


def lay_over(root: Path, tree: Path) -> None:
    """Move every file of ``tree`` to the same path in the project."""
    for source in sorted(p for p in tree.rglob("*") if p.is_file()):
        target = root / source.relative_to(tree)
        if target.exists():
            raise FileExistsError(f"{source} would overwrite a shared file {target}")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(source), str(target))


def keep_flavour(root: Path, answers: dict) -> None:
    """Lay the chosen flavour's tree over the project; drop the other flavours."""
    lay_over(root, root / "_flavours" / FLAVOUR_DIRS[answers["algorithm"]])
    shutil.rmtree(root / "_flavours")


def keep_tooling(root: Path, answers: dict) -> None:
    """Lay the tooling tree over the project if it was asked for; drop it otherwise."""
    if answers["include_tooling"]:
        lay_over(root, root / "_tooling")
    shutil.rmtree(root / "_tooling")


def next_steps(answers: dict) -> str:
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
  cd {answers['package_name']}
  # 1. Install the ML-Agents stack for this Python, then the package (in a venv;
  #    --torch-index <url> for a CUDA torch, see README.md)
  python scripts/install.py
  # 2. Test
  pytest -m "not slow"
{simulator}  # 4. Train in Unity with your 3DBall build
  mlagents-learn {config} --run-id unity --env <path to your 3DBall build>
"""


def main() -> int:
    root = Path.cwd()
    keep_flavour(root, ANSWERS)
    keep_tooling(root, ANSWERS)
    record_answers(root, ANSWERS)
    if ANSWERS["license"] == "Proprietary":
        (root / "LICENSE").unlink()
    print(next_steps(ANSWERS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
