"""House-frame benchmarks: import throughput and proximity at province scale.

Run: .venv/bin/python bench/bench_frame.py [--houses 1000000]
Starts a scratch embedded PostGIS in /tmp, so it never touches the service's database.

1. Import: a CSV of N synthetic houses with Chinese headers (hazard columns on the hazardous ones) goes
   through the real pipeline (read, parse, CRS, location in geo.locate, COPY, hazard records, indexes,
   proximity, the map's pre-counted views) into an empty frame. Target: at least 50,000 rows/s end to end.
2. Proximity: every house's nearest college, school and kindergarten within the radii, for N houses and
   about 20,000 sites, in PostGIS; baseline: geopandas sjoin_nearest per kind in a projected CRS, and the
   offline twin geo.proximity, all in the same run; the two exact methods must agree. Target: 10 s.
3. Re-import: the same file again with the sites loaded (every house known: the staging and merge path,
   and the proximity of every imported house), for its throughput.
4. A first load again with the sites loaded (section 1 plus the proximity of a million new houses).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


from geo.proximity import DEFAULT_RADII_M, nearest_sites  # noqa: E402
from geo.synthetic import FrameSpec, generate_frame, load_gansu_inputs  # noqa: E402

LABELS = {}


def _labels():
    from geo import enums

    for enum in (enums.UseClass, enums.Structure, enums.BuildEra, enums.InitialDetermination, enums.HazardGrade,
                 enums.RectificationStatus, enums.AppraisalStatus, enums.BusinessType, enums.AreaType):  # fmt: skip
        LABELS.update({(enum.__name__, m.value): m.label for m in enum})


def write_csv(frame, path: Path) -> int:
    """The synthetic houses as a platform-like CSV with Chinese headers and labels."""
    _labels()
    h = frame.houses
    current = frame.hazard_records[frame.hazard_records["closed_on"].isna()].set_index("survey_code")
    lab = lambda enum, s: s.map(lambda v: LABELS.get((enum, v)))  # noqa: E731
    out = pd.DataFrame({
        "自建房排查编码": h["survey_code"], "普查房屋编号": h["census_no"], "县区": h["county_code"],
        "乡镇（街道）": h["township_code"], "村（社区）": h["village"], "详细地址": h["address"],
        "经度": h["lon"].round(7), "纬度": h["lat"].round(7),
        "房屋用途": lab("UseClass", h["use_class"]), "经营范围": lab("BusinessType", h["business_type"]),
        "所在区域": lab("AreaType", h["area_type"]), "结构类型": lab("Structure", h["structure"]),
        "层数": h["floors"], "建筑面积": h["floor_area_m2"], "建成年份": h["build_year"],
    })  # fmt: skip
    c = current.reindex(h["survey_code"])
    out["隐患编号"] = c["record_code"].to_numpy()
    out["隐患初判"] = lab("InitialDetermination", c["initial_determination"]).to_numpy()
    out["隐患等级"] = lab("HazardGrade", c["hazard_grade"]).to_numpy()
    out["鉴定等级"] = c["appraisal_grade"].to_numpy()
    out["整治状态"] = lab("RectificationStatus", c["rectification_status"]).to_numpy()
    out["隐患认定日期"] = c["opened_on"].dt.strftime("%Y-%m-%d").to_numpy()
    out.to_csv(path, index=False, encoding="utf-8")
    return len(out)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--houses", type=int, default=1_000_000)
    args = parser.parse_args()

    from sqlalchemy import text

    from bench.scratch import scratch_database
    from service.core.bulk import copy_frame, points_ewkb
    from service.frame.proximity import refresh_proximity

    t = time.perf_counter()
    frame = generate_frame(*load_gansu_inputs(), FrameSpec(houses=args.houses))
    big_sites = generate_frame(*load_gansu_inputs(), FrameSpec(houses=2_000_000)).sites  # ~20,000 sites
    print(f"generated {args.houses:,} houses and {len(big_sites):,} sites in {time.perf_counter() - t:.1f} s")

    with scratch_database() as (cluster, engine, root):
        csv_path = root / "houses.csv"
        rows = write_csv(frame, csv_path)
        size_mb = csv_path.stat().st_size / 1e6

        # 1. Import, in its own process (the CLI), so that its peak memory is the import's alone --------
        import json
        import os
        import subprocess

        env = {**os.environ, "DATABASE_URL": cluster.url().render_as_string(hide_password=False)}
        t = time.perf_counter()
        # The child reports its own peak RSS from /proc (VmHWM): getrusage's maxrss survives fork and exec,
        # so it would report this process's 3 GB of generated frames.
        report_peak = (
            "import re, sys; from service.cli import main; code = main(sys.argv[1:]); "
            "print(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1), file=sys.stderr); "
            "sys.exit(code)"
        )
        proc = subprocess.run(
            [sys.executable, "-c", report_peak, "import", "houses", str(csv_path), "--crs", "EPSG:4490", "--json"],
            capture_output=True, text=True, env=env, cwd=Path(__file__).resolve().parents[1],
        )  # fmt: skip
        wall = time.perf_counter() - t
        result = json.loads(proc.stdout)
        assert result["committed"], (proc.stderr[-2000:], result["errors"][:5])
        peak = int(proc.stderr.strip().splitlines()[-1]) / 1024
        print(f"import: {rows:,} rows ({size_mb:.0f} MB CSV) in {result['seconds']:.1f} s = "
              f"{rows / result['seconds']:,.0f} rows/s end to end in the pipeline (target >= 50,000); "
              f"{wall:.1f} s for the whole command; peak RSS of the import process {peak:,.0f} MB")  # fmt: skip
        print(f"  phases: {result['phases']}")
        print(f"  warnings: {result['warnings_by_code']}")

        # 2. Proximity ----------------------------------------------------------------------------------
        s = big_sites
        sites = pd.DataFrame({
            "kind": s["kind"], "name": s["name"] + s["site_id"].astype(str), "county_code": s["county_code"],
            "geom": points_ewkb(s["lon"].to_numpy(), s["lat"].to_numpy()), "synthetic": True,
        })  # fmt: skip
        with engine.begin() as conn:
            copy_frame(conn, "sensitive_site", sites)
        radii = {k.value: v for k, v in DEFAULT_RADII_M.items()}
        t = time.perf_counter()
        with engine.begin() as conn:
            refresh_proximity(conn, radii)
        postgis = time.perf_counter() - t
        with engine.connect() as conn:
            pg = pd.DataFrame(
                conn.execute(text("SELECT h.survey_code, p.site_kind, s.kind, s.name, p.distance_m FROM house_proximity p "
                                  "JOIN house h ON h.id = p.house_id JOIN sensitive_site s ON s.id = p.site_id")).all(),
                columns=["survey_code", "kind", "k2", "name", "distance_m"],
            )  # fmt: skip
            n_houses = conn.execute(text("SELECT count(*) FROM house")).scalar_one()
            n_sites = conn.execute(text("SELECT count(*) FROM sensitive_site")).scalar_one()
        print(f"proximity in PostGIS: {n_houses:,} houses x {n_sites:,} sites in {postgis:.1f} s "
              f"(target <= 10 s): {len(pg):,} house-kind pairs")  # fmt: skip

        h = frame.houses
        t = time.perf_counter()
        offline = nearest_sites(
            np.arange(len(h)), h["lon"].to_numpy(), h["lat"].to_numpy(), s["site_id"].to_numpy(),
            s["kind"].to_numpy(), s["lon"].to_numpy(), s["lat"].to_numpy(), radii,
        )  # fmt: skip
        geo_seconds = time.perf_counter() - t
        print(
            f"proximity offline (geo.proximity, STRtree + GRS80 geodesics): {geo_seconds:.1f} s, {len(offline):,} pairs"
        )

        import geopandas as gpd

        houses_gdf = gpd.GeoDataFrame(
            h[["survey_code"]], geometry=gpd.points_from_xy(h["lon"], h["lat"]), crs=4490
        )
        sites_gdf = gpd.GeoDataFrame(
            s[["site_id", "kind"]], geometry=gpd.points_from_xy(s["lon"], s["lat"]), crs=4490
        )
        t = time.perf_counter()
        hp, sp = houses_gdf.to_crs(4544), sites_gdf.to_crs(4544)  # one GK zone: a baseline, not exact
        baseline_pairs = 0
        for kind, metres in radii.items():
            joined = gpd.sjoin_nearest(hp, sp[sp["kind"] == kind], max_distance=metres, distance_col="d")
            baseline_pairs += joined.index.nunique()
        baseline = time.perf_counter() - t
        print(f"baseline geopandas sjoin_nearest per kind (EPSG:4544): {baseline:.1f} s, {baseline_pairs:,} pairs; "
              f"PostGIS is {baseline / postgis:.1f}x the baseline's speed")  # fmt: skip

        # Agreement of the two exact methods (PostGIS geography vs geo.proximity).
        offline["survey_code"] = h["survey_code"].to_numpy()[offline["house_id"].to_numpy()]
        merged = pg.merge(
            offline, on=["survey_code", "kind"], how="outer", suffixes=("_pg", "_geo"), indicator=True
        )
        both = merged[merged["_merge"] == "both"]
        diff = (both["distance_m_pg"] - both["distance_m_geo"]).abs().max()
        only = (merged["_merge"] != "both").sum()
        print(f"agreement PostGIS vs geo.proximity: {len(both):,} common pairs, {only} in one only "
              f"(radius-edge ties), max distance difference {diff * 1000:.2f} mm")  # fmt: skip
        kinds = pg["kind"].value_counts().to_dict()
        print(f"  pairs per kind: {kinds}")

        # 3. The same file again, now with the sites loaded: every house known, so every row goes
        # through staging and the merge, and the proximity of the million imported houses is refreshed.
        from service.frame.importing.fields import Kind
        from service.frame.importing.pipeline import import_file

        again = import_file(engine, Kind.HOUSES, csv_path, crs="EPSG:4490")
        assert again.committed and again.updated == rows, again.summary()
        print(f"re-import of the same file with {n_sites:,} sites loaded (all {rows:,} houses known: staging, "
              f"update, hazard history, proximity): "
              f"{again.seconds:.1f} s = {rows / again.seconds:,.0f} rows/s; phases: "
              f"{ {k: round(v, 1) for k, v in again.phases.items()} }")  # fmt: skip

        # 4. A first load again, into an emptied frame, with the sites loaded: section 1 plus the
        # proximity of a million new houses.
        with engine.begin() as conn:
            conn.execute(text("TRUNCATE house CASCADE"))
        first = import_file(engine, Kind.HOUSES, csv_path, crs="EPSG:4490")
        assert first.committed and first.inserted == rows, first.summary()
        print(f"first load with {n_sites:,} sites loaded: {first.seconds:.1f} s = {rows / first.seconds:,.0f} rows/s; "
              f"phases: { {k: round(v, 1) for k, v in first.phases.items()} }")  # fmt: skip


if __name__ == "__main__":
    main()
