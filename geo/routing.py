"""The route planner: drawn houses over a team's working days, with VROOM (pyvroom) on a travel matrix.

Model (docs/routing.md): every (day, vehicle) is one VROOM vehicle with the time window [start, end] of
that day in integer seconds from a plan epoch (the earliest day start), starting and ending at that
day's base; its lunch is a VROOM break whose start window is [window start, window end - duration] (the
break lies wholly inside the lunch window; travel may pause for it); every house is a job with its
service time, a VROOM priority by tier and time windows: the working days allowed to it (its tier's
deadline), intersected with the owner's appointment if any (service must start inside it). VROOM
maximises the sum of priorities first, then minimises total travel time.

**Priority rule.** Tiers collapse_risk > near_school > normal (``geo.visits``).

1. VROOM priorities 100 / 1 / 0: one collapse-risk house outweighs 99 near-school houses and one
   near-school house any number of normal ones, so when not everything fits the lowest tier goes first.
2. Deadlines: collapse-risk houses are visited within the first k1 working dates, near-school houses
   within the first k2 >= k1; k_t is the smallest number of dates whose capacity (hours minus lunch minus
   a base round trip per day-vehicle) holds the estimated workload of tiers up to t (service + travel to
   the nearest other house or base, ×1.1); while a house of that tier is left out the deadline is widened
   (first by the dates the left-out houses' work needs, at least one; if that is not enough, to all
   dates) and the plan re-solved: at most three solves. Houses with an appointment are exempt: the owner fixed the day.
3. Repair after the solve, so that what ``geo.schedule.check_routes`` verifies holds: a house left out
   for capacity is inserted wherever it fits (cheapest position first); else it takes the place of a
   planned house of a lower tier in a route allowed to it (lowest tier first), which is then left out in
   turn. Each swap raises the priority sum, so the repair ends.

Times in the result are recomputed from the matrix by this module (earliest schedule of VROOM's
sequence, the break in the best gap, departure from base delayed to avoid waiting at the first house),
so they are exact integer seconds of the matrix after the epoch. Unscheduled reasons: ``unreachable``
(base-house travel >= ``UNREACHABLE_S``, a provider's mark for "no road"), ``outside_hours`` (the house
alone cannot be served on any day: hours, lunch, appointment), ``not_enough_days`` (the rest).
"""

from __future__ import annotations

import time
from datetime import timedelta

import numpy as np
import vroom

from geo.schedule import (
    REASON_LABELS,
    DayRoute,
    PlanInfeasible,
    PlannedStop,
    RoutePlan,
    Unscheduled,
    Visit,
    WorkDay,
    date_ranks,
    effective_lunch,
    validate_input,
)
from geo.travel import TravelMatrix
from geo.visits import PRIORITIES, tier_rank

__all__ = [
    "DayRoute",
    "PlanInfeasible",
    "PlannedStop",
    "RoutePlan",
    "Unscheduled",
    "Visit",
    "WorkDay",
    "plan_routes",
]

VROOM_PRIORITY = {"collapse_risk": 100, "near_school": 1, "normal": 0}
UNREACHABLE_S = 10 * 86400
DEADLINE_SLACK = 1.1
DEFAULT_EXPLORATION = 1


class _Ctx:
    """Integer-second view of the input: compact matrix, day windows, visit windows."""

    def __init__(self, visits: list[Visit], days: list[WorkDay], matrix: TravelMatrix) -> None:
        self.visits, self.days = visits, days
        self.epoch = min(w.start for w in days).replace(microsecond=0)
        used = sorted({w.base_location for w in days} | {v.location for v in visits})
        cidx = {loc: i for i, loc in enumerate(used)}
        sub = matrix.durations[np.ix_(used, used)]
        self.vroom_matrix = np.minimum(sub, UNREACHABLE_S).astype(np.int64)
        self.D = sub.tolist()
        self.base = [cidx[w.base_location] for w in days]
        self.loc = [cidx[v.location] for v in visits]
        self.S = [self._ceil(w.start) for w in days]
        self.E = [self._floor(w.end) for w in days]
        self.lunch = []
        for w in days:
            ln = effective_lunch(w)
            self.lunch.append(None if ln is None else (self._ceil(ln[0]), self._floor(ln[1]), int(ln[2])))
        self.win = [
            None if v.window is None else (self._ceil(v.window[0]), self._floor(v.window[1])) for v in visits
        ]
        self.svc = [int(v.service_s) for v in visits]
        self.tier = [tier_rank(v.priority) for v in visits]
        ranks = date_ranks(days)
        self.rank = [ranks[w.day] for w in days]
        self.n_dates = len(ranks)

    def _ceil(self, t) -> int:
        s = (t - self.epoch).total_seconds()
        return int(-(-s // 1))

    def _floor(self, t) -> int:
        return int((t - self.epoch).total_seconds() // 1)

    def at(self, s: int):
        return self.epoch + timedelta(seconds=int(s))

    def allowed(self, j: int, di: int, k: dict[int, int]) -> bool:
        return self.win[j] is not None or self.rank[di] < k[self.tier[j]]

    def schedule(self, di: int, seq: list[int]):
        """Earliest schedule of ``seq`` on day ``di`` with the break in its best gap, or None."""
        lunch = self.lunch[di]
        best = None
        for gap in range(len(seq) + 1) if lunch else [None]:
            sch = self._propagate(di, seq, gap, lunch)
            if sch is not None and (best is None or sch[2] < best[2]):
                best = sch
        return best

    def _propagate(self, di, seq, gap, lunch):
        D, t, loc, times, brk = self.D, self.S[di], self.base[di], [], None
        for i in range(len(seq) + 1):
            nxt = self.base[di] if i == len(seq) else self.loc[seq[i]]
            travel = D[loc][nxt]
            arrival = ready = t + travel
            if gap == i:
                bs = max(t, lunch[0])
                be = bs + lunch[2]
                if be > lunch[1]:
                    return None
                if bs < t + travel:
                    arrival = t + travel + lunch[2]
                ready = max(arrival, be)
                brk = (bs, be)
            if i == len(seq):
                return (times, brk, ready, gap) if ready <= self.E[di] else None
            j = seq[i]
            start = ready
            if self.win[j] is not None:
                start = max(start, self.win[j][0])
                if start > self.win[j][1]:
                    return None
            t, loc = start + self.svc[j], nxt
            if t > self.E[di]:
                return None
            times.append((arrival, start))
        return None


def _deadlines(ctx: _Ctx, plannable: list[int]) -> dict[int, int]:
    """Estimated k per tier rank (0, 1) in working dates; rank 2 (normal) gets all dates."""
    k = {0: 1, 1: 1, 2: ctx.n_dates}
    bases = sorted(set(ctx.base))
    for t in (0, 1):
        hs = [j for j in plannable if ctx.tier[j] <= t and ctx.win[j] is None]
        if not hs:
            k[t] = k[t - 1] if t else 1
            continue
        locs = sorted({ctx.loc[j] for j in hs} | set(bases))
        work = 0
        for j in hs:
            others = [ctx.D[x][ctx.loc[j]] for x in locs if x != ctx.loc[j]]
            work += ctx.svc[j] + (min(others) if others else 0)
        trip = 2 * float(np.median([min(ctx.D[b][ctx.loc[j]] for b in bases) for j in hs]))
        cap = [0.0] * ctx.n_dates
        for di in range(len(ctx.days)):
            lunch = ctx.lunch[di][2] if ctx.lunch[di] else 0
            cap[ctx.rank[di]] += max(0.0, ctx.E[di] - ctx.S[di] - lunch - trip)
        need, acc, k[t] = work * DEADLINE_SLACK, 0.0, ctx.n_dates
        for r, c in enumerate(cap):
            acc += c
            if acc >= need:
                k[t] = r + 1
                break
    k[1] = max(k[1], k[0])
    return k


def _extra_dates(ctx: _Ctx, late: list[int], k: int) -> int:
    """Dates to add to a deadline of k dates for the houses left out: their work over a date's capacity."""
    cap = sum(ctx.E[di] - ctx.S[di] for di in range(len(ctx.days)) if ctx.rank[di] < k) / k
    work = DEADLINE_SLACK * sum(ctx.svc[j] + 1800 for j in late)  # half an hour of travel each
    return max(1, int(-(-work // max(cap, 1.0))))


def _solve(ctx: _Ctx, plannable: list[int], k: dict[int, int], exploration, threads, timeout_s):
    inp = vroom.Input()
    inp.set_durations_matrix("car", ctx.vroom_matrix)
    for di in range(len(ctx.days)):
        breaks = []
        if ctx.lunch[di]:
            ws, we, dur = ctx.lunch[di]
            breaks = [vroom.Break(di + 1, time_windows=[vroom.TimeWindow(ws, we - dur)], service=dur)]
        inp.add_vehicle(
            vroom.Vehicle(
                di + 1,
                start=ctx.base[di],
                end=ctx.base[di],
                time_window=vroom.TimeWindow(ctx.S[di], ctx.E[di]),
                breaks=breaks,
            )
        )
    for j in plannable:
        spans = sorted((ctx.S[di], ctx.E[di]) for di in range(len(ctx.days)) if ctx.allowed(j, di, k))
        merged: list[list[int]] = []
        for a, b in spans:
            if merged and a <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        if ctx.win[j] is not None:
            wa, wb = ctx.win[j]
            merged = [[max(a, wa), min(b, wb)] for a, b in merged if max(a, wa) <= min(b, wb)]
        inp.add_job(
            vroom.Job(
                j + 1,
                location=ctx.loc[j],
                default_service=ctx.svc[j],
                priority=VROOM_PRIORITY[ctx.visits[j].priority],
                time_windows=[vroom.TimeWindow(a, b) for a, b in merged],
            )
        )
    t0 = time.perf_counter()
    timeout = None if timeout_s is None else timedelta(seconds=timeout_s)
    sol = inp.solve(exploration_level=exploration, nb_threads=threads, timeout=timeout)
    ms = (time.perf_counter() - t0) * 1000
    seqs: dict[int, list[int]] = {}
    for vid, typ, jid in zip(sol.routes["vehicle_id"], sol.routes["type"], sol.routes["id"], strict=True):
        if typ == "job":
            seqs.setdefault(int(vid) - 1, []).append(int(jid) - 1)
    dropped = sorted({int(job._id) - 1 for job in sol.unassigned})
    return seqs, dropped, ms


def _busy(ctx: _Ctx, di: int, seq: list[int]) -> int:
    locs = [ctx.base[di]] + [ctx.loc[j] for j in seq] + [ctx.base[di]]
    travel = sum(ctx.D[a][b] for a, b in zip(locs, locs[1:], strict=False))
    return travel + sum(ctx.svc[j] for j in seq) + (ctx.lunch[di][2] if ctx.lunch[di] else 0)


def _try_insert(ctx: _Ctx, seqs: dict[int, list[int]], j: int, k: dict[int, int]) -> bool:
    D, cands = ctx.D, []
    for di in range(len(ctx.days)):
        if not ctx.allowed(j, di, k):
            continue
        seq = seqs.get(di, [])
        room = ctx.E[di] - ctx.S[di] - _busy(ctx, di, seq) - ctx.svc[j]
        locs = [ctx.base[di]] + [ctx.loc[x] for x in seq] + [ctx.base[di]]
        for p in range(len(seq) + 1):
            delta = D[locs[p]][ctx.loc[j]] + D[ctx.loc[j]][locs[p + 1]] - D[locs[p]][locs[p + 1]]
            if delta <= room:
                cands.append((delta, di, p))
    for _, di, p in sorted(cands):
        seq = seqs.get(di, [])
        trial = seq[:p] + [j] + seq[p:]
        if ctx.schedule(di, trial) is not None:
            seqs[di] = trial
            return True
    return False


def _try_swap(ctx: _Ctx, seqs: dict[int, list[int]], j: int, k: dict[int, int]) -> int | None:
    cands = []
    for di, seq in seqs.items():
        if ctx.allowed(j, di, k):
            cands += [(-ctx.tier[x], x, di, p) for p, x in enumerate(seq) if ctx.tier[x] > ctx.tier[j]]
    for _, x, di, p in sorted(cands):
        trial = seqs[di][:p] + [j] + seqs[di][p + 1 :]
        if ctx.schedule(di, trial) is not None:
            seqs[di] = trial
            return x
    return None


def _repair(ctx: _Ctx, seqs: dict[int, list[int]], dropped: list[int], k: dict[int, int]):
    inserts = swaps = 0
    for di in list(seqs):  # guard: VROOM's sequence must be feasible in this module's model
        while seqs[di] and ctx.schedule(di, seqs[di]) is None:
            dropped.append(seqs[di].pop())
    changed = True
    while changed:
        changed = False
        for j in sorted(dropped, key=lambda x: (ctx.tier[x], ctx.visits[x].key)):
            if _try_insert(ctx, seqs, j, k):
                dropped.remove(j)
                inserts += 1
                changed = True
            elif ctx.tier[j] < 2 and (x := _try_swap(ctx, seqs, j, k)) is not None:
                dropped.remove(j)
                dropped.append(x)
                swaps += 1
                changed = True
            if changed:
                break
    return dropped, inserts, swaps


def _route(ctx: _Ctx, di: int, seq: list[int], matrix: TravelMatrix) -> DayRoute:
    times, brk, end, gap = ctx.schedule(di, seq)
    w = ctx.days[di]
    first_leg = ctx.D[ctx.base[di]][ctx.loc[seq[0]]]
    depart = ctx.S[di]
    if gap != 0:  # no break before the first house: leave later rather than wait there
        depart = max(depart, times[0][1] - first_leg)
        times[0] = (depart + first_leg, times[0][1])
    stops, prev, travel, dist = [], w.base_location, 0, 0
    for i, (j, (arr, start)) in enumerate(zip(seq, times, strict=True)):
        v = ctx.visits[j]
        t, d = int(matrix.durations[prev, v.location]), int(matrix.distances[prev, v.location])
        stops.append(PlannedStop(v.key, i + 1, ctx.at(arr), ctx.at(start), ctx.at(start + v.service_s), t, d))
        prev, travel, dist = v.location, travel + t, dist + d
    rt, rd = int(matrix.durations[prev, w.base_location]), int(matrix.distances[prev, w.base_location])
    return DayRoute(
        day=w.day,
        vehicle=w.vehicle,
        start=ctx.at(depart),
        end=ctx.at(end),
        break_start=None if brk is None else ctx.at(brk[0]),
        break_end=None if brk is None else ctx.at(brk[1]),
        stops=stops,
        return_travel_s=rt,
        return_distance_m=rd,
        travel_s=travel + rt,
        distance_m=dist + rd,
        duration_s=end - depart,
    )


def plan_routes(
    visits: list[Visit],
    days: list[WorkDay],
    matrix: TravelMatrix,
    *,
    exploration: int = DEFAULT_EXPLORATION,
    threads: int = 2,
    timeout_s: float | None = None,
) -> RoutePlan:
    """Plan ``visits`` over ``days`` (see the module docstring); raises ``PlanInfeasible`` on empty input.

    ``exploration`` is VROOM's exploration level (0-5), ``threads`` its threads, ``timeout_s`` a time limit
    per VROOM solve (the deadline widening may solve more than once).
    """
    t_all = time.perf_counter()
    validate_input(visits, days, matrix)
    ctx = _Ctx(visits, days, matrix)
    reasons: dict[int, str] = {}
    for j in range(len(visits)):
        if all(
            min(ctx.D[ctx.base[di]][ctx.loc[j]], ctx.D[ctx.loc[j]][ctx.base[di]]) >= UNREACHABLE_S
            for di in range(len(days))
        ):
            reasons[j] = "unreachable"
        elif all(ctx.schedule(di, [j]) is None for di in range(len(days))):
            reasons[j] = "outside_hours"
    plannable = [j for j in range(len(visits)) if j not in reasons]
    k = _deadlines(ctx, plannable)
    k_estimated = dict(k)
    seqs: dict[int, list[int]] = {}
    dropped: list[int] = []
    solver_ms, solves = 0.0, 0
    while plannable:
        seqs, dropped, ms = _solve(ctx, plannable, k, exploration, threads, timeout_s)
        solver_ms, solves = solver_ms + ms, solves + 1
        widened = False
        for t in (0, 1):
            late = [j for j in dropped if ctx.tier[j] == t and ctx.win[j] is None]
            if k[t] < ctx.n_dates and late:
                # first by the estimate, then at once to all dates: each solve costs as much as the first
                k[t] = min(ctx.n_dates, k[t] + _extra_dates(ctx, late, k[t])) if solves == 1 else ctx.n_dates
                widened = True
        k[1] = max(k[1], k[0])
        if not widened:
            break
    dropped, inserts, swaps = _repair(ctx, seqs, dropped, k)
    for j in dropped:
        reasons[j] = "not_enough_days"
    routes = [_route(ctx, di, seq, matrix) for di, seq in sorted(seqs.items()) if seq]
    routes.sort(key=lambda r: (r.day, r.vehicle))
    unscheduled = [Unscheduled(visits[j].key, r, REASON_LABELS[r]) for j, r in sorted(reasons.items())]
    counts = {r: sum(1 for u in unscheduled if u.reason == r) for r in REASON_LABELS}
    dates = sorted({w.day for w in days})
    summary = {
        "houses": len(visits),
        "houses_planned": sum(len(r.stops) for r in routes),
        "houses_unscheduled": len(unscheduled),
        "unscheduled_by_reason": counts,
        "routes": len(routes),
        "total_duration_s": sum(r.duration_s for r in routes),
        "total_travel_s": sum(r.travel_s for r in routes),
        "total_distance_m": sum(r.distance_m for r in routes),
        "total_service_s": sum(visits[j].service_s for seq in seqs.values() for j in seq),
        "planned_by_priority": {
            p: sum(1 for seq in seqs.values() for j in seq if visits[j].priority == p) for p in PRIORITIES
        },
        "tier_deadlines": {"collapse_risk": k[0], "near_school": k[1], "normal": k[2]},
        "tier_deadlines_estimated": {"collapse_risk": k_estimated[0], "near_school": k_estimated[1]},
        "tier_deadline_dates": {
            "collapse_risk": dates[k[0] - 1].isoformat(),
            "near_school": dates[k[1] - 1].isoformat(),
        },
        "vroom_priorities": dict(VROOM_PRIORITY),
        "working_dates": len(dates),
        "solver_ms": round(solver_ms, 1),
        "solves": solves,
        "plan_ms": round((time.perf_counter() - t_all) * 1000, 1),
        "repair_inserts": inserts,
        "repair_swaps": swaps,
        "exploration": exploration,
        "threads": threads,
        "epoch": ctx.epoch.isoformat(),
        "provider": matrix.provider,
    }
    return RoutePlan(days=routes, unscheduled=unscheduled, summary=summary)
