"""The Gymnasium adapter against Gymnasium itself, and the zoo mapping against the configs.

Each semantic test steps raw Gymnasium environments and the adapter side by
side, with the same seeds and actions: the adapter must report exactly what
Gymnasium returned (rewards, final observations, terminated vs truncated) in
ML-Agents' terms, and start the next episode as Gymnasium's unseeded
``reset()`` does.
"""

import sys
from pathlib import Path
from typing import Any

import gymnasium
import numpy as np
import pytest
import yaml
from gymnasium import spaces
from mlagents.plugins.trainer_type import register_trainer_plugins
from mlagents.trainers.settings import RunOptions
from mlagents_envs.base_env import ActionTuple, DimensionProperty

from {{ cookiecutter.package_name }}.benchmark.catalogue import gymnasium_tasks
from {{ cookiecutter.package_name }}.benchmark.command import settings_for
from {{ cookiecutter.package_name }}.tasks.battery_config import BUILTIN_TWIN
from {{ cookiecutter.package_name }}.tasks.gymnasium_env import (
    GymnasiumEnv,
    Spaces,
    UnsupportedSpace,
    check_environment,
)
from {{ cookiecutter.package_name }}.tasks.gymnasium_zoo import (
    ALGORITHM,
    ZOO,
    behavior_settings,
)

from .conftest import PROJECT_ROOT, TRAINER_TYPE

SEED = 5
COPIES = 3


class Recorder(gymnasium.Env[np.ndarray, np.ndarray]):
    """A one-step-per-episode env that remembers the actions it was given."""

    def __init__(self, action_space: spaces.Space[Any], obs: spaces.Space[Any]):
        self.action_space = action_space
        self.observation_space = obs
        self.actions: list[Any] = []

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[Any, dict[str, Any]]:
        super().reset(seed=seed)
        return self.observation_space.sample(), {}

    def step(self, action: Any) -> tuple[Any, float, bool, bool, dict[str, Any]]:
        self.actions.append(action)
        return self.observation_space.sample(), 0.0, False, False, {}


gymnasium.register("Recorder-v0", entry_point=Recorder)
BOX_OBS = spaces.Box(-1.0, 1.0, (2,))


def raw_copies(env_id: str, **kwargs: Any) -> tuple[list[Any], list[np.ndarray]]:
    """COPIES raw Gymnasium envs, reset as the adapter resets them: seed + i."""
    envs = [gymnasium.make(env_id, **kwargs) for _ in range(COPIES)]
    first = [env.reset(seed=SEED + i)[0] for i, env in enumerate(envs)]
    return envs, first


def as_obs(observation: Any) -> np.ndarray:
    return np.asarray(observation, dtype=np.float32).reshape(-1)


def test_cartpole_side_by_side_with_gymnasium() -> None:
    """Rewards, final observations, terminated/truncated and the next episode's start."""
    limit = 12  # a small TimeLimit, so episodes both fall (terminated) and time out
    adapter = GymnasiumEnv(
        "CartPole-v1", num_areas=COPIES, seed=SEED, max_episode_steps=limit
    )
    envs, first = raw_copies("CartPole-v1", max_episode_steps=limit)
    name = "CartPole-v1"
    adapter.reset()
    decisions, terminals = adapter.get_steps(name)
    assert list(decisions.agent_id) == list(range(COPIES)) and len(terminals) == 0
    np.testing.assert_array_equal(
        decisions.obs[0], np.stack([as_obs(o) for o in first])
    )
    np.testing.assert_array_equal(decisions.reward, np.zeros(COPIES))

    rng = np.random.default_rng(0)
    seen = {"terminated": 0, "truncated": 0}
    for _ in range(200):
        actions = rng.integers(0, 2, size=(COPIES, 1))
        adapter.set_actions(name, ActionTuple(discrete=actions))
        adapter.step()
        decisions, terminals = adapter.get_steps(name)
        expected_terminal = []
        for i, env in enumerate(envs):
            obs, reward, terminated, truncated, _ = env.step(int(actions[i, 0]))
            if terminated or truncated:
                expected_terminal.append((i, as_obs(obs), reward, not terminated))
                seen["terminated" if terminated else "truncated"] += 1
                obs, reward = env.reset()[0], 0.0  # unseeded, as Gymnasium goes on
            np.testing.assert_array_equal(decisions.obs[0][i], as_obs(obs))
            assert decisions.reward[i] == reward
        assert list(decisions.agent_id) == list(range(COPIES))  # ids never change
        assert list(terminals.agent_id) == [t[0] for t in expected_terminal]
        for row, (_, obs, reward, interrupted) in enumerate(expected_terminal):
            np.testing.assert_array_equal(terminals.obs[0][row], obs)
            assert terminals.reward[row] == reward
            assert bool(terminals.interrupted[row]) is interrupted
    assert seen["terminated"] > 5 and seen["truncated"] > 5, seen


def test_the_same_seed_gives_the_same_episodes() -> None:
    def trajectory(seed: int) -> list[np.ndarray]:
        env = GymnasiumEnv("Pendulum-v1", num_areas=2, seed=seed)
        env.reset()
        rng = np.random.default_rng(1)
        out = [env.get_steps("Pendulum-v1")[0].obs[0]]
        for _ in range(450):  # past two 200-step episodes: later resets too
            env.set_actions(
                "Pendulum-v1",
                ActionTuple(continuous=rng.uniform(-1, 1, (2, 1)).astype(np.float32)),
            )
            env.step()
            decisions, terminals = env.get_steps("Pendulum-v1")
            out += [decisions.obs[0], decisions.reward, terminals.obs[0]]
        return out

    same = trajectory(3)
    for a, b in zip(same, trajectory(3), strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(same[0], trajectory(4)[0])
    # Copy 1 starts as copy 0 of seed + 1 does: seed + i per copy.
    np.testing.assert_array_equal(same[0][1], trajectory(4)[0][0])


def test_box_actions_are_rescaled_from_minus_one_one() -> None:
    """Pendulum's torque is in [-2, 2]: the adapter's a is Gymnasium's 2a, clipped."""
    adapter = GymnasiumEnv("Pendulum-v1", num_areas=COPIES, seed=SEED)
    envs, _ = raw_copies("Pendulum-v1")
    adapter.reset()
    for unit in ([-1.0, 0.25, 1.0], [1.7, -3.0, 0.0]):
        action = np.array(unit, dtype=np.float32).reshape(COPIES, 1)
        adapter.set_actions("Pendulum-v1", ActionTuple(continuous=action))
        adapter.step()
        decisions, _ = adapter.get_steps("Pendulum-v1")
        for i, env in enumerate(envs):
            torque = 2.0 * np.clip(action[i], -1.0, 1.0)
            obs, reward, *_ = env.step(torque)
            np.testing.assert_allclose(decisions.obs[0][i], as_obs(obs), rtol=1e-6)
            assert decisions.reward[i] == pytest.approx(reward, rel=1e-6)


def test_box_bounds_per_dimension_and_unbounded_pass_through() -> None:
    box = spaces.Box(
        low=np.array([[0.0, -np.inf]], np.float32),
        high=np.array([[10.0, np.inf]], np.float32),
    )
    mapped = Spaces(BOX_OBS, box)
    assert mapped.action_spec.continuous_size == 2
    action = mapped.action_from(np.array([0.5, 7.5], np.float32), np.zeros(0))
    assert action.shape == (1, 2) and action.dtype == np.float32
    np.testing.assert_allclose(action, [[7.5, 7.5]])  # 0 + 1.5/2 * 10; passed through
    beyond = mapped.action_from(np.array([1.7, -30.0], np.float32), np.zeros(0))
    np.testing.assert_allclose(beyond, [[10.0, -30.0]])  # clipped to high; passed


def test_discrete_and_multidiscrete_branches() -> None:
    multi = spaces.MultiDiscrete([3, 4], start=[1, -2])
    env = GymnasiumEnv(
        "Recorder-v0",
        num_areas=2,
        action_space=multi,
        obs=spaces.Discrete(5, start=10),
    )
    spec = env.behavior_specs["Recorder-v0"]
    assert spec.action_spec.discrete_branches == (3, 4)
    assert spec.action_spec.continuous_size == 0
    assert spec.observation_specs[0].shape == (5,)
    env.reset()
    env.set_actions("Recorder-v0", ActionTuple(discrete=np.array([[2, 0], [0, 3]])))
    env.step()
    env.set_action_for_agent("Recorder-v0", 1, ActionTuple(discrete=np.array([[1, 1]])))
    env.step()  # agent 0 gets the empty action
    first, second = (e.unwrapped.actions for e in env.envs)  # type: ignore[attr-defined]
    assert [list(a) for a in first] == [[3, -2], [1, -2]]
    assert [list(a) for a in second] == [[1, 1], [2, -1]]
    # A Discrete observation is one-hot: exactly one 1 per agent.
    obs = env.get_steps("Recorder-v0")[0].obs[0]
    assert obs.shape == (2, 5) and list(obs.sum(axis=1)) == [1.0, 1.0]

    single = GymnasiumEnv(
        "Recorder-v0", action_space=spaces.Discrete(3, start=-1), obs=BOX_OBS
    )
    assert single.behavior_specs["Recorder-v0"].action_spec.discrete_branches == (3,)
    single.reset()
    single.set_actions("Recorder-v0", ActionTuple(discrete=np.array([[2]])))
    single.step()
    single.step()
    assert single.envs[0].unwrapped.actions == [1, -1]  # type: ignore[attr-defined]


def test_one_hot_follows_the_observation() -> None:
    """FrozenLake: a Discrete(16) position, one-hot, side by side with Gymnasium."""
    adapter = GymnasiumEnv("FrozenLake-v1", num_areas=COPIES, seed=SEED)
    envs, first = raw_copies("FrozenLake-v1")
    adapter.reset()
    obs = adapter.get_steps("FrozenLake-v1")[0].obs[0]
    assert obs.shape == (COPIES, 16)
    assert [int(np.argmax(row)) for row in obs] == [int(o) for o in first]


def test_images_are_visual_observations() -> None:
    image = spaces.Box(0, 255, (24, 20, 3), np.uint8)
    env = GymnasiumEnv("Recorder-v0", action_space=spaces.Discrete(2), obs=image)
    spec = env.behavior_specs["Recorder-v0"].observation_specs[0]
    assert spec.shape == (3, 24, 20)  # channels first, as ML-Agents' encoders read it
    assert spec.dimension_property[1] == DimensionProperty.TRANSLATIONAL_EQUIVARIANCE
    env.reset()
    obs = env.get_steps("Recorder-v0")[0].obs[0]
    assert obs.shape == (1, 3, 24, 20) and obs.dtype == np.float32
    assert 0.0 <= obs.min() and obs.max() <= 1.0


def test_reset_restarts_every_copy() -> None:
    env = GymnasiumEnv("CartPole-v1", num_areas=COPIES, seed=SEED)
    env.reset()
    for _ in range(30):
        env.step()
    env.reset()
    decisions, terminals = env.get_steps("CartPole-v1")
    assert len(decisions) == COPIES and len(terminals) == 0
    assert not decisions.reward.any()


def test_unsupported_spaces_and_unknown_ids_are_one_line_errors() -> None:
    tuple_obs = spaces.Tuple((BOX_OBS, BOX_OBS))
    with pytest.raises(UnsupportedSpace, match="supported: observations: Box"):
        GymnasiumEnv("Recorder-v0", action_space=spaces.Discrete(2), obs=tuple_obs)
    with pytest.raises(UnsupportedSpace, match="action space Dict"):
        GymnasiumEnv(
            "Recorder-v0", action_space=spaces.Dict({"a": BOX_OBS}), obs=BOX_OBS
        )
    with pytest.raises(ValueError, match="unknown Gymnasium environment 'Nope-v0'"):
        check_environment("Nope-v0")
    check_environment("CartPole-v1")


def example_configs() -> list[Path]:
    """The Gymnasium example configs this flavour ships."""
    return sorted(
        path
        for env in ("CartPole", "Pendulum")
        for path in (PROJECT_ROOT / "config").glob(f"{TRAINER_TYPE}_{env}.yaml")
    )


def test_example_configs_are_the_zoo_mapping() -> None:
    configs = example_configs()
    assert configs, "no Gymnasium example config"
    for path in configs:
        behaviors = yaml.safe_load(path.read_text())["behaviors"]
        ((env_id, settings),) = behaviors.items()
        assert settings.pop("trainer_type") == TRAINER_TYPE
        assert settings == behavior_settings(env_id), path.name
        RunOptions.from_dict(yaml.safe_load(path.read_text()))  # ML-Agents parses it


def test_catalogue_tasks_come_from_the_mapping() -> None:
    tasks, _ = gymnasium_tasks()
    assert "Pendulum-v1" in tasks  # in both zoo files
    for name, task in tasks.items():
        settings = behavior_settings(name)
        assert task.budget <= settings.pop("max_steps")
        assert task.settings == settings
        assert task.zoo == (ALGORITHM, ZOO[ALGORITHM][name])
        env = task.make_env(1)
        assert isinstance(env, GymnasiumEnv) and env.behavior_name == task.behavior
        env.close()


@pytest.mark.parametrize("env_id", ["Pendulum-v1", "MountainCarContinuous-v0"])
def test_the_builtin_twin_trains_without_the_settings_only_ours_has(
    env_id: str,
) -> None:
    # The zoo's max_grad_norm, and its normalize as reward scaling, map onto
    # ours; ML-Agents' built-in PPO and POCA have no such settings and would
    # reject the keys. MountainCarContinuous-v0's entry normalizes, Pendulum's not.
    register_trainer_plugins()
    settings = behavior_settings(env_id)
    assert settings_for(TRAINER_TYPE, settings) == settings
    builtin = settings_for(BUILTIN_TWIN, settings)
    dropped = set(settings["hyperparameters"]) - set(builtin["hyperparameters"])
    ours_only = {"max_grad_norm", "scale_rewards"}
    assert dropped == (ours_only if ALGORITHM == "ppo" else set())
    normalize = bool(ZOO[ALGORITHM][env_id].get("normalize"))
    assert settings["network_settings"]["normalize"] == normalize
    if ALGORITHM == "ppo":
        assert settings["hyperparameters"]["scale_rewards"] == normalize
    for trainer_type, given in ((TRAINER_TYPE, settings), (BUILTIN_TWIN, builtin)):
        behaviors = {env_id: dict(given, trainer_type=trainer_type)}
        RunOptions.from_dict({"behaviors": behaviors})  # ML-Agents parses it


def test_without_gymnasium_the_list_names_the_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "gymnasium", None)  # import gymnasium fails
    monkeypatch.delitem(sys.modules, GymnasiumEnv.__module__)
    with pytest.raises(ModuleNotFoundError, match=r"\[gymnasium\]'$"):
        __import__(GymnasiumEnv.__module__)
    monkeypatch.setattr(
        "importlib.util.find_spec", lambda name, *args: None
    )  # as if neither gymnasium nor mujoco were installed
    tasks, missing = gymnasium_tasks()
    assert tasks == {} and missing is not None
    assert "Pendulum-v1" in missing
    assert "pip install '{{ cookiecutter.distribution_name }}[gymnasium]'" in missing
