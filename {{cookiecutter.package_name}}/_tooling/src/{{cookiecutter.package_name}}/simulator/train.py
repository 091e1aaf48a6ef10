"""Train a YAML config on a bundled simulator, in-process, with no Unity build.

    {{ cookiecutter.distribution_name }}-train config/{{ cookiecutter.trainer_type }}_3DBall.yaml --run-id my_run

Everything but the environment is ``mlagents-learn``'s own: its option parsing
(``--resume``, ``--force``, ``--seed``, ``--num-envs``, ``--num-areas``,
``--results-dir``, ...), ``TrainerController``, ``TrainerFactory`` and
``SubprocessEnvManager``, so the results folder has the same layout
(checkpoints, TensorBoard summaries, ``.onnx``). ``--env`` names a bundled
simulator instead of a Unity build, or ``gym:ID`` a Gymnasium environment
(``tasks/gymnasium_env.py``: ``--num-areas`` copies, one agent each, behavior
name ``ID``). ``--max-steps N`` overrides the config's
``max_steps``. ``--stop-at-reward R`` ends the run once the mean reward reaches
R, the way reaching ``max_steps`` ends it: the trainers stop, and a checkpoint
and the ``.onnx`` are saved. A simulator process that dies is restarted, or
(past ``--max-lifetime-restarts``) ends the run with one clear error; the last
checkpoint is kept either way. ``--help`` lists this command's options, then
``mlagents-learn``'s.

ML-Agents' ``run_training`` always builds a Unity environment, so ``run_training``
here is its public parts put together with a simulator factory,
``SimulatorEnvManager`` and ``SimulatorTrainerController``, passed in
explicitly. Change ``SimulatorFactory`` to build environments differently.
"""

import argparse
import copy
import math
import os
import sys

import numpy as np
from mlagents import torch_utils
from mlagents.plugins.stats_writer import register_stats_writer_plugins
from mlagents.trainers.cli_utils import parser as mlagents_learn_parser
from mlagents.trainers.directory_utils import (
    setup_init_path,
    validate_existing_directories,
)
from mlagents.trainers.env_manager import EnvManager
from mlagents.trainers.environment_parameter_manager import EnvironmentParameterManager
from mlagents.trainers.learn import (
    get_version_string,
    parse_command_line,
    write_run_options,
    write_timing_tree,
    write_training_status,
)
from mlagents.trainers.settings import RunOptions, TrainerSettings
from mlagents.trainers.stats import StatsReporter, StatsSummary, StatsWriter
from mlagents.trainers.subprocess_env_manager import SubprocessEnvManager
from mlagents.trainers.trainer import TrainerFactory
from mlagents.trainers.trainer_controller import TrainerController
from mlagents.trainers.training_status import GlobalTrainingStatus
from mlagents_envs import logging_util
from mlagents_envs.base_env import BaseEnv
from mlagents_envs.exception import (
    UnityCommunicationException,
    UnityEnvironmentException,
)
from mlagents_envs.side_channel.side_channel import SideChannel

from . import ENVIRONMENTS
from .mlagents_internals import DeadWorkerWatchdog, dead_workers, version_problem

# A group's return when the trainer reports one (a cooperative trainer), else
# each agent's: the reward the train command reports and stops at.
# `--env gym:CartPole-v1` trains on a Gymnasium environment (the gymnasium extra).
GYM_PREFIX = "gym:"
REWARD_STATS = ("Environment/Group Cumulative Reward", "Environment/Cumulative Reward")
COMMAND = "{{ cookiecutter.distribution_name }}-train"
logger = logging_util.get_logger(__name__)


class SimulatorDied(UnityCommunicationException):
    """A simulator process died: the message names which, and how."""


class SimulatorFactory:
    """Picklable ``(worker_id, side_channels) -> BaseEnv`` for SubprocessEnvManager."""

    def __init__(self, env_name: str, seed: int, num_areas: int) -> None:
        self.env_name = env_name
        self.seed = seed
        self.num_areas = num_areas

    def __call__(self, worker_id: int, side_channels: list[SideChannel]) -> BaseEnv:
        if self.env_name.startswith(GYM_PREFIX):
            from ..tasks.gymnasium_env import GymnasiumEnv

            # Every copy of every worker gets a seed of its own.
            return GymnasiumEnv(
                self.env_name.removeprefix(GYM_PREFIX),
                num_areas=self.num_areas,
                seed=self.seed + worker_id * self.num_areas,
            )
        # Like mlagents-learn, each worker gets seed + worker_id.
        return ENVIRONMENTS[self.env_name](
            seed=self.seed + worker_id,
            num_areas=self.num_areas,
            side_channels=side_channels,
        )


class RewardTracker(StatsWriter):
    """Remembers the latest mean reward per behavior, and whether it reached a target."""

    def __init__(self, stop_at_reward: float | None) -> None:
        self.stop_at_reward = stop_at_reward
        self.latest: dict[str, float] = {}
        self.steps: dict[str, int] = {}
        # The line that says which behavior reached the target, and where.
        self.reached: str | None = None

    @property
    def target_reached(self) -> bool:
        return self.reached is not None

    def write_stats(
        self, category: str, values: dict[str, StatsSummary], step: int
    ) -> None:
        reported = [values[s] for s in REWARD_STATS if s in values]
        if not reported or reported[0].num == 0:
            return
        summary = reported[0]
        self.latest[category] = summary.mean
        self.steps[category] = step
        target = self.stop_at_reward
        if target is not None and not self.target_reached and summary.mean >= target:
            self.reached = (
                f"{category} reached a mean reward of {summary.mean:.2f} "
                f"(>= {target}) at step {step}"
            )
            print(
                f"Mean reward {summary.mean:.2f} >= {target} at step {step}: stopping.",
                flush=True,
            )


class SimulatorTrainerController(TrainerController):
    """``TrainerController`` that ends training once ``tracker`` reports the target reward.

    It ends it the way reaching ``max_steps`` does. The controller trains while
    a trainer's ``should_still_train`` holds, which needs the trainer's
    ``is_training`` (false in ``--inference`` runs) and its step within
    ``max_steps``. Once the target is reached, every trainer's ``is_training``
    turns false: the controller leaves its loop, stops the trainers and saves a
    checkpoint and the ``.onnx``, with no "Learning was interrupted" (which
    ML-Agents logs for Ctrl-C or an environment that stopped).
    """

    def __init__(
        self,
        trainer_factory: TrainerFactory,
        output_path: str,
        run_id: str,
        param_manager: EnvironmentParameterManager,
        train: bool,
        training_seed: int,
        tracker: RewardTracker,
    ) -> None:
        super().__init__(
            trainer_factory, output_path, run_id, param_manager, train, training_seed
        )
        self.tracker = tracker

    def advance(self, env_manager: EnvManager) -> int:
        steps: int = super().advance(env_manager)
        # The tracker hears the reward while a trainer advances (its summaries).
        if self.tracker.target_reached:
            for trainer in self.trainers.values():
                trainer.is_training = False
        return steps


class SimulatorEnvManager(SubprocessEnvManager):
    """``SubprocessEnvManager`` that notices a simulator process that died."""

    def __init__(
        self,
        env_factory: SimulatorFactory,
        run_options: RunOptions,
        n_env: int,
    ) -> None:
        super().__init__(env_factory, run_options, n_env)
        self.watchdog: DeadWorkerWatchdog | None = None
        problem = version_problem()
        if problem is None:
            self.watchdog = DeadWorkerWatchdog(self)
            self.watchdog.start()
        else:
            logger.warning(problem)

    def close(self) -> None:
        if self.watchdog is not None:
            self.watchdog.stop()
        super().close()


def run_training(
    options: RunOptions, env_name: str, tracker: RewardTracker, seed: int
) -> None:
    """``mlagents.trainers.learn.run_training``, with a simulator for the Unity build."""
    torch_utils.set_torch_config(options.torch_settings)
    checkpoints = options.checkpoint_settings
    env_settings = options.env_settings
    validate_existing_directories(
        checkpoints.write_path,
        checkpoints.resume,
        checkpoints.force,
        checkpoints.maybe_init_path,
    )
    os.makedirs(checkpoints.run_logs_dir, exist_ok=True)
    # Process-global: an earlier run in this process (a test) must not leak in.
    GlobalTrainingStatus.saved_state.clear()
    if checkpoints.resume:
        GlobalTrainingStatus.load_state(
            os.path.join(checkpoints.run_logs_dir, "training_status.json")
        )
    elif checkpoints.maybe_init_path is not None:
        setup_init_path(options.behaviors, checkpoints.maybe_init_path)
    for writer in register_stats_writer_plugins(options):
        StatsReporter.add_writer(writer)
    # Last, so a stop at the target happens after TensorBoard recorded that summary.
    StatsReporter.add_writer(tracker)

    env_manager = SimulatorEnvManager(
        SimulatorFactory(env_name, seed, env_settings.num_areas),
        options,
        env_settings.num_envs,
    )
    param_manager = EnvironmentParameterManager(
        options.environment_parameters, seed, restore=checkpoints.resume
    )
    training = not checkpoints.inference
    trainer_factory = TrainerFactory(
        trainer_config=options.behaviors,
        output_path=checkpoints.write_path,
        train_model=training,
        load_model=checkpoints.resume,
        seed=seed,
        param_manager=param_manager,
        init_path=checkpoints.maybe_init_path,
        multi_gpu=False,
    )
    controller = SimulatorTrainerController(
        trainer_factory,
        checkpoints.write_path,
        checkpoints.run_id,
        param_manager,
        training,
        seed,
        tracker,
    )
    try:
        controller.start_learning(env_manager)
    except (UnityCommunicationException, UnityEnvironmentException) as error:
        deaths = dead_workers(env_manager) if version_problem() is None else []
        if deaths:
            raise SimulatorDied("; ".join(deaths)) from error
        raise
    finally:
        env_manager.close()
        write_run_options(checkpoints.write_path, options)
        write_timing_tree(checkpoints.run_logs_dir)
        write_training_status(checkpoints.run_logs_dir)


def build_parser() -> argparse.ArgumentParser:
    """This command's own options; every other argument goes to mlagents-learn's parser."""
    parser = argparse.ArgumentParser(
        prog=COMMAND,
        usage="%(prog)s trainer_config_path [options]",
        description="Train a YAML config on a bundled simulator, in-process, with "
        "no Unity build: mlagents-learn, with a simulator for the Unity build.",
        epilog="Every mlagents-learn option (below) works here too, but --env "
        "names a bundled simulator (above), not a Unity build.",
        add_help=False,  # -h lists mlagents-learn's options too (main)
        allow_abbrev=False,  # an abbreviated option is mlagents-learn's to read
    )
    parser.add_argument(
        "-h",
        "--help",
        action="store_true",
        help="show this help, then mlagents-learn's options, and exit",
    )
    parser.add_argument(
        "--env",
        default=next(iter(ENVIRONMENTS)),
        metavar="NAME",
        help=f"the bundled simulator to train on: {', '.join(ENVIRONMENTS)}; or "
        f"{GYM_PREFIX}ID for the Gymnasium environment ID, e.g. {GYM_PREFIX}CartPole-v1, "
        "one agent per copy (--num-areas copies, behavior name ID) "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--stop-at-reward",
        type=float,
        default=None,
        metavar="R",
        help="end the run once the mean reward reaches R, as reaching max_steps "
        "ends it: a checkpoint and the .onnx are saved (default: none, train to "
        "max_steps)",
    )
    parser.add_argument(
        "--max-steps",
        type=int,
        default=None,
        metavar="N",
        help="override the config's max_steps (default: the config's)",
    )
    return parser


def environment_problem(env: str) -> str | None:
    """Why ``--env`` cannot be trained on (one line), or None."""
    if env.startswith(GYM_PREFIX):
        try:
            from ..tasks.gymnasium_env import check_environment
        except ModuleNotFoundError as error:
            return str(error)
        try:
            check_environment(env.removeprefix(GYM_PREFIX))
        except ValueError as error:
            return str(error)
        return None
    if env not in ENVIRONMENTS:
        return (
            f"--env {env!r} is not a bundled simulator (choose from "
            f"{', '.join(ENVIRONMENTS)}, or {GYM_PREFIX}ID for a Gymnasium "
            "environment). To train with a Unity build, use mlagents-learn."
        )
    return None


def mlagents_learn_help() -> str:
    """mlagents-learn's help, under its own name (from a copy of its parser)."""
    parser = copy.copy(mlagents_learn_parser)
    parser.prog = "mlagents-learn"
    help_text: str = parser.format_help()
    return help_text


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    own, rest = parser.parse_known_args(sys.argv[1:] if argv is None else argv)
    if own.help:
        print(parser.format_help())
        print(mlagents_learn_help())
        return 0
    if own.max_steps is not None and own.max_steps <= 0:
        parser.error("--max-steps must be a positive number of steps")
    if own.stop_at_reward is not None and not math.isfinite(own.stop_at_reward):
        parser.error("--stop-at-reward must be a finite number")
    problem = environment_problem(own.env)
    if problem is not None:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    # Always name the simulator: mlagents-learn allows --num-envs > 1 only with --env.
    options = parse_command_line([*rest, "--env", own.env])
    if own.stop_at_reward is not None and options.checkpoint_settings.inference:
        # Only training ends at a target: an --inference run has none to end.
        parser.error("--stop-at-reward ends training, and --inference does not train")
    if own.max_steps is not None:
        # default_settings too: it configures behaviors the YAML does not name
        # (a Gymnasium environment's, say) when they first appear.
        defaults = TrainerSettings.default_override
        for settings in [
            *options.behaviors.values(),
            *([defaults] if defaults else []),
        ]:
            settings.max_steps = own.max_steps
    logging_util.set_log_level(
        logging_util.DEBUG if options.debug else logging_util.INFO
    )
    print(get_version_string())
    seed = options.env_settings.seed
    if seed == -1:  # as mlagents-learn does
        seed = int(np.random.randint(0, 10000))
    tracker = RewardTracker(own.stop_at_reward)
    write_path = options.checkpoint_settings.write_path
    try:
        run_training(options, own.env, tracker, seed)
    except (UnityCommunicationException, UnityEnvironmentException) as error:
        print(
            f"\nerror: training stopped: {error}. The last checkpoint is in "
            f"{os.path.abspath(write_path)}; continue with --resume.",
            file=sys.stderr,
        )
        return 1
    _print_summary(tracker, write_path)
    return 0


def _print_summary(tracker: RewardTracker, write_path: str) -> None:
    print("\n=== Training finished ===")
    if tracker.reached is not None:
        print(f"Stopped at the target: {tracker.reached}.")
    elif tracker.stop_at_reward is not None:
        print(
            f"The target was not reached: no mean reward of {tracker.stop_at_reward} "
            "or more within max_steps."
        )
    if not tracker.latest:
        print("No episode finished, so there is no mean reward to report.")
    for behavior, reward in tracker.latest.items():
        print(f"{behavior}: mean reward {reward:.2f} at step {tracker.steps[behavior]}")
        onnx_path = os.path.join(write_path, f"{behavior}.onnx")
        if os.path.exists(onnx_path):
            print(f"{behavior}: model {os.path.abspath(onnx_path)}")


if __name__ == "__main__":
    sys.exit(main())
