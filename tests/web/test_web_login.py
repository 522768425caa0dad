"""Logging in, out and changing a password through the real pages, in a real headless Chromium."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from tests.conftest import login, submit_login
from tests.factories import PASSWORD
from tests.web.checks import assert_clean, save

PROTECTED = ["/", "/map", "/coverage", "/accounts", "/about", "/password"]


@pytest.mark.parametrize("path", PROTECTED)
def test_an_anonymous_browser_is_sent_to_the_login_page(anon_page, live_server, path):
    response = anon_page.goto(live_server + path)
    assert response.status == 200
    assert response.request.redirected_from is not None
    assert response.request.redirected_from.response().status == 303
    url = urlparse(anon_page.url)
    assert url.path == "/login" and parse_qs(url.query) == {"next": [path]}
    anon_page.wait_for_selector("body[data-state=ready]")
    assert anon_page.get_by_role("button", name="登录").is_visible()
    assert_clean(anon_page, live_server)


def test_login_returns_to_the_page_asked_for(anon_page, live_server, accounts):
    account = accounts("back-to-map", "county", scope_code="620102")
    anon_page.goto(live_server + "/about")
    anon_page.fill("#username", account.username)
    anon_page.fill("#password", account.password)
    anon_page.get_by_role("button", name="登录").click()
    anon_page.wait_for_url(live_server + "/about")
    anon_page.wait_for_selector("body[data-state=ready]")
    assert_clean(anon_page, live_server)


def test_pages_are_not_reachable_as_static_files(page, live_server):
    for name in ("index.html", "map.html", "coverage.html", "accounts.html", "login.html", "MAP.HTML"):
        assert page.request.get(live_server + f"/web/{name}").status == 404, name
    for asset in ("api.js", "style.css", "map.js", "vendor/leaflet/leaflet.js"):
        assert page.request.get(live_server + f"/web/{asset}").status == 200, asset
    assert page.request.get(live_server + "/map").headers["cache-control"] == "no-store"


def test_a_wrong_password_shows_the_servers_chinese_message(anon_page, live_server, accounts, tmp_path):
    account = accounts("wrong-pw", "leader")
    submit_login(anon_page, live_server, account.username, "Not-The-Password-1")
    message = anon_page.locator("#message")
    message.wait_for(state="visible")
    assert message.inner_text() == "用户名或密码不正确。"
    assert urlparse(anon_page.url).path == "/login"
    assert anon_page.locator("#password").input_value() == ""
    save(anon_page.screenshot(), "login-wrong-password.png", tmp_path)

    # The right password still works, and the start page follows.
    anon_page.fill("#password", PASSWORD)
    anon_page.get_by_role("button", name="登录").click()
    anon_page.wait_for_url(live_server + "/")
    assert_clean(anon_page, live_server, 401)  # the browser notes the refused attempt


def test_a_locked_account_is_told_so_in_chinese(anon_page, live_server, accounts):
    account = accounts("locked", "leader")
    for _ in range(5):  # settings.security.login_max_failures
        submit_login(anon_page, live_server, account.username, "Not-The-Password-1")
        anon_page.locator("#message").wait_for(state="visible")
    submit_login(anon_page, live_server, account.username, account.password)
    message = anon_page.locator("#message")
    message.wait_for(state="visible")
    assert "账户已锁定" in message.inner_text()
    assert_clean(anon_page, live_server, 401, 403)


def test_a_first_password_must_be_changed_before_the_start_page(page, anon_page, live_server, tmp_path):
    created = page.request.post(
        live_server + "/api/v1/accounts",
        data={"username": "newcomer", "name": "孙新人", "organisation": "兰州市住建局", "role": "city",
              "scope_code": "620100"},
        headers=page.account.headers,
    )  # fmt: skip
    assert created.status == 201, created.text()
    first = created.json()["password"]

    submit_login(anon_page, live_server, "newcomer", first)
    anon_page.wait_for_url(live_server + "/password")
    anon_page.wait_for_selector("body[data-state=ready]")
    assert anon_page.locator("#required").is_visible()
    assert "首次登录" in anon_page.locator("#required").inner_text()

    # The start page is not open yet: it sends the browser back here.
    anon_page.goto(live_server + "/")
    assert urlparse(anon_page.url).path == "/password"
    anon_page.wait_for_selector("body[data-state=ready]")
    save(anon_page.screenshot(), "password-required.png", tmp_path)

    # A mismatch is caught on the page, a weak password by the server, in Chinese.
    anon_page.fill("#current", first)
    anon_page.fill("#new", "Lanzhou-Office-2024")
    anon_page.fill("#again", "Lanzhou-Office-2025")
    anon_page.get_by_role("button", name="确认修改").click()
    assert anon_page.locator("#message").inner_text() == "两次输入的新密码不一致，请重新输入。"
    anon_page.fill("#new", "short")
    anon_page.fill("#again", "short")
    anon_page.get_by_role("button", name="确认修改").click()
    anon_page.wait_for_function(
        "() => document.getElementById('message').textContent.startsWith('密码强度不足')"
    )

    anon_page.fill("#new", "Lanzhou-Office-2024")
    anon_page.fill("#again", "Lanzhou-Office-2024")
    anon_page.get_by_role("button", name="确认修改").click()
    anon_page.wait_for_url(live_server + "/")
    anon_page.wait_for_selector("body[data-state=ready]")
    assert anon_page.locator("#who-name").inner_text() == "孙新人"
    assert anon_page.locator("#who-scope").inner_text() == "兰州市"
    assert_clean(anon_page, live_server, 422)


def test_a_leader_is_refused_the_accounts_page_in_chinese(anon_page, live_server, accounts):
    leader = accounts("leader-b", "leader")
    login(anon_page, live_server, leader)
    response = anon_page.goto(live_server + "/accounts")
    assert response.status == 403 and response.headers["content-type"].startswith("text/html")
    assert anon_page.locator("h1").inner_text() == "无权访问"
    assert "无权管理账户" in anon_page.locator("main").inner_text()
    assert anon_page.locator("#create-form").count() == 0
    assert anon_page.request.get(live_server + "/api/v1/accounts").status == 403


def test_a_county_office_may_not_open_the_coverage_view(anon_page, live_server, accounts):
    county = accounts("county-c", "county", scope_code="620102")
    login(anon_page, live_server, county)
    response = anon_page.goto(live_server + "/coverage")
    assert response.status == 403 and "无权" in anon_page.locator("main").inner_text()


def test_logout_ends_the_session(page, browser, live_server, tmp_path):
    old = page.context.cookies()
    assert {c["name"] for c in old} >= {"spotcheck_session", "spotcheck_csrf"}
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url(live_server + "/login")
    page.wait_for_selector("body[data-state=ready]")
    assert "spotcheck_session" not in {c["name"] for c in page.context.cookies()}
    assert_clean(page, live_server)

    # The old cookie, replayed in a fresh browser, no longer opens anything.
    context = browser.new_context(locale="zh-CN")
    try:
        context.add_cookies(old)
        replay = context.new_page()
        replay.goto(live_server + "/")
        assert urlparse(replay.url).path == "/login"
        assert context.request.get(live_server + "/api/v1/me").status == 401
    finally:
        context.close()
