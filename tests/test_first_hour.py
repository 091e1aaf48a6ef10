"""The first hour with a generated project: a git repository with a first commit,
links that resolve, a changelog and a release workflow that lints."""

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import yaml

from .conftest import BIN, TEMPLATE_ROOT, run

# Addresses outside the project that the generated docs link to, checked by hand
# (the tests run offline). A new external link fails the test until it is added.
EXTERNAL = {
    "https://github.com/Unity-Technologies/ml-agents",
    "https://keepachangelog.com/en/1.1.0/",
    "https://peps.python.org/pep-0440/",
    "https://docs.pypi.org/trusted-publishers/",
    "https://cruft.github.io/cruft/",
    "https://copier.readthedocs.io/",
    "https://gymnasium.farama.org",
    "https://github.com/DLR-RM/rl-baselines3-zoo",
    "https://mlflow.org",
    "https://docs.ray.io",
}
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
TEMPLATE_URL = "https://github.com/example/trainer-template"


def anchors(markdown: str) -> set:
    """GitHub's anchors for the headings of a Markdown text."""
    found = set()
    for line in markdown.splitlines():
        if match := re.match(r"#{1,6} (.+)", line):
            slug = re.sub(r"[^\w\- ]", "", match.group(1).strip().lower())
            found.add(slug.replace(" ", "-"))
    return found


def check_link(source: Path, target: str, root: Path) -> str | None:
    """Why ``target`` (a link in ``source``) does not resolve, or None."""
    if target.startswith(TEMPLATE_URL + "/blob/main/"):
        # The template's own docs: the file and the heading must exist here.
        target = str(TEMPLATE_ROOT / target.removeprefix(TEMPLATE_URL + "/blob/main/"))
        source, root = TEMPLATE_ROOT / "README.md", Path("/")
    elif target.startswith(("http://", "https://")):
        return None if target in EXTERNAL else "not a known external address"
    path, _, anchor = target.partition("#")
    document = (source.parent / path).resolve() if path else source
    if path and root not in document.parents and root != Path("/"):
        return "points outside the project"
    if not document.is_file():
        return "no such file"
    if anchor and anchor not in anchors(document.read_text(encoding="utf-8")):
        return f"no heading #{anchor}"
    return None


def broken_links(project: Path) -> list:
    found = []
    for document in sorted(project.rglob("*.md")):
        for target in LINK.findall(document.read_text(encoding="utf-8")):
            if why := check_link(document, target, project):
                found.append(f"{document.relative_to(project)}: {target}: {why}")
    return found


def test_every_link_of_a_default_render_resolves(bake) -> None:
    """While the template's address is unset, the links stay inside the project."""
    for tooling in (True, False):
        project = bake(include_tooling=tooling)
        assert broken_links(project) == []
        readme = (project / "README.md").read_text(encoding="utf-8")
        assert "(#troubleshooting-invalid-trainer-type)" in readme
        assert "github.com/org" not in readme and "/blob/main/" not in readme


def test_once_the_template_url_is_set_the_readme_links_to_its_docs(bake) -> None:
    project = bake(__template_url=TEMPLATE_URL)
    readme = (project / "README.md").read_text(encoding="utf-8")
    for page in (
        "docs/tutorial.md)",
        "docs/faq.md)",
        "docs/faq.md#trainerconfigerror-",
    ):
        assert f"{TEMPLATE_URL}/blob/main/{page}" in readme, page
    assert broken_links(project) == []


def test_the_link_check_finds_broken_links(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text(
        "# Title\n\n## A section\n\n[ok](#a-section) [ok](docs/x.md#part)\n"
        "[gone](#nowhere) [gone](docs/y.md) [out](../z.md) [web](https://example.com/)\n"
        f"[faq]({TEMPLATE_URL}/blob/main/docs/faq.md#no-such-entry)\n"
    )
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "x.md").write_text("# Part\n")
    (tmp_path / "z.md").write_text("")
    project = tmp_path
    found = [line.split(": ", 2)[1] for line in broken_links(project)]
    assert found == [
        "#nowhere",
        "docs/y.md",
        "../z.md",
        "https://example.com/",
        f"{TEMPLATE_URL}/blob/main/docs/faq.md#no-such-entry",
    ]


def test_the_project_is_a_git_repository_with_a_first_commit(cookies, capfd) -> None:
    result = cookies.bake()
    assert result.exit_code == 0, result.exception
    project = Path(result.project_path)
    log = run(["git", "log", "--format=%s"], cwd=project).stdout.splitlines()
    assert log == ["Initial commit: My Trainer from trainer-template"]
    assert run(["git", "status", "--porcelain"], cwd=project).stdout == ""
    tracked = run(["git", "ls-files"], cwd=project).stdout.splitlines()
    assert "src/my_trainer/trainer.py" in tracked and "README.md" in tracked
    assert "The project is a git repository with a first commit." in (
        capfd.readouterr().out
    )


def test_without_git_the_project_says_so_in_one_line(tmp_path: Path) -> None:
    """No git on PATH: one line, and the project is complete all the same."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python").symlink_to(sys.executable)
    result = subprocess.run(
        [sys.executable, "-m", "cookiecutter", str(TEMPLATE_ROOT), "--no-input"],
        cwd=tmp_path,
        env={**os.environ, "PATH": str(bin_dir)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = [line for line in result.stdout.splitlines() if "git" in line.lower()]
    assert lines == [
        "git was not found: the project is not a git repository (run `git init`)."
    ]
    project = tmp_path / "my_trainer"
    assert not (project / ".git").exists()
    assert (project / "src/my_trainer/trainer.py").exists()


def test_release_workflow_builds_checks_and_publishes_on_a_tag(bake) -> None:
    project = bake()
    path = project / ".github/workflows/release.yml"
    run([str(BIN / "actionlint"), str(path)], cwd=project)
    workflow = yaml.safe_load(path.read_text())
    assert workflow[True] == {"push": {"tags": ["v*"]}}  # YAML reads `on:` as True
    assert workflow["permissions"] == {}
    build, publish = workflow["jobs"]["build"], workflow["jobs"]["publish"]
    steps = " ".join(str(step.get("run", "")) for step in build["steps"])
    assert "python -m build" in steps and "twine check --strict dist/*" in steps
    assert publish["needs"] == "build"
    assert publish["permissions"] == {"id-token": "write"}
    assert publish["environment"]["name"] == "pypi"
    uses = [step.get("uses", "") for step in publish["steps"]]
    assert "pypa/gh-action-pypi-publish@release/v1" in uses
    assert not any("password" in str(step.get("with", {})) for step in publish["steps"])


def test_the_release_build_has_the_metadata_twine_checks(bake, tmp_path: Path) -> None:
    """What the workflow builds, here: the wheel builds without the stack, with
    the version from its one source and the README as its Markdown description
    (what ``twine check`` looks at)."""
    project = bake(version="0.3.0")
    dist = tmp_path / "dist"
    run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), "."],
        cwd=project,
    )
    [wheel] = dist.glob("*.whl")
    assert wheel.name.startswith("my_trainer-0.3.0-")
    with zipfile.ZipFile(wheel) as archive:
        metadata = archive.read("my_trainer-0.3.0.dist-info/METADATA").decode()
    headers, _, body = metadata.partition("\n\n")
    assert "Description-Content-Type: text/markdown" in headers
    assert body.startswith("# My Trainer\n")


def test_changelog_keeps_a_changelog(bake) -> None:
    text = (bake(version="0.2.0") / "CHANGELOG.md").read_text(encoding="utf-8")
    assert text.startswith("# Changelog\n")
    assert "[Keep a Changelog](https://keepachangelog.com/en/1.1.0/)" in text
    assert "\n## [Unreleased]\n\n### Added\n" in text
    assert "0.2.0" in text
