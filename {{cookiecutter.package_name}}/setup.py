"""Packaging for {{ cookiecutter.distribution_name }}, and the entry point that makes ML-Agents find the trainer.

The entry-point group is written as a literal string: importing mlagents here
would break ``pip install`` under build isolation. Add runtime dependencies to
``install_requires``; test tools go in the ``test`` extra.
"""

from setuptools import find_packages, setup

setup(
    name="{{ cookiecutter.distribution_name }}",
    version="{{ cookiecutter.version }}",
    description={{ cookiecutter.__description_literal }},
    author={{ cookiecutter.__author_literal }},
    author_email={{ cookiecutter.author_email | tojson }},
    license="{{ cookiecutter.license }}",
    python_requires=">=3.10.1,<3.12",
    package_dir={"": "src"},
    packages=find_packages("src"),
    install_requires=[
        # mlagents 1.1.0 declares Python 3.10.1-3.10.12; on 3.11 install it first
        # with requirements/mlagents-py311.txt (see the README).
        'mlagents==1.1.0; python_full_version <= "3.10.12"',
        "numpy>=1.23.5,<1.24",
        "grpcio>=1.11",
        "protobuf>=3.6,<3.21",
    ],
    extras_require={
        "test": [
            "pytest>=7",
            "onnxruntime>=1.16",
            "black>=24",
            "ruff>=0.4",
            "tensorboard",
        ],
    },
    entry_points={
        "mlagents.trainer_type": [
            "{{ cookiecutter.trainer_type }}={{ cookiecutter.package_name }}.trainer:get_type_and_setting",
        ],
        "console_scripts": [
            "{{ cookiecutter.distribution_name }}-train={{ cookiecutter.package_name }}.train:main",
            "{{ cookiecutter.distribution_name }}-player={{ cookiecutter.package_name }}.player:main",
        ],
    },
)
