"""Behind a reverse proxy: the server `spotcheck serve` runs (service.core.cli.server_options) believes the
client's address from X-Forwarded-For only when the proxy is trusted, so the login limit counts per real
client there, and nobody else can pick an address to dodge it. On a live uvicorn server, as deployed."""

from __future__ import annotations

import socket
import threading
import time

import httpx
import pytest
import uvicorn

from service.core import ratelimit
from service.core.app import create_app
from service.core.cli import server_options
from service.core.settings import DatabaseSettings, SecuritySettings, ServerSettings, Settings
from tests.conftest import app_url


def _server(db_url, trusted: str):
    ratelimit.reset()
    settings = Settings(
        db=DatabaseSettings(url=db_url.render_as_string(hide_password=False), app_url=app_url(db_url)),
        security=SecuritySettings(allowed_hosts=["127.0.0.1"]), server=ServerSettings(forwarded_allow_ips=trusted),
    )  # fmt: skip
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    options = {k: v for k, v in server_options(settings).items() if k != "workers"}  # one process in a thread
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning",
                                           **options))  # fmt: skip
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    return server, thread, f"http://127.0.0.1:{port}"


def _logins(base: str, client_address: str, n: int) -> list[int]:
    headers = {"Origin": base, "X-Forwarded-For": client_address}
    with httpx.Client(base_url=base, timeout=30) as c:
        # Unknown names (401): no account's own lockout comes into it, only the per-address limit.
        return [c.post("/api/v1/session", json={"username": f"nobody-{i}", "password": "Wrong-password-1"},
                       headers=headers).status_code for i in range(n)]  # fmt: skip


@pytest.mark.parametrize(("trusted", "second_client_limited"), [("127.0.0.1", False), ("10.9.8.7", True)])
def test_the_login_limit_counts_the_client_a_trusted_proxy_names(db_url, trusted, second_client_limited):
    server, thread, base = _server(db_url, trusted)
    try:
        first = _logins(base, "203.0.113.1", 11)
        assert first[:10] == [401] * 10 and first[10] == 429  # one client past the limit
        other = _logins(base, "203.0.113.2", 1)
        # Trusted (the proxy is at 127.0.0.1): another client is not limited. Not trusted: the header is
        # ignored, every request is the proxy's own address, and the limit holds for all.
        assert other == ([429] if second_client_limited else [401])
    finally:
        server.should_exit = True
        thread.join(10)
