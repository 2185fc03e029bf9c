"""Evidence: the pytest plugin that records what each scenario sent and received, and reports it.

Owns the scenario records, redaction at every output channel, the living documentation (HTML,
Markdown, Cucumber Messages, JUnit), the run history, the merge of shards, and the wiring of
operation coverage into a run (the counting itself is :mod:`models.coverage`).

May import :mod:`client`, :mod:`models` and :mod:`bdd_items` (an item's scenario, as pytest-bdd
keeps it), never ``steps`` (steps reach it through hooks) nor ``demo_api``. ``reporting.plugin``
is the switchboard of hooks; the modules it delegates to do not import pytest, so the summaries
can be built and tested from plain data.
"""
