"""Foundation benchmarks: GCJ-02 conversion, boundary load, and GeoJSON built in PostGIS vs in Python.

Run: .venv/bin/python bench/bench_foundation.py   (starts a scratch embedded PostGIS in /tmp)
Prints each figure with the baseline measured in the same run; copy them to bench/RESULTS.md.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo.gcj02 import gcj02_to_wgs84  # noqa: E402


def timed(fn, repeat: int = 5) -> float:
    """Median wall time of ``fn`` in seconds."""
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs)


def bench_gcj02() -> None:
    rng = np.random.default_rng(1)
    n = 1_000_000
    lon, lat = rng.uniform(92.5, 108.5, n), rng.uniform(32.7, 42.7, n)
    vector = timed(lambda: gcj02_to_wgs84(lon, lat), repeat=3)
    m = 20_000  # the per-point baseline is slow; measure fewer points and scale per point
    loop = timed(lambda: [gcj02_to_wgs84(a, b) for a, b in zip(lon[:m], lat[:m], strict=True)], repeat=1)
    per_point_vector, per_point_loop = vector / n, loop / m
    print(f"gcj02 inverse, vectorised: {n / vector:,.0f} points/s ({n:,} points in {vector:.2f} s)")
    print(f"gcj02 inverse, per-point loop baseline: {m / loop:,.0f} points/s")
    print(f"  ratio: vectorised is {per_point_loop / per_point_vector:,.0f}x faster")


def bench_database() -> None:
    import geopandas as gpd
    from sqlalchemy import text

    from bench.scratch import scratch_database
    from service.divisions.boundary_load import load_boundaries

    with scratch_database(boundaries=False) as (_, engine, _):
        t = time.perf_counter()
        load_boundaries(engine, force=True)
        print(f"boundary load (1,506 divisions, 88 units, one transaction): {time.perf_counter() - t:.2f} s")

        from service.core.queries import sql

        params = {"level": "county", "parent_code": None, "code": None, "digits": 6}

        def in_postgis() -> int:
            with engine.connect() as conn:
                return len(conn.execute(sql("divisions"), params).scalar_one())

        def in_python() -> int:
            frame = gpd.read_postgis(
                "SELECT code, name, parent_code, approximate, geom FROM division WHERE level = 'county'",
                engine,
                geom_col="geom",
            )
            return len(frame.to_json(drop_id=True))

        size = in_postgis()
        fast, slow = timed(in_postgis), timed(in_python)
        print(f"88 county polygons as GeoJSON ({size / 1e6:.1f} MB): PostGIS json_agg {fast * 1000:.0f} ms")
        print(f"  baseline geopandas read_postgis + to_json: {slow * 1000:.0f} ms; ratio {slow / fast:.1f}x")
        with engine.connect() as conn:
            t = timed(
                lambda: conn.execute(
                    text(
                        "SELECT code FROM division WHERE level = 'county' "
                        "AND ST_Contains(geom, ST_SetSRID(ST_MakePoint(103.62, 36.515), 4490))"
                    )
                ).all(),
                repeat=50,
            )
        print(f"point-in-county lookup (GiST): {t * 1000:.2f} ms")


if __name__ == "__main__":
    bench_gcj02()
    bench_database()
