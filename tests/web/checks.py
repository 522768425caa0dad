"""What every browser test checks of a page: nothing requested outside the service, no console errors; and
the recording pages those checks read."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlparse


def recording(page):
    """``page``, made to keep every request it makes (``page.requests_made``) and every console error and
    uncaught exception (``page.console_errors``): what the checks below read."""
    page.requests_made, page.console_errors = [], []
    page.on("request", lambda request: page.requests_made.append(request.url))
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    page.on("pageerror", lambda error: page.console_errors.append(f"uncaught: {error}"))
    return page


@contextmanager
def logged_in_page(browser, base: str, account: dict, **context_options) -> Iterator:
    """A recording page in a new browser context (``context_options``: viewport, locale, ...), ``account``
    (its ``username`` and ``password``) logged in through the login form; the context closes afterwards."""
    from tests.conftest import login  # tests.conftest imports this module

    context = browser.new_context(**context_options)
    page = recording(context.new_page())
    login(page, base, SimpleNamespace(username=account["username"], password=account["password"]))
    try:
        yield page
    finally:
        context.close()


def assert_only_the_service(page, base: str) -> None:
    """Every request the page made went to the service (data: URLs stay in the page)."""
    hosts = {urlparse(u).netloc for u in page.requests_made if not u.startswith("data:")}
    assert hosts == {urlparse(base).netloc}, hosts


def assert_no_console_errors(page, *expected_statuses: int) -> None:
    """No script error and no console error, except the browser's note on a response the test provoked
    (``Failed to load resource: the server responded with a status of 401``)."""
    allowed = tuple(f"status of {status}" for status in expected_statuses)
    errors = [e for e in page.console_errors if not (allowed and any(a in e for a in allowed))]
    assert not errors, errors


def assert_clean(page, base: str, *expected_statuses: int) -> None:
    """Both of the above."""
    assert_only_the_service(page, base)
    assert_no_console_errors(page, *expected_statuses)


def save(shot: bytes, name: str, tmp_path: Path) -> None:
    """Keep a screenshot with the test's files, and in $SPOTCHECK_SCREENSHOTS when it is set."""
    (tmp_path / name).write_bytes(shot)
    if out := os.environ.get("SPOTCHECK_SCREENSHOTS"):
        Path(out, name).write_bytes(shot)
