"""A custom trainer plugin for Unity ML-Agents.

ML-Agents finds this trainer through the ``mlagents.trainer_type`` entry point
declared in ``pyproject.toml``, which points at ``get_type_and_setting`` in
``trainer.py``. The algorithm lives in ``optimizer.py`` (the loss),
``trainer.py`` (data flow) and ``settings.py`` (hyperparameters); change those.
``validation.py`` and ``onnx_export.py`` support them. The optional
``simulator`` subpackage is tooling to try the trainer without Unity; the
trainer never imports it.
"""

__version__ = "{{ cookiecutter.version }}"
