"""Automatic assignment of a firm's drawn houses to its teams, balanced by workload per vehicle.

**Workload** of a group of houses G for team T (seconds):
  service(G) + within(G) + trips(G) × 2 × travel(base_T → centre of G)
where within(G) is the Beardwood-Halton-Hammersley estimate of a tour through G's n houses,
0.7124 × sqrt(n × A) (A the area of their bounding box) plus the per-leg access allowance, driven with
the unit's rural factors of ``geo.travel_estimate``; trips(G) = ceil((service + within) / 7.5 h), the
vehicle-days G takes, each with a round trip from the base (same estimate; no base: 0). A team's load is
the sum over its groups divided by its vehicles.

**Groups.** A unit (county-level sampling unit) is one group and is never split across teams, unless
``split_units``: then a unit larger than half an average vehicle's load is cut into angular sectors around
its centre (contiguous by bearing, starting at the widest empty bearing, equal house counts) of about
half a vehicle's load each (at most two per vehicle), and sectors go to teams independently.

**Fixed houses** (assigned by hand) stay where they are and count in their team's load. Without
``split_units`` the rest of a unit follows the team holding most of its fixed houses' service time (ties:
the lower team id), so a unit is only split where the user split it by hand.

**Heuristic.** Longest processing time first: groups by decreasing team-independent work (service +
within), each to the team whose load after taking it is least (the travel term makes near teams win
ties); then improving moves: move one group from the most loaded team to another, or swap two groups,
whichever lowers the largest load most, until nothing improves (at most 500 moves). Everything is sorted
by unit code, sector and team id: the same input gives the same output.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from geo.travel_estimate import ACCESS_S, CLASSES, geodesic_matrix, location_class

WORKDAY_S = 7.5 * 3600
BHH = 0.7124
MAX_MOVES = 500


@dataclass(frozen=True)
class HouseLoad:
    """A drawn house to assign: its unit, position (lon, lat EPSG:4490) and service seconds."""

    key: int
    unit_code: str
    lon: float
    lat: float
    service_s: int


@dataclass(frozen=True)
class TeamLoad:
    """A team with its base (lon, lat) if known and how many vehicles (sub-teams) it fields."""

    team_id: int
    base: tuple[float, float] | None
    vehicles: int = 1


@dataclass
class _Group:
    unit: str
    part: int
    keys: list[int]
    lon: float
    lat: float
    work: float  # service + within
    fixed_team: int | None = None
    movable: bool = True


def _group(unit: str, part: int, hs: list[HouseLoad]) -> _Group:
    lon = np.array([h.lon for h in hs])
    lat = np.array([h.lat for h in hs])
    f = CLASSES[location_class(unit, False)]
    kx = 111_320.0 * math.cos(math.radians(float(lat.mean())))
    area = max((lon.max() - lon.min()) * kx * (lat.max() - lat.min()) * 110_570.0, 1.0)
    road = BHH * math.sqrt(len(hs) * area) * f.circuity
    within = road / (f.local_kmh / 3.6) + ACCESS_S * len(hs)
    work = sum(h.service_s for h in hs) + within
    return _Group(unit, part, sorted(h.key for h in hs), float(lon.mean()), float(lat.mean()), work)


def _sectors(hs: list[HouseLoad], m: int) -> list[list[HouseLoad]]:
    if m <= 1 or len(hs) <= 1:
        return [hs]
    cx, cy = np.mean([h.lon for h in hs]), np.mean([h.lat for h in hs])
    ang = np.array([math.atan2(h.lat - cy, (h.lon - cx) * math.cos(math.radians(cy))) for h in hs])
    order = sorted(range(len(hs)), key=lambda i: (ang[i], hs[i].key))
    a = ang[order]
    gaps = np.diff(np.concatenate([a, [a[0] + 2 * math.pi]]))
    start = (int(np.argmax(gaps)) + 1) % len(hs)
    order = order[start:] + order[:start]
    cuts = np.array_split(np.array(order), m)
    return [[hs[i] for i in c] for c in cuts if len(c)]


def _costs(groups: list[_Group], teams: list[TeamLoad]) -> np.ndarray:
    """cost[g, t] = work + base round trips, in seconds (before dividing by vehicles)."""
    cost = np.array([[g.work] * len(teams) for g in groups], dtype=float).reshape(len(groups), len(teams))
    with_base = [i for i, t in enumerate(teams) if t.base is not None]
    if not with_base or not groups:
        return cost
    locs = [(g.lon, g.lat) for g in groups] + [teams[i].base for i in with_base]
    classes = [location_class(g.unit, False) for g in groups] + ["urban"] * len(with_base)
    mat = geodesic_matrix(locs, classes).durations
    for gi, g in enumerate(groups):
        trips = max(1, math.ceil(g.work / WORKDAY_S))
        for bi, ti in enumerate(with_base):
            cost[gi, ti] += trips * 2 * float(mat[len(groups) + bi, gi])
    return cost


def assign_houses(
    houses: list[HouseLoad],
    teams: list[TeamLoad],
    *,
    split_units: bool = False,
    fixed: dict[int, int] | None = None,
) -> dict[int, int]:
    """House key -> team id for every house (see the module docstring)."""
    if not teams:
        raise ValueError("no teams to assign to")
    teams = sorted(teams, key=lambda t: t.team_id)
    tid = {t.team_id: i for i, t in enumerate(teams)}
    if len(tid) != len(teams) or any(t.vehicles < 1 for t in teams):
        raise ValueError("team ids must be unique and every team needs a vehicle")
    keys = {h.key for h in houses}
    if len(keys) != len(houses):
        raise ValueError("duplicate house keys")
    fixed = dict(fixed or {})
    if set(fixed) - keys or set(fixed.values()) - set(tid):
        raise ValueError("fixed assignments name unknown houses or teams")

    by_unit: dict[str, list[HouseLoad]] = {}
    for h in sorted(houses, key=lambda h: (h.unit_code, h.key)):
        by_unit.setdefault(h.unit_code, []).append(h)
    groups: list[_Group] = []
    free_units: dict[str, list[HouseLoad]] = {}
    for unit, hs in by_unit.items():
        pinned: dict[int, list[HouseLoad]] = {}
        for h in hs:
            if h.key in fixed:
                pinned.setdefault(fixed[h.key], []).append(h)
        for team, phs in sorted(pinned.items()):
            g = _group(unit, -1 - team, phs)
            g.fixed_team, g.movable = tid[team], False
            groups.append(g)
        rest = [h for h in hs if h.key not in fixed]
        if not rest:
            continue
        if pinned and not split_units:
            owner = max(sorted(pinned), key=lambda t: sum(h.service_s for h in pinned[t]))
            g = _group(unit, 0, rest)
            g.fixed_team, g.movable = tid[owner], False
            groups.append(g)
        else:
            free_units[unit] = rest

    free = [_group(u, 0, hs) for u, hs in free_units.items()]
    if split_units and free:
        n_veh = sum(t.vehicles for t in teams)
        per_vehicle = (sum(g.work for g in groups) + sum(g.work for g in free)) / n_veh
        split: list[_Group] = []
        for g in free:
            m = min(2 * n_veh, max(1, math.ceil(g.work / (0.5 * per_vehicle))))
            parts = _sectors(free_units[g.unit], m)
            split += [_group(g.unit, i, p) for i, p in enumerate(parts)] if len(parts) > 1 else [g]
        free = split
    groups += free
    cost = _costs(groups, teams)
    veh = np.array([t.vehicles for t in teams], dtype=float)
    where = [-1] * len(groups)
    load = np.zeros(len(teams))
    for gi, g in enumerate(groups):
        if g.fixed_team is not None:
            where[gi] = g.fixed_team
            load[g.fixed_team] += cost[gi, g.fixed_team] / veh[g.fixed_team]
    order = sorted((gi for gi, g in enumerate(groups) if g.movable), key=lambda gi: (-groups[gi].work, gi))
    for gi in order:
        after = load + cost[gi] / veh
        ti = int(np.argmin(after))
        where[gi], load[ti] = ti, after[ti]
    _improve(groups, cost, veh, where, load)
    return {k: teams[where[gi]].team_id for gi, g in enumerate(groups) for k in g.keys}


def _improve(groups, cost, veh, where, load) -> None:
    movable = [gi for gi, g in enumerate(groups) if g.movable]
    for _ in range(MAX_MOVES):
        top = int(np.argmax(load))
        best, best_max = None, load[top] - 1e-6
        mine = [gi for gi in movable if where[gi] == top]
        for gi in mine:
            a = load[top] - cost[gi, top] / veh[top]
            for u in range(len(load)):
                if u == top:
                    continue
                b = load[u] + cost[gi, u] / veh[u]
                peak = max(a, b, *(load[x] for x in range(len(load)) if x not in (top, u)))
                if peak < best_max:
                    best, best_max = (gi, None, u), peak
                for hi in (h for h in movable if where[h] == u):
                    a2 = a + cost[hi, top] / veh[top]
                    b2 = b - cost[hi, u] / veh[u]
                    peak = max(a2, b2, *(load[x] for x in range(len(load)) if x not in (top, u)))
                    if peak < best_max:
                        best, best_max = (gi, hi, u), peak
        if best is None:
            return
        gi, hi, u = best
        load[top] -= cost[gi, top] / veh[top]
        load[u] += cost[gi, u] / veh[u]
        where[gi] = u
        if hi is not None:
            load[u] -= cost[hi, u] / veh[u]
            load[top] += cost[hi, top] / veh[top]
            where[hi] = top


def team_workloads(
    houses: list[HouseLoad], teams: list[TeamLoad], assignment: dict[int, int]
) -> dict[int, float]:
    """Estimated workload per vehicle (seconds) of each team under ``assignment``, by the same estimate.

    Each team's houses of one unit form one group: exactly what ``assign_houses`` balances when units are
    whole (with split units the sectors' own estimates differ a little).
    """
    teams = sorted(teams, key=lambda t: t.team_id)
    tid = {t.team_id: i for i, t in enumerate(teams)}
    parts: dict[tuple[str, int], list[HouseLoad]] = {}
    for h in sorted(houses, key=lambda h: (h.unit_code, h.key)):
        parts.setdefault((h.unit_code, assignment[h.key]), []).append(h)
    ordered = sorted(parts)
    cost = _costs([_group(u, t, parts[u, t]) for u, t in ordered], teams)
    out = {t.team_id: 0.0 for t in teams}
    for gi, (_, team) in enumerate(ordered):
        out[team] += float(cost[gi, tid[team]]) / teams[tid[team]].vehicles
    return out
