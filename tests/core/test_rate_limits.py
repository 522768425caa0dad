"""Expensive requests are rate-limited per account (429 in Chinese); other accounts are not affected."""

from __future__ import annotations

from fastapi.testclient import TestClient

from service.core import ratelimit
from service.core.app import create_app
from service.core.settings import DatabaseSettings, SecuritySettings, Settings
from tests.factories import make_account


def test_expensive_requests_are_limited_per_account(db_url, engine):
    ratelimit.reset()
    settings = Settings(
        db=DatabaseSettings(url=db_url.render_as_string(hide_password=False)),
        security=SecuritySettings(allowed_hosts=["testserver"], expensive_rate_per_minute=2),
    )
    first, second = make_account(engine, "busy", "province"), make_account(engine, "calm", "province")
    with TestClient(create_app(settings)) as client:
        url = "/api/v1/units/620102/map.html"
        codes = [client.get(url, headers=first.headers).status_code for _ in range(3)]
        assert codes == [200, 200, 429]
        refused = client.get(url, headers=first.headers)
        assert refused.json()["code"] == "rate_limited" and "秒后再试" in refused.json()["message"]
        assert client.get(url, headers=second.headers).status_code == 200
    ratelimit.reset()
