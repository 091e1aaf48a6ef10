"""The physics of 3DBall: the agents tilt their platforms, the balls move.

``tick`` is written on vector components, so the same code runs on Python
floats (one agent) or on NumPy arrays (all agents at once). On a dozen agents
NumPy's cost is per call, about a microsecond, not per element, so running agent
by agent is several times faster; with a few dozen agents the arrays win.
``advance`` picks. Change the contact model here; its constants live in
``Ball3DConfig`` and its approximations are listed at the top of ``ball3d.py``.

State layout, one row per agent: the platform's rotation quaternion in
Unity's (x, y, z, w) order, then the ball's position relative to the platform
centre, its velocity and its angular velocity (13 columns).
"""

import math
from collections.abc import Sequence
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .ball3d import Ball3DConfig

STATE_SIZE = 13
ROTATION, POSITION, VELOCITY, SPIN = (
    slice(0, 4),
    slice(4, 7),
    slice(7, 10),
    slice(10, 13),
)
BALL = slice(4, 13)
# Agents per environment up to which the per-agent loop is faster (measured on
# x86_64 with NumPy 1.23; the results are the same either way).
PER_AGENT_LIMIT = 32

# The few operations that differ between floats and arrays. (For two floats a
# conditional expression is several times faster than the built-in min and max.)
FLOATS = SimpleNamespace(
    minimum=lambda a, b: a if a < b else b,
    maximum=lambda a, b: a if a > b else b,
    clip=lambda a, low, high: low if a < low else high if a > high else a,
    sqrt=math.sqrt,
    sin=math.sin,
    cos=math.cos,
    any=bool,
    where=lambda condition, a, b: a if condition else b,
)
ARRAYS = SimpleNamespace(
    minimum=np.minimum,
    maximum=np.maximum,
    clip=lambda a, low, high: np.minimum(np.maximum(a, low), high),
    sqrt=np.sqrt,
    sin=np.sin,
    cos=np.cos,
    any=np.any,
    where=np.where,
)


def advance(
    state: np.ndarray,
    action: np.ndarray,
    radius: np.ndarray,
    gravity: float,
    cfg: "Ball3DConfig",
) -> tuple[np.ndarray, np.ndarray]:
    """One tick for every agent: ``state`` is (N, 13), ``action`` (N, 2).

    Returns the new state and, per agent, whether its ball had already left the
    platform (Ball3DAgent's fall test, made before the physics step).
    """
    if len(state) <= PER_AGENT_LIMIT:
        agents = zip(state.tolist(), action.tolist(), radius.tolist(), strict=True)
        rows = np.array(
            [tick(FLOATS, s, a, r, gravity, cfg) for s, a, r in agents],
            dtype=np.float64,
        ).reshape(len(state), STATE_SIZE + 1)
    else:
        columns = tick(ARRAYS, state.T, action.T, radius, gravity, cfg)
        rows = np.array(columns, dtype=np.float64).T
    return rows[:, :STATE_SIZE], rows[:, STATE_SIZE] > 0.0


def tick(
    xp: SimpleNamespace,
    state: Sequence[Any],
    action: Sequence[Any],
    radius: Any,
    gravity: float,
    cfg: "Ball3DConfig",
) -> tuple:
    """``OnActionReceived`` (tilt, fall test), then one physics step of the ball.

    ``state`` holds the 13 components (floats for one agent, arrays for all),
    ``action`` the two actions; ``xp`` is ``FLOATS`` or ``ARRAYS`` to match.
    Returns the 13 new components, then the fall test's result.
    """
    qx, qy, qz, qw, px, py, pz, vx, vy, vz, wx, wy, wz = state

    # --- OnActionReceived (Ball3DAgent.cs). Tilt about z, then about x, by at
    # most 2 degrees each, but only while the quaternion component of that axis
    # is below 0.25 in the direction of the action.
    gate, half_degree = cfg.tilt_gate, cfg.max_degrees_per_tick * math.pi / 360.0
    turn = xp.clip(action[0], -1.0, 1.0)
    half = (
        turn
        * half_degree
        * (((qz < gate) & (turn > 0.0)) | ((qz > -gate) & (turn < 0.0)))
    )
    qx, qy, qz, qw = rotate_about_z(qx, qy, qz, qw, xp.sin(half), xp.cos(half))
    turn = xp.clip(action[1], -1.0, 1.0)
    half = (
        turn
        * half_degree
        * (((qx < gate) & (turn > 0.0)) | ((qx > -gate) & (turn < 0.0)))
    )
    qx, qy, qz, qw = rotate_about_x(qx, qy, qz, qw, xp.sin(half), xp.cos(half))
    # The fall test sees the ball where the last physics step left it.
    fell = (
        (py < cfg.fall_below)
        | (abs(px) > cfg.fall_beyond)
        | (abs(pz) > cfg.fall_beyond)
    )

    # --- Physics step: gravity and angular drag.
    dt = cfg.dt
    vy = vy - gravity * dt
    decay = 1.0 - cfg.angular_drag * dt
    wx, wy, wz = wx * decay, wy * decay, wz * decay

    # The ball centre in the platform frame, and its offset from the closest
    # point of the 5x5x5 cube.
    h = cfg.half_extent
    lx, ly, lz = rotate(-qx, -qy, -qz, qw, px, py, pz)
    ox, oy, oz = (
        lx - xp.clip(lx, -h, h),
        ly - xp.clip(ly, -h, h),
        lz - xp.clip(lz, -h, h),
    )
    dist = xp.sqrt(ox * ox + oy * oy + oz * oz)
    gap = dist - radius
    touching = gap < cfg.contact_offset
    if xp.any(touching):
        # Contact normal in world space (straight up from the top face when the
        # centre is inside the cube).
        d = xp.maximum(dist, 1e-9)
        nx, ny, nz = rotate(qx, qy, qz, qw, ox / d, oy / d + (dist < 1e-9), oz / d)
        # Normal impulse: close the gap this tick, or push out of penetration
        # capped like PhysX; bounce only above the bounce threshold.
        vn = vx * nx + vy * ny + vz * nz
        target = xp.minimum(
            xp.maximum(vn, -gap / dt), xp.maximum(vn, cfg.max_depenetration_speed)
        )
        target = xp.where(
            -vn > cfg.bounce_threshold,
            xp.maximum(target, -cfg.restitution * vn),
            target,
        )
        jn = xp.maximum(target - vn, 0.0) * touching
        vx, vy, vz = vx + jn * nx, vy + jn * ny, vz + jn * nz
        # Coulomb friction at the contact point -r n, whose velocity is
        # v + w x (-r n) = v + r (n x w); 2/7 is a rolling solid sphere.
        sx = vx + radius * (ny * wz - nz * wy)
        sy = vy + radius * (nz * wx - nx * wz)
        sz = vz + radius * (nx * wy - ny * wx)
        sn = sx * nx + sy * ny + sz * nz
        jx, jy, jz = (
            (sx - sn * nx) * -2 / 7,
            (sy - sn * ny) * -2 / 7,
            (sz - sn * nz) * -2 / 7,
        )
        magnitude = xp.sqrt(jx * jx + jy * jy + jz * jz)
        scale = xp.minimum(1.0, cfg.friction * jn / xp.maximum(magnitude, 1e-12))
        jx, jy, jz = jx * scale, jy * scale, jz * scale
        vx, vy, vz = vx + jx, vy + jy, vz + jz
        # Angular impulse (-r n) x j over the inertia 0.4 m r^2, per unit mass.
        k = 2.5 / radius
        wx = wx + k * (jy * nz - jz * ny)
        wy = wy + k * (jz * nx - jx * nz)
        wz = wz + k * (jx * ny - jy * nx)

    px, py, pz = px + vx * dt, py + vy * dt, pz + vz * dt
    return qx, qy, qz, qw, px, py, pz, vx, vy, vz, wx, wy, wz, fell


# Unity's Transform.Rotate(axis, angle) is q * AngleAxis(angle, axis), where
# AngleAxis = (sin(angle/2) axis, cos(angle/2)); s and c are that sine and cosine.
def rotate_about_z(qx: Any, qy: Any, qz: Any, qw: Any, s: Any, c: Any) -> tuple:
    return qx * c + qy * s, qy * c - qx * s, qz * c + qw * s, qw * c - qz * s


def rotate_about_x(qx: Any, qy: Any, qz: Any, qw: Any, s: Any, c: Any) -> tuple:
    return qx * c + qw * s, qy * c + qz * s, qz * c - qy * s, qw * c - qx * s


def rotate(ux: Any, uy: Any, uz: Any, w: Any, x: Any, y: Any, z: Any) -> tuple:
    """Rotate (x, y, z) by the unit quaternion (u, w): v + w t + u x t, t = 2 u x v."""
    tx, ty, tz = (
        2.0 * (uy * z - uz * y),
        2.0 * (uz * x - ux * z),
        2.0 * (ux * y - uy * x),
    )
    return (
        x + w * tx + uy * tz - uz * ty,
        y + w * ty + uz * tx - ux * tz,
        z + w * tz + ux * ty - uy * tx,
    )
