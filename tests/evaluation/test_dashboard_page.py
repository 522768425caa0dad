"""The leaders' dashboard /evaluation in headless Chromium: the map draws the drawn units of the caller's
scope, choosing another figure recolours them and redraws the legend, the tables sort by a clicked column,
a hostile unit name is shown as text, and the synthetic banner is up on the synthetic frame."""

from __future__ import annotations

import httpx
from sqlalchemy import text

from tests.evaluation.conftest_figures import findings
from tests.web.checks import assert_clean, logged_in_page

DESKTOP = {"viewport": {"width": 1280, "height": 1000}, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}
READY = "body[data-state=ready]"
HOSTILE = '<img src=x onerror="window.pwned=1">红古区'


def _world(followup_server):
    base, world, fu = followup_server
    fu.client = httpx.Client(base_url=base, timeout=60)  # the helpers' requests go to the running service
    findings(fu)
    return base, world, fu


def _open(browser, base, world, who):
    page = logged_in_page(browser, base, world["accounts"][who], **DESKTOP)
    return page


def _codes(page, table: str) -> list[str]:
    return page.eval_on_selector_all(f"#{table} tbody tr", "rows => rows.map(r => r.dataset.code)")


def test_the_map_recolours_and_the_tables_sort(browser, followup_server):
    base, world, fu = _world(followup_server)
    with fu.engine.begin() as conn:
        conn.execute(text("UPDATE division SET name = :n WHERE code = '620111'"), {"n": HOSTILE})
    with _open(browser, base, world, "leader") as page:
        page.goto(base + "/evaluation")
        page.wait_for_selector(READY)
        assert page.locator(".synthetic-banner").is_visible()
        page.wait_for_function("document.querySelectorAll('#map path.leaflet-interactive').length === 2")
        assert sorted(page.evaluate("Object.keys(window.spotcheckDashboard.colours)")) == ["620102", "620111"]
        # colour by overdue notices: 城关区 has one, 红古区 none
        page.locator("#figure-choice input[value='notices_overdue']").check()
        page.wait_for_selector("#legend[data-figure='notices_overdue']")
        colours = page.evaluate("window.spotcheckDashboard.colours")
        assert colours["620102"] != colours["620111"]
        fills = page.eval_on_selector_all(
            "#map path.leaflet-interactive", "ps => ps.map(p => p.getAttribute('fill'))"
        )
        assert sorted(fills) == sorted(colours.values())
        assert "逾期整改通知" in page.locator("#legend").inner_text()
        page.locator("#figure-choice input[value='accurate_share']").check()
        page.wait_for_selector("#legend[data-figure='accurate_share']")
        assert page.evaluate("window.spotcheckDashboard.colours") != colours
        # the county table sorts by the clicked column, then the other way
        header = page.locator("#unit-table th[data-key='notices_overdue']")
        header.click()
        page.wait_for_selector("#unit-table th[data-key='notices_overdue'][aria-sort='ascending']")
        assert _codes(page, "unit-table") == ["620111", "620102"]
        page.locator("#unit-table th[data-key='notices_overdue']").click()
        page.wait_for_selector("#unit-table th[data-key='notices_overdue'][aria-sort='descending']")
        assert _codes(page, "unit-table") == ["620102", "620111"]
        overdue = page.locator("#unit-table tr[data-code='620102'] td[data-key='notices_overdue']")
        assert overdue.inner_text() == "1" and "bad" in overdue.get_attribute("class")
        # the estimates show their interval and n
        cell = page.locator("#unit-table tr[data-code='620102'] td[data-key='accurate_share']").inner_text()
        assert "%" in cell and "n=3" in cell
        # one city, the sum of its two units
        assert _codes(page, "city-table") == ["620100"]
        assert page.locator("#city-table tbody td[data-key='notices_issued']").inner_text() == "3"
        total = page.locator("#city-table tfoot tr.total")  # the scope's total, under the cities
        assert "合计（兰州市）" in total.inner_text()
        assert total.locator("td[data-key='notices_issued']").inner_text() == "3"
        # the hostile name is text, never markup
        assert HOSTILE in page.locator("#unit-table tr[data-code='620111'] td[data-key='name']").inner_text()
        page.locator("#map path.leaflet-interactive").nth(1).hover()
        assert page.locator("#content img, .leaflet-tooltip img").count() == 0
        assert page.evaluate("window.pwned") is None
        assert_clean(page, base)


def test_a_county_office_sees_its_unit_and_the_province_every_unit(browser, followup_server):
    base, world, fu = _world(followup_server)
    with _open(browser, base, world, "county_by") as page:
        page.goto(base + "/evaluation")
        page.wait_for_selector(READY)
        page.wait_for_function("document.querySelectorAll('#map path.leaflet-interactive').length === 1")
        assert _codes(page, "unit-table") == ["620402"]
        assert "白银区" in page.locator("#unit-table").inner_text()
        assert "城关区" not in page.locator("#content").inner_text()
        assert_clean(page, base)
    with _open(browser, base, world, "prov") as page:
        page.goto(base + "/evaluation")
        page.wait_for_selector(READY)
        page.wait_for_function("document.querySelectorAll('#map path.leaflet-interactive').length === 3")
        assert sorted(_codes(page, "unit-table")) == ["620102", "620111", "620402"]
        page.locator("#unit-table th[data-key='name']").click()
        page.wait_for_selector("#unit-table th[data-key='name'][aria-sort='ascending']")
        assert_clean(page, base)
    with _open(browser, base, world, "i1") as page:  # an inspector has no dashboard
        r = page.goto(base + "/evaluation")
        assert r.status == 403
