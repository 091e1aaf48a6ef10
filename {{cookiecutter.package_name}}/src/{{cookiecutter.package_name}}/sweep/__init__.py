"""``{{ cookiecutter.distribution_name }}-sweep``: tunes this trainer's hyperparameters with Optuna.

* ``command.py``: the command: its options, the loop over trials, the summary.
* ``study.py``: where the study lives (SQLite under the results folder, or any
  database URL) and how an interrupted trial is run again.
* ``space.py``: trials sampled from ``SEARCH_SPACE`` (``settings.py``), and its
  corners checked against the settings class before any training.
* ``objective.py``: a trial's score (the median over seeds of the steps to the
  task's threshold) and the rule that prunes a hopeless trial.
* ``runs.py``: ``run_seeds``, the one function that trains a trial's runs.

Optuna comes with the ``sweep`` extra. Nothing in the trainer imports this package.
"""
