"""Evidence: the pytest plugin that records what each scenario sent and received, and reports it.

``reporting.plugin`` is the switchboard of hooks; the modules it delegates to do not import
pytest, so the summaries can be built and tested from plain data.
"""
