"""The demo spot check in a real headless Chromium: the leaders' map shows the inspected houses coloured by
result with a Chinese legend and counts, a popup per house, and every firm's progress against December 15;
the firm page shows its progress; the coverage view the unit's inspected houses."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from geo.inspection_results import RESULT_CLASSES
from tests.conftest import _recording_page, login
from tests.factories import make_account
from tests.web.checks import assert_clean, save

READY = "body[data-state=ready]"


@pytest.fixture
def leader_page(browser, spotcheck_server, spotcheck_engine):
    for page in _recording_page(browser):
        login(page, spotcheck_server, make_account(spotcheck_engine, "leader-demo", "leader", scope_code="620000"))
        yield page


def test_leaders_map_shows_inspections_by_result_and_progress(leader_page, spotcheck_server, spotcheck_engine, tmp_path):
    page = leader_page
    page.goto(spotcheck_server + "/map")
    page.wait_for_selector(READY)
    page.wait_for_function("() => document.body.dataset.inspections === 'loaded'")
    legend = page.locator("#legend-inspections")
    assert legend.locator("h3").inner_text() == "入户检查结果"
    data = page.evaluate("() => window.spotcheckInspections")
    with spotcheck_engine.connect() as conn:
        inspected = conn.execute(text("SELECT count(*) FROM inspection WHERE status IN ('submitted', 'approved')")).scalar()
    assert data["total"] == inspected
    for c in data["classes"]:
        row = legend.locator(f".legend-row[data-result={c['code']}]")
        assert RESULT_CLASSES[c["code"]][0] in row.inner_text() and str(c["count"]) in row.inner_text()
    assert "合成演示数据" in legend.inner_text()
    markers = page.locator("path.inspection-marker")
    assert markers.count() == inspected
    fills = set(page.eval_on_selector_all("path.inspection-marker", "els => els.map(e => e.getAttribute('fill'))"))
    assert fills == {c["colour"] for c in data["classes"] if c["count"]}  # coloured by result
    progress = page.locator("#field-progress")
    progress.wait_for(state="visible")
    assert progress.locator("h2").inner_text() == "各检查机构进度"
    rows = progress.locator("tbody tr")
    assert rows.count() == 4 and "第一组" in rows.nth(0).inner_text()
    assert "截止日期 2026-12-15" in progress.inner_text()
    assert progress.locator(".progress-expected").count() == 4
    save(page.screenshot(full_page=True), "demo-map-inspections.png", tmp_path)
    progress.scroll_into_view_if_needed()
    save(progress.screenshot(), "demo-map-progress.png", tmp_path)
    marker = page.locator("path.inspection-marker.result-digital_only").first
    page.evaluate("() => window.spotcheckMap.setZoom(9)")  # points apart enough to click one
    marker.dispatch_event("click")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "数字整治" in popup.inner_text() and "检查组" in popup.inner_text() and "合成数据" in popup.inner_text()
    assert_clean(page, spotcheck_server)


def test_a_county_office_sees_its_inspected_houses_but_no_progress(browser, spotcheck_server, spotcheck_engine):
    for page in _recording_page(browser):
        login(page, spotcheck_server, make_account(spotcheck_engine, "county-demo", "county", scope_code="620102"))
        page.goto(spotcheck_server + "/map")
        page.wait_for_selector(READY)
        page.wait_for_function("() => document.body.dataset.inspections === 'loaded'")
        data = page.evaluate("() => window.spotcheckInspections")
        assert data["total"] > 0 and {f["properties"]["unit_code"] for f in data["features"]} == {"620102"}
        page.wait_for_function("() => document.getElementById('field-progress').dataset.state === 'forbidden'")
        assert page.locator("#field-progress").is_hidden()
        assert_clean(page, spotcheck_server)  # no refused request either


def test_firm_page_and_coverage_view_show_the_inspections(browser, spotcheck_server, spotcheck_engine):
    for page in _recording_page(browser):
        login(page, spotcheck_server, make_account(spotcheck_engine, "prov-demo", "province"))
        page.goto(spotcheck_server + "/firm")
        page.wait_for_selector(READY)
        box = page.locator("#inspection-progress")
        box.wait_for(state="visible")
        assert "入户检查进度" in box.inner_text() and box.locator("tbody tr").count() == 1
        assert box.locator("tbody tr").get_attribute("data-status") in ("on_track", "behind", "done", "overdue")
        page.goto(spotcheck_server + "/coverage?draw=1&unit=620102")
        page.wait_for_selector(READY)
        page.wait_for_function("() => document.querySelector('.pane')?.dataset.inspections > 0")
        legend = page.locator(".inspections-legend")
        assert "入户检查结果" in legend.inner_text() and "核实无误" in legend.inner_text()
        assert page.locator("path.inspection-marker").count() == int(page.locator(".pane").first.get_attribute("data-inspections"))
        assert_clean(page, spotcheck_server)
