#!/usr/bin/env bash
# Re-render the template with defaults into build/out (for template development).
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/cookiecutter . --no-input -f -o build/out "$@" >/dev/null
