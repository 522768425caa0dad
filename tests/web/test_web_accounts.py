"""The accounts page (provincial office) in a real headless Chromium: list, create with the first password
shown once, disable and enable, reset a password with the new one shown once."""

from __future__ import annotations

from urllib.parse import urlparse

from tests.conftest import assert_rendered, submit_login
from tests.web.checks import assert_clean, save


def _open(page, base: str) -> None:
    page.goto(base + "/")
    page.get_by_role("link", name="账户管理").click()
    page.wait_for_url(base + "/accounts")
    page.wait_for_selector("body[data-state=ready]")


def _row(page, username: str):
    return page.locator(f'#accounts tbody tr[data-username="{username}"]')


def test_accounts_page_creates_an_account_and_shows_its_first_password_once(
    page, browser, live_server, tmp_path
):
    page.on("dialog", lambda dialog: dialog.accept())
    _open(page, live_server)
    assert _row(page, "province-test").count() == 1
    assert page.locator("#once").is_hidden()
    # The role choices come from the server's table of roles.
    roles = page.eval_on_selector_all("#f-role option", "els => els.map(e => [e.value, e.textContent])")
    assert ["county", "县区专班"] in roles and ["leader", "领导"] in roles and len(roles) == 6

    page.fill("#f-username", "wang.county")
    page.fill("#f-name", "王县区")
    page.fill("#f-organisation", "城关区住建局")
    page.fill("#f-phone", "0931-1234567")
    page.select_option("#f-role", "county")
    assert "一个县区" in page.locator("#role-scope").inner_text()
    page.fill("#f-scope-code", "620102")
    page.get_by_role("button", name="创建账户").click()

    once = page.locator("#once")
    once.wait_for(state="visible")
    first = page.locator("#once-password").inner_text()
    assert len(first) >= 12
    assert "王县区" in page.locator("#once-text").inner_text()
    row = _row(page, "wang.county")
    assert row.count() == 1
    cells = row.locator("td").all_inner_texts()
    assert cells[:6] == ["wang.county", "王县区", "城关区住建局", "0931-1234567", "县区专班", "620102"]
    assert "待修改初始密码" in cells[6]
    assert page.locator("#f-username").input_value() == ""  # the form is cleared for the next one
    shot = page.screenshot(full_page=True)
    save(shot, "accounts-created.png", tmp_path)
    assert_rendered(page, shot)

    # Shown once: not after a reload, and nowhere in what the list sends.
    page.reload()
    page.wait_for_selector("body[data-state=ready]")
    assert page.locator("#once").is_hidden()
    assert first not in page.content()
    assert first not in page.request.get(live_server + "/api/v1/accounts").text()

    # The first password works, and leads to the password page.
    other = browser.new_context(locale="zh-CN")
    try:
        newcomer = other.new_page()
        submit_login(newcomer, live_server, "wang.county", first)
        newcomer.wait_for_url(live_server + "/password")
    finally:
        other.close()

    # Reset: a new password, shown once; the old one stops working.
    _row(page, "wang.county").get_by_role("button", name="重置密码").click()
    page.wait_for_function("() => document.getElementById('once-password').textContent.length > 0")
    reset = page.locator("#once-password").inner_text()
    assert reset != first and "已重置" in page.locator("#once-text").inner_text()

    # Disable, then enable again: the status follows, and a disabled account cannot log in.
    _row(page, "wang.county").get_by_role("button", name="停用").click()
    page.wait_for_function(
        "() => document.querySelector('#accounts tr[data-username=\"wang.county\"] .status').dataset.status === 'inactive'"
    )
    assert page.locator("#once").is_hidden()  # the reset password is gone from the page
    assert "已停用账户" in page.locator("#message").inner_text()
    other = browser.new_context(locale="zh-CN")
    try:
        refused = other.new_page()
        submit_login(refused, live_server, "wang.county", reset)
        refused.locator("#message").wait_for(state="visible")
        assert refused.locator("#message").inner_text() == "该账户已停用，请联系管理员。"
    finally:
        other.close()
    _row(page, "wang.county").get_by_role("button", name="启用").click()
    page.wait_for_function(
        "() => document.querySelector('#accounts tr[data-username=\"wang.county\"] .status').dataset.status === 'first'"
    )
    # One's own account is neither disabled nor reset from here.
    assert _row(page, "province-test").locator("button").count() == 0
    assert_clean(page, live_server)


def test_accounts_page_shows_the_servers_chinese_refusal(page, live_server):
    _open(page, live_server)
    page.fill("#f-username", "no-scope")
    page.fill("#f-name", "钱无辖区")
    page.fill("#f-organisation", "某市")
    page.select_option("#f-role", "city")
    page.get_by_role("button", name="创建账户").click()
    message = page.locator("#message")
    message.wait_for(state="visible")
    assert "辖区代码" in message.inner_text() and "无效" in message.inner_text()
    assert page.locator("#once").is_hidden()
    assert _row(page, "no-scope").count() == 0
    assert urlparse(page.url).path == "/accounts"
    assert_clean(page, live_server, 422)
