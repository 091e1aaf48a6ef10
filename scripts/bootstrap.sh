#!/usr/bin/env bash
# Create .venv (if needed) with the ML-Agents 1.1.0 stack and the template's dev tools.
# Idempotent: a second run only checks that everything is installed.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3

if [ ! -x .venv/bin/python ]; then
  echo "==> Creating .venv with $($PYTHON --version)"
  "$PYTHON" -m venv .venv
fi
PIP=(.venv/bin/python -m pip --disable-pip-version-check -q)
if ! { .venv/bin/python -c "import mlagents.trainers, cookiecutter, pytest_cookies, onnxruntime, matplotlib, cruft, psutil" 2>/dev/null && [ -x .venv/bin/actionlint ]; }; then
  echo "==> Installing the ML-Agents stack (torch CPU, numpy 1.23.5, protobuf 3.20.3, ...)"
  # One source for the stack: the file every generated project ships.
  "${PIP[@]}" install -c requirements/constraints.txt -r "{{cookiecutter.package_name}}/requirements/mlagents-py311.txt"
  "${PIP[@]}" install --no-deps --ignore-requires-python mlagents==1.1.0 mlagents-envs==1.1.0
  echo "==> Installing the template's dev tools"
  "${PIP[@]}" install -c requirements/constraints.txt -r requirements/dev.txt
fi
echo "==> .venv ready: $(.venv/bin/python -c 'import mlagents.trainers, torch, numpy; print(f"mlagents {mlagents.trainers.__version__}, torch {torch.__version__}, numpy {numpy.__version__}")')"
