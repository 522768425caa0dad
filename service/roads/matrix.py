"""The ``road`` travel-time provider: what field work calls to plan routes on an imported road network.

- ``covering_network(session, unit_codes)``: the newest network that covers every unit (docs/roads.md).
- ``road_matrix(session, network_id, locations)``: a :class:`geo.travel.TravelMatrix` (provider ``road``).
- ``road_lines(session, network_id, legs)``: the line driven for each leg, lon/lat EPSG:4490.

Each location is snapped to its nearest vertex (KNN ``<->``) and reaches it by an access leg: the straight
line at ``ACCESS_SPEED_KMH``. Times between vertices are pgRouting's fastest paths (``pgr_dijkstra`` many
to many on ``cost_s``/``reverse_cost_s``, one-way lines honoured) over the edges inside the locations' box
plus a margin; distances are the lengths of those same paths. Two places closer to each other than the
road detour takes use the straight line at the access speed. Pairs without a path inside the box but in
one component are routed again on the whole network; pairs in different components (or not connected in
the directions driven) get the fallback estimate: the geodesic distance × ``FALLBACK_DETOUR`` at
``FALLBACK_SPEED_KMH``, counted in ``detail["fallback_pairs"]``.
"""

from __future__ import annotations

import numpy as np
import shapely
from pyproj import Geod
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.travel import TravelMatrix
from service.core.errors import InvalidInput, NotFound
from service.core.queries import SqlFiles

SQL = SqlFiles("service.roads")

ACCESS_SPEED_KMH = 15.0  # from a house to its nearest vertex: lanes, yards, the last bit on foot
FALLBACK_DETOUR = 1.4  # road distance / geodesic distance where the network has no path
FALLBACK_SPEED_KMH = 30.0
MARGIN_DEG = 0.05  # the routing box: the locations' box grown by this (about 5 km) ...
MARGIN_SHARE = 0.25  # ... or by this share of its larger side, whichever is more
_GEOD = Geod(ellps="GRS80")
MAX_LOCATIONS = 2_000


def covering_network(session: Session, unit_codes: list[str]) -> int | None:
    """The newest network covering all of ``unit_codes`` (coverage rule: docs/roads.md), else None."""
    if not unit_codes:
        return None
    return session.execute(SQL.one("covering_network"), {"units": sorted(set(unit_codes))}).scalar()


def _geodesic_m(points: np.ndarray) -> np.ndarray:
    """Geodesic distances (m) between every pair of lon/lat rows, on CGCS2000's ellipsoid (GRS80)."""
    n = len(points)
    i, j = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    _, _, d = _GEOD.inv(points[i.ravel(), 0], points[i.ravel(), 1], points[j.ravel(), 0], points[j.ravel(), 1])
    return np.asarray(d, dtype=float).reshape(n, n)


def _box(points: np.ndarray) -> dict:
    lo, hi = points.min(axis=0), points.max(axis=0)
    margin = max(MARGIN_DEG, MARGIN_SHARE * float((hi - lo).max()))
    return {"xmin": float(lo[0] - margin), "ymin": float(lo[1] - margin), "xmax": float(hi[0] + margin),
            "ymax": float(hi[1] + margin)}


_WHOLE = {"xmin": -180.0, "ymin": -90.0, "xmax": 180.0, "ymax": 90.0}


def _check(session: Session, network_id: int, points: np.ndarray) -> None:
    if not session.execute(text("SELECT EXISTS (SELECT 1 FROM road_network WHERE id = :n)"), {"n": network_id}).scalar():
        raise NotFound(f"未找到编号为 {network_id} 的路网。", f"No road network has the id {network_id}.")
    if len(points) > MAX_LOCATIONS or not np.isfinite(points).all():
        raise InvalidInput(f"地点应为有限的经纬度，至多 {MAX_LOCATIONS} 个。",
                           f"Locations must be finite lon/lat, at most {MAX_LOCATIONS}.")  # fmt: skip


def _snap(session: Session, network_id: int, points: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Nearest vertex, its component and the distance to it (m), per location."""
    rows = session.execute(
        SQL.one("snap"), {"network": network_id, "lon": points[:, 0].tolist(), "lat": points[:, 1].tolist()}
    ).all()
    if len(rows) != len(points):
        raise InvalidInput("该路网没有节点，无法计算路线。", "The network has no vertex.")
    return (np.array([r.vertex for r in rows], dtype=np.int64), np.array([r.component or 0 for r in rows]),
            np.array([r.d for r in rows], dtype=float))  # fmt: skip


def _paths(session: Session, network_id: int, sources: list[int], targets: list[int], box: dict) -> dict:
    """(source, target) -> (seconds, metres) of the fastest paths inside ``box``."""
    if not sources or not targets:
        return {}
    rows = session.execute(SQL.one("path_matrix"), {"network": network_id, "sources": sources, "targets": targets,
                                                    **box}).all()  # fmt: skip
    return {(r.start_vid, r.end_vid): (float(r.seconds), float(r.metres)) for r in rows}


def road_matrix(session: Session, network_id: int, locations: list[tuple[float, float]]) -> TravelMatrix:
    """Durations (s) and distances (m) between ``locations`` (lon, lat EPSG:4490) on network ``network_id``."""
    points = np.asarray(locations, dtype=float).reshape(-1, 2)
    _check(session, network_id, points)
    n = len(points)
    if n == 0:
        empty = np.zeros((0, 0), dtype=np.int64)
        return TravelMatrix((), empty, empty.copy(), "road", _note(network_id, 0), {"network_id": network_id})
    vertex, component, access_m = _snap(session, network_id, points)
    access_s = access_m / (ACCESS_SPEED_KMH / 3.6)
    vids = sorted(set(vertex.tolist()))
    box = _box(points)
    found = _paths(session, network_id, vids, vids, box)
    comp_of = dict(zip(vertex.tolist(), component.tolist(), strict=True))
    missing = [(a, b) for a in vids for b in vids if a != b and (a, b) not in found and comp_of[a] == comp_of[b]]
    rerouted = 0
    if missing:  # a path leaving the box: route those sources again on the whole network
        again = _paths(session, network_id, sorted({a for a, _ in missing}), sorted({b for _, b in missing}), _WHOLE)
        rerouted = sum(1 for pair in missing if pair in again)
        found.update({pair: again[pair] for pair in missing if pair in again})
    geo_m = _geodesic_m(points)
    # Vertex to vertex (s, m) as arrays over ``vids``: NaN where no path was found, 0 from a vertex to itself.
    net_s, net_m = np.full((len(vids), len(vids)), np.nan), np.full((len(vids), len(vids)), np.nan)
    if found:
        at = np.searchsorted(vids, np.array(list(found), dtype=np.int64))
        net_s[at[:, 0], at[:, 1]], net_m[at[:, 0], at[:, 1]] = np.array(list(found.values()), dtype=float).T
    np.fill_diagonal(net_s, 0.0)
    np.fill_diagonal(net_m, 0.0)
    at = np.searchsorted(vids, vertex)
    net_s, net_m = net_s[np.ix_(at, at)], net_m[np.ix_(at, at)]
    off = ~np.eye(n, dtype=bool)
    lost = np.isnan(net_s) & off
    durations = access_s[:, None] + net_s + access_s[None, :]
    distances = access_m[:, None] + net_m + access_m[None, :]
    direct_t = geo_m / (ACCESS_SPEED_KMH / 3.6)
    direct = direct_t < durations  # False where no path (NaN)
    durations, distances = np.where(direct, direct_t, durations), np.where(direct, geo_m, distances)
    distances = np.where(lost, geo_m * FALLBACK_DETOUR, distances)
    durations = np.where(lost, distances / (FALLBACK_SPEED_KMH / 3.6), durations)
    durations[~off], distances[~off] = 0.0, 0.0
    fallback = int(lost.sum())
    detail = {
        "network_id": network_id, "vertices": len(vids), "fallback_pairs": fallback, "rerouted_pairs": rerouted,
        "access_speed_kmh": ACCESS_SPEED_KMH, "max_access_m": round(float(access_m.max()), 1),
        "fallback_detour": FALLBACK_DETOUR, "fallback_speed_kmh": FALLBACK_SPEED_KMH,
        "box": [round(box[k], 6) for k in ("xmin", "ymin", "xmax", "ymax")],
    }  # fmt: skip
    return TravelMatrix(
        tuple((float(x), float(y)) for x, y in points), np.rint(durations).astype(np.int64),
        np.rint(distances).astype(np.int64), "road", _note(network_id, fallback), detail,
    )  # fmt: skip


def _note(network_id: int, fallback: int) -> str:
    note = (f"路网 {network_id} 上的最快路线（pgRouting）；房屋到最近路网节点按直线 {ACCESS_SPEED_KMH:g} 公里/小时计。")
    if fallback:
        note += (f"其中 {fallback} 对地点之间路网不连通，按直线距离×{FALLBACK_DETOUR:g}、"
                 f"{FALLBACK_SPEED_KMH:g} 公里/小时估算。")  # fmt: skip
    return note


def road_lines(
    session: Session, network_id: int, legs: list[tuple[tuple[float, float], tuple[float, float]]]
) -> list[list[tuple[float, float]]]:
    """The line driven for each leg (from, to): from the start to its vertex, the fastest path, to the end.
    A leg without a path in the network is the straight line between its ends."""
    if not legs:
        return []
    ends = np.asarray(legs, dtype=float).reshape(-1, 2)
    _check(session, network_id, ends)
    vertex, _, _ = _snap(session, network_id, ends)
    starts, stops = vertex[0::2], vertex[1::2]
    pairs = sorted({(int(a), int(b)) for a, b in zip(starts, stops, strict=True) if a != b})
    lines: dict[tuple[int, int], list[tuple[float, float]]] = {}
    for box in (_box(ends), _WHOLE):
        todo = [p for p in pairs if p not in lines]
        if not todo:
            break
        rows = session.execute(SQL.one("leg_paths"), {
            "network": network_id, "sources": [a for a, _ in todo], "targets": [b for _, b in todo], **box,
        }).all()  # fmt: skip
        for r in rows:
            coords = shapely.get_coordinates(shapely.from_wkb(r.wkb)).tolist()
            path = lines.setdefault((r.start_vid, r.end_vid), [])
            path += coords[1:] if path and path[-1] == coords[0] else coords
    same = sorted({int(a) for a, b in zip(starts, stops, strict=True) if a == b})  # legs on one vertex
    rows = session.execute(text("SELECT id, ST_X(geom), ST_Y(geom) FROM road_vertex WHERE id = ANY(CAST(:v AS bigint[]))"),
                           {"v": same}).all() if same else []  # fmt: skip
    vertex_xy = {r[0]: (float(r[1]), float(r[2])) for r in rows}
    out = []
    for k, ((a_lon, a_lat), (b_lon, b_lat)) in enumerate(legs):
        pair = (int(starts[k]), int(stops[k]))
        middle = [] if pair[0] == pair[1] else lines.get(pair)
        if middle is None:
            out.append([(float(a_lon), float(a_lat)), (float(b_lon), float(b_lat))])
            continue
        path = [(float(a_lon), float(a_lat))]
        path += [(float(x), float(y)) for x, y in middle] if middle else [vertex_xy[pair[0]]]
        path.append((float(b_lon), float(b_lat)))
        out.append([p for k, p in enumerate(path) if k == 0 or p != path[k - 1]])
    return out
