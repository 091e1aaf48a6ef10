"""Hyperparameters of {{ cookiecutter.trainer_class_name }}: what a YAML ``hyperparameters:`` block may hold.

ML-Agents turns the block into this attrs class. An unknown key is rejected
with ML-Agents' own error, and the validators below reject nonsense values at
parse time. To add a hyperparameter, add a typed field with a default (and a
validator), then read it as ``self.hyperparameters.<name>`` in the trainer or
optimizer. ``SEARCH_SPACE``, at the end, is what ``{{ cookiecutter.distribution_name }}-sweep`` tunes.
"""

import attr
from mlagents.trainers.exception import TrainerConfigError
from mlagents.trainers.settings import OffPolicyHyperparamSettings, ScheduleType

from .search_space import Choice, Dimension, FloatRange
from .validation import in_range, non_negative, positive

# ML-Agents' linear schedule decays the learning rate toward this floor by
# max_steps: a learning rate below it would grow instead, so it is rejected.
LEARNING_RATE_FLOOR = 1e-10


@attr.s(auto_attribs=True)
class {{ cookiecutter.trainer_class_name }}Settings(OffPolicyHyperparamSettings):
    """SAC-style settings. Defaults follow ML-Agents' built-in SAC."""

    # Inherited fields, redeclared to validate them.
    batch_size: int = attr.ib(default=128, validator=positive)
    buffer_size: int = attr.ib(default=50000, validator=positive)
    learning_rate: float = attr.ib(default=3.0e-4, validator=positive)
    learning_rate_schedule: ScheduleType = ScheduleType.CONSTANT
    # Random steps collected before the first update.
    buffer_init_steps: int = attr.ib(default=0, validator=non_negative)
    # Agent steps per gradient update (the replay ratio is its inverse).
    steps_per_update: float = attr.ib(default=1.0, validator=positive)
    # Soft target update: theta_target <- tau * theta + (1 - tau) * theta_target.
    tau: float = attr.ib(default=0.005, validator=in_range(0, 1, low_inclusive=False))
    # Initial entropy temperature alpha; it is then tuned automatically.
    init_entcoef: float = attr.ib(default=1.0, validator=positive)
    # Save the replay buffer with each checkpoint, so --resume continues with it.
    save_replay_buffer: bool = False
    reward_signal_steps_per_update: float = attr.ib(validator=positive)

    @reward_signal_steps_per_update.default
    def _reward_signal_steps_per_update_default(self) -> float:
        return self.steps_per_update

    def __attrs_post_init__(self) -> None:
        if (
            self.learning_rate_schedule == ScheduleType.LINEAR
            and self.learning_rate < LEARNING_RATE_FLOOR
        ):
            raise TrainerConfigError(
                f"{type(self).__name__}.learning_rate ({self.learning_rate}) must be "
                f">= {LEARNING_RATE_FLOOR} with learning_rate_schedule: linear, which "
                f"decays it toward {LEARNING_RATE_FLOOR} (it would grow instead); set "
                "learning_rate_schedule: constant to keep a smaller value."
            )


# What {{ cookiecutter.distribution_name }}-sweep searches: hyperparameter -> range (log: sampled on a
# log scale) or choices; the task's settings keep every other value. The class's
# validators bound it: the sweep checks first that every corner of the space is
# a setting the class accepts, and so does tests/test_sweep.py, so a range
# widened past a validator fails there, before any training.
SEARCH_SPACE: dict[str, Dimension] = {
    "learning_rate": FloatRange(1e-4, 1e-2, log=True),
    "batch_size": Choice((32, 64, 128, 256)),
    "steps_per_update": FloatRange(1.0, 10.0, log=True),
    "tau": FloatRange(1e-3, 0.1, log=True),
    "init_entcoef": FloatRange(0.01, 1.0, log=True),
}
