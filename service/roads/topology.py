"""Where lines must be split: shared vertices and crossings, found in numpy/shapely (GEOS STRtree).

PostgreSQL would do the same with a self-join of segments on a GiST index, but on temporary tables that
means the session's small temp buffers: ten times slower for a county network. The split points found
here are staged beside the lines and ``sql/build_topology.sql`` cuts the lines at them.
"""

from __future__ import annotations

import numpy as np
import shapely


def snap(geoms: np.ndarray, grid: float) -> np.ndarray:
    """Every coordinate on a grid of ``grid`` degrees (as ``ST_SnapToGrid``: rint(x / grid) * grid)."""
    return shapely.transform(np.asarray(geoms, dtype=object), lambda xy: np.rint(xy / grid) * grid)


def split_points(geoms: np.ndarray) -> dict[int, np.ndarray]:
    """For each line (by position) that must be cut: the points, (k, 2). A line is cut at a vertex another
    line shares, and where a segment of another line crosses it or ends on it."""
    geoms = np.asarray(geoms, dtype=object)
    coords, part = shapely.get_coordinates(geoms, return_index=True)
    cuts: list[tuple[np.ndarray, np.ndarray]] = []
    # 1. Shared vertices: a coordinate on two or more lines.
    keys = np.unique(np.column_stack([coords, part]), axis=0)  # one row per (x, y, line)
    _, first, counts = np.unique(keys[:, :2], axis=0, return_index=True, return_counts=True)
    shared_xy = np.repeat(counts > 1, counts)  # keys sorted by x, y: runs of equal coordinates
    cuts.append((keys[shared_xy, 2].astype(np.int64), keys[shared_xy, :2]))
    # 2. Crossings and T-junctions between segments of different lines (not just a shared end point).
    last = np.r_[part[1:] != part[:-1], True]
    start = np.flatnonzero(~last)
    if len(start):
        a, b = coords[start], coords[start + 1]
        seg_part = part[start]
        segments = shapely.linestrings(np.stack([a, b], axis=1))
        tree = shapely.STRtree(segments)
        i, j = tree.query(segments, predicate="intersects")
        keep = seg_part[i] < seg_part[j]
        i, j = i[keep], j[keep]
        share = ((a[i] == a[j]).all(1) | (a[i] == b[j]).all(1) | (b[i] == a[j]).all(1) | (b[i] == b[j]).all(1))
        i, j = i[~share], j[~share]
        if len(i):
            where = shapely.intersection(segments[i], segments[j])
            pts, k = shapely.get_coordinates(where, return_index=True)
            cuts.append((seg_part[i][k], pts))
            cuts.append((seg_part[j][k], pts))
    parts = np.concatenate([c[0] for c in cuts])
    points = np.concatenate([c[1] for c in cuts])
    if len(parts) == 0:
        return {}
    order = np.lexsort((points[:, 1], points[:, 0], parts))
    parts, points = parts[order], points[order]
    fresh = np.r_[True, (parts[1:] != parts[:-1]) | (points[1:] != points[:-1]).any(axis=1)]
    parts, points = parts[fresh], points[fresh]
    bounds = np.flatnonzero(np.r_[True, parts[1:] != parts[:-1], True])
    return {int(parts[s]): points[s:e] for s, e in zip(bounds[:-1], bounds[1:], strict=True)}
