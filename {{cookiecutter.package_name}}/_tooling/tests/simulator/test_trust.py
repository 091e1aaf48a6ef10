"""Long runs can be trusted: resume, interruption, ONNX parity and determinism.

Each test names the behaviour it guards. They use short runs on the simulator.
"""

import copy
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime
import psutil
import pytest
import torch
import yaml
from mlagents.trainers.behavior_id_utils import BehaviorIdentifiers
from mlagents.trainers.environment_parameter_manager import EnvironmentParameterManager
from mlagents.trainers.settings import RunOptions
from mlagents.trainers.torch_entities.model_serialization import TensorNames
from mlagents.trainers.trainer import TrainerFactory

from {{ cookiecutter.package_name }}.simulator import Ball3DEnv
from {{ cookiecutter.package_name }}.simulator.scene import BEHAVIOR_NAME

from ..conftest import ALGORITHM, CONFIG_PATH
from ..helpers import run_options
from .helpers import train_command, train_on_simulator

STEPS = 3000

HYPERPARAMETERS_BY_ALGORITHM: dict[str, dict[str, Any]] = {
    "on-policy": {"batch_size": 128, "buffer_size": 1024},
    "off-policy": {"save_replay_buffer": True},
    "cooperative": {"batch_size": 128, "buffer_size": 1024},
}
HYPERPARAMETERS = HYPERPARAMETERS_BY_ALGORITHM[ALGORITHM]

pytestmark = pytest.mark.slow


def short_options(config_dict: dict[str, Any], max_steps: int) -> RunOptions:
    config = copy.deepcopy(config_dict)
    config["behaviors"]["3DBall"]["hyperparameters"].update(HYPERPARAMETERS)
    return run_options(config, max_steps=max_steps, summary_freq=1000)


def load_trainer(options: RunOptions, output_dir: Path) -> Any:
    """The trainer as ``--resume`` builds it, with its policy loaded."""
    factory = TrainerFactory(
        trainer_config=options.behaviors,
        output_path=str(output_dir),
        train_model=True,
        load_model=True,
        seed=1,
        param_manager=EnvironmentParameterManager(),
    )
    trainer = factory.generate("3DBall")
    behavior_id = BehaviorIdentifiers.from_name_behavior_id(BEHAVIOR_NAME)
    spec = Ball3DEnv().behavior_specs[BEHAVIOR_NAME]
    trainer.add_policy(behavior_id, trainer.create_policy(behavior_id, spec))
    return trainer


def assert_same_state(live: Any, saved: Any, where: str) -> None:
    if isinstance(live, torch.Tensor):
        assert torch.equal(live, saved), where
    elif isinstance(live, dict):
        assert live.keys() == saved.keys(), where
        for key in live:
            assert_same_state(live[key], saved[key], f"{where}.{key}")
    elif isinstance(live, (list, tuple)):
        assert len(live) == len(saved), where
        for i, (a, b) in enumerate(zip(live, saved, strict=True)):
            assert_same_state(a, b, f"{where}[{i}]")
    else:
        assert live == saved, where


@pytest.fixture(scope="module")
def trained_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """One short run shared by the tests below: its output folder and config."""
    config_dict = yaml.safe_load(CONFIG_PATH.read_text())
    output = tmp_path_factory.mktemp("trained")
    train_on_simulator(short_options(config_dict, STEPS), output, seed=1)
    return output, config_dict


def test_resume_restores_step_optimizer_normalizer_and_buffer(
    trained_run: tuple[Path, dict],
) -> None:
    output, config_dict = trained_run
    saved = torch.load(output / "3DBall" / "checkpoint.pt", weights_only=False)
    trainer = load_trainer(short_options(config_dict, 2 * STEPS), output)

    # The step count, every network (the normalizer included) and optimizer state.
    assert trainer.get_step == int(saved["global_step"]["_GlobalSteps__global_step"])
    assert trainer.get_step >= STEPS
    for name, module in trainer.model_saver.modules.items():
        assert_same_state(module.state_dict(), saved[name], name)
    normalizer = "network_body.observation_encoder.processors.0.normalizer"
    assert saved["Policy"][f"{normalizer}.normalization_steps"].item() >= STEPS
    if ALGORITHM == "off-policy":
        # The replay buffer comes back with the same experiences.
        assert (output / "3DBall" / "last_replay_buffer.hdf5").exists()
        assert trainer.update_buffer.num_experiences >= STEPS - 100


def test_resume_continues_training_to_twice_the_steps(
    trained_run: tuple[Path, dict], tmp_path: Path
) -> None:
    output, config_dict = trained_run
    copy_dir = tmp_path / "run"
    subprocess.run(["cp", "-r", str(output), str(copy_dir)], check=True)
    first = torch.load(copy_dir / "3DBall" / "checkpoint.pt", weights_only=False)
    train_on_simulator(
        short_options(config_dict, 2 * STEPS), copy_dir, seed=1, resume=True
    )
    resumed = torch.load(copy_dir / "3DBall" / "checkpoint.pt", weights_only=False)
    step = int(resumed["global_step"]["_GlobalSteps__global_step"])
    assert 2 * STEPS <= step < 2 * STEPS + 1000
    assert list((copy_dir / "3DBall").glob(f"3DBall-{step}.onnx"))
    # Normalizer statistics continued from the checkpoint rather than restarting.
    key = "network_body.observation_encoder.processors.0.normalizer.normalization_steps"
    assert resumed["Policy"][key].item() > first["Policy"][key].item() + STEPS / 2


def test_onnx_passes_checker_and_matches_the_torch_policy(
    trained_run: tuple[Path, dict],
) -> None:
    import onnx

    output, config_dict = trained_run
    onnx_path = sorted((output / "3DBall").glob("3DBall-*.onnx"))[-1]
    onnx.checker.check_model(onnx.load(str(onnx_path)))
    session = onnxruntime.InferenceSession(str(onnx_path))
    inputs = [i.name for i in session.get_inputs()]
    outputs = [o.name for o in session.get_outputs()]
    assert TensorNames.get_observation_name(0) in inputs
    for name in (
        TensorNames.version_number,
        TensorNames.memory_size,
        TensorNames.continuous_action_output,
        TensorNames.continuous_action_output_shape,
        TensorNames.deterministic_continuous_action_output,
    ):
        assert name in outputs

    # The torch policy, loaded from the same checkpoint, acting deterministically.
    options = short_options(config_dict, STEPS)
    options.behaviors["3DBall"].network_settings.deterministic = True
    trainer = load_trainer(options, output)
    env = Ball3DEnv(seed=5, num_areas=3)
    env.reset()
    decisions, _ = env.get_steps(BEHAVIOR_NAME)
    torch_actions = trainer.policy.get_action(decisions).env_action.continuous

    feed = {TensorNames.get_observation_name(0): decisions.obs[0]}
    for extra in session.get_inputs()[1:]:
        shape = [len(decisions)] + [
            d if isinstance(d, int) else 1 for d in extra.shape[1:]
        ]
        feed[extra.name] = np.ones(shape, dtype=np.float32)
    onnx_out = dict(zip(outputs, session.run(None, feed), strict=True))
    onnx_actions = onnx_out[TensorNames.deterministic_continuous_action_output]
    assert onnx_actions.shape == torch_actions.shape == (36, 2)
    np.testing.assert_allclose(onnx_actions, torch_actions, atol=1e-4)


def test_same_seed_gives_the_same_first_10k_steps(
    config_dict: dict[str, Any], tmp_path: Path
) -> None:
    def rewards(run: str) -> list[tuple[float, float, int]]:
        options = short_options(config_dict, 10000)
        log = train_on_simulator(options, tmp_path / run, seed=3)
        return log.summaries

    first, second = rewards("a"), rewards("b")
    assert len(first) >= 9
    assert first == second


def _long_config(config_dict: dict[str, Any], tmp_path: Path) -> Path:
    config = copy.deepcopy(config_dict)
    behavior = config["behaviors"]["3DBall"]
    behavior["hyperparameters"].update(HYPERPARAMETERS)
    behavior.update(max_steps=1_000_000, summary_freq=1000, checkpoint_interval=2000)
    path = tmp_path / "long.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def _wait_for(predicate: Any, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.5)


def _sigint_as_in_a_terminal() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_saves_a_checkpoint_and_onnx_and_exits_cleanly(
    config_dict: dict[str, Any], tmp_path: Path
) -> None:
    results = tmp_path / "results"
    process = subprocess.Popen(
        train_command(
            _long_config(config_dict, tmp_path), results, "run", "--seed", "1"
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        # As in a terminal's foreground job. A shell's background job (`cmd &`,
        # as some CI runners start their scripts) ignores SIGINT, and the child
        # would inherit that, so Python would never raise KeyboardInterrupt.
        preexec_fn=_sigint_as_in_a_terminal,
    )
    run_dir = results / "run" / "3DBall"
    _wait_for(lambda: list(run_dir.glob("events.out.tfevents.*")), 300)
    time.sleep(3)
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
    output, _ = process.communicate(timeout=180)
    assert process.returncode == 0, output[-3000:]
    assert "Learning was interrupted" in output
    assert (run_dir / "checkpoint.pt").exists()
    assert (results / "run" / "3DBall.onnx").exists()


def test_dead_simulator_is_reported_and_the_checkpoint_kept(
    config_dict: dict[str, Any], tmp_path: Path
) -> None:
    results = tmp_path / "results"
    config = _long_config(config_dict, tmp_path)
    process = subprocess.Popen(
        train_command(
            config, results, "run", "--seed", "1", "--max-lifetime-restarts", "0"
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    run_dir = results / "run" / "3DBall"
    _wait_for(lambda: list(run_dir.glob("3DBall-*.pt")), 300)
    for child in psutil.Process(process.pid).children():
        child.kill()  # the simulator worker process
    stdout, stderr = process.communicate(timeout=180)
    assert process.returncode == 1
    assert "error: training stopped: the simulator process of worker 0" in stderr
    assert "continue with --resume" in stderr
    assert (run_dir / "checkpoint.pt").exists()
    assert (results / "run" / "3DBall.onnx").exists()
