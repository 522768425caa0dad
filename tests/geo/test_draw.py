"""The draw (geo.draw): county draw, house draw of version 1 (geo.draw_v1), inclusion probabilities, replacements,
digests. Pure."""

import hashlib
import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from boundaries import COUNTIES
from geo.draw import (
    UnitDraw,
    UnitInfo,
    draw_units,
    frame_digest,
    next_replacement,
    rng_for,
)
from geo.draw_v1 import ALGORITHM_VERSION, draw_houses, inclusion_probabilities
from geo.gansu import CITY_SEATS, STANDALONE_UNITS
from tests.notice import APPENDIX_2024

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ---------------------------------------------------------------------------------------------------------
# Randomness


def test_rng_for_is_the_documented_generator():
    seed = "2024-10-21 双色球 2024123 03 07 12 18 25 31+09"
    key = int.from_bytes(hashlib.sha256(f"{seed}|units|620100".encode()).digest()[:16], "big")
    expected = np.random.Generator(np.random.PCG64(key)).random(5)
    assert np.array_equal(rng_for(seed, "units", "620100").random(5), expected)
    assert not np.array_equal(rng_for(seed, "units", "620200").random(5), expected)
    assert ALGORITHM_VERSION == "spotcheck-draw/1"


# ---------------------------------------------------------------------------------------------------------
# County draw


def gansu_units() -> list[UnitInfo]:
    props = [f["properties"] for f in json.loads(COUNTIES.read_text(encoding="utf-8"))["features"]]
    return [
        UnitInfo(
            code=p["code"],
            name=p["name"],
            city_code=p["city_code"],
            is_city_seat=CITY_SEATS.get(p["city_code"]) == p["code"],
            stands_alone=p["code"] in STANDALONE_UNITS,
        )
        for p in props
    ]


# The notice's appendix (2024), by name; 嘉峪关 stands alone and is checked by code.
APPENDIX = {city: names for city, names in APPENDIX_2024.items() if city != "嘉峪关市"}


CITY_CODES = {"兰州市": "620100", "白银市": "620400", "天水市": "620500", "庆阳市": "621000",
              "平凉市": "620800", "陇南市": "621200", "酒泉市": "620900", "张掖市": "620700",
              "金昌市": "620300", "定西市": "621100", "武威市": "620600",
              "临夏回族自治州": "622900", "甘南藏族自治州": "623000"}  # fmt: skip


def test_gansu_draw_gives_42_units():
    units = gansu_units()
    assert len(units) == 88
    picks = draw_units(units, {"620100": 5}, 3, "2024-10-21 test")
    assert len(picks) == 42
    by_city: dict[str, list] = {}
    for p in picks:
        by_city.setdefault(p.city_code, []).append(p)
    assert len(by_city) == 14
    lanzhou = [p for p in by_city["620100"] if p.reason != "stands_alone"]
    assert len(lanzhou) == 5 and lanzhou[0].code == "620102" and lanzhou[0].reason == "seat"
    # 兰州 has 8 counties besides 兰州新区: seat + 4 of the other 7.
    assert all(p.inclusion_probability == pytest.approx(4 / 7) for p in lanzhou[1:])
    assert {p.code: p.reason for p in picks if p.reason == "stands_alone"} == {
        "620171": "stands_alone",
        "620201": "stands_alone",
    }
    assert sorted((p.code, p.reason) for p in by_city["620300"]) == [("620302", "seat"), ("620321", "all")]
    for city, seat in CITY_SEATS.items():
        assert seat in {p.code for p in by_city[city]}
    keys = [(p.city_code, p.reason == "stands_alone", p.order) for p in picks]
    assert keys == sorted(keys)


def test_the_2024_appendix_is_a_possible_plan():
    """Forcing the appendix's counties in reproduces the 2024 plan exactly (42 units, all probability 1)."""
    units = gansu_units()
    code_of = {(u.city_code, u.name): u.code for u in units}
    appendix_codes = [code_of[(CITY_CODES[city], name)] for city, names in APPENDIX.items() for name in names]
    picks = draw_units(units, {"620100": 5}, 3, "any seed", include=appendix_codes)
    drawn = {p.code for p in picks}
    assert drawn == set(appendix_codes) | STANDALONE_UNITS
    assert len(drawn) == 42
    assert all(p.inclusion_probability == 1.0 for p in picks)
    assert {p.reason for p in picks} == {"seat", "included", "stands_alone"}


@st.composite
def city_structures(draw):
    units = []
    quotas = {}
    n_cities = draw(st.integers(1, 6))
    for c in range(n_cities):
        city = f"62{c + 1:02d}00"
        size = draw(st.integers(0, 9))
        has_seat = draw(st.booleans()) if size else False
        for i in range(size):
            units.append(UnitInfo(f"62{c + 1:02d}{i + 2:02d}", f"u{c}{i}", city, has_seat and i == 0, False))
        for j in range(draw(st.integers(0, 2))):
            units.append(UnitInfo(f"62{c + 1:02d}7{j}", f"s{c}{j}", city, False, True))
        if draw(st.booleans()):
            quotas[city] = draw(st.integers(1, 6))
    default = draw(st.integers(1, 5))
    codes = [u.code for u in units]
    include = draw(st.lists(st.sampled_from(codes), unique=True, max_size=3)) if codes else []
    rest = [c for c in codes if c not in include]
    exclude = draw(st.lists(st.sampled_from(rest), unique=True, max_size=3)) if rest else []
    permuted = draw(st.permutations(units))
    return permuted, quotas, default, include, exclude


@FAST
@given(city_structures(), st.text(max_size=20))
def test_county_draw_properties(structure, seed):
    units, quotas, default, include, exclude = structure
    by_code = {u.code: u for u in units}
    try:
        picks = draw_units(units, quotas, default, seed, include=include, exclude=exclude)
    except ValueError as exc:
        # Only possible when forced units (seat + included) exceed a city's quota.
        city = str(exc).split(":")[0].removeprefix("city ")
        members = [u for u in units if u.city_code == city and not u.stands_alone and u.code not in exclude]
        forced = {u.code for u in members if u.is_city_seat or u.code in include}
        assert len(forced) > quotas.get(city, default)
        return
    codes = [p.code for p in picks]
    assert len(codes) == len(set(codes))
    assert not set(codes) & set(exclude)
    assert set(include) <= set(codes)
    for u in units:
        if u.stands_alone and u.code not in exclude:
            (p,) = [p for p in picks if p.code == u.code]
            assert p.reason == "stands_alone" and p.inclusion_probability == 1.0
        if u.is_city_seat and u.code not in exclude:
            assert u.code in codes
    cities = {u.city_code for u in units}
    for city in cities:
        members = [u for u in units if u.city_code == city and not u.stands_alone and u.code not in exclude]
        quota = quotas.get(city, default)
        mine = [p for p in picks if p.city_code == city and p.reason != "stands_alone"]
        assert len(mine) == min(quota, len(members))
        assert [p.order for p in mine] == list(range(1, len(mine) + 1))
        forced = [u.code for u in members if u.is_city_seat or u.code in include]
        for p in mine:
            assert by_code[p.code].city_code == city
            if p.reason == "random":
                assert p.inclusion_probability == pytest.approx(
                    (quota - len(forced)) / (len(members) - len(forced))
                )
            else:
                assert p.inclusion_probability == 1.0
        seats = [p for p in mine if p.reason == "seat"]
        if seats:
            assert mine[0].reason == "seat"
    assert picks == draw_units(list(reversed(units)), quotas, default, seed, include=include, exclude=exclude)


def test_county_draw_seeds_differ_and_are_uniform():
    units = gansu_units()
    seen: dict[str, int] = {}
    draws = set()
    for i in range(700):
        picks = draw_units(units, {"620100": 5}, 3, f"seed {i}")
        draws.add(tuple(p.code for p in picks))
        for p in picks:
            if p.city_code == "620100" and p.reason == "random":
                seen[p.code] = seen.get(p.code, 0) + 1
    assert len(draws) > 650
    # 兰州: 7 non-seat counties, 4 drawn: each with probability 4/7.
    assert len(seen) == 7
    for count in seen.values():
        se = math.sqrt(700 * 4 / 7 * 3 / 7)
        assert abs(count - 400) < 4 * se


def test_county_draw_errors():
    units = [UnitInfo("620102", "a", "620100", True, False), UnitInfo("620103", "b", "620100", False, False)]
    with pytest.raises(ValueError, match="seat"):
        draw_units(units, {"620100": 0}, 3, "s")
    with pytest.raises(ValueError, match="quota is 1"):
        draw_units(units, {"620100": 1}, 3, "s", include=["620103"])
    with pytest.raises(ValueError, match="unknown"):
        draw_units(units, {}, 3, "s", include=["999999"])
    with pytest.raises(ValueError, match="both"):
        draw_units(units, {}, 3, "s", include=["620103"], exclude=["620103"])
    with pytest.raises(ValueError, match="twice"):
        draw_units(units + units[:1], {}, 3, "s")


# ---------------------------------------------------------------------------------------------------------
# House draw


def make_frame(
    rng: np.random.Generator, size: int, n_townships: int, commercial_share: float, grid: float = 0.0
):
    weights = rng.dirichlet(np.ones(n_townships))
    tship = rng.choice(n_townships, size=size, p=weights)
    centres = rng.uniform(0, 50_000, size=(n_townships, 2))
    xy = centres[tship] + rng.normal(0, 3_000, size=(size, 2))
    if grid:
        xy = np.round(xy / grid) * grid  # houses sharing a point (e.g. geocoded to the village)
    return pd.DataFrame(
        {
            "house_id": rng.choice(10 * size + 10, size=size, replace=False).astype(np.int64),
            "township_code": [f"620102{t + 1:03d}" for t in tship],
            "commercial": rng.random(size) < commercial_share,
            "x": xy[:, 0] + 500_000,
            "y": xy[:, 1] + 4_000_000,
        }
    )


def stratum_key(label: str) -> tuple[str, bool]:
    tship, flag = label.split("|")
    return tship, flag == "n"


def check_draw(frame: pd.DataFrame, n: int, cmin: int, d: UnitDraw, reps: int) -> None:
    N = len(frame)
    C = int(frame["commercial"].sum())
    s, r = d.sample, d.replacements
    assert len(s) == min(n, N)
    assert list(s.columns) == [
        "house_id",
        "township_code",
        "commercial",
        "stratum",
        "inclusion_probability",
        "draw_order",
    ]
    assert list(r.columns) == [
        "house_id",
        "township_code",
        "commercial",
        "stratum",
        "inclusion_probability",
        "rank",
    ]
    assert s["house_id"].dtype == np.int64 and s["commercial"].dtype == bool
    assert s["house_id"].is_unique and r["house_id"].is_unique
    assert not set(s["house_id"]) & set(r["house_id"])
    assert s["draw_order"].tolist() == list(range(1, len(s) + 1))
    assert r["rank"].tolist() == list(range(1, len(r) + 1))
    assert set(s["house_id"]) | set(r["house_id"]) <= set(frame["house_id"])
    # Attributes agree with the frame.
    f = frame.set_index("house_id")
    for part in (s, r):
        assert (f.loc[part["house_id"], "township_code"].to_numpy() == part["township_code"].to_numpy()).all()
        assert (f.loc[part["house_id"], "commercial"].to_numpy() == part["commercial"].to_numpy()).all()
        expected = [
            f"{t}|{'c' if c else 'n'}" for t, c in zip(part["township_code"], part["commercial"], strict=True)
        ]
        assert part["stratum"].tolist() == expected
    # Commercial minimum (hard) and shortfalls.
    assert d.commercial_drawn == int(s["commercial"].sum())
    assert d.commercial_drawn >= min(cmin, C)
    kinds = {x["kind"] for x in d.shortfalls}
    assert ("commercial" in kinds) == (C < cmin)
    assert ("houses" in kinds) == (N < n)
    if C < cmin:
        assert d.commercial_drawn == C
    for x in d.shortfalls:
        assert x["reason_zh"] and x["reason_en"] and x["available"] < x["requested"]
    # Allocation table.
    a = d.allocation
    assert int(a["frame_count"].sum()) == N and int(a["allocated"].sum()) == len(s)
    assert (a["allocated"] <= a["frame_count"]).all()
    counts = s["stratum"].value_counts()
    assert all(counts.get(row.stratum, 0) == row.allocated for row in a.itertuples())
    # Township spreading: in each group the sample covers min(k, T) townships.
    for flag in (True, False):
        k = int((s["commercial"] == flag).sum())
        T = frame.loc[frame["commercial"] == flag, "township_code"].nunique()
        assert s.loc[s["commercial"] == flag, "township_code"].nunique() == min(k, T)
        if k < T:
            assert (s.loc[s["commercial"] == flag, "township_code"].value_counts() == 1).all()
    # Replacements: from sampled strata, up to `reps` each, ordered by stratum.
    assert set(r["stratum"]) <= set(s["stratum"])
    sizes = frame.assign(
        stratum=[
            f"{t}|{'c' if c else 'n'}" for t, c in zip(frame.township_code, frame.commercial, strict=True)
        ]
    )
    sizes = sizes["stratum"].value_counts()
    rc = r["stratum"].value_counts()
    for label, taken in counts.items():
        assert rc.get(label, 0) == min(reps, sizes[label] - taken)
    keys = [stratum_key(x) for x in r["stratum"]]
    assert keys == sorted(keys)
    keys = [stratum_key(x) for x in s["stratum"]]
    assert keys == sorted(keys)
    # Inclusion probabilities: the design's, summing to the sample size.
    pi = inclusion_probabilities(frame, n, cmin)
    assert pi.index.is_monotonic_increasing and set(pi.index) == set(frame["house_id"])
    assert ((pi >= 0) & (pi <= 1 + 1e-12)).all()
    assert pi.sum() == pytest.approx(min(n, N), abs=1e-9)
    assert np.allclose(
        pi.loc[s["house_id"]].to_numpy(), s["inclusion_probability"].to_numpy(), rtol=0, atol=1e-12
    )
    assert np.allclose(
        pi.loc[r["house_id"]].to_numpy(), r["inclusion_probability"].to_numpy(), rtol=0, atol=1e-12
    )
    assert (s["inclusion_probability"] > 0).all()
    for flag in (True, False):
        if (s["commercial"] == flag).any():
            assert (pi[frame.set_index("house_id")["commercial"].reindex(pi.index) == flag] > 0).all()


@st.composite
def frames(draw):
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    size = draw(st.integers(0, 250))
    n_t = draw(st.integers(1, 9))
    share = draw(st.sampled_from([0.0, 0.05, 0.2, 0.4, 0.7, 1.0]))
    grid = draw(st.sampled_from([0.0, 0.0, 2_000.0]))
    frame = make_frame(rng, size, n_t, share, grid)
    n = draw(st.integers(0, 30))
    cmin = draw(st.integers(0, n))
    return frame, n, cmin


@FAST
@given(frames(), st.text(min_size=1, max_size=12), st.integers(0, 4))
def test_house_draw_properties(case, seed, reps):
    frame, n, cmin = case
    d = draw_houses(frame, n, cmin, seed, "620102", replacements_per_stratum=reps)
    check_draw(frame, n, cmin, d, reps)
    # Reproducible and independent of row order.
    shuffled = frame.sample(frac=1.0, random_state=7).reset_index(drop=True)
    again = draw_houses(shuffled, n, cmin, seed, "620102", replacements_per_stratum=reps)
    pd.testing.assert_frame_equal(d.sample, again.sample)
    pd.testing.assert_frame_equal(d.replacements, again.replacements)
    pd.testing.assert_frame_equal(d.allocation, again.allocation)
    assert d.shortfalls == again.shortfalls


def test_house_draw_depends_on_seed_and_unit():
    frame = make_frame(np.random.default_rng(3), 500, 6, 0.4)
    samples = {tuple(draw_houses(frame, 20, 12, f"s{i}", "620102").sample["house_id"]) for i in range(30)}
    assert len(samples) == 30
    a = draw_houses(frame, 20, 12, "s", "620102").sample["house_id"].tolist()
    b = draw_houses(frame, 20, 12, "s", "620103").sample["house_id"].tolist()
    assert a != b


def test_commercial_count_rule():
    rng = np.random.default_rng(5)
    frame = make_frame(rng, 400, 5, 0.5)
    C = int(frame["commercial"].sum())
    d = draw_houses(frame, 20, 12, "s", "u")
    assert d.commercial_drawn == max(12, math.floor(20 * C / 400 + 0.5))
    # Few commercial houses: all taken, shortfall reported in both languages.
    frame.loc[:, "commercial"] = False
    frame.loc[frame.index[:7], "commercial"] = True
    d = draw_houses(frame, 20, 12, "s", "u")
    assert d.commercial_drawn == 7
    (short,) = d.shortfalls
    assert short["kind"] == "commercial" and short["requested"] == 12 and short["available"] == 7
    assert "7" in short["reason_zh"] and "12" in short["reason_en"]
    # Mostly commercial: the proportional share wins over the minimum.
    frame["commercial"] = True
    frame.loc[frame.index[:100], "commercial"] = False
    d = draw_houses(frame, 20, 12, "s", "u")
    assert d.commercial_drawn == 15 and len(d.sample) == 20
    # Small unit: all houses, both shortfalls.
    small = frame.iloc[:9]
    d = draw_houses(small, 20, 12, "s", "u")
    assert len(d.sample) == 9 and {x["kind"] for x in d.shortfalls} == {"houses", "commercial"}
    assert (d.sample["inclusion_probability"] == 1.0).all() and d.replacements.empty


def test_bad_frames_are_refused():
    frame = make_frame(np.random.default_rng(1), 50, 3, 0.3)
    with pytest.raises(ValueError, match="repeat"):
        draw_houses(pd.concat([frame, frame.iloc[:1]]), 10, 4, "s", "u")
    with pytest.raises(ValueError, match="exceed"):
        draw_houses(frame, 10, 11, "s", "u")
    broken = frame.copy()
    broken.loc[0, "x"] = np.nan
    with pytest.raises(ValueError, match="coordinates"):
        draw_houses(broken, 10, 4, "s", "u")


def test_a_stratum_does_not_depend_on_other_strata_positions():
    frame = make_frame(np.random.default_rng(11), 600, 4, 0.5)
    d = draw_houses(frame, 40, 12, "s", "u")
    assert (d.allocation["stratum_probability"] == 1.0).all()  # deterministic allocation: k >= T
    moved = frame.copy()
    other = moved["township_code"] != "620102001"
    moved.loc[other, "x"] = moved.loc[other, "x"] * 1.5 + 777.0
    e = draw_houses(moved, 40, 12, "s", "u")
    mine = d.sample[d.sample["township_code"] == "620102001"]
    assert (
        mine["house_id"].tolist()
        == e.sample.loc[e.sample["township_code"] == "620102001", "house_id"].tolist()
    )


def test_samples_spread_in_space():
    """GRTS: a stratum's sample is better spread than simple random sampling (mean nearest-neighbour distance)."""
    from scipy.spatial import cKDTree

    rng = np.random.default_rng(2)
    frame = pd.DataFrame(
        {
            "house_id": np.arange(2000),
            "township_code": "620102001",
            "commercial": False,
            "x": rng.uniform(0, 10_000, 2000),
            "y": rng.uniform(0, 10_000, 2000),
        }
    )
    xy = frame[["x", "y"]].to_numpy()

    def nn(ids):
        pts = xy[ids]
        dist, _ = cKDTree(pts).query(pts, k=2)
        return dist[:, 1].mean()

    grts = np.mean(
        [nn(draw_houses(frame, 20, 0, f"g{i}", "u").sample["house_id"].to_numpy()) for i in range(100)]
    )
    srs = np.mean([nn(rng.choice(2000, 20, replace=False)) for _ in range(100)])
    assert grts > 1.2 * srs


# ---------------------------------------------------------------------------------------------------------
# The recorded probabilities are the design's: empirical selection frequencies over many seeds.


def selection_frequencies(frame, n, cmin, draws, tag):
    counts = pd.Series(0, index=np.sort(frame["house_id"].to_numpy()))
    for i in range(draws):
        ids = draw_houses(frame, n, cmin, f"{tag}-{i}", "620102", replacements_per_stratum=0).sample[
            "house_id"
        ]
        counts.loc[ids.to_numpy()] += 1
    return counts / draws


def assert_frequencies_match(frame, n, cmin, draws, tag):
    pi = inclusion_probabilities(frame, n, cmin)
    freq = selection_frequencies(frame, n, cmin, draws, tag)
    se = np.sqrt(pi * (1 - pi) / draws)
    free = (pi > 0) & (pi < 1)
    z = ((freq - pi)[free] / se[free]).abs()
    assert z.max() < 4.0, z.sort_values().tail()
    assert (freq[pi == 1.0] == 1.0).all() and (freq[pi == 0.0] == 0.0).all()
    # Aggregate: sum of squared z-scores is about the number of houses (each count is binomial).
    chi2 = float((z**2).sum())
    df = int(free.sum())
    assert chi2 < df + 4 * math.sqrt(2 * df), (chi2, df)
    return pi


def test_frequencies_match_probabilities_deterministic_allocation():
    # 60 houses in 4 townships, 25 commercial, n = 10, at least 4 commercial.
    rng = np.random.default_rng(20241021)
    tship = np.repeat(["620102001", "620102002", "620102003", "620102004"], [24, 16, 12, 8])
    com = np.zeros(60, dtype=bool)
    com[rng.choice(60, 25, replace=False)] = True
    frame = pd.DataFrame(
        {
            "house_id": np.arange(1001, 1061),
            "township_code": tship,
            "commercial": com,
            "x": rng.uniform(0, 20_000, 60),
            "y": rng.uniform(0, 20_000, 60),
        }
    )
    pi = assert_frequencies_match(frame, 10, 4, 4000, "stat")
    assert pi.sum() == pytest.approx(10)


def test_frequencies_match_probabilities_pps_townships():
    # More townships than houses per group: townships chosen by PPS, one certain (a big town).
    rng = np.random.default_rng(7)
    sizes = [30, 3, 4, 5, 6, 2, 8, 1]
    tship = np.repeat([f"620102{i + 1:03d}" for i in range(8)], sizes)
    N = len(tship)
    com = rng.random(N) < 0.35
    frame = pd.DataFrame(
        {
            "house_id": np.arange(N) * 3 + 5,
            "township_code": tship,
            "commercial": com,
            "x": rng.uniform(0, 20_000, N),
            "y": rng.uniform(0, 20_000, N),
        }
    )
    d = draw_houses(frame, 6, 3, "probe", "620102")
    assert (d.allocation["allocated"] <= 1).all()
    assert (d.allocation["stratum_probability"] == 1.0).any()  # the big town is certain
    assert ((d.allocation["stratum_probability"] > 0) & (d.allocation["stratum_probability"] < 1)).any()
    assert_frequencies_match(frame, 6, 3, 2000, "pps")


# ---------------------------------------------------------------------------------------------------------
# Replacements


def two_township_frame(n_com_a, n_non_a, n_com_b, n_non_b):
    rows = []
    hid = 1
    rng = np.random.default_rng(9)
    for tship, nc, nn in (("620102001", n_com_a, n_non_a), ("620102002", n_com_b, n_non_b)):
        for flag, count in ((True, nc), (False, nn)):
            for _ in range(count):
                rows.append((hid, tship, flag, *rng.uniform(0, 5_000, 2)))
                hid += 1
    return pd.DataFrame(rows, columns=["house_id", "township_code", "commercial", "x", "y"])


def test_next_replacement_same_stratum_first_then_township_then_unit():
    frame = two_township_frame(10, 10, 10, 10)
    d = draw_houses(frame, 8, 4, "s", "u", replacements_per_stratum=2)
    a_non = d.sample[(d.sample["township_code"] == "620102001") & ~d.sample["commercial"]]
    house = int(a_non["house_id"].iloc[0])
    stratum_list = d.replacements.loc[d.replacements["stratum"] == "620102001|n", "house_id"].tolist()
    assert len(stratum_list) == 2
    used: set[int] = set()
    got = []
    for _ in range(2):
        r = next_replacement(d, house, used)
        got.append(r)
        used.add(r)
    assert got == stratum_list
    # Stratum exhausted: same township, other flag (non-commercial -> commercial always allowed).
    r = next_replacement(d, house, used)
    assert r == d.replacements.loc[d.replacements["stratum"] == "620102001|c", "house_id"].iloc[0]
    used |= set(d.replacements.loc[d.replacements["township_code"] == "620102001", "house_id"])
    # Township exhausted: first unused of the unit's list.
    r = next_replacement(d, house, used)
    assert r == d.replacements.loc[~d.replacements["house_id"].isin(used), "house_id"].iloc[0]
    used |= set(d.replacements["house_id"])
    assert next_replacement(d, house, used) is None
    with pytest.raises(ValueError):
        next_replacement(d, -1, set())


def test_next_replacement_keeps_the_commercial_minimum():
    # One township, 15 commercial and 30 other houses: n = 20 with at least 12 commercial -> exactly 12.
    frame = two_township_frame(15, 30, 0, 0)
    d = draw_houses(frame, 20, 12, "s", "u")
    assert d.commercial_drawn == 12
    house = int(d.sample.loc[d.sample["commercial"], "house_id"].iloc[0])
    com_repl = d.replacements.loc[d.replacements["commercial"], "house_id"].tolist()
    assert len(com_repl) == 3
    used = set(com_repl)
    # No commercial replacement left, and a non-commercial one would break the minimum.
    assert next_replacement(d, house, used) is None
    # A non-commercial house can still be replaced.
    non = int(d.sample.loc[~d.sample["commercial"], "house_id"].iloc[0])
    assert next_replacement(d, non, used) in set(d.replacements["house_id"]) - used

    # With slack (many commercial houses, minimum 4), a commercial house may get a non-commercial one.
    frame = two_township_frame(30, 10, 0, 0)
    d = draw_houses(frame, 20, 4, "s", "u")
    assert d.commercial_drawn == 15
    house = int(d.sample.loc[d.sample["commercial"], "house_id"].iloc[0])
    used = set(d.replacements.loc[d.replacements["commercial"], "house_id"])
    r = next_replacement(d, house, used)
    assert r is not None and not bool(d.replacements.set_index("house_id").loc[r, "commercial"])


# ---------------------------------------------------------------------------------------------------------
# Frame digest


def test_frame_digest_is_canonical_and_order_free():
    rows = [
        (2, "S2", "620102", "620102001", False, 103.1, 36.05),
        (1, "S1", "620102", "620102001", True, 103.1234567, 36.1),
    ]
    text = (
        "1\tS1\t620102\t620102001\ttrue\t103.1234567\t36.1\n2\tS2\t620102\t620102001\tfalse\t103.1\t36.05\n"
    )
    assert frame_digest(rows) == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert frame_digest(reversed(rows)) == frame_digest(rows)
    numpy_rows = [
        (np.int64(r[0]), r[1], r[2], r[3], np.bool_(r[4]), np.float64(r[5]), np.float64(r[6])) for r in rows
    ]
    assert frame_digest(numpy_rows) == frame_digest(rows)
    changed = [rows[0], (1, "S1", "620102", "620102001", True, 103.1234568, 36.1)]
    assert frame_digest(changed) != frame_digest(rows)
    assert frame_digest([]) == hashlib.sha256(b"").hexdigest()
