"""Map benchmarks: vector-tile latency and throughput with 1,000,000 houses, under a load generator on
loopback; optionally the time to the first complete render of the provincial map in headless Chromium.

Run: .venv/bin/python bench/bench_tiles.py [--houses 1000000] [--requests 3000] [--concurrency 16]
Starts a scratch embedded PostGIS and `spotcheck serve` in /tmp; the load is bounded in count and time
and goes to 127.0.0.1 only. Target: p95 under 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import random
import statistics
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    return int((lon + 180) / 360 * n), int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)


def tile_set(points: list[tuple[float, float]], rng: random.Random) -> list[str]:
    """Tiles a leader would look at: the province at zooms 5-8, cities and counties at 9-12, streets at 13-16."""
    urls = set()
    for z in range(5, 17):
        for lon, lat in rng.sample(points, min(len(points), 40 if z >= 9 else 10)):
            x, y = tile_of(lon, lat, z)
            urls.add(f"/api/v1/tiles/houses/{z}/{x}/{y}.pbf")
    return sorted(urls)


async def load(
    base: str, urls: list[str], requests: int, concurrency: int, deadline: float, headers: dict
) -> list[float]:
    latencies: list[float] = []
    queue = [urls[i % len(urls)] for i in range(requests)]
    random.Random(2).shuffle(queue)

    async def worker(client: httpx.AsyncClient) -> None:
        while queue and time.perf_counter() < deadline:
            url = queue.pop()
            t = time.perf_counter()
            r = await client.get(base + url)
            r.raise_for_status()
            latencies.append(time.perf_counter() - t)

    async with httpx.AsyncClient(timeout=30, headers=headers) as client:
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--houses", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--no-render", action="store_true", help="skip the browser render timing")
    args = parser.parse_args()

    from sqlalchemy import text

    from bench.scratch import scratch_database
    from geo.synthetic import FrameSpec
    from service.frame.demo import load_demo

    with scratch_database() as (cluster, engine, _), ExitStack() as cleanup:
        url = cluster.url().render_as_string(hide_password=False)
        t = time.perf_counter()
        load_demo(engine, FrameSpec(houses=args.houses))
        with engine.connect() as conn:
            conn.execute(text("ANALYZE"))
            hazardous = conn.execute(
                text("SELECT count(*) FROM hazard_record WHERE closed_on IS NULL")
            ).scalar_one()
            points = conn.execute(
                text("SELECT ST_X(geom), ST_Y(geom) FROM house TABLESAMPLE SYSTEM (1) LIMIT 2000")
            ).all()
        print(f"{args.houses:,} houses ({hazardous:,} hazardous) loaded in {time.perf_counter() - t:.0f} s")
        from bench.scratch import bench_account

        account = bench_account(engine)
        headers = {"Authorization": f"Bearer {account['token']}"}
        env = {**os.environ, "DATABASE_URL": url, "SPOTCHECK_DEMO_ENABLED": "false", "SPOTCHECK_PORT": "8799"}
        server = subprocess.Popen([sys.executable, "-m", "service.cli", "serve"], cwd=ROOT, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        cleanup.callback(lambda: (server.terminate(), server.wait(30)))
        base = "http://127.0.0.1:8799"
        for _ in range(120):
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        urls = tile_set([tuple(p) for p in points], random.Random(1))
        # First pass: every distinct tile once, nothing cached yet (4 concurrent clients).
        started = time.perf_counter()
        cold = sorted(x * 1000 for x in asyncio.run(load(base, urls, len(urls), 4, started + 300, headers)))
        print(f"tiles, cold (first request of each of {len(urls)} tiles, 4 clients): p50 {statistics.median(cold):.1f} ms, "
              f"p95 {cold[int(0.95 * (len(cold) - 1))]:.1f} ms, max {cold[-1]:.0f} ms")  # fmt: skip
        for concurrency in args.concurrency:
            started = time.perf_counter()
            latencies = asyncio.run(load(base, urls, args.requests, concurrency, started + 300, headers))
            elapsed = time.perf_counter() - started
            ms = sorted(x * 1000 for x in latencies)
            p50, p95 = statistics.median(ms), ms[int(0.95 * (len(ms) - 1))]
            print(f"tiles, {concurrency} concurrent client(s), tiles cached after the first pass: {len(ms):,} requests over {len(urls)} distinct tiles "
                  f"(zooms 5-16): p50 {p50:.1f} ms, p95 {p95:.1f} ms (target < 50 ms), max {ms[-1]:.0f} ms, "
                  f"{len(ms) / elapsed:,.0f} tiles/s")  # fmt: skip
        if not args.no_render:
            print(f"first complete render of the provincial map: {render_time(base, account):.2f} s (target < 2 s)")



def render_time(base: str, account: dict) -> float:
    """Seconds from navigation to the map page reporting itself complete, in Debian's Chromium."""
    from playwright.sync_api import sync_playwright

    args = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=args)
        times = []
        for _ in range(5):
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            login = {"username": account["username"], "password": account["password"]}
            page.request.post(base + "/api/v1/session", data=login, headers={"Origin": base})
            t = time.perf_counter()
            page.goto(base + "/map")
            # Complete: the choropleth and key figures drawn (data-state) and every tile in view loaded.
            page.wait_for_function(
                "document.body.dataset.state === 'ready' && document.body.dataset.tiles === 'loaded'",
                timeout=30000,
            )
            times.append(time.perf_counter() - t)
            page.close()
        browser.close()
    return statistics.median(times)


if __name__ == "__main__":
    main()
