"""The day-route exports (GPX, KML, offline HTML map, A4 route sheet), built from the API's own models."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import gpxpy
import pytest

from geo.navlinks import nav_links
from service.fieldwork.exports import (
    CONTENT_TYPES,
    content_disposition,
    day_gpx,
    day_html,
    day_kml,
    export_filename,
    render_day,
    route_sheet_html,
)
from service.fieldwork.schemas import DayOut, NavLinks, StopOut

CST = dt.timezone(dt.timedelta(hours=8))
DAY = dt.date(2024, 5, 8)
HOSTILE = "<script>alert(1)</script>"
KML = {"k": "http://www.opengis.net/kml/2.2"}
ROOT = Path(__file__).resolve().parents[2]


def at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2024, 5, 8, hour, minute, tzinfo=CST)


def stop(seq, code, lon, lat, arrival, priority="normal", **kw) -> StopOut:
    label = {"collapse_risk": "存在倒塌风险", "near_school": "邻近学校", "normal": "一般"}[priority]
    fields = dict(
        seq=seq, house_id=100 + seq, survey_code=code, township_name="城关镇", village="东村", address=f"{seq}号",
        use_class="residential", use_class_label="居住", floors=3, hazard_grade="c", hazard_label="C级",
        rectification_status=None, priority=priority, priority_label=label, arrival=arrival,
        service_start=arrival, departure=arrival + dt.timedelta(minutes=30), service_minutes=30,
        travel_minutes=15, distance_m=5000, appointment_start=None, appointment_end=None, visited=False,
        lon=lon, lat=lat, links=NavLinks(**nav_links(lon, lat, code)), synthetic=True,
    )  # fmt: skip
    fields.update(kw)
    return StopOut(**fields)


@pytest.fixture
def day() -> DayOut:
    stops = [
        # given out of order: the exports sort by seq
        stop(
            2,
            "620102-0002",
            103.86,
            36.07,
            at(10, 15),
            "near_school",
            appointment_start=at(10),
            appointment_end=at(11),
        ),  # fmt: skip
        stop(1, "620102-0001", 103.85, 36.05, at(9, 5), "collapse_risk", address=f"北路{HOSTILE}&\"'"),
        stop(3, f"620102-0003{HOSTILE}", 103.88, 36.06, at(14, 20), visited=True),
    ]
    line = {"type": "LineString", "coordinates": [[103.83, 36.06], [103.85, 36.05], [103.86, 36.07],
                                                  [103.88, 36.06], [103.83, 36.06]]}  # fmt: skip
    return DayOut(
        day=DAY, vehicle=1, base_name="县城宾馆", base_lon=103.83, base_lat=36.06, start_at=at(8, 30),
        end_at=at(17, 30), break_start=at(12), break_end=at(13), houses=3, duration_minutes=540,
        travel_minutes=120, distance_km=42.5, line=line, stops=stops,
    )  # fmt: skip


ARGS = {"team_name": "甲组", "firm_name": "兰州检测公司", "synthetic": True}


# GPX ----------------------------------------------------------------------------------------------------


def test_gpx_parses_back_with_waypoints_route_and_track(day):
    gpx = gpxpy.parse(day_gpx(day, **ARGS).decode("utf-8"))
    assert gpx.version == "1.1"
    names = [w.name for w in gpx.waypoints]
    assert names == ["基地 县城宾馆", "01 620102-0001", "02 620102-0002", f"03 620102-0003{HOSTILE}"]
    times = [w.time for w in gpx.waypoints]
    assert times[0] == at(8, 30) and times[1:] == [at(9, 5), at(10, 15), at(14, 20)]
    assert all(t.utcoffset() == dt.timedelta(0) for t in times)  # written in UTC
    assert (gpx.waypoints[1].longitude, gpx.waypoints[1].latitude) == (103.85, 36.05)
    assert "预计到达 09:05" in gpx.waypoints[1].description and "存在倒塌风险" in gpx.waypoints[1].description
    assert HOSTILE in gpx.waypoints[1].description  # plain text, kept as written (XML-escaped in the file)
    assert "预约：10:00–11:00" in gpx.waypoints[2].description

    (route,) = gpx.routes
    assert [p.name for p in route.points] == [names[0], *names[1:], names[0]]  # from the base, back to it
    assert route.points[-1].time == at(17, 30)
    (track,) = gpx.tracks
    points = [(p.longitude, p.latitude) for p in track.segments[0].points]
    assert points == [tuple(c) for c in day.line["coordinates"]]
    assert "SYNTHETIC" in gpx.description and gpx.keywords == "synthetic"


def test_gpx_times_are_utc_text(day):
    text = day_gpx(day, **ARGS).decode("utf-8")
    assert "<time>2024-05-08T01:05:00Z</time>" in text  # 09:05 Beijing time
    assert "<script>" not in text


def test_gpx_without_line_and_with_control_characters(day):
    data = day.model_dump()
    data["line"] = None
    data["stops"][0]["address"] = "坏\x00字\x1b符"
    gpx = gpxpy.parse(day_gpx(data, team_name="甲组").decode("utf-8"))  # a dict of the model's shape works
    assert gpx.tracks == [] and len(gpx.waypoints) == 4
    assert "坏字符" in "".join(w.description or "" for w in gpx.waypoints)


# KML ----------------------------------------------------------------------------------------------------


def test_kml_parses_back_with_placemarks_in_lon_lat_order(day):
    root = ET.fromstring(day_kml(day, **ARGS))
    doc = root.find("k:Document", KML)
    stops = doc.findall("k:Folder/k:Placemark", KML)
    assert [p.findtext("k:name", namespaces=KML) for p in stops] == [
        "01 620102-0001", "02 620102-0002", f"03 620102-0003{HOSTILE}"
    ]  # fmt: skip
    coords = [p.findtext("k:Point/k:coordinates", namespaces=KML) for p in stops]
    assert coords == ["103.850000,36.050000", "103.860000,36.070000", "103.880000,36.060000"]
    assert [p.findtext("k:styleUrl", namespaces=KML) for p in stops] == [
        "#p-collapse_risk", "#p-near_school", "#p-normal"
    ]  # fmt: skip
    styles = {s.get("id") for s in doc.findall("k:Style", KML)}
    assert {"p-collapse_risk", "p-near_school", "p-normal", "p-base", "line"} <= styles
    assert stops[0].findtext("k:TimeStamp/k:when", namespaces=KML) == "2024-05-08T09:05:00+08:00"
    data = {
        d.get("name"): d.findtext("k:value", namespaces=KML)
        for d in stops[0].findall("k:ExtendedData/k:Data", KML)
    }
    assert data["seq"] == "1" and data["survey_code"] == "620102-0001" and data["priority"] == "存在倒塌风险"
    # descriptions and values are HTML in Google Earth: a hostile address arrives as text, not markup
    assert "<script>" not in data["address"] and "&lt;script&gt;" in data["address"]
    assert "<script>" not in stops[0].findtext("k:description", namespaces=KML)

    placemarks = doc.findall("k:Placemark", KML)
    base = placemarks[0]
    assert base.findtext("k:Point/k:coordinates", namespaces=KML) == "103.830000,36.060000"
    line = placemarks[-1].findtext("k:LineString/k:coordinates", namespaces=KML).split()
    assert line[0] == "103.830000,36.060000" and len(line) == 5
    assert "SYNTHETIC" in doc.findtext("k:description", namespaces=KML)


def test_kml_multilinestring(day):
    data = day.model_dump()
    data["line"] = {"type": "MultiLineString", "coordinates": [[[103.83, 36.06], [103.85, 36.05]],
                                                               [[103.85, 36.05], [103.86, 36.07]]]}  # fmt: skip
    root = ET.fromstring(day_kml(data, team_name="甲组"))
    assert len(root.findall(".//k:MultiGeometry/k:LineString", KML)) == 2


# Offline HTML map ---------------------------------------------------------------------------------------


def test_offline_map_is_self_contained_escaped_and_labelled(day):
    page = day_html(day, **ARGS)
    assert not re.search(r"<script[^>]*\bsrc=", page)  # every script inlined
    assert not re.search(r"<link[^>]*\bhref=", page)  # every style sheet inlined
    # nor images, frames or CSS urls from the network (links to follow, like the navigation apps', are fine)
    assert not re.search(r"""<(?:img|iframe|source)[^>]*\bsrc=["']?(?:https?:)?//""", page)
    assert not re.search(r"""url\(\s*["']?(?:https?:)?//""", page)
    assert "L.map(" in page or "L.map (" in page
    assert HOSTILE not in page and "alert(1)" in page  # shown as text, never as markup
    assert "合成数据 SYNTHETIC" in page
    side = page[page.index('<div class="sc-side">') :]
    assert side.index("620102-0001") < side.index("620102-0002") < side.index("620102-0003")
    for url in day.stops[0].links.model_dump().values():  # navigation links written as escaped attributes
        assert f'href="{url.replace("&", "&amp;")}"' in side
    assert '<html lang="zh-CN">' in page


def test_offline_map_without_synthetic_has_no_banner(day):
    data = day.model_dump()
    for s in data["stops"]:
        s["synthetic"] = False
    assert "SYNTHETIC" not in day_html(data, team_name="甲组")


def test_offline_map_refuses_links_that_are_not_https(day):
    data = day.model_dump()
    data["stops"][0]["links"]["amap"] = "javascript:alert(2)"
    page = day_html(data, team_name="甲组")
    assert "javascript:alert(2)" not in page


def test_offline_map_in_a_browser_runs_nothing_hostile(day, browser, tmp_path):
    path = tmp_path / "day.html"
    path.write_text(day_html(day, **ARGS), encoding="utf-8")
    context = browser.new_context(locale="zh-CN", viewport={"width": 1200, "height": 800})
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    page = context.new_page()
    dialogs: list[str] = []
    errors: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_function("typeof L !== 'undefined' && document.querySelectorAll('.sc-pin').length === 4")
    for pin in page.query_selector_all(".sc-pin"):  # open every tooltip
        pin.hover(force=True)
    assert page.locator(".sc-side li").count() == 3
    assert HOSTILE in page.locator(".sc-side").inner_text()
    context.close()
    assert dialogs == [] and errors == []


# Route sheet --------------------------------------------------------------------------------------------


def test_route_sheet(day):
    sheet = route_sheet_html(day, **ARGS, generated_at=dt.datetime(2024, 5, 7, 12, 0, tzinfo=dt.UTC))
    assert "<script" not in sheet.replace(HOSTILE.replace("<", "&lt;").replace(">", "&gt;"), "")
    assert HOSTILE not in sheet and "&lt;script&gt;alert(1)&lt;/script&gt;" in sheet
    rows = re.findall(
        r"<tr><td class=\"num\">(\d+)</td><td class=\"num\">([\d:]+)</td><td>([^<]*)</td>", sheet
    )
    assert [(r[0], r[1]) for r in rows] == [("1", "09:05"), ("2", "10:15"), ("3", "14:20")]
    assert rows[2][2] == "620102-0003&lt;script&gt;alert(1)&lt;/script&gt;"
    for header in [
        "序号",
        "预计到达",
        "房屋编码",
        "地址",
        "用途",
        "层数",
        "隐患",
        "优先",
        "服务时长",
        "预约",
        "备注/签字",
    ]:
        assert f"<th>{header}</th>" in sheet
    assert "10:00–11:00" in sheet and "已核查" in sheet
    assert "合计：3 栋" in sheet and "42.5 公里" in sheet and "入户 90 分钟" in sheet
    assert "合成数据 SYNTHETIC" in sheet and "甲组" in sheet and "县城宾馆" in sheet
    assert "2024-05-08（星期三）" in sheet and "生成时间：2024-05-07 20:00（北京时间）" in sheet
    assert '<link rel="stylesheet" href="/web/route-sheet.css">' in sheet
    css = (ROOT / "web" / "route-sheet.css").read_text(encoding="utf-8")
    assert re.search(r"@page\s*\{\s*size:\s*A4", css)


def test_route_sheet_of_an_empty_day(day):
    data = day.model_dump()
    data["stops"] = []
    sheet = route_sheet_html(data, team_name="甲组")
    assert "当日无安排" in sheet and "SYNTHETIC" not in sheet


# File names ---------------------------------------------------------------------------------------------


def test_export_filename():
    assert export_filename(12, DAY, "gpx") == "route-12-2024-05-08.gpx"
    assert export_filename(12, DAY, "kml", vehicle=2) == "route-12-2024-05-08-v2.kml"
    assert export_filename('甲组 Team-A"/..', DAY, "html") == "route-Team-A-2024-05-08.html"
    assert export_filename("甲组", DAY, "html") == "route-team-2024-05-08.html"
    assert content_disposition("route-12-2024-05-08.gpx") == 'attachment; filename="route-12-2024-05-08.gpx"'
    assert set(CONTENT_TYPES) == {"gpx", "kml", "html"}
    with pytest.raises(ValueError):
        export_filename(12, DAY, "exe")


def test_render_day_dispatches(day):
    gpx = gpxpy.parse(render_day("gpx", day, "甲组", "公司", True).decode("utf-8"))
    assert len(gpx.waypoints) == 4 and "SYNTHETIC" in gpx.description
    assert ET.fromstring(render_day("kml", day, "甲组")).tag == f"{{{KML['k']}}}kml"
    assert isinstance(render_day("html", day, "甲组"), str)
    with pytest.raises(ValueError):
        render_day("pdf", day, "甲组")
