"""The update-speed tool runs a few updates of this flavour's case and prints its table."""

import re

import pytest
import torch

from {{ cookiecutter.package_name }}.benchmark import update_speed

PHASE = re.compile(r"^  (\S.*?) +(-?[0-9.]+) +-?[0-9]+%  +([0-9.]+) calls$", re.M)


def test_the_tool_times_a_few_updates_and_breaks_them_down(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["--updates", "2", "--repeats", "2", "--fill", "600", "--no-sb3"]
    assert update_speed.main(args) == 0
    out = capsys.readouterr().out
    kind = update_speed.flavour()
    case = update_speed.CASES[kind]
    assert f"Case: {case.title}" in out
    assert "torch threads 1" in out
    assert re.search(r"^  Stable-Baselines3 +not run \(--no-sb3\)$", out, re.M)
    ours = re.search(r"^  ours +([0-9.]+)$", out, re.M)
    assert ours is not None and float(ours.group(1)) > 0

    phases = {name: (float(ms), float(calls)) for name, ms, calls in PHASE.findall(out)}
    assembly = phases["minibatch assembly (buffer rows, reward signals)"]
    tensors = phases["tensor conversion (optimizer.batch_tensors)"]
    [update] = [v for name, v in phases.items() if "(optimizer.update)" in name]
    if kind == "off-policy":
        # One gradient step: a minibatch for the update and one for the reward
        # signals' update, with the rewards evaluated on the first; the update
        # converts its minibatch.
        assert (assembly[1], tensors[1], update[1]) == (3, 1, 1)
    else:
        # The buffer of 256 is converted once; each epoch takes one minibatch
        # of 256 from its tensors (the extrinsic reward trains on none).
        epochs = case.hyperparameters["num_epoch"]
        assert (assembly[1], tensors[1], update[1]) == (epochs, 1, epochs)
    assert assembly[0] > 0 and update[0] > 0


def test_bad_counts_are_one_line_errors(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        update_speed.main(["--updates", "0"])
    assert "--updates must be at least 1, got 0" in capsys.readouterr().err


def test_sb3_is_timed_as_it_ships_and_with_ours_activation(
    capsys: pytest.CaptureFixture[str],
) -> None:
    case = update_speed.CASES[update_speed.flavour()]
    models = [update_speed.build_sb3(case, 600, swish=swish) for swish in (False, True)]
    activations = [
        {type(m) for m in model.policy.modules() if not list(m.children())}
        for model in models
    ]
    assert torch.nn.SiLU not in activations[0] and torch.nn.SiLU in activations[1]
    if update_speed.flavour() == "on-policy":
        # Ours clips its gradients as SB3's PPO does (SB3's default; the zoo keeps it).
        assert case.hyperparameters["max_grad_norm"] == models[0].max_grad_norm

    assert update_speed.main(["--updates", "1", "--repeats", "2", "--fill", "600"]) == 0
    out = capsys.readouterr().out
    for label in ("Stable-Baselines3", "Stable-Baselines3 Swish"):
        assert re.search(rf"^  {label} +[0-9.]+$", out, re.M), out
    ratios = re.findall(r"^  ours / SB3( Swish)? +([0-9.]+)  \(median", out, re.M)
    assert [swish for swish, _ in ratios] == ["", " Swish"]
    assert all(float(ratio) > 0 for _, ratio in ratios)
