"""The field-work API on the field world (tests/fieldwork/conftest.py): plans checked by recomputing their
timelines from the answer, appointments, visits, replacements, infeasible plans, supplied matrices."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from geo.gcj02 import gcj02_to_wgs84
from tests.fieldwork.conftest import PLAN_DAYS, plan_body, today

API = "/api/v1/field"
MINUTE = dt.timedelta(minutes=1)


def _t(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def check_day(day: dict, options: dict) -> None:
    """Recompute a day's timeline from its stops: hours, lunch, service times, travel, appointments."""
    d = dt.date.fromisoformat(day["day"])
    tz = _t(day["start_at"]).tzinfo
    at = lambda hhmm: dt.datetime.combine(d, dt.time.fromisoformat(hhmm), tzinfo=tz)  # noqa: E731
    start, end = _t(day["start_at"]), _t(day["end_at"])
    assert at(options.get("day_start", "08:30")) <= start < end <= at(options.get("day_end", "17:30")), day["day"]
    brk = (_t(day["break_start"]), _t(day["break_end"]))
    assert brk[0] and brk[1], "a full day has its lunch break"
    assert at("12:00") <= brk[0] and brk[1] <= at("14:00") and brk[1] - brk[0] >= dt.timedelta(minutes=60)
    stops = sorted(day["stops"], key=lambda s: s["seq"])
    assert [s["seq"] for s in stops] == list(range(1, len(stops) + 1)) and len(stops) == day["houses"]
    previous = start
    for s in stops:
        arrival, begin, leave = _t(s["arrival"]), _t(s["service_start"]), _t(s["departure"])
        gap = dt.timedelta(minutes=s["travel_minutes"])
        if previous <= brk[0] and brk[1] <= arrival:  # lunch taken on the way
            gap += brk[1] - brk[0]
        assert arrival >= previous + gap - MINUTE, (s["survey_code"], previous, arrival)
        assert begin >= arrival and leave - begin == dt.timedelta(minutes=s["service_minutes"])
        assert leave <= brk[0] or begin >= brk[1], f"{s['survey_code']} served during lunch"
        if s["appointment_start"]:
            assert _t(s["appointment_start"]) <= begin <= _t(s["appointment_end"]), s["survey_code"]
        previous = leave
    assert previous <= end


def check_plan(plan: dict, options: dict | None = None) -> None:
    """Every day's timeline, every house at most once, higher tiers within their deadline dates."""
    options = options or {}
    seen = [s["house_id"] for d in plan["days"] for s in d["stops"]]
    assert len(seen) == len(set(seen))
    for day in plan["days"]:
        check_day(day, options)
    deadlines = plan["summary"]["tier_deadline_dates"]
    for day in plan["days"]:
        for s in day["stops"]:
            if s["priority"] in deadlines and not s["appointment_start"]:
                assert day["day"] <= deadlines[s["priority"]], (s["survey_code"], s["priority"], day["day"])


def _assignments(field, who: str = "lead", team: str | None = None) -> list[dict]:
    rows = field.get(who, f"{API}/firms/{field.world['firms']['第一组']}/assignments").json()
    return [a for a in rows if team is None or a["team_name"] == team]


def _audit(field, action: str) -> list:
    with field.engine.connect() as conn:
        return conn.execute(text("SELECT account_id, target_id, detail FROM audit_event WHERE action = :a ORDER BY id"),
                            {"a": action}).all()  # fmt: skip


def test_the_stored_plans_hold_when_recomputed(field):
    for name, team in field.world["teams"].items():
        plan = field.get("lead", f"{API}/teams/{team}/plan").json()
        assert plan["team_name"] == name and plan["provider"] == "road" and plan["synthetic"] is True
        assert not plan["unscheduled"] and sum(d["houses"] for d in plan["days"]) == 20
        check_plan(plan)
        assert plan["summary"]["planned_by_priority"]["collapse_risk"] >= 0


def test_appointments_service_times_and_hours_are_honoured_after_a_replan(field):
    rows = sorted(_assignments(field, team="甲组"), key=lambda a: a["house_id"])
    normal = [a for a in rows if a["priority"] == "normal"]
    second = (today() + dt.timedelta(days=1)).isoformat()
    booked, longer, late = normal[0], normal[1], normal[2]
    for row, change in ((booked, {"appointment_start": f"{second}T15:00:00+08:00",
                                  "appointment_end": f"{second}T15:30:00+08:00"}),
                        (longer, {"service_minutes": 95}),
                        (late, {"appointment_start": f"{second}T20:00:00+08:00",
                                "appointment_end": f"{second}T21:00:00+08:00"})):  # fmt: skip
        r = field.patch("lead", f"{API}/assignments/{row['draw_id']}/{row['house_id']}",
                        json={"version": row["version"], **change})  # fmt: skip
        assert r.status_code == 200, r.text
    stale = field.patch("lead", f"{API}/assignments/{longer['draw_id']}/{longer['house_id']}",
                        json={"version": longer["version"], "service_minutes": 50})  # fmt: skip
    assert stale.status_code == 409 and "已被他人修改" in stale.json()["message"]

    options = {"day_start": "09:00", "day_end": "17:00"}
    r = field.post("lead", f"{API}/teams/{field.world['teams']['甲组']}/plan", json=plan_body(**options))
    assert r.status_code == 201, r.text
    plan = r.json()
    check_plan(plan, options)
    stops = {s["house_id"]: (d["day"], s) for d in plan["days"] for s in d["stops"]}
    assert stops[booked["house_id"]][0] == second
    assert stops[longer["house_id"]][1]["service_minutes"] == 95
    assert [(u["house_id"], u["reason"]) for u in plan["unscheduled"]] == [(late["house_id"], "outside_hours")]
    assert plan["unscheduled"][0]["reason_label"]  # said in Chinese
    changes = _audit(field, "field_assignment_change")
    assert len(changes) == 3 and {c.account_id for c in changes} == {field.world["accounts"]["lead"]["id"]}


def test_a_replan_keeps_visited_houses_done(field):
    team = field.world["teams"]["甲组"]
    row = _assignments(field, "i1")[0]
    assert field.post("i2", f"{API}/assignments/{row['draw_id']}/{row['house_id']}/visited").status_code == 403
    r = field.post("i1", f"{API}/assignments/{row['draw_id']}/{row['house_id']}/visited")
    assert r.status_code == 200 and r.json()["visited_at"]
    again = field.post("i1", f"{API}/assignments/{row['draw_id']}/{row['house_id']}/visited")
    assert again.json()["visited_at"] == r.json()["visited_at"]  # a resent visit changes nothing
    plan = field.post("lead", f"{API}/teams/{team}/plan", json=plan_body()).json()
    assert row["house_id"] not in {s["house_id"] for d in plan["days"] for s in d["stops"]}
    assert plan["summary"]["visited"] == 1 and sum(d["houses"] for d in plan["days"]) == 19
    overview = field.get("lead", f"{API}/firms/{field.world['firms']['第一组']}/overview").json()
    assert (overview["houses_visited"], overview["houses_left"]) == (1, 39)
    assert len(_audit(field, "field_visited")) == 1


def test_a_replacement_joins_the_team_and_triggers_a_replan(field):
    team = field.world["teams"]["乙组"]
    before = field.get("lead", f"{API}/teams/{team}/plan").json()
    old = _assignments(field, team="乙组")[0]
    r = field.post("prov", f"/api/v1/draws/{field.world['draw']}/replacements",
                   json={"house_id": old["house_id"], "reason": "demolished"})  # fmt: skip
    assert r.status_code == 200, r.text
    new = r.json()["replacement_house_id"]
    rows = {a["house_id"]: a for a in _assignments(field, team="乙组")}
    assert old["house_id"] not in rows and rows[new]["source"] == "replacement" and len(rows) == 20
    after = field.get("lead", f"{API}/teams/{team}/plan").json()
    assert after["id"] > before["id"]
    planned = {s["house_id"] for d in after["days"] for s in d["stops"]} | {u["house_id"] for u in after["unscheduled"]}
    assert new in planned and old["house_id"] not in planned
    assert _audit(field, "field_assignment_replacement")[0].detail["replaced_house_id"] == old["house_id"]


def test_an_infeasible_plan_says_why_in_chinese(field):
    team = field.world["teams"]["甲组"]
    next_year = today() + dt.timedelta(days=400)
    r = field.post("lead", f"{API}/teams/{team}/plan", json=plan_body(next_year))
    assert r.status_code == 422 and "没有驻地" in r.json()["message"]
    past = today() - dt.timedelta(days=10)
    r = field.post("lead", f"{API}/teams/{team}/plan", json={**plan_body(past), "now": None})
    assert r.status_code == 422 and "没有剩余的工作时间" in r.json()["message"]
    r = field.post("lead", f"{API}/teams/{team}/plan", json=plan_body(day_start="18:00", day_end="08:00"))
    assert r.status_code == 422 and "下班时间须晚于上班时间" in r.json()["message"]
    r = field.post("lead", f"{API}/teams/{team}/plan", json=plan_body(days=1, day_start="08:30", day_end="09:00"))
    assert r.status_code == 422 and "没有一户房屋能排进" in r.json()["message"]
    assert field.get("lead", f"{API}/teams/{team}/plan").json()["first_day"] == today().isoformat()  # kept


def test_a_supplied_matrix_plans_and_a_bad_one_changes_nothing(field):
    team = field.world["teams"]["乙组"]
    plan = field.get("lead", f"{API}/teams/{team}/plan").json()
    keys = ["BASE:乙组驻地"] + [s["survey_code"] for d in plan["days"] for s in d["stops"]]
    lines = ["from,to,duration_s,distance_m"] + [f"{a},{b},600,5000" for a in keys for b in keys if a != b]
    firm = field.world["firms"]["第一组"]
    bad = field.post("lead", f"{API}/firms/{firm}/matrices", data={"name": "坏矩阵"},
                     files={"file": ("m.csv", "\n".join(lines[:5] + ["a,b,x"]).encode())})  # fmt: skip
    assert bad.status_code == 422 and "第 6 行" in bad.json()["message"]
    assert field.get("lead", f"{API}/firms/{firm}/matrices").json() == []
    r = field.post("lead", f"{API}/firms/{firm}/matrices", data={"name": "实测"},
                   files={"file": ("m.csv", "\n".join(lines).encode())})  # fmt: skip
    assert r.status_code == 201, r.text
    replanned = field.post("lead", f"{API}/teams/{team}/plan",
                           json=plan_body(provider="file", matrix_id=r.json()["id"])).json()  # fmt: skip
    assert replanned["provider"] == "file" and "实测" in replanned["provider_note"]
    assert all(s["travel_minutes"] == 10 for d in replanned["days"] for s in d["stops"])
    check_plan(replanned)
    geodesic = field.post("lead", f"{API}/teams/{team}/plan", json=plan_body(provider="geodesic")).json()
    assert geodesic["provider"] == "geodesic" and geodesic["provider_label"]


def test_teams_members_bases_and_conflicts(field):
    firm = field.world["firms"]["第一组"]
    r = field.post("lead", f"{API}/firms/{firm}/teams", json={"name": "丙组", "vehicles": 2, "members": ["i3"]})
    assert r.status_code == 201, r.text
    team = r.json()
    assert team["members"][0]["username"] == "i3" and team["houses"] == 0
    for members in (["o1"], ["i1"], ["prov"]):  # another firm's, already in a team, not an inspector
        bad = field.post("lead", f"{API}/firms/{firm}/teams", json={"name": "丁组", "members": members})
        assert bad.status_code in (409, 422) and bad.json()["message"], members
    assert field.post("other", f"{API}/firms/{firm}/teams", json={"name": "戊组"}).status_code == 403
    assert field.post("lead", f"{API}/firms/{firm}/teams", json={"name": "丙组"}).status_code == 409
    r = field.patch("lead", f"{API}/teams/{team['id']}", json={"version": team["version"], "vehicles": 1})
    assert r.status_code == 200 and r.json()["version"] == team["version"] + 1
    stale = field.patch("lead", f"{API}/teams/{team['id']}", json={"version": team["version"], "name": "己组"})
    assert stale.status_code == 409
    base = {"name": "宾馆", "lon": 103.84, "lat": 36.06, "crs": "GCJ-02", "valid_from": today().isoformat(),
            "valid_to": (today() + dt.timedelta(days=9)).isoformat()}  # fmt: skip
    r = field.post("lead", f"{API}/teams/{team['id']}/bases", json=base)
    assert r.status_code == 201 and r.json()["crs"] == "EPSG:4490"
    lon, lat = gcj02_to_wgs84(103.84, 36.06)  # GCJ-02 converted to CGCS2000 (= WGS84 at map scale)
    assert (r.json()["lon"], r.json()["lat"]) == (pytest.approx(float(lon), abs=1e-6), pytest.approx(float(lat), abs=1e-6))
    overlap = field.post("lead", f"{API}/teams/{team['id']}/bases", json={**base, "name": "另一宾馆"})
    assert overlap.status_code in (409, 422) and overlap.json()["message"]
    busy = field.delete("lead", f"{API}/teams/{field.world['teams']['甲组']}")
    assert busy.status_code == 409
    assert field.delete("lead", f"{API}/teams/{team['id']}").status_code == 204
    assert {e.action for e in _all_audit(field)} >= {"field_team_create", "field_team_change", "field_base_add",
                                                       "field_team_delete"}  # fmt: skip


def _all_audit(field) -> list:
    with field.engine.connect() as conn:
        return conn.execute(text("SELECT action FROM audit_event")).all()


def test_automatic_assignment_keeps_units_whole_and_hand_moves(field):
    firm = field.world["firms"]["第一组"]
    rows = _assignments(field)
    units = {}
    for a in rows:
        units.setdefault(a["unit_code"], set()).add(a["team_name"])
    assert all(len(t) == 1 for t in units.values()) and len(rows) == 40
    moved = next(a for a in rows if a["team_name"] == "甲组")
    r = field.patch("lead", f"{API}/assignments/{moved['draw_id']}/{moved['house_id']}",
                    json={"version": moved["version"], "team_id": field.world["teams"]["乙组"]})  # fmt: skip
    assert r.status_code == 200 and r.json()["source"] == "manual"
    result = field.post("lead", f"{API}/firms/{firm}/assign", json={"draw_id": field.world["draw"]}).json()
    kept = next(a for a in result["assignments"] if a["house_id"] == moved["house_id"])
    assert kept["team_name"] == "乙组" and kept["source"] == "manual"
    # The rest of the unit follows the house moved by hand (geo.assign): units stay whole.
    assert result["units"][moved["unit_code"]] == "乙组" and "+" not in "".join(result["units"].values())
    split = field.post("lead", f"{API}/firms/{firm}/assign",
                       json={"draw_id": field.world["draw"], "keep_manual": False, "split_units": True}).json()
    assert sum(split["teams"].values()) == 40 and abs(split["teams"]["甲组"] - split["teams"]["乙组"]) <= 4
    lead = field.world["accounts"]["lead"]["id"]
    assert [a.detail["split_units"] for a in _audit(field, "field_assign") if a.account_id == lead] == [False, True]


def test_inspectors_see_their_own_team_only(field):
    own, other = field.world["teams"]["甲组"], field.world["teams"]["乙组"]
    me = field.get("i1", f"{API}/me").json()
    assert me["team"]["id"] == own and len(me["days"]) >= PLAN_DAYS - 2
    for path in (f"/teams/{other}", f"/teams/{other}/plan", f"/teams/{other}/days?day={today()}"):
        r = field.get("i1", API + path)
        assert r.status_code == 403 and "检查组" in r.json()["message"], path
    mine = {a["house_id"] for a in _assignments(field, "i1")}
    assert mine == set(field.world["houses"]["甲组"])
    houses = field.get("i1", "/api/v1/houses", params={"unit": "620111", "limit": 100}).json()
    assert not houses.get("features", houses.get("items", []))
    overview = field.get("i1", f"{API}/firms/{field.world['firms']['第一组']}/overview").json()
    assert {d["team_id"] for d in overview["days"]} == {own} and overview["houses_assigned"] == 20
    assert [t["id"] for t in overview["firm"]["teams"]] == [own]
    assert field.get("o1", f"{API}/firms/{field.world['firms']['第一组']}").status_code == 403
    assert field.get("o1", f"{API}/firms").json()[0]["group_name"] == "第二组"
    sheet = field.client.get(f"/route/sheet?team={other}&day={today()}", headers=field.auth("i1"))
    assert sheet.status_code == 403 and field.world["houses"]["乙组"] and "62011" not in sheet.text
