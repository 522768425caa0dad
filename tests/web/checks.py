"""What every browser test checks of a page: nothing requested outside the service, no console errors."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlparse


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
