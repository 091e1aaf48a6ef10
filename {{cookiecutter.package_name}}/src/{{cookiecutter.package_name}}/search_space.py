"""The building blocks of a hyperparameter search space, and its corners.

``settings.py`` declares ``SEARCH_SPACE`` with these: hyperparameter name ->
``FloatRange``, ``IntRange`` or ``Choice``. ``{{ cookiecutter.distribution_name }}-sweep`` samples its trials
from it, and checks first that every corner of it (each range's ends, each
choice, in every combination) is a setting the settings class accepts. Change
the space in ``settings.py``; this module only describes it.
"""

import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FloatRange:
    """A float from ``low`` to ``high`` (ends included), sampled on a log scale if ``log``."""

    low: float
    high: float
    log: bool = False

    def __post_init__(self) -> None:
        check_range(self.low, self.high, self.log)

    def ends(self) -> tuple[float, ...]:
        return (self.low, self.high)


@dataclass(frozen=True)
class IntRange:
    """An integer from ``low`` to ``high`` (ends included), on a log scale if ``log``."""

    low: int
    high: int
    log: bool = False

    def __post_init__(self) -> None:
        check_range(self.low, self.high, self.log)

    def ends(self) -> tuple[int, ...]:
        return (self.low, self.high)


@dataclass(frozen=True)
class Choice:
    """One of ``values``."""

    values: tuple[Any, ...]

    def __post_init__(self) -> None:
        if not self.values:
            raise ValueError("a Choice needs at least one value")

    def ends(self) -> tuple[Any, ...]:
        return self.values


Dimension = FloatRange | IntRange | Choice
SearchSpace = Mapping[str, Dimension]


def check_range(low: float, high: float, log: bool) -> None:
    """A range goes up, and a log-scale one stays above zero."""
    if not low < high:
        raise ValueError(f"a range needs low < high, got {low} to {high}")
    if log and low <= 0:
        raise ValueError(f"a log-scale range needs low > 0, got {low}")


def corners(space: SearchSpace) -> Iterator[dict[str, Any]]:
    """Every combination of the dimensions' ends (a Choice's ends: all its values)."""
    names = list(space)
    for values in itertools.product(*(space[name].ends() for name in names)):
        yield dict(zip(names, values, strict=True))


def describe(space: SearchSpace) -> str:
    """``learning_rate 0.0001-0.01 (log), batch_size in 32, 64``: the space in one line."""
    parts = []
    for name, dimension in space.items():
        if isinstance(dimension, Choice):
            parts.append(f"{name} in {', '.join(map(str, dimension.values))}")
        else:
            scale = " (log)" if dimension.log else ""
            parts.append(f"{name} {dimension.low:g}-{dimension.high:g}{scale}")
    return "; ".join(parts)
