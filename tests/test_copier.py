"""Copier serves the same template tree as cookiecutter: copier.yml asks the same
questions with the same defaults and checks, copier renders the same files, and
``copier update`` keeps projects current (turning the tooling on later included)."""

import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml
from cookiecutter.main import cookiecutter

from .conftest import BIN, TEMPLATE_ROOT, project_files, run
from .test_updates import GIT, commit, template_repo

COPIER_YML = yaml.safe_load((TEMPLATE_ROOT / "copier.yml").read_text())
COOKIECUTTER_JSON = json.loads((TEMPLATE_ROOT / "cookiecutter.json").read_text())
# Files only one tool writes: its record of the answers.
OWN_RECORD = {".copier-answers.yml", ".cookiecutter-replay.json"}


def test_copier_yml_and_cookiecutter_json_agree() -> None:
    """Same questions in the same order, same defaults (derived ones as the same
    expression), same choices and labels, the same private values."""
    prompts = COOKIECUTTER_JSON["__prompts__"]
    asked = [key for key in COOKIECUTTER_JSON if not key.startswith("_")]
    questions = [
        key
        for key, spec in COPIER_YML.items()
        if not key.startswith("_") and spec.get("when") is not False
    ]
    assert questions == asked
    for key in asked:
        ours, theirs = COOKIECUTTER_JSON[key], COPIER_YML[key]
        if isinstance(ours, list):
            labels = {prompts[key][value]: value for value in ours}
            assert theirs["choices"] == labels, key
            assert theirs["default"] == ours[0], key
            assert theirs["help"] == prompts[key]["__prompt__"], key
        else:
            assert theirs["help"] == prompts[key], key
            assert theirs["type"] == ("bool" if isinstance(ours, bool) else "str"), key
            assert theirs["default"] == (
                ours.replace("cookiecutter.", "") if isinstance(ours, str) else ours
            ), key
    # The values the template reads as cookiecutter.<name>: every answer, and the
    # private values cookiecutter.json derives (its check filter aside).
    computed = COPIER_YML["cookiecutter"]["default"]
    keys = re.findall(r'^\s+"(\w+)":', computed, re.MULTILINE)
    private = [
        k for k in COOKIECUTTER_JSON if k.startswith("__") and k != "__prompts__"
    ]
    assert keys == asked + [k for k in private if k != "__answers_checked"]
    url = COOKIECUTTER_JSON["__template_url"]
    assert f'"__template_url": "{url}",' in computed


def copier(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return run([str(BIN / "copier"), *args], cwd=cwd)


def data(answers: dict) -> list:
    return [
        arg
        for key, value in answers.items()
        for arg in (
            "--data",
            f"{key}={json.dumps(value) if isinstance(value, bool) else value}",
        )
    ]


@pytest.mark.parametrize(
    "answers",
    [
        {},
        {
            "project_name": 'Zoë\'s "Grid" Trainer',
            "package_name": "grid_trainer",
            "trainer_class_name": "GridTrainer",
            "algorithm": "off-policy",
            "include_tooling": False,
            "license": "Proprietary",
            "author_name": 'O\'Connor \\ "Q"',
            "short_description": "Tabs\tand  spaces, a trailing backslash \\",
        },
    ],
    ids=["defaults", "hostile-off-policy-bare"],
)
def test_copier_copy_renders_what_cookiecutter_renders(
    tmp_path: Path, answers: dict
) -> None:
    template = template_repo(tmp_path)
    copied = tmp_path / "copied"
    copier(
        "copy",
        "--trust",
        "--defaults",
        *data(answers),
        str(template),
        str(copied),
        cwd=tmp_path,
    )
    baked = Path(
        cookiecutter(
            str(template),
            no_input=True,
            extra_context=answers,
            output_dir=str(tmp_path / "baked"),
        )
    )
    names = set(project_files(baked)) - OWN_RECORD
    assert set(project_files(copied)) - OWN_RECORD == names
    differ = [
        name
        for name in sorted(names)
        if (copied / name).read_bytes() != (baked / name).read_bytes()
    ]
    # The README names the answers file and says how to update, which depend on
    # the tool (and nothing else does).
    assert differ == ["README.md"]

    def tool_free(readme: Path) -> list:
        text = readme.read_text(encoding="utf-8").split("## Updates from the template")
        return [
            line
            for line in text[0].splitlines()
            if not OWN_RECORD & set(line.split("`"))
        ]

    assert tool_free(copied / "README.md") == tool_free(baked / "README.md")
    recorded = yaml.safe_load((copied / ".copier-answers.yml").read_text())
    assert recorded["package_name"] == baked.name
    assert not any(key.startswith("__") or key == "cookiecutter" for key in recorded)
    log = run(["git", "log", "--format=%s"], cwd=copied).stdout.splitlines()
    assert len(log) == 1 and log[0].startswith("Initial commit:")


def test_a_rejected_answer_stops_copier_and_leaves_nothing(tmp_path: Path) -> None:
    template = template_repo(tmp_path)
    result = subprocess.run(
        [
            str(BIN / "copier"),
            "copy",
            "--trust",
            "--defaults",
            "--data",
            "package_name=mlagents",
            str(template),
            str(tmp_path / "bad"),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR")]
    assert errors == [
        "ERROR: package_name 'mlagents' would shadow the 'mlagents' module "
        "(installed by mlagents); choose a unique name such as 'mlagents_trainer'."
    ]
    assert not (tmp_path / "bad").exists()


def test_copier_update_turns_the_tooling_on_and_keeps_your_changes(
    tmp_path: Path,
) -> None:
    template = template_repo(tmp_path)
    run([*GIT, "tag", "v0.1.0"], cwd=template)
    project = tmp_path / "project"
    copier(
        "copy",
        "--trust",
        "--defaults",
        "--data",
        "include_tooling=false",
        str(template),
        str(project),
        cwd=tmp_path,
    )
    assert not (project / "src/my_trainer/simulator").exists()
    readme = (project / "README.md").read_text()
    command = "copier update --trust --defaults --data include_tooling=true"
    assert command in readme and "cruft update" not in readme

    # The user changes the trainer; the template gains a change elsewhere.
    trainer = project / "src/my_trainer/trainer.py"
    trainer.write_text(trainer.read_text() + "\n\n# My own note about this trainer.\n")
    commit(project, "user change")
    ignore = template / "{{cookiecutter.package_name}}" / ".gitignore"
    ignore.write_text(ignore.read_text() + "wandb/\n")
    commit(template, "template v2: ignore wandb/")
    run([*GIT, "tag", "v0.2.0"], cwd=template)

    result = copier(*command.split()[1:], cwd=project)
    print(result.stdout + result.stderr)  # the closing note quotes it
    assert (project / "src/my_trainer/simulator/train.py").exists()
    assert (project / "tests/simulator/test_ball3d.py").exists()
    assert "my-trainer-train" in (project / "pyproject.toml").read_text()
    assert "# My own note about this trainer." in trainer.read_text()
    assert "wandb/" in (project / ".gitignore").read_text()
    assert not (project / "_tooling").exists() and not (project / "_flavours").exists()
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["include_tooling"] is True and answers["_commit"] == "v0.2.0"
    status = run(["git", "status", "--porcelain"], cwd=project).stdout
    assert ".rej" not in status and "<<<<<<<" not in trainer.read_text()
    run([str(BIN / "black"), "--check", "-q", "."], cwd=project)
    run([str(BIN / "ruff"), "check", "--no-cache", "-q", "."], cwd=project)
