"""Format the template's Python sources with black, as they render.

Renders the template (no hooks) with the default names, except a trainer_type
of the same length that differs from the package name, runs ruff's fixes and
black on every rendered ``.py`` file, and writes the result back into the template with the
names turned back into Jinja. Files with other Jinja (control blocks, other
variables) are only reported: fix those by hand.
"""

import re
import subprocess
import sys
import tempfile
from pathlib import Path

from cookiecutter.main import cookiecutter

ROOT = Path(__file__).resolve().parents[1]
NAMES = {  # rendered value -> Jinja expression, longest first
    "type_nm_xx": "{{ cookiecutter.trainer_type }}",
    "my_trainer": "{{ cookiecutter.package_name }}",
    "my-trainer": "{{ cookiecutter.distribution_name }}",
    "MyTrainer": "{{ cookiecutter.trainer_class_name }}",
}


def to_template(text: str) -> str:
    for value, expression in NAMES.items():
        text = text.replace(value, expression)
    return text


def main() -> int:
    template_root = ROOT / "{{cookiecutter.package_name}}"
    with tempfile.TemporaryDirectory() as out:
        cookiecutter(
            str(ROOT),
            no_input=True,
            output_dir=out,
            accept_hooks=False,
            extra_context={"trainer_type": "type_nm_xx"},
        )
        rendered_root = Path(out) / "my_trainer"
        for tool in (
            ["ruff", "check", "--fix-only", "--unsafe-fixes", "-q"],
            ["black", "-q"],
        ):
            subprocess.run(
                [sys.executable, "-m", *tool, str(rendered_root)], check=True
            )
        for rendered in rendered_root.rglob("*.py"):
            relative = to_template(str(rendered.relative_to(rendered_root)))
            source = template_root / relative.replace(
                "{{ cookiecutter.package_name }}", "{{cookiecutter.package_name}}"
            )
            original = source.read_text()
            formatted = to_template(rendered.read_text())
            if formatted == original:
                continue
            expressions = set(re.findall(r"{{.*?}}", original))
            if "{%" in original or not expressions <= set(NAMES.values()):
                print(
                    f"needs a hand fix (Jinja beyond plain names): {source.relative_to(ROOT)}"
                )
                continue
            source.write_text(formatted)
            print(f"formatted {source.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
