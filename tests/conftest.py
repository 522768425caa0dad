"""Test fixtures on a real PostGIS.

One cluster per test session (the embedded one in a temporary directory, or the server named by
DATABASE_URL), one template database migrated and loaded with the boundaries, and one database per test
cloned from it (CREATE DATABASE ... TEMPLATE takes about 0.2 s).

A skipped test fails the run: database and browser tests must never pass by not running.
"""

from __future__ import annotations

import functools
import os
import shutil
import struct
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

from service.core import migrate
from service.core.embedded_db import EmbeddedPostgres
from service.divisions.boundary_load import load_boundaries
from tests.web.checks import recording

TEMPLATE = f"spotcheck_template_{os.getpid()}"


def scratch_dir(prefix: str) -> Path:
    """A temporary directory the postgres user can enter (pytest's tmp_path sits under a mode-700 dir)."""
    path = Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))
    path.chmod(0o755)
    return path


@pytest.fixture(scope="session")
def pg_server() -> Iterator[URL]:
    """Admin URL (database ``postgres``) of the session's PostGIS server."""
    external = os.environ.get("DATABASE_URL")
    if external:
        yield make_url(external).set(database="postgres")
        return
    root = scratch_dir("spotcheck-tests-")
    cluster = EmbeddedPostgres(root / "cluster")
    cluster.start()
    try:
        yield cluster.url("postgres")
    finally:
        cluster.destroy()
        shutil.rmtree(root, ignore_errors=True)


def _admin(pg_server: URL):
    return create_engine(pg_server, isolation_level="AUTOCOMMIT")


def _template(pg_server: URL, name: str, source: str | None, prepare) -> Iterator[str]:
    """Create database ``name`` (from ``source`` if given), run ``prepare(engine)`` on it, drop it at the end."""
    admin = _admin(pg_server)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{source}"' if source else "")))
    engine = create_engine(pg_server.set(database=name))
    result = prepare(engine)
    engine.dispose()
    yield name, result
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _migrated_with_boundaries(engine) -> None:
    migrate.upgrade(engine)
    load_boundaries(engine)


@pytest.fixture(scope="session")
def template_db(pg_server: URL) -> Iterator[str]:
    """Name of a database migrated to head with the boundaries loaded; tests clone it."""
    for name, _ in _template(pg_server, TEMPLATE, None, _migrated_with_boundaries):
        yield name


def _new_database(pg_server: URL, template: str) -> Iterator[URL]:
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = _admin(pg_server)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    try:
        yield pg_server.set(database=name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def db_url(pg_server: URL, template_db: str) -> Iterator[URL]:
    """A fresh database for one test: schema at head, boundaries loaded."""
    yield from _new_database(pg_server, template_db)


@pytest.fixture
def empty_db_url(pg_server: URL) -> Iterator[URL]:
    """A fresh, empty database (no PostGIS, no schema) for migration tests."""
    yield from _new_database(pg_server, "template0")


@pytest.fixture
def engine(db_url: URL):
    eng = create_engine(db_url)
    yield eng
    eng.dispose()


APP_PASSWORD = uuid.uuid4().hex  # the service role's password for this test session


@functools.cache
def _app_login(server: str) -> None:
    """Give the cluster-wide service role (migration 0011) LOGIN and this session's password, once."""
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(conn.execute(
            text("SELECT format('ALTER ROLE spotcheck_app LOGIN PASSWORD %L', CAST(:p AS text))"), {"p": APP_PASSWORD}
        ).scalar_one()))  # fmt: skip
    admin.dispose()


def app_url(url: URL) -> str:
    """The URL of the same database as the service's role, spotcheck_app (what the app connects with)."""
    _app_login(url.set(database="postgres").render_as_string(hide_password=False))
    return url.set(username="spotcheck_app", password=APP_PASSWORD).render_as_string(hide_password=False)


def _test_client(url: URL, as_admin: bool = True):
    """A TestClient of the app on ``url``; by default it sends a provincial administrator's API token."""
    from fastapi.testclient import TestClient

    from service.core import ratelimit
    from service.core.app import create_app
    from service.core.settings import DatabaseSettings, SecuritySettings, Settings

    ratelimit.reset()
    settings = Settings(
        db=DatabaseSettings(url=url.render_as_string(hide_password=False), app_url=app_url(url)),
        security=SecuritySettings(allowed_hosts=["testserver", "127.0.0.1"]),
    )
    with TestClient(create_app(settings)) as c:
        if as_admin:
            from tests.factories import make_account

            engine = create_engine(url)
            c.admin = make_account(engine, "admin-test", "province", name="省专班测试管理员")
            engine.dispose()
            c.headers["Authorization"] = f"Bearer {c.admin.token}"
        yield c


@pytest.fixture
def client(db_url: URL):
    """The API (start-up included) on a fresh database with the boundaries, as the provincial office."""
    yield from _test_client(db_url)


@pytest.fixture
def anon_client(db_url: URL):
    """The API on a fresh database with the boundaries, sending no credentials."""
    yield from _test_client(db_url, as_admin=False)


# The synthetic demo frame, loaded once into a template of its own --------------------------------------

DEMO_SPEC_HOUSES = 60_000


def _demo_spec():
    from geo.synthetic import FrameSpec

    return FrameSpec(seed=7, houses=DEMO_SPEC_HOUSES)


DEMO_SPEC = _demo_spec()


@pytest.fixture(scope="session")
def demo_template(pg_server: URL, template_db: str):
    """A template database holding a 60,000-house synthetic frame (about 6,000 hazardous)."""
    from service.frame.demo import load_demo

    yield from _template(
        pg_server, f"{template_db}_demo", template_db, lambda engine: load_demo(engine, DEMO_SPEC)
    )


@pytest.fixture
def demo_url(pg_server: URL, demo_template) -> Iterator[URL]:
    """A fresh database for one test, cloned from the demo template."""
    yield from _new_database(pg_server, demo_template[0])


@pytest.fixture
def demo_engine(demo_url: URL):
    eng = create_engine(demo_url)
    yield eng
    eng.dispose()


@pytest.fixture
def demo_api(demo_url: URL):
    """The API on a fresh copy of the demo frame, as the provincial office."""
    yield from _test_client(demo_url)


# A skipped test is a failed run -----------------------------------------------------------------------

_skipped: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _skipped and os.environ.get("SPOTCHECK_ALLOW_SKIPS") != "1":
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter) -> None:
    if _skipped and os.environ.get("SPOTCHECK_ALLOW_SKIPS") != "1":
        terminalreporter.write_line(
            f"FAILED RUN: {len(_skipped)} test(s) skipped; database and browser tests must run: "
            + ", ".join(_skipped),
            red=True,
        )


# A live server and a real headless Chromium, for browser tests -----------------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def _serve(url: URL) -> Iterator[str]:
    """Serve the app on a free loopback port for the database at ``url``; yield its base URL."""
    import socket
    import threading
    import time

    import uvicorn

    from service.core import ratelimit
    from service.core.app import create_app
    from service.core.settings import DatabaseSettings, SecuritySettings, Settings

    ratelimit.reset()  # the login limit counts per address, and every browser logs in from 127.0.0.1
    settings = Settings(
        db=DatabaseSettings(url=url.render_as_string(hide_password=False), app_url=app_url(url)),
        security=SecuritySettings(allowed_hosts=["testserver", "127.0.0.1"]),
    )
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture
def live_server(db_url: URL) -> Iterator[str]:
    """The app on a loopback port, on a fresh database with the boundaries."""
    yield from _serve(db_url)


@pytest.fixture
def demo_live_server(demo_url: URL) -> Iterator[str]:
    """The app on a loopback port, on a fresh copy of the demo frame (60,000 synthetic houses)."""
    yield from _serve(demo_url)


def _recording_page(browser):
    """A fresh Chinese-locale page that records every request it makes and every console error (tests
    assert that none leaves the service and that there are none)."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    yield recording(context.new_page())
    context.close()


def _account_maker(engine):
    from tests.factories import make_account

    def make(username: str, role: str = "province", scope_code: str | None = None, **more):
        return make_account(engine, username, role, scope_code=scope_code, **more)

    return make


@pytest.fixture
def accounts(engine):
    """Make accounts for ``live_server``: ``accounts("leader-a", "leader", scope_code=None)`` gives a
    ``TestAccount`` whose password is ``factories.PASSWORD`` and need not be changed."""
    return _account_maker(engine)


@pytest.fixture
def demo_accounts(demo_engine):
    """Make accounts for ``demo_live_server`` (as ``accounts``)."""
    return _account_maker(demo_engine)


def submit_login(page, base_url: str, username: str, password: str, next_path: str | None = None) -> None:
    """Open the real login page and submit the form (without waiting for where it leads)."""
    page.goto(base_url + "/login" + (f"?next={next_path}" if next_path else ""))
    page.wait_for_selector("body[data-state=ready]")
    page.fill("#username", username)
    page.fill("#password", password)
    page.get_by_role("button", name="登录").click()


def login(page, base_url: str, account) -> None:
    """Log ``account`` in through the real login page and wait for the start page to show it."""
    submit_login(page, base_url, account.username, account.password)
    page.wait_for_url(base_url + "/")
    page.wait_for_selector("body[data-state=ready]")


@pytest.fixture
def anon_page(browser, live_server):
    """A fresh page for ``live_server``, not logged in."""
    yield from _recording_page(browser)


@pytest.fixture
def demo_page(browser, demo_live_server, demo_accounts):
    """A fresh page for the demo server, logged in as the provincial office (``page.account``)."""
    for pg in _recording_page(browser):
        pg.account = demo_accounts("province-test", "province", name="省专班测试员")
        login(pg, demo_live_server, pg.account)
        yield pg


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright (never `playwright install`)."""
    from playwright.sync_api import sync_playwright

    # Playwright gives every launch a fresh temporary profile (the --user-data-dir the machine needs).
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server, accounts):
    """A fresh page for the server on the boundaries-only database, logged in as the provincial office
    (``page.account``)."""
    for pg in _recording_page(browser):
        pg.account = accounts("province-test", "province", name="省专班测试员")
        login(pg, live_server, pg.account)
        yield pg


def assert_rendered(page, shot: bytes) -> None:
    """The screenshot differs from a blank page of the same size: something was drawn."""
    width, height = struct.unpack(">II", shot[16:24])  # the PNG's IHDR
    blank_page = page.context.new_page()
    try:
        blank_page.set_viewport_size({"width": width, "height": height})
        blank = blank_page.screenshot()
    finally:
        blank_page.close()
    assert shot != blank, "the screenshot is blank"
