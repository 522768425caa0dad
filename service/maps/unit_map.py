"""A standalone HTML map of one sampling unit (folium), with every asset inlined: it opens from a USB stick
on a computer with no server and no internet.

folium loads Leaflet, jQuery, Bootstrap and Font Awesome from CDNs by default. The map here uses Leaflet
alone (polygons, circle markers, popups, a layer control), so the Map's asset lists are narrowed to
Leaflet, pointed at the copy vendored from npm in web/vendor/leaflet, and the rendered page's <script
src> and <link href> are replaced by the files' contents (the CSS's images become data URIs).
"""

from __future__ import annotations

import base64
import functools
import html
import json
import re
from pathlib import Path

import folium
from branca.element import Element
from sqlalchemy.orm import Session

from geo.enums import DivisionLevel, HazardGrade, RectificationStatus, SiteKind
from service.accounts.scope import EVERYTHING, Scope
from service.core.errors import NotFound
from service.core.queries import SqlFiles
from service.divisions.queries import require_division
from service.frame.proximity import radii
from service.maps.tiles import STATUS_COLORS

SQL = SqlFiles("service.maps")
LEAFLET = Path(__file__).resolve().parents[2] / "web" / "vendor" / "leaflet"
SITE_COLORS = {"college": "#6a3d9a", "school": "#1f78b4", "kindergarten": "#33a02c", "hospital": "#e31a1c"}


def _text(value: object) -> str:
    """Text from the database (much of it from imported files) for a place that takes HTML: Leaflet inserts
    tooltips, popups and layer names as HTML, and folium writes tooltips into a JavaScript template literal
    (`...${}...`), so its backquote, dollar and backslash become entities too. Shown as the text it is."""
    escaped = html.escape(str(value), quote=True)
    return escaped.replace("`", "&#96;").replace("$", "&#36;").replace("\\", "&#92;")


class OfflineMap(folium.Map):
    """A folium Map that needs Leaflet only, from the vendored copy (inlined when rendered)."""

    default_js = [("leaflet", "vendor/leaflet/leaflet.js")]
    default_css = [("leaflet_css", "vendor/leaflet/leaflet.css")]


@functools.cache
def _leaflet_assets() -> tuple[str, str]:
    """The vendored Leaflet script and its stylesheet with the images inlined (read once per process)."""
    js = (LEAFLET / "leaflet.js").read_text(encoding="utf-8")
    css = (LEAFLET / "leaflet.css").read_text(encoding="utf-8")

    def image(match: re.Match) -> str:
        path = LEAFLET / match.group(1)
        data = base64.b64encode(path.read_bytes()).decode("ascii") if path.exists() else ""
        return f"url(data:image/{path.suffix.lstrip('.')};base64,{data})"

    return js, re.sub(r"url\((images/[^)]+)\)", image, css)


def _inline(page: str) -> str:
    """Replace the vendored <script src> and <link href> by the files' contents."""
    js, css = _leaflet_assets()
    page = re.sub(
        r'<script src="vendor/leaflet/leaflet.js"></script>', lambda _: f"<script>{js}</script>", page
    )
    page = re.sub(
        r'<link rel="stylesheet" href="vendor/leaflet/leaflet.css"/>', lambda _: f"<style>{css}</style>", page
    )
    return page


def unit_map_html(
    session: Session, unit: str, draw_id: int | None = None, *, scope: Scope = EVERYTHING,
    radii_m: dict[str, float] | None = None,
) -> str:  # fmt: skip
    """The unit's boundary, townships, hazardous houses by rectification status, sensitive sites with their
    radii (``radii_m``, metres per kind; the process settings by default), and (with ``draw_id``) the drawn
    houses and replacements; Chinese, self-contained. A unit outside ``scope`` is refused (403), and its
    queries take the scope as well."""
    require_division(session, unit, DivisionLevel.COUNTY)
    scope.require_unit(unit)
    name, city, approximate, west, south, east, north, boundary = session.execute(
        SQL.one("unit_map_unit"), {"u": unit}
    ).one()  # fmt: skip
    m = OfflineMap(location=[(south + north) / 2, (west + east) / 2], zoom_start=9, tiles=None, max_zoom=18,
                   prefer_canvas=True, control_scale=True)  # fmt: skip
    m.fit_bounds([[south, west], [north, east]])
    folium.GeoJson(json.loads(boundary), name=f"{_text(name)}边界", style_function=lambda _: {
        "color": "#333", "weight": 2, "fill": False}).add_to(m)  # fmt: skip
    towns = session.execute(SQL.one("unit_map_townships"), {"u": unit, **scope.params()}).all()  # fmt: skip
    layer = folium.FeatureGroup(name="乡镇（街道）")
    synthetic = False
    for town, is_synthetic, geom in towns:
        synthetic |= is_synthetic
        folium.GeoJson(json.loads(geom), tooltip=_text(town) + ("（合成边界）" if is_synthetic else ""), style_function=lambda _: {
            "color": "#888", "weight": 1, "fillColor": "#f2efe9", "fillOpacity": 0.4}).add_to(layer)  # fmt: skip
    layer.add_to(m)

    houses = session.execute(SQL.one("unit_map_houses"), {"u": unit, **scope.params()}).all()  # fmt: skip
    features = []
    for code, address, is_synthetic, x, y, status, grade in houses:
        synthetic |= is_synthetic
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [x, y]},
            "properties": {"编码": _text(code), "地址": _text(address or ""), "整治状态": RectificationStatus(status).label,
                           "隐患等级": HazardGrade(grade).label, "数据": "合成" if is_synthetic else "导入",
                           "color": STATUS_COLORS[status]},
        })  # fmt: skip
    # One GeoJSON layer with GeoJsonPopup (plain Leaflet): folium's per-marker Popup needs jQuery.
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=f"隐患房屋（{len(houses)} 栋）",
        marker=folium.CircleMarker(radius=3, weight=0, fill=True, fill_opacity=0.85),
        style_function=lambda f: {"fillColor": f["properties"]["color"], "color": f["properties"]["color"]},
        # folium checks the popup's fields against the data: a unit with no hazardous house has none.
        popup=folium.GeoJsonPopup(fields=["编码", "地址", "整治状态", "隐患等级", "数据"]) if features else None,
    ).add_to(m)

    sites = session.execute(
        SQL.one("unit_map_sites"),
        {"u": unit, **scope.params()}
    ).all()  # fmt: skip
    radius = radii_m if radii_m is not None else radii()
    layer = folium.FeatureGroup(name=f"学校、幼儿园等（{len(sites)} 处）", show=False)
    for kind, site, x, y in sites:
        folium.Circle([y, x], radius=radius[kind], color=SITE_COLORS[kind], weight=1, fill=True, fill_opacity=0.08,
                      tooltip=f"{_text(site)}（{SiteKind(kind).label}，半径 {radius[kind]:.0f} 米）").add_to(layer)  # fmt: skip
    layer.add_to(m)

    if draw_id is not None:
        drawn = session.execute(SQL.one("unit_map_draw"), {"d": draw_id, "u": unit, **scope.params()}).all()
        if not drawn:
            raise NotFound(
                f"抽样 {draw_id} 没有单元 {unit} 的房屋。", f"Draw {draw_id} has no houses in unit {unit}."
            )
        layer = folium.FeatureGroup(name=f"抽样 {draw_id}：样本与备选")
        for role, position, code, x, y in drawn:
            sample = role == "sample"
            folium.CircleMarker([y, x], radius=7 if sample else 5, color="#000", weight=2 if sample else 1,
                                fill=sample, fill_color="#ffd700", fill_opacity=1,
                                tooltip=f"{'样本' if sample else '备选'} {position}：{_text(code)}").add_to(layer)  # fmt: skip
        layer.add_to(m)

    folium.LayerControl(collapsed=False).add_to(m)
    legend = "".join(
        f'<div><span style="background:{STATUS_COLORS[s.value]}"></span>{s.label}</div>'
        for s in RectificationStatus
    )
    banner = '<div class="sc-synthetic">演示数据（合成），非真实房屋</div>' if synthetic else ""
    note = "（兰州新区边界为近似推算）" if approximate else ""
    m.get_root().html.add_child(Element(f"""
<style>
.sc-title{{position:fixed;top:10px;left:50px;z-index:1000;background:#fff;padding:6px 12px;border-radius:4px;
  font:16px "WenQuanYi Zen Hei","Microsoft YaHei",sans-serif;box-shadow:0 1px 4px rgba(0,0,0,.3)}}
.sc-legend{{position:fixed;bottom:60px;left:10px;z-index:1000;background:#fff;padding:6px 10px;border-radius:4px;
  font:13px "WenQuanYi Zen Hei","Microsoft YaHei",sans-serif;box-shadow:0 1px 4px rgba(0,0,0,.3)}}
.sc-legend span{{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:6px}}
.sc-synthetic{{position:fixed;top:52px;left:50px;z-index:1000;background:#fff3cd;color:#8a6d3b;padding:6px 10px;
  border-radius:4px;font:14px "WenQuanYi Zen Hei",sans-serif}}
</style>
<div class="sc-title">{_text(city)} {_text(name)} 自建房隐患分布图{note}</div>
<div class="sc-legend"><b>整治状态</b>{legend}<div style="margin-top:4px;color:#666">坐标系 CGCS2000</div></div>
{banner}"""))  # fmt: skip
    return _inline(m.get_root().render())
