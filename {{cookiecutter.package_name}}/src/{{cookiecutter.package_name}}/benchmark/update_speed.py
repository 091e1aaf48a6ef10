"""How long one update of this trainer takes, against Stable-Baselines3's on the same shapes.

Run it with ``python -m {{ cookiecutter.package_name }}.benchmark.update_speed``. It
builds this package's trainer as ML-Agents would, fills its buffer with
synthetic trajectories through ``_process_trajectory``, and times the trainer's
own ``_update_policy`` (``time.perf_counter``, median over repeats):

* off-policy: Pendulum-v1's shapes (3 observations, 1 continuous action) with
  rl-baselines3-zoo's SAC settings: a 2x256 network, batch 256, one gradient
  step per update, a buffer of 1e6 (filled with ``--fill`` steps);
* on-policy and cooperative: CartPole-v1's shapes (4 observations, one
  discrete branch of 2) with the zoo's PPO settings: a 2x64 network, a buffer
  of 32 steps x 8 agents = 256, batch 256, 20 epochs: one update is 20
  gradient steps.

With Stable-Baselines3 installed (``pip install '{{ cookiecutter.distribution_name }}[yardsticks]'``),
its SAC or PPO ``train()`` runs on the same shapes, its buffer filled with
synthetic data, interleaved with ours in every repeat, so that both see the
same load on a shared machine; the ratio ours / SB3 is the number to read.
ML-Agents' networks are not SB3's: they use Swish where SB3 uses ReLU (SAC) or
Tanh (PPO), and add observation encoders and a conditional sigma. So SB3 is
timed twice: as it ships, and with Swish (``activation_fn=nn.SiLU``), the same
network as far as SB3 can build it; the second ratio is closer to the time that
is the trainer's own code. The breakdown of ours comes from one more, instrumented repeat:
minibatch assembly (rows of the update buffer, or of its tensors, and the
reward signals' minibatches), tensor conversion in the optimizer, forward
passes and losses, backward passes and optimizer steps. A minibatch of the
update buffer takes a field's rows when the field is first read, so the rows
that ``batch_tensors`` reads count as tensor conversion.

Change the shapes in ``CASES``; add a phase to the breakdown in ``_instrumented``.
"""

import argparse
import importlib.metadata
import os
import platform
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import torch
from mlagents.plugins.trainer_type import register_trainer_plugins
from mlagents.trainers.behavior_id_utils import BehaviorIdentifiers
from mlagents.trainers.buffer import AgentBuffer
from mlagents.trainers.settings import RunOptions
from mlagents.trainers.torch_entities.action_log_probs import LogProbsTuple
from mlagents.trainers.trainer.off_policy_trainer import OffPolicyTrainer
from mlagents.trainers.trainer.rl_trainer import RLTrainer
from mlagents.trainers.trajectory import AgentExperience, Trajectory
from mlagents_envs.base_env import (
    ActionSpec,
    ActionTuple,
    BehaviorSpec,
    DimensionProperty,
    ObservationSpec,
    ObservationType,
)

from .. import __version__
from ..trainer import TRAINER_NAME, get_type_and_setting

DISTRIBUTION = "{{ cookiecutter.distribution_name }}"
YARDSTICK_EXTRA = "yardsticks"  # the extra that installs Stable-Baselines3
# The update buffer's methods that assemble minibatches (UpdateBuffer's and AgentBuffer's).
BUFFER_SAMPLING = ("sample_mini_batch", "shuffle", "make_mini_batch", "take")


@dataclass(frozen=True)
class Case:
    """One set of shapes and settings, ours and SB3's."""

    title: str
    obs_size: int
    continuous_size: int
    discrete_branches: tuple[int, ...]
    hidden_units: int
    agents: int  # agents acting at once (SB3's n_envs)
    trajectory_steps: int  # steps per synthetic trajectory
    hyperparameters: dict[str, Any]
    sb3_algorithm: str
    sb3_kwargs: dict[str, Any] = field(default_factory=dict)


CASES = {
    # rl-baselines3-zoo hyperparams/sac.yml, Pendulum-v1 (SAC's defaults otherwise).
    "off-policy": Case(
        title="Pendulum-v1 shapes, SAC (zoo: 2x256, batch 256, 1 gradient step per update, buffer 1e6)",
        obs_size=3,
        continuous_size=1,
        discrete_branches=(),
        hidden_units=256,
        agents=1,
        trajectory_steps=200,
        hyperparameters=dict(
            batch_size=256,
            buffer_size=1_000_000,
            learning_rate=1e-3,
            steps_per_update=1.0,
        ),
        sb3_algorithm="SAC",
        sb3_kwargs=dict(
            learning_rate=1e-3,
            buffer_size=1_000_000,
            batch_size=256,
            gradient_steps=1,
            policy_kwargs=dict(net_arch=[256, 256]),
        ),
    ),
    # rl-baselines3-zoo hyperparams/ppo.yml, CartPole-v1 (PPO's defaults otherwise).
    "on-policy": Case(
        title="CartPole-v1 shapes, PPO (zoo: 2x64, 32 steps x 8 agents = buffer 256, batch 256, 20 epochs)",
        obs_size=4,
        continuous_size=0,
        discrete_branches=(2,),
        hidden_units=64,
        agents=8,
        trajectory_steps=32,
        hyperparameters=dict(
            batch_size=256,
            buffer_size=256,
            num_epoch=20,
            learning_rate=1e-3,
            epsilon=0.2,
            beta=0.0,
            beta_schedule="constant",
            lambd=0.8,
            max_grad_norm=0.5,  # SB3's default, which the zoo keeps
        ),
        sb3_algorithm="PPO",
        sb3_kwargs=dict(
            n_steps=32,
            batch_size=256,
            n_epochs=20,
            learning_rate=1e-3,
            clip_range=0.2,
            ent_coef=0.0,
            gae_lambda=0.8,
            gamma=0.98,
            policy_kwargs=dict(net_arch=[64, 64]),
        ),
    ),
}
GAMMA = {"off-policy": 0.99, "on-policy": 0.98}


@dataclass
class Timings:
    """Seconds per update of every repeat: ours, SB3's, and SB3's with Swish."""

    ours: list[float] = field(default_factory=list)
    sb3: list[float] = field(default_factory=list)
    sb3_swish: list[float] = field(default_factory=list)


def flavour() -> str:
    """``off-policy`` for a replay-buffer trainer, else ``on-policy`` (cooperative included)."""
    trainer_cls = get_type_and_setting()[0][TRAINER_NAME]
    return "off-policy" if issubclass(trainer_cls, OffPolicyTrainer) else "on-policy"


def behavior_spec(case: Case) -> BehaviorSpec:
    observation = ObservationSpec(
        shape=(case.obs_size,),
        dimension_property=(DimensionProperty.NONE,),
        observation_type=ObservationType.DEFAULT,
        name="VectorSensor",
    )
    action = ActionSpec(case.continuous_size, case.discrete_branches)
    return BehaviorSpec([observation], action)


def build_ours(case: Case, kind: str, artifact_path: Path) -> RLTrainer:
    """This package's trainer with its policy and optimizer, as ML-Agents builds them."""
    behavior = {
        "trainer_type": TRAINER_NAME,
        "hyperparameters": case.hyperparameters,
        "network_settings": {"hidden_units": case.hidden_units, "num_layers": 2},
        "reward_signals": dict(extrinsic=dict(gamma=GAMMA[kind], strength=1.0)),
    }
    options = RunOptions.from_dict(dict(behaviors=dict(Probe=behavior)))
    settings = options.behaviors["Probe"]
    trainer_cls = get_type_and_setting()[0][TRAINER_NAME]
    trainer: RLTrainer = trainer_cls(
        "Probe", 1, settings, True, False, 0, str(artifact_path)
    )
    parsed = BehaviorIdentifiers.from_name_behavior_id("Probe?team=0")
    trainer.add_policy(parsed, trainer.create_policy(parsed, behavior_spec(case)))
    return trainer


def synthetic_trajectory(
    case: Case, rng: np.random.Generator, agent_id: str
) -> Trajectory:
    """Random steps shaped like the AgentProcessor's, ending in a cut-off episode."""
    n = case.trajectory_steps
    steps = []
    for t in range(n):
        continuous = rng.uniform(-1, 1, (case.continuous_size,)).astype(np.float32)
        discrete = np.array(
            [rng.integers(b) for b in case.discrete_branches], dtype=np.int32
        )
        steps.append(
            AgentExperience(
                obs=[rng.normal(size=case.obs_size).astype(np.float32)],
                reward=float(rng.normal()),
                done=t == n - 1,
                action=ActionTuple(continuous=continuous, discrete=discrete),
                action_probs=LogProbsTuple(
                    continuous=np.full_like(continuous, -1.0),
                    discrete=np.full(discrete.shape, -0.7, dtype=np.float32),
                ),
                action_mask=(
                    [np.zeros(b, dtype=bool) for b in case.discrete_branches]
                    if case.discrete_branches
                    else None
                ),
                prev_action=np.zeros(len(case.discrete_branches), dtype=np.int32),
                interrupted=t == n - 1,
                memory=None,
                group_status=[],
                group_reward=0.0,
            )
        )
    next_obs = [rng.normal(size=case.obs_size).astype(np.float32)]
    return Trajectory(steps, next_obs, [], agent_id, "Probe?team=0")


def fill_ours(trainer: RLTrainer, case: Case, steps: int) -> AgentBuffer:
    """Put ``steps`` synthetic steps through the trainer's ``_process_trajectory``."""
    rng = np.random.default_rng(0)
    for i in range(max(steps // case.trajectory_steps, 1)):
        agent = f"agent-{i % case.agents}"
        trainer._process_trajectory(synthetic_trajectory(case, rng, agent))
    return trainer.update_buffer


def copy_buffer(buffer: AgentBuffer) -> AgentBuffer:
    """A copy, of the same class, to shuffle and clear without touching ``buffer``."""
    copy = type(buffer)()
    for key, values in buffer.items():
        copy[key].set(list(values))
    return copy


def prepare_ours(trainer: RLTrainer, kind: str, snapshot: AgentBuffer) -> None:
    """Set the trainer up for exactly one more update (not timed)."""
    if kind == "off-policy":
        # One gradient step: the trainer updates while steps / updates > 1.
        trainer._step = trainer.update_steps + 1
        trainer.reward_signal_update_steps = trainer.update_steps
    else:
        # An on-policy update clears its buffer: start again from the same steps.
        trainer.update_buffer = copy_buffer(snapshot)


def build_sb3(case: Case, fill: int, swish: bool = False) -> Any:
    """SB3's SAC or PPO on the same shapes, its buffer filled with synthetic data;
    with ``swish``, its hidden layers use ML-Agents' activation instead of its own."""
    import gymnasium
    import stable_baselines3
    from stable_baselines3.common.env_util import make_vec_env
    from stable_baselines3.common.logger import Logger

    env_id = "Pendulum-v1" if case.sb3_algorithm == "SAC" else "CartPole-v1"
    env = make_vec_env(env_id, n_envs=case.agents, seed=0)
    algorithm = getattr(stable_baselines3, case.sb3_algorithm)
    kwargs = dict(case.sb3_kwargs)
    if swish:
        kwargs["policy_kwargs"] = dict(
            kwargs["policy_kwargs"], activation_fn=torch.nn.SiLU
        )
    model = algorithm("MlpPolicy", env, device="cpu", seed=0, **kwargs)
    model.set_logger(Logger(folder=None, output_formats=[]))
    rng = np.random.default_rng(0)
    if case.sb3_algorithm == "SAC":
        replay = model.replay_buffer
        n = min(fill, replay.buffer_size)
        replay.observations[:n] = rng.normal(size=replay.observations[:n].shape)
        replay.next_observations[:n] = rng.normal(size=replay.observations[:n].shape)
        replay.actions[:n] = rng.uniform(-2, 2, size=replay.actions[:n].shape)
        replay.rewards[:n] = rng.normal(size=replay.rewards[:n].shape)
        replay.dones[:n] = rng.random(replay.dones[:n].shape) < 1 / 200
        replay.pos = n
    else:
        rollout = model.rollout_buffer
        rollout.reset()
        space = env.observation_space
        assert isinstance(space, gymnasium.spaces.Box)
        for _ in range(rollout.buffer_size):
            obs = rng.normal(size=(case.agents, *space.shape)).astype(np.float32)
            with torch.no_grad():
                actions, values, log_probs = model.policy(torch.as_tensor(obs))
            rewards = rng.normal(size=case.agents).astype(np.float32)
            starts = rng.random(case.agents) < 1 / 32
            rollout.add(obs, actions.numpy(), rewards, starts, values, log_probs)
        rollout.compute_returns_and_advantage(values, np.zeros(case.agents))
    return model


def update_sb3(model: Any) -> None:
    if model.__class__.__name__ == "SAC":
        model.train(gradient_steps=1, batch_size=model.batch_size)
    else:
        model.train()


def time_per_update(
    update: Callable[[], None], n: int, prepare: Callable[[], None] = lambda: None
) -> float:
    """Seconds per ``update()``, each after an untimed ``prepare()``."""
    seconds = 0.0
    for _ in range(n):
        prepare()
        start = time.perf_counter()
        update()
        seconds += time.perf_counter() - start
    return seconds / n


@dataclass
class Phase:
    """Seconds spent in some calls, and how many calls."""

    seconds: float = 0.0
    calls: int = 0


@contextmanager
def timed_calls(
    obj: Any, name: str, totals: dict[str, Phase], phase: str, running: list[float]
) -> Iterator[None]:
    """Add the time and count of every ``obj.name(...)`` call to ``totals[phase]``.

    The time is the call's own: timed calls inside it count in their phases
    only. ``running`` holds, for each timed call in progress, the time of the
    timed calls nested in it; share one list between all ``timed_calls``.
    Shadows the method on this one instance and removes the shadow afterwards.
    """
    method = getattr(obj, name)

    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        running.append(0.0)
        try:
            return method(*args, **kwargs)
        finally:
            elapsed = time.perf_counter() - start
            totals[phase].seconds += elapsed - running.pop()
            totals[phase].calls += 1
            if running:
                running[-1] += elapsed

    setattr(obj, name, timed)
    try:
        yield
    finally:
        delattr(obj, name)


def _instrumented(
    trainer: RLTrainer, kind: str, snapshot: AgentBuffer, n: int
) -> dict[str, tuple[float, float]]:
    """(Milliseconds, calls) per update in each phase of ours, over ``n`` updates."""
    totals: dict[str, Phase] = defaultdict(Phase)
    running: list[float] = []
    optimizer = trainer.optimizer
    # The optimizer's own seams: batch_tensors converts, minibatch takes rows
    # of converted tensors, _step runs backward and the optimizer step.
    # Without them, their time counts in optimizer.update's.
    seams = {"batch_tensors": "tensors", "minibatch": "sampling", "_step": "backward"}
    seams = {m: phase for m, phase in seams.items() if hasattr(optimizer, m)}
    with ExitStack() as stack:
        timed = partial(timed_calls, totals=totals, running=running)
        stack.enter_context(timed(optimizer, "update", phase="update"))
        for method, phase in seams.items():
            stack.enter_context(timed(optimizer, method, phase=phase))
        for signal in optimizer.reward_signals.values():
            stack.enter_context(timed(signal, "evaluate", phase="sampling"))
        for _ in range(n):
            prepare_ours(trainer, kind, snapshot)
            with ExitStack() as sampling:
                for method in BUFFER_SAMPLING:
                    sampling.enter_context(
                        timed(trainer.update_buffer, method, phase="sampling")
                    )
                with timed(trainer, "_update_policy", phase="rest"):
                    trainer._update_policy()
    phases = {"minibatch assembly (buffer rows, reward signals)": totals["sampling"]}
    if "batch_tensors" in seams:
        phases["tensor conversion (optimizer.batch_tensors)"] = totals["tensors"]
    if "_step" in seams:
        phases["forward + losses (optimizer.update)"] = totals["update"]
        phases["backward + optimizer steps (optimizer._step)"] = totals["backward"]
    else:
        phases["forward, losses, backward, steps (optimizer.update)"] = totals["update"]
    phases["rest of the trainer's _update_policy"] = totals["rest"]
    return {
        name: (1000 * phase.seconds / n, phase.calls / n)
        for name, phase in phases.items()
    }


def versions() -> str:
    names = ["mlagents", "torch", "numpy", "stable-baselines3"]
    found = []
    for name in names:
        try:
            found.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            pass
    return ", ".join(found)


def machine() -> str:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{platform.machine()}, {os.cpu_count()} CPUs, load average {load:.1f}; "
        f"Python {platform.python_version()}; torch threads {torch.get_num_threads()}"
    )


def sb3_available() -> bool:
    try:
        import stable_baselines3  # noqa: F401
    except ImportError:
        return False
    return True


def run(updates: int, repeats: int, fill: int, threads: int, sb3: bool) -> str:
    """Time ours (and SB3's) and return the report."""
    register_trainer_plugins()  # so that the settings parser knows our trainer_type
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    np.random.seed(0)
    kind = flavour()
    case = CASES[kind]
    lines = [
        f"Update speed: {DISTRIBUTION} {__version__} (trainer_type {TRAINER_NAME}, {kind})",
        f"Machine: {machine()}",
        f"Versions: {versions()}",
        f"Case: {case.title}",
    ]
    with tempfile.TemporaryDirectory() as artifacts:
        trainer = build_ours(case, kind, Path(artifacts))
        print(f"filling buffers ({fill} steps)...", file=sys.stderr)
        if kind == "off-policy":
            snapshot = fill_ours(trainer, case, fill)
        else:
            snapshot = copy_buffer(fill_ours(trainer, case, case.agents * 32))
        with_sb3 = sb3 and sb3_available()
        model = build_sb3(case, fill) if with_sb3 else None
        swish = build_sb3(case, fill, swish=True) if with_sb3 else None
        timings = Timings()

        def time_ours() -> float:
            return time_per_update(
                trainer._update_policy,
                updates,
                lambda: prepare_ours(trainer, kind, snapshot),
            )

        # Warm-up: the first updates allocate and fill caches.
        time_ours()
        if model is not None and swish is not None:
            time_per_update(lambda: update_sb3(model), updates)
            time_per_update(lambda: update_sb3(swish), updates)
        for repeat in range(repeats):
            print(f"repeat {repeat + 1}/{repeats}...", file=sys.stderr)
            timings.ours.append(time_ours())
            if model is not None and swish is not None:
                timings.sb3.append(time_per_update(lambda: update_sb3(model), updates))
                timings.sb3_swish.append(
                    time_per_update(lambda: update_sb3(swish), updates)
                )
        breakdown = _instrumented(trainer, kind, snapshot, updates)
    lines.append(
        f"Median over {repeats} repeats of {updates} updates"
        f"{' (SB3 interleaved with ours)' if timings.sb3 else ''}, ms per update:"
    )
    width = len("Stable-Baselines3 Swish")  # the label column
    ours_ms = statistics.median(timings.ours) * 1000
    lines.append(f"  {'ours'.ljust(width)} {ours_ms:9.2f}")
    if timings.sb3:
        for label, times in (("", timings.sb3), (" Swish", timings.sb3_swish)):
            ratio = statistics.median(
                o / s for o, s in zip(timings.ours, times, strict=True)
            )
            lines.append(
                f"  {('Stable-Baselines3' + label).ljust(width)} "
                f"{statistics.median(times) * 1000:9.2f}"
            )
            lines.append(
                f"  {('ours / SB3' + label).ljust(width)} {ratio:9.2f}  "
                "(median of the per-repeat ratios)"
            )
    elif sb3:
        lines.append(
            f"  {'Stable-Baselines3'.ljust(width)} not installed: "
            f"pip install '{DISTRIBUTION}[{YARDSTICK_EXTRA}]'"
        )
    else:
        lines.append(f"  {'Stable-Baselines3'.ljust(width)} not run (--no-sb3)")
    lines.append(
        "Ours, broken down (one more instrumented repeat), ms and calls per update:"
    )
    whole = sum(ms for ms, _ in breakdown.values())
    for phase, (ms, calls) in breakdown.items():
        lines.append(
            f"  {phase:<52} {ms:7.2f}  {100 * ms / whole:3.0f}%  {calls:3g} calls"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=f"python -m {__package__}.update_speed",
        description=(
            "Time one update of this trainer on synthetic data, against "
            "Stable-Baselines3's on the same shapes when it is installed."
        ),
    )
    parser.add_argument(
        "--updates", type=int, default=50, help="updates per repeat (default: 50)"
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=5,
        help="repeats; the median is kept (default: 5)",
    )
    parser.add_argument(
        "--fill",
        type=int,
        default=10_000,
        help="steps in the off-policy replay buffers (default: 10000)",
    )
    parser.add_argument(
        "--threads", type=int, default=1, help="torch threads (default: 1)"
    )
    parser.add_argument(
        "--no-sb3",
        action="store_true",
        help="time ours only, even with Stable-Baselines3 installed (default: off)",
    )
    args = parser.parse_args(argv)
    for name in ("updates", "repeats", "fill", "threads"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1, got {getattr(args, name)}")
    print(run(args.updates, args.repeats, args.fill, args.threads, not args.no_sb3))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
