"""Coverage of a draw: spatial balance, township coverage and attribute mix of one unit's sample, and overall.

Planners use this before the field work to see whether a unit's 20 houses "reflect the whole from points"
(以点带面): how many of the unit's townships with hazardous houses the sample reaches, how evenly it spreads
over the unit compared with simple random samples, and whether its use class, structure, floors band,
hazard grade and near-school mix matches the unit's frame.

Spatial balance (``spatial_balance``)
    The Pielou evenness metric of spsurvey's ``sp_balance(..., metrics = "pielou")`` for a point frame.
    Every frame unit is assigned to its nearest sample unit (Euclidean distance in the projected metres
    given, i.e. the Dirichlet/Voronoi tessellation of the sample; ties go to the sample unit that
    ``scipy.spatial.cKDTree`` returns first). For sample unit ``i``, ``v_i`` is the sum of the inclusion
    probabilities ``pi_j`` of the frame units in its polygon (ideally 1 each, since the ``pi`` sum to
    ``n``), ``p_i = v_i / sum(v)``, and the metric is::

        1 - J,   J = -sum_i p_i ln p_i / ln n   (with 0 ln 0 = 0)

    0 is perfect balance (all ``v_i`` equal), larger is worse, at most 1. The metric is computed over the
    frame passed in (the whole unit), not per stratum as ``sp_balance(stratum_var=...)`` would. With one
    sample unit the only polygon is the whole frame and the metric is 0.0 by convention (``J`` is 0/0);
    with no sample unit it is NaN.

Reference (``srs_balance_reference``)
    The same metric for simple random samples (equal probability, without replacement) of the same size
    from the same frame, with the same ``pi`` weights in ``v_i``; optionally SRS within strata with given
    per-stratum sizes. ``unit_coverage`` uses unstratified SRS of the draw's size, so "better than 96 % of
    simple random samples" means what it says.

Attribute mix (``compare_distribution``)
    Frame shares against sample shares for one categorical variable; the sample shares are weighted by
    ``1/pi`` when weights are given. The test is a chi-square goodness of fit of the sample *counts*
    against their expected counts: ``n * frame share`` for an equal-probability draw, or, when the frame's
    inclusion probabilities are given, the design-expected counts ``sum(pi_j for j in category)`` (scaled
    to ``n``), so that a deliberate oversampling of commercial houses is not reported as a deviation.
    With 20 houses many expected counts are below 5, so the p-value used is the Monte Carlo one
    (multinomial simulation under the expected proportions, ``(1 + #{T* >= T}) / (1 + R)`` as R's
    ``chisq.test(simulate.p.value = TRUE)``) whenever any expected count is below 5, and the asymptotic
    chi-square one otherwise; both are reported. Stratified and spatially balanced draws vary less than a
    multinomial, so these p-values are conservative (too large) for such draws.

Verdict (``unit_coverage``)
    With ``achievable = min(sample size, townships with hazardous houses)``:

    - **good** (代表性良好): townships covered >= 0.9 * achievable, the balance metric below the median of
      the SRS reference, and no attribute comparison with p < 0.01;
    - **poor** (代表性较差): townships covered < 0.6 * achievable, or the balance metric above the SRS 95th
      percentile;
    - **fair** (代表性一般): everything else.

    A NaN balance (an empty sample) counts as neither better than the median nor worse than the 95th
    percentile.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats
from scipy.spatial import cKDTree

from geo.enums import FloorsBand, HazardGrade, Structure, UseClass

# Variables compared between sample and frame, with their Chinese names for the verdict.
COMPARED_VARIABLES: dict[str, str] = {
    "use_class": "用途",
    "structure": "结构",
    "floors_band": "层数",
    "hazard_grade": "隐患等级",
    "near_school": "学校周边",
}
MONTE_CARLO_REPLICATES = 10_000
SIGNIFICANT_P = 0.01  # a comparison below this spoils a "good" verdict
LEVEL_ZH = {"good": "代表性良好", "fair": "代表性一般", "poor": "代表性较差"}
REASON_ZH = {
    "township_coverage_low": "覆盖乡镇不足可覆盖数的 60%",
    "balance_worse_than_srs_p95": "空间均衡度差于 95% 的简单随机样本",
    "township_coverage_partial": "覆盖乡镇不足可覆盖数的 90%",
    "balance_not_better_than_srs_median": "空间均衡度未优于简单随机样本的中位数",
    "attribute_mix_differs": "部分属性分布与总体差异显著",
}


# ---------------------------------------------------------------------------------------------------------
# Spatial balance


def _pielou(v: np.ndarray) -> float:
    n = len(v)
    if n == 0:
        return math.nan
    if n == 1:
        return 0.0
    total = float(v.sum())
    if total <= 0:
        return math.nan
    p = v[v > 0] / total
    j = -float(np.sum(p * np.log(p))) / math.log(n)
    return max(0.0, 1.0 - j)


def _voronoi_extents(frame_xy: np.ndarray, frame_pi: np.ndarray, sample_index: np.ndarray) -> np.ndarray:
    """``v_i``: the summed ``pi`` of the frame units nearest to each sample unit."""
    sample_index = np.unique(np.asarray(sample_index, dtype=np.int64))
    n = len(sample_index)
    if n == 0:
        return np.zeros(0)
    _, nearest = cKDTree(frame_xy[sample_index]).query(frame_xy, k=1)
    return np.bincount(nearest, weights=frame_pi, minlength=n)


def spatial_balance(frame_xy: np.ndarray, frame_pi: np.ndarray, sample_index: np.ndarray) -> float:
    """Pielou evenness spatial balance of a sample, as spsurvey's ``sp_balance(metrics = "pielou")``.

    ``frame_xy`` is an (N, 2) array of projected coordinates in metres, ``frame_pi`` the N first-order
    inclusion probabilities, ``sample_index`` the positions (0..N-1) of the sample units in the frame
    (duplicates are ignored). Each frame unit goes to its nearest sample unit (cKDTree, Euclidean);
    ``v_i`` is the summed ``pi`` in sample unit ``i``'s Voronoi polygon, ``p_i = v_i / sum(v)`` and the
    result is ``1 - J`` with ``J = -sum p_i ln p_i / ln n``: 0 is perfect balance, larger is worse.
    Returns 0.0 for one sample unit and NaN for none (see the module docstring).
    """
    xy = np.asarray(frame_xy, dtype=float)
    pi = np.asarray(frame_pi, dtype=float)
    if xy.ndim != 2 or xy.shape[1] != 2 or len(pi) != len(xy):
        raise ValueError("frame_xy must be (N, 2) and frame_pi of length N")
    idx = np.asarray(sample_index, dtype=np.int64)
    if len(idx) and (idx.min() < 0 or idx.max() >= len(xy)):
        raise ValueError("sample_index must hold positions within the frame")
    return _pielou(_voronoi_extents(xy, pi, idx))


def _allocate(n: int, sizes: np.ndarray) -> np.ndarray:
    """Proportional allocation of ``n`` over strata of ``sizes`` (largest remainder, capped at the size)."""
    quota = n * sizes / sizes.sum()
    alloc = np.minimum(np.floor(quota).astype(np.int64), sizes)
    order = np.argsort(-(quota - alloc), kind="stable")
    for k in order:
        if alloc.sum() >= n:
            break
        if alloc[k] < sizes[k]:
            alloc[k] += 1
    return alloc


def srs_balance_reference(
    frame_xy: np.ndarray,
    frame_pi: np.ndarray,
    n: int | Mapping[Hashable, int],
    replicates: int,
    rng: np.random.Generator,
    strata: np.ndarray | None = None,
) -> np.ndarray:
    """The balance metric of ``replicates`` simple random samples from the same frame.

    Without ``strata``: SRS of size ``n`` (an int) without replacement, equal probability. With
    ``strata`` (an array of N stratum labels): SRS within each stratum; ``n`` is then either a mapping
    ``{stratum label: sample size}`` (the per-stratum sizes the draw used; strata not named get 0) or an
    int, allocated proportionally to the stratum sizes (largest remainder). The metric always weighs the
    frame units by ``frame_pi``. Returns an array of ``replicates`` metric values.
    """
    xy = np.asarray(frame_xy, dtype=float)
    pi = np.asarray(frame_pi, dtype=float)
    big_n = len(xy)
    out = np.empty(int(replicates))
    if strata is None:
        if isinstance(n, Mapping):
            raise ValueError("per-stratum sizes need strata")
        size = int(n)
        if not 0 <= size <= big_n:
            raise ValueError(f"sample size {size} outside 0..{big_n}")
        for r in range(len(out)):
            out[r] = _pielou(_voronoi_extents(xy, pi, rng.choice(big_n, size=size, replace=False)))
        return out

    labels, codes = np.unique(np.asarray(strata), return_inverse=True)
    counts = np.bincount(codes, minlength=len(labels))
    if isinstance(n, Mapping):
        unknown = set(n) - set(labels.tolist())
        if unknown:
            raise ValueError(f"sizes given for strata not in the frame: {sorted(map(str, unknown))}")
        alloc = np.array([int(n.get(lab, 0)) for lab in labels.tolist()], dtype=np.int64)
        if np.any(alloc > counts) or np.any(alloc < 0):
            raise ValueError("a stratum size exceeds the stratum's frame size")
    else:
        alloc = _allocate(int(n), counts)
    members = [np.flatnonzero(codes == k) for k in range(len(labels))]
    for r in range(len(out)):
        pick = [rng.choice(m, size=a, replace=False) for m, a in zip(members, alloc, strict=True) if a]
        idx = np.concatenate(pick) if pick else np.empty(0, dtype=np.int64)
        out[r] = _pielou(_voronoi_extents(xy, pi, idx))
    return out


# ---------------------------------------------------------------------------------------------------------
# Attribute mix


def _seed_from(*parts: object) -> int:
    digest = hashlib.sha256(repr(parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "little")


def _plain(value: object) -> object:
    return value.item() if isinstance(value, np.generic) else value


def compare_distribution(
    frame_values: pd.Series,
    sample_values: pd.Series,
    sample_weights: pd.Series | None = None,
    *,
    frame_pi: pd.Series | None = None,
    replicates: int = MONTE_CARLO_REPLICATES,
    rng: np.random.Generator | None = None,
) -> dict:
    """Compare one categorical variable's sample mix with the frame's, with a goodness-of-fit test.

    ``sample_weights`` (aligned with ``sample_values``, normally ``1/pi``) weight the reported sample
    shares; without them the shares are unweighted. ``frame_pi`` (aligned with ``frame_values``) switches
    the expected counts from ``n * frame share`` to the design-expected ``sum(pi)`` per category, scaled
    to ``n``. Missing values are left out (and counted). ``rng`` defaults to one seeded from the inputs,
    so the result is reproducible.

    Returns a dict with ``categories`` (list of dicts: category, frame_count, frame_share, sample_count,
    sample_share, expected_count; categories ordered by frame count, then by value), ``n_frame``,
    ``n_sample``, ``missing_frame``, ``missing_sample``, ``statistic`` (Pearson chi-square of the sample
    counts), ``dof``, ``p_value`` (the one used), ``p_value_asymptotic``, ``p_value_monte_carlo``,
    ``method`` ("monte_carlo" when any expected count is below 5, else "asymptotic"), ``replicates`` and
    ``min_expected``. Statistic and p-values are NaN for an empty sample; a sample category absent from
    the frame gives an infinite statistic and p-values of 0.
    """
    fv = pd.Series(frame_values).reset_index(drop=True)
    sv = pd.Series(sample_values).reset_index(drop=True)
    f_ok = fv.notna().to_numpy()
    s_ok = sv.notna().to_numpy()
    fv_ok, sv_ok = fv[f_ok], sv[s_ok]

    f_counts = fv_ok.value_counts(sort=False)
    s_counts = sv_ok.value_counts(sort=False)
    cats = sorted(set(f_counts.index) | set(s_counts.index), key=lambda c: (-int(f_counts.get(c, 0)), str(c)))
    k = len(cats)
    frame_count = np.array([int(f_counts.get(c, 0)) for c in cats], dtype=np.int64)
    sample_count = np.array([int(s_counts.get(c, 0)) for c in cats], dtype=np.int64)
    n_frame, n = int(frame_count.sum()), int(sample_count.sum())
    frame_share = frame_count / n_frame if n_frame else np.zeros(k)

    if sample_weights is not None:
        w = pd.Series(sample_weights).reset_index(drop=True)[s_ok].to_numpy(dtype=float)
        wsum = pd.Series(w).groupby(sv_ok.to_numpy()).sum()
        weighted = np.array([float(wsum.get(c, 0.0)) for c in cats])
        sample_share = weighted / weighted.sum() if weighted.sum() > 0 else np.zeros(k)
    else:
        sample_share = sample_count / n if n else np.zeros(k)

    if frame_pi is not None:
        pi = pd.Series(frame_pi).reset_index(drop=True)[f_ok].to_numpy(dtype=float)
        pisum = pd.Series(pi).groupby(fv_ok.to_numpy()).sum()
        mass = np.array([float(pisum.get(c, 0.0)) for c in cats])
    else:
        mass = frame_count.astype(float)
    probs = mass / mass.sum() if mass.sum() > 0 else np.zeros(k)
    expected = n * probs

    result: dict = {
        "categories": [
            {
                "category": _plain(c),
                "frame_count": int(frame_count[i]),
                "frame_share": float(frame_share[i]),
                "sample_count": int(sample_count[i]),
                "sample_share": float(sample_share[i]),
                "expected_count": float(expected[i]),
            }
            for i, c in enumerate(cats)
        ],
        "n_frame": n_frame,
        "n_sample": n,
        "missing_frame": int((~f_ok).sum()),
        "missing_sample": int((~s_ok).sum()),
        "replicates": int(replicates),
    }
    live = probs > 0
    dof = max(int(live.sum()) - 1, 0)
    min_expected = float(expected[live].min()) if live.any() else math.nan
    method = "monte_carlo" if (live.any() and min_expected < 5) else "asymptotic"
    if n == 0 or not live.any():
        result.update(statistic=math.nan, dof=dof, p_value=math.nan, p_value_asymptotic=math.nan,
                      p_value_monte_carlo=math.nan, method=method, min_expected=min_expected)  # fmt: skip
        return result
    if np.any(sample_count[~live] > 0):
        result.update(statistic=math.inf, dof=dof, p_value=0.0, p_value_asymptotic=0.0,
                      p_value_monte_carlo=0.0, method=method, min_expected=min_expected)  # fmt: skip
        return result

    obs, exp_live, p_live = sample_count[live], expected[live], probs[live]
    statistic = float(np.sum((obs - exp_live) ** 2 / exp_live))
    p_asym = float(stats.chi2.sf(statistic, dof)) if dof > 0 else 1.0
    if rng is None:
        rng = np.random.default_rng(_seed_from([str(c) for c in cats], frame_count.tolist(), obs.tolist()))
    sims = rng.multinomial(n, p_live, size=int(replicates))
    sim_stat = np.sum((sims - exp_live) ** 2 / exp_live, axis=1)
    # Tolerance as R's chisq.test: statistics equal up to rounding count as at least as extreme.
    p_mc = float((1 + np.sum(sim_stat >= statistic * (1 - 64 * np.finfo(float).eps))) / (1 + len(sim_stat)))
    result.update(
        statistic=statistic,
        dof=dof,
        p_value=p_mc if method == "monte_carlo" else p_asym,
        p_value_asymptotic=p_asym,
        p_value_monte_carlo=p_mc,
        method=method,
        min_expected=min_expected,
    )
    return result


# ---------------------------------------------------------------------------------------------------------
# One unit and overall


@dataclass
class UnitCoverage:
    """Coverage report of one unit's draw (see the module docstring for the verdict rules).

    ``balance_percentile`` is the share of SRS replicates with a worse (larger) metric than the draw,
    ties counting half; ``srs_balance_median`` is the median of the same replicates; ``reasons`` are the
    codes of the rules that kept the verdict from "good" (keys of ``REASON_ZH``).
    """

    unit_code: str
    townships_with_hazard: int
    townships_covered: int
    sample_size: int
    frame_size: int
    balance: float
    srs_balance_mean: float
    srs_balance_p05: float
    srs_balance_p95: float
    balance_percentile: float
    comparisons: dict[str, dict]
    verdict_zh: str
    verdict_level: str
    srs_balance_median: float = math.nan
    replicates: int = 0
    reasons: list[str] = field(default_factory=list)
    reasons_zh: list[str] = field(default_factory=list)


def _fmt_pct(x: float) -> str:
    return f"{round(100 * x)}%"


def _verdict(cov: UnitCoverage) -> tuple[str, str, list[str]]:
    achievable = min(cov.sample_size, cov.townships_with_hazard)
    covered, n_tship = cov.townships_covered, cov.townships_with_hazard
    balance_known = not math.isnan(cov.balance) and not math.isnan(cov.srs_balance_median)
    better_than_median = balance_known and cov.balance < cov.srs_balance_median
    worse_than_p95 = balance_known and cov.balance > cov.srs_balance_p95
    tested = {v: c for v, c in cov.comparisons.items() if not math.isnan(c.get("p_value", math.nan))}
    significant = {v: c for v, c in tested.items() if c["p_value"] < SIGNIFICANT_P}

    reasons: list[str] = []
    if achievable and covered < 0.6 * achievable:
        reasons.append("township_coverage_low")
    if worse_than_p95:
        reasons.append("balance_worse_than_srs_p95")
    if reasons:
        level = "poor"
    elif (covered >= 0.9 * achievable) and better_than_median and not significant:
        level = "good"
    else:
        level = "fair"
        if covered < 0.9 * achievable:
            reasons.append("township_coverage_partial")
        if not better_than_median:
            reasons.append("balance_not_better_than_srs_median")
        if significant:
            reasons.append("attribute_mix_differs")

    # Sentence 1: townships.
    s1 = f"本单元样本覆盖有隐患房屋的 {n_tship} 个乡镇（街道）中的 {covered} 个"
    if cov.sample_size < n_tship:
        s1 += f"（样本量 {cov.sample_size}，最多可覆盖 {achievable} 个）"
    # Sentence 2: balance.
    if math.isnan(cov.balance):
        s2 = "样本为空，无法计算空间均衡度"
    elif math.isnan(cov.balance_percentile):
        s2 = f"空间均衡度 {cov.balance:.2f}（越小越均衡），未与简单随机样本比较"
    else:
        better = cov.balance_percentile
        s2 = f"空间均衡度 {cov.balance:.2f}（越小越均衡），"
        if better >= 0.5:
            s2 += f"优于 {_fmt_pct(better)} 的简单随机样本"
        else:
            s2 += f"仅优于 {_fmt_pct(better)} 的简单随机样本"
    # Sentence 3: attribute mix.
    names = [COMPARED_VARIABLES.get(v, v) for v in tested]
    if not tested:
        s3 = "未比较房屋属性分布"
    elif significant:
        parts = [f"{COMPARED_VARIABLES.get(v, v)}（p={c['p_value']:.3f}）" for v, c in significant.items()]
        s3 = "、".join(parts) + "分布与总体差异显著"
    else:
        min_p = min(c["p_value"] for c in tested.values())
        bound = "p>0.05" if min_p > 0.05 else f"最小 p={min_p:.3f}，未达 {SIGNIFICANT_P} 的显著水平"
        s3 = f"{'、'.join(names)}与总体无显著差异（{bound}）"
    why = "；".join(REASON_ZH[r] for r in reasons)
    text = f"{s1}；{s2}；{s3}。结论：{LEVEL_ZH[level]}" + (f"（{why}）" if why else "") + "。"
    if level == "poor":
        text += "建议复核抽样结果或重新抽取。"
    return text, level, reasons


def _unit_rng(unit_code: str, seed: str, stream: str) -> np.random.Generator:
    return np.random.default_rng(_seed_from("spotcheck.coverage", unit_code, seed, stream))


def unit_coverage(
    unit_code: str, frame: pd.DataFrame, sample_ids: Sequence[int], replicates: int = 200, seed: str = ""
) -> UnitCoverage:
    """Coverage report of one unit's draw.

    ``frame`` holds the unit's hazardous houses with columns house_id, township_code, x, y (projected
    metres), inclusion_probability (``pi`` within the unit, summing to the sample size) and, where
    present, the categorical columns of ``COMPARED_VARIABLES`` (use_class, structure, floors_band,
    hazard_grade, near_school). ``sample_ids`` are the drawn house ids (each must be in the frame).
    The SRS reference has ``replicates`` unstratified simple random samples of the draw's size; its
    random stream and the Monte Carlo tests are seeded from ``unit_code`` and ``seed``, so the same
    inputs give the same report.
    """
    for col in ("house_id", "township_code", "x", "y", "inclusion_probability"):
        if col not in frame.columns:
            raise ValueError(f"frame lacks column {col!r}")
    frame = frame.reset_index(drop=True)
    ids = pd.Index(frame["house_id"])
    if not ids.is_unique:
        raise ValueError("house_id must be unique in the frame")
    wanted = pd.unique(pd.Series(list(sample_ids)))
    pos = ids.get_indexer(wanted)
    if np.any(pos < 0):
        missing = [_plain(x) for x in wanted[pos < 0]][:5]
        raise ValueError(f"sample ids not in the frame: {missing}")

    xy = frame[["x", "y"]].to_numpy(dtype=float)
    pi = frame["inclusion_probability"].to_numpy(dtype=float)
    n = len(pos)
    balance = spatial_balance(xy, pi, pos)
    ref = (
        srs_balance_reference(xy, pi, n, replicates, _unit_rng(unit_code, seed, "srs"))
        if replicates
        else np.array([])
    )
    if len(ref) and not math.isnan(balance):
        pct = float((np.sum(ref > balance) + 0.5 * np.sum(ref == balance)) / len(ref))
    else:
        pct = math.nan

    def q(p: float) -> float:
        return float(np.nanquantile(ref, p)) if len(ref) and not np.all(np.isnan(ref)) else math.nan

    sample = frame.iloc[pos]
    if not (sample["inclusion_probability"] > 0).all():
        raise ValueError("every drawn house needs a positive inclusion_probability")
    weights = 1.0 / sample["inclusion_probability"].astype(float)
    comparisons: dict[str, dict] = {}
    for var in COMPARED_VARIABLES:
        if var in frame.columns:
            comparisons[var] = _labelled(
                var,
                compare_distribution(
                    frame[var],
                    sample[var],
                    weights,
                    frame_pi=frame["inclusion_probability"],
                    rng=_unit_rng(unit_code, seed, f"chisq:{var}"),
                ),
            )

    cov = UnitCoverage(
        unit_code=str(unit_code),
        townships_with_hazard=int(frame["township_code"].nunique()),
        townships_covered=int(sample["township_code"].nunique()),
        sample_size=n,
        frame_size=len(frame),
        balance=float(balance),
        srs_balance_mean=float(np.nanmean(ref)) if len(ref) and not np.all(np.isnan(ref)) else math.nan,
        srs_balance_p05=q(0.05),
        srs_balance_p95=q(0.95),
        balance_percentile=pct,
        comparisons=comparisons,
        verdict_zh="",
        verdict_level="",
        srs_balance_median=q(0.5),
        replicates=int(replicates),
    )
    cov.verdict_zh, cov.verdict_level, cov.reasons = _verdict(cov)
    cov.reasons_zh = [REASON_ZH[r] for r in cov.reasons]
    return cov


def _labelled(var: str, comparison: dict) -> dict:
    """A comparison with Chinese names for the variable and its categories, for people reading the API."""
    vocabulary = {"use_class": UseClass, "structure": Structure, "floors_band": FloorsBand,
                  "hazard_grade": HazardGrade}.get(var)  # fmt: skip
    for category in comparison["categories"]:
        value = category["category"]
        if var == "near_school":
            category["label"] = "学校周边" if value else "其他"
        elif vocabulary is not None and str(value) in vocabulary._value2member_map_:
            category["label"] = vocabulary(str(value)).label
        else:
            category["label"] = str(value)
    return {**comparison, "label": COMPARED_VARIABLES[var]}


def overall_coverage(units: Sequence[UnitCoverage]) -> dict:
    """Totals over units: township coverage, mean balance against mean SRS balance, verdict counts.

    Returns a dict with ``units``, ``sample_size``, ``frame_size``, ``townships_with_hazard``,
    ``townships_covered``, ``townships_achievable`` (sum of min(sample size, townships)),
    ``township_coverage`` (covered / with hazard), ``mean_balance``, ``mean_srs_balance``,
    ``units_better_than_srs_median``, ``levels`` ({"good", "fair", "poor"} -> number of units),
    ``poor_units`` (their codes) and ``summary_zh``. Means skip NaN; they are NaN for no units.
    """
    units = list(units)
    levels = {"good": 0, "fair": 0, "poor": 0}
    for u in units:
        levels[u.verdict_level] = levels.get(u.verdict_level, 0) + 1
    with_hazard = sum(u.townships_with_hazard for u in units)
    covered = sum(u.townships_covered for u in units)
    achievable = sum(min(u.sample_size, u.townships_with_hazard) for u in units)
    bal = np.array([u.balance for u in units], dtype=float)
    srs = np.array([u.srs_balance_mean for u in units], dtype=float)
    mean_bal = float(np.nanmean(bal)) if len(bal) and not np.all(np.isnan(bal)) else math.nan
    mean_srs = float(np.nanmean(srs)) if len(srs) and not np.all(np.isnan(srs)) else math.nan
    better = sum(1 for u in units if not math.isnan(u.balance) and u.balance < u.srs_balance_median)
    poor_units = [u.unit_code for u in units if u.verdict_level == "poor"]

    if not units:
        summary = "尚无抽样单元。"
    else:
        summary = (
            f"共 {len(units)} 个抽样单元、{sum(u.sample_size for u in units)} 户样本，"
            f"覆盖有隐患房屋的 {with_hazard} 个乡镇（街道）中的 {covered} 个"
            f"（按样本量最多可覆盖 {achievable} 个）；"
        )
        if not math.isnan(mean_bal):
            summary += f"平均空间均衡度 {mean_bal:.2f}，简单随机样本平均 {mean_srs:.2f}"
            summary += f"，{better} 个单元优于简单随机样本中位数；"
        summary += f"代表性良好 {levels['good']} 个、一般 {levels['fair']} 个、较差 {levels['poor']} 个。"
    return {
        "units": len(units),
        "sample_size": sum(u.sample_size for u in units),
        "frame_size": sum(u.frame_size for u in units),
        "townships_with_hazard": with_hazard,
        "townships_covered": covered,
        "townships_achievable": achievable,
        "township_coverage": covered / with_hazard if with_hazard else math.nan,
        "mean_balance": mean_bal,
        "mean_srs_balance": mean_srs,
        "units_better_than_srs_median": better,
        "levels": levels,
        "poor_units": poor_units,
        "summary_zh": summary,
    }
