#!/usr/bin/env bash
# Run every test of the template: the fast tier (render and static checks) and the
# slow tier (install each flavour, run its own test suite including training to the
# 3DBall benchmark, mlagents-learn end to end). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec .venv/bin/python -m pytest tests "$@"
