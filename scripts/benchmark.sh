#!/usr/bin/env bash
# Benchmark the generated trainers against ML-Agents' built-in ppo and sac on the
# simulator (3 seeds each; about an hour on 2 cores). Writes docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec .venv/bin/python benchmarks/compare_builtin.py "$@"
