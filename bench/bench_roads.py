"""Road network benchmarks: a county network of about 50,000 edges and a 61 × 61 travel matrix.

Run: .venv/bin/python -m bench.bench_roads
1. The demo frame (100,000 synthetic houses) and its synthetic road network (what `make run` loads).
2. A synthetic county network of ~50,000 edges (geo.synthetic_roads, 永登县's houses, dense village roads
   and field tracks) built through the importer's topology (service.roads.network.build_network).
3. The 61 × 61 matrix of service.roads.matrix.road_matrix (target < 2 s), and in the same run two peers on
   the same vertices: 61 separate pgr_dijkstra one-to-many calls, and scipy.sparse.csgraph.dijkstra in
   Python after fetching the edges of the same box (times only; both must agree with the matrix).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

UNIT = "620121"  # 永登县
SIZE = 61
RUNS = 5


def _median(fn) -> tuple[float, object]:
    times, out = [], None
    for _ in range(RUNS):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def main() -> None:
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import dijkstra
    from sqlalchemy import text
    from sqlalchemy.orm import Session

    from bench.scratch import scratch_database
    from geo.synthetic import FrameSpec
    from geo.synthetic_roads import RoadSpec, generate_roads
    from service.frame.demo import load_demo
    from service.roads import matrix as rm
    from service.roads.demo import lines_frame, load_demo_roads, unit_places
    from service.roads.network import Provenance, build_network

    with scratch_database() as (_, engine, _):
        t = time.perf_counter()
        load_demo(engine, FrameSpec(houses=100_000))
        print(f"demo frame of 100,000 houses and its road network loaded in {time.perf_counter() - t:.1f} s")
        demo = load_demo_roads(engine, force=True)
        print(f"demo road network alone: {demo.edges:,} edges over {demo.units} units in {demo.seconds:.1f} s")

        with engine.begin() as conn:
            places = unit_places(conn, [UNIT])
            t = time.perf_counter()
            lines = lines_frame(generate_roads(places, RoadSpec(seed=7, cell_m=600, block_m=200, tracks_m=550)))
            generated = time.perf_counter() - t
            built = build_network(conn, lines, Provenance("bench", "synthetic", "1", "CC0", "EPSG:4490", True),
                                  account_id=None, actor_label="bench")  # fmt: skip
        print(f"county network: {len(lines):,} lines generated in {generated:.1f} s -> {built.edges:,} edges, "
              f"{built.vertices:,} vertices, {built.components} component(s), built in {built.seconds:.1f} s")  # fmt: skip

        with Session(engine) as session:
            houses = session.execute(text(
                "SELECT ST_X(h.geom), ST_Y(h.geom) FROM house AS h JOIN hazard_record AS r ON r.house_id = h.id "
                "AND r.closed_on IS NULL WHERE h.county_code = :u ORDER BY md5(h.survey_code) LIMIT :n"),
                {"u": UNIT, "n": SIZE}).all()  # fmt: skip
            locations = [tuple(h) for h in houses]
            rm.road_matrix(session, built.id, locations)  # warm the caches
            ours, matrix = _median(lambda: rm.road_matrix(session, built.id, locations))
            print(f"road_matrix {SIZE} x {SIZE}: median {ours * 1000:.0f} ms of {RUNS} "
                  f"(fallback pairs {matrix.detail['fallback_pairs']}, rerouted {matrix.detail['rerouted_pairs']})")

            points = np.asarray(locations)
            vertex, _, _ = rm._snap(session, built.id, points)
            vids = sorted(set(vertex.tolist()))
            box = rm._box(points)
            matrix_net = {k: v[0] for k, v in rm._paths(session, built.id, vids, vids, box).items()}
            edges_sql = session.execute(text(
                "SELECT format('SELECT id, source, target, cost_s AS cost, reverse_cost_s AS reverse_cost FROM road_edge "
                "WHERE network_id = %s AND geom && ST_MakeEnvelope(%s, %s, %s, %s, 4490)', CAST(:n AS bigint), "
                "CAST(:xmin AS float8), CAST(:ymin AS float8), CAST(:xmax AS float8), CAST(:ymax AS float8))"),
                {"n": built.id, **box}).scalar()  # fmt: skip

            def separate():
                out = {}
                for v in vids:
                    rows = session.execute(text(
                        "SELECT end_vid, agg_cost FROM pgr_dijkstra(:sql, CAST(:s AS bigint), CAST(:t AS bigint[])) "
                        "WHERE edge = -1"), {"sql": edges_sql, "s": v, "t": vids}).all()  # fmt: skip
                    out.update({(v, e): c for e, c in rows})
                return out

            peer_pgr, by_pgr = _median(separate)
            times_only, _ = _median(lambda: session.execute(rm.SQL.one("cost_matrix"),
                                                            {"network": built.id, "vids": vids, **box}).all())  # fmt: skip

            def scipy_peer():
                rows = np.array(session.execute(text(
                    "SELECT source, target, cost_s, reverse_cost_s FROM road_edge WHERE network_id = :n "
                    "AND geom && ST_MakeEnvelope(:xmin, :ymin, :xmax, :ymax, 4490)"), {"n": built.id, **box}).all())  # fmt: skip
                ids, inv = np.unique(rows[:, :2].astype(np.int64), return_inverse=True)
                inv = inv.reshape(-1, 2)
                back = rows[:, 3] >= 0
                src = np.r_[inv[:, 0], inv[back, 1]]
                dst = np.r_[inv[:, 1], inv[back, 0]]
                cost = np.r_[rows[:, 2], rows[back, 3]]
                first = np.lexsort((cost, dst, src))  # parallel edges: keep the cheapest (coo would add them)
                src, dst, cost = src[first], dst[first], cost[first]
                keep = np.r_[True, (src[1:] != src[:-1]) | (dst[1:] != dst[:-1])]
                src, dst, cost = src[keep], dst[keep], cost[keep]
                graph = coo_matrix((cost, (src, dst)), shape=(len(ids), len(ids))).tocsr()
                idx = np.searchsorted(ids, vids)
                return dijkstra(graph, directed=True, indices=idx)[:, idx]

            peer_scipy, by_scipy = _median(scipy_peer)
        pos = {v: k for k, v in enumerate(vids)}
        diff_pgr = max(abs(by_pgr[(a, b)] - by_scipy[pos[a], pos[b]]) for a, b in by_pgr)
        worst = max(abs(by_pgr[(a, b)] - matrix_net[(a, b)]) for a, b in by_pgr if (a, b) in matrix_net)
        print(f"pgr_dijkstraCostMatrix alone (times only, no distances): median {times_only * 1000:.0f} ms")
        print(f"peer, {len(vids)} separate pgr_dijkstra calls: median {peer_pgr * 1000:.0f} ms")
        print(f"peer, scipy.sparse.csgraph.dijkstra after fetching the box's edges: median {peer_scipy * 1000:.0f} ms")
        print(f"agreement: peers {diff_pgr:.3f} s, road_matrix's paths and the pgr peer {worst:.3f} s; "
              f"target < 2 s for road_matrix: {'met' if ours < 2 else 'NOT met'}")


if __name__ == "__main__":
    main()
