"""Nearest sensitive site (college, school, kindergarten, hospital) of each house within a radius, offline.

The notice asks inspectors to check hazardous houses "around colleges, schools and kindergartens and other
crowded places", and the national text names the surroundings of schools and hospitals (学校医院周边) as a
priority area, but **no rule sets a distance**. The radii are therefore configurable per site kind, with
these defaults:

- school (中小学), kindergarten (幼儿园): **200 m**, following the common "学校周边200米" precedent in
  Chinese regulations on school surroundings (e.g. no internet cafés or entertainment venues within 200 m
  of primary and secondary schools);
- college (大专院校): **500 m**, because campuses are much larger, so 200 m from a campus point would
  miss houses along its edge;
- hospital (医院): **200 m**, by analogy with schools.

Distances are geodesic on the GRS80 ellipsoid (the CGCS2000 ellipsoid; GRS80 and CGCS2000 differ by
0.1 mm in the semi-minor axis), computed with ``pyproj.Geod(ellps="GRS80").inv`` (Karney's algorithm).
PostGIS ``ST_Distance(geom::geography)`` on SRID 4490 uses the same spheroid and algorithm family, so the
two agree to well within a centimetre.

Method: for each kind, an STRtree of the site points in lon/lat is queried in bulk with the house points
(``predicate="dwithin"``) at a planar degree distance that is guaranteed to contain every site within the
radius; the candidates are then filtered by exact geodesic distance. The degree distance is conservative:
on the ellipsoid a metre is never more than ``1 / (111_319 * cos(lat))`` degrees of longitude nor more than
``1 / 110_574`` degrees of latitude, so at latitudes up to the data's maximum a geodesic distance ``r``
spans at most ``r / (110_574 * cos(max_lat))`` planar degrees (plus a 1 % margin).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
import shapely
from pyproj import Geod

from geo.enums import SiteKind

DEFAULT_RADII_M: dict[SiteKind, float] = {
    SiteKind.COLLEGE: 500.0,
    SiteKind.SCHOOL: 200.0,
    SiteKind.KINDERGARTEN: 200.0,
    SiteKind.HOSPITAL: 200.0,
}
"""Default search radius per site kind, in metres (see the module docstring for the reasons)."""

GEOD = Geod(ellps="GRS80")
"""The CGCS2000/GRS80 ellipsoid for geodesic distances."""

_METRES_PER_DEGREE_MIN = 110_574.0  # shortest degree of latitude (at the equator); a degree of longitude is
# 111_319.5 * cos(lat) or more, so dividing by 110_574 * cos(lat) bounds both directions.


def degree_radius(radius_m: float, max_abs_lat: float) -> float:
    """A planar lon/lat distance (degrees) that contains every point within ``radius_m`` geodesic metres.

    Valid for points whose latitude is at most ``max_abs_lat`` in absolute value (and below 89.9 degrees).
    """
    lat = min(abs(float(max_abs_lat)) + radius_m / _METRES_PER_DEGREE_MIN, 89.9)
    return 1.01 * radius_m / (_METRES_PER_DEGREE_MIN * math.cos(math.radians(lat)))


def nearest_sites(
    house_ids,
    house_lon,
    house_lat,
    site_ids,
    site_kind,
    site_lon,
    site_lat,
    radii_m: Mapping[SiteKind | str, float] = DEFAULT_RADII_M,
) -> pd.DataFrame:
    """The nearest site of each kind within that kind's radius, for every house.

    Inputs are array-likes (numpy arrays, pandas Series or lists) of equal length per group: houses
    (ids, lon, lat in EPSG:4490 degrees) and sites (ids, kind as ``SiteKind`` codes, lon, lat). Only the
    kinds in ``radii_m`` are searched (keys may be ``SiteKind`` members or their codes); a radius is
    inclusive (a site at exactly the radius counts).

    Returns one row per (house, kind) that has a site of that kind within the radius, with columns
    ``house_id`` (the given ids), ``kind`` (str, the ``SiteKind`` code), ``site_id`` (the nearest site;
    ties broken by the smaller site id) and ``distance_m`` (float64, geodesic on GRS80), ordered by the
    houses' input order, then by kind in ``SiteKind`` order.
    """
    house_ids = np.asarray(house_ids)
    hx = np.asarray(house_lon, dtype=np.float64)
    hy = np.asarray(house_lat, dtype=np.float64)
    site_ids = np.asarray(site_ids)
    kinds = np.asarray(site_kind, dtype=object)
    sx = np.asarray(site_lon, dtype=np.float64)
    sy = np.asarray(site_lat, dtype=np.float64)
    if not (len(house_ids) == len(hx) == len(hy)):
        raise ValueError("house_ids, house_lon and house_lat must have the same length")
    if not (len(site_ids) == len(kinds) == len(sx) == len(sy)):
        raise ValueError("site_ids, site_kind, site_lon and site_lat must have the same length")
    unknown = set(kinds.tolist()) - set(SiteKind.codes())
    if unknown:
        raise ValueError(f"unknown site kinds: {sorted(map(str, unknown))}")
    radii = {SiteKind(k): float(r) for k, r in radii_m.items()}
    if any(r < 0 or not math.isfinite(r) for r in radii.values()):
        raise ValueError("radii must be finite and non-negative")

    parts: list[pd.DataFrame] = []
    house_points = None
    for kind_order, kind in enumerate(SiteKind):
        if kind not in radii:
            continue
        sel = np.flatnonzero(kinds == kind.value)
        if not len(sel) or not len(hx):
            continue
        if house_points is None:
            house_points = shapely.points(hx, hy)
        radius = radii[kind]
        max_lat = max(float(np.abs(hy).max()), float(np.abs(sy[sel]).max()))
        tree = shapely.STRtree(shapely.points(sx[sel], sy[sel]))
        h_idx, s_local = tree.query(
            house_points, predicate="dwithin", distance=degree_radius(radius, max_lat)
        )
        if not len(h_idx):
            continue
        s_idx = sel[s_local]
        _, _, dist = GEOD.inv(hx[h_idx], hy[h_idx], sx[s_idx], sy[s_idx])
        keep = dist <= radius
        h_idx, s_idx, dist = h_idx[keep], s_idx[keep], dist[keep]
        if not len(h_idx):
            continue
        # Nearest per house; ties by the smaller site id.
        order = np.lexsort((site_ids[s_idx], dist, h_idx))
        h_sorted = h_idx[order]
        first = np.ones(len(order), dtype=bool)
        first[1:] = h_sorted[1:] != h_sorted[:-1]
        best = order[first]
        parts.append(
            pd.DataFrame(
                {
                    "_house": h_idx[best],
                    "_kind": kind_order,
                    "house_id": house_ids[h_idx[best]],
                    "kind": kind.value,
                    "site_id": site_ids[s_idx[best]],
                    "distance_m": dist[best],
                }
            )
        )
    if not parts:
        return pd.DataFrame(
            {
                "house_id": pd.Series(house_ids[:0]),
                "kind": pd.Series([], dtype="str"),
                "site_id": pd.Series(site_ids[:0]),
                "distance_m": pd.Series([], dtype="float64"),
            }
        )
    out = pd.concat(parts, ignore_index=True).sort_values(["_house", "_kind"], kind="stable")
    out = out.drop(columns=["_house", "_kind"]).reset_index(drop=True)
    out["kind"] = out["kind"].astype("str")
    out["distance_m"] = out["distance_m"].astype("float64")
    return out
