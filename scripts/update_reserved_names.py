"""Derive the names a generated project reserves and write them into the pre-gen hook.

One source of truth for the answer checks in ``hooks/pre_gen_project.py``:

* distributions: everything the generated project's install commands bring in,
  walked from the template's requirements (every ``requirements/*.txt`` of the
  generated project, the template's own ``requirements/mlagents-*.txt``, the
  dependencies and extras of ``pyproject.toml``'s ``[project]`` or of ``setup.py``,
  and the build requirements) through the dependency metadata installed in this
  environment; names are PEP 503-normalized;
* modules: the top-level modules of those distributions (``top_level.txt`` and
  ``RECORD``), the modules the generated code imports, what the generated project
  root makes importable (``setup.py``, ``tests/``) and this Python's standard
  library (run the script with the template's Python, as ``scripts/bootstrap.sh``
  sets it up; the hook adds the standard library of the Python that renders);
* names: what the generated modules import or define (and the builtins they use),
  those that start with an uppercase letter as class names must, without the
  class names that ``trainer_class_name`` derives;
* derived class names: the patterns (``{}``, ``{}Settings``, ...) that
  ``trainer_class_name`` becomes in the generated code;
* skipped directories: names that the generated ``.gitignore``, black or ruff skip.

The generated code is read by rendering every ``.py`` file under
``{{cookiecutter.package_name}}/`` (shared files, every flavour tree, every optional
tree) with probe names, for every combination of the template's choice and yes/no
variables, and parsing it with ``ast``; a file someone adds is covered without
changing this script. Run it in the template's virtual environment after changing
requirements or template code. ``--check`` only reports: it fails when the
template's files changed what the hook reserves, and only notes a stack that a
fresh install resolved to other versions (the template tests run it).
"""

import argparse
import ast
import builtins
import itertools
import json
import re
import subprocess
import sys
import tempfile
import tomllib
from importlib import metadata
from pathlib import Path
from typing import Any

from cookiecutter.environment import StrictEnvironment
from cookiecutter.generate import generate_context
from cookiecutter.prompt import prompt_for_config
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE_DIR = "{{cookiecutter.package_name}}"
HOOK = Path("hooks") / "pre_gen_project.py"
BEGIN = 'RESERVED = json.loads(r"""{% raw %}'
END = '{% endraw %}""")'
PACKAGE_PROBE = "reservedprobepkg"
CLASS_PROBE = "ReservedProbeClass"
# The Pythons and platforms the generated project supports: a dependency counts
# when its environment marker holds for any of them.
TARGETS = [
    {
        "python_version": version,
        "python_full_version": f"{version}.9",
        "sys_platform": sys_platform,
        "platform_system": system,
        "os_name": os_name,
        "platform_machine": "x86_64",
        "platform_python_implementation": "CPython",
        "implementation_name": "cpython",
    }
    for version in ("3.10", "3.11")
    for sys_platform, system, os_name in (
        ("linux", "Linux", "posix"),
        ("darwin", "Darwin", "posix"),
        ("win32", "Windows", "nt"),
    )
]
BUILTINS = set(dir(builtins))

Context = dict[str, Any]
Why = dict[str, str]


def render_contexts(root: Path) -> list[Context]:
    """The cookiecutter context for every combination of choices, with probe names.

    Choice variables (lists, such as ``algorithm``) and yes/no variables (booleans)
    select flavour and optional files, so each combination is rendered.
    """
    # The template's Jinja extension (local_extensions.py) loads from its folder,
    # as cookiecutter puts it on the import path.
    if str(root) not in sys.path:
        sys.path.append(str(root))
    context_file = root / "cookiecutter.json"
    raw = json.loads(context_file.read_text(encoding="utf-8"))
    options = {
        key: value if isinstance(value, list) else [True, False]
        for key, value in raw.items()
        if not key.startswith("_") and isinstance(value, (list, bool))
    }
    contexts = []
    for combination in itertools.product(*options.values()):
        context = generate_context(
            context_file=str(context_file),
            extra_context={
                "project_name": "Reserved Probe",
                "package_name": PACKAGE_PROBE,
                "trainer_class_name": CLASS_PROBE,
                **dict(zip(options, combination, strict=True)),
            },
        )
        contexts.append({"cookiecutter": prompt_for_config(context, no_input=True)})
    return contexts


def rendered(root: Path, relative: str, context: Context) -> str:
    source = (root / TEMPLATE_DIR / relative).read_text(encoding="utf-8")
    env = StrictEnvironment(context=context, keep_trailing_newline=True)
    return env.from_string(source).render(**context)


def template_sources(root: Path, contexts: list[Context]) -> list[tuple[str, Any]]:
    """(shown name, parsed module) for every rendered .py file in every context."""
    sources = []
    for path in sorted((root / TEMPLATE_DIR).rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        relative = path.relative_to(root / TEMPLATE_DIR).as_posix()
        texts = {rendered(root, relative, context) for context in contexts}
        for text in sorted(texts):
            sources.append((path.name, ast.parse(text, filename=relative)))
    return sources


def module_level_definitions(body: list[ast.stmt]) -> list[str]:
    """Names bound at module level (descending into if/try/with/for blocks)."""
    names: list[str] = []
    scopes = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    for node in body:
        if isinstance(node, scopes):
            names.append(node.name)
            continue
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                names += [
                    n.id
                    for n in ast.walk(target)
                    if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
                ]
        for field in ("body", "orelse", "finalbody", "handlers"):
            inner = getattr(node, field, None)
            if isinstance(inner, list):
                names += module_level_definitions(inner)
    return names


def scan_code(sources: list[tuple[str, Any]]) -> tuple[Why, Why, list[str]]:
    """Modules the generated code imports, names it binds, class-name patterns."""
    modules: Why = {}
    names: Why = {}
    patterns: set[str] = set()
    for shown, tree in sources:
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    top = alias.name.split(".")[0]
                    modules.setdefault(top, f"imported by the generated {shown}")
                    bound = alias.asname or top
                    names.setdefault(
                        bound, f"imported in {shown} (import {alias.name})"
                    )
            elif isinstance(node, ast.ImportFrom):
                origin = "." * node.level + (node.module or "")
                if node.level == 0 and node.module:
                    top = node.module.split(".")[0]
                    modules.setdefault(top, f"imported by the generated {shown}")
                for alias in node.names:
                    if alias.name != "*":
                        names.setdefault(
                            alias.asname or alias.name,
                            f"imported in {shown} from {origin}",
                        )
            elif isinstance(node, ast.Name) and node.id in BUILTINS:
                names.setdefault(node.id, f"builtin used in {shown}")
            identifier = getattr(node, "name", None) or getattr(node, "id", None)
            if isinstance(identifier, str) and CLASS_PROBE in identifier:
                patterns.add(identifier.replace(CLASS_PROBE, "{}"))
        for name in module_level_definitions(tree.body):
            names.setdefault(name, f"defined in {shown}")
    # Only names that start with an uppercase letter can be a trainer class name.
    names = {k: v for k, v in names.items() if k[:1].isupper() and CLASS_PROBE not in k}
    modules = {k: v for k, v in modules.items() if PACKAGE_PROBE not in k}
    return modules, names, sorted(patterns)


def requirement_lines(path: Path) -> list[str]:
    """Requirement specifiers of a requirements file (options and comments left out)."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            lines.append(line)
    return lines


def setup_py_roots(source: str) -> list[tuple[str, str]]:
    """``install_requires`` and ``extras_require`` of a rendered setup.py."""
    call = next(
        node
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "setup"
    )
    keywords = {k.arg: k.value for k in call.keywords}
    roots = [
        (line, "listed in setup.py's install_requires")
        for line in ast.literal_eval(keywords.get("install_requires", "[]"))
    ]
    extras = ast.literal_eval(keywords.get("extras_require", "{}"))
    for extra, lines in extras.items():
        roots += [(line, f"listed in setup.py's {extra!r} extra") for line in lines]
    return roots


def pyproject_roots(source: str) -> list[tuple[str, str]]:
    """Build requirements, dependencies, extras and groups of a rendered pyproject."""
    pyproject = tomllib.loads(source)
    roots = [
        (line, "a build requirement in pyproject.toml")
        for line in pyproject.get("build-system", {}).get("requires", [])
    ]
    project = pyproject.get("project", {})
    roots += [
        (line, "a dependency in pyproject.toml")
        for line in project.get("dependencies", [])
    ]
    for extra, lines in project.get("optional-dependencies", {}).items():
        roots += [
            (line, f"listed in pyproject.toml's {extra!r} extra") for line in lines
        ]
    for group, lines in pyproject.get("dependency-groups", {}).items():
        roots += [
            (line, f"listed in pyproject.toml's {group!r} group")
            for line in lines
            if isinstance(line, str)
        ]
    return roots


def install_roots(root: Path, context: Context) -> list[tuple[str, str]]:
    """(requirement, where it comes from) for everything the install commands name."""
    roots = []
    files = sorted((root / TEMPLATE_DIR / "requirements").glob("*.txt"))
    files += sorted((root / "requirements").glob("mlagents-*.txt"))
    for path in files:
        shown = path.relative_to(root).as_posix().replace(TEMPLATE_DIR + "/", "")
        roots += [(line, f"listed in {shown}") for line in requirement_lines(path)]
    if (root / TEMPLATE_DIR / "setup.py").exists():
        roots += setup_py_roots(rendered(root, "setup.py", context))
    roots += pyproject_roots(rendered(root, "pyproject.toml", context))
    return roots


def marker_holds(marker: Marker | None, extras: set[str]) -> bool:
    """Whether a dependency's marker holds on any supported target."""
    if marker is None:
        return True
    return any(
        Marker(str(marker)).evaluate({**target, "extra": extra})
        for target in TARGETS
        for extra in (extras or {""})
    )


def top_level_modules(dist: metadata.Distribution) -> set[str]:
    """Top-level importable names a distribution installs."""
    found = set((dist.read_text("top_level.txt") or "").split())
    for file in dist.files or []:
        parts = file.parts
        if not parts or parts[0] in ("..", "__pycache__"):
            continue
        if parts[0].endswith((".dist-info", ".egg-info", ".data")):
            continue
        if len(parts) == 1:
            if parts[0].endswith(".py"):
                found.add(parts[0][:-3])
            elif parts[0].endswith((".so", ".pyd")):
                found.add(parts[0].split(".")[0])
        elif file.name.endswith((".py", ".so", ".pyd")):
            found.add(parts[0])
    return {name for name in found if name.isidentifier()}


def walk_stack(roots: list[tuple[str, str]]) -> tuple[Why, Why]:
    """Distributions (normalized name -> why) and their modules (module -> whose)."""
    distributions: Why = {}
    modules: Why = {}
    queue = [(Requirement(line), why) for line, why in roots]
    seen = set()
    while queue:
        requirement, why = queue.pop(0)
        name = canonicalize_name(requirement.name)
        extras = set(requirement.extras)
        if (name, frozenset(extras)) in seen:
            continue
        seen.add((name, frozenset(extras)))
        distributions.setdefault(name, why)
        try:
            dist = metadata.distribution(requirement.name)
        except metadata.PackageNotFoundError:
            # Not installed here (its marker holds elsewhere): the module of the
            # same name is the best guess.
            guess = name.replace("-", "_")
            modules.setdefault(guess, f"probably installed by {requirement.name}")
            continue
        shown = dist.metadata["Name"]
        for module in sorted(top_level_modules(dist)):
            modules.setdefault(module, f"installed by {shown}")
        for line in dist.requires or []:
            sub = Requirement(line)
            if marker_holds(sub.marker, extras):
                queue.append((sub, f"a dependency of {shown}"))
    return distributions, modules


def project_root_modules(root: Path) -> Why:
    """Modules importable from the generated project's root and src/ besides ours."""
    found = {}
    for base in (root / TEMPLATE_DIR, root / TEMPLATE_DIR / "src"):
        for entry in sorted(base.iterdir()):
            name = entry.stem if entry.suffix == ".py" else entry.name
            importable = entry.suffix == ".py" or (entry / "__init__.py").exists()
            if importable and name.isidentifier() and PACKAGE_PROBE not in name:
                shown = entry.relative_to(root / TEMPLATE_DIR).as_posix()
                shown += "" if entry.suffix == ".py" else "/ package"
                found[name] = f"the generated project's {shown}"
    return found


def skipped_directories(root: Path, context: Context) -> dict[str, Any]:
    """Directory-name patterns that git (.gitignore), black or ruff skip."""
    patterns = {}
    for line in rendered(root, ".gitignore", context).splitlines():
        line = line.strip()
        if line and not line.startswith(("#", "!")):
            patterns.setdefault(line.strip("/"), "the generated .gitignore")
    with tempfile.TemporaryDirectory() as scratch:
        (Path(scratch) / "pyproject.toml").write_text(
            rendered(root, "pyproject.toml", context), encoding="utf-8"
        )
        (Path(scratch) / "probe.py").write_text("", encoding="utf-8")
        settings = subprocess.run(
            [sys.executable, "-m", "ruff", "check", "--show-settings", "probe.py"],
            cwd=scratch,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    block = re.search(r"^file_resolver\.exclude = \[(.*?)^\]", settings, re.M | re.S)
    if block is None:
        raise RuntimeError("ruff --show-settings no longer lists file_resolver.exclude")
    for pattern in re.findall(r'"([^"]+)"', block.group(1)):
        patterns.setdefault(pattern, "ruff's default excludes")
    from black.const import DEFAULT_EXCLUDES

    return {
        "patterns": dict(sorted(patterns.items())),
        "black_regex": DEFAULT_EXCLUDES,
    }


def derive(root: Path) -> dict[str, Any]:
    """Everything the hook reserves, derived from the template at ``root``."""
    contexts = render_contexts(root)
    code_modules, names, patterns = scan_code(template_sources(root, contexts))
    roots: list[tuple[str, str]] = []
    for context in contexts:
        roots += [pair for pair in install_roots(root, context) if pair not in roots]
    distributions, modules = walk_stack(roots)
    for module, why in {**code_modules, **project_root_modules(root)}.items():
        modules.setdefault(module, why)
    for module in sys.stdlib_module_names:
        modules.setdefault(module, "the standard library")
    skipped = skipped_directories(root, contexts[0])
    return {
        "class_name_patterns": patterns,
        "distributions": dict(sorted(distributions.items())),
        "modules": dict(sorted(modules.items())),
        "names": dict(sorted(names.items())),
        "skipped_directories": skipped,
    }


def recorded(hook_text: str) -> dict[str, Any]:
    """The RESERVED block the hook holds now."""
    start = hook_text.index(BEGIN) + len(BEGIN)
    return dict(json.loads(hook_text[start : hook_text.index(END, start)]))


def hook_with(hook_text: str, data: dict[str, Any]) -> str:
    """The hook's text with its RESERVED block replaced by ``data``."""
    start = hook_text.index(BEGIN) + len(BEGIN)
    end = hook_text.index(END, start)
    block = "\n" + json.dumps(data, indent=1, sort_keys=True) + "\n"
    return hook_text[:start] + block + hook_text[end:]


def from_template(data: dict[str, Any]) -> dict[str, Any]:
    """The part of the data that the template's own files decide.

    The rest (dependencies of dependencies, their modules, the standard library,
    ruff's and black's default excludes) follows the versions installed in this
    environment, which a fresh install may resolve differently.
    """
    modules = data["modules"]
    patterns = data["skipped_directories"]["patterns"]
    return {
        "class_name_patterns": data["class_name_patterns"],
        "names": data["names"],
        "distributions": {
            name: why
            for name, why in data["distributions"].items()
            if not why.startswith("a dependency of ")
        },
        "modules": {
            name: why
            for name, why in modules.items()
            if why.startswith(("imported by the generated ", "the generated "))
        },
        "skipped_directories": {
            name: why
            for name, why in patterns.items()
            if why == "the generated .gitignore"
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="only report staleness: exit 1 when the template's files changed what "
        "the hook reserves; a stack that only installed differently is reported",
    )
    parser.add_argument("--root", type=Path, default=ROOT, help="template root")
    args = parser.parse_args(argv)
    hook = args.root / HOOK
    current = hook.read_text(encoding="utf-8")
    derived = derive(args.root)
    updated = hook_with(current, derived)
    if updated == current:
        print(f"{HOOK.as_posix()} is up to date.")
        return 0
    if not args.check:
        hook.write_text(updated, encoding="utf-8")
        print(f"Updated {HOOK.as_posix()}.")
        return 0
    if from_template(recorded(current)) != from_template(derived):
        print(
            f"{HOOK.as_posix()} is stale: run python scripts/update_reserved_names.py",
            file=sys.stderr,
        )
        return 1
    print(
        f"{HOOK.as_posix()} matches the template; the stack installed here differs "
        "from the recorded one (other versions): run "
        "python scripts/update_reserved_names.py to record it.",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
