"""Answers that collide with what the generated project installs or imports are
rejected before anything is written, and every accepted answer renders a project
that is black- and ruff-clean and imports.

The reserved names live in a generated block of ``hooks/pre_gen_project.py``;
``scripts/update_reserved_names.py`` derives them from the requirements and the
template's code, and the tests below fail when the block is stale.
"""

import ast
import json
import os
import random
import re
import shutil
import string
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from cookiecutter.environment import StrictEnvironment
from cookiecutter.exceptions import FailedHookException

from .conftest import BIN, FLAVOURS, TEMPLATE_ROOT, run

HOOK = TEMPLATE_ROOT / "hooks" / "pre_gen_project.py"
GENERATOR = TEMPLATE_ROOT / "scripts" / "update_reserved_names.py"
FIELDS = "package_name|distribution_name|trainer_type|trainer_class_name"
# One problem, one line: the field, the answer, what is wrong; then how to fix it.
# A name left as derived from the project name is reported as the project name's.
ERROR_LINE = re.compile(
    rf"^ERROR: (project_name .+ gives )?({FIELDS}) '[^']*',? [^;]+; (use|choose) .+\.$"
)
SAFE = {
    "package_name": "safe_trainer",
    "distribution_name": "safe-trainer",
    "trainer_type": "safe_trainer",
    "trainer_class_name": "SafeTrainer",
}
DEFAULTS = {
    **SAFE,
    "project_name": "Safe Trainer",
    "algorithm": "on-policy",
    "include_tooling": True,
    "version": "0.1.0",
    "author_email": "you@example.com",
}


def reserved_in(hook_path: Path) -> dict:
    text = hook_path.read_text(encoding="utf-8")
    start = text.index("{% raw %}") + len("{% raw %}")
    return json.loads(text[start : text.index("{% endraw %}", start)])


def hook_longest() -> int:
    """The longest name the hook accepts (its ``LONGEST``)."""
    tree = ast.parse(HOOK.read_text(encoding="utf-8"))
    node = next(
        n
        for n in tree.body
        if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == "LONGEST"
    )
    return ast.literal_eval(node.value)


@pytest.fixture(scope="module")
def hook() -> dict:
    """The rendered pre-gen hook's functions, run in-process."""
    context = {"cookiecutter": DEFAULTS}
    text = (
        StrictEnvironment(context=context, keep_trailing_newline=True)
        .from_string(HOOK.read_text(encoding="utf-8"))
        .render(**context)
    )
    namespace: dict = {"__name__": "pre_gen_project"}
    exec(compile(text, str(HOOK), "exec"), namespace)
    return namespace


def check_rejected(cookies, result, err: str) -> list:
    """A rejected bake: one well-formed ERROR line per bad field, nothing written.

    The lines are the exception's message (the check at the last prompt, which
    the command line prints alone) or the pre-gen hook's stderr (``--replay``)."""
    text = f"{err}\n{result.exception}"
    errors = [line for line in text.splitlines() if line.startswith("ERROR: ")]
    assert result.exit_code != 0
    assert isinstance(result.exception, FailedHookException), result.exception
    assert result.project_path is None
    assert errors
    for line in errors:
        assert ERROR_LINE.match(line), line
    fields = [line.split()[1] for line in errors]
    assert len(fields) == len(set(fields)), errors
    # The folder that holds pytest-cookies' bake folders: its output factory is
    # that folder's bound ``mkdir``.
    bakes = Path(str(cookies._output_factory.__self__))
    if result.context is None:
        # Rejected at the prompts (pytest-cookies renders them first): no output
        # folder was made for this bake.
        assert not (bakes / f"bake{cookies._counter:02d}").exists()
    else:
        bake_dir = bakes / f"bake{cookies._counter - 1:02d}"
        assert bake_dir.is_dir(), bake_dir
        assert [p for p in bake_dir.rglob("*") if p.is_file()] == []
    return errors


def bake_rejected(cookies, capfd, answers: dict, template=None) -> list:
    """Bake answers that must be rejected; return the ERROR lines."""
    capfd.readouterr()
    result = cookies.bake(extra_context=answers, template=template)
    return check_rejected(cookies, result, capfd.readouterr().err)


# --- one source of truth --------------------------------------------------------


def test_reserved_names_in_the_hook_are_up_to_date() -> None:
    run([sys.executable, str(GENERATOR), "--check"], cwd=TEMPLATE_ROOT)


def test_derivation_covers_the_stack_and_the_generated_code() -> None:
    data = reserved_in(HOOK)
    modules, distributions, names = (
        data["modules"],
        data["distributions"],
        data["names"],
    )
    for module in (
        "mlagents mlagents_envs torch numpy google yaml PIL grpc h5py attr attrs "
        "cattr onnx onnxruntime tensorboard six huggingface_hub cloudpickle filelock "
        "pytest black ruff setuptools absl sympy tests json argparse"
    ).split():
        assert module in modules, module
    for distribution in (
        "mlagents mlagents-envs torch numpy protobuf pyyaml pillow grpcio h5py attrs "
        "cattrs onnx onnxruntime tensorboard six huggingface-hub cloudpickle filelock "
        "pytest black ruff setuptools absl-py typing-extensions"
    ).split():
        assert distribution in distributions, distribution
    # Whatever packaging the generated project uses (setup.py or PEP 621 only).
    project = TEMPLATE_ROOT / "{{cookiecutter.package_name}}"
    if (project / "setup.py").exists():
        assert modules["setup"] == "the generated project's setup.py"
    # The template's pyproject.toml holds Jinja values; its [build-system] table does not.
    text = (project / "pyproject.toml").read_text(encoding="utf-8")
    build_system = text.split("[build-system]", 1)[1].split("\n[", 1)[0]
    build = tomllib.loads("[build-system]" + build_system)
    for requirement in build["build-system"]["requires"]:
        name = re.match(r"[A-Za-z0-9._-]+", requirement).group(0).lower()
        assert name in distributions, requirement
    assert all(d == re.sub(r"[-_.]+", "-", d).lower() for d in distributions)
    for name in ("TrainerSettings", "OnPolicyTrainer", "OffPolicyTrainer", "Path"):
        assert name in names, name
    assert all(n[:1].isupper() and "ReservedProbe" not in n for n in names)
    assert not any("reservedprobe" in m for m in modules)
    # Console scripts are not modules, and the probe class names are patterns.
    assert "mlagents-learn" not in modules and "mlagents_learn" not in modules
    assert data["class_name_patterns"] == ["{}", "{}Optimizer", "{}Settings"]
    assert "build" in data["skipped_directories"]["patterns"]


def copy_template(destination: Path) -> Path:
    files = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=TEMPLATE_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    for name in files:
        if (TEMPLATE_ROOT / name).is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(TEMPLATE_ROOT / name, destination / name)
    return destination


def test_changed_requirements_and_code_change_the_checks(
    tmp_path: Path, cookies, capfd, hook: dict
) -> None:
    """The data follows the sources: files added to the template are picked up,
    a stale block is caught, and a regenerated one rejects the new names."""
    template = copy_template(tmp_path / "template")
    project = template / "{{cookiecutter.package_name}}"
    # A new requirements file, a new shared module and a new module in one flavour
    # tree, none of which the script names.
    (project / "requirements" / "added-by-test.txt").write_text("cookiecutter\n")
    package = Path("src") / "{{cookiecutter.package_name}}"
    (project / package / "added_shared.py").write_text(
        '"""Added by the test."""\n\nimport zipapp\n\nARCHIVE = zipapp\n'
    )
    flavour = project / "_flavours" / "off_policy" / package
    assert flavour.is_dir(), "the off-policy flavour tree moved; update this test"
    (flavour / "added_flavour.py").write_text(
        '"""Added by the test."""\n\n\nclass AddedByTest:\n    pass\n'
    )
    # All are accepted by the hook of the unchanged template.
    for extra in (
        {"distribution_name": "binaryornot"},
        {"trainer_class_name": "AddedByTest"},
        {"package_name": "zipapp_x"},
    ):
        assert hook["problems"]({**DEFAULTS, **extra}) == [], extra

    stale = subprocess.run(
        [sys.executable, str(GENERATOR), "--check", "--root", str(template)],
        capture_output=True,
        text=True,
    )
    assert stale.returncode == 1 and "stale" in stale.stderr, stale.stderr
    run([sys.executable, str(GENERATOR), "--root", str(template)], cwd=tmp_path)
    run(
        [sys.executable, str(GENERATOR), "--check", "--root", str(template)],
        cwd=tmp_path,
    )

    data = reserved_in(template / "hooks" / "pre_gen_project.py")
    assert data["distributions"]["cookiecutter"] == (
        "listed in requirements/added-by-test.txt"
    )
    assert data["distributions"]["binaryornot"] == "a dependency of cookiecutter"
    assert data["modules"]["binaryornot"] == "installed by binaryornot"
    assert data["modules"]["zipapp"] == "imported by the generated added_shared.py"
    assert data["names"]["AddedByTest"] == "defined in added_flavour.py"
    assert data["names"]["ARCHIVE"] == "defined in added_shared.py"

    changed = str(template)
    errors = bake_rejected(
        cookies, capfd, {**SAFE, "distribution_name": "binaryornot"}, changed
    )
    assert "(a dependency of cookiecutter)" in errors[0]
    errors = bake_rejected(
        cookies, capfd, {**SAFE, "package_name": "binaryornot"}, changed
    )
    assert "would shadow the 'binaryornot' module" in errors[0]
    # The class is only in the off-policy tree, and rejected for both flavours.
    for algorithm in FLAVOURS:
        answers = {**SAFE, "algorithm": algorithm, "trainer_class_name": "AddedByTest"}
        errors = bake_rejected(cookies, capfd, answers, changed)
        assert "collides with 'AddedByTest' (defined in added_flavour.py)" in errors[0]


def test_a_stack_installed_differently_is_noted_not_failed(tmp_path: Path) -> None:
    """--check fails on what the template decides, and only notes what a fresh
    install of newer dependency versions changes (CI installs afresh)."""
    template = copy_template(tmp_path / "template")
    hook_path = template / "hooks" / "pre_gen_project.py"
    original = hook_path.read_text(encoding="utf-8")
    data = reserved_in(hook_path)

    def check_with(edit) -> subprocess.CompletedProcess:
        changed = json.loads(json.dumps(data))
        edit(changed)
        block = "\n" + json.dumps(changed, indent=1, sort_keys=True) + "\n"
        start = original.index("{% raw %}") + len("{% raw %}")
        end = original.index("{% endraw %}", start)
        hook_path.write_text(original[:start] + block + original[end:])
        return subprocess.run(
            [sys.executable, str(GENERATOR), "--check", "--root", str(template)],
            capture_output=True,
            text=True,
        )

    def environment_only(changed: dict) -> None:
        assert changed["distributions"].pop("absl-py") == "a dependency of tensorboard"
        assert changed["modules"].pop("absl") == "installed by absl-py"
        assert changed["modules"].pop("zipapp") == "the standard library"

    result = check_with(environment_only)
    assert result.returncode == 0, result.stderr
    assert "differs from the recorded one" in result.stderr

    for section, name in [
        ("distributions", "torch"),
        ("modules", "argparse"),
        ("names", "TrainerSettings"),
    ]:
        result = check_with(lambda changed, s=section, n=name: changed[s].pop(n))
        assert result.returncode == 1, (section, name, result.stderr)
        assert "is stale" in result.stderr


# --- each collision class, both flavours ----------------------------------------

COLLISIONS = [
    # distribution_name: PEP 503-normalized, the whole installed stack
    ("distribution_name", "mlagents", "is the 'mlagents' distribution"),
    ("distribution_name", "MLAgents_Envs", "is the 'mlagents-envs' distribution"),
    ("distribution_name", "PyYAML", "is the 'pyyaml' distribution"),
    ("distribution_name", "torch", "listed in requirements/mlagents-py311.txt"),
    ("distribution_name", "huggingface.hub", "is the 'huggingface-hub' distribution"),
    ("distribution_name", "absl_py", "(a dependency of tensorboard)"),
    ("distribution_name", "onnxruntime", "is the 'onnxruntime' distribution"),
    ("distribution_name", "Werkzeug", "(a dependency of tensorboard)"),
    # package_name: a module of the stack, of the generated code, or a skipped folder
    ("package_name", "yaml", "would shadow the 'yaml' module (installed by PyYAML)"),
    ("package_name", "google", "would shadow the 'google' module (installed by"),
    ("package_name", "PIL", "would shadow the 'PIL' module (installed by"),
    ("package_name", "attr", "would shadow the 'attr' module (installed by attrs)"),
    ("package_name", "cattr", "would shadow the 'cattr' module (installed by"),
    ("package_name", "huggingface_hub", "would shadow the 'huggingface_hub' module"),
    ("package_name", "sympy", "would shadow the 'sympy' module (installed by"),
    ("package_name", "ruff", "would shadow the 'ruff' module (installed by ruff)"),
    ("package_name", "functorch", "would shadow the 'functorch' module (installed"),
    ("package_name", "tests", "(the generated project's tests/ package)"),
    ("package_name", "argparse", "would shadow the 'argparse' module"),
    ("package_name", "build", "skipped by the generated .gitignore"),
    ("package_name", "node_modules", "skipped by ruff's default excludes"),
    # trainer_class_name: <Class>, <Class>Settings, <Class>Optimizer
    ("trainer_class_name", "Trainer", "makes the class 'TrainerSettings', which"),
    ("trainer_class_name", "OnPolicyHyperparam", "'OnPolicyHyperparamSettings'"),
    ("trainer_class_name", "OffPolicyHyperparam", "'OffPolicyHyperparamSettings'"),
    ("trainer_class_name", "Torch", "makes the class 'TorchOptimizer', which"),
    ("trainer_class_name", "Serialization", "'SerializationSettings' (imported in"),
    ("trainer_class_name", "Path", "collides with 'Path' (imported in"),
    ("trainer_class_name", "Player", "collides with 'Player' (defined in player.py)"),
    ("trainer_class_name", "ValueError", "collides with 'ValueError' (builtin used"),
    ("trainer_class_name", "lower", "must start with an uppercase letter"),
]


@pytest.mark.parametrize("algorithm", FLAVOURS)
@pytest.mark.parametrize(
    "field, value, message", COLLISIONS, ids=[f"{f}={v}" for f, v, _ in COLLISIONS]
)
def test_collision_is_one_error_line_and_nothing_is_written(
    cookies, capfd, hook: dict, algorithm: str, field: str, value: str, message: str
) -> None:
    errors = bake_rejected(
        cookies, capfd, {**SAFE, "algorithm": algorithm, field: value}
    )
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"ERROR: {field} {value!r} "), errors
    assert message in errors[0], errors
    # The suggested fix is itself accepted.
    suggestion = re.search(r"such as '([^']+)'\.$", errors[0]).group(1)
    answers = {**DEFAULTS, "algorithm": algorithm, field: suggestion}
    assert hook["problems"](answers) == [], (suggestion, errors)


@pytest.mark.parametrize(
    "field, value",
    [
        ("package_name", "yaml_tools"),
        ("package_name", "mlagents_plus"),
        ("distribution_name", "mlagents-plus"),
        ("distribution_name", "ml-agents"),
        ("trainer_class_name", "TrainerPlus"),
        ("trainer_class_name", "Settings"),
    ],
)
def test_names_near_a_collision_are_accepted(
    hook: dict, field: str, value: str
) -> None:
    assert hook["problems"]({**DEFAULTS, field: value}) == []


# --- property: accepted renders clean, type-checks and imports; rejected is one line

WORDS = "ball agent policy deep grid tilt lab q x v2 maze swarm critic actor".split()
DRAWS = 26
SRC_DOT = "src = ['.']"


def near(rng: random.Random, name: str, joiner: str) -> str:
    word = rng.choice(WORDS)
    return rng.choice(
        [
            name,
            name + joiner + word,
            word + joiner + name,
            name + str(rng.randint(0, 9)),
        ]
    )


def draw(rng: random.Random, data: dict, algorithm: str) -> dict:
    """Random answers: plain names, and names at or near the reserved ones."""
    modules = sorted(m for m, why in data["modules"].items() if "standard" not in why)
    kind = rng.random()
    if kind < 0.45:
        package = "_".join(rng.choice(WORDS) for _ in range(rng.randint(1, 3)))
    elif kind < 0.8:
        package = near(rng, rng.choice(modules), "_")
    else:
        # Any length the hook accepts, and a little beyond.
        alphabet = string.ascii_lowercase + string.digits + "_"
        package = rng.choice(string.ascii_lowercase) + "".join(
            rng.choice(alphabet) for _ in range(rng.randint(0, hook_longest() + 5))
        )
    answers = {"package_name": package, "algorithm": algorithm}
    if rng.random() < 0.25:
        distribution = rng.choice(sorted(data["distributions"]))
        answers["distribution_name"] = rng.choice(
            [distribution, distribution.upper(), distribution.replace("-", "_")]
            + [near(rng, distribution, "-")]
        )
    kind = rng.random()
    if kind < 0.45:
        answers["trainer_class_name"] = "".join(
            rng.choice(WORDS).capitalize() for _ in range(rng.randint(1, 3))
        )
    elif kind < 0.75:
        name = rng.choice(sorted(data["names"]))
        for suffix in ("Settings", "Optimizer"):
            if name.endswith(suffix) and rng.random() < 0.7:
                name = name[: -len(suffix)]
        answers["trainer_class_name"] = rng.choice([name, name, "My" + name])
    elif kind < 0.85:
        # All capitals (ruff's isort sorts these as constants) and digits.
        answers["trainer_class_name"] = "".join(
            rng.choice(string.ascii_uppercase + string.digits)
            for _ in range(rng.randint(0, 4))
        ).join(rng.sample(string.ascii_uppercase, 2))
    elif kind < 0.95:
        # Any identifier: lowercase or underscore first, long ones too.
        alphabet = string.ascii_letters + string.digits + "_"
        answers["trainer_class_name"] = rng.choice(
            string.ascii_letters + "_"
        ) + "".join(
            rng.choice(alphabet) for _ in range(rng.randint(0, hook_longest() + 5))
        )
    else:
        answers["trainer_class_name"] = rng.choice(WORDS) + "Trainer"
    return answers


def boundary_answers() -> list:
    """Names of exactly the longest and the shortest lengths the hook accepts."""
    longest = hook_longest()
    edge = ("edge_" * 30)[: longest - 2]
    return [
        {
            "package_name": edge + algorithm[:2],
            "trainer_type": edge + algorithm[:2],
            "distribution_name": (edge + algorithm[:2]).replace("_", "-"),
            "trainer_class_name": ("Edge" * 30)[:longest],
            "algorithm": algorithm,
        }
        for algorithm in FLAVOURS
    ] + [
        {
            "package_name": {"on-policy": "n", "off-policy": "f", "cooperative": "c"}[
                algorithm
            ],
            "trainer_type": "t",
            "distribution_name": "e",
            "trainer_class_name": "E",
            "algorithm": algorithm,
        }
        for algorithm in FLAVOURS
    ]


def test_random_answers_render_clean_importable_projects_or_one_clear_error(
    cookies, capfd, hook: dict, tmp_path: Path, mypy_cache: Path
) -> None:
    data = reserved_in(HOOK)
    rng = random.Random(16)
    draws, packages = boundary_answers(), {
        a["package_name"] for a in boundary_answers()
    }
    while len(draws) < len(boundary_answers()) + DRAWS:
        answers = draw(rng, data, FLAVOURS[len(draws) % 2])
        if answers["package_name"] not in packages:
            packages.add(answers["package_name"])
            draws.append(answers)

    accepted = []
    for answers in draws:
        package = answers["package_name"]
        full = {
            **DEFAULTS,
            "trainer_type": package,
            "distribution_name": package.replace("_", "-"),
            **answers,
        }
        expected = hook["problems"](full)
        capfd.readouterr()
        result = cookies.bake(extra_context=answers)
        err = capfd.readouterr().err
        if result.exit_code == 0:
            assert expected == [], (answers, expected)
            accepted.append((Path(result.project_path), full))
        else:
            errors = check_rejected(cookies, result, err)
            assert errors == [f"ERROR: {m}" for m in expected], answers

    # Enough of both outcomes, both flavours accepted, for the test to mean something.
    assert len(accepted) >= 12 and len(draws) - len(accepted) >= 8, len(accepted)
    assert {a["algorithm"] for _, a in accepted} == set(FLAVOURS)

    for project, _ in accepted:
        run([str(BIN / "ruff"), "check", "--no-cache", "."], cwd=project)
        # The oldest ruff the generated project allows looks for first-party code
        # in "." only, not in src/: the import sorter must still see the package
        # as first-party (known-first-party in the generated pyproject).
        old_default = [str(BIN / "ruff"), "check", "--no-cache", "--config", SRC_DOT]
        run([*old_default, "."], cwd=project)
        run([str(BIN / "black"), "--check", "."], cwd=project)
        # Type-checks at the project's own strictness (its pyproject's [tool.mypy]).
        mypy = [str(BIN / "mypy"), "--cache-dir", str(mypy_cache)]
        run(mypy, cwd=project)
    # Every accepted package imports (with its trainer) from its own src/, with all
    # of them ahead of the stack on the path: none shadows anything the stack needs.
    pairs = [
        (a["package_name"], a["trainer_type"], a["trainer_class_name"], str(p / "src"))
        for p, a in accepted
    ]
    check = (
        "import importlib, json, sys\n"
        "for package, trainer_type, class_name, src in json.loads(sys.argv[1]):\n"
        "    module = importlib.import_module(package)\n"
        "    assert module.__file__.startswith(src), (src, module.__file__)\n"
        "    trainer = importlib.import_module(package + '.trainer')\n"
        "    trainers, settings = trainer.get_type_and_setting()\n"
        "    assert trainers[trainer_type].__name__ == class_name, trainers\n"
        "    assert settings[trainer_type].__name__ == class_name + 'Settings'\n"
        "import mlagents.trainers.learn, yaml, google.protobuf, grpc, onnx\n"
        "print('imported', len(json.loads(sys.argv[1])))\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(src for *_, src in pairs)}
    result = subprocess.run(
        [sys.executable, "-c", check, json.dumps(pairs)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-5000:]
    assert f"imported {len(pairs)}" in result.stdout
