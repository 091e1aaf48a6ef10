"""A custom trainer plugin for Unity ML-Agents.

ML-Agents finds this trainer through the ``mlagents.trainer_type`` entry point
declared in ``setup.py``, which points at ``get_type_and_setting`` in
``trainer.py``. The algorithm lives in ``optimizer.py`` (the loss),
``trainer.py`` (data flow) and ``settings.py`` (hyperparameters).
"""

__version__ = "{{ cookiecutter.version }}"
