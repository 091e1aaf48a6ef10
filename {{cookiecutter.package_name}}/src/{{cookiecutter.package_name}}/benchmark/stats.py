"""The statistics of the benchmark report: medians, their intervals, and a rank test.

Seeds are few (5 by default) and steps-to-threshold is skewed, with runs that
never reach the threshold (counted as ``inf``: after every run that did). So
nothing here assumes a normal distribution:

* ``median_interval``: the order-statistic (binomial) confidence interval for
  the median, which holds for any continuous distribution. With 5 seeds the
  best it can do is the range of the 5 values, at 93.75% coverage.
* ``mann_whitney``: the two-sided Mann-Whitney U test (Wilcoxon rank sum),
  exact (every split of the pooled ranks, midranks for ties) for small
  samples, with the normal approximation beyond.

Change ``CONFIDENCE`` and ``ALPHA`` to ask for more or less certainty.
"""

import itertools
import math
from collections.abc import Sequence

CONFIDENCE = 0.95  # wanted coverage of the median's interval
ALPHA = 0.05  # a difference with p >= ALPHA is "inside the noise"
EXACT_LIMIT = 200_000  # most splits enumerated by the exact test


def median(values: Sequence[float]) -> float:
    """The median; ``inf`` values (runs that never got there) sort last."""
    ordered = sorted(values)
    n = len(ordered)
    if n == 0:
        return math.nan
    middle = n // 2
    if n % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def _binomial_cdf(k: int, n: int) -> float:
    """P(X <= k) for X ~ Binomial(n, 1/2)."""
    return sum(math.comb(n, i) for i in range(k + 1)) / 2**n


def median_interval(
    values: Sequence[float], confidence: float = CONFIDENCE
) -> tuple[float, float, float] | None:
    """(low, high, coverage): the narrowest order-statistic interval for the median
    whose coverage reaches ``confidence``, else the widest one (the range) with
    the coverage it has. None for fewer than 2 values (no interval at all)."""
    ordered = sorted(values)
    n = len(ordered)
    if n < 2:
        return None
    for k in range(n // 2, 0, -1):  # from the narrowest interval outwards
        coverage = 1 - 2 * _binomial_cdf(k - 1, n)
        if coverage >= confidence or k == 1:
            return ordered[k - 1], ordered[n - k], coverage
    raise AssertionError("unreachable")


def _midranks(values: Sequence[float]) -> list[float]:
    """Ranks from 1, ties sharing the mean of their ranks."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for position in range(start, end + 1):
            ranks[order[position]] = (start + end) / 2 + 1
        start = end + 1
    return ranks


def mann_whitney(a: Sequence[float], b: Sequence[float]) -> float:
    """Two-sided p-value of the Mann-Whitney U test of ``a`` against ``b``.

    1.0 when either sample is empty or every value is tied.
    """
    n_a, n_b = len(a), len(b)
    if n_a == 0 or n_b == 0:
        return 1.0
    ranks = _midranks([*a, *b])
    observed = sum(ranks[:n_a])
    expected = n_a * (n_a + n_b + 1) / 2
    distance = abs(observed - expected)
    if distance == 0:
        return 1.0
    splits = math.comb(n_a + n_b, n_a)
    if splits <= EXACT_LIMIT:
        extreme = sum(
            1
            for chosen in itertools.combinations(ranks, n_a)
            if abs(sum(chosen) - expected) >= distance - 1e-9
        )
        return extreme / splits
    # Normal approximation with the tie correction, and a continuity correction.
    n = n_a + n_b
    ties = _tie_counts(ranks)
    variance = n_a * n_b / 12 * ((n + 1) - sum(t**3 - t for t in ties) / (n * (n - 1)))
    if variance <= 0:
        return 1.0
    z = (distance - 0.5) / math.sqrt(variance)
    return min(1.0, math.erfc(max(z, 0.0) / math.sqrt(2)))


def _tie_counts(ranks: Sequence[float]) -> list[int]:
    counts: dict[float, int] = {}
    for rank in ranks:
        counts[rank] = counts.get(rank, 0) + 1
    return list(counts.values())


def inside_the_noise(p_value: float, alpha: float = ALPHA) -> bool:
    """Whether a difference with this p-value is indistinguishable from seed noise."""
    return p_value >= alpha
