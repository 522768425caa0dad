"""Hostile bodies to every field-work write: a 4xx with a Chinese message, never a 500, and nothing
changed; text from a request is stored as text and comes back as it was (the pages escape it)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.fieldwork.conftest import plan_body, today

API = "/api/v1/field"
BAD_TEXT = ["", "x" * 101, "a\x00b"]
BAD_NUMBERS = [2**70, -1, 0, "nan", None, [], {}]


def _state(field) -> tuple:
    with field.engine.connect() as conn:
        return tuple(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in (
            "field_team", "field_team_member", "field_base", "field_route_plan", "field_travel_matrix",
            "audit_event")) + (conn.execute(text("SELECT sum(version) FROM field_assignment")).scalar(),)  # fmt: skip


def _refused(r) -> None:
    assert 400 <= r.status_code < 500, r.text[:300]
    body = r.json()
    assert body["message"] and body["message_en"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"]), body["message"]
    for leak in ("Traceback", "/work/", "site-packages", "psycopg", "sqlalchemy"):
        assert leak not in r.text


def _cases(field) -> list[tuple[str, str, object]]:
    firm, team = field.world["firms"]["第一组"], field.world["teams"]["甲组"]
    house = field.world["houses"]["甲组"][0]
    draw = field.world["draw"]
    base = {"name": "宾馆", "lon": 103.8, "lat": 36.0, "valid_from": str(today()), "valid_to": str(today())}
    cases = [("POST", f"{API}/firms/{firm}/teams", {"name": v}) for v in BAD_TEXT]
    cases += [("POST", f"{API}/firms/{firm}/teams", {"name": "新组", "vehicles": v}) for v in BAD_NUMBERS]
    cases += [("POST", f"{API}/firms/{firm}/teams", {"name": "新组", "members": ["i3"] * 21}),
              ("POST", f"{API}/firms/{firm}/teams", {"name": "新组", "members": ["nobody"]}),
              ("POST", f"{API}/firms/{firm}/teams", "not an object"),
              ("PATCH", f"{API}/teams/{team}", {"version": 2**70, "name": "乙"}),
              ("PATCH", f"{API}/teams/{team}", {"name": "无版本"})]  # fmt: skip
    cases += [("POST", f"{API}/teams/{team}/bases", {**base, **change}) for change in (
        {"lon": 200}, {"lat": "nan"}, {"crs": "EPSG:3857"}, {"valid_to": "2020-01-01"}, {"valid_from": "31/12/2026"},
        {"name": "a\x00b"})]  # fmt: skip
    cases += [("PATCH", f"{API}/assignments/{draw}/{house}", change) for change in (
        {"version": 1, "team_id": 2**70}, {"version": 1, "service_minutes": 100000},
        {"version": 1, "appointment_start": "2026-12-05T10:00:00"},
        {"version": 1, "appointment_start": f"{today()}T10:00:00+08:00"},
        {"version": 1, "team_id": field.world["teams"]["乙组"] + 1000})]  # fmt: skip
    cases += [("POST", f"{API}/teams/{team}/plan", plan_body(**change)) for change in (
        {"last_day": "2020-01-01"}, {"last_day": "2099-12-31"}, {"day_start": "25:00"}, {"lunch_minutes": 10**6},
        {"rest_days": ["x"]}, {"provider": "osrm"}, {"provider": "file"}, {"provider": "file", "matrix_id": 2**62},
        {"lunch_start": None})]  # fmt: skip
    cases += [("POST", f"{API}/firms/{firm}/assign", body) for body in (
        {}, {"draw_id": 2**70}, {"draw_id": 999999}, {"draw_id": "一"})]  # fmt: skip
    return cases


def test_hostile_bodies_change_nothing(field):
    before = _state(field)
    for method, path, body in _cases(field):
        r = field.client.request(method, path, json=body, headers=field.auth("lead"))
        _refused(r)
    assert _state(field) == before


@pytest.mark.parametrize("content", [b"\xff\xfe\x00\x00binary", "from,to,duration_s\n甲,乙,1e9\n".encode(),
                                     b"from,to\nA,B\n", b"", "from,to,duration_s\n".encode("utf-16")])  # fmt: skip
def test_hostile_matrix_files_change_nothing(field, content):
    before = _state(field)
    r = field.post("lead", f"{API}/firms/{field.world['firms']['第一组']}/matrices", data={"name": "坏"},
                   files={"file": ("m.csv", content, "text/csv")})  # fmt: skip
    _refused(r)
    assert _state(field) == before


def test_a_whole_body_rule_is_said_once(field):
    r = field.post("lead", f"{API}/teams/{field.world['teams']['甲组']}/plan", json=plan_body(last_day="2020-01-01"))
    assert r.json()["message"] == "请求有误：请求体：结束日期不能早于开始日期。"


def test_markup_in_names_is_kept_as_text(field):
    name = "<img src=x onerror=alert(1)>&amp;"
    r = field.post("lead", f"{API}/firms/{field.world['firms']['第一组']}/teams", json={"name": name})
    assert r.status_code == 201 and r.json()["name"] == name
