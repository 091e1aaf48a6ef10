"""A sweep's search space: trials sampled from it, and its corners checked first.

The space is ``SEARCH_SPACE``, declared beside the settings class in
``settings.py``. Before any training, ``check_space`` puts every corner of it
(each range's ends and each choice, in every combination) into the task's
behavior settings and structures them as ``mlagents-learn`` loads a config
(``RunOptions.from_dict``: cattrs, then the settings class's validators), so a
corner that the trainer would reject stops the sweep at once.
"""

from typing import TYPE_CHECKING, Any

from mlagents.trainers.exception import TrainerConfigError
from mlagents.trainers.settings import RunOptions

from ..benchmark.catalogue import BenchmarkTask
from ..benchmark.command import with_hyperparameters
from ..search_space import FloatRange, IntRange, SearchSpace, corners

if TYPE_CHECKING:  # Optuna is imported only once the command has checked for it.
    import optuna


def suggest(trial: "optuna.Trial", space: SearchSpace) -> dict[str, Any]:
    """The trial's hyperparameters, sampled from ``space`` (or fixed, for a retry)."""
    values: dict[str, Any] = {}
    for name, dimension in space.items():
        if isinstance(dimension, FloatRange):
            values[name] = trial.suggest_float(
                name, dimension.low, dimension.high, log=dimension.log
            )
        elif isinstance(dimension, IntRange):
            values[name] = trial.suggest_int(
                name, dimension.low, dimension.high, log=dimension.log
            )
        else:
            values[name] = trial.suggest_categorical(name, list(dimension.values))
    return values


def structure(
    task: BenchmarkTask, trainer_type: str, hyperparameters: dict[str, Any]
) -> RunOptions:
    """The run options that ``task`` with ``hyperparameters`` loads into."""
    settings = with_hyperparameters(task, hyperparameters).settings
    behavior = {**settings, "trainer_type": trainer_type, "max_steps": task.budget}
    return RunOptions.from_dict(dict(behaviors={task.behavior: behavior}))


def check_space(space: SearchSpace, task: BenchmarkTask, trainer_type: str) -> int:
    """Raise ``TrainerConfigError`` naming the first corner the settings reject.

    Returns how many corners were checked.
    """
    checked = 0
    for corner in corners(space):
        try:
            structure(task, trainer_type, corner)
        # cattrs raises TypeError or ValueError for a value of the wrong type.
        except (TrainerConfigError, TypeError, ValueError) as error:
            raise TrainerConfigError(
                f"the search space reaches a setting that {trainer_type} rejects "
                f"on {task.name}: {corner}: {error}"
            ) from error
        checked += 1
    return checked
