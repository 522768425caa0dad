"""Realistic unit frames for the balance benchmark (issue 13): one county-level unit's hazardous houses.

Every frame is a pure function of its ``FrameRecipe`` (its seed included), in projected metres:

1. **Unit polygon.** A star-shaped polygon around the origin whose radius wanders smoothly (three random
   harmonics, +-25 %), ``2 * radius_km`` across (rural counties 60-80 km, an urban district ~16 km).
2. **Townships.** ``townships`` centres inside the polygon; their density falls off from the county seat
   (the origin), so central townships are small and outer ones large (skewed sizes). A house belongs to the
   township of its nearest centre: the townships are the Voronoi cells of the centres clipped to the unit,
   so they are spatially contiguous and partition it. House counts per township are lognormal (skewed),
   at least ``min_per_township``.
3. **Villages.** Each township has a seat village on its centre (3x the weight) and ``Poisson(villages)``
   more villages at random points of its cell; village sizes are lognormal; houses are Gaussian around
   their village centre (``spread_m``; the seat 1.6x wider), rejection-sampled to stay inside the unit and
   inside their township's cell.
4. **Roads and commercial houses.** Roads join the county seat to every township seat (straight segments).
   Exactly ``commercial`` houses are commercial, drawn without replacement with weight
   ``0.3 + 5 [in a seat village] + 3 exp(-d_road / 250 m)``, so shops and inns concentrate in the seats and
   along the roads rather than uniformly.

Columns: house_id (int64, unique, random order of magnitude), township_code (str, ``unit_code`` + 3
digits), commercial (bool), x, y (float metres). Run ``python bench/balance_frames.py`` for a summary.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from scipy.spatial import cKDTree

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


@dataclass(frozen=True)
class FrameRecipe:
    """What a benchmark frame looks like, and what is drawn from it."""

    name: str
    unit_code: str
    seed: int
    radius_km: float
    townships: int
    houses: int
    commercial: int
    n: int = 20
    commercial_min: int = 12
    villages: float = 6.0  # mean number of villages per township besides its seat
    spread_m: float = 250.0  # sd of the houses around a village centre
    central_pull: float = 1.6  # > 1: township centres crowd the county seat (small central townships)
    min_per_township: int = 8
    label: str = ""


# fmt: off
RECIPES: tuple[FrameRecipe, ...] = (
    FrameRecipe("rural", "620001", 101, 35.0, 12, 1500, 210, villages=7.0, spread_m=300.0,
                label="rural county, T=12 < n=20"),
    FrameRecipe("urban", "620002", 202, 8.0, 35, 3000, 1050, villages=10.0, spread_m=120.0,
                central_pull=1.3, label="urban district, T=35 > n=20, dense"),
    FrameRecipe("few_commercial", "620003", 303, 30.0, 16, 1200, 8, villages=6.0, spread_m=280.0,
                label="C=8 < cmin=12"),
    FrameRecipe("typical", "620004", 404, 28.0, 22, 2000, 500, villages=7.0, spread_m=250.0,
                label="typical county, T=22, 25 % commercial"),
)
# fmt: on


def _unit_polygon(rng: np.random.Generator, radius_m: float) -> shapely.Polygon:
    angles = np.linspace(0.0, 2 * math.pi, 72, endpoint=False)
    wobble = np.zeros_like(angles)
    for k in (2, 3, 5):
        wobble += rng.uniform(0.03, 0.12) * np.cos(k * angles + rng.uniform(0, 2 * math.pi))
    r = radius_m * (1.0 + np.clip(wobble, -0.25, 0.25))
    return shapely.Polygon(np.column_stack([r * np.cos(angles), r * np.sin(angles)]))


def _inside(poly: shapely.Polygon, xy: np.ndarray) -> np.ndarray:
    return shapely.contains_xy(poly, xy[:, 0], xy[:, 1])


def _centres(
    rng: np.random.Generator, poly: shapely.Polygon, radius_m: float, t: int, pull: float
) -> np.ndarray:
    """Township centres: the first at the county seat, the rest with a density falling off from it."""
    out = [np.zeros(2)]
    min_gap = radius_m / (3.0 * math.sqrt(t))
    while len(out) < t:
        rho = radius_m * rng.random() ** pull  # pull > 1 crowds the centre (uniform in area would be 0.5)
        phi = rng.uniform(0, 2 * math.pi)
        p = np.array([rho * math.cos(phi), rho * math.sin(phi)])
        if _inside(poly, p[None])[0] and min(np.hypot(*(p - q)) for q in out) > min_gap:
            out.append(p)
    return np.array(out)


def _sample_cell(rng, poly, tree: cKDTree, t: int, centre: np.ndarray, sd: float, m: int) -> np.ndarray:
    """``m`` points Gaussian around ``centre`` (sd ``sd``) inside the unit and nearest to centre ``t``."""
    got: list[np.ndarray] = []
    have, tries = 0, 0
    while have < m:
        tries += 1
        cand = centre + rng.normal(0.0, sd * (1.0 + 0.5 * (tries > 20)), size=(max(2 * (m - have), 16), 2))
        ok = _inside(poly, cand) & (tree.query(cand)[1] == t)
        if tries > 60:  # a village squeezed against its cell's edge: fall back to the cell itself
            return np.concatenate(got + [_uniform_cell(rng, poly, tree, t, centre, m - have)])[:m]
        got.append(cand[ok])
        have += int(ok.sum())
    return np.concatenate(got)[:m]


def _uniform_cell(rng, poly, tree: cKDTree, t: int, centre: np.ndarray, m: int) -> np.ndarray:
    """``m`` points uniform in township ``t``'s cell (rejection from a square holding the whole unit)."""
    if m <= 0:
        return np.zeros((0, 2))
    x0, y0, x1, y1 = poly.bounds
    got: list[np.ndarray] = []
    have = 0
    while have < m:
        cand = np.column_stack([rng.uniform(x0, x1, 4096), rng.uniform(y0, y1, 4096)])
        ok = _inside(poly, cand) & (tree.query(cand)[1] == t)
        got.append(cand[ok])
        have += int(ok.sum())
    return np.concatenate(got)[:m]


def make_frame(recipe: FrameRecipe) -> pd.DataFrame:
    """Build the frame of ``recipe`` (deterministic in the recipe; see the module docstring)."""
    rng = np.random.default_rng(np.random.SeedSequence([recipe.seed, 13]))
    radius = recipe.radius_km * 1000.0
    poly = _unit_polygon(rng, radius)
    t_n = recipe.townships
    centres = _centres(rng, poly, radius, t_n, recipe.central_pull)
    tree = cKDTree(centres)

    weights = rng.lognormal(0.0, 0.7, size=t_n)
    weights[0] *= 2.0  # the seat town is the biggest
    spare = recipe.houses - recipe.min_per_township * t_n
    if spare < 0:
        raise ValueError("too few houses for the townships")
    per_t = recipe.min_per_township + rng.multinomial(spare, weights / weights.sum())

    xs: list[np.ndarray] = []
    tship: list[np.ndarray] = []
    seat_flag: list[np.ndarray] = []
    for t in range(t_n):
        k = 1 + int(rng.poisson(recipe.villages))
        vc = np.concatenate([centres[t][None], _uniform_cell(rng, poly, tree, t, centres[t], k - 1)])
        vw = rng.lognormal(0.0, 1.0, size=k)
        vw[0] = 3.0 * max(vw[0], np.median(vw))
        per_v = rng.multinomial(int(per_t[t]), vw / vw.sum())
        for v in range(k):
            if per_v[v] == 0:
                continue
            sd = recipe.spread_m * (1.6 if v == 0 else 1.0)
            xs.append(_sample_cell(rng, poly, tree, t, vc[v], sd, int(per_v[v])))
            tship.append(np.full(per_v[v], t))
            seat_flag.append(np.full(per_v[v], v == 0))
    xy = np.concatenate(xs)
    township = np.concatenate(tship)
    seat = np.concatenate(seat_flag)

    roads = shapely.MultiLineString([[(0.0, 0.0), (float(c[0]), float(c[1]))] for c in centres[1:]])
    d_road = shapely.distance(shapely.points(xy), roads)
    w = 0.3 + 5.0 * seat + 3.0 * np.exp(-d_road / 250.0)
    n_houses = len(xy)
    commercial = np.zeros(n_houses, dtype=bool)
    commercial[rng.choice(n_houses, size=recipe.commercial, replace=False, p=w / w.sum())] = True

    ids = rng.choice(9_000_000, size=n_houses, replace=False).astype(np.int64) + 1_000_000
    order = rng.permutation(n_houses)  # no spatial meaning in the row order
    codes = np.array([f"{recipe.unit_code}{t + 1:03d}" for t in range(t_n)], dtype=object)
    return pd.DataFrame(
        {
            "house_id": ids[order],
            "township_code": codes[township[order]].astype(str),
            "commercial": commercial[order],
            "x": xy[order, 0],
            "y": xy[order, 1],
        }
    )


def frames(names: tuple[str, ...] | None = None, offset: int = 0) -> list[tuple[FrameRecipe, pd.DataFrame]]:
    """The benchmark frames: ``RECIPES`` then the Gansu ones (all, or those named).

    ``offset`` shifts every recipe's seed (the Gansu generator's too): other frames of the same kinds, to
    check that a design tuned on the default frames holds on fresh ones.
    """
    out = []
    for r in RECIPES:
        if names is None or r.name in names:
            r = replace(r, seed=r.seed + offset) if offset else r
            out.append((r, make_frame(r)))
    wanted = [g for g in GANSU if names is None or g[0] in names]
    return out + (gansu_frames(wanted, offset) if wanted else [])


def describe(recipe: FrameRecipe, frame: pd.DataFrame) -> str:
    """One line about a frame: size, townships and their size range, commercial share, extent."""
    per_t = frame.groupby("township_code").size()
    ext = (frame["x"].max() - frame["x"].min()) / 1000, (frame["y"].max() - frame["y"].min()) / 1000
    return (
        f"{recipe.name:15s} N={len(frame):5d} T={len(per_t):3d} (houses per township {per_t.min()}-"
        f"{per_t.max()}, median {int(per_t.median())}) C={int(frame['commercial'].sum()):5d} "
        f"({frame['commercial'].mean():.0%}) extent {ext[0]:.0f} x {ext[1]:.0f} km; n={recipe.n} "
        f"cmin={recipe.commercial_min} — {recipe.label}"
    )


# ---------------------------------------------------------------------------------------------------------
# Frames from the project's synthetic Gansu generator (real county polygons and township lists)

GANSU: tuple[tuple[str, str, int], ...] = (
    ("gansu_longxi", "621122", 20_000),  # 陇西县, 17 townships: T < n
    ("gansu_chengguan", "620102", 30_000),  # 兰州城关区, 28 streets: T > n
)


def gansu_frame(county_code: str, houses: int, seed: int = 20241021) -> pd.DataFrame:
    """The hazardous houses (open hazard record) of one real county from ``geo.synthetic``, in metres.

    ``houses`` houses are generated in the county; about 10 % are hazardous. Commercial is
    ``UseClass.is_commercial`` (commercial or mixed use), x, y the county's Gauss-Krueger zone.
    """
    from pyproj import Transformer

    from geo.crs import CGCS2000, gauss_kruger_epsg
    from geo.enums import UseClass
    from geo.synthetic import FrameSpec, generate_frame, load_gansu_inputs

    counties, townships = load_gansu_inputs()
    syn = generate_frame(
        counties[counties["code"] == county_code],
        townships[townships["county_code"] == county_code],
        FrameSpec(seed=seed, houses=houses),
    )
    rec = syn.hazard_records
    open_codes = set(rec.loc[rec["closed_on"].isna(), "survey_code"])
    h = syn.houses[syn.houses["survey_code"].isin(open_codes)].reset_index(drop=True)
    epsg = gauss_kruger_epsg(float(h["lon"].mean()))
    x, y = Transformer.from_crs(CGCS2000, epsg, always_xy=True).transform(
        h["lon"].to_numpy(), h["lat"].to_numpy()
    )
    commercial = np.array([UseClass(u).is_commercial for u in h["use_class"]], dtype=bool)
    return pd.DataFrame(
        {
            "house_id": np.arange(1, len(h) + 1, dtype=np.int64),
            "township_code": h["township_code"].astype(str).to_numpy(),
            "commercial": commercial,
            "x": np.asarray(x, dtype=float),
            "y": np.asarray(y, dtype=float),
        }
    )


def gansu_frames(which=GANSU, offset: int = 0) -> list[tuple[FrameRecipe, pd.DataFrame]]:
    """The Gansu synthetic frames with recipes describing them (n=20, cmin=12)."""
    out = []
    for name, code, houses in which:
        fr = gansu_frame(code, houses, 20241021 + offset)
        recipe = FrameRecipe(name, code, int(code), 0.0, int(fr["township_code"].nunique()), len(fr),
                             int(fr["commercial"].sum()), label=f"geo.synthetic county {code}")  # fmt: skip
        out.append((recipe, fr))
    return out


if __name__ == "__main__":
    for rec, fr in frames():
        print(describe(rec, fr))
