"""Hyperparameters of {{ cookiecutter.trainer_class_name }}: what a YAML ``hyperparameters:`` block may hold.

ML-Agents turns the block into this attrs class. An unknown key is rejected
with ML-Agents' own error, and the validators below reject nonsense values at
parse time. To add a hyperparameter, add a typed field with a default (and a
validator), then read it as ``self.hyperparameters.<name>`` in the trainer or
optimizer. ``SEARCH_SPACE``, at the end, is what ``{{ cookiecutter.distribution_name }}-sweep`` tunes.
"""

import attr
from mlagents.trainers.exception import TrainerConfigError
from mlagents.trainers.settings import OnPolicyHyperparamSettings, ScheduleType

from .search_space import Choice, Dimension, FloatRange, IntRange
from .validation import in_range, positive

# ML-Agents' linear schedule decays each value toward its floor by max_steps:
# a value that starts below its floor would grow instead, so it is rejected.
LEARNING_RATE_FLOOR = 1e-10
EPSILON_FLOOR = 0.1
BETA_FLOOR = 1e-5


@attr.s(auto_attribs=True)
class {{ cookiecutter.trainer_class_name }}Settings(OnPolicyHyperparamSettings):
    """MA-POCA-style settings. Defaults follow ML-Agents' built-in ``poca``."""

    # Inherited fields, redeclared to validate them.
    batch_size: int = attr.ib(default=1024, validator=positive)
    buffer_size: int = attr.ib(default=10240, validator=positive)
    learning_rate: float = attr.ib(default=3.0e-4, validator=positive)
    num_epoch: int = attr.ib(default=3, validator=positive)
    # Entropy bonus weight (beta), clip range (epsilon) and lambda of the returns.
    beta: float = attr.ib(default=5.0e-3, validator=in_range(0, None))
    epsilon: float = attr.ib(default=0.2, validator=in_range(0, 1, False, False))
    lambd: float = attr.ib(default=0.95, validator=in_range(0, 1))
    # Clip the gradients' global norm to this before each Adam step; 0 does not
    # clip, as ML-Agents' built-in POCA does not (SB3's and CleanRL's PPO clip at 0.5).
    max_grad_norm: float = attr.ib(default=0.0, validator=in_range(0, None))
    # Divide the extrinsic rewards by the running standard deviation of their
    # discounted return before the lambda-returns (reward_scaling.py), as SB3's VecNormalize
    # does; ML-Agents' built-in POCA does not (its normalize scales observations).
    scale_rewards: bool = False
    learning_rate_schedule: ScheduleType = ScheduleType.LINEAR
    beta_schedule: ScheduleType = ScheduleType.LINEAR
    epsilon_schedule: ScheduleType = ScheduleType.LINEAR

    def __attrs_post_init__(self) -> None:
        if self.batch_size > self.buffer_size:
            raise TrainerConfigError(
                f"{type(self).__name__}.batch_size ({self.batch_size}) must be <= "
                f"buffer_size ({self.buffer_size}): each update splits the buffer "
                "into minibatches."
            )
        for field, floor, schedule in (
            ("learning_rate", LEARNING_RATE_FLOOR, self.learning_rate_schedule),
            ("epsilon", EPSILON_FLOOR, self.epsilon_schedule),
            ("beta", BETA_FLOOR, self.beta_schedule),
        ):
            value = getattr(self, field)
            if schedule == ScheduleType.LINEAR and value < floor:
                raise TrainerConfigError(
                    f"{type(self).__name__}.{field} ({value}) must be >= {floor} "
                    f"with {field}_schedule: linear, which decays it toward {floor} "
                    f"(it would grow instead); set {field}_schedule: constant "
                    "to keep a smaller value."
                )


# What {{ cookiecutter.distribution_name }}-sweep searches: hyperparameter -> range (log: sampled on a
# log scale) or choices; the task's settings keep every other value. The class's
# validators bound it: the sweep checks first that every corner of the space is
# a setting the class accepts (batch_size <= buffer_size included: keep
# batch_size within the buffer_size of the task you tune on, the battery's is
# 640), and so does tests/test_sweep.py, so a range widened past a validator
# fails there, before any training.
SEARCH_SPACE: dict[str, Dimension] = {
    "learning_rate": FloatRange(1e-4, 1e-2, log=True),
    "batch_size": Choice((32, 64, 128)),
    "num_epoch": IntRange(1, 8),
    "beta": FloatRange(1e-4, 3e-2, log=True),
    "epsilon": FloatRange(0.1, 0.4),
    "lambd": FloatRange(0.8, 0.99),
}
