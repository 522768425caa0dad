"""County profiles and the synthetic township polygons: seed points in the county's Gauss-Krueger zone,
Voronoi cells clipped to the real county polygon."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from shapely.ops import polylabel

from geo.crs import CGCS2000, gauss_kruger_epsg
from geo.synthetic.region import _DEV_ZONE_WORDS, _S_SEEDS, _T_OTHER, _T_STREET, _T_TOWN, _T_TOWNSHIP, _rng


@dataclass
class _CountyProfile:
    code: str
    name: str
    city_code: str
    geom: shapely.Geometry  # lon/lat MultiPolygon
    tship_codes: np.ndarray
    tship_names: np.ndarray
    tship_kinds: np.ndarray
    urban: bool  # district, county-level city or new area
    area_km2: float
    epsg: int

    @classmethod
    def make(cls, code, name, city_code, geom, tships: pd.DataFrame) -> _CountyProfile:
        epsg = gauss_kruger_epsg(shapely.centroid(geom).x)
        gk = _to_gk(geom, epsg)
        return cls(
            code=str(code),
            name=str(name),
            city_code=str(city_code),
            geom=geom,
            tship_codes=tships["code"].to_numpy(dtype=object),
            tship_names=tships["name"].to_numpy(dtype=object),
            tship_kinds=tships["kind"].to_numpy(dtype=object),
            urban=str(name).endswith(("区", "市")),
            area_km2=float(gk.area) / 1e6,
            epsg=epsg,
        )

    @property
    def short_name(self) -> str:
        name = self.name
        for suffix in (
            "回族自治县",
            "裕固族自治县",
            "蒙古族自治县",
            "哈萨克族自治县",
            "藏族自治县",
            "自治县",
        ):
            if name.endswith(suffix) and len(name) > len(suffix) + 1:
                return name[: -len(suffix)]
        if name.startswith("积石山"):
            return "积石山"
        if name.startswith("东乡"):
            return "东乡"
        return name[:-1] if len(name) > 2 else name


_TRANSFORMERS: dict[tuple[int, int], Transformer] = {}


def _transformer(src: int, dst: int) -> Transformer:
    key = (src, dst)
    if key not in _TRANSFORMERS:
        _TRANSFORMERS[key] = Transformer.from_crs(src, dst, always_xy=True)
    return _TRANSFORMERS[key]


def _to_gk(geom, epsg: int):
    tr = _transformer(CGCS2000, epsg)
    return shapely.transform(geom, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))


def _from_gk(geom, epsg: int):
    tr = _transformer(epsg, CGCS2000)
    return shapely.transform(geom, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))


@dataclass
class _Layout:
    polygons: list  # lon/lat MultiPolygons, in township code order
    seeds: np.ndarray  # (n, 2) lon/lat seat point of each township, strictly inside its polygon
    seat_town: int  # index of the seat town, or -1 when the county has streets


def _uniform_in(rng, prepared, bounds, n: int, batch: int = 256) -> np.ndarray:
    """``n`` points uniform in a prepared polygon (bbox rejection), as an (n, 2) array."""
    out = np.empty((0, 2))
    minx, miny, maxx, maxy = bounds
    while len(out) < n:
        pts = np.column_stack([rng.uniform(minx, maxx, batch), rng.uniform(miny, maxy, batch)])
        out = np.vstack([out, pts[shapely.contains_xy(prepared, pts[:, 0], pts[:, 1])]])
    return out[:n]


def _layout_townships(prof: _CountyProfile, seed: int) -> _Layout:
    rng = _rng(seed, prof.code, _S_SEEDS)
    gk = _to_gk(prof.geom, prof.epsg)
    shapely.prepare(gk)
    parts = shapely.get_parts(gk)
    seat = np.array(polylabel(parts[np.argmax(shapely.area(parts))], tolerance=100.0).coords[0])
    n = len(prof.tship_codes)
    kinds = prof.tship_kinds
    area = float(gk.area)
    n_street = int((kinds == _T_STREET).sum())
    radius = math.sqrt(area / math.pi)
    sigma_street = min(max(0.3 * radius * math.sqrt(max(n_street, 1) / n), 1200.0), 8000.0)
    seat_town = -1
    if n_street == 0:
        towns = np.flatnonzero(kinds == _T_TOWN)
        seat_town = int(towns[0]) if len(towns) else 0

    # Maximum distance from the seat to the county, for the outward lean of 乡.
    minx, miny, maxx, maxy = gk.bounds
    far = max(math.hypot(x - seat[0], y - seat[1]) for x in (minx, maxx) for y in (miny, maxy))
    d_rural = 0.45 * math.sqrt(area / n)
    d_street = 0.5 * math.sqrt(math.pi * (2 * sigma_street) ** 2 / max(n_street, 1))

    points: list[np.ndarray] = []
    for i in range(n):
        if i == seat_town:
            points.append(seat)
            continue
        kind = kinds[i]
        name = prof.tship_names[i]
        near_seat = kind == _T_STREET or (kind == _T_OTHER and any(w in name for w in _DEV_ZONE_WORDS))
        d_min = min(d_street, d_rural) if near_seat else d_rural
        sigma = sigma_street if kind == _T_STREET else 2.0 * sigma_street
        chosen = None
        for attempt in range(60):
            if near_seat and attempt < 40:
                cand = seat + rng.normal(size=(64, 2)) * sigma
                cand = cand[shapely.contains_xy(gk, cand[:, 0], cand[:, 1])]
            else:
                cand = _uniform_in(rng, gk, gk.bounds, 64)
                if kind == _T_TOWNSHIP:
                    dist = np.hypot(cand[:, 0] - seat[0], cand[:, 1] - seat[1]) / far
                    cand = cand[rng.random(len(cand)) < np.sqrt(dist)]
            if len(cand) and points:
                existing = np.array(points)
                dist = np.hypot(
                    cand[:, None, 0] - existing[None, :, 0], cand[:, None, 1] - existing[None, :, 1]
                )
                cand = cand[dist.min(axis=1) >= d_min]
            if len(cand):
                chosen = cand[0]
                break
            if attempt % 10 == 9:
                d_min *= 0.7
        if chosen is None:  # pragma: no cover - only for degenerate polygons
            chosen = _uniform_in(rng, gk, gk.bounds, 1)[0]
        points.append(chosen)
    seeds_gk = np.array(points)

    if n == 1:
        cells_gk = [shapely.box(*gk.bounds).buffer(1000.0, join_style="mitre")]
    else:
        width = max(maxx - minx, maxy - miny)
        frame = shapely.box(minx, miny, maxx, maxy).buffer(0.1 * width + 1000.0, join_style="mitre")
        cells_gk = list(
            shapely.get_parts(
                shapely.voronoi_polygons(shapely.multipoints(seeds_gk), extend_to=frame, ordered=True)
            )
        )
    # Cells to lon/lat with their vertices rounded to 6 decimals (shared vertices stay shared), then clipped
    # to the real county in full precision: the townships partition the county exactly (symmetric
    # difference ~1e-15 of the area). A 1e-6 fixed-precision overlay would round the new crossing points
    # too, but snap rounding bends shared edges differently in neighbouring cells (gaps ~1e-7 of the area).
    cells_ll = [shapely.transform(_from_gk(c, prof.epsg), lambda xy: np.round(xy, 6)) for c in cells_gk]
    clipped = shapely.intersection(np.array(cells_ll, dtype=object), prof.geom)
    polygons = [_as_multipolygon(g) for g in clipped]

    tr = _transformer(prof.epsg, CGCS2000)
    seeds_ll = np.column_stack(tr.transform(seeds_gk[:, 0], seeds_gk[:, 1]))
    for i, poly in enumerate(polygons):
        if poly.is_empty:
            raise RuntimeError(f"township {prof.tship_codes[i]} got an empty polygon")
        ok = shapely.contains_xy(poly, *seeds_ll[i]) and shapely.contains_xy(prof.geom, *seeds_ll[i])
        if not ok:
            seeds_ll[i] = _inner_point(poly, prof.geom)
    return _Layout(polygons=polygons, seeds=seeds_ll, seat_town=seat_town)


def _as_multipolygon(geom) -> shapely.MultiPolygon:
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    parts = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon" and not p.is_empty]
    if any(p.geom_type != "Polygon" for p in shapely.get_parts(geom)):
        # Nested collections from make_valid: flatten once more.
        parts = [
            q
            for p in shapely.get_parts(geom)
            for q in shapely.get_parts(p)
            if q.geom_type == "Polygon" and not q.is_empty
        ]
    return shapely.MultiPolygon(parts)


def _inner_point(poly, county) -> np.ndarray:
    """A point strictly inside ``poly`` and ``county`` (the largest part's representative point)."""
    for part in sorted(shapely.get_parts(poly), key=lambda p: -p.area):
        pt = part.representative_point()
        if shapely.contains_xy(poly, pt.x, pt.y) and shapely.contains_xy(county, pt.x, pt.y):
            return np.array([pt.x, pt.y])
    raise RuntimeError("no interior point")  # pragma: no cover
