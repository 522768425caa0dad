"""The reports' page /evaluation/report in headless Chromium: the firm picks a county, edits and saves a
section, meets a stale save (409: the typed text stays, the other version is shown, a second save wins),
downloads the .docx holding the edit; text from the database is shown as text; the county office reads only."""

from __future__ import annotations

import httpx
from docx import Document
from sqlalchemy import text

from tests.evaluation.report_world import report_findings
from tests.followup.conftest import Followup
from tests.web.checks import assert_clean, logged_in_page

DESKTOP = {"viewport": {"width": 1280, "height": 1000}, "locale": "zh-CN", "timezone_id": "Asia/Shanghai",
           "accept_downloads": True}  # fmt: skip
READY = "body[data-state=ready]"
HOSTILE = '<img src=x onerror="window.pwned=1">已加固'


def _loads(page) -> int:
    return page.evaluate("window.spotcheckReport.loads")


def test_firm_edits_meets_a_conflict_and_downloads(browser, followup_server, tmp_path):
    base, world, fu = followup_server
    with httpx.Client(base_url=base, timeout=60) as client:  # the API of the served app, for the findings
        report_findings(Followup(client, fu.engine, world))
    with logged_in_page(browser, base, world["accounts"]["lead"], **DESKTOP) as page:
        assert page.locator("a[href='/evaluation/report']").count() == 1  # the start page's task
        page.goto(base + "/evaluation/report?unit=620102")
        page.wait_for_selector(READY)
        assert page.locator("#target").input_value() == "620102"
        assert page.locator("#target option[value=province]").count() == 0  # a firm sees its group only
        assert page.locator("#synthetic-banner").is_visible()
        card = page.locator("li.section[data-key=basic]")
        assert "抽取自建房" in card.locator("textarea").input_value()
        card.locator("textarea").fill("第一版：评估组进驻城关区。")
        card.locator("button.save").click()
        page.wait_for_selector("#message[data-kind=ok]")
        with fu.engine.begin() as conn:  # someone else saves meanwhile
            conn.execute(text("UPDATE report_draft SET text = :t, version = version + 1 WHERE target = '620102' "
                              "AND section = 'basic'"), {"t": HOSTILE})  # fmt: skip
        card.locator("textarea").fill("我的第二版：保留我输入的文字。")
        card.locator("button.save").click()
        page.wait_for_selector("li.section[data-key=basic] .conflict:not([hidden])")
        assert (
            card.locator("textarea").input_value() == "我的第二版：保留我输入的文字。"
        )  # 409 keeps the typed text
        assert HOSTILE in card.locator(".conflict").inner_text()  # shown as text
        assert page.evaluate("window.pwned") is None
        assert "已被他人修改" in page.locator("#message").inner_text()
        card.locator("button.save").click()  # saved over the version now read
        page.wait_for_selector("#message[data-kind=ok]")
        with fu.engine.connect() as conn:
            stored = conn.execute(
                text("SELECT text, version FROM report_draft WHERE section = 'basic'")
            ).one()
        assert stored == ("我的第二版：保留我输入的文字。", 3)
        with page.expect_download() as info:
            page.locator("#download").click()
        path = tmp_path / "r.docx"
        info.value.save_as(path)
        assert "我的第二版：保留我输入的文字。" in [p.text for p in Document(str(path)).paragraphs]
        before = _loads(page)
        page.locator("#export").click()
        page.wait_for_function("(n) => window.spotcheckReport.loads > n", arg=before)
        assert page.locator("#exports tbody tr").count() == 1
        assert_clean(page, base, 409)


def test_the_county_office_reads_its_report(browser, followup_server):
    base, world, fu = followup_server
    with logged_in_page(browser, base, world["accounts"]["county"], **DESKTOP) as page:
        page.goto(base + "/evaluation/report")
        page.wait_for_selector(READY)
        assert [o for o in page.locator("#target option").all_inner_texts()] == [
            "兰州市城关区（第一组检测公司）"
        ]
        assert page.locator("li.section").count() == 9
        assert page.locator("li.section textarea[disabled]").count() == 9
        assert page.locator("button.save").count() == 0 and not page.locator("#export").is_visible()
        assert_clean(page, base)
