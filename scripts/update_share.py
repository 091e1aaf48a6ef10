"""Where one gradient step's time goes: ML-Agents' networks, or the trainer's own code.

`python -m my_trainer.benchmark.update_speed` finds one update of the generated
trainer slower than Stable-Baselines3's on the same shapes (CartPole-v1 PPO,
Pendulum-v1 SAC). This script asks whose time that is. For one gradient step on
one minibatch of 256, it times, interleaved, over the same repeats:

* **step**: the whole step, as the library takes it. SAC: one update is one
  gradient step (ours: a minibatch sampled from the buffer as the trainer does,
  then the optimizer's ``update``; SB3: ``train(gradient_steps=1)``). PPO: one
  update (ours: the buffer converted once, then 20 epochs of the optimizer's
  ``update`` on a shuffled minibatch; SB3: ``train()``, 20 epochs), divided by 20;
* **networks only**: the same network calls as that step makes (the same
  modules, the same inputs, the same optimizers), with every loss replaced by a
  plain sum of the outputs, then backward and the optimizers' steps. This is
  the part that belongs to the networks and to torch;
* **own code**: step minus networks only. The losses, minibatch sampling and
  tensor conversion, gradient clipping and bookkeeping: what a trainer author
  writes and can make faster without touching the network.

SB3 is timed twice: as it ships (ReLU for SAC, Tanh for PPO), and with Swish
(``activation_fn=nn.SiLU``), ML-Agents' activation. Ours runs the network
ML-Agents builds for it (Swish, observation encoders, ML-Agents' action model).
Both get the zoo's gradient clipping (PPO: max_grad_norm 0.5).

Usage: render a flavour (``cookiecutter --no-input . algorithm=on-policy``, or
off-policy), ``pip install -e`` it with the ``yardsticks`` extra's packages, then
``python scripts/update_share.py [--repeats 15] [--processes 1] [--out FILE]``. One torch thread.
``scripts/benchmark.sh`` runs it for both flavours (section ``update-share``).
"""

from __future__ import annotations

import argparse
import multiprocessing
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import torch

STEPS_PER_TIMING = 60  # gradient steps per timing; the median is over repeats
INTRO = """\
Written by `scripts/update_share.py`, once per flavour that has an SB3 twin.
`python -m my_trainer.benchmark.update_speed` finds an update of ours slower
than Stable-Baselines3's on the same shapes. This splits one gradient step in
two. **Networks only**: the same network calls as the step makes (the same
modules, inputs and optimizers), every loss replaced by a plain sum of the
outputs, then backward and the optimizers' steps. **Own code**: the rest (step
minus networks only): the losses, minibatch sampling and tensor conversion,
gradient clipping, bookkeeping. Ours runs the network ML-Agents builds for it,
as ML-Agents' built-ins do (Swish, observation encoders, ML-Agents' action
model); SB3 runs its own, as it ships and with Swish (`activation_fn=nn.SiLU`).
The own-code ratio is the part a trainer author can make faster without
changing the maths; the networks-only column is the part that needs a
different network: another activation changes the maths, and another
implementation of the same one leaves ML-Agents' network classes. Own code is
a difference of two timings, so it is the noisier column."""


def total(outputs: dict[str, torch.Tensor]) -> torch.Tensor:
    """A loss that touches every output and does nothing else."""
    return torch.stack([value.sum() for value in outputs.values()]).sum()


def take_step(optimizer: torch.optim.Optimizer, loss: torch.Tensor) -> None:
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()


Steps = dict[str, tuple[Callable[[], None], int]]  # label: (call, gradient steps in it)


def ppo_steps(us: Any) -> Steps:
    """CartPole-v1 shapes, the zoo's PPO: an update is 20 epochs of one minibatch."""
    case = us.CASES["on-policy"]  # with the zoo's max_grad_norm, 0.5, as SB3 clips
    trainer = us.build_ours(case, "on-policy", Path(tempfile.mkdtemp()))
    snapshot = us.copy_buffer(us.fill_ours(trainer, case, case.agents * 32))
    optimizer = trainer.optimizer
    actor, critic = optimizer.policy.actor, optimizer.critic
    epochs = case.hyperparameters["num_epoch"]

    def ours_update() -> None:
        # As the trainer's _update_policy: convert once, then one minibatch per epoch.
        tensors = optimizer.batch_tensors(snapshot)
        for _ in range(epochs):
            optimizer.update(optimizer.minibatch(tensors, torch.randperm(256)), 256)

    batch = optimizer.minibatch(optimizer.batch_tensors(snapshot), torch.arange(256))

    def ours_networks() -> None:
        stats = actor.get_stats(
            batch.obs, batch.actions, masks=batch.action_masks, sequence_length=1
        )
        values, _ = critic.critic_pass(batch.obs, sequence_length=1)
        log_probs = stats["log_probs"].flatten()
        loss = log_probs.sum() + stats["entropy"].sum() + total(values)
        take_step(optimizer.optimizer, loss)

    steps = {"ours": (ours_update, epochs), "ours, networks only": (ours_networks, 1)}
    for label, swish in (("SB3", False), ("SB3 Swish", True)):
        model = us.build_sb3(case, 256, swish=swish)
        data = next(model.rollout_buffer.get(256))

        def sb3_networks(model: Any = model, data: Any = data) -> None:
            values, log_prob, entropy = model.policy.evaluate_actions(
                data.observations, data.actions.long().flatten()
            )
            loss = values.sum() + log_prob.sum() + entropy.sum()
            take_step(model.policy.optimizer, loss)

        steps[label] = (model.train, epochs)  # an update: 20 epochs of one minibatch
        steps[f"{label}, networks only"] = (sb3_networks, 1)
    return steps


def sac_steps(us: Any, fill: int) -> Steps:
    """Pendulum-v1 shapes, the zoo's SAC: one gradient step on 256 samples."""
    from mlagents.trainers.buffer import RewardSignalUtil  # type: ignore[import-untyped]
    from stable_baselines3.common.utils import polyak_update

    case = us.CASES["off-policy"]
    trainer = us.build_ours(case, "off-policy", Path(tempfile.mkdtemp()))
    us.fill_ours(trainer, case, fill)
    optimizer = trainer.optimizer
    actor = optimizer.policy.actor

    def sample() -> Any:
        # As the trainer's _update_policy: rows of the buffer, then the rewards.
        batch = trainer.update_buffer.sample_mini_batch(256, sequence_length=1)
        for name, signal in optimizer.reward_signals.items():
            rewards = signal.evaluate(batch) * signal.strength
            batch[RewardSignalUtil.rewards_key(name)].set(rewards)
        return batch

    def ours_step() -> None:
        optimizer.update(sample(), 256)

    batch = optimizer.batch_tensors(sample())
    obs, next_obs, taken = batch.obs, batch.next_obs, batch.actions.continuous_tensor

    def ours_networks() -> None:
        # The calls of the optimizer's update: a' ~ pi(s'), both target Qs; both
        # Qs of the taken action; a ~ pi(s), both Qs of it (no Q weight gradients);
        # the three optimizers' steps and the Polyak update.
        with torch.no_grad():
            action, _, _ = actor.get_action_and_stats(
                next_obs, masks=batch.action_masks, sequence_length=1
            )
            optimizer.target_q1(next_obs, action.continuous_tensor, None, 1)
            optimizer.target_q2(next_obs, action.continuous_tensor, None, 1)
        q1, _ = optimizer.q1(obs, taken, None, 1)
        q2, _ = optimizer.q2(obs, taken, None, 1)
        take_step(optimizer.q_optimizer, total(q1) + total(q2))
        action, run_out, _ = actor.get_action_and_stats(
            obs, masks=batch.action_masks, sequence_length=1
        )
        for parameter in optimizer._q_params:
            parameter.requires_grad_(False)
        q1_pi, _ = optimizer.q1(obs, action.continuous_tensor, None, 1)
        q2_pi, _ = optimizer.q2(obs, action.continuous_tensor, None, 1)
        for parameter in optimizer._q_params:
            parameter.requires_grad_(True)
        log_prob = run_out["log_probs"].continuous_tensor.sum(dim=1)
        take_step(
            optimizer.policy_optimizer, total(q1_pi) + total(q2_pi) + log_prob.sum()
        )
        alpha_loss = (optimizer.log_alpha_continuous * log_prob.detach().mean()).sum()
        take_step(optimizer.alpha_optimizer, alpha_loss)
        optimizer.update_targets()

    steps = {"ours": (ours_step, 1), "ours, networks only": (ours_networks, 1)}
    for label, swish in (("SB3", False), ("SB3 Swish", True)):
        model = us.build_sb3(case, fill, swish=swish)
        data = model.replay_buffer.sample(256)

        def sb3_step(model: Any = model) -> None:
            model.train(gradient_steps=1, batch_size=256)

        def sb3_networks(model: Any = model, data: Any = data) -> None:
            # The calls of SAC.train: a ~ pi(s) and the temperature's step; a' ~
            # pi(s') and the target critic; the critic of the taken action and its
            # step; the critic of a and the actor's step; the Polyak update.
            action, log_prob = model.actor.action_log_prob(data.observations)
            take_step(
                model.ent_coef_optimizer,
                (model.log_ent_coef * log_prob.detach().mean()).sum(),
            )
            with torch.no_grad():
                next_action, _ = model.actor.action_log_prob(data.next_observations)
                model.critic_target(data.next_observations, next_action)
            q_taken = model.critic(data.observations, data.actions)
            take_step(model.critic.optimizer, sum(q.sum() for q in q_taken))
            q_pi = torch.cat(model.critic(data.observations, action), dim=1)
            take_step(model.actor.optimizer, q_pi.sum() + log_prob.sum())
            polyak_update(
                model.critic.parameters(), model.critic_target.parameters(), 0.005
            )

        steps[label] = (sb3_step, 1)
        steps[f"{label}, networks only"] = (sb3_networks, 1)
    return steps


def milliseconds(call: Callable[[], None], gradient_steps: int) -> float:
    """Per gradient step, over at least STEPS_PER_TIMING of them."""
    calls = max(STEPS_PER_TIMING // gradient_steps, 1)
    start = time.perf_counter()
    for _ in range(calls):
        call()
    return 1000 * (time.perf_counter() - start) / (calls * gradient_steps)


def report(flavour: str, runs: list[dict[str, float]], repeats: int) -> str:
    """The markdown table: per trainer, step, networks only, own code, ratios.

    ``runs`` holds, per process, each label's median milliseconds; the table
    shows the median over processes, and the range of ours' step / SB3's step.
    """
    median = {label: statistics.median(run[label] for run in runs) for label in runs[0]}
    title = {
        "on-policy": "CartPole-v1 shapes, PPO (zoo: 2x64, one minibatch of 256)",
        "off-policy": "Pendulum-v1 shapes, SAC (zoo: 2x256, one minibatch of 256)",
    }[flavour]
    processes = (
        f"; the median over {len(runs)} processes, one after the other"
        if len(runs) > 1
        else ""
    )
    lines = [
        f"**{title}.** Milliseconds per gradient step, median of {repeats} "
        f"interleaved repeats of {STEPS_PER_TIMING} steps{processes}; Python "
        f"{platform.python_version()}, torch {torch.__version__}, one thread.",
        "",
        "| trainer | step | networks only | own code | step / SB3's step "
        "| own code / SB3's own code |",
        "|---|---|---|---|---|---|",
    ]
    for trainer in ("ours", "SB3", "SB3 Swish"):
        step, networks = median[trainer], median[f"{trainer}, networks only"]
        own = step - networks
        sb3_own = median["SB3"] - median["SB3, networks only"]
        lines.append(
            f"| {trainer} | {step:.2f} | {networks:.2f} | {own:.2f} "
            f"| {step / median['SB3']:.2f} | {own / sb3_own:.2f} |"
        )
    if len(runs) > 1:
        ratios = sorted(run["ours"] / run["SB3"] for run in runs)
        sb3 = sorted(run["SB3"] for run in runs)
        lines += [
            "",
            f"Per process, ours' step / SB3's step ranged from {ratios[0]:.2f} to "
            f"{ratios[-1]:.2f}, and SB3's step from {sb3[0]:.2f} to {sb3[-1]:.2f} ms.",
        ]
    return "\n".join(lines)


def measure(repeats: int, fill: int) -> dict[str, float]:
    """In this process: every label's median milliseconds per gradient step."""
    from mlagents.plugins.trainer_type import (  # type: ignore[import-untyped]
        register_trainer_plugins,
    )
    from my_trainer.benchmark import update_speed as us

    register_trainer_plugins()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    np.random.seed(0)
    steps = ppo_steps(us) if us.flavour() == "on-policy" else sac_steps(us, fill)
    for call, gradient_steps in steps.values():  # warm-up: allocations, caches
        milliseconds(call, gradient_steps)
    timings: dict[str, list[float]] = {label: [] for label in steps}
    for repeat in range(repeats):
        print(f"repeat {repeat + 1}/{repeats}...", file=sys.stderr)
        for label, (call, gradient_steps) in steps.items():
            timings[label].append(milliseconds(call, gradient_steps))
    return {label: statistics.median(times) for label, times in timings.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=15, help="default 15")
    parser.add_argument(
        "--fill", type=int, default=20_000, help="SAC's buffer fill (default 20000)"
    )
    parser.add_argument(
        "--processes",
        type=int,
        default=1,
        help="fresh processes to measure in, one after the other (default 1)",
    )
    parser.add_argument("--out", type=Path, help="markdown file (default: stdout)")
    parser.add_argument(
        "--intro", action="store_true", help="print how to read the tables, and stop"
    )
    args = parser.parse_args(argv)
    if args.intro:
        print(INTRO)
        return 0
    if args.repeats < 1 or args.processes < 1:
        parser.error("--repeats and --processes must be at least 1")
    try:
        from my_trainer.benchmark import update_speed as us
    except ImportError as error:
        print(f"ERROR: render and install a flavour first ({error})", file=sys.stderr)
        return 2
    if not us.sb3_available():
        print("ERROR: needs stable-baselines3 (scripts/bootstrap.sh)", file=sys.stderr)
        return 2
    flavour = us.flavour()
    if flavour not in ("on-policy", "off-policy"):
        print(f"ERROR: no SB3 twin for the {flavour} flavour", file=sys.stderr)
        return 2
    if args.processes == 1:
        runs = [measure(args.repeats, args.fill)]
    else:
        # One fresh process at a time: how fast the same model runs depends on
        # the process it was built in, by several percent (cause unknown; memory
        # layout is one guess), so one process can mislead.
        runs = []
        context = multiprocessing.get_context("spawn")
        for process in range(args.processes):
            print(f"process {process + 1}/{args.processes}...", file=sys.stderr)
            with ProcessPoolExecutor(1, mp_context=context) as pool:
                runs.append(pool.submit(measure, args.repeats, args.fill).result())
    text = report(flavour, runs, args.repeats)
    if args.out:
        args.out.write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
