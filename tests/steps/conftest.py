"""Plugin tests share the helpers of ``tests/conftest.py`` (run_repo, project, feature)."""
