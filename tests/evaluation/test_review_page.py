"""The document review page /evaluation/review in headless Chromium: the county office uploads evidence for
an item (a file of the wrong kind refused with the Chinese message; a hostile file name shown as text), the
firm scores items with comments (a score changed meanwhile is a 409 that keeps the typed text and shows the
current score), and the province sees the totals compared across counties."""

from __future__ import annotations

from sqlalchemy import text

from tests.evaluation import review_files as F
from tests.web.checks import assert_clean, logged_in_page

DESKTOP = {"viewport": {"width": 1280, "height": 1000}, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}
READY = "body[data-state=ready]"
HOSTILE = "<img src=x onerror=window.pwned=1>方案.pdf"  # (Chromium sends a double quote as %22)


def _open(browser, base, world, name):
    return logged_in_page(browser, base, world["accounts"][name], **DESKTOP)


def _wait_reload(page, before: int) -> None:
    page.wait_for_function("(n) => window.spotcheckReview.loads > n", arg=before)


def _loads(page) -> int:
    return page.evaluate("window.spotcheckReview.loads")


def test_county_uploads_firm_scores_province_compares(browser, followup_server):
    base, world, fu = followup_server
    with _open(browser, base, world, "county") as page:
        page.goto(base + "/evaluation/review")
        page.wait_for_selector(READY)
        page.wait_for_selector("#items li.card[data-key=policy]")  # one county: its items open at once
        assert page.locator("#compare-table tbody tr").count() == 1
        card = page.locator("#items li.card[data-key=policy]")
        assert (
            "国家、省级政策文件落实情况" in card.inner_text() and page.locator("form.score-form").count() == 0
        )
        card.locator("input[type=file]").set_input_files(
            files=[{"name": "说明.pdf", "mimeType": "application/pdf", "buffer": b"MZ not a pdf"}]
        )
        card.locator("button", has_text="上传").click()
        page.wait_for_function("() => document.getElementById('message').textContent.includes('未保存')")
        assert "不是可识别的文件类型" in page.locator("#message").inner_text()
        before = _loads(page)
        card.locator("input[type=file]").set_input_files(
            files=[{"name": HOSTILE, "mimeType": "application/pdf", "buffer": F.PDF}]
        )
        card.locator("button", has_text="上传").click()
        _wait_reload(page, before)
        link = page.locator("#items li.card[data-key=policy] a.file")
        assert link.inner_text() == HOSTILE and page.evaluate("window.pwned") is None
        # A file sent by mistake is withdrawn (after a confirmation) while the item is not scored.
        before = _loads(page)
        card.locator("input[type=file]").set_input_files(
            files=[{"name": "错传.pdf", "mimeType": "application/pdf", "buffer": F.PDF}]
        )
        card.locator("button", has_text="上传").click()
        _wait_reload(page, before)
        assert link.count() == 2
        before = _loads(page)
        page.once("dialog", lambda d: d.accept())
        card.get_by_role("button", name="撤回 错传.pdf").click()
        _wait_reload(page, before)
        assert "已撤回“错传.pdf”" in page.locator("#message").inner_text()
        assert link.all_inner_texts() == [HOSTILE]
        assert_clean(page, base, 422)
    with fu.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM review_evidence WHERE withdrawn_at IS NULL")).scalar_one() == 1
        assert conn.execute(text("SELECT filename FROM review_evidence WHERE withdrawn_at IS NOT NULL")).scalar_one() == (
            "错传.pdf")  # fmt: skip

    with _open(browser, base, world, "lead") as page:
        page.goto(base + "/evaluation/review")
        page.wait_for_selector(READY)
        assert page.locator("#compare-table tbody tr").count() == 2  # 第一组: 城关区, 红古区
        page.locator("#compare-table tbody tr[data-unit='620102']").click()
        card = page.locator("#items li.card[data-key=policy]")
        card.wait_for()
        assert HOSTILE in card.inner_text() and page.locator("form.upload-form").count() == 0
        assert "错传.pdf" not in card.inner_text() and card.locator("button.withdraw").count() == 0
        card.locator("input[name=score]").fill("80")
        card.locator("textarea[name=comment]").fill("文件齐全，落实台账完整")
        before = _loads(page)
        card.locator("button", has_text="保存评分").click()
        _wait_reload(page, before)
        assert "总分 80" in page.locator("#detail-total").inner_text()
        card = page.locator("#items li.card[data-key=rectification]")
        card.locator("input[name=score]").fill("50")
        card.locator("textarea[name=comment]").fill("销号材料不全")
        with fu.engine.begin() as conn:  # someone else scores the item meanwhile
            conn.execute(text(
                "INSERT INTO review_score (item_id, unit_code, score, comment, scored_by_account_id) "
                "SELECT id, '620102', 90, '他人的评分', :a FROM review_item WHERE key = 'rectification'"),
                {"a": world["accounts"]["lead"]["id"]})  # fmt: skip
        card.locator("button", has_text="保存评分").click()
        card.locator("p.conflict").wait_for()
        assert "他人已保存的评分：90 分" in card.locator("p.conflict").inner_text()
        assert "请刷新" in page.locator("#message").inner_text()
        assert (
            card.locator("textarea[name=comment]").input_value() == "销号材料不全"
        )  # the typed text is kept
        assert card.locator("input[name=score]").input_value() == "50"
        before = _loads(page)
        card.locator(
            "button", has_text="保存评分"
        ).click()  # sent again, deliberately, on the current version
        _wait_reload(page, before)
        assert "总分 62.86" in page.locator("#detail-total").inner_text()  # (15·80 + 20·50) / 35
        assert_clean(page, base, 409)

    with _open(browser, base, world, "prov") as page:
        page.goto(base + "/evaluation/review")
        page.wait_for_selector(READY)
        rows = page.locator("#compare-table tbody tr")
        assert rows.count() == 3
        assert "62.86" in rows.first.inner_text() and "城关区" in rows.first.inner_text()
        assert page.locator("#weights-form input[type=number]").count() == 8
        assert page.locator("form.score-form").count() == 0
        assert_clean(page, base)
