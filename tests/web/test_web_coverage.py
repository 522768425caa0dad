"""The planners' coverage view in a real headless Chromium: a draw made through the API, on the demo frame."""

from __future__ import annotations

import os
from pathlib import Path

from tests.conftest import assert_rendered
from tests.web.checks import assert_clean

UNIT = "620102"  # 城关区, in the 2024 preset's fixed units


def _draw(request, base: str, headers: dict, plan_id: int, seed: str) -> int:
    draw = request.post(base + "/api/v1/draws", data={"plan_id": plan_id, "seed": seed}, headers=headers)
    assert draw.status == 201, draw.text()
    draw_id = draw.json()["id"]
    houses = request.post(base + f"/api/v1/draws/{draw_id}/houses", data={}, headers=headers)
    assert houses.ok, houses.text()
    return draw_id


def test_coverage_view_shows_sample_replacements_verdict_and_a_comparison(
    demo_page, demo_live_server, tmp_path
):
    page, base = demo_page, demo_live_server
    api, token = page.request, page.account.headers  # writes from the test go with the account's API token
    plan = api.post(base + "/api/v1/plans/presets/gansu-2024", headers=token)
    assert plan.ok, plan.text()
    first = _draw(api, base, token, plan.json()["id"], "2024-10-21 测试 A")
    second = _draw(api, base, token, plan.json()["id"], "2024-10-21 测试 B")

    unit_map = api.get(base + f"/api/v1/draws/{first}/units/{UNIT}/map").json()
    roles = [f["properties"]["role"] for f in unit_map["frame"]["features"]]
    sample = [f["properties"] for f in unit_map["frame"]["features"] if f["properties"]["role"] == "sample"]
    replaced = sample[0]
    used = api.post(
        base + f"/api/v1/draws/{first}/replacements",
        data={"house_id": replaced["house_id"], "reason": "locked", "actor": "测试"},
        headers=token,
    )
    assert used.ok, used.text()
    replacement_id = used.json()["replacement_house_id"]

    page.goto(base + f"/coverage?draw={first}&compare={second}&unit={UNIT}")
    page.wait_for_selector("body[data-state=ready]")
    panes = page.locator(".pane")
    assert panes.count() == 2
    one = page.locator(f'.pane[data-draw="{first}"]')

    # Sample markers numbered by position; replacements hollow; the replaced house marked.
    pins = one.locator(".sample-pin")
    assert pins.count() == roles.count("sample")
    assert sorted(int(t) for t in pins.all_inner_texts()) == sorted(p["position"] for p in sample)
    assert one.locator(f'.sample-pin.replaced[data-house="{replaced["house_id"]}"]').count() == 1
    assert one.locator("path.replacement-marker").count() == roles.count("replacement")

    # The replacement list as a table, the used replacement saying which sample it replaces.
    rows = one.locator("table.replacements tbody tr")
    assert rows.count() == roles.count("replacement")
    used_row = one.locator("table.replacements tbody tr.used")
    assert used_row.count() == 1
    assert f"替换第 {replaced['position']} 号样本" in used_row.inner_text()
    survey = {
        f["properties"]["house_id"]: f["properties"]["survey_code"] for f in unit_map["frame"]["features"]
    }
    assert survey[replacement_id] in used_row.inner_text()

    # The server's verdict and balance figures.
    page.wait_for_function("() => document.querySelectorAll('.pane[data-coverage=ready]').length === 2")
    report = api.get(base + f"/api/v1/draws/{first}/coverage?replicates=50").json()
    unit_report = next(u for u in report["units"] if u["unit_code"] == UNIT)
    assert one.locator(".verdict-text").inner_text() == unit_report["verdict_zh"]
    assert one.locator(".verdict").get_attribute("data-level") == unit_report["verdict_level"]
    figures = one.locator(".balance").inner_text()
    assert f"{unit_report['townships_covered']} / {unit_report['townships_with_hazard']}" in figures
    assert f"{unit_report['balance']:.3f}" in figures

    # Township polygons shaded by coverage; the two maps move together.
    assert one.locator(".leaflet-overlay-pane path").count() >= len(unit_map["townships"]["features"])
    page.evaluate("() => { spotcheckCoverage.maps[0].setView([36.05, 103.85], 14, {animate: false}); }")
    centre = page.evaluate(
        "(() => { const c = spotcheckCoverage.maps[1].getCenter(); return [c.lat, c.lng, spotcheckCoverage.maps[1].getZoom()]; })()"
    )
    assert abs(centre[0] - 36.05) < 1e-6 and abs(centre[1] - 103.85) < 1e-6 and centre[2] == 14

    assert_clean(page, base)
    shot = page.screenshot(full_page=True)
    (tmp_path / "coverage.png").write_bytes(shot)
    if out := os.environ.get("SPOTCHECK_SCREENSHOTS"):
        Path(out, "coverage.png").write_bytes(shot)
    assert_rendered(page, shot)


def test_coverage_view_without_draws_says_so(demo_page, demo_live_server):
    demo_page.goto(demo_live_server + "/coverage")
    demo_page.wait_for_selector("body[data-state=ready]")
    assert "尚无抽样" in demo_page.locator("#message").inner_text()
    assert_clean(demo_page, demo_live_server)
