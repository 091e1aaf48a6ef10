"""Answers are validated before anything is written, and hostile text stays text."""

import ast
import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from cookiecutter.exceptions import FailedHookException
from cookiecutter.main import cookiecutter

from .conftest import BIN, TEMPLATE_ROOT, run

REJECTED = [
    (
        {"package_name": "my-trainer"},
        "package_name 'my-trainer' is not a valid Python identifier",
    ),
    ({"package_name": "class"}, "package_name 'class' is a Python keyword"),
    ({"package_name": "mlagents"}, "would shadow the 'mlagents' module"),
    ({"package_name": "mlagents_envs"}, "would shadow the 'mlagents_envs' module"),
    ({"package_name": "torch"}, "would shadow the 'torch' module"),
    ({"package_name": "json"}, "would shadow the 'json' module"),
    ({"trainer_type": "ppo"}, "collides with ML-Agents' built-in trainer"),
    ({"trainer_type": "sac"}, "collides with ML-Agents' built-in trainer"),
    ({"trainer_type": "poca"}, "collides with ML-Agents' built-in trainer"),
    ({"trainer_type": "My-Type"}, "must be a plain lowercase name"),
    ({"trainer_type": "9lives"}, "must be a plain lowercase name"),
    ({"trainer_class_name": "My Trainer"}, "is not a valid Python class name"),
    ({"trainer_class_name": "1Trainer"}, "is not a valid Python class name"),
    ({"version": "one"}, "is not a PEP 440 version"),
    ({"version": "1.0-beta-final!"}, "is not a PEP 440 version"),
    ({"author_email": "not-an-email"}, "is not an email address"),
    ({"author_email": "a@b"}, "is not an email address"),
    ({"distribution_name": "-bad-"}, "is not a valid pip name"),
]


@pytest.mark.parametrize(
    "context, message", REJECTED, ids=[next(iter(c.values())) for c, _ in REJECTED]
)
def test_bad_answer_is_one_clear_error_and_nothing_is_written(
    cookies, capfd, context: dict, message: str
) -> None:
    result = cookies.bake(extra_context=context)
    assert result.exit_code != 0
    assert isinstance(result.exception, FailedHookException)
    lines = str(result.exception).splitlines() + capfd.readouterr().err.splitlines()
    # One mistake, one line (names derived from a bad one are not reported again).
    [error] = [line for line in lines if line]
    assert error.startswith("ERROR: ") and message in error, error
    assert "use" in error or "choose" in error, error
    assert result.project_path is None
    output_dir = Path(str(cookies._output_factory("check"))).parent
    assert [p for p in output_dir.rglob("*") if p.is_file()] == []


THREE_BAD = ["project_name=1st Trainer", "version=one", "author_email=not-an-email"]
THREE_LINES = [
    "ERROR: project_name '1st Trainer' gives package_name '1st_trainer', which is "
    "not a valid Python identifier; use lowercase letters, digits and underscores, "
    "e.g. 'my_trainer'.",
    "ERROR: version 'one' is not a PEP 440 version; use e.g. '0.1.0'.",
    "ERROR: author_email 'not-an-email' is not an email address; "
    "use e.g. 'you@example.com'.",
]


def test_the_command_line_shows_one_line_per_bad_answer_and_nothing_else(
    tmp_path: Path,
) -> None:
    """What a user sees: the lines, no log line, no traceback; exit 1, nothing written.
    (The project name spoils four derived names; it is one mistake, one line.)"""
    result = subprocess.run(
        [str(BIN / "cookiecutter"), str(TEMPLATE_ROOT), "--no-input", *THREE_BAD],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert (result.stdout + result.stderr).splitlines() == THREE_LINES
    assert list(tmp_path.iterdir()) == []


def test_answers_typed_at_the_prompts_are_checked_the_same_way(tmp_path: Path) -> None:
    typed = ["1st Trainer"] + [""] * 8 + ["one"] + [""] * 2
    result = subprocess.run(
        [str(BIN / "cookiecutter"), str(TEMPLATE_ROOT)],
        input="\n".join(typed) + "\n",
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    # The first line follows the last prompt (what was typed is not echoed).
    lines = result.stdout.splitlines()
    errors = [line[line.index("ERROR: ") :] for line in lines if "ERROR: " in line]
    assert errors == [THREE_LINES[0], THREE_LINES[1]]
    assert "Traceback" not in result.stdout + result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "version",
    ["0.1.0", "1.0", "2.0.0rc1", "1.0.post2", "0.3.dev4", "1!2.0", "1.0+local.7"],
)
def test_pep440_versions_are_accepted(bake, version: str) -> None:
    """The version has one source, ``__version__``, which pyproject.toml reads."""
    project = bake(version=version)
    init = ast.parse((project / "src/my_trainer/__init__.py").read_text())
    assigned = {
        target.id: ast.literal_eval(node.value)
        for node in init.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    assert assigned["__version__"] == version
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    assert pyproject["project"]["dynamic"] == ["version"]
    assert "version" not in pyproject["project"]
    attr = pyproject["tool"]["setuptools"]["dynamic"]["version"]["attr"]
    assert attr == "my_trainer.__version__"


HOSTILE = [
    "Double \"quotes\" and 'single' quotes",
    "Trailing backslash \\",
    'Escapes \\n \\" \\\\ and """ triple quotes',
    "Line one\nline two\n\nline four",
    '"); import os; os.system("touch PWNED") #',
    "__import__('os').system('touch PWNED')",
    "Unicode: Zoë, 東京, emoji 🚀",
]


def check_project_keeps_text(project: Path, field: str, text: str) -> None:
    """pyproject.toml parses, holds the text as data, and black and ruff still pass."""
    metadata = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    values = {
        "author": metadata["project"]["authors"][0]["name"],
        "description": metadata["project"]["description"],
    }
    if field == "author_name":
        assert values["author"] == text
        assert text in (project / "LICENSE").read_text(encoding="utf-8")
    if field == "short_description":
        assert values["description"] == " ".join(text.split())
        assert text in (project / "README.md").read_text(encoding="utf-8")
    if field == "project_name":
        assert (
            (project / "README.md")
            .read_text(encoding="utf-8")
            .startswith(f"# {text}\n")
        )
    run([str(BIN / "black"), "--check", "."], cwd=project)
    run([str(BIN / "ruff"), "check", "."], cwd=project)
    assert not list(project.rglob("PWNED")) and not (TEMPLATE_ROOT / "PWNED").exists()


VALID_NAMES = {
    "package_name": "safe_trainer",
    "distribution_name": "safe-trainer",
    "trainer_type": "safe_trainer",
    "trainer_class_name": "SafeTrainer",
}


@pytest.mark.parametrize("field", ["project_name", "author_name", "short_description"])
@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_text_lands_as_text(bake, field: str, text: str) -> None:
    project = bake(**VALID_NAMES, **{field: text})
    check_project_keeps_text(project, field, text)


JINJA_TEXT = "{{ 7 * 7 }} {% if True %}x{% endif %} {{ cookiecutter.package_name }} {#"


@pytest.mark.parametrize("field", ["project_name", "author_name", "short_description"])
def test_jinja_typed_at_the_prompt_lands_as_text(tmp_path: Path, field: str) -> None:
    """Typed answers are never rendered (with --no-input, cookiecutter renders them)."""
    answers = {
        "project_name": "Safe Trainer",
        **VALID_NAMES,
        "algorithm": "1",
        "include_tooling": "y",
        "author_name": "Ann",
        "author_email": "ann@example.com",
        "version": "0.1.0",
        "license": "1",
        "short_description": "Plain.",
        field: JINJA_TEXT,
    }
    order = [
        "project_name",
        "package_name",
        "distribution_name",
        "trainer_type",
        "trainer_class_name",
        "algorithm",
        "include_tooling",
        "author_name",
        "author_email",
        "version",
        "license",
        "short_description",
    ]
    result = subprocess.run(
        [sys.executable, "-m", "cookiecutter", str(TEMPLATE_ROOT), "-o", str(tmp_path)],
        input="".join(f"{answers[key]}\n" for key in order),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    check_project_keeps_text(tmp_path / "safe_trainer", field, JINJA_TEXT)


def test_post_gen_without_tooling_points_to_the_readme(cookies, capfd) -> None:
    result = cookies.bake(extra_context={"include_tooling": False})
    assert result.exit_code == 0
    out = capfd.readouterr().out
    assert "my-trainer-train" not in out
    assert "README.md says how to add it back" in out
    assert "mlagents-learn config/my_trainer_3DBall.yaml" in out


def test_include_tooling_from_a_replay_file_must_be_yes_or_no(
    bake, tmp_path: Path, capfd
) -> None:
    """Prompts and the command line convert yes/no; a hand-edited replay file does not."""
    replay = json.loads((bake() / ".cookiecutter-replay.json").read_text())
    replay["cookiecutter"]["include_tooling"] = "perhaps"
    replay_file = tmp_path / "replay.json"
    replay_file.write_text(json.dumps(replay))
    with pytest.raises(FailedHookException):
        cookiecutter(
            str(TEMPLATE_ROOT), replay=str(replay_file), output_dir=str(tmp_path)
        )
    errors = capfd.readouterr().err
    assert "ERROR: include_tooling 'perhaps' must be yes or no." in errors


def test_post_gen_prints_the_next_steps(cookies, capfd) -> None:
    result = cookies.bake()
    assert result.exit_code == 0
    out = capfd.readouterr().out
    for step in (
        "python scripts/install.py",
        "pytest",
        "my-trainer-train config/my_trainer_3DBall.yaml",
        "mlagents-learn config/my_trainer_3DBall.yaml",
    ):
        assert step in out
