"""The update-speed tool runs a few updates of this flavour's case and prints its table."""

import re

import pytest

from {{ cookiecutter.package_name }}.benchmark import update_speed


def test_the_tool_times_a_few_updates_and_breaks_them_down(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["--updates", "2", "--repeats", "2", "--fill", "600", "--no-sb3"]
    assert update_speed.main(args) == 0
    out = capsys.readouterr().out
    case = update_speed.CASES[update_speed.flavour()]
    assert f"Case: {case.title}" in out
    assert "torch threads 1" in out
    assert "Stable-Baselines3    not run (--no-sb3)" in out
    ours = re.search(r"^  ours +([0-9.]+)$", out, re.MULTILINE)
    assert ours is not None and float(ours.group(1)) > 0
    breakdown = out.split("broken down")[1]
    phases = dict(
        re.findall(r"^  (\S.*?) +(-?[0-9.]+) +-?[0-9]+%$", breakdown, re.MULTILINE)
    )
    # Every update samples its minibatch from the buffer; the phases add up to
    # the time of the trainer's _update_policy.
    assert float(phases["minibatch assembly (AgentBuffer, reward signals)"]) > 0
    assert len(phases) >= 3


def test_bad_counts_are_one_line_errors(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        update_speed.main(["--updates", "0"])
    assert "--updates must be at least 1, got 0" in capsys.readouterr().err
