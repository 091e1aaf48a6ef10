"""A battery of small tasks that every trainer of this package must learn.

Each task is an ML-Agents ``BaseEnv`` written for these tests: it trains in
seconds on a laptop, and its success threshold is out of reach of a policy that
learned nothing. ``harness.train`` runs any trainer type on them through
ML-Agents' own ``TrainerController``, so the built-in ``ppo``/``sac`` can be
run on the same tasks and configs.
"""
