"""Run the template's hooks where cookiecutter's own hook runner falls short.

- ``AnswerChecks``, a cookiecutter extension (``_extensions`` in
  cookiecutter.json): its ``check_answers`` filter, rendered once the last prompt
  is answered, runs ``problems()`` from ``hooks/pre_gen_project.py``. A rejected
  answer stops cookiecutter with its ``ERROR:`` lines alone; a failing hook would
  add cookiecutter's log line and a traceback.
- As a script, ``python local_extensions.py <hook> '<answers as JSON>'`` runs one
  of the hooks in the current directory: copier's ``_tasks`` (copier.yml) call it,
  so both tools share one set of hooks.

The hooks are Jinja templates of Python (their only Jinja is the answers), so this
renders them with the answers, as cookiecutter does, and runs the result.
"""

import json
import sys
from pathlib import Path
from typing import Any

from jinja2 import Environment, StrictUndefined
from jinja2.ext import Extension

HERE = Path(__file__).resolve().parent


def template_dir() -> Path:
    """The template being rendered: cookiecutter (and cruft) append its directory
    to ``sys.path`` for local extensions, after any template rendered before it
    in this process (whose copy of this module Python may have kept)."""
    for entry in reversed(sys.path):
        if (Path(entry) / "hooks" / "pre_gen_project.py").is_file() and (
            Path(entry) / "local_extensions.py"
        ).is_file():
            return Path(entry)
    return HERE


def load_hook(
    name: str, answers: dict[str, Any], template: Path = HERE
) -> dict[str, Any]:
    """The hook ``name`` rendered with ``answers``, run as a module; its globals."""
    path = template / "hooks" / f"{name}.py"
    environment = Environment(keep_trailing_newline=True, undefined=StrictUndefined)
    text = environment.from_string(path.read_text(encoding="utf-8")).render(
        cookiecutter=answers
    )
    namespace: dict[str, Any] = {"__name__": name, "__file__": str(path)}
    exec(compile(text, str(path), "exec"), namespace)
    return namespace


def check_answers(answers: dict[str, Any]) -> str:
    """Stop cookiecutter with one ``ERROR:`` line per rejected answer."""
    from cookiecutter.exceptions import FailedHookException

    hook = load_hook("pre_gen_project", dict(answers), template_dir())
    found = hook["problems"](dict(answers))
    if found:
        raise FailedHookException("\n".join(f"ERROR: {line}" for line in found))
    return ""


class AnswerChecks(Extension):
    """Adds the ``check_answers`` filter to cookiecutter's Jinja environment."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters["check_answers"] = check_answers


def main(argv: list[str]) -> int:
    name, answers = argv[0], json.loads(argv[1])
    return int(load_hook(name, answers)["main"](argv[2:]))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
