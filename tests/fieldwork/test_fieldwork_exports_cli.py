"""A day's route leaves the service as GPX, KML, an offline map and a printed sheet, by API and CLI; the
``spotcheck field`` commands act as the account named by ``--by``."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET

import gpxpy
import pytest

from service.cli import main
from tests.fieldwork.conftest import today

API = "/api/v1/field"
KML = {"k": "http://www.opengis.net/kml/2.2"}


def _day(field, team: str = "甲组") -> tuple[int, dict]:
    team_id = field.world["teams"][team]
    return team_id, field.get("lead", f"{API}/teams/{team_id}/days", params={"day": today().isoformat()}).json()[0]


def test_gpx_kml_and_offline_map_of_a_day(field):
    team, day = _day(field)
    codes = [s["survey_code"] for s in day["stops"]]
    params = {"day": today().isoformat(), "format": "gpx"}
    r = field.get("i1", f"{API}/teams/{team}/days/export", params=params)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/gpx+xml")
    assert r.headers["content-disposition"] == f'attachment; filename="route-{team}-{today()}.gpx"'
    gpx = gpxpy.parse(r.text)
    base, *stops = gpx.waypoints
    assert base.name == f"基地 {day['base_name']}" and len(stops) == len(codes)
    assert all(c in (w.name + (w.description or "")) for w, c in zip(stops, codes, strict=True))  # in order
    assert gpx.tracks and gpx.tracks[0].segments[0].points  # the day's line
    kml = ET.fromstring(field.get("i1", f"{API}/teams/{team}/days/export", params={**params, "format": "kml"}).content)
    names = [p.findtext("k:name", namespaces=KML) or "" for p in kml.iter(f"{{{KML['k']}}}Placemark")]
    assert sum(any(c in n for c in codes) for n in names) == len(codes)
    html = field.get("i1", f"{API}/teams/{team}/days/export", params={**params, "format": "html"})
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert all(c in html.text for c in codes) and "合成" in html.text
    assert "<script src=" not in html.text  # standalone: works with no signal
    missing = field.get("i1", f"{API}/teams/{team}/days/export",
                        params={**params, "day": (today() - dt.timedelta(days=1)).isoformat()})  # fmt: skip
    assert missing.status_code == 404 and "没有路线" in missing.json()["message"]


def test_printable_route_sheet(field):
    team, day = _day(field)
    r = field.client.get("/route/sheet", params={"team": team, "day": today().isoformat()}, headers=field.auth("lead"))
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    assert all(s["survey_code"] in r.text for s in day["stops"]) and "/web/route-sheet.css" in r.text
    assert "<script" not in r.text and "演示数据" in r.text


@pytest.fixture
def cli(field_url, monkeypatch):
    from service.core.settings import get_settings

    monkeypatch.setenv("DATABASE_URL", field_url.render_as_string(hide_password=False))
    monkeypatch.setenv("SPOTCHECK_DEMO_ENABLED", "false")
    get_settings.cache_clear()
    yield lambda *args: main(list(args))
    get_settings.cache_clear()


def test_field_commands(cli, field_template, capsys, tmp_path):
    world = field_template[1]
    firm, team = str(world["firms"]["第一组"]), str(world["teams"]["甲组"])
    assert cli("field", "firms", "--by", "lead") == 0
    assert [f["group_name"] for f in json.loads(capsys.readouterr().out)] == ["第一组"]
    assert cli("field", "assign", "--firm", firm, "--by", "lead") == 0
    assert json.loads(capsys.readouterr().out)["teams"] == {"甲组": 20, "乙组": 20}
    first, last = today() + dt.timedelta(days=1), today() + dt.timedelta(days=4)
    assert cli("field", "plan", "--team", team, "--from", str(first), "--to", str(last),
               "--rest-day", str(first + dt.timedelta(days=1)), "--by", "lead") == 0  # fmt: skip
    planned = json.loads(capsys.readouterr().out)
    assert str(first + dt.timedelta(days=1)) not in {d["day"] for d in planned["days"]}
    assert sum(d["houses"] for d in planned["days"]) + len(planned["unscheduled"]) == 20
    assert cli("field", "show", "--firm", firm, "--by", "prov") == 0
    assert json.loads(capsys.readouterr().out)["houses_assigned"] == 40
    out = tmp_path / "day.gpx"
    assert cli("field", "export", "--team", team, "--day", str(first), "--out", str(out), "--by", "i1") == 0
    assert len(gpxpy.parse(out.read_text(encoding="utf-8")).waypoints) == 1 + planned["days"][0]["houses"]
    capsys.readouterr()
    assert cli("field", "plan", "--team", team, "--from", str(first), "--to", str(last), "--by", "i1") == 2
    assert "管理" in capsys.readouterr().err  # an inspector may not plan
    assert cli("field", "show", "--team", str(world["teams"]["乙组"]), "--by", "i1") == 2
    assert "检查组" in capsys.readouterr().err
