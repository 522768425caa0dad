"""The review page (/review) in a real headless Chromium on a live server with the field world.

Two inspections submitted through the API by 甲组's inspector (one opened and submitted 4.5 km from the
house, with a photo taken there and one without EXIF position, and hostile text in its answers); the firm's
leader sees the queue with the server's flags, opens one, sees its photos and distances, returns it with a
comment, meets a conflict (reviewed or resubmitted meanwhile) without losing the comment, approves the
other; the database holds each step. An inspector is refused the page. No request leaves the service.
"""

from __future__ import annotations

from types import SimpleNamespace

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.conftest import login
from tests.fieldwork.conftest import Field
from tests.inspections.test_inspections_api import valid_answers
from tests.inspections.test_review_list import submitted
from tests.web.checks import assert_clean, recording, save

API = "/api/v1/inspections"
HOSTILE = '<img src=x onerror="window.pwned=1">'
RELOADED = "(n) => document.body.dataset.state === 'ready' && Number(document.body.dataset.loads) > n"


@pytest.fixture
def world(field_server, field_url):
    """The live server, its world, an API client on it and the database's engine."""
    base, w = field_server
    engine = create_engine(field_url)
    with httpx.Client(base_url=base, timeout=30) as client:
        yield SimpleNamespace(base=base, api=Field(client, engine, w), engine=engine, accounts=w["accounts"])
    engine.dispose()


@pytest.fixture
def context(browser):
    ctx = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1366, "height": 900})
    yield ctx
    ctx.close()


def _page(ctx):
    return recording(ctx.new_page())


def _loads(pg) -> int:
    return int(pg.evaluate("() => Number(document.body.dataset.loads)"))


def _act(pg, selector: str) -> None:
    n = _loads(pg)
    pg.click(selector)
    pg.wait_for_function(RELOADED, arg=n)


def _make_two(w) -> tuple[dict, dict]:
    near = submitted(w.api, 0)
    house = w.api.world["houses"]["甲组"][1]
    reg = w.api.get("i1", f"{API}/houses/{w.api.world['draw']}/{house}").json()["registry"]
    answers = valid_answers(reg) | {"remarks": f"房主称 {HOSTILE} 已整改", "address_accurate": False,
                                    "address_observed": f"新村{HOSTILE}"}  # fmt: skip
    far = submitted(w.api, 1, far=True, answers=answers, caption=HOSTILE)
    return near, far


def _db(w, sql: str, **params):
    with w.engine.connect() as conn:
        return conn.execute(text(sql), params).all()


def test_the_leader_reviews_the_queue_returns_one_and_approves_the_other(world, context, tmp_path):
    w = world
    near, far = _make_two(w)
    assert "/review" in [t["href"] for t in w.api.get("lead", "/api/v1/me").json()["tasks"]]
    pg = _page(context)
    login(pg, w.base, SimpleNamespace(**w.accounts["lead"]))
    pg.goto(f"{w.base}/review")
    pg.wait_for_function("() => document.body.dataset.state === 'ready'")

    # The queue: awaiting review, the oldest submission first, the far one flagged; the first one open.
    assert pg.locator('.tab[data-status="submitted"] .count').inner_text() == "2"
    assert pg.locator('.tab[data-status="approved"] .count').inner_text() == "0"
    ids = pg.eval_on_selector_all(".queue-item", "els => els.map(e => Number(e.dataset.id))")
    assert ids == [near["id"], far["id"]]
    assert pg.locator(f'.queue-item[data-id="{near["id"]}"] .flag').count() == 0
    codes = pg.eval_on_selector_all(f'.queue-item[data-id="{far["id"]}"] .flag', "els => els.map(e => e.dataset.code)")
    assert set(codes) == {"opened_far", "submitted_far", "photos_far", "photos_without_gps", "record_wrong"}
    assert pg.locator("#house-code").inner_text() == near["survey_code"]
    assert pg.locator("#compare-body tr.mismatch").count() == 0
    assert pg.locator("#result").get_attribute("data-result") == "confirmed"

    # j moves down the queue: the far one, its photos, distances and map.
    n = _loads(pg)
    pg.locator("body").press("j")
    pg.wait_for_function(RELOADED, arg=n)
    assert pg.locator("#house-code").inner_text() == far["survey_code"]
    assert pg.locator("#result").get_attribute("data-result") == "record_wrong"
    mismatched = pg.locator("#compare-body tr.mismatch")
    assert mismatched.count() == 1 and mismatched.get_attribute("data-field") == "address"
    assert mismatched.locator("td").nth(1).inner_text() == f"不准确，实为：新村{HOSTILE}"
    assert pg.locator("#photos figure").count() == 4 and pg.locator("#photos figure.far").count() == 1
    assert pg.locator("#photos .warn-tag").all_inner_texts()[1] == "无位置"
    positions = pg.locator("#positions li.far").all_inner_texts()
    assert len(positions) == 3 and all("超出范围" in p and "米" in p for p in positions)
    assert "照片 2（EXIF）" in positions[2]
    assert pg.locator('#positions li[data-kind="photos"]').inner_text() == "2 张照片拍摄位置在范围内，1 张无 EXIF 位置"
    assert pg.locator("path.photo-point").count() == 3 and pg.locator("path.house-point").count() == 1
    assert pg.locator("path.opened").count() == 1 and pg.locator("path.submitted").count() == 1
    assert {"opened_far", "photos_far"} <= set(pg.eval_on_selector_all("#detail-flags .flag", "e => e.map(x => x.dataset.code)"))
    pg.locator("#photos figure.far .thumb").click()
    assert pg.locator("#viewer").is_visible()
    facts = pg.locator("#viewer-facts").inner_text()
    assert "拍摄位置距房屋" in facts and "超过" in facts and "2026/12/3 10:15:00" in facts
    assert HOSTILE in pg.locator("#viewer-title").inner_text()
    save(pg.screenshot(full_page=False), "review-photo.png", tmp_path)
    pg.keyboard.press("Escape")
    assert not pg.locator("#viewer").is_visible()
    # Text typed by the inspector is shown as text, never as HTML.
    assert HOSTILE in pg.locator('#compare-body tr[data-field="remarks"]').inner_text()
    assert pg.locator("#detail img[onerror], #queue img").count() == 0
    assert pg.evaluate("() => window.pwned") is None
    save(pg.screenshot(full_page=True), "review-page.png", tmp_path)
    pg.set_viewport_size({"width": 800, "height": 1180})  # a tablet upright: one column, no sideways scrolling
    assert pg.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
    save(pg.screenshot(full_page=True), "review-tablet.png", tmp_path)
    pg.set_viewport_size({"width": 1366, "height": 900})

    # Return without a comment: refused on the page; with one: returned, the next (the near one) opens.
    pg.click("#return")
    assert "须写明意见" in pg.locator("#review-message").inner_text()
    pg.fill("#comment", "第2张照片拍摄位置距房屋过远，请补拍。")
    _act(pg, "#return")
    assert _db(w, "SELECT status, version FROM inspection WHERE id = :i", i=far["id"]) == [("returned", 3)]
    assert _db(w, "SELECT action, comment FROM inspection_review WHERE inspection_id = :i ORDER BY id", i=far["id"]) == [
        ("submit", None), ("return", "第2张照片拍摄位置距房屋过远，请补拍。")]
    assert "已退回修改" in pg.locator("#review-message").inner_text()
    assert pg.locator("#house-code").inner_text() == near["survey_code"]
    assert pg.locator('.tab[data-status="returned"] .count').inner_text() == "1"

    # Meanwhile the province returns the near one and the inspector resubmits it: the page's version is stale.
    back = w.api.post("prov", f"{API}/{near['id']}/review", json={"action": "return", "version": 2, "comment": "补充"})
    assert back.status_code == 200, back.text
    body = {"draw_id": near["draw_id"], "house_id": near["house_id"], "version": 3, "answers": near["answers"],
            "submit": True}  # fmt: skip
    again = w.api.client.put(f"{API}/by-client/{near['client_id']}", json=body, headers=w.api.auth("i1"))
    assert again.status_code == 200 and again.json()["version"] == 4
    pg.fill("#comment", "照片清晰，同意。")
    _act(pg, "#approve")
    said = pg.locator("#review-message")
    assert said.is_visible() and "已被修改" in said.inner_text() and said.get_attribute("data-kind") == "error"
    assert pg.locator("#comment").input_value() == "照片清晰，同意。"  # nothing typed is lost
    assert pg.locator("#review-version").inner_text() == "4"
    assert pg.locator("#history-body td:first-child").all_inner_texts() == [
        "提交审核", "退回修改", "提交审核"]
    _act(pg, "#approve")
    assert _db(w, "SELECT status FROM inspection WHERE id = :i", i=near["id"]) == [("approved",)]
    assert _db(w, "SELECT comment FROM inspection_review WHERE inspection_id = :i AND action = 'approve'",
               i=near["id"]) == [("照片清晰，同意。",)]  # fmt: skip
    assert "队列已审完" in pg.locator("#message").inner_text()
    assert pg.locator('.tab[data-status="approved"] .count').inner_text() == "1"
    assert _db(w, "SELECT count(*) FROM audit_event WHERE action IN ('inspection_approve', 'inspection_return')") == [(3,)]
    assert_clean(pg, w.base, 409)


def test_a_review_made_elsewhere_first_is_a_conflict_that_keeps_the_comment(world, context):
    w = world
    one = submitted(w.api, 0)
    pg = _page(context)
    login(pg, w.base, SimpleNamespace(**w.accounts["lead"]))
    pg.goto(f"{w.base}/review?id={one['id']}")
    pg.wait_for_function("() => document.body.dataset.state === 'ready'")
    assert pg.locator("#review-box").is_visible()
    ok = w.api.post("prov", f"{API}/{one['id']}/review", json={"action": "approve", "version": 2})
    assert ok.status_code == 200, ok.text
    pg.fill("#comment", "请补拍门牌。")
    _act(pg, "#return")
    said = pg.locator("#review-message")
    assert said.is_visible() and "只能审核已提交的检查" in said.inner_text()
    assert pg.locator("#status-badge").inner_text() == "审核通过"
    assert not pg.locator("#review-box").is_visible()  # nothing left to review here
    assert pg.evaluate(f"() => window.spotcheckReview.comments.get({one['id']})") == "请补拍门牌。"
    assert _db(w, "SELECT status FROM inspection WHERE id = :i", i=one["id"]) == [("approved",)]
    assert _db(w, "SELECT count(*) FROM inspection_review WHERE action = 'return'") == [(0,)]
    assert_clean(pg, w.base, 409)


def test_an_inspector_is_refused_the_review_page(world, context):
    pg = _page(context)
    login(pg, world.base, SimpleNamespace(**world.accounts["i1"]))
    response = pg.goto(f"{world.base}/review")
    assert response.status == 403 and response.headers["content-type"].startswith("text/html")
    assert "无权" in pg.locator("main").inner_text()
    assert "/review" not in [t["href"] for t in world.api.get("i1", "/api/v1/me").json()["tasks"]]
