#!/usr/bin/env bash
# The main job: render the template with its defaults, install the generated
# package, show that ML-Agents registered it, and train the PPO-style example on
# the bundled 3DBall simulator until the mean reward reaches 90.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
OUT=build/demo
echo "==> Rendering the template with defaults into $OUT/"
rm -rf "$OUT"
.venv/bin/cookiecutter . --no-input -o "$OUT"
cd "$OUT/my_trainer"
echo "==> Installing the generated package with its own command (python scripts/install.py)"
../../../.venv/bin/python scripts/install.py
echo "==> Registered trainer types:"
../../../.venv/bin/python -c "
from mlagents.plugins.trainer_type import register_trainer_plugins
types, _ = register_trainer_plugins()
print('   ', ', '.join(sorted(types)), '-> my_trainer is', types['my_trainer'].__module__ + '.' + types['my_trainer'].__name__)"
echo "==> Training on the 3DBall simulator (stops at mean reward 90; max 500k steps)"
../../../.venv/bin/my-trainer-train config/my_trainer_3DBall.yaml --run-id demo --seed 1 --force --stop-at-reward 90 "$@"
