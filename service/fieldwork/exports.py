"""A vehicle's day route as files for the field: GPX and KML for navigation and GIS apps, a standalone offline
HTML map, and a printable A4 route sheet. Pure functions of a ``DayOut`` (or a dict of its shape).

Every text from the data (names, survey codes, addresses: much of it from imported registries) is hostile
until escaped: XML text through ElementTree (characters XML 1.0 forbids dropped), KML descriptions and
ExtendedData HTML-escaped as well (Google Earth renders them as HTML), the map's tooltips and side list by
``service.maps.unit_map._text`` (HTML and folium's JavaScript template literals), the route sheet by
``html.escape``. Times: GPX in UTC (``...Z``, as GPX requires); everything shown to people in Beijing time.
Coordinates are CGCS2000 lon/lat, written with 6 decimals.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import Any

import folium
from branca.element import Element

from service.fieldwork.schemas import DayOut, StopOut
from service.maps.unit_map import OfflineMap, _inline, _text

CHINA = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")  # no daylight saving since 1991
SYNTHETIC_LABEL = "合成数据 SYNTHETIC"
CONTENT_TYPES = {
    "gpx": "application/gpx+xml",
    "kml": "application/vnd.google-earth.kml+xml",
    "html": "text/html; charset=utf-8",
}
PRIORITY_COLORS = {"collapse_risk": "#d7191c", "near_school": "#e66101", "normal": "#2c7bb6"}
BASE_COLOR = "#333333"
LINE_COLOR = "#3366cc"
GPX_NS = "http://www.topografix.com/GPX/1/1"
KML_NS = "http://www.opengis.net/kml/2.2"
WEEKDAYS = "一二三四五六日"

_XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SLUG = re.compile(r"[^A-Za-z0-9]+")
DayLike = DayOut | Mapping[str, Any]


# Shared helpers -----------------------------------------------------------------------------------------


def _day(day: DayLike) -> DayOut:
    return day if isinstance(day, DayOut) else DayOut.model_validate(day)


def _stops(day: DayOut) -> list[StopOut]:
    return sorted(day.stops, key=lambda s: s.seq)


def _local(t: dt.datetime) -> dt.datetime:
    """In Beijing time; a naive time is taken as Beijing time already."""
    return t.replace(tzinfo=CHINA) if t.tzinfo is None else t.astimezone(CHINA)


def _utc(t: dt.datetime) -> str:
    return _local(t).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _hm(t: dt.datetime | None) -> str:
    return _local(t).strftime("%H:%M") if t is not None else ""


def _num(value: float) -> str:
    return f"{value:.6f}"


def _clean(value: object) -> str:
    """Text for XML: ``None`` as empty, characters XML 1.0 cannot hold dropped."""
    return _XML_INVALID.sub("", "" if value is None else str(value))


def _place(stop: StopOut) -> str:
    return " ".join(part for part in (stop.township_name, stop.village, stop.address) if part)


def _appointment(stop: StopOut) -> str:
    if stop.appointment_start is None or stop.appointment_end is None:
        return ""
    return f"{_hm(stop.appointment_start)}–{_hm(stop.appointment_end)}"


def _stop_name(stop: StopOut) -> str:
    return f"{stop.seq:02d} {stop.survey_code}"


def _segments(line: Mapping[str, Any] | None) -> list[list[tuple[float, float]]]:
    """The (lon, lat) vertex lists of a GeoJSON LineString or MultiLineString (or a Feature of one)."""
    if not line:
        return []
    if line.get("type") == "Feature":
        return _segments(line.get("geometry"))
    coords = line.get("coordinates") or []
    parts = {"LineString": [coords], "MultiLineString": coords}.get(line.get("type"), [])
    segments = [[(float(p[0]), float(p[1])) for p in part] for part in parts]
    return [s for s in segments if len(s) >= 2]


def _synthetic(day: DayOut, synthetic: bool) -> bool:
    return synthetic or any(s.synthetic for s in day.stops)


def _stop_lines(stop: StopOut) -> list[str]:
    """The facts of a stop, one per line (plain text)."""
    lines = [
        f"预计到达 {_hm(stop.arrival)}，入户 {stop.service_minutes} 分钟，离开 {_hm(stop.departure)}",
        f"地址：{_place(stop) or '—'}",
        f"优先：{stop.priority_label}；用途：{stop.use_class_label}；层数：{stop.floors or '—'}；隐患：{stop.hazard_label or '—'}",
    ]
    if appointment := _appointment(stop):
        lines.append(f"预约：{appointment}")
    if stop.visited:
        lines.append("已核查")
    if stop.synthetic:
        lines.append(SYNTHETIC_LABEL)
    return lines


def export_filename(team: int | str, day: dt.date, ext: str, vehicle: int | None = None) -> str:
    """An ASCII file name safe in a Content-Disposition header: ``route-<team>-<YYYY-MM-DD>[-v<n>].<ext>``.

    ``team`` is the team's id (or a name: its ASCII letters and digits, ``team`` if none); pass ``vehicle``
    when the team drives more than one vehicle that day.
    """
    if ext not in CONTENT_TYPES:
        raise ValueError(f"unknown export type {ext!r}")
    label = str(team) if isinstance(team, int) else _SLUG.sub("-", team).strip("-")[:40] or "team"
    suffix = f"-v{int(vehicle)}" if vehicle is not None else ""
    return f"route-{label}-{day.isoformat()}{suffix}.{ext}"


def content_disposition(filename: str) -> str:
    """The Content-Disposition value for a download of ``filename`` (from ``export_filename``)."""
    return f'attachment; filename="{filename}"'


# GPX 1.1 ------------------------------------------------------------------------------------------------


def _sub(parent: ET.Element, tag: str, text: object = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = _clean(text)
    return element


def _gpx_point(parent: ET.Element, tag: str, lon: float, lat: float, time, name, desc, kind) -> None:
    point = _sub(parent, tag, lat=_num(lat), lon=_num(lon))
    if time is not None:
        _sub(point, "time", _utc(time))  # GPX order: ele, time, ..., name, cmt, desc, src, link, sym, type
    _sub(point, "name", name)
    _sub(point, "desc", desc)
    _sub(point, "type", kind)


def day_gpx(
    day: DayLike, *, team_name: str, firm_name: str = "", synthetic: bool = False,
    generated_at: dt.datetime | None = None,
) -> bytes:  # fmt: skip
    """GPX 1.1: a waypoint for the base and each stop (name: sequence and survey code; desc: arrival,
    address, priority; time: arrival in UTC), a route in visiting order from the base back to it, and a
    track of the day's line when there is one."""
    d = _day(day)
    stops = _stops(d)
    synthetic = _synthetic(d, synthetic)
    title = f"{team_name} {d.day.isoformat()} 第{d.vehicle + 1}车 路线"
    root = ET.Element("gpx", {
        "version": "1.1", "creator": "spotcheck", "xmlns": GPX_NS,
        "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
        "xsi:schemaLocation": f"{GPX_NS} http://www.topografix.com/GPX/1/1/gpx.xsd",
    })  # fmt: skip
    meta = _sub(root, "metadata")
    _sub(meta, "name", title)
    desc = f"{firm_name} {team_name}，{len(stops)} 栋，{d.distance_km:.1f} 公里；坐标系 CGCS2000"
    _sub(meta, "desc", f"{SYNTHETIC_LABEL}：{desc}" if synthetic else desc)
    _sub(meta, "time", _utc(generated_at or dt.datetime.now(dt.UTC)))
    if synthetic:
        _sub(meta, "keywords", "synthetic")

    base_desc = f"出发 {_hm(d.start_at)}，返回 {_hm(d.end_at)}"
    _gpx_point(root, "wpt", d.base_lon, d.base_lat, d.start_at, f"基地 {d.base_name}", base_desc, "base")
    for stop in stops:
        _gpx_point(root, "wpt", stop.lon, stop.lat, stop.arrival, _stop_name(stop), "\n".join(_stop_lines(stop)),
                   stop.priority)  # fmt: skip

    rte = _sub(root, "rte")
    _sub(rte, "name", title)
    _gpx_point(rte, "rtept", d.base_lon, d.base_lat, d.start_at, f"基地 {d.base_name}", "出发", "base")
    for stop in stops:
        _gpx_point(
            rte, "rtept", stop.lon, stop.lat, stop.arrival, _stop_name(stop), _place(stop), stop.priority
        )
    _gpx_point(rte, "rtept", d.base_lon, d.base_lat, d.end_at, f"基地 {d.base_name}", "返回", "base")

    segments = _segments(d.line)
    if segments:
        trk = _sub(root, "trk")
        _sub(trk, "name", title)
        for segment in segments:
            seg = _sub(trk, "trkseg")
            for lon, lat in segment:
                _sub(seg, "trkpt", lat=_num(lat), lon=_num(lon))
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


# KML 2.2 ------------------------------------------------------------------------------------------------


def _kml_color(rgb: str) -> str:
    """``#rrggbb`` as KML's ``aabbggrr`` (opaque)."""
    return f"ff{rgb[5:7]}{rgb[3:5]}{rgb[1:3]}"


def _kml_html(value: object) -> str:
    return html.escape(_clean(value), quote=True)


def day_kml(
    day: DayLike, *, team_name: str, firm_name: str = "", synthetic: bool = False,
) -> bytes:  # fmt: skip
    """KML 2.2: the base and the stops as Placemarks (styled by priority, with ExtendedData and the arrival
    as a TimeStamp), and the day's line as a LineString (MultiGeometry if in parts)."""
    d = _day(day)
    stops = _stops(d)
    synthetic = _synthetic(d, synthetic)
    root = ET.Element("kml", {"xmlns": KML_NS})
    doc = _sub(root, "Document")
    _sub(doc, "name", f"{team_name} {d.day.isoformat()} 第{d.vehicle + 1}车 路线")
    summary = f"{firm_name} {team_name}：{len(stops)} 栋，{d.distance_km:.1f} 公里，坐标系 CGCS2000"
    _sub(doc, "description", _kml_html(f"{SYNTHETIC_LABEL}。{summary}" if synthetic else summary))
    for key, color in [*PRIORITY_COLORS.items(), ("base", BASE_COLOR)]:
        style = _sub(doc, "Style", id=f"p-{key}")
        _sub(_sub(style, "IconStyle"), "color", _kml_color(color))
    line_style = _sub(_sub(doc, "Style", id="line"), "LineStyle")
    _sub(line_style, "color", _kml_color(LINE_COLOR))
    _sub(line_style, "width", "4")

    base = _sub(doc, "Placemark")
    _sub(base, "name", f"基地 {d.base_name}")
    _sub(base, "description", _kml_html(f"出发 {_hm(d.start_at)}，返回 {_hm(d.end_at)}"))
    _sub(base, "styleUrl", "#p-base")
    _sub(_sub(base, "Point"), "coordinates", f"{_num(d.base_lon)},{_num(d.base_lat)}")

    folder = _sub(doc, "Folder")
    _sub(folder, "name", "停靠点")
    for stop in stops:
        mark = _sub(
            folder, "Placemark"
        )  # KML order: name, description, TimeStamp, styleUrl, ExtendedData, Point
        _sub(mark, "name", _stop_name(stop))
        _sub(mark, "description", _kml_html("\n".join(_stop_lines(stop))))
        _sub(_sub(mark, "TimeStamp"), "when", _local(stop.arrival).isoformat(timespec="seconds"))
        _sub(mark, "styleUrl", f"#p-{stop.priority}")
        data = _sub(mark, "ExtendedData")
        for key, label, value in [
            ("seq", "序号", stop.seq), ("survey_code", "房屋编码", stop.survey_code),
            ("arrival", "预计到达", _hm(stop.arrival)), ("address", "地址", _place(stop)),
            ("use_class", "用途", stop.use_class_label), ("floors", "层数", stop.floors or ""),
            ("hazard", "隐患", stop.hazard_label or ""), ("priority", "优先", stop.priority_label),
            ("service_minutes", "服务时长（分钟）", stop.service_minutes), ("appointment", "预约", _appointment(stop)),
            ("synthetic", "合成数据", "是" if stop.synthetic else "否"),
        ]:  # fmt: skip
            item = _sub(data, "Data", name=key)
            _sub(item, "displayName", label)
            _sub(item, "value", _kml_html(value))
        _sub(_sub(mark, "Point"), "coordinates", f"{_num(stop.lon)},{_num(stop.lat)}")

    segments = _segments(d.line)
    if segments:
        mark = _sub(doc, "Placemark")
        _sub(mark, "name", "行驶路线")
        _sub(mark, "styleUrl", "#line")
        parent = _sub(mark, "MultiGeometry") if len(segments) > 1 else mark
        for segment in segments:
            geometry = _sub(parent, "LineString")
            _sub(geometry, "tessellate", "1")
            _sub(geometry, "coordinates", " ".join(f"{_num(lon)},{_num(lat)}" for lon, lat in segment))
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


# Offline HTML map ---------------------------------------------------------------------------------------


def _nav_anchors(stop: StopOut) -> str:
    """Links to the navigation apps; only https links of the model are written, escaped as attributes."""
    anchors = []
    for label, url in (("高德", stop.links.amap), ("百度", stop.links.baidu), ("腾讯", stop.links.tencent)):
        if url.startswith("https://"):
            anchors.append(f'<a href="{_text(url)}" target="_blank" rel="noopener noreferrer">{label}</a>')
    return " ".join(anchors)


def _pin(label: str, color: str) -> folium.DivIcon:
    return folium.DivIcon(html=f'<div class="sc-pin" style="background:{color}">{label}</div>',
                          icon_size=(24, 24), icon_anchor=(12, 12))  # fmt: skip


_MAP_STYLE = """
<style>
body{font-family:"WenQuanYi Zen Hei","Microsoft YaHei",sans-serif}
.folium-map{width:calc(100% - 340px)!important}
.sc-side{position:fixed;top:0;right:0;bottom:0;width:340px;overflow:auto;background:#fff;z-index:1000;
  box-shadow:-1px 0 4px rgba(0,0,0,.3);font-size:13px;padding:8px 12px;box-sizing:border-box}
.sc-side h1{font-size:16px;margin:4px 0}.sc-side ol{padding-left:0;list-style:none}
.sc-side li{border-top:1px solid #ddd;padding:6px 0}.sc-side .sc-seq{font-weight:bold;margin-right:4px}
.sc-side a{margin-right:8px}.sc-muted{color:#666}
.sc-pin{width:24px;height:24px;border-radius:50%;color:#fff;font:bold 12px/24px sans-serif;text-align:center;
  border:2px solid #fff;box-shadow:0 0 3px rgba(0,0,0,.6);box-sizing:border-box}
.sc-synthetic{background:#fff3cd;color:#8a6d3b;padding:6px 8px;border-radius:4px;font-weight:bold}
@media (max-width:700px){.folium-map{width:100%!important;height:55%!important}
  .sc-side{top:55%;width:100%}}
</style>"""


def day_html(
    day: DayLike, *, team_name: str, firm_name: str = "", synthetic: bool = False,
) -> str:  # fmt: skip
    """A standalone HTML map of the day (Leaflet inlined, no network needed): the line, the base and the
    numbered stops, and a Chinese side list of the stops (arrival, address, priority, navigation links)."""
    d = _day(day)
    stops = _stops(d)
    synthetic = _synthetic(d, synthetic)
    lats = [d.base_lat, *(s.lat for s in stops)]
    lons = [d.base_lon, *(s.lon for s in stops)]
    m = OfflineMap(location=[(min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2], zoom_start=12, tiles=None,
                   max_zoom=18, control_scale=True)  # fmt: skip
    if stops:
        m.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]], padding=(20, 20))
    segments = _segments(d.line)
    for segment in segments:
        folium.PolyLine([(lat, lon) for lon, lat in segment], color=LINE_COLOR, weight=4, opacity=0.8,
                        tooltip=f"行驶路线：{d.distance_km:.1f} 公里").add_to(m)  # fmt: skip
    if not segments and stops:  # no road geometry: the visiting order as straight dashes
        order = [(d.base_lat, d.base_lon), *((s.lat, s.lon) for s in stops), (d.base_lat, d.base_lon)]
        folium.PolyLine(
            order, color=LINE_COLOR, weight=2, dash_array="6 6", tooltip="访问顺序（直线示意，非道路）"
        ).add_to(m)
    folium.Marker([d.base_lat, d.base_lon], icon=_pin("基", BASE_COLOR),
                  tooltip=f"基地：{_text(d.base_name)}<br>出发 {_hm(d.start_at)}，返回 {_hm(d.end_at)}").add_to(m)  # fmt: skip
    for stop in stops:
        tip = "<br>".join([_text(_stop_name(stop)), *(_text(line) for line in _stop_lines(stop))])
        folium.Marker([stop.lat, stop.lon], icon=_pin(str(int(stop.seq)), PRIORITY_COLORS[stop.priority]),
                      tooltip=tip).add_to(m)  # fmt: skip

    items = "".join(
        f'<li><span class="sc-seq">{int(s.seq)}</span>{_hm(s.arrival)} <b>{_text(s.survey_code)}</b> '
        f'<span style="color:{PRIORITY_COLORS[s.priority]}">{_text(s.priority_label)}</span>'
        f"{'（已核查）' if s.visited else ''}<br>{_text(_place(s) or '—')}<br>"
        f'<span class="sc-muted">{_text(s.use_class_label)}，入户 {int(s.service_minutes)} 分钟'
        f"{('，预约 ' + _appointment(s)) if _appointment(s) else ''}</span><br>{_nav_anchors(s)}</li>"
        for s in stops
    )
    banner = f'<div class="sc-synthetic">{SYNTHETIC_LABEL}：演示数据，非真实房屋</div>' if synthetic else ""
    title = f"{_text(team_name)} {d.day.isoformat()} 第{int(d.vehicle) + 1}车"
    m.get_root().html.add_child(Element(f"""{_MAP_STYLE}
<div class="sc-side">{banner}
<h1>{title} 路线</h1>
<div class="sc-muted">{_text(firm_name)}</div>
<div>基地：{_text(d.base_name)}；出发 {_hm(d.start_at)}，返回 {_hm(d.end_at)}</div>
<div>{len(stops)} 栋，行驶 {d.distance_km:.1f} 公里、{int(d.travel_minutes)} 分钟</div>
<ol>{items}</ol>
<div class="sc-muted">坐标系 CGCS2000；导航链接按各应用坐标系（高德、腾讯 GCJ-02，百度 BD-09）换算。</div>
</div>"""))  # fmt: skip
    m.get_root().title = f"{title} 路线"
    page = m.get_root().render().replace("<html>", '<html lang="zh-CN">', 1)
    return _inline(page)


# Printable route sheet ----------------------------------------------------------------------------------

STYLESHEET = "/web/route-sheet.css"  # web/route-sheet.css: the A4 print rules


def route_sheet_html(
    day: DayLike, *, team_name: str, firm_name: str = "", synthetic: bool = False,
    generated_at: dt.datetime | None = None, stylesheet: str = STYLESHEET,
) -> str:  # fmt: skip
    """A printable A4 route sheet in Chinese: server-rendered HTML with no script (the site's CSP allows
    none inline), styled by ``stylesheet`` (``web/route-sheet.css``: ``@page { size: A4 landscape }``)."""
    d = _day(day)
    stops = _stops(d)
    synthetic = _synthetic(d, synthetic)
    e = html.escape
    generated = _local(generated_at or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%d %H:%M")
    rows = "".join(
        f'<tr><td class="num">{int(s.seq)}</td><td class="num">{_hm(s.arrival)}</td><td>{e(s.survey_code)}</td>'
        f'<td>{e(_place(s) or "—")}</td><td>{e(s.use_class_label)}</td><td class="num">{e(str(s.floors or "—"))}</td>'
        f'<td>{e(s.hazard_label or "—")}</td><td class="p-{e(s.priority)}">{e(s.priority_label)}</td>'
        f'<td class="num">{int(s.service_minutes)} 分钟</td><td>{e(_appointment(s) or "—")}</td>'
        f'<td class="sign">{"已核查" if s.visited else ""}{"（合成）" if s.synthetic else ""}</td></tr>'
        for s in stops
    )
    if not rows:
        rows = '<tr><td colspan="11">当日无安排</td></tr>'
    lunch = f"；午休 {_hm(d.break_start)}–{_hm(d.break_end)}" if d.break_start and d.break_end else ""
    service = sum(s.service_minutes for s in stops)
    banner = (
        f'<div class="synthetic">{SYNTHETIC_LABEL}：本路线单含演示数据，非真实房屋</div>' if synthetic else ""
    )
    title = f"{e(team_name)} {d.day.isoformat()} 入户核查路线单"
    return f"""<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{title}</title>
<link rel="stylesheet" href="{e(stylesheet)}">
</head>
<body>
{banner}
<h1>{title}</h1>
<div class="meta">
<span>企业：{e(firm_name) or "—"}</span><span>小组：{e(team_name)}</span>
<span>日期：{d.day.isoformat()}（星期{WEEKDAYS[d.day.weekday()]}）</span><span>车辆：第 {int(d.vehicle) + 1} 车</span>
<span>基地：{e(d.base_name)}</span><span>出发 {_hm(d.start_at)}，返回 {_hm(d.end_at)}{lunch}</span>
</div>
<p class="screen-only">打印：使用浏览器的“打印”（Ctrl+P），纸张 A4 横向。</p>
<table>
<thead><tr><th>序号</th><th>预计到达</th><th>房屋编码</th><th>地址</th><th>用途</th><th>层数</th><th>隐患</th>
<th>优先</th><th>服务时长</th><th>预约</th><th>备注/签字</th></tr></thead>
<tbody>{rows}</tbody>
</table>
<div class="totals">合计：{len(stops)} 栋；行驶 {d.distance_km:.1f} 公里、{int(d.travel_minutes)} 分钟；入户 {service} 分钟；全天 {int(d.duration_minutes)} 分钟。</div>
<div class="signatures"><span>组长签字：__________</span><span>核查人员签字：__________</span><span>日期：__________</span></div>
<footer>生成时间：{generated}（北京时间）；坐标系 CGCS2000；预计到达时间按规划估算，以现场为准。</footer>
</body>
</html>
"""


def render_day(
    fmt: str, day: DayLike, team_name: str, firm_name: str = "", synthetic: bool = False
) -> bytes | str:
    """The export ``fmt`` (a key of ``CONTENT_TYPES``) of a day: GPX and KML as bytes, the HTML map as text."""
    render = {"gpx": day_gpx, "kml": day_kml, "html": day_html}.get(fmt)
    if render is None:
        raise ValueError(f"unknown export type {fmt!r}")
    return render(day, team_name=team_name, firm_name=firm_name, synthetic=synthetic)
