"""The follow-up page /notices in headless Chromium: the city office sees the collapse alert on top and
acknowledges it, issues a notice with a deadline and downloads the .docx, sees an overdue notice
highlighted; the county office answers with text and a photo (its text shown as text); the city office
accepts; a leader reads only."""

from __future__ import annotations

import datetime as dt

from docx import Document
from sqlalchemy import text

from service.followup.service import today
from tests.filemakers import jpeg_with_exif
from tests.followup.conftest import COLLAPSE
from tests.web.checks import assert_clean, logged_in_page

DESKTOP = {"viewport": {"width": 1280, "height": 1000}, "locale": "zh-CN", "timezone_id": "Asia/Shanghai",
           "accept_downloads": True}  # fmt: skip
READY = "body[data-state=ready]"
HOSTILE = '<img src=x onerror="window.pwned=1">已加固'


def office(browser, base: str, world: dict, name: str):
    return logged_in_page(browser, base, world["accounts"][name], **DESKTOP)


def _open(page, base: str) -> None:
    page.goto(base + "/notices")
    page.wait_for_selector(READY)


def _loads(page) -> int:
    return page.evaluate("window.spotcheckNotices.loads")


def _wait_reload(page, before: int) -> None:
    page.wait_for_function("(n) => window.spotcheckNotices.loads > n", arg=before)


def test_city_issues_county_answers_city_accepts(browser, followup_server):
    base, world, fu = followup_server
    h = world["houses"]["甲组"]
    finding, late, risky = fu.approved(h[0]), fu.approved(h[1]), fu.approved(h[2], COLLAPSE)
    with fu.engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO control_case (inspection_id, draw_id, house_id, unit_code, city_code, opened_by_account_id) "
            "SELECT id, draw_id, house_id, unit_code, '620100', created_by_account_id FROM inspection WHERE id = :i"),
            {"i": risky})  # fmt: skip
    with office(browser, base, world, "city") as page:
        assert page.locator("a[href='/notices']").count() == 1  # the start page's task
        _open(page, base)
        first = page.locator("#alerts li.card").first
        assert "未确认" in first.inner_text()
        rows = page.locator("#awaiting-table tbody tr")
        assert rows.count() == 3
        before = _loads(page)
        row = page.locator(f"#awaiting-table tr[data-inspection-id='{late}']")
        row.locator("button.issue").click()
        _wait_reload(page, before)
        with fu.engine.begin() as conn:  # that notice's deadline has passed
            conn.execute(text("UPDATE notice SET deadline = :d WHERE inspection_id = :i"),
                         {"d": today() - dt.timedelta(days=2), "i": late})  # fmt: skip
        deadline = today() + dt.timedelta(days=20)
        row = page.locator(f"#awaiting-table tr[data-inspection-id='{finding}']")
        row.locator("input[type=date]").fill(deadline.isoformat())
        before = _loads(page)
        row.locator("button.issue").click()
        _wait_reload(page, before)
        assert "整改通知已下发" in page.locator("#message").inner_text()
        overdue = page.locator("#notice-table tr.overdue")
        assert overdue.count() == 1 and "已逾期" in overdue.inner_text()
        mine = page.locator("#notice-table tbody tr:not(.overdue)").first
        assert (
            f"兰自建房整改〔{today().year}〕2号" in mine.inner_text()
            and deadline.isoformat() in mine.inner_text()
        )
        with page.expect_download() as download:
            mine.locator("a", has_text="下载").click()
        assert download.value.suggested_filename.startswith("整改通知单-兰自建房整改")
        words = "\n".join(p.text for p in Document(download.value.path()).paragraphs)
        assert "城关区自建房安全专项整治工作专班" in words and f"{deadline.month}月{deadline.day}日" in words

        before = _loads(page)
        page.locator("#alerts li.card.unacknowledged button.ack").click()
        _wait_reload(page, before)
        assert page.locator("#alerts li.card.unacknowledged").count() == 0
        assert_clean(page, base)
    number = f"兰自建房整改〔{today().year}〕2号"

    with office(browser, base, world, "county") as page:
        _open(page, base)
        assert page.locator("#awaiting").is_hidden()  # the county office issues nothing
        page.locator("#notice-table tr", has_text=number).locator("button.open").click()
        form = page.locator("form.answer-form")
        form.wait_for()
        form.locator("textarea").fill(HOSTILE)
        form.locator("input[type=file]").set_input_files(
            files=[{"name": "加固后.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_exif()}]
        )
        form.locator("input[name=done]").check()
        before = _loads(page)
        form.locator("button[type=submit]").click()
        _wait_reload(page, before)
        detail = page.locator("#detail")
        assert "已报整改完成" in detail.inner_text() and HOSTILE in detail.inner_text()  # shown as text
        assert detail.locator("img").count() == 0 and page.evaluate("window.pwned") is None
        assert detail.locator("a.file", has_text="加固后.jpg").count() == 1
        assert_clean(page, base)

    with office(browser, base, world, "leader") as page:
        _open(page, base)
        assert page.locator("#awaiting").is_hidden() and page.locator("button.ack").count() == 0
        page.locator("#notice-table tr", has_text=number).locator("button.open").click()
        page.locator("#detail h3").wait_for()
        assert page.locator("form.decision-form, form.answer-form").count() == 0  # read only

    with office(browser, base, world, "city") as page:
        _open(page, base)
        page.locator("#notice-table tr", has_text=number).locator("button.open").click()
        page.locator("form.decision-form").wait_for()
        before = _loads(page)
        page.locator("button.accept").click()
        _wait_reload(page, before)
        assert "已销号" in page.locator("#notice-table tr", has_text=number).inner_text()
        page.locator("#only-overdue").check()
        page.wait_for_function("() => window.spotcheckNotices.notices.length === 1")
        assert page.locator("#notice-table tbody tr").count() == 1
        assert_clean(page, base)


def test_the_leaders_map_shows_overdue_notices(browser, followup_server):
    base, world, fu = followup_server
    h = world["houses"]["甲组"]
    late, fine = fu.approved(h[0]), fu.approved(h[1])
    with office(browser, base, world, "city") as page:
        for inspection in (late, fine):
            r = page.request.post(base + "/api/v1/followup/notices", headers={
                "X-CSRF-Token": page.evaluate("() => document.cookie.match(/spotcheck_csrf=([^;]+)/)[1]"),
                "Origin": base}, data={"inspection_id": inspection, "deadline": str(today() + dt.timedelta(days=9))})  # fmt: skip
            assert r.status == 201, r.text()
    with fu.engine.begin() as conn:
        conn.execute(text("UPDATE notice SET deadline = :d WHERE inspection_id = :i"),
                     {"d": today() - dt.timedelta(days=1), "i": late})  # fmt: skip
    with office(browser, base, world, "leader") as page:
        page.goto(base + "/map")
        page.wait_for_selector(READY)
        page.locator(".notices-toggle").wait_for()
        assert "逾期整改通知（1）" in page.locator(".notices-toggle").inner_text()
        assert page.locator("path.overdue-notice-marker").count() == 1
        page.locator(".notices-toggle input").uncheck()
        assert page.locator("path.overdue-notice-marker").count() == 0
        assert_clean(page, base)
    with office(browser, base, world, "i1") as page:  # an inspector reads no notices: no layer, no refusal
        page.goto(base + "/map")
        page.wait_for_selector(READY)
        assert page.locator(".notices-toggle").count() == 0
        assert_clean(page, base)
