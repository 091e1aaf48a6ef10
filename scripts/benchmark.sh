#!/usr/bin/env bash
# Regenerate docs/benchmarks.md and its learning curves: render the template's
# default project of each flavour, install it, and run its own `my-trainer-benchmark`
# (3DBall to reward 90, 5 seeds, the generated trainer beside ML-Agents' built-in
# twin; the cooperative flavour also on its group tasks). About 40 minutes on 2
# quiet cores. Interrupted, it resumes: finished runs are kept under build/benchmarks/.
# FLAVOURS="cooperative" reruns some flavours only; the other sections of
# docs/benchmarks.md are kept as they are. Extra arguments go to the benchmark command.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
ROOT="$(pwd)"
WORK=build/benchmarks
ALL_FLAVOURS="on-policy off-policy cooperative"
FLAVOURS=${FLAVOURS:-$ALL_FLAVOURS}
mkdir -p "$WORK" docs

for flavour in $FLAVOURS; do
    case " $ALL_FLAVOURS " in
        *" $flavour "*) ;;
        *) echo "ERROR: unknown flavour '$flavour' (choose from: $ALL_FLAVOURS)" >&2; exit 2 ;;
    esac
done

for flavour in $FLAVOURS; do
    project="$WORK/$flavour/my_trainer"
    rm -rf "$project"  # rendered afresh; the runs, kept beside it, are reused
    .venv/bin/cookiecutter --no-input -o "$WORK/$flavour" . algorithm="$flavour" >/dev/null
    tasks=(--tasks 3DBall)
    if [ "$flavour" = cooperative ]; then
        tasks=(--tasks 3DBall escape combination expedition)
    fi
    # Every default project is "my-trainer": each replaces the other in turn.
    .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps \
        --no-build-isolation -e "$project"
    (cd "$project" && "$ROOT/.venv/bin/my-trainer-benchmark" "${tasks[@]}" \
        --out ../results --report ../report.md --plot ../learning-curves.png "$@")
    cp "$WORK/$flavour/learning-curves.png" "docs/benchmarks-$flavour.png"
done
.venv/bin/python -m pip uninstall -q -y my-trainer

# The section of a flavour: its fresh report, or (not rerun) what the doc has now.
section() {
    local flavour=$1
    if [ -f "$WORK/$flavour/report.md" ] && [[ " $FLAVOURS " == *" $flavour "* ]]; then
        sed -e 's/^#/##/' -e "s/(learning-curves.png)/(benchmarks-$flavour.png)/" \
            -e "s/^## Benchmark: /## $flavour: /" "$WORK/$flavour/report.md"
    elif [ -f docs/benchmarks.md ]; then
        awk -v head="## $flavour: " '
            index($0, head) == 1 { keep = 1 }
            keep && /^## (on-policy|off-policy|cooperative): / && index($0, head) != 1 { keep = 0 }
            keep { print }' docs/benchmarks.md
    fi
}

{
    echo "# Benchmarks: the generated trainers vs ML-Agents' built-in ppo, sac and poca"
    echo
    echo "Produced by \`bash scripts/benchmark.sh\`: it renders the template's default"
    echo "project of each flavour, installs it, and runs that project's own"
    echo "\`my-trainer-benchmark\`. Each section below is the command's report as it"
    echo "wrote it, with its headings one level down and its PNG renamed."
    for flavour in $ALL_FLAVOURS; do
        body="$(section "$flavour")"
        if [ -n "$body" ]; then
            echo
            printf '%s\n' "$body"
        fi
    done
} >docs/benchmarks.md.new
mv docs/benchmarks.md.new docs/benchmarks.md
echo "Wrote docs/benchmarks.md"
