"""Draw benchmarks: the whole province's draw on a frame of about 100,000 hazardous houses.

Run: .venv/bin/python bench/bench_draw.py
1. The algorithm alone (geo.draw): county draw + house draws of the 42 units, with the default version
   (spotcheck-draw/2) and with spotcheck-draw/1 for comparison. Target: under 1 s.
2. End to end in PostGIS (service.draws): frame query, frame recorded with its digest, draws, rows written.
3. Spatial balance (spsurvey's Pielou metric, 0 is perfect) of each unit's draw against simple random
   samples of the same size on the same frame, measured in the same run.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo import coverage as cov  # noqa: E402
from geo import draw as algo  # noqa: E402
from geo.synthetic import FrameSpec  # noqa: E402

SEED = "2024-10-21 双色球 2024123 03 07 12 18 25 31+09"



def main() -> None:
    from sqlalchemy.orm import Session

    from bench.scratch import bench_account, scratch_database
    from service.audit.trail import Actor
    from service.draws.plans import PlanSpec, create_plan
    from service.draws.service import (
        draw_all_units,
        live_frame,
        projected,
        run_county_draw,
        run_house_draws,
        sampling_units,
    )
    from service.frame.demo import load_demo

    spec = FrameSpec(houses=1_000_000)
    with scratch_database() as (_, engine, _):
        t = time.perf_counter()
        load_demo(engine, spec)
        print(f"demo frame of {spec.houses:,} houses loaded in {time.perf_counter() - t:.1f} s")
        with Session(engine) as session:
            plan = create_plan(session, PlanSpec(name="bench", year=2025), source="bench")
            units = sampling_units(session)
            # 1. The algorithm alone.
            t = time.perf_counter()
            picks = algo.draw_units(units, {"620100": 5}, 3, SEED)
            county = time.perf_counter() - t
            frame = live_frame(session, [p.code for p in picks])
            requests = [(p.code, 20, 12) for p in picks]
            total_frame = len(live_frame(session, [u.code for u in units]))
            print(f"hazardous houses in the province: {total_frame:,}; in the 42 drawn units: {len(frame):,}")
            for version in ("spotcheck-draw/1", algo.ALGORITHM_VERSION):
                times = []
                for _ in range(5):
                    t = time.perf_counter()
                    results = draw_all_units(frame, requests, SEED, version)
                    times.append(time.perf_counter() - t)
                print(f"algorithm {version}: county draw {county * 1000:.1f} ms; house draws of {len(picks)} units "
                      f"{statistics.median(times) * 1000:.0f} ms (median of 5, incl. projection) — target < 1 s")  # fmt: skip
                towns = [r.sample["township_code"].nunique() for r in results.values()]
                reach = [min(20, frame.loc[frame["unit_code"] == c, "township_code"].nunique()) for c in results]
                print(f"  townships covered {sum(towns)} of {sum(reach)} reachable (min(n, T) summed over the units)")
            # 2. End to end in PostGIS.
            t = time.perf_counter()
            actor = Actor(bench_account(engine)["id"], "基准测试")
            draw = run_county_draw(session, plan.id, SEED, actor)
            run_house_draws(session, draw.id, actor)
            session.commit()
            print(f"end to end in PostGIS (frame query, frame + digest recorded, draws, rows written): "
                  f"{time.perf_counter() - t:.2f} s")  # fmt: skip
            # 3. Balance against simple random sampling.
            rng = np.random.default_rng(1)
            drawn, srs = [], []
            for code, result in results.items():
                unit_frame = projected(frame[frame["unit_code"] == code]).reset_index(drop=True)
                if len(unit_frame) <= 20:
                    continue
                pi = algo.inclusion_probabilities(
                    unit_frame[["house_id", "township_code", "commercial", "x", "y"]], 20, 12
                )
                p = unit_frame["house_id"].map(pi).to_numpy()
                xy = unit_frame[["x", "y"]].to_numpy()
                idx = pd.Index(unit_frame["house_id"]).get_indexer(result.sample["house_id"])
                drawn.append(cov.spatial_balance(xy, p, idx))
                srs.append(float(np.mean(cov.srs_balance_reference(xy, p, len(idx), 100, rng))))
            print(f"spatial balance (Pielou, 0 = perfect) over {len(drawn)} units: draw mean {np.mean(drawn):.4f}, "
                  f"simple random sampling mean {np.mean(srs):.4f}; the draw is better in "
                  f"{sum(d < s for d, s in zip(drawn, srs, strict=True))} of {len(drawn)} units")  # fmt: skip


if __name__ == "__main__":
    main()
