#!/usr/bin/env bash
# Create .venv (if needed) with the ML-Agents 1.1.0 stack and the template's dev tools.
# Idempotent: a second run only checks that everything is installed. The stack is
# installed by the generated project's own command, scripts/install.py (--stack-only),
# so the template and every generated project share one recipe.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
if ! "$PYTHON" -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 13))' 2>/dev/null; then
  echo "ERROR: the template needs Python 3.11, 3.12 or 3.13 (found: $("$PYTHON" --version 2>/dev/null || echo "no working $PYTHON")); set PYTHON=/path/to/python3.11 (or 3.12, 3.13)." >&2
  exit 1
fi

if [ ! -x .venv/bin/python ]; then
  echo "==> Creating .venv with $($PYTHON --version)"
  "$PYTHON" -m venv .venv
fi
PIP=(.venv/bin/python -m pip --disable-pip-version-check)
# The stack's pins for this Python hold numpy, protobuf and torch while the dev tools install.
STACK="{{cookiecutter.package_name}}/requirements/mlagents-py$(.venv/bin/python -c 'import sys; print(*sys.version_info[:2], sep="")').txt"
# What the template's tests import: the stack, the template tools, and what the generated
# suites need beyond ML-Agents (their `test` extra, which is installed here, not per project).
MODULES="mlagents.trainers, cookiecutter, pytest_cookies, xdist, onnxruntime, matplotlib, cruft, copier, psutil, mypy, pre_commit, gymnasium, optuna, psycopg, ray, mlflow, alembic"
if ! { .venv/bin/python -c "import $MODULES" 2>/dev/null && [ -x .venv/bin/actionlint ]; }; then
  # torch's CPU build comes from PyTorch's CPU index (TORCH_INDEX overrides it).
  # Where that index cannot be reached (a machine with its own package mirror),
  # install.py says so in one line and uses pip's configured indexes; the version
  # line below shows the build.
  TORCH_INDEX=${TORCH_INDEX-https://download.pytorch.org/whl/cpu}
  echo "==> Installing the ML-Agents stack ($STACK): a few minutes"
  # On 3.12 and 3.13 the patched mlagents wheel goes to build/ (outside the template tree).
  .venv/bin/python "{{cookiecutter.package_name}}/scripts/install.py" --stack-only --torch-index "$TORCH_INDEX" --build-dir build/mlagents
  echo "==> Installing the template's dev tools"
  "${PIP[@]}" install --progress-bar on -c "$STACK" -c requirements/constraints.txt -r requirements/dev.txt
fi
echo "==> .venv ready: $(.venv/bin/python -c 'from importlib.metadata import version as v; import mlagents.trainers; print(", ".join(f"{n} {v(n)}" for n in ("mlagents", "torch", "numpy", "protobuf")))')"
