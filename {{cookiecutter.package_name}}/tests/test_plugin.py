"""The plugin is installed and ML-Agents finds it."""

from importlib import metadata

from mlagents.plugins.trainer_type import register_trainer_plugins

from {{ cookiecutter.package_name }}.settings import (
    {{ cookiecutter.trainer_class_name }}Settings,
)
from {{ cookiecutter.package_name }}.trainer import (
    {{ cookiecutter.trainer_class_name }},
    get_type_and_setting,
)

from .conftest import TRAINER_TYPE


def test_entry_point_is_declared_by_the_installed_distribution() -> None:
    entry_points = metadata.entry_points(group="mlagents.trainer_type")
    ours = [ep for ep in entry_points if ep.name == TRAINER_TYPE]
    assert len(ours) == 1
    value = "{{ cookiecutter.package_name }}.trainer:get_type_and_setting"
    assert ours[0].value == value
    assert ours[0].dist is not None
    assert ours[0].dist.metadata["Name"] == "{{ cookiecutter.distribution_name }}"
    assert ours[0].load() is get_type_and_setting


def test_register_trainer_plugins_knows_the_trainer() -> None:
    trainer_types, trainer_settings = register_trainer_plugins()
    assert trainer_types[TRAINER_TYPE] is {{ cookiecutter.trainer_class_name }}
    assert trainer_settings[TRAINER_TYPE] is {{ cookiecutter.trainer_class_name }}Settings
    # The built-in trainers are still there.
    assert {"ppo", "sac", "poca"} <= set(trainer_types)


def test_trainer_name_matches_the_registered_key() -> None:
    types, settings = get_type_and_setting()
    name = {{ cookiecutter.trainer_class_name }}.get_trainer_name()
    assert list(types) == [name] == [TRAINER_TYPE]
    assert list(settings) == [TRAINER_TYPE]
