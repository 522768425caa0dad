"""The leaders' provincial hazard map in a real headless Chromium, on a live server with the demo frame.

Everything the page shows must come from the service: no request may leave it, the figures must be the
server's, and the houses come from its vector tiles.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from tests.conftest import assert_rendered
from tests.web.checks import assert_clean

# Predicates are functions: the page's Content-Security-Policy forbids evaluating a string (no eval).
LOADED = "document.body.dataset.state === 'ready' && document.body.dataset.tiles === 'loaded'"
READY = f"() => {LOADED}"
FIGURES = (
    "houses",
    "hazardous",
    "collapse_risk",
    "pending",
    "in_progress",
    "done",
    "overdue",
    "near_school_hazardous",
)
PATHS = ".leaflet-overlay-pane path[data-code]"


def _open(page, base: str) -> None:
    page.goto(base + "/map")
    page.wait_for_function(READY)


def _only_the_service(page, base: str) -> None:
    assert_clean(page, base)


def _save(shot: bytes, name: str, tmp_path: Path) -> None:
    (tmp_path / name).write_bytes(shot)
    if out := os.environ.get("SPOTCHECK_SCREENSHOTS"):
        Path(out, name).write_bytes(shot)


def _click_division(page, code: str) -> None:
    """Click a real point of a division's polygon: one where the polygon is the topmost element."""
    point = page.evaluate(
        """(code) => {
            const path = document.querySelector(`.leaflet-overlay-pane path[data-code="${code}"]`);
            const r = path.getBoundingClientRect();
            for (let i = 1; i < 12; i++) for (let j = 1; j < 12; j++) {
                const x = r.left + (r.width * i) / 12, y = r.top + (r.height * j) / 12;
                if (document.elementFromPoint(x, y) === path) return [x, y];
            }
            return null;
        }""",
        code,
    )
    assert point, f"no visible point of {code}"
    page.mouse.click(*point)


def _show_house(page, base: str, zoom: int) -> dict:
    """Centre the map on a hazardous house at ``zoom`` and wait for its tiles; return the house feature."""
    house = page.request.get(base + "/api/v1/houses?limit=1&hazardous=true").json()["features"][0]
    lon, lat = house["geometry"]["coordinates"]
    page.evaluate(f"() => {{ spotcheckMap.setView([{lat}, {lon}], {zoom}, {{animate: false}}); }}")
    page.wait_for_function(READY)
    return house


def test_province_map_renders_choropleth_legend_and_the_servers_figures(
    demo_page, demo_live_server, tmp_path
):
    page, base = demo_page, demo_live_server
    _open(page, base)

    # 14 city polygons, drawn by Leaflet as SVG paths tagged with their codes.
    cities = page.request.get(base + "/api/v1/map/divisions?level=city").json()["features"]
    assert len(cities) == 14
    codes = page.eval_on_selector_all(PATHS, "els => els.map(e => e.dataset.code)")
    assert sorted(codes) == sorted(f["properties"]["code"] for f in cities)
    labels = page.locator(".division-label .name").all_inner_texts()
    assert "兰州市" in labels and "酒泉市" in labels

    # The key figures are the server's.
    summary = page.request.get(base + "/api/v1/map/summary").json()
    assert page.locator("#figures-title").inner_text() == summary["name"] == "甘肃省"
    for key in FIGURES:
        value = page.locator(f'.figure[data-key="{key}"] dd').get_attribute("data-value")
        assert int(value) == summary[key], key
    share = page.locator('.figure[data-key="rectified_share"] dd').inner_text()
    assert share == f"{summary['rectified_share'] * 100:.1f}%"

    # Legend: choropleth classes plus the statuses, labelled from the vocabulary.
    legend = page.locator("#legend").inner_text()
    assert "隐患房屋数" in legend
    assert page.locator("#legend-choropleth .legend-row").count() >= 3
    vocabulary = page.request.get(base + "/api/v1/vocabulary").json()["enums"]
    for status in vocabulary["RectificationStatus"]:
        assert status["label"] in legend

    # Synthetic frame: the banner says so.
    assert page.locator("#synthetic-banner").is_visible()
    assert "演示数据（合成）" in page.locator("#synthetic-banner").inner_text()

    # Houses came as clustered vector tiles from the service, and nothing left it.
    tiles = [u for u in page.requests_made if "/api/v1/tiles/houses/" in u]
    assert tiles and all(int(urlparse(u).path.split("/")[-3]) < 10 for u in tiles)
    assert page.locator(".leaflet-houses-pane canvas").count() > 0
    _only_the_service(page, base)

    # Switching the indicator restyles the map and the legend.
    page.locator('input[name="indicator"][value="rectified_share"]').check()
    assert "已整治比例" in page.locator("#legend-choropleth").inner_text()

    shot = page.screenshot()
    _save(shot, "map-province.png", tmp_path)
    assert_rendered(page, shot)


def test_drill_down_city_county_and_back_by_breadcrumb(demo_page, demo_live_server, tmp_path):
    page, base = demo_page, demo_live_server
    _open(page, base)

    _click_division(page, "620100")  # 兰州市
    page.wait_for_function(f"() => document.body.dataset.code === '620100' && {LOADED}")
    counties = page.request.get(base + "/api/v1/map/divisions?level=county&parent=620100").json()["features"]
    shown = page.eval_on_selector_all(PATHS, "els => els.map(e => e.dataset.code)")
    assert sorted(shown) == sorted(f["properties"]["code"] for f in counties)
    assert page.locator("#breadcrumb").inner_text().replace("\n", "") == "甘肃省›兰州市"
    assert page.locator("#figures-title").inner_text() == "兰州市"
    city_zoom = page.evaluate("spotcheckMap.getZoom()")
    assert city_zoom > 6  # fitted to the city

    _click_division(page, "620102")  # 城关区
    page.wait_for_function(f"() => document.body.dataset.code === '620102' && {LOADED}")
    townships = page.request.get(base + "/api/v1/map/divisions?level=township&parent=620102").json()[
        "features"
    ]
    assert townships
    assert page.locator(PATHS).count() == len(townships)
    assert page.locator("#breadcrumb").inner_text().replace("\n", "") == "甘肃省›兰州市›城关区"
    summary = page.request.get(base + "/api/v1/map/summary?code=620102").json()
    assert (
        int(page.locator('.figure[data-key="hazardous"] dd').get_attribute("data-value"))
        == summary["hazardous"]
    )
    shot = page.screenshot()
    _save(shot, "map-county.png", tmp_path)

    page.locator("#breadcrumb button", has_text="甘肃省").click()
    page.wait_for_function(f"() => document.body.dataset.code === '620000' && {LOADED}")
    assert page.locator(PATHS).count() == 14
    assert page.locator("#breadcrumb").inner_text() == "甘肃省"
    _only_the_service(page, base)


def test_click_on_a_house_opens_its_record_and_history(demo_page, demo_live_server, tmp_path):
    page, base = demo_page, demo_live_server
    _open(page, base)
    house = _show_house(page, base, 16)
    assert page.evaluate("spotcheck.houseFeatureCount()") > 0
    lon, lat = house["geometry"]["coordinates"]
    point = page.evaluate(
        f"(() => {{ const p = spotcheckMap.latLngToContainerPoint([{lat}, {lon}]); return [p.x, p.y]; }})()"
    )
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + point[0], box["y"] + point[1])

    page.wait_for_selector(".house-popup .survey-code")
    popup = page.locator(".house-popup")
    assert popup.locator(".survey-code").inner_text() == house["properties"]["survey_code"]
    text = popup.inner_text()
    assert "合成数据" in text and "隐患记录" in text
    detail = page.request.get(base + f"/api/v1/houses/{house['id']}").json()["properties"]
    assert popup.locator("table.history tbody tr").count() == len(detail["hazard_history"])
    assert any(f"/api/v1/houses/{house['id']}" in u for u in page.requests_made)
    _save(page.screenshot(), "map-house-popup.png", tmp_path)
    _only_the_service(page, base)


def test_filters_re_request_tiles_and_change_the_houses_shown(demo_page, demo_live_server):
    page, base = demo_page, demo_live_server
    _open(page, base)
    _show_house(page, base, 12)
    before = page.evaluate("spotcheck.houseFeatures().map(p => p.rs)")
    assert len(before) > 0 and len(set(before)) > 1

    page.select_option("#filter-status", "done")
    page.wait_for_function(READY)
    after = page.evaluate("spotcheck.houseFeatures().map(p => p.rs)")
    assert after and set(after) == {"done"}
    assert len(after) < len(before)
    filtered = [
        u for u in page.requests_made if "/api/v1/tiles/houses/" in u and "rectification_status=done" in u
    ]
    assert filtered

    page.select_option("#filter-status", "")
    page.check("#filter-near")
    page.select_option("#filter-commercial", "true")
    page.wait_for_function(READY)
    last = [u for u in page.requests_made if "/api/v1/tiles/houses/" in u][-1]
    assert parse_qs(urlparse(last).query) == {"near": ["true"], "commercial": ["true"]}
    assert all(p["n"] and p["c"] for p in page.evaluate("spotcheck.houseFeatures()"))


def test_sites_layer_only_at_close_zoom_with_radius_circles(demo_page, demo_live_server):
    page, base = demo_page, demo_live_server
    _open(page, base)
    page.check("#layer-sites")
    page.wait_for_function("() => document.body.dataset.sites === 'zoom'")
    assert not any("/api/v1/sites?" in u for u in page.requests_made)  # not at province zoom

    _show_house(page, base, 12)
    page.wait_for_function("() => document.body.dataset.sites === 'loaded'")
    requests = [u for u in page.requests_made if "/api/v1/sites?" in u]
    assert requests and all("bbox=" in u for u in requests)
    assert page.locator(".leaflet-sites-pane path.site-marker").count() > 0
    assert "敏感场所" in page.locator("#sites-note").inner_text()


def test_print_keeps_map_legend_and_figures_and_hides_controls(demo_page, demo_live_server, tmp_path):
    page, base = demo_page, demo_live_server
    _open(page, base)
    page.evaluate("window.print = () => { document.body.dataset.printed = 'yes'; }")
    page.get_by_role("button", name="打印/导出").click()
    assert page.evaluate("document.body.dataset.printed") == "yes"

    page.emulate_media(media="print")
    assert page.locator("#map").is_visible()
    assert page.locator("#legend").is_visible()
    assert page.locator("#key-figures").is_visible()
    assert not page.locator("#print-button").is_visible()
    assert not page.locator("#filter-status").is_visible()
    assert not page.locator(".leaflet-control-zoom").is_visible()
    pdf = page.pdf(format="A4", landscape=True)
    assert pdf.startswith(b"%PDF")
    _save(pdf, "map-print.pdf", tmp_path)


def test_chinese_glyphs_render_on_the_map_page(demo_page, demo_live_server):
    """Without a CJK font every Chinese character is the same empty box: draw two and compare."""
    _open(demo_page, demo_live_server)
    same = demo_page.evaluate(
        """() => {
            const font = getComputedStyle(document.body).fontFamily;
            const draw = (ch) => {
                const c = document.createElement("canvas");
                c.width = c.height = 40;
                const g = c.getContext("2d");
                g.font = "32px " + font;
                g.fillText(ch, 2, 34);
                return Array.from(g.getImageData(0, 0, 40, 40).data).join(",");
            };
            return [draw("隐") === draw("患"), draw("隐").split(",").some((v) => v !== "0")];
        }"""
    )
    assert same == [False, True]


def test_the_dashboard_link_shows_only_to_those_who_may_read_it(browser, demo_page, demo_live_server, demo_engine,
                                                                demo_accounts):  # fmt: skip
    """The provincial office gets the 评估看板 link; an inspector (no evaluation.read) gets no link to a 403."""
    from sqlalchemy.orm import Session

    from service.draws.plans import create_plan, preset
    from tests.web.checks import logged_in_page

    demo_page.goto(demo_live_server + "/map")
    demo_page.wait_for_function(READY)
    assert demo_page.get_by_role("link", name="评估看板").is_visible()
    with Session(demo_engine) as session:
        plan = create_plan(session, preset("gansu-2024"), source="test").id
        session.commit()
    who = demo_accounts("insp-map-link", "inspector", plan_id=plan, group="第一组")
    with logged_in_page(browser, demo_live_server, {"username": who.username, "password": who.password}) as page:
        page.goto(demo_live_server + "/map")
        page.wait_for_function("() => document.body.dataset.state === 'ready'")
        assert page.locator("#evaluation-link").is_hidden()
