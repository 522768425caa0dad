"""Estimates of a draw from its inspection results: four indicators per unit, city and province.

The pure work is ``geo.estimation`` (Hájek ratio, Taylor linearisation, Satterthwaite df; intervals in
``geo.estimation_ci``). Here the draw's recorded design is joined to its inspections (``sql/
estimate_results.sql``):

- **The sample.** Every sampled house (``draw_house`` role ``sample``) with its unit, house stratum and
  inclusion probability within the unit (``pi_house``) and the unit's (``pi_unit``, 1 for certainty units).
  A replaced house is followed to the replacement in its place (and on, if that one was replaced too):
  the replacement takes the sampled house's stratum and probability (substitution).
- **The results.** Approved inspections (``status = 'approved'``); with ``include_submitted`` also those
  submitted and awaiting review. The others are counted (``counts``), never estimated from. The values
  come from the stored ``summary`` (``geo.inspection_form.summary``); a value not answered is no result.
- **The indicators** (``INDICATORS``): the share of accurate records (``record_accurate``), of correct
  hazard determinations (``hazard_correct``), of 数字整治 (``paper_rectification``) in the domain of the
  houses whose platform record said 已整治 at the draw (``draw_house_record.rectification_status =
  'done'``: the record the houses were drawn on; y is the summary's ``paper_rectification``. The form asks
  the question when the platform says 已整治 at the visit, so a house whose record was changed between the
  draw and the visit counts as not 数字整治: its record no longer claimed a rectification), and the mean
  number of missed houses (漏排) per sampled house (``missed_houses``, identity-scale interval).
- **Each estimate** has ``n`` (houses with a result behind it, in its domain) and ``drawn`` (sampled houses
  of the unit, city or province, in the domain for 数字整治).

A draw with no inspection results (none approved or submitted) on the synthetic demo frame answers
SIMULATED results (``simulated: true``, note 模拟结果（合成演示数据）) so the method can be shown; a draw on
real data with no results answers empty estimates with a note, never simulated numbers. Results on the
synthetic frame (the demo's synthetic inspections) say so too (``synthetic: true`` and the note). A partial scope
estimates over its own units only (its "province" line is the scope's total).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from geo import draw as algo
from geo.estimation import LEVELS, estimate_mean, estimate_share
from geo.gansu import PROVINCE_CODE
from service.accounts.scope import EVERYTHING, Scope
from service.draws.coverage import SQL, _clean, _drawn, _units

# key: (Chinese label, kind, Chinese domain)
INDICATORS: dict[str, tuple[str, str, str]] = {
    "record_accurate": ("排查信息准确率", "share", "全部抽样房屋"),
    "hazard_correct": ("隐患判定准确率", "share", "全部抽样房屋"),
    "paper_rectification": ("数字整治比例", "share", "抽样时平台记录为“已整治”的抽样房屋"),
    "missed_houses": ("户均漏排房屋数", "mean", "全部抽样房屋"),
}
SIMULATED_NOTE = "模拟结果（合成演示数据）：尚无入户检查结果，仅用于演示估计方法，不是现场数据。"
EMPTY_NOTE = "尚无审核通过的入户检查结果，暂不能估计。"
SYNTHETIC_NOTE = "检查结果来自合成演示数据（非真实房屋）。"
PENDING_NOTE = "另有 {n} 户已提交、待审核，未计入（可加参数 include_submitted=true 计入）。"
SIMULATED_MISSED_MEAN = 0.1  # missed houses per house in the simulation


def _number(x: object) -> float:
    """A stored answer as a number: True/False as 1/0, a count as itself; anything else is no result."""
    return float(x) if isinstance(x, bool | int | float) else np.nan


def _values(sample: pd.DataFrame, statuses: tuple[str, ...]) -> pd.DataFrame:
    """The y (and domain) of each indicator per sampled house: NaN without a result."""
    used = sample["status"].isin(statuses).to_numpy()

    def value(key: str, kind: type) -> np.ndarray:
        got = [s.get(key) if isinstance(s, dict) else None for s in sample["summary"]]  # no pandas casting
        ok = [isinstance(x, kind) and (kind is bool or not isinstance(x, bool)) for x in got]
        return np.where(
            used & np.array(ok, dtype=bool), np.array([_number(x) for x in got], dtype=float), np.nan
        )

    missed = value("missed_houses", int)
    return pd.DataFrame(
        {
            "record_accurate": value("record_accurate", bool),
            "hazard_correct": value("hazard_correct", bool),
            "paper_rectification": value("paper_rectification", bool),
            "paper_rectification_domain": pd.Series(
                np.where(used, sample["recorded_rectification"].eq("done").to_numpy(), None), dtype=object
            ).to_numpy(),
            "missed_houses": np.where(missed >= 0, missed, np.nan),
        },
        index=sample.index,
    )


def _simulated(sample: pd.DataFrame, share: float, seed: str) -> pd.DataFrame:
    rng = algo.rng_for(seed, "simulate")
    n = len(sample)
    return pd.DataFrame(
        {
            "record_accurate": (rng.random(n) < share).astype(float),
            "hazard_correct": (rng.random(n) < share).astype(float),
            "paper_rectification": (rng.random(n) < 1.0 - share).astype(float),
            "paper_rectification_domain": pd.Series(
                sample["recorded_rectification"].eq("done").to_numpy(), dtype=object
            ),  # fmt: skip
            "missed_houses": rng.poisson(SIMULATED_MISSED_MEAN, n).astype(float),
        },
        index=sample.index,
    )


def _drawn_counts(frame: pd.DataFrame, mask: np.ndarray) -> dict[str, dict[str, int]]:
    sub = frame[mask]
    return {
        "unit": sub.groupby("unit_code").size().to_dict(),
        "city": sub.groupby("city_code").size().to_dict(),
        "province": {PROVINCE_CODE: len(sub)},
    }


def _indicator(
    frame: pd.DataFrame, key: str, names: dict[str, str], drawn: dict[str, dict[str, int]]
) -> dict[str, list[dict]]:
    """One indicator's estimates at every level; ``drawn``: the sampled houses of its domain per level."""
    kind = INDICATORS[key][1]
    results = frame.assign(y=frame[key])
    if key == "paper_rectification":
        results["domain"] = frame["paper_rectification_domain"]
    run = estimate_share if kind == "share" else estimate_mean
    out = {}
    for level in LEVELS:
        rows = []
        for e in run(results, level):
            row = _clean(dataclasses.asdict(e))
            row["name"] = names.get(e.code, e.code)
            row["drawn"] = int(drawn[level].get(e.code, 0))
            rows.append(row)
        out[level] = rows
    return out


def estimates(
    session: Session, draw_id: int, simulated_share: float = 0.85, include_submitted: bool = False,
    seed: str = "simulation", scope: Scope = EVERYTHING,
) -> dict:  # fmt: skip
    """The four indicators per unit, city and province with CI, SE, df, n and drawn (module docstring)."""
    _drawn(session, draw_id)
    units = _units(session, draw_id)
    sample = pd.DataFrame(
        session.execute(SQL.one("estimate_results"), {"d": draw_id}).mappings().all(),
        columns=["unit_code", "drawn_house_id", "house_id", "stratum", "pi_house", "recorded_rectification",
                 "synthetic", "status", "summary"],
    )  # fmt: skip
    has_results = bool(sample["status"].isin(["approved", "submitted"]).any())
    synthetic = bool(len(sample)) and bool(sample["synthetic"].all())
    units = units[[scope.covers_unit(u) for u in units["unit_code"]]]
    sample = sample.merge(units[["unit_code", "city_code", "pi_unit"]], on="unit_code").reset_index(drop=True)
    statuses = ("approved", "submitted") if include_submitted else ("approved",)
    counts = {
        "drawn": len(sample),
        "approved": int(sample["status"].eq("approved").sum()),
        "pending_review": int(sample["status"].eq("submitted").sum()),
        "in_progress": int(sample["status"].isin(["draft", "returned"]).sum()),
    }
    simulated = synthetic and not has_results
    values = _simulated(sample, simulated_share, seed) if simulated else _values(sample, statuses)
    counts["used"] = len(sample) if simulated else int(sample["status"].isin(statuses).sum())
    frame = pd.concat([sample, values], axis=1)
    cities = sorted(units["city_code"].unique().tolist())
    names = {**dict(zip(units["unit_code"], units["unit_name"], strict=True)),
             **{r.code: r.name for r in session.execute(SQL.one("division_names"), {"codes": cities})},
             PROVINCE_CODE: "全省" if scope.everything else f"合计（{scope.label}）"}  # fmt: skip
    # The drawn houses per level, counted once: all of them, and those recorded 已整治 (数字整治's domain).
    everyone = _drawn_counts(frame, np.ones(len(frame), dtype=bool))
    rectified = _drawn_counts(frame, frame["recorded_rectification"].eq("done").to_numpy())
    if simulated:
        note = SIMULATED_NOTE
    elif counts["used"] == 0:
        note = EMPTY_NOTE + (
            PENDING_NOTE.format(n=counts["pending_review"]) if counts["pending_review"] else ""
        )
    else:
        pending = (
            PENDING_NOTE.format(n=counts["pending_review"])
            if counts["pending_review"] and not include_submitted
            else ""
        )
        note = ((SYNTHETIC_NOTE if synthetic else "") + pending) or None
    return {
        "draw_id": draw_id,
        "source": "simulated" if simulated else "inspections",
        "simulated": simulated,
        "simulated_share": simulated_share if simulated else None,
        "synthetic": synthetic,
        "include_submitted": include_submitted,
        "scope": scope.label,
        "counts": counts,
        "indicators": [
            {
                "key": k,
                "label": label,
                "kind": kind,
                "domain": domain,
                "scale": "logit" if kind == "share" else "identity",
            }
            for k, (label, kind, domain) in INDICATORS.items()
        ],  # fmt: skip
        "estimates": {k: _indicator(frame, k, names, rectified if k == "paper_rectification" else everyone)
                      for k in INDICATORS},  # fmt: skip
        "note": note,
    }
