"""Hyperparameters of {{ cookiecutter.trainer_class_name }}: what a YAML ``hyperparameters:`` block may hold.

ML-Agents turns the block into this attrs class. An unknown key is rejected
with ML-Agents' own error, and the validators below reject nonsense values at
parse time. To add a hyperparameter, add a typed field with a default (and a
validator), then read it as ``self.hyperparameters.<name>`` in the trainer or
optimizer.
"""

import attr
from mlagents.trainers.exception import TrainerConfigError
from mlagents.trainers.settings import OnPolicyHyperparamSettings, ScheduleType

from .validation import in_range, positive

# ML-Agents' linear schedule decays from the configured value toward a floor
# (ModelUtils.DecayedValue). A value below its floor would grow during training.
EPSILON_FLOOR = 0.1
BETA_FLOOR = 1.0e-5


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
    learning_rate_schedule: ScheduleType = ScheduleType.LINEAR
    beta_schedule: ScheduleType = ScheduleType.LINEAR
    epsilon_schedule: ScheduleType = ScheduleType.LINEAR

    def __attrs_post_init__(self) -> None:
        name = type(self).__name__
        if self.batch_size > self.buffer_size:
            raise TrainerConfigError(
                f"{name}.batch_size ({self.batch_size}) must be <= "
                f"buffer_size ({self.buffer_size}): each update splits the buffer "
                "into minibatches."
            )
        floors = (
            ("epsilon", self.epsilon, self.epsilon_schedule, EPSILON_FLOOR),
            ("beta", self.beta, self.beta_schedule, BETA_FLOOR),
        )
        for field, value, schedule, floor in floors:
            if schedule == ScheduleType.LINEAR and value < floor:
                raise TrainerConfigError(
                    f"{name}.{field} ({value}) is below {floor}, the floor its linear "
                    f"schedule decays toward, so it would grow during training: use "
                    f"{field} >= {floor}, or {field}_schedule: constant."
                )
