"""The generated project's one install command, and what happens without the stack.

Fast: ``scripts/install.py`` picks the path by Python version, keeps torch on the
CPU index unless told otherwise (and goes on without it, in one line, where it
cannot be reached), and refuses other Pythons in one line (run for real on every
unsupported interpreter this machine has); ``scripts/build_mlagents.py`` finds
each fix's text exactly once in mlagents 1.1.0 and stops where it does not.

Slow, for every licence and flavour: the README's command installs the project
in a fresh virtual environment that sees this environment's ML-Agents stack (a
``.pth`` file; so the command finds the stack satisfied and runs quickly), ML-Agents
registers the trainer, and ``pip check`` reports exactly the lines the FAQ names;
in an environment without the stack, or with an mlagents that cannot load,
importing the package, its entry point and its command print one line.

Slow, once each on Python 3.12 and 3.13 (pyenv's): the command installs a fresh
project from the registries (torch's wheels are kept in one folder per Python
between runs), then its fast suite passes, a short training run trains and its
exported model runs in onnxruntime.
"""

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import venv
from importlib.metadata import version
from pathlib import Path

import pytest

from .conftest import FLAVOURS, PIP, TEMPLATE_ROOT, run

INSTALLER = TEMPLATE_ROOT / "{{cookiecutter.package_name}}" / "scripts" / "install.py"
BUILDER = INSTALLER.with_name("build_mlagents.py")
REQUIREMENTS = INSTALLER.parents[1] / "requirements"
SUPPORTED = "use Python 3.10.1 to 3.10.12, 3.11, 3.12 and 3.13."
# One folder per Python for torch's wheels (2.6 GB from PyPI on 3.12 and 3.13), kept
# between runs so each Python downloads them once.
WHEELHOUSE = (
    Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    / "trainer-template"
    / "wheels"
)
CPU_INDEX = "https://download.pytorch.org/whl/cpu"
LICENSES = ["MIT", "BSD-3-Clause", "Apache-2.0", "Proprietary"]
MISSING_STACK = re.compile(
    r"^ERROR: my_trainer needs the ML-Agents 1\.1\.0 stack \(mlagents, "
    r"mlagents-envs, torch\), which does not load here \((?P<why>[^\n]+)\)\. "
    r"Install it with `python scripts/install.py` in the project's folder\.\n$"
)


def load_installer():  # type: ignore[no-untyped-def]
    """scripts/install.py as a module; it imports build_mlagents from its folder,
    as ``python scripts/install.py`` does (its ``build_mlagents`` attribute)."""
    sys.path.insert(0, str(INSTALLER.parent))
    try:
        spec = importlib.util.spec_from_file_location("installer", INSTALLER)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(INSTALLER.parent))
    return module


def pythons() -> dict:
    """Interpreters on this machine from 3.7 on (the oldest the installer's own
    syntax runs on), by version: pyenv's, or on PATH."""
    found: dict = {}
    candidates = [shutil.which(f"python3.{minor}") for minor in range(8, 16)]
    if shutil.which("pyenv"):
        root = subprocess.run(["pyenv", "root"], capture_output=True, text=True)
        candidates += [
            str(p) for p in Path(root.stdout.strip()).glob("versions/3.*/bin/python")
        ]
    for candidate in filter(None, candidates):
        probe = subprocess.run(
            [candidate, "-c", "import sys; print(*sys.version_info[:3], sep='.')"],
            capture_output=True,
            text=True,
        )
        if probe.returncode == 0:
            numbers = tuple(int(n) for n in probe.stdout.strip().split("."))
            if numbers >= (3, 7):
                found.setdefault(numbers, Path(candidate))
    return dict(sorted(found.items()))


def other_pythons() -> list[Path]:
    """Interpreters on this machine that the installer refuses."""
    installer = load_installer()
    return [
        path
        for numbers, path in pythons().items()
        if installer.unsupported(numbers) is not None
    ]


def test_the_path_follows_the_python_version() -> None:
    installer = load_installer()
    stack = str(REQUIREMENTS / "mlagents-py311.txt")
    for python in [(3, 10, 1), (3, 10, 12)]:
        assert installer.unsupported(python) is None
        first, project = installer.commands(python, CPU_INDEX, stack_only=False)
        assert first[-3:] == ["--extra-index-url", CPU_INDEX, "mlagents==1.1.0"]
        assert project[-2:] == ["-e", f"{INSTALLER.parents[1]}[test,dev]"]
        assert "-c" not in project  # mlagents' own pins hold numpy and protobuf
    assert installer.unsupported((3, 11, 7)) is None
    stack_step, mlagents, project = installer.commands((3, 11, 7), CPU_INDEX, False)
    assert stack_step[-4:] == ["--extra-index-url", CPU_INDEX, "-r", stack]
    assert mlagents[-4:] == [
        "--no-deps",
        "--ignore-requires-python",
        "mlagents==1.1.0",
        "mlagents-envs==1.1.0",
    ]
    assert "--extra-index-url" not in project  # torch is never fetched again here
    assert project[-4:] == ["-c", stack, "-e", f"{INSTALLER.parents[1]}[test,dev]"]
    assert len(installer.commands((3, 11, 7), "", stack_only=True)) == 2
    assert "--extra-index-url" not in installer.commands((3, 11, 7), "", True)[0]
    for python in [
        (3, 9, 18),
        (3, 10, 0),
        (3, 10, 13),
        (3, 10, 16),
        (3, 14, 0),
        (3, 15, 0),
    ]:
        why = installer.unsupported(python)
        assert why and "\n" not in why and why.endswith(SUPPORTED), python


def test_newer_pythons_get_a_build_with_their_fixes() -> None:
    installer = load_installer()
    builder = installer.build_mlagents
    for minor, extra_steps in [(12, 0), (13, 1)]:
        python = (3, minor, 0)
        stack = str(REQUIREMENTS / f"mlagents-py3{minor}.txt")
        assert installer.unsupported(python) is None
        steps = installer.commands(python, CPU_INDEX, stack_only=False)
        assert len(steps) == 4 + extra_steps
        assert steps[0][-4:] == ["--extra-index-url", CPU_INDEX, "-r", stack]
        build, mlagents, project = steps[-3:]
        assert build[1] == str(BUILDER) and "--dest" in build
        wheel = INSTALLER.parents[1] / "build" / "mlagents"
        wheel /= f"mlagents-1.1.0+tt.py3{minor}.1-py3-none-any.whl"
        assert mlagents[-4:] == [
            "--no-deps",
            "--ignore-requires-python",
            str(wheel),
            "mlagents-envs==1.1.0",
        ]
        assert project[project.index("-c") + 1] == stack
        assert "--extra-index-url" not in " ".join(map(str, steps[1:]))
    # 3.13: onnx 1.18 (its oldest 3.13 wheel) goes in without its protobuf>=4 pin,
    # under the stack's constraints, which the project's step keeps too.
    no_deps = str(REQUIREMENTS / "mlagents-py313-no-deps.txt")
    onnx_step = installer.commands((3, 13, 0), "", False)[1]
    assert onnx_step[-5:] == ["--no-deps", "-c", onnx_step[-3], "-r", no_deps]
    assert installer.commands((3, 13, 0), "", False)[-1][-6:-2] == [
        "-c",
        str(REQUIREMENTS / "mlagents-py313.txt"),
        "-c",
        no_deps,
    ]
    # --build-dir (the template's bootstrap builds outside the template tree)
    elsewhere = installer.commands((3, 12, 0), "", True, Path("/elsewhere"))
    assert elsewhere[-2][-2:] == ["--dest", str(Path("/elsewhere"))]
    assert elsewhere[-1][-2] == "/elsewhere/mlagents-1.1.0+tt.py312.1-py3-none-any.whl"
    # Only what each Python needs; 3.11 keeps the released wheel.
    names = {m: [f.name for f in builder.fixes_for((3, m))] for m in (11, 12, 13)}
    assert names == {
        11: [],
        12: ["np-float", "np-long", "entry-points"],
        13: ["np-float", "entry-points", "json-float"],
    }


def test_each_fix_finds_its_text_once_in_mlagents_1_1_0(tmp_path: Path) -> None:
    """The fixes, applied to mlagents 1.1.0's own files (this environment's stock
    install, the released wheel's files), give modules that still parse."""
    installer = load_installer()
    builder = installer.build_mlagents
    assert version("mlagents") == "1.1.0"
    spec = importlib.util.find_spec("mlagents")
    assert spec is not None and spec.origin is not None
    site = Path(spec.origin).parents[1]
    paths = {edit.path for fix in builder.FIXES for edit in fix.edits}
    for relative in paths:
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(site / relative, tmp_path / relative)
    builder.apply(builder.FIXES, tmp_path)
    for fix in builder.FIXES:
        for edit in fix.edits:
            text = (tmp_path / edit.path).read_text()
            assert edit.new in text and edit.old not in text.replace(edit.new, "")
    for relative in paths:
        compile((tmp_path / relative).read_text(), relative, "exec")
    # A second pass finds none of the texts: the build stops, naming the fix.
    with pytest.raises(
        SystemExit, match=r"fix np-float: .*buffer\.py holds .* 0 times"
    ):
        builder.apply(builder.FIXES, tmp_path)
    # Text found twice stops it too.
    buffer = tmp_path / "mlagents/trainers/buffer.py"
    buffer.write_text("pad_value: np.float = 0\n" * 2)
    with pytest.raises(SystemExit, match="2 times, not once"):
        builder.apply(builder.FIXES[:1], tmp_path)


def test_the_faq_lists_every_fix() -> None:
    faq = (TEMPLATE_ROOT / "docs" / "faq.md").read_text()
    builder = load_installer().build_mlagents
    for fix in builder.FIXES:
        assert f"`{fix.name}`" in faq, fix.name
        for edit in fix.edits:
            assert edit.path in faq, edit.path


def test_an_unreachable_torch_index_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    installer = load_installer()
    ran: list = []
    monkeypatch.setattr(
        installer.subprocess,
        "run",
        lambda command: ran.append(command) or subprocess.CompletedProcess(command, 0),
    )
    monkeypatch.setattr(installer, "summary", lambda version, stack_only: ["done"])
    closed = "http://127.0.0.1:9/simple"  # the discard port: nothing listens
    assert installer.main(["--stack-only", "--torch-index", closed]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        f"==> {closed} cannot be reached from here: torch comes from pip's "
        "configured indexes (on Linux, PyPI's torch is the CUDA build)"
    )
    assert ran and not any("--extra-index-url" in command for command in ran)
    assert out[-1] == "done"


def test_torch_comes_from_the_cpu_index_by_default() -> None:
    result = run([sys.executable, str(INSTALLER), "--dry-run"], cwd=TEMPLATE_ROOT)
    commands = [line for line in result.stdout.splitlines() if line.startswith("==> ")]
    assert len(commands) == 3
    assert f"--extra-index-url {CPU_INDEX} -r" in commands[0]
    assert "--extra-index-url" not in commands[1] + commands[2]


def test_other_pythons_are_refused_in_one_line() -> None:
    refused = other_pythons()
    if not refused:
        pytest.skip("no unsupported Python on this machine")
    for python in refused:
        result = subprocess.run(
            [str(python), str(INSTALLER)], capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 1, (python, result.stdout, result.stderr)
        assert result.stdout == ""
        assert re.fullmatch(
            rf"ERROR: Python 3\.\S+ is not supported \([^\n]+\); {re.escape(SUPPORTED)}\n",
            result.stderr,
        ), result.stderr


def make_venv(path: Path, stack_from: Path | None) -> Path:
    """A virtual environment; with ``stack_from``, it also sees that site-packages."""
    venv.EnvBuilder(with_pip=True).create(path)
    python = path / "bin" / "python"
    if stack_from is not None:
        site = subprocess.run(
            [
                str(python),
                "-c",
                "import sysconfig; print(sysconfig.get_path('purelib'))",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        (Path(site) / "template-stack.pth").write_text(f"{stack_from}\n")
    return python


@pytest.fixture(scope="module")
def no_stack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtual environment without the stack; mlagents added later where asked."""
    return make_venv(tmp_path_factory.mktemp("no-stack") / "venv", stack_from=None)


def expected_pip_check(python: str = "3.11", grpcio: str | None = None) -> set:
    """The lines the FAQ says ``pip check`` prints on Python ``python``."""
    faq = (TEMPLATE_ROOT / "docs" / "faq.md").read_text()
    section = faq[faq.index("## What does `pip check` report") :]
    section = section[section.index(f"On Python {python}, these lines") :]
    block = section[
        section.index("```text\n")
        + 8 : section.index("\n```", section.index("```text"))
    ]
    return set(block.replace("GRPCIO", grpcio or version("grpcio")).splitlines())


def one_line_without_the_stack(python: Path, project: Path) -> list:
    """What import, the entry point (loaded as ML-Agents loads it) and the train
    command print; each must be the one line."""
    whys = []
    probes = [
        [str(python), "-c", "import my_trainer"],
        [
            str(python),
            "-c",
            "from importlib.metadata import entry_points; "
            "[ep] = entry_points(group='mlagents.trainer_type', name='my_trainer'); "
            "ep.load()",
        ],
        [str(python.parent / "my-trainer-train"), "--help"],
    ]
    for probe in probes:
        result = subprocess.run(
            probe, cwd=project, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 1, (probe, result.stderr)
        match = MISSING_STACK.fullmatch(result.stderr)
        assert match, (probe, result.stderr)
        whys.append(match["why"])
    return whys


@pytest.mark.slow
# Its venvs see this environment's packages: not while others install into it.
@pytest.mark.xdist_group("this-environment")
@pytest.mark.parametrize("algorithm", FLAVOURS)
@pytest.mark.parametrize("licence", LICENSES)
def test_the_documented_command_installs_every_licence_and_flavour(
    bake, tmp_path: Path, no_stack: Path, algorithm: str, licence: str
) -> None:
    project = bake(algorithm=algorithm, license=licence)
    python = make_venv(
        tmp_path / "venv", stack_from=Path(sysconfig.get_path("purelib"))
    )
    # The README's command, as it is: every step finds the stack already there.
    result = run([str(python), "scripts/install.py"], cwd=project)
    assert "Successfully installed my-trainer-0.1.0" in result.stdout
    registered = run(
        [
            str(python),
            "-c",
            "from mlagents.plugins.trainer_type import register_trainer_plugins as r; "
            "t = r()[0]['my_trainer']; print(t.__module__)",
        ],
        cwd=tmp_path,
    )
    assert registered.stdout.strip() == "my_trainer.trainer"
    check = subprocess.run(
        [str(python), "-m", "pip", "check"], capture_output=True, text=True
    )
    assert set(check.stdout.splitlines()) == expected_pip_check(), check.stdout
    assert (project / "src/my_trainer/py.typed").exists()

    # Without the stack: one line, from import, the entry point and the command.
    run([str(no_stack), "-m", *PIP[2:], "install", "--no-deps", "-e", "."], cwd=project)
    try:
        whys = one_line_without_the_stack(no_stack, project)
        assert set(whys) == {"ModuleNotFoundError: No module named 'mlagents'"}
    finally:
        run(
            [str(no_stack), "-m", *PIP[2:], "uninstall", "-y", "my-trainer"],
            cwd=project,
        )


@pytest.mark.slow
def test_an_mlagents_that_cannot_load_is_one_line_too(
    bake, no_stack: Path, tmp_path: Path
) -> None:
    """mlagents installed without its dependencies (no torch, no numpy)."""
    project = bake()
    pip = [str(no_stack), "-m", *PIP[2:]]
    run(
        [
            *pip,
            "install",
            "--no-deps",
            "-e",
            ".",
            "mlagents==1.1.0",
            "mlagents-envs==1.1.0",
            "--ignore-requires-python",
        ],
        cwd=project,
    )
    try:
        whys = one_line_without_the_stack(no_stack, project)
        assert all(
            why.startswith("ModuleNotFoundError: No module named") for why in whys
        )
        assert not any("'mlagents'" in why for why in whys), whys
    finally:
        run(
            [*pip, "uninstall", "-y", "my-trainer", "mlagents", "mlagents-envs"],
            cwd=project,
        )


@pytest.mark.slow
def test_python_3_10_13_and_later_stop_loudly(bake, tmp_path: Path) -> None:
    """On the newest 3.10 (what pyenv, uv and setup-python give), the command
    refuses in one line, and a plain ``pip install -e .`` stops instead of
    installing the package without mlagents."""
    pythons = [
        p
        for p in other_pythons()
        if subprocess.run(
            [
                str(p),
                "-c",
                "import sys; sys.exit(not (3, 10, 13) <= sys.version_info < (3, 11))",
            ]
        ).returncode
        == 0
    ]
    if not pythons:
        pytest.skip("no Python 3.10.13 or later 3.10 on this machine")
    project = bake()
    run([str(pythons[0]), "-m", "venv", str(tmp_path / "venv310")], cwd=tmp_path)
    python = tmp_path / "venv310" / "bin" / "python"
    refused = subprocess.run(
        [str(python), "scripts/install.py"], cwd=project, capture_output=True, text=True
    )
    assert refused.returncode == 1 and refused.stderr.count("\n") == 1, refused.stderr
    plain = subprocess.run(
        [str(python), "-m", "pip", "install", "-e", "."],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )
    assert plain.returncode != 0
    assert "mlagents" in plain.stderr and "3.10.12" in plain.stderr, plain.stderr[
        -3000:
    ]


def newest(minor: int) -> Path | None:
    """This machine's newest Python 3.``minor`` (pyenv's, or on PATH)."""
    found = [path for numbers, path in pythons().items() if numbers[:2] == (3, minor)]
    return found[-1] if found else None


def kept_torch(python: Path, stack: Path) -> list[str]:
    """pip's arguments that install the stack's torch from a kept folder, after
    downloading it there for ``python`` (files already there are not fetched
    again). The registries send no caching headers, so pip's own cache keeps
    nothing, and pip prefers the index to a --find-links copy of the same file."""
    [pin] = [
        line for line in stack.read_text().splitlines() if line.startswith("torch")
    ]
    folder = WHEELHOUSE / stack.stem
    run(
        [str(python), "-m", *PIP[2:], "download", "--dest", str(folder), pin],
        cwd=stack.parent,
        timeout=1800,
    )
    return ["install", "--no-index", "--find-links", str(folder), pin]


def policy_updates(timer: dict) -> int:
    """How often ML-Agents' timers saw ``_update_policy`` (a trainer that learned)."""
    children = timer.get("children", {})
    return sum(
        (node.get("count", 0) if name == "_update_policy" else 0) + policy_updates(node)
        for name, node in children.items()
    )


@pytest.mark.slow
@pytest.mark.parametrize("minor", [12, 13])
def test_a_fresh_install_trains_on_python_3_12_and_3_13(
    bake, tmp_path: Path, minor: int
) -> None:
    """The README's command on a fresh venv of pyenv's 3.12 or 3.13: the patched
    mlagents build shows in ``pip list``, numpy and protobuf keep their pins after
    the test extras, the project's fast suite passes, the train command trains and
    the model it exports runs in onnxruntime."""
    interpreter = newest(minor)
    if interpreter is None:
        pytest.skip(f"no Python 3.{minor} on this machine")
    project = bake()
    stack = project / "requirements" / f"mlagents-py3{minor}.txt"
    torch = kept_torch(interpreter, stack)
    venv_dir = tmp_path / "venv"
    run([str(interpreter), "-m", "venv", str(venv_dir)], cwd=tmp_path)
    python, bin_dir = venv_dir / "bin" / "python", venv_dir / "bin"
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    try:
        # torch first, from the kept folder; the command finds it there (same pin).
        run([str(python), "-m", *PIP[2:], *torch], cwd=tmp_path, timeout=1800)
        install = subprocess.run(
            [str(python), "scripts/install.py"],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=2400,
            env=env,
        )
        assert install.returncode == 0, install.stdout[-5000:] + install.stderr[-3000:]
        assert "Downloading torch-" not in install.stdout, install.stdout[-3000:]
        assert "==> Installed on Python 3." in install.stdout
        assert f"mlagents 1.1.0+tt.py3{minor}.1" in install.stdout
        listed = subprocess.run(
            [str(python), "-m", "pip", "list", "--format=json"],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        )
        versions = {p["name"].lower(): p["version"] for p in json.loads(listed.stdout)}
        pins = dict(
            line.split("==")
            for path in sorted(stack.parent.glob(f"mlagents-py3{minor}*.txt"))
            for line in path.read_text().splitlines()
            if "==" in line
        )
        for name in ("numpy", "protobuf", "onnx", "torch"):
            assert versions[name].split("+")[0] == pins[name], (name, versions[name])
        assert versions["mlagents"] == f"1.1.0+tt.py3{minor}.1"
        assert versions["mlagents-envs"] == "1.1.0"
        check = subprocess.run(
            [str(python), "-m", "pip", "check"], capture_output=True, text=True
        )
        expected = expected_pip_check(f"3.{minor}", versions["grpcio"])
        assert set(check.stdout.splitlines()) == expected, check.stdout

        fast = subprocess.run(
            [
                str(python),
                "-m",
                "pytest",
                "-m",
                "not slow",
                "-q",
                "-p",
                "no:cacheprovider",
            ],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=1800,
            env=env,
        )
        assert fast.returncode == 0, fast.stdout[-5000:] + fast.stderr[-2000:]
        counts = fast.stdout.strip().splitlines()[-1]
        assert re.search(r"\d+ passed", counts) and "failed" not in counts, counts
        print(f"Python 3.{minor} fast suite: {counts}")

        train = subprocess.run(
            [
                str(bin_dir / "my-trainer-train"),
                "config/my_trainer_3DBall.yaml",
                "--run-id",
                "tier",
                "--seed",
                "1",
                "--max-steps",
                "15000",  # one policy update (the config's buffer_size is 12000)
            ],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=1200,
            env=env,
        )
        assert train.returncode == 0, train.stdout[-5000:] + train.stderr[-3000:]
        assert "Mean Reward" in train.stdout + train.stderr
        timers = json.loads((project / "results/tier/run_logs/timers.json").read_text())
        assert policy_updates(timers) >= 1, timers
        model = project / "results" / "tier" / "3DBall.onnx"
        onnx_run = subprocess.run(
            [
                str(python),
                "-c",
                "import sys, numpy as np, onnx, onnxruntime as ort\n"
                "onnx.checker.check_model(onnx.load(sys.argv[1]))\n"
                "s = ort.InferenceSession(sys.argv[1])\n"
                "feed = {i.name: np.zeros([1 if not isinstance(d, int) else d "
                "for d in i.shape], np.float32) for i in s.get_inputs()}\n"
                "out = s.run(None, feed)\n"
                "print(sorted(i.name for i in s.get_inputs()), len(out))",
                str(model),
            ],
            capture_output=True,
            text=True,
            env=env,
        )
        assert onnx_run.returncode == 0, onnx_run.stderr[-3000:]
    finally:
        shutil.rmtree(venv_dir, ignore_errors=True)  # about 5 GB with CUDA torch
