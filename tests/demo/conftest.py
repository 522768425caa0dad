"""The demo spot check (service.demo), built once per session on a copy of the demo frame template and
cloned for each test; its clock is fixed (TODAY) so that the tests do not depend on the day they run."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import create_engine

from tests.conftest import DEMO_SPEC, _new_database, _serve, _template, _test_client

TODAY = dt.date(2026, 12, 3)


def _build(engine):
    from service.demo.build import ensure_demo_spotcheck

    return ensure_demo_spotcheck(engine, DEMO_SPEC.seed, today=TODAY)


@pytest.fixture(scope="session")
def spotcheck_template(pg_server, demo_template):
    """A template holding the demo frame and the demo spot check: ``(name, report)``."""
    yield from _template(pg_server, f"{demo_template[0]}_spotcheck", demo_template[0], _build)


@pytest.fixture
def spotcheck_url(pg_server, spotcheck_template):
    yield from _new_database(pg_server, spotcheck_template[0])


@pytest.fixture
def spotcheck_engine(spotcheck_url):
    engine = create_engine(spotcheck_url)
    yield engine
    engine.dispose()


@pytest.fixture
def spotcheck_api(spotcheck_url):
    """The API on a copy of the demo spot check, as the provincial office."""
    yield from _test_client(spotcheck_url)


@pytest.fixture
def spotcheck_server(spotcheck_url):
    """The app on a loopback port on a copy of the demo spot check."""
    yield from _serve(spotcheck_url)
