"""The shapes of a route plan and ``check_routes``, which verifies a plan against the matrix on its own.

``geo.routing.plan_routes`` fills these shapes; ``check_routes`` recomputes every route from the matrix
with its own code (datetimes, not the planner's integer seconds) and lists what is wrong, so tests and the
service never have to trust the solver. The rules it checks are those of docs/routing.md:

- each stop: arrival = previous departure + matrix travel (+ the lunch break if it falls on that leg);
  waiting is allowed; service starts at or after arrival and inside the appointment window; departure =
  service start + service time; the return to base likewise; travel_s/distance_m equal the matrix;
- every stop and the return lie inside the day's [start, end]; a route starts at its base;
- **lunch**: on a day with a lunch (the window clipped to the day still holds the duration, see
  ``effective_lunch``) every route takes one break of at least the duration inside the window and inside
  the route, never overlapping a service. Travel may pause for it (the team stops to eat on the way): a
  leg's time minus the part of the break inside it must still cover the leg's travel;
- each visit planned at most once; planned ∪ unscheduled = all visits, disjoint; reason codes known;
- **priority rule**: (1) a planned house of tier t without an appointment lies within the first
  ``summary['tier_deadlines'][t]`` working dates (k_collapse <= k_school <= number of dates);
  (2) a house unscheduled as 'not_enough_days' fits into no route (nor empty day) allowed to it at any
  position; (3) nor can it take the place of a planned house of a lower tier; (4) a house unscheduled as
  'outside_hours' or 'unreachable' cannot be served on any day even alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from geo.travel import TravelMatrix
from geo.visits import PRIORITIES, tier_rank

REASON_LABELS: dict[str, str] = {
    "outside_hours": "无法在任一工作日的工作时间内完成（或预约时间不在工作日内）",
    "not_enough_days": "工作日已排满，天数不足",
    "unreachable": "从驻地无道路可达",
}


@dataclass(frozen=True)
class Visit:
    """A house to visit: ``location`` indexes the matrix; ``window`` an appointment the service starts in."""

    key: int
    location: int
    service_s: int
    priority: str = "normal"
    window: tuple[datetime, datetime] | None = None


@dataclass(frozen=True)
class WorkDay:
    """One vehicle's working day from its base; ``lunch`` = (window start, window end, duration s)."""

    day: date
    vehicle: int
    base_location: int
    start: datetime
    end: datetime
    lunch: tuple[datetime, datetime, int] | None = None


@dataclass(frozen=True)
class PlannedStop:
    """A visit in a route; travel_s/distance_m are from the previous location (base or house)."""

    key: int
    seq: int
    arrival: datetime
    service_start: datetime
    departure: datetime
    travel_s: int
    distance_m: int


@dataclass(frozen=True)
class DayRoute:
    """One vehicle's route on one day: start = departure from base, end = return to base."""

    day: date
    vehicle: int
    start: datetime
    end: datetime
    break_start: datetime | None
    break_end: datetime | None
    stops: list[PlannedStop]
    return_travel_s: int
    return_distance_m: int
    travel_s: int
    distance_m: int
    duration_s: int


@dataclass(frozen=True)
class Unscheduled:
    """A visit the plan leaves out, with its reason code and Chinese label."""

    key: int
    reason: str
    label: str


@dataclass
class RoutePlan:
    """Routes of the day-vehicles with at least one stop, the visits left out, and figures."""

    days: list[DayRoute]
    unscheduled: list[Unscheduled]
    summary: dict = field(default_factory=dict)


class PlanInfeasible(ValueError):
    """Input that cannot be planned at all; ``message_zh`` is for the user."""

    def __init__(self, message: str, message_zh: str) -> None:
        super().__init__(message)
        self.message_zh = message_zh


def effective_lunch(day: WorkDay) -> tuple[datetime, datetime, int] | None:
    """The day's lunch window clipped to [start, end], or None when it no longer holds the duration."""
    if day.lunch is None or day.lunch[2] <= 0:
        return None
    ws, we, dur = day.lunch
    ws, we = max(ws, day.start), min(we, day.end)
    return (ws, we, dur) if we - ws >= timedelta(seconds=dur) else None


def date_ranks(days: list[WorkDay]) -> dict[date, int]:
    """0-based rank of each distinct working date."""
    return {d: i for i, d in enumerate(sorted({w.day for w in days}))}


def _overlap(a0: datetime, a1: datetime, b0: datetime, b1: datetime) -> timedelta:
    return max(timedelta(0), min(a1, b1) - max(a0, b0))


def validate_input(visits: list[Visit], days: list[WorkDay], matrix: TravelMatrix) -> None:
    """Raise ``PlanInfeasible`` (with a Chinese message) for input that cannot be planned at all."""

    def bad(en: str, zh: str):
        raise PlanInfeasible(en, zh)

    if not days:
        bad("no working days", "没有可用的工作日，无法编排路线")
    if not visits:
        bad("no visits", "没有需要走访的房屋")
    n = matrix.size
    if len({v.key for v in visits}) != len(visits):
        bad("duplicate visit keys", "走访房屋重复")
    if len({(w.day, w.vehicle) for w in days}) != len(days):
        bad("a vehicle appears twice on one day", "同一天同一车辆出现两次")
    for w in days:
        label = f"{w.day} 第{w.vehicle + 1}组车辆"
        if w.start.tzinfo is None or w.end.tzinfo is None:
            bad("working-day times must be timezone-aware", "工作日时间必须带时区")
        if w.end <= w.start:
            bad(f"day {w.day} vehicle {w.vehicle} ends before it starts", f"{label}的收工时间不晚于出发时间")
        if not 0 <= w.base_location < n:
            bad("base location outside the matrix", f"{label}的驻地不在出行矩阵内")
        if w.lunch is not None and (w.lunch[1] < w.lunch[0] or w.lunch[2] < 0):
            bad("invalid lunch window", f"{label}的午休时间设置有误")
    for v in visits:
        if not 0 <= v.location < n:
            bad(f"house {v.key} outside the matrix", f"房屋 {v.key} 的位置不在出行矩阵内")
        if v.service_s < 0:
            bad(f"house {v.key} has a negative service time", f"房屋 {v.key} 的检查用时为负")
        if v.priority not in PRIORITIES:
            bad(f"house {v.key} has unknown priority {v.priority!r}", f"房屋 {v.key} 的优先级无效")
        if v.window is not None:
            if v.window[0].tzinfo is None or v.window[1].tzinfo is None:
                bad("appointment times must be timezone-aware", "预约时间必须带时区")
            if v.window[1] < v.window[0]:
                bad(f"house {v.key}: appointment ends before it starts", f"房屋 {v.key} 的预约结束早于开始")


def check_routes(
    visits: list[Visit], days: list[WorkDay], matrix: TravelMatrix, plan: RoutePlan
) -> list[str]:
    """Violations of the plan against the matrix and the rules above, in English (empty when fine)."""
    out: list[str] = []
    by_key = {v.key: v for v in visits}
    dur, dist = matrix.durations, matrix.distances
    sec = lambda s: timedelta(seconds=int(s))  # noqa: E731
    day_of = {(w.day, w.vehicle): w for w in days}
    seen: dict[int, str] = {}
    for r in plan.days:
        name = f"{r.day} vehicle {r.vehicle}"
        w = day_of.get((r.day, r.vehicle))
        if w is None:
            out.append(f"{name}: no such working day")
            continue
        if not r.stops:
            out.append(f"{name}: route without stops")
        if r.start < w.start or r.end > w.end:
            out.append(f"{name}: route {r.start}–{r.end} outside the day {w.start}–{w.end}")
        lunch = effective_lunch(w)
        brk = None
        if (r.break_start is None) != (r.break_end is None):
            out.append(f"{name}: half a break")
        elif r.break_start is not None:
            brk = (r.break_start, r.break_end)
        if lunch is not None:
            if brk is None:
                out.append(f"{name}: lunch break missing")
            else:
                if brk[1] - brk[0] < sec(lunch[2]):
                    out.append(f"{name}: break {brk[0]}–{brk[1]} shorter than {lunch[2]} s")
                if brk[0] < lunch[0] or brk[1] > lunch[1]:
                    out.append(f"{name}: break {brk[0]}–{brk[1]} outside its window {lunch[0]}–{lunch[1]}")
                if brk[0] < r.start or brk[1] > r.end:
                    out.append(f"{name}: break outside the route")
        t_prev, loc_prev, travel, distance = r.start, w.base_location, 0, 0
        for i, s in enumerate(r.stops, 1):
            v = by_key.get(s.key)
            if v is None:
                out.append(f"{name}: stop {s.key} is not a visit")
                continue
            if s.key in seen:
                out.append(f"house {s.key} planned twice ({seen[s.key]} and {name})")
            seen[s.key] = name
            if s.seq != i:
                out.append(f"{name}: stop {s.key} has seq {s.seq}, expected {i}")
            t, d = int(dur[loc_prev, v.location]), int(dist[loc_prev, v.location])
            if (s.travel_s, s.distance_m) != (t, d):
                out.append(f"{name}: stop {s.key} travel {s.travel_s} s/{s.distance_m} m, matrix {t} s/{d} m")
            out.extend(_leg(name, f"house {s.key}", t_prev, s.arrival, t, brk))
            if s.service_start < s.arrival:
                out.append(f"{name}: house {s.key} served at {s.service_start} before arrival {s.arrival}")
            if s.departure != s.service_start + sec(v.service_s):
                out.append(f"{name}: house {s.key} departure is not service start + {v.service_s} s")
            if v.window and not v.window[0] <= s.service_start <= v.window[1]:
                out.append(f"{name}: house {s.key} served at {s.service_start} outside its appointment")
            if s.service_start < w.start or s.departure > w.end:
                out.append(f"{name}: house {s.key} served outside working hours")
            if brk and _overlap(brk[0], brk[1], s.service_start, s.departure) > timedelta(0):
                out.append(f"{name}: break overlaps the service of house {s.key}")
            t_prev, loc_prev, travel, distance = s.departure, v.location, travel + t, distance + d
        t, d = int(dur[loc_prev, w.base_location]), int(dist[loc_prev, w.base_location])
        if (r.return_travel_s, r.return_distance_m) != (t, d):
            out.append(f"{name}: return travel {r.return_travel_s} s/{r.return_distance_m} m, matrix {t}/{d}")
        out.extend(_leg(name, "return to base", t_prev, r.end, t, brk))
        if (r.travel_s, r.distance_m) != (travel + t, distance + d):
            out.append(
                f"{name}: totals {r.travel_s} s/{r.distance_m} m, legs sum {travel + t}/{distance + d}"
            )
        if r.duration_s != int((r.end - r.start).total_seconds()):
            out.append(f"{name}: duration {r.duration_s} s is not end - start")

    unsched: dict[int, Unscheduled] = {}
    for u in plan.unscheduled:
        if u.key in seen or u.key in unsched:
            out.append(f"house {u.key} both planned and unscheduled, or unscheduled twice")
        unsched[u.key] = u
        if u.key not in by_key:
            out.append(f"unscheduled {u.key} is not a visit")
        if REASON_LABELS.get(u.reason) != u.label:
            out.append(f"house {u.key}: unknown reason {u.reason!r} or wrong label")
    missing = sorted(set(by_key) - set(seen) - set(unsched))
    if missing:
        out.append(f"houses neither planned nor unscheduled: {missing}")
    out.extend(_check_priority_rule(visits, days, matrix, plan, seen, unsched))
    return out


def _leg(name: str, what: str, t0: datetime, t1: datetime, travel: int, brk) -> list[str]:
    """A leg from departure t0 to arrival t1 must hold its travel outside the break."""
    span = t1 - t0
    if brk is not None:
        span -= _overlap(brk[0], brk[1], t0, t1)
    if span < timedelta(seconds=travel):
        return [f"{name}: {what} reached at {t1}, too early for {travel} s travel from {t0}"]
    return []


def _check_priority_rule(visits, days, matrix, plan, seen, unsched) -> list[str]:
    out: list[str] = []
    ranks = date_ranks(days)
    k = plan.summary.get("tier_deadlines", {})
    n_dates = len(ranks)
    try:
        k1, k2 = int(k["collapse_risk"]), int(k["near_school"])
    except (KeyError, TypeError, ValueError):
        return ["summary lacks tier_deadlines"]
    if not 1 <= k1 <= k2 <= n_dates:
        out.append(f"tier deadlines {k1}, {k2} not within 1 <= k1 <= k2 <= {n_dates}")
    limit = {"collapse_risk": k1, "near_school": k2, "normal": n_dates}
    by_key = {v.key: v for v in visits}
    routes = {(r.day, r.vehicle): r for r in plan.days}
    for r in plan.days:
        for s in r.stops:
            v = by_key.get(s.key)
            if v is not None and v.window is None and ranks.get(r.day, 0) >= limit.get(v.priority, n_dates):
                out.append(
                    f"house {s.key} ({v.priority}) on {r.day}, after its deadline of {limit[v.priority]} days"
                )

    def allowed(v: Visit, w: WorkDay) -> bool:
        return v.window is not None or ranks[w.day] < limit.get(v.priority, n_dates)

    for key, u in unsched.items():
        v = by_key.get(key)
        if v is None:
            continue
        if u.reason in ("outside_hours", "unreachable"):
            if any(_fits(w, [v], matrix) for w in days):
                out.append(f"house {key} marked {u.reason} but fits alone on some day")
            continue
        for w in days:
            if not allowed(v, w):
                continue
            r = routes.get((w.day, w.vehicle))
            seq = [by_key[s.key] for s in r.stops if s.key in by_key] if r else []
            for p in range(len(seq) + 1):
                if _fits(w, seq[:p] + [v] + seq[p:], matrix):
                    out.append(
                        f"house {key} left out as not_enough_days but fits into {w.day} vehicle {w.vehicle}"
                    )
                    break
            else:
                for p, other in enumerate(seq):
                    if tier_rank(other.priority) > tier_rank(v.priority) and _fits(
                        w, seq[:p] + [v] + seq[p + 1 :], matrix
                    ):
                        out.append(
                            f"house {key} ({v.priority}) left out while lower-tier house {other.key} on "
                            f"{w.day} vehicle {w.vehicle} could give way to it"
                        )
                        break
                else:
                    continue
            break
    return out


def _fits(w: WorkDay, seq: list[Visit], matrix: TravelMatrix) -> bool:
    """Whether ``seq`` can be served in this order on day ``w`` (the break placed in the best gap)."""
    lunch = effective_lunch(w)
    gaps = range(len(seq) + 1) if lunch else [None]
    return any(_feasible(w, seq, matrix, g, lunch) for g in gaps)


def _feasible(w: WorkDay, seq: list[Visit], matrix: TravelMatrix, gap, lunch) -> bool:
    t, loc = w.start, w.base_location
    for i, v in enumerate(seq + [None]):
        target = w.base_location if v is None else v.location
        travel = timedelta(seconds=int(matrix.durations[loc, target]))
        arrival, ready = t + travel, t + travel
        if gap == i:
            bs = max(t, lunch[0])
            be = bs + timedelta(seconds=lunch[2])
            if be > lunch[1]:
                return False
            if bs < t + travel:
                arrival = t + travel + timedelta(seconds=lunch[2])
            ready = max(arrival, be)
        if v is None:
            return ready <= w.end
        start = ready
        if v.window:
            start = max(start, v.window[0])
            if start > v.window[1]:
                return False
        t, loc = start + timedelta(seconds=v.service_s), v.location
        if t > w.end:
            return False
    return True
