"""Text from imported files is text in the standalone unit map: addresses, villages, survey codes and site
names that look like HTML or JavaScript show as written and never run (a real headless Chromium opens every
popup and tooltip of the exported page and no dialog fires)."""

from __future__ import annotations

from sqlalchemy import text

from tests import filemakers as fm

PAYLOADS = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(2)</script>",
    "`${alert(3)}`",
    "</script><script>alert(4)</script>",
    "\\u003cimg src=x onerror=alert(5)>",
]


def test_imported_text_is_escaped_in_the_unit_map(client, engine, browser, tmp_path):
    with engine.connect() as conn:
        x, y = conn.execute(
            text("SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) AS p FROM division "
                 "WHERE code = '620102') AS q")
        ).one()  # fmt: skip
    houses = [
        ["自建房排查编码", "经度", "纬度", "房屋用途", "隐患初判", "隐患等级", "详细地址", "村（社区）"]
    ]
    for i, payload in enumerate(PAYLOADS):
        houses.append(
            [
                f"X-{i}{payload}",
                x + i * 1e-4,
                y,
                "经营性",
                "存在严重安全隐患",
                "存在倒塌风险",
                payload,
                payload,
            ]
        )
    sites = [["名称", "类型", "经度", "纬度"]] + [
        [f"学校{i}{p}", "中小学", x + i * 1e-4, y + 1e-3] for i, p in enumerate(PAYLOADS)
    ]
    for kind, table in (("houses", houses), ("sites", sites)):
        path = fm.write_raw_csv(tmp_path / f"{kind}.csv", table[0], table[1:])
        r = client.post(
            f"/api/v1/imports/{kind}",
            files={"file": (path.name, path.read_bytes())},
            data={"crs": "EPSG:4490"},
        )
        assert r.status_code == 200, r.text

    r = client.get("/api/v1/units/620102/map.html")
    assert r.status_code == 200
    page_html = r.text
    for payload in PAYLOADS:  # nothing of them is left as markup or as live template-literal code
        assert payload not in page_html, payload
    path = tmp_path / "unit.html"
    path.write_text(page_html, encoding="utf-8")

    context = browser.new_context(locale="zh-CN", viewport={"width": 1200, "height": 800})
    context.route(
        "**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort()
    )
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(path.as_uri())
    page.wait_for_function("typeof L !== 'undefined' && document.querySelectorAll('canvas, path').length > 0")
    # Every layer on the map (the hidden sites too), every popup and tooltip opened, one after the other.
    shown = page.evaluate(
        """() => {
        const map = Object.keys(window).filter(k => k.startsWith('map_')).map(k => window[k])[0];
        for (const key of Object.keys(window)) {
            const layer = window[key];
            if (layer instanceof L.Layer && layer !== map && !map.hasLayer(layer)) layer.addTo(map);
        }
        const texts = [];
        map.eachLayer(layer => {
            // Markers and shapes only: groups' members are visited themselves; tile layers, controls skipped.
            if (layer instanceof L.LayerGroup || !(layer.getLatLng || layer.getBounds)) return;
            const at = layer.getLatLng ? layer.getLatLng() : layer.getBounds().getCenter();
            for (const type of ['click', 'mouseover']) {
                layer.fire(type, {latlng: at}, true);
                document.querySelectorAll('.leaflet-popup-content, .leaflet-tooltip').forEach(e => texts.push(e.innerText));
            }
        });
        return texts;
    }"""
    )
    page.wait_for_timeout(500)  # an <img src=x> would fail to load and fire its onerror by now
    assert dialogs == [] and not errors, (dialogs, errors)
    assert page.locator("img[onerror], .leaflet-pane script").count() == 0
    joined = "\n".join(shown)
    for payload in PAYLOADS:  # shown as the text it is: in the popups (address) and tooltips (site names)
        assert payload in joined and f"学校{PAYLOADS.index(payload)}{payload}" in joined, payload
    context.close()
