"""The constants of ML-Agents' 3DBall scene and prefab, for the simulator.

``Ball3DConfig`` holds what Unity's scene fixes: timestep, gravity, platform
size, contact constants, rewards, episode length. Both ``ball3d.py`` (the
environment) and ``physics.py`` (its physics tick) read it, and neither imports
the other through it. Change the values here to make the task harder or easier.
"""

import attr

BEHAVIOR_NAME = "3DBall?team=0"
OBSERVATION_NAME = "VectorSensor_size8"


@attr.s(auto_attribs=True, frozen=True)
class Ball3DConfig:
    """Constants of the 3DBall scene and prefab (see the module docstring)."""

    agents_per_area: int = 12
    dt: float = 0.02  # fixed physics timestep, seconds
    gravity: float = 9.81
    decision_period: int = 5
    max_step: int = 5000  # physics ticks per episode before interruption
    half_extent: float = 2.5  # the platform is a 5x5x5 cube
    friction: float = 0.6
    restitution: float = 0.05
    bounce_threshold: float = 2.0  # m/s; slower impacts do not bounce
    contact_offset: float = 0.01
    max_depenetration_speed: float = 10.0
    angular_drag: float = 0.01
    max_degrees_per_tick: float = 2.0
    tilt_gate: float = 0.25  # |quaternion component| above which tilting stops
    reset_tilt_degrees: float = 10.0
    reset_ball_offset: float = 1.5
    reset_ball_height: float = 4.0
    fall_below: float = -2.0  # the episode ends when the ball is this far below
    fall_beyond: float = 3.0  # ... or this far out in x or z from the platform centre
    reward_alive: float = 0.1
    reward_fall: float = -1.0
