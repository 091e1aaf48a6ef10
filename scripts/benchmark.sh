#!/usr/bin/env bash
# Regenerate docs/benchmarks.md and its learning curves: render the template's
# default project of each flavour, install it, and run its own `my-trainer-benchmark`
# (3DBall to reward 90, 5 seeds, the generated trainer beside ML-Agents' built-in
# twin). About 20 minutes on 2 quiet cores. Interrupted, it resumes: finished runs are
# kept under build/benchmarks/. Extra arguments go to the benchmark command.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
ROOT="$(pwd)"
WORK=build/benchmarks
mkdir -p "$WORK" docs

for flavour in on-policy off-policy; do
    project="$WORK/$flavour/my_trainer"
    rm -rf "$project"  # rendered afresh; the runs, kept beside it, are reused
    .venv/bin/cookiecutter --no-input -o "$WORK/$flavour" . algorithm="$flavour" >/dev/null
    # Both default projects are "my-trainer": each replaces the other in turn.
    .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps \
        --no-build-isolation -e "$project"
    (cd "$project" && "$ROOT/.venv/bin/my-trainer-benchmark" \
        --out ../results --report ../report.md --plot ../learning-curves.png "$@")
    cp "$WORK/$flavour/learning-curves.png" "docs/benchmarks-$flavour.png"
done
.venv/bin/python -m pip uninstall -q -y my-trainer

{
    echo "# Benchmarks: the generated trainers vs ML-Agents' built-in ppo and sac"
    echo
    echo "Produced by \`bash scripts/benchmark.sh\`: it renders the template's default"
    echo "project of each flavour, installs it, and runs that project's own"
    echo "\`my-trainer-benchmark\`. Each section below is the command's report as it"
    echo "wrote it, with its headings one level down and its PNG renamed."
    for flavour in on-policy off-policy; do
        echo
        sed -e 's/^#/##/' -e "s/(learning-curves.png)/(benchmarks-$flavour.png)/" \
            -e "s/^## Benchmark: /## $flavour: /" "$WORK/$flavour/report.md"
    done
} >docs/benchmarks.md
echo "Wrote docs/benchmarks.md"
