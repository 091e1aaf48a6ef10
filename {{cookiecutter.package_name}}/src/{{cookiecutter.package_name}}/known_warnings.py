"""Warnings of the ML-Agents stack that this package hides, each one known and harmless.

ML-Agents 1.1.0 imports ``pkg_resources`` in ``mlagents.torch_utils``, and the
setuptools the stack pins (``setuptools<81`` in ``requirements/``: 81 removes
``pkg_resources``) answers with a ``UserWarning``, "pkg_resources is deprecated
as an API ... slated for removal", on every start of every command. Nothing in
this project can stop ML-Agents importing it, so the warning says nothing a
user can act on.

``__init__.py`` imports ML-Agents inside ``known_warnings_hidden()``, so the
commands never print it, and ``pyproject.toml`` has the same filter for pytest
(``filterwarnings``), whose test modules may import ML-Agents first. Each filter
matches one message and its category: every other warning still shows.

To hide another warning, add its message (its start, as it is printed) and its
category to ``KNOWN_WARNINGS`` and the same ``ignore:<message>:<Category>`` line
to ``pyproject.toml``; ``tests/test_commands.py`` checks the two agree.
"""

import contextlib
import re
import warnings
from collections.abc import Iterator

# (the start of the message, its category) of each warning hidden.
KNOWN_WARNINGS: tuple[tuple[str, type[Warning]], ...] = (
    ("pkg_resources is deprecated as an API", UserWarning),
)


@contextlib.contextmanager
def known_warnings_hidden() -> Iterator[None]:
    """Within this block the warnings of ``KNOWN_WARNINGS`` are not shown; all others are.

    The filters are undone on exit (``warnings.catch_warnings``), so a warning
    raised later, by any code, shows as usual.
    """
    with warnings.catch_warnings():
        for message, category in KNOWN_WARNINGS:
            warnings.filterwarnings(
                "ignore", message=re.escape(message), category=category
            )
        yield
