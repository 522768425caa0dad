"""The standalone folium map of a unit: every asset inlined, it renders from a file with no server and no
network (a real headless Chromium that refuses every request but the file itself)."""

from __future__ import annotations

import json
import re

from sqlalchemy.orm import Session

from service.maps.unit_map import unit_map_html
from tests.conftest import assert_rendered


def test_unit_map_opens_offline(demo_engine, browser, tmp_path):
    with Session(demo_engine) as session:
        page_html = unit_map_html(session, "620102")
    # Nothing is loaded from anywhere: no script or stylesheet refers to a URL.
    assert not re.search(r"<script[^>]+src=|<link[^>]+href=", page_html)
    assert "城关区 自建房隐患分布图" in page_html and "演示数据（合成）" in page_html
    path = tmp_path / "unit.html"
    path.write_text(page_html, encoding="utf-8")

    context = browser.new_context(locale="zh-CN", viewport={"width": 1200, "height": 800})
    requests: list[str] = []
    context.route(
        "**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort()
    )
    page = context.new_page()
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri())
    page.wait_for_function("typeof L !== 'undefined' && document.querySelectorAll('canvas, path').length > 0")
    assert all(u.startswith("file:") or u.startswith("data:") for u in requests), requests
    assert page.locator(".sc-title").inner_text().startswith("兰州市 城关区")
    assert page.locator(".leaflet-control-layers-overlays label").count() >= 3
    shot = page.screenshot()
    assert_rendered(page, shot)
    context.close()


def test_unit_map_endpoint_with_a_draw(demo_api):
    plan = demo_api.post("/api/v1/plans/presets/gansu-2024").json()
    draw = demo_api.post("/api/v1/draws", json={"plan_id": plan["id"], "seed": "folium"}).json()
    demo_api.post(f"/api/v1/draws/{draw['id']}/houses", json={})
    r = demo_api.get("/api/v1/units/620102/map.html", params={"draw": draw["id"]})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    layer = f"抽样 {draw['id']}：样本与备选"
    assert layer in r.text or json.dumps(layer)[1:-1] in r.text  # the layer control names it (JSON-escaped)
    assert demo_api.get("/api/v1/units/629999/map.html").status_code == 404
