"""The house draw of version 2 (geo.draw_v2 through geo.draw): townships covered, the quota, exact inclusion
probabilities (checked against the frequencies of many draws), determinism, versions. Pure."""

import numpy as np
import pandas as pd
import pytest

from geo import draw_v1, draw_v2
from geo.balance import controlled_round
from geo.draw import (
    ALGORITHM_VERSION,
    VERSIONS,
    check_version,
    draw_houses,
    inclusion_probabilities,
    next_replacement,
)

V1, V2 = "spotcheck-draw/1", "spotcheck-draw/2"


def make_frame(seed: int, townships: int, houses: int, commercial_share: float, *, com_towns: int | None = None,
               skew: float = 1.0) -> pd.DataFrame:
    """A unit frame: contiguous townships (a grid of 10 km squares), houses clustered in 1-3 villages per
    township, lognormal township sizes (at least 1 house each), commercial houses in the first
    ``com_towns`` townships only when given."""
    rng = np.random.default_rng(seed)
    w = rng.lognormal(0, skew, townships)
    sizes = 1 + rng.multinomial(max(houses - townships, 0), w / w.sum())
    side = int(np.ceil(np.sqrt(townships)))
    rows = []
    hid = 1000
    for t, size in enumerate(sizes):
        gx, gy = (t % side) * 10_000, (t // side) * 10_000
        villages = rng.uniform(1_000, 9_000, size=(rng.integers(1, 4), 2))
        for _ in range(size):
            vx, vy = villages[rng.integers(len(villages))]
            com = rng.random() < commercial_share and (com_towns is None or t < com_towns)
            rows.append((hid, f"62{t:04d}", bool(com), gx + vx + rng.normal(0, 300), gy + vy + rng.normal(0, 300)))
            hid += int(rng.integers(1, 50))
    return pd.DataFrame(rows, columns=["house_id", "township_code", "commercial", "x", "y"])


# (name, frame, n, commercial_min)
CASES = [
    ("rural T<n", make_frame(1, 12, 900, 0.12), 20, 12),
    ("urban T>n", make_frame(2, 35, 1500, 0.35), 20, 12),
    ("T slightly above n", make_frame(3, 22, 1200, 0.25), 20, 12),
    ("few commercial C<cmin", make_frame(4, 16, 800, 0.01), 20, 12),
    ("no commercial", make_frame(5, 15, 600, 0.0), 20, 12),
    ("all commercial", make_frame(6, 9, 300, 1.0), 20, 12),
    ("one township", make_frame(7, 1, 200, 0.2), 20, 12),
    ("tiny, N < n", make_frame(8, 5, 14, 0.3), 20, 12),
    ("tiny, N = n", make_frame(9, 6, 20, 0.3), 20, 12),
    ("tiny, N = n + 1", make_frame(10, 8, 21, 0.4), 20, 12),
    ("one house per township", make_frame(11, 30, 30, 0.5), 20, 12),
    ("quota-bound: commercial in 3 of 30 townships", make_frame(12, 30, 1500, 0.3, com_towns=3), 20, 12),
    ("cmin 0", make_frame(13, 25, 1000, 0.1), 20, 0),
    ("n = 1", make_frame(14, 10, 300, 0.2), 1, 0),
    ("n = T exactly", make_frame(15, 20, 1000, 0.2), 20, 12),
    ("skewed sizes", make_frame(16, 40, 2500, 0.15, skew=2.0), 20, 12),
]


def required(frame: pd.DataFrame, n: int, cmin: int) -> tuple[int, int]:
    """(commercial count of the rule, townships that must be covered D) computed independently."""
    big_n, big_c = len(frame), int(frame["commercial"].sum())
    t = frame["township_code"].nunique()
    if big_n <= n:
        return big_c, t
    c = min(max(cmin, int(np.floor(n * big_c / big_n + 0.5))), big_c, n)
    m = min(n - c, big_n - big_c)
    c = n - m
    t_c = frame.loc[frame["commercial"], "township_code"].nunique()
    t_n = frame.loc[~frame["commercial"], "township_code"].nunique()
    return c, min(t, n, t_c + m, t_n + c)


@pytest.mark.parametrize("name,frame,n,cmin", CASES, ids=[c[0] for c in CASES])
def test_townships_quota_and_probabilities_in_every_draw(name, frame, n, cmin):
    c, d = required(frame, n, cmin)
    t = frame["township_code"].nunique()
    if len(frame) > n and name != "quota-bound: commercial in 3 of 30 townships":
        assert d == min(n, t)  # the quota allows full coverage in these frames
    pi = inclusion_probabilities(frame, n, cmin)
    assert pi.sum() == pytest.approx(min(n, len(frame)), abs=1e-9)
    com = frame.set_index("house_id").loc[pi.index, "commercial"].to_numpy()
    group_drawn = np.where(com, c > 0, min(n, len(frame)) - c > 0)  # the count rule may give a group 0 houses
    assert ((pi > 0) == group_drawn).all() and (pi <= 1 + 1e-12).all()
    for r in range(100):
        d_ = draw_houses(frame, n, cmin, f"seed {r}", "620102")
        s = d_.sample
        assert len(s) == min(n, len(frame)) and s["house_id"].is_unique
        if name.startswith("quota-bound"):  # every commercial township, at most D in all
            got = s["township_code"].nunique()
            assert set(frame.loc[frame["commercial"], "township_code"]) <= set(s["township_code"]) and got <= d
        else:
            assert s["township_code"].nunique() == d, f"draw {r}: {s['township_code'].nunique()} townships, not {d}"
        assert int(s["commercial"].sum()) == c == d_.commercial_drawn
        assert np.allclose(s["inclusion_probability"].to_numpy(), pi.loc[s["house_id"]].to_numpy(), rtol=1e-12)
        assert list(s["draw_order"]) == list(range(1, len(s) + 1))
        assert (s["stratum"] == s["township_code"] + np.where(s["commercial"], "|c", "|n")).all()
        alloc = d_.allocation
        assert int(alloc["allocated"].sum()) == len(s) and (alloc["allocated"] <= alloc["frame_count"]).all()


def test_the_quota_bound_frame_reports_its_township_shortfall():
    name, frame, n, cmin = CASES[11]
    c, d = required(frame, n, cmin)
    assert d < min(n, frame["township_code"].nunique())  # 3 commercial townships + 8 others = 11 < 20
    kinds = {s["kind"]: s for s in draw_houses(frame, n, cmin, "x", "620102").shortfalls}
    assert kinds["townships"]["available"] == d and kinds["townships"]["requested"] == 20
    assert "乡镇" in kinds["townships"]["reason_zh"]


def frequencies(frame: pd.DataFrame, n: int, cmin: int, draws: int) -> tuple[pd.Series, pd.Series]:
    counts = pd.Series(0, index=pd.Index(np.sort(frame["house_id"].to_numpy()), name="house_id"))
    for r in range(draws):
        ids = draw_houses(frame, n, cmin, f"freq {r}", "621122", replacements_per_stratum=0).sample["house_id"]
        counts.loc[ids] += 1
    return counts, inclusion_probabilities(frame, n, cmin)


FREQUENCY_CASES = [  # (name, frame, n, cmin, whether pi differs enough from c / C, m / M to show power)
    ("T < n", make_frame(21, 4, 45, 0.3), 8, 4, True),  # cover all: pi from the coverage house + extras
    ("T > n", make_frame(22, 14, 50, 0.3), 6, 3, True),  # PPS over townships, capped at 1
    ("quota-bound", make_frame(23, 12, 60, 0.4, com_towns=2), 6, 4, False),
]


@pytest.mark.parametrize("name,frame,n,cmin,powered", FREQUENCY_CASES, ids=[c[0] for c in FREQUENCY_CASES])
def test_inclusion_frequencies_match_the_recorded_probabilities(name, frame, n, cmin, powered):
    """Per house, z = (count - R pi) / sqrt(R pi (1 - pi)) over R independent draws (distinct seeds). Under
    the design each z is approximately N(0, 1): |z| > 4.5 has probability ~7e-6, so with ~50 houses the test
    fails by accident with probability < 1e-3. Its power: the same counts against the plain stratified rates
    (c / C, m / M, the probabilities a design without township control would have) fail clearly."""
    draws = 3000
    counts, pi = frequencies(frame, n, cmin, draws)
    assert counts.sum() == draws * n
    p = pi.to_numpy()
    inner = (p > 1e-12) & (p < 1 - 1e-12)
    z = (counts.to_numpy() - draws * p)[inner] / np.sqrt(draws * p * (1 - p))[inner]
    assert np.abs(z).max() < 4.5, f"max |z| = {np.abs(z).max():.2f}"
    assert np.mean(z**2) < 2.0  # fixed-size designs are less variable than independent draws, not more
    assert (counts.to_numpy()[p >= 1 - 1e-12] == draws).all() and (counts.to_numpy()[p <= 1e-12] == 0).all()
    com = frame.set_index("house_id").loc[pi.index, "commercial"].to_numpy()
    c = int(round(p[com].sum()))
    naive = np.where(com, c / max(com.sum(), 1), (n - c) / max((~com).sum(), 1))
    ok = (naive > 0) & (naive < 1)
    z_naive = (counts.to_numpy() - draws * naive)[ok] / np.sqrt(draws * naive * (1 - naive))[ok]
    if powered:
        assert np.abs(z_naive).max() > 6


def test_at_most_one_house_per_township_when_t_exceeds_n():
    frame = make_frame(31, 22, 1200, 0.25)
    pi = inclusion_probabilities(frame, 20, 12)
    town = frame.set_index("house_id").loc[pi.index, "township_code"]
    per_town = pi.groupby(town.to_numpy()).sum()
    assert (per_town <= 1 + 1e-12).all()  # T > n: at most one house per township


def test_deterministic_from_the_frame_as_a_set_and_the_seed():
    frame = CASES[1][1]
    a = draw_houses(frame, 20, 12, "2024-10-21 双色球", "620102")
    b = draw_houses(frame.sample(frac=1.0, random_state=3).reset_index(drop=True), 20, 12, "2024-10-21 双色球", "620102")
    pd.testing.assert_frame_equal(a.sample, b.sample)
    pd.testing.assert_frame_equal(a.replacements, b.replacements)
    pd.testing.assert_frame_equal(a.allocation, b.allocation)
    other_seed = draw_houses(frame, 20, 12, "2024-10-22 双色球", "620102").sample["house_id"]
    other_unit = draw_houses(frame, 20, 12, "2024-10-21 双色球", "620103").sample["house_id"]
    assert set(other_seed) != set(a.sample["house_id"])
    assert set(other_unit) != set(a.sample["house_id"])
    seen = {tuple(sorted(draw_houses(frame, 20, 12, f"s{r}", "620102").sample["house_id"])) for r in range(30)}
    assert len(seen) == 30


def test_replacements_continue_each_cell_and_follow_the_rule():
    frame = CASES[0][1]
    d = draw_houses(frame, 20, 12, "repl", "620102", replacements_per_stratum=2)
    r = d.replacements
    alloc = d.allocation
    walked = alloc[(alloc["allocated"] > 0) & (alloc["allocated"] < alloc["frame_count"])]
    assert set(r["stratum"]) == set(walked["stratum"])  # cells taken whole have no one left to replace
    assert not set(r["house_id"]) & set(d.sample["house_id"])
    assert list(r["rank"]) == list(range(1, len(r) + 1))
    first = d.sample.iloc[0]
    pick = next_replacement(d, int(first["house_id"]), set())
    assert pick == int(r.loc[r["stratum"] == first["stratum"], "house_id"].iloc[0])
    pi = inclusion_probabilities(frame, 20, 12)
    assert np.allclose(r["inclusion_probability"].to_numpy(), pi.loc[r["house_id"]].to_numpy())


def test_versions_dispatch_and_unknown_versions_are_refused():
    assert ALGORITHM_VERSION == V2 and set(VERSIONS) == {V1, V2}
    frame = CASES[1][1]
    v1 = draw_houses(frame, 20, 12, "s", "620102", version=V1)
    pd.testing.assert_frame_equal(v1.sample, draw_v1.draw_houses(frame, 20, 12, "s", "620102").sample)
    v2 = draw_houses(frame, 20, 12, "s", "620102")
    pd.testing.assert_frame_equal(v2.sample, draw_v2.draw_houses(frame, 20, 12, "s", "620102").sample)
    pd.testing.assert_series_equal(inclusion_probabilities(frame, 20, 12, version=V1),
                                   draw_v1.inclusion_probabilities(frame, 20, 12))  # fmt: skip
    assert check_version(V1) == V1
    with pytest.raises(ValueError, match="unknown draw algorithm version 'spotcheck-draw/9'"):
        draw_houses(frame, 20, 12, "s", "620102", version="spotcheck-draw/9")
    with pytest.raises(ValueError, match="known versions"):
        inclusion_probabilities(frame, 20, 12, version="v2")


def test_controlled_rounding_keeps_margins_and_expectations():
    rng = np.random.default_rng(5)
    a = np.array([[0.3, 0.5], [1.2, 0.0], [0.0, 0.7], [0.5, 0.4], [1.0, 1.4]])  # columns sum to 3 and 3
    centres = rng.uniform(0, 10, size=(5, 2))
    total = np.zeros_like(a)
    draws = 4000
    for r in range(draws):
        x = controlled_round(a, centres, np.random.default_rng([7, r]))
        assert x[:, 0].sum() == 3 and x[:, 1].sum() == 3
        rows, xr = a.sum(axis=1), x.sum(axis=1)
        assert ((xr == np.floor(rows + 1e-9)) | (xr == np.ceil(rows - 1e-9))).all()
        assert ((x == np.floor(a)) | (x == np.ceil(a))).all()
        total += x
    se = np.sqrt(np.maximum(a - np.floor(a), 1e-9) * (1 - (a - np.floor(a))) / draws)
    assert (np.abs(total / draws - a) < 4.5 * se + 1e-12).all()
