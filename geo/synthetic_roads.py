"""Synthetic, reproducible county road networks around the settlements of sampling units (demo and bench).

No offline source has Gansu's road network under a licence this project can ship, so the demo routes on a
generated one. It is plausible, not real: roads run where the synthetic frame's houses are, not where the
real roads are. Every line this module returns is synthetic; the loader labels the network as such.

How a unit's network is made (numpy, scipy and shapely; no database), in the unit's local metric plane
(equirectangular about its county seat, good to a few tenths of a percent over a county):

1. **Trunk roads.** A minimum spanning tree over the township seats (row 0 is the county seat): county
   roads (县道, class ``county``), those leaving the county seat provincial roads (省道, ``provincial``).
2. **Village roads.** The houses are binned on a square grid of ``RoadSpec.cell_m``; each populated cell
   gets a node at its houses' mean position. Kruskal over the k nearest neighbours of every node, the seats
   already joined by the trunk, connects every node (乡道 ``township`` when a seat is an end, else 村道
   ``village``); a share ``RoadSpec.loops`` of the short links left over closes loops.
3. **Town streets.** A rotated street grid (``urban``, spacing ``RoadSpec.block_m``) around each seat,
   its radius growing with the houses around the seat; the grid's two middle streets pass through the seat.
4. **National roads.** Between units, a minimum spanning tree over the county seats (国道 ``national``),
   so that the units of a plan form one connected network.
5. **Field tracks** (benchmarks only): a lattice of spacing ``RoadSpec.tracks_m`` over the houses' extent.

Roads bend: interior points every ~250 m are offset sideways by a smooth random curve (tapering to zero at
the ends), so ends still meet exactly. Lines meet at shared end points or cross; the importer nodes them.
Determinism: every random stream is ``default_rng(SeedSequence([seed, unit code, stream]))``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import minimum_spanning_tree
from scipy.spatial import cKDTree

M_PER_DEG_LAT = 110_574.0
M_PER_DEG_LON_EQUATOR = 111_320.0
SEGMENT_M = 250.0
#: Road classes this generator emits (a subset of service.roads.classes.ROAD_CLASSES).
CLASSES = ("national", "provincial", "county", "township", "village", "urban")


@dataclass(frozen=True)
class UnitPlaces:
    """Where a unit's people live: township seats (row 0 the county seat), houses around each, houses."""

    code: str
    seats: np.ndarray  # (k, 2) lon/lat
    seat_houses: np.ndarray  # (k,) houses near each seat (sets a town's size)
    houses: np.ndarray  # (m, 2) lon/lat


@dataclass(frozen=True)
class RoadSpec:
    """Parameters of a synthetic network; the same spec and places always give the same lines."""

    seed: int = 20241021
    cell_m: float = 1500.0  # village roads reach one node per populated cell of this size
    block_m: float = 300.0  # street spacing in towns
    loops: float = 0.15  # share of the short links left over that close loops
    wiggle_m: float = 60.0  # amplitude of a road's bends
    tracks_m: float | None = None  # spacing of field tracks over the houses' extent (None: none)
    max_town_radius_m: float = 2500.0


def generate_roads(units: Sequence[UnitPlaces], spec: RoadSpec | None = None) -> pd.DataFrame:
    """Lines of a synthetic network over ``units``: columns ``road_class``, ``name``, ``unit_code`` and
    ``geometry`` (shapely LineStrings in lon/lat, EPSG:4490)."""
    spec = spec or RoadSpec()
    parts: list[tuple[str, str, str, np.ndarray]] = []
    for unit in units:
        parts += _unit_roads(unit, spec)
    parts += _national_roads(units, spec)
    coords = np.vstack([p[3] for p in parts]) if parts else np.empty((0, 2))
    index = np.repeat(np.arange(len(parts)), [len(p[3]) for p in parts])
    geoms = shapely.linestrings(coords, indices=index) if parts else np.array([], dtype=object)
    return pd.DataFrame(
        {"road_class": [p[0] for p in parts], "name": [p[1] for p in parts], "unit_code": [p[2] for p in parts],
         "geometry": list(geoms)}
    )  # fmt: skip


# ---------------------------------------------------------------------------------------------------------


def _rng(seed: int, code: str, stream: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([seed, int(code) if code.isdigit() else 0, stream]))


@dataclass(frozen=True)
class _Plane:
    lon0: float
    lat0: float

    @property
    def kx(self) -> float:
        return M_PER_DEG_LON_EQUATOR * math.cos(math.radians(self.lat0))

    def to_m(self, lonlat: np.ndarray) -> np.ndarray:
        lonlat = np.asarray(lonlat, dtype=float).reshape(-1, 2)
        return np.column_stack(
            [(lonlat[:, 0] - self.lon0) * self.kx, (lonlat[:, 1] - self.lat0) * M_PER_DEG_LAT]
        )

    def to_deg(self, xy: np.ndarray) -> np.ndarray:
        return np.column_stack([xy[:, 0] / self.kx + self.lon0, xy[:, 1] / M_PER_DEG_LAT + self.lat0])


def _bent(a: np.ndarray, b: np.ndarray, rng: np.random.Generator, wiggle_m: float) -> np.ndarray:
    """Points from a to b (metres) with smooth sideways bends; the ends stay exactly a and b."""
    d = b - a
    length = float(np.hypot(*d))
    n = max(1, math.ceil(length / SEGMENT_M))
    t = np.linspace(0.0, 1.0, n + 1)
    pts = a + np.outer(t, d)
    if n > 1 and length > 0:
        normal = np.array([-d[1], d[0]]) / length
        amp = wiggle_m * min(1.0, length / 1500.0)
        waves = rng.integers(1, 4, size=2)
        phase = rng.uniform(0, 2 * math.pi, size=2)
        offset = (
            amp
            * np.sin(math.pi * t)
            * (
                0.7 * np.sin(waves[0] * math.pi * t + phase[0])
                + 0.3 * np.sin(waves[1] * 2 * math.pi * t + phase[1])
            )
        )
        pts = pts + np.outer(offset, normal)
        pts[0], pts[-1] = a, b
    return pts


def _mst_pairs(
    points: np.ndarray, preset: list[tuple[int, int]] | None = None, k: int = 8
) -> list[tuple[int, int]]:
    """Edges of a spanning forest over the k-nearest-neighbour graph (Kruskal); ``preset`` pairs count as
    already joined (they are not returned)."""
    n = len(points)
    if n < 2:
        return []
    tree = cKDTree(points)
    dist, idx = tree.query(points, k=min(k + 1, n))
    rows = np.repeat(np.arange(n), idx.shape[1] - 1)
    cols = idx[:, 1:].ravel()
    w = dist[:, 1:].ravel()
    order = np.argsort(w, kind="stable")
    parent = np.arange(n)

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in preset or []:
        parent[find(i)] = find(j)
    out = []
    for e in order:
        i, j = int(rows[e]), int(cols[e])
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[ri] = rj
            out.append((i, j))
    # Clusters the k-NN graph left apart: join each to its nearest node outside it.
    roots = {find(i) for i in range(n)}
    while len(roots) > 1:
        labels = np.array([find(i) for i in range(n)])
        inside = labels == labels[0]
        a_idx, b_idx = np.flatnonzero(inside), np.flatnonzero(~inside)
        d, j = cKDTree(points[b_idx]).query(points[a_idx])
        best = int(np.argmin(d))
        i, jj = int(a_idx[best]), int(b_idx[j[best]])
        parent[find(i)] = find(jj)
        out.append((i, jj))
        roots = {find(i) for i in range(n)}
    return out


def _unit_roads(unit: UnitPlaces, spec: RoadSpec) -> list[tuple[str, str, str, np.ndarray]]:
    seats_ll = np.asarray(unit.seats, dtype=float).reshape(-1, 2)
    if len(seats_ll) == 0:
        return []
    plane = _Plane(float(seats_ll[0, 0]), float(seats_ll[0, 1]))
    seats = plane.to_m(seats_ll)
    houses = plane.to_m(unit.houses) if len(unit.houses) else np.empty((0, 2))
    rng = _rng(spec.seed, unit.code, 1)
    out: list[tuple[str, str, str, np.ndarray]] = []

    def add(kind: str, name: str, pts: np.ndarray) -> None:
        out.append((kind, name, unit.code, plane.to_deg(pts)))

    # 1. Trunk roads between township seats.
    for n, (i, j) in enumerate(_mst_pairs(seats)):
        kind = "provincial" if 0 in (i, j) else "county"
        add(kind, f"{'S' if kind == 'provincial' else 'X'}{int(unit.code[-2:]) * 10 + n + 100}",
            _bent(seats[i], seats[j], rng, spec.wiggle_m))  # fmt: skip
    # 2. Village roads to the populated cells.
    if len(houses):
        cells = np.floor(houses / spec.cell_m).astype(np.int64)
        _, inverse, counts = np.unique(cells, axis=0, return_inverse=True, return_counts=True)
        inverse = inverse.ravel()
        centres = np.column_stack([np.bincount(inverse, houses[:, c]) / counts for c in (0, 1)])
        far = cKDTree(seats).query(centres)[0] > spec.block_m  # a cell at a seat is served by its streets
        nodes = np.vstack([seats, centres[far]])
        k = len(seats)
        chain = [(0, i) for i in range(1, k)]
        links = _mst_pairs(nodes, preset=chain)
        used = {tuple(sorted(p)) for p in links}
        for n, (i, j) in enumerate(links):
            kind = "township" if min(i, j) < k else "village"
            add(
                kind,
                f"{'Y' if kind == 'township' else 'C'}{n + 1:03d}",
                _bent(nodes[i], nodes[j], rng, spec.wiggle_m / 2),
            )
        if spec.loops > 0 and len(nodes) > 3:
            dist, idx = cKDTree(nodes).query(nodes, k=min(4, len(nodes)))
            extra = [(i, int(j)) for i in range(len(nodes)) for d, j in zip(dist[i, 1:], idx[i, 1:], strict=True)
                     if d < 2 * spec.cell_m and tuple(sorted((i, int(j)))) not in used and i < j]  # fmt: skip
            chosen = rng.random(len(extra)) < spec.loops
            for n, (i, j) in enumerate(p for p, c in zip(extra, chosen, strict=True) if c):
                add(
                    "village", f"C{len(links) + n + 1:03d}", _bent(nodes[i], nodes[j], rng, spec.wiggle_m / 2)
                )
    # 3. Town streets around each seat.
    weights = np.asarray(unit.seat_houses, dtype=float)
    for s in range(len(seats)):
        radius = float(
            np.clip(math.sqrt(max(weights[s], 1.0)) * 30.0, 2 * spec.block_m, spec.max_town_radius_m)
        )
        if s == 0:
            radius = max(radius, min(spec.max_town_radius_m, 4 * spec.block_m))
        out += [
            (kind, name, unit.code, plane.to_deg(p))
            for kind, name, p in _town_grid(seats[s], radius, spec, rng)
        ]
    # 5. Field tracks.
    if spec.tracks_m and len(houses):
        out += [
            ("village", "田间道路", unit.code, plane.to_deg(p)) for p in _lattice(houses, spec.tracks_m, rng)
        ]
    return out


def _town_grid(centre: np.ndarray, radius: float, spec: RoadSpec, rng) -> list[tuple[str, str, np.ndarray]]:
    """Streets on a rotated grid inside a circle; streets 0 pass through the centre (a vertex there)."""
    angle = rng.uniform(0, math.pi / 2)
    u = np.array([math.cos(angle), math.sin(angle)])
    v = np.array([-u[1], u[0]])
    n = int(radius // spec.block_m)
    out = []
    for axis, across, label in ((u, v, "路"), (v, u, "街")):
        for i in range(-n, n + 1):
            offset = i * spec.block_m
            half = math.sqrt(max(radius * radius - offset * offset, 0.0))
            if half < spec.block_m / 2:
                continue
            steps = (
                np.arange(-math.floor(half / spec.block_m), math.floor(half / spec.block_m) + 1)
                * spec.block_m
            )
            pts = centre + np.outer(steps, axis) + offset * across
            if len(pts) >= 2:
                out.append(("urban", f"{'东西南北'[(i + n) % 4]}{abs(i) + 1}{label}", pts))
    return out


def _lattice(houses: np.ndarray, spacing: float, rng) -> list[np.ndarray]:
    lo, hi = houses.min(axis=0), houses.max(axis=0)
    out = []
    jitter = spacing * 0.1
    xs = np.arange(lo[0], hi[0] + spacing, spacing)
    ys = np.arange(lo[1], hi[1] + spacing, spacing)
    for x in xs:
        out.append(np.column_stack([x + rng.uniform(-jitter, jitter, len(ys)), ys]))
    for y in ys:
        out.append(np.column_stack([xs, y + rng.uniform(-jitter, jitter, len(xs))]))
    return out


def _national_roads(units: Sequence[UnitPlaces], spec: RoadSpec) -> list[tuple[str, str, str, np.ndarray]]:
    seats = np.array([np.asarray(u.seats, dtype=float).reshape(-1, 2)[0] for u in units if len(u.seats)])
    if len(seats) < 2:
        return []
    plane = _Plane(float(seats[:, 0].mean()), float(seats[:, 1].mean()))
    xy = plane.to_m(seats)
    n = len(xy)
    i, j = np.triu_indices(n, 1)
    d = np.hypot(*(xy[i] - xy[j]).T)
    tree = minimum_spanning_tree(coo_matrix((d, (i, j)), shape=(n, n))).tocoo()
    rng = _rng(spec.seed, "0", 5)
    out = []
    for m, (a, b) in enumerate(sorted(zip(tree.row.tolist(), tree.col.tolist(), strict=True))):
        pts = plane.to_deg(_bent(xy[a], xy[b], rng, spec.wiggle_m * 4))
        pts[0], pts[-1] = seats[a], seats[b]  # exactly the county seats, where the unit's roads start
        out.append(("national", f"G{300 + m}", "", pts))
    return out
