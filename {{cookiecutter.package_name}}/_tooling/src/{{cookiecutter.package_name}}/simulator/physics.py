"""The physics of 3DBall: the agents tilt their platforms, the balls move.

``tick`` is written on vector components, so the same code runs on Python
floats (one agent) or on NumPy arrays (all agents at once). On a dozen agents
NumPy's cost is per call, about a microsecond, not per element, so running agent
by agent is several times faster; with a few dozen agents the arrays win.
``advance`` picks, and runs the ticks between two exchanges with Python in one
call. Change the contact model here; its constants live in
``Ball3DConfig`` (``scene.py``) and its approximations are listed at the top of ``ball3d.py``.

State layout, one row per agent: the platform's rotation quaternion in
Unity's (x, y, z, w) order, then the ball's position relative to the platform
centre, its velocity and its angular velocity (13 columns).
"""

import math
from collections.abc import Callable, Sequence
from functools import partial
from types import SimpleNamespace
from typing import Any

import numpy as np

from .scene import Ball3DConfig

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
    cfg: Ball3DConfig,
    ticks: int = 1,
) -> tuple[np.ndarray, int, np.ndarray]:
    """Run up to ``ticks`` ticks for every agent, with the actions held fixed.

    ``state`` is (N, 13), ``action`` (N, 2). Stops after the first tick in which
    a ball is found off its platform (Ball3DAgent's fall test, which ends the
    episode). Returns the new state, the number of ticks run, and which agents
    fell in the last one; those hold their terminal state: the platform tilted,
    the ball where the fall test saw it.
    """
    step = partial(tick, gravity=gravity, cfg=cfg)
    run = _advance_per_agent if len(state) <= PER_AGENT_LIMIT else _advance_vectorized
    rows, ran = run(step, state, action, radius, ticks)
    return rows[:, :STATE_SIZE], ran, rows[:, STATE_SIZE] > 0.0


def _advance_per_agent(
    step: Callable[..., tuple], state: Any, action: Any, radius: Any, ticks: int
) -> tuple[np.ndarray, int]:
    # Each agent runs on its own; a fall anywhere ends the block for all, so
    # agents keep their per-tick states until the block's length is known.
    histories = []
    for s, a, r in zip(state.tolist(), action.tolist(), radius.tolist(), strict=True):
        history = []
        for t in range(ticks):
            moved = step(FLOATS, s, a, r)
            if moved[-1]:  # fell: keep the ball where the fall test saw it
                history.append((*moved[:4], *s[4:], True))
                ticks = t + 1
                break
            history.append(moved)
            s = moved[:-1]
        histories.append(history)
    rows = [history[ticks - 1] for history in histories]
    return np.array(rows, dtype=np.float64).reshape(len(state), STATE_SIZE + 1), ticks


def _advance_vectorized(
    step: Callable[..., tuple], state: Any, action: Any, radius: Any, ticks: int
) -> tuple[np.ndarray, int]:
    columns, ran = list(state.T), 0
    while ran < ticks:
        moved = step(ARRAYS, columns, action.T, radius)
        ran += 1
        fell = moved[-1]
        if fell.any():  # keep the fallen agents' balls where the fall test saw them
            moved = (
                *moved[:4],
                *(
                    np.where(fell, c, m)
                    for c, m in zip(columns[4:], moved[4:-1], strict=False)
                ),
                fell,
            )
            break
        columns = list(moved[:-1])
    return np.array(moved, dtype=np.float64).T, ran


def tick(
    xp: SimpleNamespace,
    state: Sequence[Any],
    action: Sequence[Any],
    radius: Any,
    gravity: float,
    cfg: Ball3DConfig,
) -> tuple:
    """``OnActionReceived`` (tilt, fall test), then one physics step of the ball.

    ``state`` holds the 13 components (floats for one agent, arrays for all),
    ``action`` the two actions; ``xp`` is ``FLOATS`` or ``ARRAYS`` to match.
    Returns the 13 new components, then the fall test's result.
    """
    qx, qy, qz, qw, px, py, pz, vx, vy, vz, wx, wy, wz = state

    # --- OnActionReceived (Ball3DAgent.cs). Tilt about z, then about x, by at
    # most 2 degrees each, but only while the quaternion component of that axis
    # is below 0.25 in the direction of the action. Unity's Transform.Rotate is
    # q * AngleAxis(angle, axis), with AngleAxis = (sin(angle/2) axis, cos(angle/2)).
    gate, half_degree = cfg.tilt_gate, cfg.max_degrees_per_tick * math.pi / 360.0
    turn = xp.clip(action[0], -1.0, 1.0)
    half = (
        turn
        * half_degree
        * (((qz < gate) & (turn > 0.0)) | ((qz > -gate) & (turn < 0.0)))
    )
    s, c = xp.sin(half), xp.cos(half)
    qx, qy, qz, qw = qx * c + qy * s, qy * c - qx * s, qz * c + qw * s, qw * c - qz * s
    turn = xp.clip(action[1], -1.0, 1.0)
    half = (
        turn
        * half_degree
        * (((qx < gate) & (turn > 0.0)) | ((qx > -gate) & (turn < 0.0)))
    )
    s, c = xp.sin(half), xp.cos(half)
    qx, qy, qz, qw = qx * c + qw * s, qy * c + qz * s, qz * c - qy * s, qw * c - qx * s
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
