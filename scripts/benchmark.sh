#!/usr/bin/env bash
# Regenerate docs/benchmarks.md and its learning curves: render the template's
# default project of each flavour, install it, and run its own `my-trainer-benchmark`
# (5 seeds, the generated trainer beside ML-Agents' built-in twin). Sections:
#   on-policy, off-policy, cooperative   3DBall to reward 90 (the cooperative
#                                        flavour also on its group tasks);
#   gymnasium-on-policy,                 the Gymnasium yardsticks (CartPole, Acrobot,
#   gymnasium-off-policy                 Pendulum, MountainCarContinuous, MuJoCo's
#                                        InvertedPendulum), with Stable-Baselines3 as a
#                                        third trainer and rl-baselines3-zoo's scores;
#   sample-gap, sample-gap-acrobot,      scripts/sample_gap.py: SB3's PPO on CartPole
#   sample-gap-mountaincar,              (Acrobot, MountainCarContinuous, InvertedPendulum)
#   sample-gap-invertedpendulum          moved towards ML-Agents' one difference at a time;
#   update-share                         scripts/update_share.py: one gradient step of
#                                        ours and SB3's split into networks and own code.
# The 3DBall sections take about 40 minutes on 2 quiet cores; the Gymnasium ones
# hours. Interrupted, it resumes: finished runs are kept under build/benchmarks/.
# SECTIONS="cooperative gymnasium-on-policy" reruns some sections only; the other
# sections of docs/benchmarks.md are kept as they are. Extra arguments go to the
# benchmark command (--jobs 2, for instance).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
ROOT="$(pwd)"
WORK=build/benchmarks
ALL_SECTIONS="on-policy off-policy cooperative gymnasium-on-policy gymnasium-off-policy sample-gap sample-gap-acrobot sample-gap-mountaincar sample-gap-invertedpendulum update-share"
SECTIONS=${SECTIONS:-$ALL_SECTIONS}
mkdir -p "$WORK" docs

for section in $SECTIONS; do
    case " $ALL_SECTIONS " in
        *" $section "*) ;;
        *) echo "ERROR: unknown section '$section' (choose from: $ALL_SECTIONS)" >&2; exit 2 ;;
    esac
done

# A section's flavour, its tasks, and the heading its report gets in the doc.
flavour_of() { echo "${1#gymnasium-}"; }
tasks_of() {
    case $1 in
        cooperative) echo "3DBall escape combination expedition" ;;
        gymnasium-on-policy) echo "CartPole-v1 Acrobot-v1 Pendulum-v1 MountainCarContinuous-v0 InvertedPendulum-v5" ;;
        gymnasium-off-policy) echo "Pendulum-v1 MountainCarContinuous-v0 InvertedPendulum-v5" ;;
        *) echo "3DBall" ;;
    esac
}
heading_of() {
    case $1 in
        gymnasium-*) echo "## $(flavour_of "$1") on Gymnasium: " ;;
        sample-gap) echo "## CartPole-v1, PPO: where SB3's samples go" ;;
        sample-gap-acrobot) echo "## Acrobot-v1, PPO: where SB3's samples go" ;;
        sample-gap-mountaincar) echo "## MountainCarContinuous-v0, PPO: where SB3's samples go" ;;
        sample-gap-invertedpendulum) echo "## InvertedPendulum-v5, PPO: where SB3's samples go" ;;
        update-share) echo "## One gradient step: ML-Agents' networks, or the trainer's own code" ;;
        *) echo "## $1: " ;;
    esac
}

# MuJoCo's InvertedPendulum-v5 needs the mujoco wheel (the generated packages'
# [mujoco] extra), which scripts/bootstrap.sh leaves out.
if [[ " $SECTIONS " == *" gymnasium-"* || " $SECTIONS " == *" sample-gap-invertedpendulum "* ]]; then
    .venv/bin/python -m pip install -q --disable-pip-version-check "gymnasium[mujoco]>=1.0,<2"
fi

for section in $SECTIONS; do
    if [[ $section == sample-gap* ]]; then
        # SB3 alone, 10 seeds per variant; every task's runs are kept in one cache.
        case $section in
            sample-gap-acrobot) task=Acrobot-v1 ;;
            sample-gap-mountaincar) task=MountainCarContinuous-v0 ;;
            sample-gap-invertedpendulum) task=InvertedPendulum-v5 ;;
            *) task=CartPole-v1 ;;
        esac
        mkdir -p "$WORK/$section"
        .venv/bin/python scripts/sample_gap.py --task "$task" --cache "$WORK/sample-gap/runs" \
            --out "$WORK/$section/report.md" --jobs 2
        continue
    fi
    if [ "$section" = update-share ]; then
        # Quiet cores matter here: nothing else of this script runs meanwhile.
        mkdir -p "$WORK/$section"
        .venv/bin/python scripts/update_share.py --intro >"$WORK/$section/report.md"
        for flavour in on-policy off-policy; do
            rm -rf "$WORK/$section/$flavour"
            .venv/bin/cookiecutter --no-input -o "$WORK/$section/$flavour" . \
                algorithm="$flavour" >/dev/null
            .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps \
                --no-build-isolation -e "$WORK/$section/$flavour/my_trainer"
            echo >>"$WORK/$section/report.md"
            .venv/bin/python scripts/update_share.py --processes 5 --repeats 7 \
                >>"$WORK/$section/report.md"
        done
        continue
    fi
    flavour=$(flavour_of "$section")
    project="$WORK/$section/my_trainer"
    rm -rf "$project"  # rendered afresh; the runs, kept beside it, are reused
    .venv/bin/cookiecutter --no-input -o "$WORK/$section" . algorithm="$flavour" >/dev/null
    # Every default project is "my-trainer": each replaces the other in turn.
    .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps \
        --no-build-isolation -e "$project"
    read -r -a tasks <<<"$(tasks_of "$section")"
    (cd "$project" && "$ROOT/.venv/bin/my-trainer-benchmark" --tasks "${tasks[@]}" \
        --out ../results --report ../report.md --plot ../learning-curves.png "$@")
    cp "$WORK/$section/learning-curves.png" "docs/benchmarks-$section.png"
done
.venv/bin/python -m pip uninstall -q -y my-trainer

# A section of the doc: its fresh report, or (not rerun) what the doc has now.
section_text() {
    local section=$1 head
    head=$(heading_of "$section")
    if [[ $section == sample-gap* || $section == update-share ]] \
        && [ -f "$WORK/$section/report.md" ] && [[ " $SECTIONS " == *" $section "* ]]; then
        echo "$head"
        echo
        cat "$WORK/$section/report.md"
    elif [ -f "$WORK/$section/report.md" ] && [[ " $SECTIONS " == *" $section "* ]]; then
        sed -e 's/^#/##/' -e "s/(learning-curves.png)/(benchmarks-$section.png)/" \
            -e "s/^## Benchmark: /$head/" "$WORK/$section/report.md"
    elif [ -f docs/benchmarks.md ]; then
        local heads=()
        for other in $ALL_SECTIONS; do heads+=("$(heading_of "$other")"); done
        awk -v head="$head" -v all="$(printf '%s\n' "${heads[@]}")" '
            BEGIN { n = split(all, heads, "\n") }
            function is_head(line,   i) {
                for (i = 1; i <= n; i++) if (index(line, heads[i]) == 1) return 1
                return 0
            }
            index($0, head) == 1 { keep = 1; print; next }
            keep && is_head($0) { keep = 0 }
            keep { print }' docs/benchmarks.md
    fi
}

{
    echo "# Benchmarks: the generated trainers vs ML-Agents' built-in ppo, sac and poca, and Stable-Baselines3"
    echo
    echo "Produced by \`bash scripts/benchmark.sh\`: it renders the template's default"
    echo "project of each flavour, installs it, and runs that project's own"
    echo "\`my-trainer-benchmark\`: on 3DBall (and the cooperative flavour's group tasks)"
    echo "against the built-in twin, and on Gymnasium's standard tasks against the twin"
    echo "and Stable-Baselines3 with rl-baselines3-zoo's settings. Each section below is"
    echo "the command's report as it wrote it, with its headings one level down and its"
    echo "PNG renamed."
    for section in $ALL_SECTIONS; do
        body="$(section_text "$section")"
        if [ -n "$body" ]; then
            echo
            printf '%s\n' "$body"
        fi
    done
} >docs/benchmarks.md.new
mv docs/benchmarks.md.new docs/benchmarks.md
echo "Wrote docs/benchmarks.md"
