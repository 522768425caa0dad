"""The questionnaire pages in headless Chromium: a resident opens a link on a phone-sized screen without an
account, answers by tapping, submits, sees the thanks, and reopening the link is refused; an official
answers through the account once; a firm sees its batches and results with a hostile open answer shown
as text, makes a batch of links and types in a paper questionnaire."""

from __future__ import annotations

import json

from sqlalchemy import text

from service.evaluation.survey.definitions import definition_for
from tests.evaluation.conftest_survey import YEAR
from tests.web.checks import assert_clean, logged_in_page, recording, save

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "locale": "zh-CN",
         "timezone_id": "Asia/Shanghai", "device_scale_factor": 2}  # fmt: skip
DESKTOP = {"viewport": {"width": 1280, "height": 1000}, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}
HOSTILE = '<img src=x onerror="window.pwned=1">希望增加补助'
TOKEN = "page-test-token-0000000001"


def _token(engine, token: str = TOKEN, unit: str = "620102") -> None:
    with engine.begin() as conn:
        account = conn.execute(text("SELECT id FROM account WHERE username = 'prov'")).scalar_one()
        batch = conn.execute(text(
            "INSERT INTO survey_batch (year, unit_code, city_code, label, size, created_by_account_id) "
            "VALUES (:y, :u, '620100', '页面测试', 1, :a) RETURNING id"), {"y": YEAR, "u": unit, "a": account}).scalar_one()  # fmt: skip
        conn.execute(text("INSERT INTO survey_token (batch_id, token, year, unit_code) VALUES (:b, :t, :y, :u)"),
                     {"b": batch, "t": token, "y": YEAR, "u": unit})  # fmt: skip


def _answer_all(page, level: int, touch: bool = True) -> None:
    """Tap (or click) the first option of every required choice, and ``level`` (1–5) on every item."""
    for q in page.locator("fieldset.question.basic:has(.required)").all():
        target = q.locator("label.option").first
        target.tap() if touch else target.click()
    for item in page.locator("fieldset.question.item").all():
        target = item.locator("label.level").nth(5 - level)
        target.tap() if touch else target.click()


def test_a_resident_answers_on_a_phone_once(browser, followup_server, tmp_path):
    base, world, fu = followup_server
    _token(fu.engine)
    context = browser.new_context(**PHONE)
    try:
        page = recording(context.new_page())
        page.goto(f"{base}/survey?t={TOKEN}")
        page.wait_for_selector("body[data-state=ready]")
        assert (
            "城关区" in page.locator("#where").inner_text()
            and "群众问卷" in page.locator("#where").inner_text()
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
        items = definition_for(YEAR)["groups"]["resident"]["items"]
        assert page.locator("fieldset.question.item").count() == len(items)
        assert [h.inner_text() for h in page.locator("section.part h2").all()] == [
            "一、基本信息", "二、满意度", "三、需求", "四、开放性问题"]  # fmt: skip
        box = page.locator("fieldset.question.item label.level").first.bounding_box()
        assert box["height"] >= 40  # a finger's tap target
        page.locator("#submit").tap()  # nothing answered yet
        page.wait_for_selector("#form-message:not([hidden])")
        assert "必答题未作答" in page.locator("#form-message").inner_text()
        _answer_all(page, 4)
        page.locator("fieldset.question.open textarea").first.fill(HOSTILE)
        save(page.screenshot(), "survey-phone.png", tmp_path)
        page.locator("#submit").tap()
        page.wait_for_selector("body[data-state=done]")
        assert page.locator("#thanks").is_visible() and "感谢您的参与" in page.locator("#thanks").inner_text()
        page.goto(f"{base}/survey?t={TOKEN}")
        page.wait_for_selector("body[data-state=answered]")
        assert "每个链接只能填写一次" in page.locator("#message").inner_text()
        assert not page.locator("#form").is_visible()
        assert_clean(page, base)
    finally:
        context.close()
    with fu.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT channel, unit_code, ratings, open_answers FROM survey_response")
        ).all()
    assert len(rows) == 1 and rows[0][:2] == ("link", "620102")
    assert set(rows[0][2].values()) == {4} and rows[0][3] == {"problems": HOSTILE}


def test_an_official_answers_through_the_account_once(browser, followup_server):
    base, world, fu = followup_server
    with logged_in_page(browser, base, world["accounts"]["county"], **PHONE) as page:
        page.goto(f"{base}/survey?group=official")
        page.wait_for_selector("body[data-state=ready]")
        assert "干部" in page.locator("#subtitle").inner_text()
        assert not page.locator("#choose-unit").is_visible()  # a county office answers about its county
        _answer_all(page, 5)
        page.locator("#submit").tap()
        page.wait_for_selector("body[data-state=done]")
        page.goto(f"{base}/survey?group=official")
        page.wait_for_selector("body[data-state=answered]")
        assert "已填写过" in page.locator("#message").inner_text()
        assert_clean(page, base)
    with fu.engine.connect() as conn:
        row = conn.execute(text("SELECT channel, respondent_group, unit_code FROM survey_response")).one()
    assert tuple(row) == ("account", "official", "620102")


def test_the_firm_page_shows_results_as_text_makes_links_and_types_paper(browser, followup_server, tmp_path):
    base, world, fu = followup_server
    ratings = {i["key"]: 5 for i in definition_for(YEAR)["groups"]["resident"]["items"]}
    with fu.engine.begin() as conn:
        for unit, city in (("620102", "620100"), ("620402", "620400")):
            conn.execute(text(
                "INSERT INTO survey_response (year, definition_year, respondent_group, unit_code, city_code, channel, "
                "entered_by_account_id, ratings, open_answers) VALUES (:y, 2024, 'resident', :u, :c, 'paper', "
                "(SELECT id FROM account WHERE username = 'prov'), CAST(:r AS jsonb), CAST(:o AS jsonb))"),
                {"y": YEAR, "u": unit, "c": city, "r": json.dumps(ratings),
                 "o": json.dumps({"problems": HOSTILE if unit == "620102" else "白银的意见"})})  # fmt: skip
    with logged_in_page(browser, base, world["accounts"]["lead"], **DESKTOP) as page:
        page.goto(f"{base}/evaluation/survey?year={YEAR}")
        page.wait_for_selector("body[data-state=ready]")
        page.wait_for_function("window.spotcheckSurvey.loads >= 1")
        answer = page.locator("#charts li.open-answer")
        assert answer.count() == 1 and answer.inner_text() == f"【群众】{HOSTILE}"
        assert page.locator("#charts img").count() == 0 and page.evaluate("window.pwned") is None
        assert "白银" not in page.locator("#content").inner_text()  # 第二组's county
        row = page.locator("#results-table tr[data-unit='620102'][data-group='resident']")
        assert (
            "100.0" in row.locator("td.index").inner_text() and row.locator("td").nth(2).inner_text() == "1"
        )
        assert page.locator("#charts svg.chart rect.bar").count() == 4  # S and 满意率: residents and all
        save(page.screenshot(full_page=True), "survey-admin.png", tmp_path)
        # A batch of links for 红古区
        page.select_option("#batch-unit", "620111")
        page.fill("#batch-size", "3")
        page.locator("#batch-form button[type=submit]").click()
        page.wait_for_selector("#batch-links:not([hidden]) li")
        assert page.locator("#batch-links li").count() == 3
        assert page.locator("#batch-table tbody tr").count() == 1
        sheet = page.locator("#batch-table a", has_text="打印二维码").get_attribute("href")
        assert sheet.endswith("/sheet")
        # One link handed out by mistake is stopped, then the rest of the batch.
        first = page.locator("#batch-links li").first
        stopped = first.get_attribute("data-token")
        page.once("dialog", lambda d: d.accept())
        first.locator("button.stop-link").click()
        page.wait_for_selector("#batch-links li.revoked")
        assert "（已停用）" in page.locator("#batch-links li").first.inner_text()
        assert "已停用 1 个" in page.locator("#batch-links h3").inner_text()
        assert page.locator("#stop-all").inner_text() == "停用全部未填写的链接（2 个）"
        page.once("dialog", lambda d: d.accept())
        page.locator("#stop-all").click()
        page.wait_for_function("() => document.querySelectorAll('#batch-links li.revoked').length === 3")
        assert page.locator("#stop-all").is_disabled() and "停用 3" in page.locator("#batch-table tbody tr").inner_text()
        save(page.locator("#links").screenshot(), "survey-links-stopped.png", tmp_path)
        refused = page.request.get(f"{base}/api/v1/evaluation/survey/public/{stopped}")
        assert refused.status == 404 and "已停用" in refused.json()["message"]
        # A paper questionnaire of staff for 城关区
        page.select_option("#paper-group", "staff")
        page.select_option("#paper-unit", "620102")
        page.fill("#paper-ref", "纸质-7")
        before = page.evaluate("window.spotcheckSurvey.loads")
        _answer_all(page, 3, touch=False)
        page.locator("#paper-form button[type=submit]").click()
        page.wait_for_function("(n) => window.spotcheckSurvey.loads > n", arg=before)
        assert "纸质问卷已保存" in page.locator("#paper-message").inner_text()
        staff = page.locator("#results-table tr[data-unit='620102'][data-group='staff']")
        assert "60.0" in staff.locator("td.index").inner_text()
        assert_clean(page, base)
    with fu.engine.connect() as conn:
        row = conn.execute(text("SELECT channel, paper_ref, respondent_group FROM survey_response "
                                "WHERE respondent_group = 'staff'")).one()  # fmt: skip
    assert tuple(row) == ("paper", "纸质-7", "staff")
