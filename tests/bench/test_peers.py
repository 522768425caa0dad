"""The benchmark's peer designs: exact inclusion probabilities, fixed sizes, stratum counts."""

from __future__ import annotations

import numpy as np
import pytest

from bench.balance_frames import FrameRecipe, make_frame
from bench.peers import (
    PEERS,
    Prepared,
    commercial_counts,
    grts_equal,
    grts_order,
    lpm2,
    lpm2_joint,
    lpm2_stratified,
    lpm2_unit,
    srs,
    stratified_grts,
    stratified_srs,
)
from geo.coverage import spatial_balance

SMALL = FrameRecipe(
    "small", "629999", 7, 6.0, 6, 240, 40, n=20, commercial_min=12, villages=3.0, spread_m=200.0
)


def _clustered(rng: np.random.Generator, m: int) -> np.ndarray:
    centres = rng.uniform(0, 10_000, size=(5, 2))
    return centres[rng.integers(0, 5, size=m)] + rng.normal(0, 400, size=(m, 2))


def _within(freq: np.ndarray, pi: np.ndarray, draws: int) -> np.ndarray:
    """|freq - pi| within 4.5 binomial standard errors (plus a hair for pi at 0 or 1)."""
    return np.abs(freq - pi) <= 4.5 * np.sqrt(pi * (1 - pi) / draws) + 1e-9


@pytest.mark.parametrize(
    ("frame_n", "c_frame", "n", "cmin", "expected"),
    [
        (1500, 210, 20, 12, (12, 8)),  # the minimum binds
        (1200, 8, 20, 12, (8, 12)),  # fewer commercial houses than the minimum: all taken
        (1000, 900, 20, 12, (18, 2)),  # proportional share above the minimum
        (1000, 625, 20, 12, (13, 7)),  # 12.5 rounds half up
        (25, 20, 20, 12, (16, 4)),  # 16 commercial, the 4 others fit in the 5 non-commercial
        (22, 20, 20, 12, (18, 2)),  # round(18.18)=18, 2 non-commercial
        (15, 10, 20, 12, (10, 5)),  # fewer houses than n: all of them
        (30, 0, 20, 12, (0, 20)),
    ],
)
def test_commercial_counts(frame_n, c_frame, n, cmin, expected):
    assert commercial_counts(frame_n, c_frame, n, cmin) == expected


def test_lpm2_inclusion_frequencies_match_unequal_pi():
    rng = np.random.default_rng(11)
    m, draws = 40, 4000
    xy = _clustered(rng, m)
    raw = rng.uniform(0.05, 1.0, size=m)
    pi = np.minimum(raw * 8 / raw.sum(), 1.0)
    pi[:2] = [1.0, 0.0]  # decided from the start
    pi *= 8 / pi.sum()
    pi = np.minimum(pi, 1.0)
    target = round(pi.sum())
    hits = np.zeros(m)
    for _ in range(draws):
        s = lpm2(xy, pi, rng)
        assert len(s) == target and len(np.unique(s)) == len(s)
        hits[s] += 1
    assert _within(hits / draws, pi, draws).all(), np.max(np.abs(hits / draws - pi))


def test_lpm2_equal_pi_with_short_neighbour_lists():
    # Few neighbours listed force the exact fallback scan; the frequencies still match.
    from bench.peers import neighbour_lists

    rng = np.random.default_rng(12)
    m, take, draws = 60, 6, 4000
    xy = _clustered(rng, m)
    pi = np.full(m, take / m)
    nbrs = neighbour_lists(xy, k=2)
    hits = np.zeros(m)
    for _ in range(draws):
        s = lpm2(xy, pi, rng, nbrs)
        assert len(s) == take
        hits[s] += 1
    assert _within(hits / draws, pi, draws).all()


def test_grts_inclusion_frequencies_and_order():
    rng = np.random.default_rng(13)
    m, take, draws = 50, 7, 4000
    xy = _clustered(rng, m)
    xy[:3] = xy[3]  # points at the same place are ordered at random
    order = grts_order(xy, rng)
    assert sorted(order.tolist()) == list(range(m))
    hits = np.zeros(m)
    for _ in range(draws):
        s = grts_equal(xy, take, rng)
        assert len(np.unique(s)) == take
        hits[s] += 1
    assert _within(hits / draws, np.full(m, take / m), draws).all()


def test_designs_fixed_sizes_and_stratum_counts():
    frame = make_frame(SMALL)
    prep = Prepared(
        frame[["x", "y"]].to_numpy(), frame["commercial"].to_numpy(), SMALL.n, SMALL.commercial_min
    )
    assert (prep.c, prep.nc) == (12, 8)
    rng = np.random.default_rng(14)
    for design in (stratified_srs, stratified_grts, lpm2_stratified):
        for _ in range(20):
            idx, pi = design(prep, rng)
            assert len(np.unique(idx)) == 20
            assert int(prep.commercial[idx].sum()) == 12
            assert pi.sum() == pytest.approx(20)
            assert pi[prep.commercial] == pytest.approx(12 / prep.commercial.sum())
    for design in (srs, lpm2_unit):
        idx, pi = design(prep, rng)
        assert len(np.unique(idx)) == 20 and pi == pytest.approx(np.full(len(frame), 20 / len(frame)))
    idx, pi = lpm2_joint(prep, rng)
    assert len(np.unique(idx)) == 20 and pi == pytest.approx(prep.stratum_pi())
    assert set(PEERS.values()) == {
        srs,
        stratified_srs,
        stratified_grts,
        lpm2_stratified,
        lpm2_unit,
        lpm2_joint,
    }


def test_lpm2_per_stratum_frequencies_on_a_frame():
    frame = make_frame(SMALL)
    prep = Prepared(
        frame[["x", "y"]].to_numpy(), frame["commercial"].to_numpy(), SMALL.n, SMALL.commercial_min
    )
    rng = np.random.default_rng(15)
    draws = 1500
    hits = np.zeros(len(frame))
    for _ in range(draws):
        idx, pi = lpm2_stratified(prep, rng)
        hits[idx] += 1
    assert _within(hits / draws, pi, draws).mean() > 0.995  # 240 units at 4.5 se: all but a freak one


def test_spatial_designs_beat_srs_on_balance():
    frame = make_frame(SMALL)
    prep = Prepared(
        frame[["x", "y"]].to_numpy(), frame["commercial"].to_numpy(), SMALL.n, SMALL.commercial_min
    )
    rng = np.random.default_rng(16)

    def mean_balance(design) -> float:
        return float(np.mean([spatial_balance(prep.xy, *design(prep, rng)[::-1]) for _ in range(40)]))

    plain = mean_balance(srs)
    assert mean_balance(lpm2_unit) < 0.8 * plain
    assert mean_balance(stratified_grts) < mean_balance(stratified_srs)
