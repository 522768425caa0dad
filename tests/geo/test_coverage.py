"""Coverage report of a draw (geo.coverage): spatial balance, SRS reference, attribute mix, verdicts."""

import math
import re
import time

import numpy as np
import pandas as pd
import pytest
from pyproj import Transformer
from scipy.spatial import cKDTree

from geo import coverage
from geo.coverage import (
    UnitCoverage,
    compare_distribution,
    overall_coverage,
    spatial_balance,
    srs_balance_reference,
    unit_coverage,
)
from geo.crs import CGCS2000, gauss_kruger_epsg
from geo.enums import UseClass
from geo.synthetic import FrameSpec, generate_frame, load_gansu_inputs

# ---------------------------------------------------------------------------------------------------------
# Spatial balance on a grid


def grid(side: int) -> np.ndarray:
    gx, gy = np.meshgrid(np.arange(side) * 100.0, np.arange(side) * 100.0)
    return np.column_stack([gx.ravel(), gy.ravel()])


def test_regular_sample_on_a_grid_is_perfectly_balanced():
    xy = grid(45)  # 2,025 points, 100 m apart, in 5 x 5 blocks of 9 x 9 points
    n = 25
    pi = np.full(len(xy), n / len(xy))
    # The centre of every block: each Voronoi cell holds exactly its block's 81 points (no ties).
    centres = (np.arange(5) * 9 + 4) * 100.0
    idx = np.flatnonzero(np.isin(xy[:, 0], centres) & np.isin(xy[:, 1], centres))
    assert len(idx) == n
    assert spatial_balance(xy, pi, idx) == pytest.approx(0.0, abs=1e-12)
    # Nudging the sample off the centres costs a little balance, far less than a clump.
    assert 0.0 < spatial_balance(xy, pi, idx + 1) < 0.02


def test_exact_equal_cells_give_zero():
    # Two clusters of frame points, one sample unit in each: v = (1, 1) exactly.
    xy = np.array([[0, 0], [1, 0], [0, 1], [100, 100], [101, 100], [100, 101]], dtype=float)
    pi = np.full(6, 2 / 6)
    assert spatial_balance(xy, pi, np.array([0, 3])) == pytest.approx(0.0, abs=1e-12)


def test_clumped_sample_is_worse_and_formula_matches_spsurvey():
    xy = grid(40)
    n = 16
    pi = np.full(len(xy), n / len(xy))
    corner = np.flatnonzero((xy[:, 0] < 400) & (xy[:, 1] < 400))[:n]
    clumped = spatial_balance(xy, pi, corner)
    rng = np.random.default_rng(1)
    spread = spatial_balance(xy, pi, rng.choice(len(xy), n, replace=False))
    assert clumped > 0.3 > spread > 0.0
    # The formula by hand: nearest sample, v = summed pi, 1 + sum p ln p / ln n.
    d = np.linalg.norm(xy[:, None, :] - xy[corner][None, :, :], axis=2)
    v = np.bincount(d.argmin(axis=1), weights=pi, minlength=n)
    p = v / v.sum()
    p = p[p > 0]
    assert clumped == pytest.approx(1 + np.sum(p * np.log(p)) / np.log(n), rel=1e-9)


def test_balance_edge_cases():
    xy = grid(5)
    pi = np.full(25, 0.2)
    assert spatial_balance(xy, pi, np.array([3])) == 0.0
    assert math.isnan(spatial_balance(xy, pi, np.array([], dtype=int)))
    assert spatial_balance(xy, pi, np.array([3, 3, 20])) == spatial_balance(xy, pi, np.array([20, 3]))
    with pytest.raises(ValueError):
        spatial_balance(xy, pi, np.array([25]))


def test_srs_reference_is_sensible():
    xy = grid(30)
    n = 9
    pi = np.full(len(xy), n / len(xy))
    ref = srs_balance_reference(xy, pi, n, 300, np.random.default_rng(2))
    assert ref.shape == (300,)
    assert np.all((ref >= 0) & (ref < 1))
    # SRS is neither perfect nor clumped: a regular 3 x 3 sample beats almost all, a corner clump loses.
    regular = np.array(
        [i for i, (x, y) in enumerate(xy) if x in (500, 1500, 2500) and y in (500, 1500, 2500)]
    )
    corner = np.flatnonzero((xy[:, 0] < 300) & (xy[:, 1] < 300))
    assert np.mean(ref > spatial_balance(xy, pi, regular)) > 0.95
    assert np.mean(ref < spatial_balance(xy, pi, corner)) > 0.99
    # Reproducible from the generator.
    again = srs_balance_reference(xy, pi, n, 300, np.random.default_rng(2))
    np.testing.assert_array_equal(ref, again)


def test_stratified_srs_reference():
    xy = grid(20)
    strata = np.where(xy[:, 0] < 1000, "west", "east")
    pi = np.where(strata == "west", 6 / 200, 2 / 200)
    ref = srs_balance_reference(xy, pi, {"west": 6, "east": 2}, 100, np.random.default_rng(3), strata=strata)
    assert ref.shape == (100,) and np.all(np.isfinite(ref))
    ref_int = srs_balance_reference(xy, pi, 8, 50, np.random.default_rng(3), strata=strata)
    assert np.all(np.isfinite(ref_int))
    with pytest.raises(ValueError):
        srs_balance_reference(xy, pi, {"north": 1}, 5, np.random.default_rng(3), strata=strata)
    with pytest.raises(ValueError):
        srs_balance_reference(xy, pi, {"west": 201}, 5, np.random.default_rng(3), strata=strata)


def test_allocation_is_proportional_and_capped():
    assert coverage._allocate(10, np.array([50, 30, 20])).tolist() == [5, 3, 2]
    assert coverage._allocate(10, np.array([1, 100])).tolist() == [0, 10]
    assert coverage._allocate(5, np.array([2, 2])).sum() == 4


# ---------------------------------------------------------------------------------------------------------
# Attribute mix


def test_mirroring_sample_has_large_p_value():
    frame = pd.Series(["a"] * 500 + ["b"] * 300 + ["c"] * 150 + ["d"] * 50)
    sample = pd.Series(["a"] * 10 + ["b"] * 6 + ["c"] * 3 + ["d"] * 1)
    out = compare_distribution(frame, sample)
    assert out["p_value"] > 0.9
    assert out["method"] == "monte_carlo"  # expected counts 3 and 1 are below 5
    assert out["dof"] == 3
    assert out["statistic"] == pytest.approx(0.0)
    assert set(out) >= {"statistic", "dof", "p_value", "method", "p_value_asymptotic", "p_value_monte_carlo"}
    row = out["categories"][0]
    assert row == {
        "category": "a",
        "frame_count": 500,
        "frame_share": 0.5,
        "sample_count": 10,
        "sample_share": 0.5,
        "expected_count": 10.0,
    }
    assert [r["category"] for r in out["categories"]] == ["a", "b", "c", "d"]
    # Seeded from the inputs: the same call gives the same p-value.
    assert compare_distribution(frame, sample)["p_value"] == out["p_value"]


def test_one_category_sample_has_small_p_value():
    frame = pd.Series(["a"] * 500 + ["b"] * 300 + ["c"] * 150 + ["d"] * 50)
    out = compare_distribution(frame, pd.Series(["d"] * 20))
    assert out["p_value"] < 0.001
    assert out["p_value_asymptotic"] < 1e-10
    assert out["categories"][3]["sample_share"] == 1.0


def test_monte_carlo_agrees_with_asymptotic_for_large_expected_counts():
    rng = np.random.default_rng(4)
    frame = pd.Series(rng.choice(["x", "y"], 2000, p=[0.6, 0.4]))
    sample = pd.Series(["x"] * 52 + ["y"] * 48)  # expected 60/40
    out = compare_distribution(frame, sample, rng=np.random.default_rng(5))
    assert out["method"] == "asymptotic"
    assert out["p_value"] == out["p_value_asymptotic"]
    assert out["p_value_monte_carlo"] == pytest.approx(out["p_value_asymptotic"], abs=0.02)


def test_weights_and_design_expected_counts():
    # Commercial houses are 30% of the frame but oversampled to 12 of 20 by design.
    frame = pd.Series(["commercial"] * 300 + ["other"] * 700)
    pi = pd.Series([12 / 300] * 300 + [8 / 700] * 700)
    sample = pd.Series(["commercial"] * 12 + ["other"] * 8)
    weights = pd.Series([300 / 12] * 12 + [700 / 8] * 8)
    naive = compare_distribution(frame, sample)
    assert naive["p_value"] < 0.01
    design = compare_distribution(frame, sample, weights, frame_pi=pi)
    assert design["p_value"] > 0.9
    shares = {r["category"]: r["sample_share"] for r in design["categories"]}
    assert shares["commercial"] == pytest.approx(0.3)
    expected = {r["category"]: r["expected_count"] for r in design["categories"]}
    assert expected["commercial"] == pytest.approx(12.0)


def test_distribution_edge_cases():
    frame = pd.Series([True] * 90 + [False] * 10 + [None] * 3)
    out = compare_distribution(frame, pd.Series([True, None]))
    assert out["missing_frame"] == 3 and out["missing_sample"] == 1 and out["n_sample"] == 1
    assert {r["category"] for r in out["categories"]} == {True, False}
    empty = compare_distribution(frame, pd.Series([], dtype=object))
    assert math.isnan(empty["p_value"])
    alien = compare_distribution(pd.Series(["a", "b"]), pd.Series(["z"]))
    assert alien["statistic"] == math.inf and alien["p_value"] == 0.0


# ---------------------------------------------------------------------------------------------------------
# One synthetic unit

UNIT = "620402"  # 白银区: 10 townships, about 2,800 hazardous houses at this frame size


@pytest.fixture(scope="module")
def unit_frame() -> pd.DataFrame:
    counties, townships = load_gansu_inputs()
    fr = generate_frame(
        counties[counties["code"] == UNIT],
        townships[townships["county_code"] == UNIT],
        FrameSpec(houses=25_000, hazardous_share=0.10),
    )
    current = fr.hazard_records[fr.hazard_records["closed_on"].isna()]
    houses = fr.houses.merge(current[["survey_code", "hazard_grade"]], on="survey_code")
    epsg = gauss_kruger_epsg(float(houses["lon"].mean()))
    assert epsg in (4542, 4543, 4544)
    to_gk = Transformer.from_crs(CGCS2000, epsg, always_xy=True)
    x, y = to_gk.transform(houses["lon"].to_numpy(), houses["lat"].to_numpy())
    schools = fr.sites[fr.sites["kind"] == "school"]
    sx, sy = to_gk.transform(schools["lon"].to_numpy(), schools["lat"].to_numpy())
    dist, _ = cKDTree(np.column_stack([sx, sy])).query(np.column_stack([x, y]))
    return pd.DataFrame(
        {
            "house_id": np.arange(1, len(houses) + 1),
            "township_code": houses["township_code"],
            "x": x,
            "y": y,
            "use_class": houses["use_class"],
            "structure": houses["structure"],
            "floors_band": houses["floors_band"],
            "hazard_grade": houses["hazard_grade"],
            "near_school": dist <= 200.0,
        }
    )


def systematic_draw(frame: pd.DataFrame, rng, n_comm: int = 12, n_other: int = 8):
    """A stand-in for the real draw: systematic within commercial/other, ordered by township and place.

    Inclusion probabilities are n/N within each group (so commercial houses are oversampled).
    """
    commercial = frame["use_class"].isin([u.value for u in UseClass if u.is_commercial]).to_numpy()
    pi = np.zeros(len(frame))
    picks = []
    for flag, n in ((True, n_comm), (False, n_other)):
        idx = np.flatnonzero(commercial == flag)
        sub = frame.iloc[idx]
        order = idx[np.lexsort((sub["x"].to_numpy() + sub["y"].to_numpy(), sub["township_code"].to_numpy()))]
        pi[order] = n / len(order)
        step = len(order) / n
        picks.append(order[np.floor(rng.uniform(0, step) + step * np.arange(n)).astype(int)])
    return pi, np.concatenate(picks)


def test_unit_coverage_of_a_balanced_draw(unit_frame):
    frame = unit_frame.copy()
    pi, idx = systematic_draw(frame, np.random.default_rng(1))
    frame["inclusion_probability"] = pi
    assert frame["inclusion_probability"].sum() == pytest.approx(20.0)
    ids = frame["house_id"].iloc[idx].tolist()
    started = time.perf_counter()
    cov = unit_coverage(UNIT, frame, ids, replicates=200, seed="test")
    elapsed = time.perf_counter() - started
    assert elapsed < 3.0, elapsed

    assert cov.unit_code == UNIT and cov.sample_size == 20 and cov.frame_size == len(frame)
    assert cov.townships_with_hazard == frame["township_code"].nunique() == 10
    assert cov.townships_covered == frame.set_index("house_id").loc[ids, "township_code"].nunique()
    assert cov.balance < cov.srs_balance_mean
    assert cov.srs_balance_p05 < cov.srs_balance_mean < cov.srs_balance_p95
    assert 0.5 < cov.balance_percentile <= 1.0
    assert set(cov.comparisons) == {"use_class", "structure", "floors_band", "hazard_grade", "near_school"}
    assert all(c["p_value"] > 0.01 for c in cov.comparisons.values())
    assert cov.verdict_level in ("good", "fair")
    # The Chinese verdict names the township numbers, the balance and the SRS percentile.
    text = cov.verdict_zh
    assert f"有隐患房屋的 {cov.townships_with_hazard} 个乡镇（街道）中的 {cov.townships_covered} 个" in text
    assert f"空间均衡度 {cov.balance:.2f}" in text
    assert f"优于 {round(100 * cov.balance_percentile)}% 的简单随机样本" in text
    assert text.endswith("。") and "结论：代表性" in text
    assert 2 <= len(re.findall("。", text)) <= 4
    # Reproducible.
    again = unit_coverage(UNIT, frame, ids, replicates=200, seed="test")
    assert again.verdict_zh == text and again.balance_percentile == cov.balance_percentile


def test_unit_coverage_levels(unit_frame):
    frame = unit_frame.copy()
    pi, idx = systematic_draw(frame, np.random.default_rng(2))
    frame["inclusion_probability"] = pi
    good = unit_coverage(UNIT, frame, frame["house_id"].iloc[idx].tolist(), replicates=100)
    assert good.verdict_level == "good", good.verdict_zh
    assert "代表性良好" in good.verdict_zh and good.reasons == []

    # All 20 from the largest township: one township covered, clumped.
    top = frame["township_code"].value_counts().index[0]
    clumped = frame.loc[frame["township_code"] == top, "house_id"].iloc[:20].tolist()
    poor = unit_coverage(UNIT, frame, clumped, replicates=100)
    assert poor.townships_covered == 1
    assert poor.verdict_level == "poor"
    assert "township_coverage_low" in poor.reasons and "balance_worse_than_srs_p95" in poor.reasons
    assert "代表性较差" in poor.verdict_zh and "10 个乡镇（街道）中的 1 个" in poor.verdict_zh

    # Without a reference the balance rule cannot be met: at best fair, and the text says so.
    bare = unit_coverage(UNIT, frame, frame["house_id"].iloc[idx].tolist(), replicates=0)
    assert math.isnan(bare.balance_percentile) and bare.verdict_level == "fair"
    assert "未与简单随机样本比较" in bare.verdict_zh

    with pytest.raises(ValueError, match="not in the frame"):
        unit_coverage(UNIT, frame, [10**9])


def make_cov(code, tw, tc, n, level, balance=0.05, srs=0.1) -> UnitCoverage:
    return UnitCoverage(
        unit_code=code,
        townships_with_hazard=tw,
        townships_covered=tc,
        sample_size=n,
        frame_size=1000,
        balance=balance,
        srs_balance_mean=srs,
        srs_balance_p05=srs / 2,
        srs_balance_p95=srs * 2,
        balance_percentile=0.9,
        comparisons={},
        verdict_zh="",
        verdict_level=level,
        srs_balance_median=srs,
    )


def test_overall_coverage_sums():
    units = [
        make_cov("620102", 28, 17, 20, "fair", 0.04, 0.12),
        make_cov("620402", 10, 10, 20, "good", 0.03, 0.10),
        make_cov("620171", 4, 4, 20, "good", 0.02, 0.08),
        make_cov("620321", 10, 3, 20, "poor", 0.30, 0.11),
    ]
    out = overall_coverage(units)
    assert out["units"] == 4 and out["sample_size"] == 80 and out["frame_size"] == 4000
    assert out["townships_with_hazard"] == 52 and out["townships_covered"] == 34
    assert out["townships_achievable"] == 20 + 10 + 4 + 10
    assert out["township_coverage"] == pytest.approx(34 / 52)
    assert out["mean_balance"] == pytest.approx((0.04 + 0.03 + 0.02 + 0.30) / 4)
    assert out["mean_srs_balance"] == pytest.approx((0.12 + 0.10 + 0.08 + 0.11) / 4)
    assert out["levels"] == {"good": 2, "fair": 1, "poor": 1}
    assert out["units_better_than_srs_median"] == 3
    assert out["poor_units"] == ["620321"]
    assert "52 个乡镇（街道）中的 34 个" in out["summary_zh"]
    assert "代表性良好 2 个、一般 1 个、较差 1 个" in out["summary_zh"]
    assert overall_coverage([])["summary_zh"] == "尚无抽样单元。"
