"""Validate the answers before cookiecutter writes anything.

Each rejected answer prints one ``ERROR:`` line that says what is wrong and what
would be accepted, and exits 1; cookiecutter then removes the partial output.
Answers are injected as JSON strings and parsed, never pasted into code.
"""

import json
import keyword
import re
import sys

ANSWERS = json.loads(r"""
{{ cookiecutter | tojson }}
""".strip())

BUILT_IN_TRAINERS = {"ppo", "sac", "poca"}
SHADOWED_PACKAGES = {
    "mlagents",
    "mlagents_envs",
    "torch",
    "numpy",
    "setuptools",
    "tests",
}
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


def problems(answers: dict) -> list:
    """Every problem with the answers, as one-line messages."""
    found = []
    package = answers["package_name"]
    if not package.isidentifier() or not package.isascii():
        found.append(
            f"package_name {package!r} is not a valid Python identifier; "
            "use lowercase letters, digits and underscores, e.g. 'my_trainer'."
        )
    elif keyword.iskeyword(package) or keyword.issoftkeyword(package):
        found.append(
            f"package_name {package!r} is a Python keyword; choose another name."
        )
    elif package in SHADOWED_PACKAGES or package in sys.stdlib_module_names:
        found.append(
            f"package_name {package!r} would shadow the {package!r} module "
            "(standard library or a dependency); choose a unique name such as "
            f"'{package}_trainer'."
        )
    trainer_type = answers["trainer_type"]
    if not TRAINER_TYPE.match(trainer_type):
        found.append(
            f"trainer_type {trainer_type!r} must be a plain lowercase name; use a letter, "
            "then lowercase letters, digits or underscores (e.g. 'my_ppo')."
        )
    elif trainer_type in BUILT_IN_TRAINERS:
        found.append(
            f"trainer_type {trainer_type!r} collides with ML-Agents' built-in trainer; "
            "choose a name other than ppo, sac or poca."
        )
    class_name = answers["trainer_class_name"]
    if (
        not class_name.isidentifier()
        or not class_name.isascii()
        or keyword.iskeyword(class_name)
    ):
        found.append(
            f"trainer_class_name {class_name!r} is not a valid Python class name; "
            "use letters and digits, starting with a letter (e.g. 'MyTrainer')."
        )
    distribution = answers["distribution_name"]
    if not DISTRIBUTION.match(distribution):
        found.append(
            f"distribution_name {distribution!r} is not a valid pip name; use letters, "
            "digits, '-', '_' and '.', starting and ending with a letter or digit."
        )
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


def main() -> int:
    found = problems(ANSWERS)
    for message in found:
        print(f"ERROR: {message}", file=sys.stderr)
    if found:
        print(
            "Nothing was written. Run cookiecutter again with corrected answers "
            "(--replay reuses the others).",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
