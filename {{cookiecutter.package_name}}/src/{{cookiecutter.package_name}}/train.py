"""Train a YAML config on a bundled simulator, in-process, with no Unity build.

    {{ cookiecutter.distribution_name }}-train config/{{ cookiecutter.trainer_type }}_3DBall.yaml --run-id my_run

Everything but the environment is ``mlagents-learn``'s own: its option parsing
(``--resume``, ``--force``, ``--seed``, ``--num-envs``, ``--num-areas``,
``--results-dir``, ...), ``TrainerController``, ``TrainerFactory`` and
``SubprocessEnvManager``, so the results folder has the same layout
(checkpoints, TensorBoard summaries, ``.onnx``). ``--env`` names a bundled
simulator instead of a Unity build. ``--max-steps N`` overrides the config's
``max_steps``. ``--stop-at-reward R`` presses Ctrl-C for
you once the mean reward reaches R, which saves a checkpoint and the ``.onnx``.
A simulator process that dies is restarted, or (past ``--max-lifetime-restarts``)
ends the run with one clear error; the last checkpoint is kept either way.
"""

import argparse
import math
import os
import signal
import sys
import threading
import time
from collections.abc import Callable

from mlagents.trainers import learn
from mlagents.trainers.stats import StatsReporter, StatsSummary, StatsWriter
from mlagents.trainers.subprocess_env_manager import (
    EnvironmentCommand,
    EnvironmentResponse,
    SubprocessEnvManager,
)
from mlagents_envs.base_env import BaseEnv
from mlagents_envs.exception import (
    UnityCommunicationException,
    UnityEnvironmentException,
)
from mlagents_envs.side_channel.side_channel import SideChannel

from .envs import ENVIRONMENTS

REWARD_STAT = "Environment/Cumulative Reward"


class SimulatorFactory:
    """Picklable ``(worker_id, side_channels) -> BaseEnv`` for SubprocessEnvManager."""

    def __init__(self, env_name: str, seed: int, num_areas: int) -> None:
        self.env_name = env_name
        self.seed = seed
        self.num_areas = num_areas

    def __call__(self, worker_id: int, side_channels: list[SideChannel]) -> BaseEnv:
        # Like mlagents-learn, each worker gets seed + worker_id.
        return ENVIRONMENTS[self.env_name](
            seed=self.seed + worker_id,
            num_areas=self.num_areas,
            side_channels=side_channels,
        )


class WatchedEnvManager(SubprocessEnvManager):
    """``SubprocessEnvManager`` that notices a simulator process dying without a word.

    ML-Agents waits for its workers' replies in a polling loop; a worker killed by
    a signal never replies, and training would hang. A watchdog thread reports it
    through ML-Agents' own channel (``ENV_EXITED``), so the usual policy applies:
    restart the worker (``--max-lifetime-restarts``) or stop with the error,
    saving a checkpoint either way.
    """

    instances: list["WatchedEnvManager"] = []

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._closing = False
        self._reported: set[int] = set()
        WatchedEnvManager.instances.append(self)
        threading.Thread(target=self._watch_workers, daemon=True).start()

    def deaths(self) -> list[str]:
        """One line per worker process that died (not one that was closed)."""
        return [
            f"the simulator process of worker {worker.worker_id} (pid "
            f"{worker.process.pid}) died with exit code {worker.process.exitcode}"
            for worker in self.env_workers
            if worker.process.exitcode not in (None, 0)
        ]

    def _watch_workers(self) -> None:
        while not self._closing:
            for worker in list(self.env_workers):
                process = worker.process
                if process.pid in self._reported or process.is_alive() or self._closing:
                    continue
                self._reported.add(process.pid)
                # It will never reply: stop waiting for it, then report it.
                worker.waiting = False
                error = UnityCommunicationException(
                    f"the simulator process of worker {worker.worker_id} (pid "
                    f"{process.pid}) died with exit code {process.exitcode}"
                )
                self.step_queue.put(
                    EnvironmentResponse(
                        EnvironmentCommand.ENV_EXITED, worker.worker_id, error
                    )
                )
            time.sleep(0.5)

    def close(self) -> None:
        self._closing = True
        super().close()


class RewardTracker(StatsWriter):
    """Remembers the latest mean reward per behavior; can stop training at a target."""

    def __init__(self, stop_at_reward: float | None) -> None:
        self.stop_at_reward = stop_at_reward
        self.latest: dict[str, float] = {}
        self.steps: dict[str, int] = {}
        self.stopped_early = False

    def write_stats(
        self, category: str, values: dict[str, StatsSummary], step: int
    ) -> None:
        summary = values.get(REWARD_STAT)
        if summary is None or summary.num == 0:
            return
        self.latest[category] = summary.mean
        self.steps[category] = step
        target = self.stop_at_reward
        if target is not None and not self.stopped_early and summary.mean >= target:
            self.stopped_early = True
            print(
                f"Mean reward {summary.mean:.2f} >= {target} at step {step}: stopping."
            )
            # Exactly what Ctrl-C does: ML-Agents saves a checkpoint and the .onnx.
            # Raised directly, because a background job may ignore SIGINT.
            if threading.current_thread() is threading.main_thread():
                raise KeyboardInterrupt
            signal.raise_signal(signal.SIGINT)  # from a trainer thread


def _parse_own_arguments(argv: list[str]) -> tuple:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--stop-at-reward", type=float, default=None)
    parser.add_argument("--max-steps", type=int, default=None)
    own, rest = parser.parse_known_args(argv)
    if own.max_steps is not None and own.max_steps <= 0:
        parser.error("--max-steps must be a positive number of steps")
    if own.stop_at_reward is not None and not math.isfinite(own.stop_at_reward):
        parser.error("--stop-at-reward must be a finite number")
    return own, rest


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if "-h" in argv or "--help" in argv:
        print(__doc__)
        print("--stop-at-reward R   stop (and save) once the mean reward reaches R")
        print("--max-steps N        override the config's max_steps\n")
        print("All other options are mlagents-learn's; --env picks a simulator from:")
        print("  " + ", ".join(ENVIRONMENTS) + "\n")
    own, rest = _parse_own_arguments(argv)
    if not any(arg == "--env" or arg.startswith("--env=") for arg in rest):
        # Name the default simulator: mlagents-learn allows --num-envs > 1 only with --env.
        rest = [*rest, "--env", next(iter(ENVIRONMENTS))]
    options = learn.parse_command_line(rest)
    if own.max_steps is not None:
        for settings in options.behaviors.values():
            settings.max_steps = own.max_steps
    env_name = options.env_settings.env_path
    if env_name not in ENVIRONMENTS:
        print(
            f"error: --env {env_name!r} is not a bundled simulator (choose from "
            f"{', '.join(ENVIRONMENTS)}). To train with a Unity build, use mlagents-learn.",
            file=sys.stderr,
        )
        return 2
    tracker = RewardTracker(own.stop_at_reward)
    learn.create_environment_factory = _simulator_environment_factory(env_name, tracker)
    learn.SubprocessEnvManager = WatchedEnvManager  # type: ignore[misc]
    write_path = options.checkpoint_settings.write_path
    try:
        learn.run_cli(options)
    except (UnityCommunicationException, UnityEnvironmentException) as error:
        deaths = [line for m in WatchedEnvManager.instances for line in m.deaths()]
        print(
            f"\nerror: training stopped: {'; '.join(deaths) or error}. "
            "The last checkpoint is in "
            f"{os.path.abspath(write_path)}; continue with --resume.",
            file=sys.stderr,
        )
        return 1
    _print_summary(tracker, write_path)
    return 0


def _simulator_environment_factory(
    env_name: str, tracker: RewardTracker
) -> Callable[..., SimulatorFactory]:
    """Replaces ``learn.create_environment_factory``, which launches Unity builds."""

    def create(
        env_path: str | None,
        no_graphics: bool,
        no_graphics_monitor: bool,
        seed: int,
        num_areas: int,
        *unused: object,
    ) -> SimulatorFactory:
        # run_training has registered its writers by now; adding ours last means a
        # stop at the target happens after TensorBoard recorded that summary.
        StatsReporter.add_writer(tracker)
        return SimulatorFactory(env_name, seed, num_areas)

    return create


def _print_summary(tracker: RewardTracker, write_path: str) -> None:
    print("\n=== Training finished ===")
    if not tracker.latest:
        print("No episode finished, so there is no mean reward to report.")
    for behavior, reward in tracker.latest.items():
        print(f"{behavior}: mean reward {reward:.2f} at step {tracker.steps[behavior]}")
        onnx_path = os.path.join(write_path, f"{behavior}.onnx")
        if os.path.exists(onnx_path):
            print(f"{behavior}: model {os.path.abspath(onnx_path)}")


if __name__ == "__main__":
    sys.exit(main())
