"""Which polygon each point falls in, for a million points at a time (pure shapely, no database).

Used by imports to give every house the county and township its point lies in. Each polygon is prepared
once; an STRtree over the polygons' boxes pairs points with candidates, and a prepared point-in-polygon
test decides. On a shared border the lowest code wins, so the answer never depends on input order.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely


class PolygonIndex:
    """Polygons with codes, ready for repeated point lookups."""

    def __init__(self, codes: Sequence[str], polygons: Sequence[shapely.Geometry]) -> None:
        order = np.argsort(np.asarray(codes, dtype=object).astype(str), kind="stable")
        self.codes = np.asarray(codes, dtype=object)[order]
        self.polygons = np.asarray(polygons, dtype=object)[order]
        shapely.prepare(self.polygons)
        self.tree = shapely.STRtree(self.polygons)

    def __len__(self) -> int:
        return len(self.codes)

    def locate(self, lon: np.ndarray, lat: np.ndarray, points: np.ndarray | None = None) -> np.ndarray:
        """Code of the polygon containing each point (None outside all, or for NaN coordinates).

        ``points`` may pass the shapely points of the finite coordinates, when several indexes locate the
        same points.
        """
        lon = np.asarray(lon, dtype=float)
        lat = np.asarray(lat, dtype=float)
        out = np.full(len(lon), None, dtype=object)
        ok = np.flatnonzero(np.isfinite(lon) & np.isfinite(lat))
        if len(ok) == 0 or len(self) == 0:
            return out
        if points is None:
            points = shapely.points(lon[ok], lat[ok])
        # Box candidates only (fast, in C); the exact test follows per polygon on its candidates.
        point_idx, poly_idx = self.tree.query(points)
        found = np.full(len(ok), -1, dtype=np.int64)
        order = np.lexsort((point_idx, poly_idx))
        point_idx, poly_idx = point_idx[order], poly_idx[order]
        starts = np.flatnonzero(np.r_[True, poly_idx[1:] != poly_idx[:-1]])
        ends = np.r_[starts[1:], len(poly_idx)]
        for start, end in zip(starts, ends, strict=True):
            poly = int(poly_idx[start])
            cand = point_idx[start:end]
            cand = cand[found[cand] < 0]  # the lowest code already won
            if len(cand) == 0:
                continue
            rows = ok[cand]
            inside = shapely.contains_xy(self.polygons[poly], lon[rows], lat[rows])
            found[cand[inside]] = poly
        hit = found >= 0
        out[ok[hit]] = self.codes[found[hit]]
        return out

    def contains(self, codes: np.ndarray, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Whether each point lies in the polygon named by its code (False for unknown codes)."""
        lookup = {c: i for i, c in enumerate(self.codes)}
        out = np.zeros(len(codes), dtype=bool)
        for i, (code, x, y) in enumerate(zip(codes, lon, lat, strict=True)):
            j = lookup.get(code)
            if j is not None and np.isfinite(x) and np.isfinite(y):
                out[i] = bool(shapely.contains_xy(self.polygons[j], x, y))
        return out
