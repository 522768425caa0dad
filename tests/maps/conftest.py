"""The inspections map and progress are tried on the demo spot check (tests/demo/conftest.py)."""

from tests.demo.conftest import spotcheck_api, spotcheck_engine, spotcheck_template, spotcheck_url  # noqa: F401
