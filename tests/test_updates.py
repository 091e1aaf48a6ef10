"""Generated projects can be updated from newer template versions with cruft."""

import json
import shutil
import subprocess
from pathlib import Path

from cookiecutter.main import cookiecutter

from .conftest import BIN, TEMPLATE_ROOT, project_files, run

GIT = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com"]


def template_repo(tmp_path: Path) -> Path:
    """A git repository holding this template's files, at one commit."""
    repo = tmp_path / "template"
    files = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=TEMPLATE_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    for name in files:
        if (TEMPLATE_ROOT / name).is_file():
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(TEMPLATE_ROOT / name, repo / name)
    run([*GIT, "init", "-q", "-b", "main"], cwd=repo)
    commit(repo, "template v1")
    return repo


def commit(repo: Path, message: str) -> str:
    run([*GIT, "add", "-A"], cwd=repo)
    run([*GIT, "commit", "-q", "-m", message], cwd=repo)
    return run(["git", "rev-parse", "HEAD"], cwd=repo).stdout.strip()


def cruft_create(template: Path, out: Path, *extra: str) -> Path:
    run(
        [
            str(BIN / "cruft"),
            "create",
            str(template),
            "--no-input",
            "--output-dir",
            str(out),
            *extra,
        ],
        cwd=out.parent,
    )
    project = out / "my_trainer"
    run([*GIT, "init", "-q", "-b", "main"], cwd=project)
    commit(project, "generated")
    return project


def test_cruft_create_matches_cookiecutter_and_check_passes(tmp_path: Path) -> None:
    template = template_repo(tmp_path)
    (tmp_path / "out").mkdir()
    project = cruft_create(template, tmp_path / "out")
    record = json.loads((project / ".cruft.json").read_text())
    assert record["context"]["cookiecutter"]["trainer_type"] == "my_trainer"
    assert (project / "src/my_trainer/trainer.py").exists()
    assert not (project / "_flavours").exists()
    result = run([str(BIN / "cruft"), "check"], cwd=project)
    assert "SUCCESS" in result.stdout
    # cruft renders exactly what cookiecutter renders.
    plain = Path(
        cookiecutter(str(template), no_input=True, output_dir=str(tmp_path / "plain"))
    )
    # The README names cruft's record and says how cruft updates; nothing else differs.
    for name in project_files(plain):
        if name != "README.md":
            assert (project / name).read_bytes() == (plain / name).read_bytes(), name
    assert set(project_files(project)) - {".cruft.json"} == set(project_files(plain))
    readme = (project / "README.md").read_text(encoding="utf-8")
    plain_readme = (plain / "README.md").read_text(encoding="utf-8")
    assert "`.cruft.json`" in readme and "`.cruft.json`" not in plain_readme
    head, _, updates = readme.partition("## Updates from the template")
    assert "cruft update --variables-to-update" in updates
    assert "copier update" not in updates
    assert "cookiecutter, which does not update projects" in plain_readme
    plain_head = plain_readme.partition("## Updates from the template")[0]
    differing = set(head.splitlines()) ^ set(plain_head.splitlines())
    assert all(
        any(word in line for word in ("`.cruft.json`", "git", "commit", "was made"))
        for line in differing
    ), differing
    # Under cruft the hook makes no repository (cruft update compares renders
    # file by file); the README says to commit by hand.
    assert "cruft leaves that to you" in readme
    assert len(run(["git", "log", "--oneline"], cwd=project).stdout.splitlines()) == 1


def test_cruft_update_applies_template_changes_and_keeps_user_changes(
    tmp_path: Path,
) -> None:
    template = template_repo(tmp_path)
    (tmp_path / "out").mkdir()
    project = cruft_create(template, tmp_path / "out")

    # The user edits their project.
    trainer = project / "src/my_trainer/trainer.py"
    trainer.write_text(trainer.read_text() + "\n# My own note about this trainer.\n")
    commit(project, "user change")

    # The template gains a change in another file.
    ignore = template / "{{cookiecutter.package_name}}" / ".gitignore"
    ignore.write_text(ignore.read_text() + "wandb/\n")
    new_commit = commit(template, "template v2: ignore wandb/")

    result = subprocess.run(
        [str(BIN / "cruft"), "check"], cwd=project, capture_output=True, text=True
    )
    assert result.returncode != 0  # out of date now
    run([str(BIN / "cruft"), "update", "-y"], cwd=project)

    assert "wandb/" in (project / ".gitignore").read_text()
    assert "# My own note about this trainer." in trainer.read_text()
    assert json.loads((project / ".cruft.json").read_text())["commit"] == new_commit
    run([*GIT, "add", "-A"], cwd=project)
    assert "SUCCESS" in run([str(BIN / "cruft"), "check"], cwd=project).stdout


def test_the_tooling_can_be_added_back_as_the_readme_says(tmp_path: Path) -> None:
    template = template_repo(tmp_path)
    (tmp_path / "out").mkdir()
    project = cruft_create(
        template, tmp_path / "out", "--extra-context", '{"include_tooling": false}'
    )
    assert not (project / "src/my_trainer/simulator").exists()
    trainer = project / "src/my_trainer/trainer.py"
    trainer.write_text(trainer.read_text() + "\n# My own note about this trainer.\n")
    commit(project, "user change")
    command = "cruft update --variables-to-update '{\"include_tooling\": true}'"
    assert command in (project / "README.md").read_text()
    run(
        [
            str(BIN / "cruft"),
            "update",
            "-y",
            "--variables-to-update",
            '{"include_tooling": true}',
        ],
        cwd=project,
    )
    assert (project / "src/my_trainer/simulator/train.py").exists()
    assert (project / "tests/simulator/test_ball3d.py").exists()
    assert "my-trainer-train" in (project / "pyproject.toml").read_text()
    assert "# My own note about this trainer." in trainer.read_text()
