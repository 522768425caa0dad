"""Balance benchmark (issue 13 point 2): the project's house draw against peer designs on realistic frames.

Run: .venv/bin/python bench/bench_balance.py [--draws 200] [--frames rural,urban] [--offset 0]
     [--pi-check R] [--strict]

Frames: bench/balance_frames.py (rural county T=12 < n, urban district T=35 > n, a unit with C=8 < cmin,
a typical county, and two real counties from geo.synthetic: 陇西县 T=17, 兰州城关区 T=28); ``--offset k``
makes fresh frames of the same kinds (other seeds), to check a design tuned on the default ones. Designs: the peers of bench/peers.py (SRS, stratified SRS, stratified GRTS, LPM2 per
commercial stratum, LPM2 without the quota) and the project's ``geo.draw.draw_houses`` (the default
version, and ``version="spotcheck-draw/1"`` too when the keyword exists), all on the same frames, in the
same run, with fixed seeds (the project's draw seed is ``balance-bench|<frame>|<r>``, a peer's generator is
``default_rng([frame seed, crc32(design name), r])``), so every run prints the same figures.

Per design and frame, over R draws:

- quota: share of draws whose commercial count equals the required ``c`` of the project's rule
  (``bench.peers.commercial_counts``); ``>=min``: share holding at least ``min(cmin, C)`` commercial;
- cover: share of draws covering ``min(n, T)`` distinct townships; ``towns``: mean distinct townships;
- Pielou: mean of ``geo.coverage.spatial_balance`` (spsurvey's Pielou metric, 0 = perfect) over the whole
  unit frame, each design with its own inclusion probabilities, with its standard error;
- ratio: mean Pielou / mean Pielou of LPM2 per stratum (target for the project's design: <= 0.90), with its
  standard error (delta method, the two designs' draws being independent);
- ms: wall time per draw (the draw only, not the metrics).

Targets, for the project's default design on every frame: quota 100 %, cover 100 %, ratio <= 0.90.
"""

from __future__ import annotations

import argparse
import inspect
import sys
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.balance_frames import FrameRecipe, describe, frames  # noqa: E402
from bench.peers import PEERS, Prepared  # noqa: E402
from geo import coverage as cov  # noqa: E402
from geo import draw as algo  # noqa: E402

REFERENCE = "LPM2 per stratum"
V1 = "spotcheck-draw/1"
RATIO_TARGET = 0.90


@dataclass
class Result:
    """One design's figures on one frame."""

    design: str
    quota: float
    at_least_min: float
    cover: float
    towns: float
    pielou: float
    pielou_se: float
    ms: float
    ratio: float = float("nan")
    ratio_se: float = float("nan")


def _has_version_keyword() -> bool:
    return "version" in inspect.signature(algo.draw_houses).parameters


def project_designs() -> list[tuple[str, dict]]:
    """(label, keyword arguments) of the project's designs to run: the default, and v1 when selectable."""
    default = getattr(algo, "ALGORITHM_VERSION", "default")
    out = [(f"project {default}", {})]
    if _has_version_keyword() and default != V1:
        out.append((f"project {V1}", {"version": V1}))
    return out


def _project_runner(recipe: FrameRecipe, frame: pd.DataFrame, kwargs: dict):
    """A draw function in the peers' shape, for the project's design; checks the recorded pi on the way."""
    cols = frame[["house_id", "township_code", "commercial", "x", "y"]]
    pi_kwargs = kwargs if "version" in inspect.signature(algo.inclusion_probabilities).parameters else {}
    pi_series = algo.inclusion_probabilities(cols, recipe.n, recipe.commercial_min, **pi_kwargs)
    pi = frame["house_id"].map(pi_series).to_numpy(dtype=float)
    index = pd.Index(frame["house_id"])

    def run(r: int) -> tuple[np.ndarray, np.ndarray]:
        d = algo.draw_houses(cols, recipe.n, recipe.commercial_min, f"balance-bench|{recipe.name}|{r}",
                             recipe.unit_code, **kwargs)  # fmt: skip
        idx = index.get_indexer(d.sample["house_id"])
        recorded = d.sample["inclusion_probability"].to_numpy(dtype=float)
        if not np.allclose(recorded, pi[idx], rtol=1e-9, atol=1e-12):
            raise AssertionError(f"{recipe.name}: recorded inclusion probabilities differ from the frame's")
        return np.sort(idx), pi

    return run


def measure(design: str, run, recipe: FrameRecipe, frame: pd.DataFrame, prep: Prepared, draws: int) -> Result:
    """Draw ``draws`` times with ``run(r)`` and compute the figures."""
    xy = prep.xy
    towns_of = pd.factorize(frame["township_code"])[0]
    t_all = int(towns_of.max()) + 1
    achievable = min(recipe.n, t_all)
    required_min = min(recipe.commercial_min, int(prep.commercial.sum()))
    quota = at_min = cover = 0
    towns, bal = [], []
    elapsed = 0.0
    for r in range(draws):
        t = time.perf_counter()
        idx, pi = run(r)
        elapsed += time.perf_counter() - t
        com = int(prep.commercial[idx].sum())
        quota += com == prep.c
        at_min += com >= required_min
        k = len(np.unique(towns_of[idx]))
        cover += k >= achievable
        towns.append(k)
        bal.append(cov.spatial_balance(xy, pi, idx))
    b = np.array(bal)
    return Result(design, quota / draws, at_min / draws, cover / draws, float(np.mean(towns)),
                  float(b.mean()), float(b.std(ddof=1) / np.sqrt(draws)), 1000 * elapsed / draws)  # fmt: skip


def bench_frame(recipe: FrameRecipe, frame: pd.DataFrame, draws: int) -> list[Result]:
    """All designs on one frame."""
    prep = Prepared(frame[["x", "y"]].to_numpy(dtype=float), frame["commercial"].to_numpy(), recipe.n,
                    recipe.commercial_min)  # fmt: skip
    results = []
    for name, design in PEERS.items():
        key = zlib.crc32(name.encode())
        design(prep, np.random.default_rng([recipe.seed, key, 0]))  # warm the neighbour lists (not timed)

        def run(r: int, design=design, key=key) -> tuple[np.ndarray, np.ndarray]:
            return design(prep, np.random.default_rng([recipe.seed, key, r]))

        results.append(measure(name, run, recipe, frame, prep, draws))
    for label, kwargs in project_designs():
        results.append(measure(label, _project_runner(recipe, frame, kwargs), recipe, frame, prep, draws))
    ref = next(r for r in results if r.design == REFERENCE)
    for r in results:
        r.ratio = r.pielou / ref.pielou
        # Independent draws: delta method on the ratio of two means.
        r.ratio_se = (
            0.0 if r is ref else r.ratio * float(np.hypot(r.pielou_se / r.pielou, ref.pielou_se / ref.pielou))
        )
    return results


def pi_check(recipe: FrameRecipe, frame: pd.DataFrame, draws: int, kwargs: dict) -> str:
    """Empirical inclusion frequencies of the project's design over ``draws`` draws against its recorded pi.

    Per house ``z_i = (O_i - R pi_i) / sqrt(R pi_i (1 - pi_i))`` (the draws are independent, so ``O_i`` is
    binomial): the mean of ``z_i^2`` should be near 1, and the smallest exact two-sided binomial p-value times
    the number of houses (Bonferroni; ``|z|`` alone is misleading where ``R pi_i`` is about 1) above 0.01. Per
    township x commercial cell, the mean drawn count against ``sum(pi)`` with the draws' own variance
    (a cell whose count never varies must hit ``sum(pi)`` exactly).
    """
    run = _project_runner(recipe, frame, kwargs)
    hits = np.zeros(len(frame))
    cell = pd.factorize(frame["township_code"].astype(str) + "|" + frame["commercial"].astype(str))[0]
    n_cells = int(cell.max()) + 1
    counts = np.zeros((draws, n_cells))
    pi = None
    for r in range(draws):
        idx, pi = run(10_000 + r)
        hits[idx] += 1
        counts[r] = np.bincount(cell[idx], minlength=n_cells)
    assert pi is not None
    live = (pi > 0) & (pi < 1)
    z = (hits[live] - draws * pi[live]) / np.sqrt(draws * pi[live] * (1 - pi[live]))
    k, pl = hits[live], pi[live]
    p_two = np.minimum(1.0, 2 * np.minimum(stats.binom.cdf(k, draws, pl), stats.binom.sf(k - 1, draws, pl)))
    p_bonf = min(1.0, float(p_two.min()) * int(live.sum()))
    sure_ok = bool(np.all(hits[pi >= 1] == draws) and np.all(hits[pi <= 0] == 0))
    expected = np.bincount(cell, weights=pi, minlength=n_cells)
    mean, sd = counts.mean(axis=0), counts.std(axis=0, ddof=1)
    fixed = sd == 0
    zc = (mean[~fixed] - expected[~fixed]) / (sd[~fixed] / np.sqrt(draws))
    fixed_ok = bool(np.allclose(mean[fixed], expected[fixed], atol=1e-9))
    return (
        f"pi check, {draws} draws: houses {int(live.sum())} with 0<pi<1, mean z^2 {np.mean(z**2):.3f} "
        f"(expect ~1), max |z| {np.max(np.abs(z)):.2f}, smallest exact binomial p x houses {p_bonf:.3f} "
        f"(expect > 0.01), "
        f"pi=0/1 houses as recorded: {sure_ok}; cells {n_cells}: {int(fixed.sum())} with a fixed count "
        f"{'all = sum(pi)' if fixed_ok else 'NOT = sum(pi)'}, max |z| of the others "
        f"{np.max(np.abs(zc)) if len(zc) else 0:.2f}; pi range {pi.min():.4f}-{pi.max():.4f}"
    )


def table(results: list[Result]) -> str:
    """The figures of one frame as a Markdown table."""
    lines = [
        "| design | quota | >=min | cover | towns | Pielou (se) | ratio (se) | ms/draw |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.design} | {r.quota:.0%} | {r.at_least_min:.0%} | {r.cover:.0%} | {r.towns:.2f} | "
            f"{r.pielou:.4f} ({r.pielou_se:.4f}) | {r.ratio:.3f} ({r.ratio_se:.3f}) | {r.ms:.1f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; with ``--strict`` the exit status is 1 when a target fails."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=200)
    ap.add_argument("--frames", default="", help="comma-separated frame names (default: all)")
    ap.add_argument(
        "--offset", type=int, default=0, help="shift the frame seeds: fresh frames of the same kinds"
    )
    ap.add_argument(
        "--pi-check",
        type=int,
        default=0,
        metavar="R",
        help="also check the project's inclusion probabilities empirically over R draws per frame",
    )
    ap.add_argument("--strict", action="store_true", help="exit 1 when a target fails")
    args = ap.parse_args(argv)
    names = tuple(s for s in args.frames.split(",") if s) or None
    t0 = time.perf_counter()
    version = getattr(algo, "ALGORITHM_VERSION", "?")
    print(
        f"geo.draw ALGORITHM_VERSION={version}; version= keyword: {_has_version_keyword()}; R={args.draws}; "
        f"frame seed offset {args.offset}"
    )
    main_label = project_designs()[0][0]
    per_frame: dict[str, Result] = {}
    for recipe, frame in frames(names, args.offset):
        print(f"\n### {describe(recipe, frame)}")
        prep_c = Prepared(
            np.zeros((len(frame), 2)), frame["commercial"].to_numpy(), recipe.n, recipe.commercial_min
        )
        print(f"required commercial c={prep_c.c}, non-commercial {prep_c.nc}; "
              f"achievable townships min(n, T)={min(recipe.n, frame['township_code'].nunique())}\n")  # fmt: skip
        results = bench_frame(recipe, frame, args.draws)
        print(table(results))
        if args.pi_check:
            for label, kwargs in project_designs():
                print(f"{label}: {pi_check(recipe, frame, args.pi_check, kwargs)}")
        per_frame[recipe.name] = next(r for r in results if r.design == main_label)

    print(f"\nTargets for {main_label} on every frame:")
    checks = [
        ("quota held in 100 % of draws", all(r.quota == 1.0 for r in per_frame.values()),
         ", ".join(f"{k} {r.quota:.1%}" for k, r in per_frame.items())),
        ("min(n, T) townships in 100 % of draws", all(r.cover == 1.0 for r in per_frame.values()),
         ", ".join(f"{k} {r.cover:.1%}" for k, r in per_frame.items())),
        (f"Pielou <= {RATIO_TARGET:.2f} x {REFERENCE}", all(r.ratio <= RATIO_TARGET for r in per_frame.values()),
         ", ".join(f"{k} {r.ratio:.3f}" for k, r in per_frame.items())),
    ]  # fmt: skip
    for text, ok, detail in checks:
        print(f"{'PASS' if ok else 'FAIL'}: {text} ({detail})")
    print(f"\ntotal {time.perf_counter() - t0:.0f} s")
    return 1 if args.strict and not all(ok for _, ok, _ in checks) else 0


if __name__ == "__main__":
    sys.exit(main())
