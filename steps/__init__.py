"""Glue: the step definitions that bind the features' sentences to HTTP calls.

Modules here are registered once, as plugins, from the root ``conftest.py``. The ``test_*.py``
binder modules only call ``scenarios(...)`` and are never imported by anything.
"""
