"""The 3DBall simulator follows the 3DBall spec, point by point."""

import math

import numpy as np
import pytest
from mlagents_envs.base_env import ActionTuple
from mlagents_envs.exception import UnityActionException
from mlagents_envs.side_channel.environment_parameters_channel import (
    EnvironmentParametersChannel,
)

from {{ cookiecutter.package_name }}.simulator import Ball3DEnv, physics
from {{ cookiecutter.package_name }}.simulator.scene import (
    BEHAVIOR_NAME,
    Ball3DConfig,
)


def act(env: Ball3DEnv, actions: np.ndarray | None = None) -> None:
    """Send ``actions`` (zeros by default) for the agents requesting a decision."""
    decisions, _ = env.get_steps(BEHAVIOR_NAME)
    if actions is None:
        actions = np.zeros((len(decisions), 2), dtype=np.float32)
    env.set_actions(BEHAVIOR_NAME, ActionTuple(continuous=actions))
    env.step()


def test_behavior_spec_and_agents() -> None:
    env = Ball3DEnv(num_areas=2)
    spec = env.behavior_specs[BEHAVIOR_NAME]
    assert list(env.behavior_specs) == ["3DBall?team=0"]
    assert [o.shape for o in spec.observation_specs] == [(8,)]
    assert spec.observation_specs[0].name == "VectorSensor_size8"
    assert spec.action_spec.continuous_size == 2
    assert spec.action_spec.discrete_branches == ()
    env.reset()
    decisions, terminals = env.get_steps(BEHAVIOR_NAME)
    assert list(decisions.agent_id) == list(range(24))  # 12 agents per area
    assert len(terminals) == 0
    assert decisions.obs[0].shape == (24, 8) and decisions.obs[0].dtype == np.float32


def test_first_decision_shows_the_reset_state_within_the_documented_ranges() -> None:
    env = Ball3DEnv(seed=3, num_areas=10)
    env.reset()
    decisions, _ = env.get_steps(BEHAVIOR_NAME)
    obs = decisions.obs[0]
    max_component = math.sin(math.radians(10) / 2) + 1e-6
    assert np.all(np.abs(obs[:, 0]) <= max_component)  # rotation.z
    assert np.all(np.abs(obs[:, 1]) <= max_component)  # rotation.x
    assert np.all(np.abs(obs[:, 2]) <= 1.5) and np.all(np.abs(obs[:, 4]) <= 1.5)
    assert np.allclose(obs[:, 3], 4.0)  # the ball starts 4 above the platform centre
    assert np.allclose(obs[:, 5:], 0.0)  # at rest
    assert np.allclose(decisions.reward, 0.0)
    # The draws cover the ranges rather than sitting at a point.
    assert np.ptp(obs[:, 2]) > 1.5 and np.ptp(obs[:, 0]) > 0.05


def test_decision_every_5_ticks_and_0_1_reward_per_decision() -> None:
    env = Ball3DEnv(seed=0)
    env.reset()
    assert env.academy_steps == 1
    for expected_tick in (6, 11, 16):
        act(env)
        decisions, terminals = env.get_steps(BEHAVIOR_NAME)
        assert env.academy_steps == expected_tick
        assert len(decisions) == 12 and len(terminals) == 0
        assert np.allclose(decisions.reward, 0.1)  # SetReward overwrites: not 5 x 0.1


def test_clamped_actions_tilt_at_most_2_degrees_per_tick() -> None:
    env = Ball3DEnv(seed=0)
    env.reset()
    before = env.rotation.copy()
    act(env, np.full((12, 2), 50.0, dtype=np.float32))  # clamped to 1 -> 2 degrees
    after = env.rotation
    # Over 5 ticks the platform turns at most 5 * 2 degrees about each axis.
    dot = np.abs(np.sum(before * after, axis=0)).clip(max=1.0)
    turned = np.degrees(2 * np.arccos(dot))
    assert np.all(turned <= 2 * 5 * math.sqrt(2) + 1e-6)
    assert np.all(turned > 5.0)


def test_tilt_gate_stops_at_quaternion_component_0_25() -> None:
    env = Ball3DEnv(seed=0)
    env.reset()
    for _ in range(60):
        decisions, _ = env.get_steps(BEHAVIOR_NAME)
        act(env, np.ones((len(decisions), 2), dtype=np.float32))
    # One more 2-degree step can overshoot the gate slightly (|q| <= ~0.27).
    assert np.all(env.rotation[2] < 0.25 + math.sin(math.radians(1)) + 1e-6)
    assert np.all(env.rotation[0] < 0.25 + math.sin(math.radians(1)) + 1e-6)


def test_a_fall_ends_the_episode_with_minus_1_and_resets_the_agent() -> None:
    env = Ball3DEnv(seed=1)
    env.reset()
    falls = 0
    for _ in range(300):
        decisions, terminals = env.get_steps(BEHAVIOR_NAME)
        for i, agent in enumerate(terminals.agent_id):
            if not terminals.interrupted[i]:
                falls += 1
                assert terminals.reward[i] == pytest.approx(-1.0)
                ball = terminals.obs[0][i, 2:5]
                assert ball[1] < -2.0 or abs(ball[0]) > 3.0 or abs(ball[2]) > 3.0
                assert env.ball_position[1, agent] > 3.0  # already reset
        act(env, np.ones((len(decisions), 2), dtype=np.float32))  # tilt hard
    assert falls >= 12


def test_episode_is_interrupted_at_max_step_with_reward_0_1() -> None:
    env = Ball3DEnv(seed=0, config=Ball3DConfig(max_step=25))
    env.reset()
    for _ in range(5):
        act(env)
    _, terminals = env.get_steps(BEHAVIOR_NAME)
    assert sorted(terminals.agent_id) == list(range(12))
    assert np.all(terminals.interrupted)
    assert np.allclose(terminals.reward, 0.1)
    assert Ball3DConfig().max_step == 5000


def test_same_seed_same_episode_and_other_seed_differs() -> None:
    def rollout(seed: int) -> np.ndarray:
        env = Ball3DEnv(seed=seed)
        env.reset()
        rng = np.random.default_rng(0)
        seen = []
        for _ in range(200):
            decisions, terminals = env.get_steps(BEHAVIOR_NAME)
            seen += [decisions.obs[0].sum(), terminals.reward.sum()]
            act(env, rng.uniform(-1, 1, (len(decisions), 2)).astype(np.float32))
        return np.array(seen)

    assert np.array_equal(rollout(7), rollout(7))
    assert not np.array_equal(rollout(7), rollout(8))


def test_environment_parameters_reach_the_simulator() -> None:
    channel = EnvironmentParametersChannel()
    env = Ball3DEnv(seed=0, side_channels=[channel])
    channel.set_float_parameter("gravity", 20.0)
    channel.set_float_parameter("scale", 2.0)
    channel.set_uniform_sampler_parameters("mass", 2.0, 3.0, seed=5)
    env.reset()
    assert env.gravity == 20.0
    assert np.allclose(env.ball_radius, 1.0)
    assert np.all((env.ball_mass >= 2.0) & (env.ball_mass <= 3.0))
    assert np.ptp(env.ball_mass) > 0  # a sampler draws per reset
    assert env.environment_parameters["gravity"] == 20.0
    # A bigger ball rests higher: 2.5 (half the cube) + radius 1.
    heights = []
    while len(heights) < 15:
        decisions, _ = env.get_steps(BEHAVIOR_NAME)
        if len(decisions) == 12:
            heights.append(decisions.obs[0][:, 3])
        act(env)
    on_platform = np.abs(heights[-1] - 3.5) < 0.3
    assert on_platform.sum() >= 6, heights[-1]


def test_ball_rolls_down_a_fixed_slope_at_five_sevenths_g_sin_theta() -> None:
    env = Ball3DEnv(seed=0, config=Ball3DConfig(agents_per_area=1))
    env.reset()
    theta = math.radians(10)
    env.rotation[:, 0] = [0.0, 0.0, math.sin(theta / 2), math.cos(theta / 2)]
    env.ball_spin[:] = 0.0
    normal = np.array([-math.sin(theta), math.cos(theta), 0.0])
    env.ball_position[:, 0] = normal * 3.0  # resting on the top face
    env.ball_velocity[:] = 0.0
    env.state, ran, _ = physics.advance(
        env.state, env.action, env.ball_radius, env.gravity, env.config, ticks=5
    )
    speed_before = np.linalg.norm(env.ball_velocity[:, 0])
    env.state, ran_after, _ = physics.advance(
        env.state, env.action, env.ball_radius, env.gravity, env.config, ticks=25
    )
    assert ran + ran_after == 30  # still on the platform
    acceleration = (np.linalg.norm(env.ball_velocity[:, 0]) - speed_before) / (
        25 * 0.02
    )
    assert acceleration == pytest.approx(5 / 7 * 9.81 * math.sin(theta), rel=0.03)


@pytest.mark.parametrize(
    "actions, message",
    [
        (np.zeros((11, 2), dtype=np.float32), "shape"),
        (np.zeros((12, 3), dtype=np.float32), "shape"),
        (np.full((12, 2), np.nan, dtype=np.float32), "NaN"),
    ],
)
def test_bad_actions_are_clear_errors(actions: np.ndarray, message: str) -> None:
    env = Ball3DEnv()
    env.reset()
    with pytest.raises(UnityActionException, match=message):
        env.set_actions(BEHAVIOR_NAME, ActionTuple(continuous=actions))


def test_unknown_behavior_name_is_a_clear_error() -> None:
    env = Ball3DEnv()
    env.reset()
    with pytest.raises(UnityActionException, match="unknown behavior name"):
        env.get_steps("Basic?team=0")


def test_per_agent_and_vectorized_physics_agree() -> None:
    # advance() runs agent by agent up to PER_AGENT_LIMIT agents, on arrays above.
    env = Ball3DEnv(seed=3, num_areas=4)
    env.reset()
    rng = np.random.default_rng(0)
    for _ in range(40):  # mixed states: falling, bouncing, rolling, over an edge
        decisions, _ = env.get_steps(BEHAVIOR_NAME)
        act(env, rng.uniform(-1.5, 1.5, (len(decisions), 2)).astype(np.float32))
    assert env.num_agents == 48 > physics.PER_AGENT_LIMIT
    state, radius = env.state, env.ball_radius
    action = rng.uniform(-1.5, 1.5, (48, 2))
    vectorized, ran, fell = physics.advance(
        state, action, radius, 9.81, env.config, ticks=1
    )
    for area in range(4):
        rows = slice(12 * area, 12 * area + 12)
        per_agent, _, fell_per_agent = physics.advance(
            state[rows], action[rows], radius[rows], 9.81, env.config, ticks=1
        )
        assert np.allclose(vectorized[rows], per_agent, rtol=0, atol=1e-12)
        assert np.array_equal(fell[rows], fell_per_agent)
    assert not np.allclose(vectorized, state)  # the balls moved


@pytest.mark.parametrize("areas", [1, 4])  # per agent, and vectorized
def test_ticks_in_one_call_match_ticks_one_by_one(areas: int) -> None:
    env = Ball3DEnv(seed=5, num_areas=areas)
    env.reset()
    rng = np.random.default_rng(1)
    stops = []
    for _ in range(60):
        action = rng.uniform(-1.5, 1.5, (env.num_agents, 2))
        block, ran, fell = physics.advance(
            env.state, action, env.ball_radius, 9.81, env.config, ticks=5
        )
        one_by_one = env.state
        for _ in range(ran):
            one_by_one, _, fell_here = physics.advance(
                one_by_one, action, env.ball_radius, 9.81, env.config
            )
        assert np.allclose(block, one_by_one, rtol=0, atol=1e-12)
        assert np.array_equal(fell, fell_here)
        stops.append(ran)
        decisions, _ = env.get_steps(BEHAVIOR_NAME)
        act(env, action[decisions.agent_id].astype(np.float32))
    assert min(stops) < 5 == max(stops)  # some blocks were cut short by a fall
