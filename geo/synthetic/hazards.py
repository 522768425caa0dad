"""Hazard records: which houses are hazardous (weighted sampling without replacement) and their findings,
appraisals, rectifications and measures."""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.enums import (
    AppraisalStandard,
    AppraisalStatus,
    HazardGrade,
    InitialDetermination,
    Measure,
    RectificationStatus,
    UseClass,
)
from geo.synthetic.houses import _ERA, _S_EARTH, _S_MASONRY, _S_MIXED, _S_TIMBER, _STRUCT
from geo.synthetic.region import _S_HAZARD, _rng
from geo.synthetic.settlements import _categorical
from geo.synthetic.spec import FrameSpec
from geo.synthetic.townships import _CountyProfile

_RECORDS_START = np.datetime64("2022-06-01", "D")
# Hazard log-odds-like score terms, in BuildEra and Structure order.
_SCORE_ERA = np.array([1.3, 0.9, 0.45, 0.0, -0.5, -1.0])
_SCORE_STRUCT = np.array([0.35, 0.3, -0.7, -0.4, 0.9, 1.3, 0.7, 0.3])
# (initial determination, hazard grade) pairs a record can carry.
_PAIRS = (
    (InitialDetermination.SOME.value, HazardGrade.GENERAL.value),
    (InitialDetermination.SERIOUS.value, HazardGrade.GENERAL.value),
    (InitialDetermination.SERIOUS.value, HazardGrade.COLLAPSE_RISK.value),
)
# Appraisal status probabilities per pair: done, in progress, pending, none recorded.
_APPRAISAL_P = np.array([[0.15, 0.05, 0.15, 0.65], [0.45, 0.15, 0.20, 0.20], [0.75, 0.15, 0.10, 0.00]])
_APPRAISAL_CODES = np.array(
    [AppraisalStatus.DONE.value, AppraisalStatus.IN_PROGRESS.value, AppraisalStatus.PENDING.value, None],
    dtype=object,
)
_M = {m: 1 << i for i, m in enumerate(Measure)}


def _measure_masks(rng, pair: np.ndarray, commercial: np.ndarray) -> np.ndarray:
    n = len(pair)
    r = rng.random((n, 6))
    collapse = pair == 2
    mask = np.zeros(n, dtype=np.int64)
    # Collapse risk (D): clear people, stop use, seal and warn; then rebuild or strengthen.
    mask |= np.where(collapse, _M[Measure.STOP_USE] | _M[Measure.SEAL_AND_WARN] | _M[Measure.EVACUATE], 0)
    mask |= np.where(collapse & commercial & (r[:, 0] < 0.7), _M[Measure.STOP_BUSINESS], 0)
    mask |= np.where(collapse & (r[:, 1] < 0.5), _M[Measure.DEMOLISH_REBUILD], 0)
    mask |= np.where(collapse & (r[:, 1] >= 0.5) & (r[:, 1] < 0.85), _M[Measure.REPAIR_STRENGTHEN], 0)
    mask |= np.where(collapse & (r[:, 2] < 0.05), _M[Measure.DEMOLISH_ALL], 0)
    # General hazards: repair and strengthen by a deadline; some partial demolition, permits, business stops.
    general = ~collapse
    mask |= np.where(general & (r[:, 1] < 0.80), _M[Measure.REPAIR_STRENGTHEN], 0)
    mask |= np.where(general & (r[:, 1] >= 0.80) & (r[:, 1] < 0.87), _M[Measure.DEMOLISH_REBUILD], 0)
    mask |= np.where(general & (r[:, 1] >= 0.87) & (r[:, 1] < 0.94), _M[Measure.DEMOLISH_PART], 0)
    mask |= np.where(general & commercial & (r[:, 3] < 0.10), _M[Measure.STOP_BUSINESS], 0)
    mask |= np.where(general & (r[:, 4] < 0.05), _M[Measure.RETROACTIVE_PERMIT], 0)
    mask |= np.where(general & (r[:, 5] < 0.02), _M[Measure.FINE], 0)
    mask |= np.where(general & (r[:, 5] >= 0.02) & (r[:, 5] < 0.023), _M[Measure.CONFISCATE], 0)
    mask = np.where(mask == 0, _M[Measure.REPAIR_STRENGTHEN], mask)
    return mask


def _select_hazardous(prof: _CountyProfile, houses: dict, spec: FrameSpec, rng) -> np.ndarray:
    """Indices (ascending) of the county's hazardous houses: weighted sampling without replacement."""
    n = len(houses["lon"])
    if n == 0:
        return np.empty(0, dtype=np.int64)
    era = pd.Index(_ERA).get_indexer(houses["build_era"])
    struct = pd.Index(_STRUCT).get_indexer(houses["structure"])
    score = _SCORE_ERA[era] + _SCORE_STRUCT[struct]
    score += 0.8 * (houses["_alter_mask"] != 0) + 0.8 * (houses["_geo_mask"] != 0)
    score += 0.3 * ((houses["floors"] >= 3) & np.isin(struct, [_S_MASONRY, _S_EARTH, _S_MIXED]))
    w = np.exp(score)
    use = houses["use_class"]
    commercial = use == UseClass.COMMERCIAL.value
    mixed = use == UseClass.MIXED.value
    # The campaign targets commercial houses: calibrate their weight so that a target share of 41-50 % of
    # the hazardous houses is commercial or mixed (selection probability ~ weight while k << n).
    target = rng.uniform(0.41, 0.50)
    w_comm = w[commercial].sum() + 0.8 * w[mixed].sum()
    w_non = w[~(commercial | mixed)].sum()
    mult = float(np.clip(target / (1 - target) * w_non / w_comm, 1.0, 50.0)) if w_comm > 0 else 1.0
    w = w * np.where(commercial, mult, np.where(mixed, 0.8 * mult, 1.0))
    factor = float(np.clip(np.exp(rng.normal(0.0, 0.15)), 0.7, 1.3))
    k = min(n, int(round(spec.hazardous_share * n * factor)))
    keys = np.log(rng.random(n)) / w  # Efraimidis-Spirakis: the k largest keys
    chosen = np.argpartition(-keys, k - 1)[:k] if k else np.empty(0, dtype=np.int64)
    return np.sort(chosen)


def _generate_hazards(prof: _CountyProfile, houses: dict, spec: FrameSpec) -> dict:
    rng = _rng(spec.seed, prof.code, _S_HAZARD)
    idx = _select_hazardous(prof, houses, spec, rng)
    k = len(idx)
    end = np.datetime64(spec.as_of, "D") - 1  # records are dated before the notice
    span = int((end - _RECORDS_START).astype(int))
    if span < 90:
        raise ValueError("as_of must be at least 90 days after 2022-06-01")
    use = houses["use_class"][idx]
    commercial = use != UseClass.NON_COMMERCIAL.value
    struct = pd.Index(_STRUCT).get_indexer(houses["structure"][idx])
    era = pd.Index(_ERA).get_indexer(houses["build_era"][idx])
    wc = np.exp(
        1.0 * (struct == _S_EARTH)
        + 0.5 * (struct == _S_TIMBER)
        + 0.6 * (era <= 1)
        + 0.5 * (houses["_geo_mask"][idx] != 0)
        + 0.3 * (houses["_alter_mask"][idx] != 0)
    )
    p_collapse = np.clip(0.125 * wc / wc.mean(), 0.0, 0.6) if k else wc
    r = rng.random((k, 8))
    pair = np.where(r[:, 0] < p_collapse, 2, np.where(r[:, 1] < 0.3, 1, 0))
    history = r[:, 2] < 0.05

    # Dates (days after the start): surveys mostly in the first year; a history's first record early.
    early = r[:, 3] < 0.75
    opened = np.where(early, r[:, 4] * 0.45 * span, (0.45 + 0.55 * r[:, 4]) * span).astype(np.int64)
    first_opened = (r[:, 5] * 0.4 * span).astype(np.int64)
    gap = 45 + (r[:, 6] * (0.55 * span - 45)).astype(np.int64)
    opened = np.where(history, np.minimum(first_opened + gap, span), opened)
    elapsed = span - opened

    appraisal = _categorical(rng, _APPRAISAL_P[pair])
    appraisal = np.where(history & (appraisal == 3), 0, appraisal)  # a changed grade follows an appraisal
    g = rng.random(k)
    grade = np.where(
        pair == 2, "D", np.where(pair == 1, np.where(g < 0.7, "C", "B"), np.where(g < 0.6, "B", "C"))
    )
    p_done = np.clip(0.1 + 0.85 * elapsed / span, 0.05, 0.9)
    rs = rng.random(k)
    rect = np.where(rs < p_done, 2, np.where(rng.random(k) < 0.6, 1, 0))  # RectificationStatus index
    has_deadline = rng.random(k) < 0.85
    deadline = opened + 90 + (rng.random(k) * 450).astype(np.int64)
    closed_out = (rect == 2) & (rng.random(k) < 0.8)
    closed_out_on = np.minimum(opened + np.ceil(elapsed * rng.uniform(0.3, 1.0, k)).astype(np.int64), span)
    measures = _measure_masks(rng, pair, commercial)

    # The superseded earlier records.
    hk = int(history.sum())
    h_pair = (pair[history] + 1 + (rng.random(hk) < 0.5)) % 3
    h_opened = first_opened[history]
    h_closed = opened[history]
    h_appraisal = np.array([1, 2, 3])[_categorical(rng, np.tile([0.3, 0.4, 0.3], (hk, 1)))] if hk else h_pair
    h_rect = np.where(rng.random(hk) < 0.5, 0, 1)
    h_has_deadline = rng.random(hk) < 0.7
    h_deadline = h_opened + 90 + (rng.random(hk) * 450).astype(np.int64)
    h_measures = _measure_masks(rng, h_pair, commercial[history])

    rect_codes = np.array(RectificationStatus.codes(), dtype=object)
    survey = houses["survey_code"][idx]

    def rows(sel_survey, seq, pair_, appr, grade_, rect_, has_dl, dl, meas, co, co_on, op, cl):
        done = appr == 0
        return {
            "survey_code": sel_survey,
            "seq": seq,
            "initial_determination": np.array([_PAIRS[p][0] for p in pair_.tolist()], dtype=object),
            "hazard_grade": np.array([_PAIRS[p][1] for p in pair_.tolist()], dtype=object),
            "appraisal_status": _APPRAISAL_CODES[appr],
            "appraisal_standard": np.where(done, AppraisalStandard.JGJ_125_2016.value, None),
            "appraisal_grade": np.where(done, grade_, None),
            "rectification_status": rect_codes[rect_],
            "rectification_deadline": np.where(has_dl, dl, -1),
            "_measures": meas,
            "closed_out": co,
            "closed_out_on": np.where(co, co_on, -1),
            "opened_on": op,
            "closed_on": cl,
        }

    current = rows(
        survey, np.where(history, 2, 1), pair, appraisal, grade, rect, has_deadline, deadline, measures,
        closed_out, closed_out_on, opened, np.full(k, -1),
    )  # fmt: skip
    earlier = rows(
        survey[history], np.ones(hk, dtype=np.int64), h_pair, h_appraisal, np.full(hk, None), h_rect,
        h_has_deadline, h_deadline, h_measures, np.zeros(hk, dtype=bool), np.zeros(hk, dtype=np.int64),
        h_opened, h_closed,
    )  # fmt: skip
    # Rows ordered by house, then seq.
    pos = np.concatenate([np.arange(k), np.flatnonzero(history)])
    seq = np.concatenate([current["seq"], earlier["seq"]])
    order = np.lexsort((seq, pos))
    out = {key: np.concatenate([current[key], earlier[key]])[order] for key in current}
    out["record_code"] = np.array([f"YH{prof.code}{i:09d}" for i in range(1, len(order) + 1)], dtype=object)
    out["_start"] = _RECORDS_START
    return out
