"""Range checks for hyperparameters, raised as ML-Agents' ``TrainerConfigError``.

They run when the YAML is parsed, so a bad value stops ``mlagents-learn``
before any training. Use them as attrs validators in ``settings.py``.
"""

import math
from collections.abc import Callable
from typing import Any

from mlagents.trainers.exception import TrainerConfigError

Validator = Callable[[Any, Any, Any], None]


def in_range(
    low: float | None,
    high: float | None,
    low_inclusive: bool = True,
    high_inclusive: bool = True,
) -> Validator:
    """An attrs validator that accepts ``low <= value <= high`` (bounds optional)."""
    left = "[" if low_inclusive else "("
    right = "]" if high_inclusive else ")"
    accepted = f"{left}{'-inf' if low is None else low}, {'inf' if high is None else high}{right}"

    def check(instance: Any, attribute: Any, value: Any) -> None:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        ok = ok and math.isfinite(value)
        if ok and low is not None:
            ok = value >= low if low_inclusive else value > low
        if ok and high is not None:
            ok = value <= high if high_inclusive else value < high
        if not ok:
            raise TrainerConfigError(
                f"{type(instance).__name__}.{attribute.name} must be in {accepted}, "
                f"got {value!r}."
            )

    return check


positive = in_range(0, None, low_inclusive=False)
non_negative = in_range(0, None)
