"""A custom trainer plugin for Unity ML-Agents.

ML-Agents finds this trainer through the ``mlagents.trainer_type`` entry point
declared in ``pyproject.toml``, which points at ``get_type_and_setting`` in
``trainer.py``. The algorithm lives in ``optimizer.py`` (the loss),
``trainer.py`` (data flow) and ``settings.py`` (hyperparameters); change those.
``validation.py`` and ``onnx_export.py`` support them. The optional
``simulator`` subpackage is tooling to try the trainer without Unity; the
trainer never imports it.

Importing the package checks that the ML-Agents stack loads, and stops with one
line saying how to install it if it does not, rather than a traceback from deep
inside ML-Agents or torch. It imports ML-Agents without the one warning its
import always prints (``known_warnings.py`` says which, and why).
"""

import sys

from .known_warnings import known_warnings_hidden

__version__ = "{{ cookiecutter.version }}"

try:
    # Every command imports the package first, so this is where ML-Agents is
    # first imported, and where its known warnings are hidden.
    with known_warnings_hidden():
        import mlagents.torch_utils  # noqa: F401  (imports torch as ML-Agents sets it up)
        import mlagents.trainers.trainer  # noqa: F401
except Exception as error:  # a missing module, or a broken install's own error
    reason = (str(error).splitlines() or [""])[0]
    print(
        f"ERROR: {__name__} needs the ML-Agents 1.1.0 stack (mlagents, "
        f"mlagents-envs, torch), which does not load here ({type(error).__name__}: "
        f"{reason}). Install it with `python scripts/install.py` in the "
        f"project's folder.",
        file=sys.stderr,
    )
    raise SystemExit(1) from None
