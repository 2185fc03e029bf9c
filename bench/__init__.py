"""Benchmarks: outside the default test run; each prints ratios measured side by side."""
