"""``{{ cookiecutter.distribution_name }}-benchmark``: this package's trainer against ML-Agents' built-in twin.

* ``command.py``: the command: runs, resuming, progress, the ONNX note.
* ``dispatch.py``: where runs train: fresh local processes, or a Ray cluster.
* ``catalogue.py``: the tasks it runs (3DBall with the tooling, the battery's).
* ``stats.py``: medians, their intervals, and the rank test.
* ``report.py``: the Markdown report and the learning-curve PNG.
* ``update_speed.py``: ``python -m`` it to time one update of the trainer on
  synthetic data, against Stable-Baselines3's when that is installed.

Nothing in the trainer imports this package.
"""
