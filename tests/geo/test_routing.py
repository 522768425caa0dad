"""Route planning on small instances around a Gansu county seat, every plan verified by check_routes."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta, timezone

import numpy as np
import pytest

from geo.routing import UNREACHABLE_S, PlanInfeasible, Visit, WorkDay, plan_routes
from geo.schedule import REASON_LABELS, check_routes
from geo.travel import TravelMatrix
from geo.travel_estimate import geodesic_matrix, location_class

TZ = timezone(timedelta(hours=8))
SEAT = (104.6226, 35.5806)  # 定西市安定区, the county seat
MONDAY = date(2025, 5, 12)


def county(n: int, seed: int = 7, unit: str = "621102") -> TravelMatrix:
    """Location 0 = the team's base in the seat; 1..n houses: a quarter in town, the rest in 8 villages."""
    rng = np.random.default_rng(seed)
    villages = [(SEAT[0] + rng.uniform(-0.12, 0.12), SEAT[1] + rng.uniform(-0.09, 0.09)) for _ in range(8)]
    locs, classes = [SEAT], ["urban"]
    for i in range(n):
        if i % 4 == 0:
            locs.append((SEAT[0] + rng.normal(0, 0.01), SEAT[1] + rng.normal(0, 0.008)))
            classes.append("urban")
        else:
            vx, vy = villages[int(rng.integers(len(villages)))]
            locs.append((vx + rng.normal(0, 0.004), vy + rng.normal(0, 0.003)))
            classes.append(location_class(unit, False))
    return geodesic_matrix(locs, classes)


def at(d: date, h: int, m: int = 0) -> datetime:
    return datetime(d.year, d.month, d.day, h, m, tzinfo=TZ)


def workdays(n: int, vehicles: int = 1, first_start: tuple[int, int] = (8, 30)) -> list[WorkDay]:
    out = []
    for k in range(n):
        d = MONDAY + timedelta(days=k)
        start = at(d, *first_start) if k == 0 else at(d, 8, 30)
        for v in range(vehicles):
            out.append(WorkDay(d, v, 0, start, at(d, 17, 30), (at(d, 12), at(d, 14), 3600)))
    return out


def visits_for(n: int, tiers: list[str] | None = None, service_min=(30, 45)) -> list[Visit]:
    tiers = tiers or ["normal"] * n
    return [Visit(1000 + i, i + 1, 60 * service_min[i % len(service_min)], tiers[i]) for i in range(n)]


def assert_checked(visits, days, matrix, plan):
    problems = check_routes(visits, days, matrix, plan)
    assert problems == []


def test_plan_honours_hours_lunch_and_is_consistent():
    m = county(24)
    visits, days = visits_for(24), workdays(3)
    plan = plan_routes(visits, days, m)
    assert_checked(visits, days, m, plan)
    assert plan.summary["houses_planned"] == 24 and plan.unscheduled == []
    for r in plan.days:
        assert at(r.day, 8, 30) <= r.start and r.end <= at(r.day, 17, 30)
        assert at(r.day, 12) <= r.break_start and r.break_end <= at(r.day, 14)
        assert r.break_end - r.break_start == timedelta(hours=1)
        for s in r.stops:
            assert not (s.service_start < r.break_end and r.break_start < s.departure)
    assert plan.summary["total_duration_s"] == sum(r.duration_s for r in plan.days)


def test_appointments_are_honoured():
    m = county(20, seed=3)
    visits = visits_for(20)
    d2 = MONDAY + timedelta(days=1)
    windows = {
        2: (at(d2, 14), at(d2, 14, 30)),
        5: (at(MONDAY, 9), at(MONDAY, 9, 15)),
        9: (at(d2, 8, 30), at(d2, 9)),
    }
    visits = [dataclasses.replace(v, window=windows.get(i)) for i, v in enumerate(visits)]
    days = workdays(3)
    plan = plan_routes(visits, days, m)
    assert_checked(visits, days, m, plan)
    stops = {s.key: s for r in plan.days for s in r.stops}
    for i, (a, b) in windows.items():
        assert a <= stops[1000 + i].service_start <= b


def test_too_few_days_drops_the_lowest_tier_first():
    m = county(36, seed=11)
    tiers = ["collapse_risk"] * 4 + ["near_school"] * 8 + ["normal"] * 24
    visits, days = visits_for(36, tiers), workdays(1)
    plan = plan_routes(visits, days, m)
    assert_checked(visits, days, m, plan)
    assert {u.reason for u in plan.unscheduled} == {"not_enough_days"}
    assert all(u.label == REASON_LABELS["not_enough_days"] for u in plan.unscheduled)
    tier = {v.key: v.priority for v in visits}
    left = [tier[u.key] for u in plan.unscheduled]
    assert "collapse_risk" not in left
    planned = plan.summary["planned_by_priority"]
    assert planned["collapse_risk"] == 4 and planned["near_school"] > planned["normal"]
    assert left.count("normal") >= 20


def test_tier_deadlines_put_urgent_houses_first():
    m = county(40, seed=5)
    tiers = ["normal"] * 40
    for i in (3, 17, 29):
        tiers[i] = "collapse_risk"
    for i in (1, 8, 22, 33, 38):
        tiers[i] = "near_school"
    visits, days = visits_for(40, tiers), workdays(5)
    plan = plan_routes(visits, days, m)
    assert_checked(visits, days, m, plan)
    k = plan.summary["tier_deadlines"]
    assert k["collapse_risk"] == 1 and 1 <= k["near_school"] <= 2
    day_of = {s.key: r.day for r in plan.days for s in r.stops}
    for i in (3, 17, 29):
        assert day_of[1000 + i] == MONDAY


def test_appointment_outside_the_days_or_a_too_long_visit_is_outside_hours():
    m = county(8)
    visits = visits_for(8)
    sunday = MONDAY - timedelta(days=1)
    visits[2] = dataclasses.replace(visits[2], window=(at(sunday, 10), at(sunday, 11)))
    visits[4] = dataclasses.replace(visits[4], window=(at(MONDAY, 19), at(MONDAY, 20)))
    visits[6] = dataclasses.replace(visits[6], service_s=10 * 3600)
    days = workdays(2)
    plan = plan_routes(visits, days, m)
    assert_checked(visits, days, m, plan)
    assert {u.key: u.reason for u in plan.unscheduled} == {
        1002: "outside_hours",
        1004: "outside_hours",
        1006: "outside_hours",
    }
    assert plan.unscheduled[0].label == REASON_LABELS["outside_hours"]


def test_unreachable_house():
    m = county(6)
    dur = m.durations.copy()
    dur[3, :] = dur[:, 3] = UNREACHABLE_S
    dur[3, 3] = 0
    m2 = TravelMatrix(m.locations, dur, m.distances, "file")
    visits, days = visits_for(6), workdays(1)
    plan = plan_routes(visits, days, m2)
    assert_checked(visits, days, m2, plan)
    assert [(u.key, u.reason) for u in plan.unscheduled] == [(1002, "unreachable")]


def test_no_days_or_no_visits_is_infeasible():
    m = county(3)
    with pytest.raises(PlanInfeasible) as err:
        plan_routes(visits_for(3), [], m)
    assert "工作日" in err.value.message_zh
    with pytest.raises(PlanInfeasible):
        plan_routes([], workdays(1), m)
    naive = [dataclasses.replace(workdays(1)[0], start=datetime(2025, 5, 12, 8, 30))]
    with pytest.raises(PlanInfeasible):
        plan_routes(visits_for(3), naive, m)


def test_replan_from_three_in_the_afternoon():
    m = county(10, seed=9)
    visits, days = visits_for(10), workdays(2, first_start=(15, 0))
    plan = plan_routes(visits, days, m)
    assert_checked(visits, days, m, plan)
    first = [r for r in plan.days if r.day == MONDAY]
    assert first and first[0].start >= at(MONDAY, 15) and first[0].break_start is None
    assert plan.summary["houses_planned"] == 10


def test_two_vehicles_a_day():
    m = county(30, seed=2)
    visits, days = visits_for(30), workdays(2, vehicles=2)
    plan = plan_routes(visits, days, m)
    assert_checked(visits, days, m, plan)
    assert plan.summary["houses_planned"] == 30


# The checker must catch doctored plans.


@pytest.fixture(scope="module")
def solved():
    m = county(14, seed=4)
    visits = visits_for(14, ["near_school"] * 3 + ["normal"] * 11)
    visits[5] = dataclasses.replace(visits[5], window=(at(MONDAY, 10), at(MONDAY, 11)))
    days = workdays(2)
    plan = plan_routes(visits, days, m)
    assert check_routes(visits, days, m, plan) == []
    return visits, days, m, plan


def doctor(plan, i, **changes):
    routes = list(plan.days)
    routes[i] = dataclasses.replace(routes[i], **changes)
    return dataclasses.replace(plan, days=routes)


def shifted(stop, seconds):
    d = timedelta(seconds=seconds)
    return dataclasses.replace(
        stop, arrival=stop.arrival + d, service_start=stop.service_start + d, departure=stop.departure + d
    )


def test_checker_catches_an_arrival_too_early(solved):
    visits, days, m, plan = solved
    r = plan.days[0]
    stops = list(r.stops)
    stops[1] = dataclasses.replace(
        stops[1], arrival=stops[0].departure + timedelta(seconds=stops[1].travel_s - 60)
    )
    problems = check_routes(visits, days, m, doctor(plan, 0, stops=stops))
    assert any("too early" in p for p in problems)


def test_checker_catches_a_stop_outside_hours(solved):
    visits, days, m, plan = solved
    r = plan.days[0]
    stops = list(r.stops)
    stops[-1] = shifted(stops[-1], 6 * 3600)
    late = doctor(plan, 0, stops=stops, end=r.end + timedelta(hours=6))
    problems = check_routes(visits, days, m, late)
    assert any("outside working hours" in p for p in problems)
    assert any("outside the day" in p for p in problems)


def test_checker_catches_a_missing_or_misplaced_break(solved):
    visits, days, m, plan = solved
    assert any(
        "lunch break missing" in p
        for p in check_routes(visits, days, m, doctor(plan, 0, break_start=None, break_end=None))
    )
    r = plan.days[0]
    early = doctor(plan, 0, break_start=at(r.day, 11), break_end=at(r.day, 12))
    assert any("outside its window" in p for p in check_routes(visits, days, m, early))
    short = doctor(plan, 0, break_end=r.break_start + timedelta(minutes=30))
    assert any("shorter" in p for p in check_routes(visits, days, m, short))


def test_checker_catches_a_violated_appointment(solved):
    visits, days, m, plan = solved
    for i, r in enumerate(plan.days):
        for j, s in enumerate(r.stops):
            if s.key == 1005:
                stops = list(r.stops)
                stops[j] = dataclasses.replace(
                    s,
                    service_start=s.service_start + timedelta(hours=2),
                    departure=s.departure + timedelta(hours=2),
                )
                problems = check_routes(visits, days, m, doctor(plan, i, stops=stops))
                assert any("outside its appointment" in p for p in problems)
                return
    raise AssertionError("the appointment was not planned")


def test_checker_catches_a_false_not_enough_days_and_a_lost_house(solved):
    visits, days, m, plan = solved
    from geo.schedule import Unscheduled

    r = plan.days[0]
    gone = r.stops[-1]
    fewer = doctor(plan, 0, stops=r.stops[:-1])
    assert any("neither planned nor unscheduled" in p for p in check_routes(visits, days, m, fewer))
    marked = dataclasses.replace(
        fewer, unscheduled=[Unscheduled(gone.key, "not_enough_days", REASON_LABELS["not_enough_days"])]
    )
    assert any("fits into" in p for p in check_routes(visits, days, m, marked))


def test_checker_catches_a_broken_deadline_and_a_double_visit(solved):
    visits, days, m, plan = solved
    later = next(r for r in plan.days if r.day != MONDAY)
    key = later.stops[0].key
    urgent = [
        dataclasses.replace(v, priority="collapse_risk", window=None) if v.key == key else v for v in visits
    ]
    tight = dataclasses.replace(
        plan, summary={**plan.summary, "tier_deadlines": {"collapse_risk": 1, "near_school": 1}}
    )
    assert any("after its deadline" in p for p in check_routes(urgent, days, m, tight))
    r = plan.days[0]
    twice = doctor(plan, 0, stops=[*r.stops, dataclasses.replace(r.stops[0], seq=len(r.stops) + 1)])
    assert any("planned twice" in p for p in check_routes(visits, days, m, twice))
