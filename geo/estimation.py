"""Design-weighted estimation of shares and mean counts from the inspection results, with confidence intervals.

After the field work the office estimates shares such as "share of platform records found accurate" for
each drawn unit, each city and the province (``estimate_share``, any 0/1 outcome ``y``), and means of
non-negative counts such as "missed houses (漏排) per sampled house" (``estimate_mean``). Both may be
restricted to a **domain** (a ``domain`` column: e.g. 数字整治 among the houses the platform recorded as
rectified).

Design (as drawn)
    Stage 1: county-level units within cities (strata = cities); the city seats and the stand-alone units
    (嘉峪关, 兰州新区) and every unit of a city whose units are all drawn (金昌) are certainty units,
    ``pi_unit = 1``. Stage 2: houses within each drawn unit, stratified by township x commercial flag
    (``stratum``), with inclusion probability ``pi_house`` within the unit.

Estimator
    Hájek (ratio) estimator ``R = sum(w y) / sum(w)`` with ``w = 1 / (pi_unit * pi_house)``, over the
    houses of the domain (one unit, one city or the province) that have a result. Houses without a
    result (``y`` missing) are dropped, which assumes they are missing at random within the design. The
    same ratio estimates a share (``y`` 0/1) and a mean count (``y >= 0``).

Domains
    With a ``domain`` column, a house with a result outside the domain (``domain`` False) stays in the
    sample with ``d_k = 0``: ``R = sum(w d y) / sum(w d)`` and ``z_k = w_k d_k (y_k - R) / sum(w d)``, so it
    contributes 0 to its PSU's total but still counts among the PSUs and house strata of the design (the
    usual domain estimator; dropping it would understate the variance). A house in the domain without a
    result (``y`` missing), or with ``domain`` missing, is dropped as above. A level's domain with no house
    gives no estimate.

Variance: Taylor linearisation
    ``z_k = w_k (y_k - R) / sum(w)``; ``var(R) = var(sum z)`` estimated as a stratified design:

    - **Non-certainty units** (city/province levels): ultimate-cluster approximation, PSU = unit,
      strata = cities, with replacement at the first stage (no finite population correction)::

          v_h = n_h / (n_h - 1) * sum_i (t_hi - mean_h t)^2,   t_hi = sum of z over unit i's houses

      This captures both stages' variance through the PSU totals; it overstates the variance somewhat
      when cities draw a large share of their units (the without-replacement correction is ignored).
    - **Certainty units**: their first-stage contribution is 0 (they are not sampled); the second stage
      is a stratified sample of houses, so each house stratum ``s`` of the unit contributes
      ``(1 - f_s) n_s / (n_s - 1) sum_k (z_k - mean_s z)^2`` with ``f_s`` the mean ``pi_house`` of the
      stratum (the sampling fraction).
    - **Unit level**: one estimate per unit, conditional on the unit being drawn: the stratified formula
      above over the unit's house strata (``w = 1 / pi_house``; ``pi_unit`` cancels).

    House strata with a single sampled house (common: 20 houses over township x commercial strata) are
    collapsed: all singletons of a unit form one pseudo-stratum; a unit's lone singleton joins the unit's
    smallest other stratum. Collapsing overstates the variance slightly (conservative). A city with a
    single non-certainty unit, or a one-house unit, has a lonely PSU: it is centred at 0, the mean of the
    linearised totals (R's ``survey.lonely.psu = "adjust"``), which is also conservative.

    Degrees of freedom: Satterthwaite's ``(sum_h v_h)^2 / sum_h (v_h^2 / d_h)`` over the variance strata
    ``h`` above, with ``d_h = (number of PSUs in h) - 1`` (houses are the PSUs of certainty units'
    strata; at least 1). A plain ``sum d_h`` would let the many house strata of the certainty units
    inflate the df while the few sampled units per city carry most of the variance; in simulations
    (tests/test_estimation.py) that gave city-level coverage near 85 % instead of about 93 %.

Confidence interval (geo.estimation_ci, which states them in full)
    Shares: logit-transformed with Student's t on the Satterthwaite df (R's ``svyciprop(method =
    "logit")``), so the interval stays within (0, 1); at an estimate of exactly 0 or 1, or an SE of 0, a
    Clopper–Pearson interval on the Kish effective sample size ``n_eff = (sum w)^2 / sum w^2``.
    Means of counts: on the identity scale, ``R +- t * se``, the lower bound truncated at 0; at an SE of
    0 (every count equal), Garwood's Poisson interval on ``n_eff``. Each estimate says which in ``scale``
    (``"logit"``, ``"identity"`` or ``"exact"``) and ``method``; ``se`` is always the linearised one.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.estimation_ci import mean_interval, share_interval
from geo.gansu import PROVINCE_CODE

LEVELS = ("unit", "city", "province")
KINDS = ("share", "mean")
REQUIRED_COLUMNS = ("unit_code", "city_code", "stratum", "pi_house", "pi_unit", "y")
_METHOD = "Hájek ratio, Taylor linearisation, {design}"
_DESIGN = {
    "unit": "stratified SRS of houses within the unit (singleton strata collapsed)",
    "city": "stratified two-stage, ultimate cluster (PSU = unit, with replacement), certainty units by house strata",
    "province": "stratified two-stage, ultimate cluster (PSU = unit, strata = cities, with replacement), certainty units by house strata",
}


@dataclass
class Estimate:
    """One estimated share (``kind`` "share") or mean count ("mean") with its SE and confidence interval.

    ``n`` is the number of houses with a result in the domain; ``df`` the design degrees of freedom of
    the t quantile; ``n_eff`` the Kish effective sample size ``(sum w)^2 / sum w^2``; ``weight_total`` the
    estimated number of houses in the domain; ``scale`` the scale of the interval ("logit", "identity" or
    "exact", see geo.estimation_ci).
    """

    level: str
    code: str
    n: int
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    method: str
    df: float = 1.0
    n_eff: float = math.nan
    weight_total: float = math.nan
    kind: str = "share"
    scale: str = "logit"


@dataclass
class _Prepared:
    """The results as integer codes and arrays (houses with a result only)."""

    unit: np.ndarray  # int codes
    unit_labels: np.ndarray
    city: np.ndarray
    city_labels: np.ndarray
    house_vs: np.ndarray  # house variance stratum (collapsed) codes, nested in units
    n_house_vs: int
    pi_house: np.ndarray
    pi_unit: np.ndarray
    y: np.ndarray
    d: np.ndarray  # 1.0 in the domain, 0.0 outside it (a result, but not counted)


def _domain(results: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(in the domain, outside it) per row; without a ``domain`` column every row is in it."""
    if "domain" not in results.columns:
        return np.ones(len(results), dtype=bool), np.zeros(len(results), dtype=bool)
    col = results["domain"]
    known = col.notna().to_numpy()
    values = col.where(col.notna(), False).to_numpy()
    if not all(isinstance(v, bool | np.bool_) for v in values):
        raise ValueError("domain must be True, False or missing")
    inside = known & values.astype(bool)
    return inside, known & ~inside


def _prepare(results: pd.DataFrame, kind: str = "share") -> _Prepared:
    missing = [c for c in REQUIRED_COLUMNS if c not in results.columns]
    if missing:
        raise ValueError(f"results lack columns {missing}")
    inside, outside = _domain(results)
    keep = (inside & results["y"].notna().to_numpy()) | outside
    d = inside[keep].astype(float)
    y = np.where(d > 0, results["y"].to_numpy(dtype=float, na_value=np.nan)[keep], 0.0)
    if kind == "share" and not np.all((y == 0.0) | (y == 1.0)):
        raise ValueError("y must be 0 or 1 (or missing for houses without a result)")
    if kind == "mean" and not np.all(np.isfinite(y) & (y >= 0.0)):
        raise ValueError("y must be a non-negative number (or missing for houses without a result)")
    pis = {}
    for col in ("pi_house", "pi_unit"):
        p = results[col].to_numpy(dtype=float, na_value=np.nan)[keep]
        if np.any(np.isnan(p)) or np.any(p <= 0) or np.any(p > 1 + 1e-9):
            raise ValueError(f"{col} must lie in (0, 1]")
        pis[col] = np.minimum(p, 1.0)
    unit, unit_labels = pd.factorize(results["unit_code"].astype(str).to_numpy()[keep])
    city, city_labels = pd.factorize(results["city_code"].astype(str).to_numpy()[keep])
    stratum, _ = pd.factorize(results["stratum"].astype(str).to_numpy()[keep])
    unit, city, stratum = unit.astype(np.int64), city.astype(np.int64), stratum.astype(np.int64)
    if len(unit):
        pairs = np.unique(np.column_stack([unit, city]), axis=0)
        if len(pairs) != len(unit_labels):
            raise ValueError("a unit_code appears under more than one city_code")
    house_vs, n_house_vs = _collapse_singletons(unit, stratum)
    return _Prepared(
        unit=unit,
        unit_labels=np.asarray(unit_labels, dtype=object),
        city=city,
        city_labels=np.asarray(city_labels, dtype=object),
        house_vs=house_vs,
        n_house_vs=n_house_vs,
        pi_house=pis["pi_house"],
        pi_unit=pis["pi_unit"],
        y=y,
        d=d,
    )


def _collapse_singletons(unit: np.ndarray, stratum: np.ndarray) -> tuple[np.ndarray, int]:
    """Codes of the house variance strata: (unit, stratum) with singletons merged (module docstring)."""
    if not len(unit):
        return np.zeros(0, dtype=np.int64), 0
    n_units = int(unit.max()) + 1
    pair = np.unique(unit * (int(stratum.max()) + 1) + stratum, return_inverse=True)[1].astype(np.int64)
    n_pairs = int(pair.max()) + 1
    size = np.bincount(pair, minlength=n_pairs)
    pair_unit = np.zeros(n_pairs, dtype=np.int64)
    pair_unit[pair] = unit
    single = size == 1
    n_single = np.bincount(pair_unit, weights=single, minlength=n_units).astype(np.int64)
    target = np.arange(n_pairs)
    # Two or more singletons in a unit: one pseudo-stratum per unit (code n_pairs + unit).
    many = single & (n_single[pair_unit] >= 2)
    target[many] = n_pairs + pair_unit[many]
    # A lone singleton: the unit's smallest other stratum (ties: the lowest code), if there is one.
    lone = np.flatnonzero(single & (n_single[pair_unit] == 1))
    if len(lone):
        big = np.flatnonzero(~single)
        order = big[np.lexsort((big, size[big], pair_unit[big]))]
        smallest = np.full(n_units, -1, dtype=np.int64)
        first = np.unique(pair_unit[order], return_index=True)
        smallest[first[0]] = order[first[1]]
        dest = smallest[pair_unit[lone]]
        target[lone] = np.where(dest >= 0, dest, lone)
    codes, inverse = np.unique(target[pair], return_inverse=True)
    return inverse.astype(np.int64), len(codes)


def _estimate_groups(prep: _Prepared, g: np.ndarray, n_groups: int, first_stage: bool):
    """Estimates, SEs, Satterthwaite df, Kish n_eff and weight totals per group (vectorised)."""
    rows = len(g)
    pi = prep.pi_house * prep.pi_unit if first_stage else prep.pi_house
    w = prep.d / pi  # 0 outside the domain
    y = prep.y
    wsum = np.bincount(g, weights=w, minlength=n_groups)
    wysum = np.bincount(g, weights=w * y, minlength=n_groups)
    w2sum = np.bincount(g, weights=w * w, minlength=n_groups)
    n = np.bincount(g, weights=prep.d, minlength=n_groups).astype(np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):  # a group with no house in the domain: no estimate
        r = wysum / wsum
        z = np.where(w > 0, w * (y - r[g]) / wsum[g], 0.0)

    # Variance strata and PSUs. Sampled units (first stage only): stratum = city, PSU = unit. Houses of
    # certainty units (and all houses at unit level): stratum = collapsed house stratum, PSU = house.
    # Both kinds nest in the groups (unit within city within province).
    sampled = (prep.pi_unit < 1.0 - 1e-12) if first_stage else np.zeros(rows, dtype=bool)
    vs = np.where(sampled, prep.n_house_vs + prep.city, prep.house_vs)
    psu = np.where(sampled, prep.unit, len(prep.unit_labels) + np.arange(rows))
    vs_c, inv = np.unique(vs, return_inverse=True)
    vs_c, n_vs = inv.astype(np.int64), len(vs_c)
    psu_u, psu_c = np.unique(psu, return_inverse=True)
    n_psu = len(psu_u)

    t = np.bincount(psu_c, weights=z, minlength=n_psu)
    vs_of_psu = np.zeros(n_psu, dtype=np.int64)
    vs_of_psu[psu_c] = vs_c
    g_of_vs = np.zeros(n_vs, dtype=np.int64)
    g_of_vs[vs_c] = g
    # Sampling fraction per variance stratum: 0 for sampled units (with replacement), else mean pi_house.
    pi_h = np.where(sampled, 0.0, prep.pi_house)
    fpc = np.clip(
        1.0 - np.bincount(vs_c, weights=pi_h, minlength=n_vs) / np.bincount(vs_c, minlength=n_vs), 0, 1
    )

    m = np.bincount(vs_of_psu, minlength=n_vs)
    mean_t = np.bincount(vs_of_psu, weights=t, minlength=n_vs) / m
    ss = np.bincount(vs_of_psu, weights=(t - mean_t[vs_of_psu]) ** 2, minlength=n_vs)
    lonely_t2 = np.bincount(vs_of_psu, weights=t * t, minlength=n_vs)
    v_vs = np.where(m >= 2, fpc * m / np.maximum(m - 1, 1) * ss, fpc * lonely_t2)
    d_vs = np.maximum(m - 1, 1).astype(float)
    var = np.bincount(g_of_vs, weights=v_vs, minlength=n_groups)
    # Satterthwaite: df = (sum v_h)^2 / sum(v_h^2 / d_h); at most sum d_h, which it is when var is 0.
    denom = np.bincount(g_of_vs, weights=v_vs**2 / d_vs, minlength=n_groups)
    d_total = np.bincount(g_of_vs, weights=d_vs, minlength=n_groups)
    with np.errstate(divide="ignore", invalid="ignore"):
        dof = np.where(denom > 0, var**2 / denom, d_total)
        n_eff = wsum**2 / w2sum
    return n, r, np.sqrt(np.maximum(var, 0.0)), np.maximum(dof, 1.0), n_eff, wsum


def estimate_share(results: pd.DataFrame, level: str, confidence: float = 0.95) -> list[Estimate]:
    """Design-weighted share of ``y == 1`` with SE and CI, per unit, per city or for the province.

    ``results`` has one row per inspected house with unit_code, city_code, stratum (the house stratum
    within the unit, e.g. "township|commercial flag"), pi_house (inclusion probability within the unit),
    pi_unit (the unit's inclusion probability in the county draw, 1 for certainty units) and y (0/1; NaN
    for houses without a result, which are dropped); optionally ``domain`` (True, False, or missing: see
    the module docstring). ``level`` is "unit", "city" or "province"; the province's code is
    ``geo.gansu.PROVINCE_CODE``. Returns one ``Estimate`` per domain, sorted by code. See the module
    docstring for the estimator and the variance, geo.estimation_ci for the interval (logit scale).
    """
    return _estimate(results, level, confidence, "share")


def estimate_mean(results: pd.DataFrame, level: str, confidence: float = 0.95) -> list[Estimate]:
    """Design-weighted mean of a non-negative count ``y`` per house (e.g. missed houses per sampled house),
    with SE and CI, per unit, per city or for the province.

    The same ``results`` as ``estimate_share`` with ``y`` any non-negative number (NaN: no result). The
    same Hájek ratio and linearised variance; the interval is on the identity scale with Student's t,
    truncated at 0 (``scale`` "identity"; "exact" for the Garwood fallback at SE 0: geo.estimation_ci).
    """
    return _estimate(results, level, confidence, "mean")


def _estimate(results: pd.DataFrame, level: str, confidence: float, kind: str) -> list[Estimate]:
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    if not 0.0 < confidence < 1.0:
        raise ValueError("confidence must lie in (0, 1)")
    prep = _prepare(results, kind)
    if not len(prep.y):
        return []
    if level == "unit":
        g, labels = prep.unit, prep.unit_labels
    elif level == "city":
        g, labels = prep.city, prep.city_labels
    else:
        g, labels = np.zeros(len(prep.y), dtype=np.int64), np.array([PROVINCE_CODE], dtype=object)
    n, r, se, dof, n_eff, wsum = _estimate_groups(prep, g, len(labels), first_stage=level != "unit")
    design = _METHOD.format(design=_DESIGN[level])
    interval = share_interval if kind == "share" else mean_interval
    out = []
    for k in np.argsort(labels.astype(str), kind="stable"):
        if n[k] == 0:
            continue
        lo, hi, scale, ci = interval(float(r[k]), float(se[k]), float(dof[k]), float(n_eff[k]), confidence)
        out.append(
            Estimate(
                level=level,
                code=str(labels[k]),
                n=int(n[k]),
                estimate=float(r[k]),
                se=float(se[k]),
                ci_low=lo,
                ci_high=hi,
                method=f"{design}; {ci}",
                df=float(dof[k]),
                n_eff=float(n_eff[k]),
                weight_total=float(wsum[k]),
                kind=kind,
                scale=scale,
            )
        )
    return out


def simulate_results(
    sample: pd.DataFrame, true_share_by_unit: Mapping[str, float], rng: np.random.Generator
) -> pd.DataFrame:
    """Fill ``y`` for a drawn sample: each house is 1 with its unit's true share, independently.

    ``sample`` needs a unit_code column (every unit must be in ``true_share_by_unit``); if it has a
    ``true_share`` column, that per-house probability is used instead (for designs where the outcome
    depends on the house, e.g. commercial houses less often accurate). Returns a copy with ``y`` (int64).
    For demos and tests only: real results come from the field module.
    """
    out = sample.copy()
    if "true_share" in out.columns:
        p = out["true_share"].astype(float)
    else:
        p = out["unit_code"].astype(str).map({str(k): float(v) for k, v in true_share_by_unit.items()})
        if p.isna().any():
            missing = sorted(out.loc[p.isna(), "unit_code"].astype(str).unique())[:5]
            raise KeyError(f"no true share for units {missing}")
    if ((p < 0) | (p > 1)).any():
        raise ValueError("true shares must lie in [0, 1]")
    out["y"] = (rng.random(len(out)) < p.to_numpy()).astype(np.int64)
    return out
