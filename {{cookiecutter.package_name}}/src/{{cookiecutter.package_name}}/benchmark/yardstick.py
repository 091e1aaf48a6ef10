"""Stable-Baselines3 beside the benchmark's Gymnasium tasks, and rl-baselines3-zoo's published scores.

A Gymnasium task with an rl-baselines3-zoo entry (``BenchmarkTask.zoo``) gets a
third trainer, ``sb3``: Stable-Baselines3's same algorithm (PPO for the
on-policy and cooperative flavours, SAC for the off-policy one) trained with
the zoo's hyperparameters as the zoo itself passes them to SB3
(``sb3_settings``), on the same seeds and step budget as ours. Its run records
the same fields as ours (``train_sb3``): the episodes' returns and the step
each ended at, counted as ML-Agents counts them (every copy's steps, added
up), steps to the threshold (``harness.steps_to``), steps per second and wall
time; it stops once the threshold is reached, as ours do. It runs through the
same dispatcher, so ``--jobs`` and ``--ray`` apply. Stable-Baselines3 is the
``yardsticks`` extra; without it the benchmark says so and compares ours with
the built-in only.

``mapping_notes`` lists where the ML-Agents settings (ours and the built-in
share them) cannot be SB3's; ``REFERENCES`` is the zoo's benchmark.md, quoted
in the report with its commit. Change ``REFERENCES`` when the zoo publishes
new scores, and ``UNTRANSLATED`` if an entry uses a zoo key added here.
"""

import ast
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import torch

from ..tasks.harness import steps_to
from .catalogue import BenchmarkTask

SB3 = "sb3"  # the trainer's name in the plan, the records and the report
SB3_CLASSES = {"ppo": "PPO", "sac": "SAC"}
DIST_NAME = "{{ cookiecutter.distribution_name }}"
MISSING = (
    "Stable-Baselines3 is not installed: the Gymnasium tasks compare ours and the "
    f"built-in only (pip install '{DIST_NAME}[yardsticks]' adds SB3 beside them)."
)
# How the zoo sets a run up, rather than arguments of the algorithm.
RUN_KEYS = ("n_envs", "n_timesteps", "normalize", "policy")
# Zoo keys that need the zoo's own code (wrappers, callbacks): not translated.
UNTRANSLATED = (
    "env_wrapper",
    "vec_env_wrapper",
    "frame_stack",
    "callback",
    "env_kwargs",
)
# The zoo turns these from "lin_X" into a linear schedule.
SCHEDULED = ("learning_rate", "clip_range", "clip_range_vf")


@dataclass(frozen=True)
class LinearSchedule:
    """The zoo's ``lin_X``: X times the progress remaining (1 at the start, 0 at the budget)."""

    start: float

    def __call__(self, progress_remaining: float) -> float:
        return progress_remaining * self.start


@dataclass(frozen=True)
class Sb3Settings:
    """How SB3 trains a task: the algorithm's class, its copies and its arguments."""

    algorithm: str  # the class in stable_baselines3: "PPO" or "SAC"
    copies: int  # the zoo's n_envs: a DummyVecEnv of that many copies
    normalize: dict[str, Any] | None  # VecNormalize's arguments; None: none
    arguments: dict[str, Any] = field(default_factory=dict)  # the constructor's
    policy: str = "MlpPolicy"


def sb3_settings(algorithm: str, zoo: Mapping[str, Any]) -> Sb3Settings:
    """SB3's settings from a zoo entry (``ZOO[algorithm][env_id]``), as the zoo builds them.

    Keys the entry leaves out take SB3's defaults, as in the zoo. ``lin_X``
    strings become linear schedules, ``policy_kwargs`` strings
    (``dict(net_arch=[64, 64], activation_fn=nn.ReLU)``) are read without
    ``eval``, ``normalize`` becomes VecNormalize's arguments with the entry's
    ``gamma`` (the zoo's rule), and a ``train_freq`` list becomes a tuple.
    ``ValueError`` names a key this cannot translate.
    """
    if algorithm not in SB3_CLASSES:
        raise ValueError(f"no Stable-Baselines3 algorithm for zoo {algorithm!r}")
    unknown = sorted(set(zoo) & set(UNTRANSLATED))
    if unknown:
        raise ValueError(
            f"rl-baselines3-zoo key(s) {', '.join(unknown)} need the zoo's own code: "
            "not translated to Stable-Baselines3 here"
        )
    arguments: dict[str, Any] = {}
    for key, value in zoo.items():
        if key in RUN_KEYS:
            continue
        if key in SCHEDULED and isinstance(value, str):
            if not value.startswith("lin_"):
                raise ValueError(f"zoo schedule {key}={value!r}: only lin_X is known")
            value = LinearSchedule(float(value.removeprefix("lin_")))
        elif key == "policy_kwargs" and isinstance(value, str):
            value = python_value(value)
        elif key == "train_freq" and isinstance(value, list):
            value = tuple(value)
        arguments[key] = value
    normalize = zoo.get("normalize", False)
    if isinstance(normalize, str):
        normalize = python_value(normalize)
    vec_normalize: dict[str, Any] | None = None
    if normalize:
        vec_normalize = dict(normalize) if isinstance(normalize, dict) else {}
        if "gamma" in zoo:
            vec_normalize["gamma"] = float(zoo["gamma"])
    return Sb3Settings(
        algorithm=SB3_CLASSES[algorithm],
        copies=int(zoo.get("n_envs", 1)),
        normalize=vec_normalize,
        arguments=arguments,
        policy=str(zoo.get("policy", "MlpPolicy")),
    )


def python_value(text: str) -> Any:
    """The zoo's Python expressions, without ``eval``: ``dict(...)`` with keywords,
    literals, lists, and ``nn.<Name>`` (a ``torch.nn`` module class)."""

    def value(node: ast.expr) -> Any:
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "dict"
            and not node.args
        ):
            return {str(kw.arg): value(kw.value) for kw in node.keywords}
        if isinstance(node, ast.Dict):
            return {
                ast.literal_eval(k): value(v)
                for k, v in zip(node.keys, node.values, strict=True)
                if k is not None
            }
        if isinstance(node, ast.List):
            return [value(item) for item in node.elts]
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "nn"
        ):
            module = getattr(torch.nn, node.attr, None)
            if isinstance(module, type) and issubclass(module, torch.nn.Module):
                return module
            raise ValueError(f"nn.{node.attr} is not a torch.nn module")
        return ast.literal_eval(node)

    try:
        return value(ast.parse(text, mode="eval").body)
    except (SyntaxError, ValueError) as error:
        raise ValueError(f"cannot read the zoo's {text!r}: {error}") from None


def sb3_available() -> bool:
    """Whether Stable-Baselines3 (the ``yardsticks`` extra) can be imported."""
    try:
        import stable_baselines3  # noqa: F401
    except ImportError:
        return False
    return True


def sb3_version() -> str:
    try:
        return metadata.version("stable-baselines3")
    except metadata.PackageNotFoundError:
        return "not installed"


class Episodes:
    """The episodes of an SB3 run, as ``EpisodeLog`` keeps ours (and ``Progress`` reads).

    ``record`` takes SB3's step count (every copy's steps, added up: ML-Agents'
    unit) and the step's ``infos``, where SB3's ``Monitor`` puts each finished
    episode's return (the environment's reward, before any VecNormalize).
    """

    def __init__(
        self,
        behavior: str,
        threshold: float,
        window: int,
        on_step: Callable[["Episodes"], None] | None = None,
    ) -> None:
        self.behavior = behavior
        self.threshold = threshold
        self.window = window
        self.on_step = on_step
        self.returns: dict[str, list[float]] = {behavior: []}
        self.end_steps: list[int] = []
        self.total_steps = 0
        self.started: float | None = None  # perf_counter at training start
        self.finished: float | None = None  # at the last step, or the threshold
        self.reached = False

    def record(self, steps: int, infos: list[dict[str, Any]]) -> bool:
        """Add one step of every copy; False once the threshold is reached (stop)."""
        now = time.perf_counter()
        if self.started is None:
            self.started = now
        self.total_steps = steps
        returns = self.returns[self.behavior]
        for info in infos:
            episode = info.get("episode")
            if episode is None:
                continue
            returns.append(float(episode["r"]))
            self.end_steps.append(steps)
            window = returns[-self.window :]
            if (
                len(window) == self.window
                and sum(window) / self.window > self.threshold
            ):
                self.reached = True
        self.finished = now
        if self.on_step is not None:
            self.on_step(self)
        return not self.reached


def _callback(episodes: Episodes) -> Any:
    """SB3's callback feeding ``episodes``, stopping the run at the threshold."""
    from stable_baselines3.common.callbacks import BaseCallback

    class Recorder(BaseCallback):  # type: ignore[misc]
        def _on_training_start(self) -> None:
            episodes.started = time.perf_counter()

        def _on_step(self) -> bool:
            return episodes.record(self.num_timesteps, self.locals["infos"])

    return Recorder()


def train_sb3(
    task: BenchmarkTask,
    seed: int,
    budget: int,
    run_dir: Path,
    on_step: Callable[[Episodes], None] | None = None,
) -> dict[str, Any]:
    """Train SB3's algorithm on ``task`` with ``seed`` for ``budget`` steps; the run's record.

    The record has the fields of ours (``command.run_once``). Copy ``i`` is
    first reset with ``seed + i``, as ours are, and SB3 seeds Python, NumPy
    and torch with ``seed``. The model (and VecNormalize's statistics) are
    saved in ``run_dir``.
    """
    if task.zoo is None:
        raise ValueError(f"{task.name} has no rl-baselines3-zoo entry for SB3")
    try:
        import stable_baselines3
        from stable_baselines3.common.logger import Logger
        from stable_baselines3.common.monitor import Monitor
        from stable_baselines3.common.vec_env import DummyVecEnv, VecNormalize
    except ImportError:
        raise RuntimeError(MISSING) from None
    from ..tasks.gymnasium_env import make

    settings = sb3_settings(*task.zoo)
    started = time.perf_counter()
    env: Any = DummyVecEnv(
        [lambda: Monitor(make(task.name)) for _ in range(settings.copies)]
    )
    if settings.normalize is not None:
        env = VecNormalize(env, **settings.normalize)
    algorithm = getattr(stable_baselines3, settings.algorithm)
    model = algorithm(settings.policy, env, seed=seed, verbose=0, **settings.arguments)
    # A logger that writes nothing: SB3's default makes an empty SB3-<time> folder
    # in the temporary directory on every learn().
    model.set_logger(Logger(folder=None, output_formats=[]))
    episodes = Episodes(task.behavior, task.threshold, task.window, on_step)
    model.learn(total_timesteps=budget, callback=_callback(episodes))
    run_dir.mkdir(parents=True, exist_ok=True)
    model.save(run_dir / "model.zip")
    if settings.normalize is not None:
        env.save(str(run_dir / "vecnormalize.pkl"))
    env.close()
    wall = time.perf_counter() - started
    returns = episodes.returns[task.behavior]
    training_s = (episodes.finished or started) - (episodes.started or started)
    return {
        "task": task.name,
        "trainer_type": SB3,
        "seed": seed,
        "budget": budget,
        "threshold": task.threshold,
        "window": task.window,
        "steps_to_threshold": steps_to(
            returns, episodes.end_steps, task.threshold, task.window
        ),
        "steps": int(model.num_timesteps),
        "steps_per_second": (episodes.total_steps / training_s if training_s else None),
        "training_seconds": training_s,
        "wall_seconds": wall,
        "episode_returns": returns,
        "episode_end_steps": episodes.end_steps,
        "mlagents_reward_summaries": [],
        "timer_seconds": {},
        "in_process": True,
        "sb3": {
            "algorithm": settings.algorithm,
            "version": sb3_version(),
            "copies": settings.copies,
            "normalize": settings.normalize,
        },
    }


def mapping_notes(algorithm: str, zoo: Mapping[str, Any], env_id: str) -> list[str]:
    """Where ours and the built-in (ML-Agents' settings from ``gymnasium_zoo``) cannot
    train as SB3 does with the zoo's entry ``zoo``: one line each."""
    notes = [
        "Same in both: the zoo's values of every key that ML-Agents has "
        "(tasks/gymnasium_zoo.py), the copies (SB3's n_envs as ML-Agents' agents), "
        "the step budget counted over all copies, the seeds (copy i first reset "
        "with seed + i), and the stop at the threshold.",
        "Networks: ML-Agents' layers all have one width (the widest of the zoo's "
        "net_arch) and use Swish; SB3's use "
        + ("Tanh" if algorithm == "ppo" else "ReLU")
        + " unless policy_kwargs says otherwise.",
    ]
    kwargs = zoo.get("policy_kwargs", "")
    if isinstance(kwargs, str) and kwargs:
        kwargs = python_value(kwargs)
    sb3_only = [
        f"{key}={zoo[key]}"
        for key in ("vf_coef", "use_sde", "sde_sample_freq")
        if key in zoo
    ] + [
        f"{key}={kwargs[key]}"
        for key in ("log_std_init", "ortho_init")
        if isinstance(kwargs, dict) and key in kwargs
    ]
    if algorithm == "ppo":
        notes.append(
            "SB3 clips the gradients' norm (max_grad_norm, "
            f"{zoo.get('max_grad_norm', 0.5)}); so does ours, given the same "
            "max_grad_norm, while ML-Agents' built-in has no such setting and does "
            "not clip. SB3 weighs the value loss by vf_coef (0.5 unless set), "
            "ML-Agents by 0.5."
        )
        if _continuous(env_id):
            notes.append(
                "Continuous actions: SB3's PPO clips its Gaussian sample to the "
                "action bounds; ML-Agents clips to [-1, 1] and the adapter rescales "
                "that linearly to the bounds."
            )
        if any(
            isinstance(zoo.get(key), str) and str(zoo[key]).startswith("lin_")
            for key in SCHEDULED
        ):
            notes.append(
                "Linear schedules: SB3's decay to 0 at the budget, ML-Agents' to "
                "about 1e-10 (the same line)."
            )
    else:
        starts = zoo.get("learning_starts", 100)
        if starts:
            notes.append(
                f"learning_starts ({starts}): SB3 fills them with uniform random "
                "actions, ML-Agents (buffer_init_steps) with its policy."
            )
        every, updates = zoo.get("train_freq", 1), zoo.get("gradient_steps", 1)
        if (every, updates) != (1, 1):
            notes.append(
                f"train_freq/gradient_steps ({every}/{updates}): SB3 runs "
                f"{updates} updates every {every} steps, ML-Agents spreads the "
                "same ratio out (steps_per_update)."
            )
        if not str(zoo.get("ent_coef", "auto")).startswith("auto"):
            notes.append(
                f"ent_coef {zoo['ent_coef']} is fixed in SB3; ML-Agents starts there "
                "(init_entcoef) and learns it."
            )
    if zoo.get("normalize"):
        rewards = (
            "ours scales the rewards the same way (scale_rewards), ML-Agents' "
            "built-in cannot"
            if algorithm == "ppo"
            else "ML-Agents' SAC does not scale rewards"
        )
        notes.append(
            "normalize: SB3's VecNormalize scales observations and rewards "
            "(returns are recorded before it); ML-Agents normalizes observations, "
            f"and {rewards}."
        )
    if sb3_only:
        notes.append(f"SB3 only (no ML-Agents setting): {', '.join(sb3_only)}.")
    return notes


def _continuous(env_id: str) -> bool:
    """Whether the Gymnasium task has continuous (Box) actions."""
    from gymnasium import spaces

    from ..tasks.gymnasium_env import make

    env = make(env_id)
    try:
        return isinstance(env.action_space, spaces.Box)
    finally:
        env.close()


@dataclass(frozen=True)
class Reference:
    """A published score: mean and std of the final return, after ``budget`` steps."""

    mean: float
    std: float
    budget: int


REFERENCE_COMMIT = "0088472b8cb622732bdbc4aa3d0d0abde86c67ed"
REFERENCE_SOURCE = (
    "rl-baselines3-zoo's benchmark.md (DLR-RM/rl-baselines3-zoo, commit "
    f"{REFERENCE_COMMIT}): the final mean return of one trained agent "
    '(deterministic policy) after its n_timesteps; one run, "not a quantitative '
    'benchmark"'
)
# (zoo algorithm, Gymnasium id) -> the zoo's published score.
REFERENCES: dict[tuple[str, str], Reference] = {
    ("ppo", "CartPole-v1"): Reference(500.0, 0.0, 100_000),
    ("ppo", "Acrobot-v1"): Reference(-73.506, 18.201, 1_000_000),
    ("ppo", "Pendulum-v1"): Reference(-172.225, 104.159, 100_000),
    ("ppo", "MountainCarContinuous-v0"): Reference(88.343, 2.572, 20_000),
    ("sac", "Pendulum-v1"): Reference(-156.995, 88.714, 20_000),
    ("sac", "MountainCarContinuous-v0"): Reference(94.679, 1.134, 50_000),
}


def describe_reference(algorithm: str, env_id: str) -> str:
    """The published score of ``algorithm`` on ``env_id`` with its source, as the report quotes it."""
    found = REFERENCES.get((algorithm, env_id))
    if found is None:
        return (
            f"Published reference: none (rl-baselines3-zoo's benchmark.md, commit "
            f"{REFERENCE_COMMIT[:7]}, has no {algorithm.upper()} row for {env_id})."
        )
    return (
        f"Published reference: {algorithm.upper()} on {env_id}, {found.mean:g} "
        f"± {found.std:g} after {found.budget:,} steps; {REFERENCE_SOURCE}."
    )
