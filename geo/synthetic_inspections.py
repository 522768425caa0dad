"""Synthetic inspections for the demo: what a plausible field season's on-site visits could have found.

Pure (no database): from each drawn house's registry record (as ``service/inspections/sql/house_registry.sql``
reads it, plus the ``group`` of its firm) and a seed, ``generate_inspections`` makes the inspections a
demo shows, every one **labelled synthetic** by its caller. The same houses, seed and dates always give the
same inspections; each house's draws depend only on the seed and its survey code, not on the others.

What comes out, roughly (the shares are drawn, not forced):

- about 65 % of the houses have an inspection by ``today`` (a firm's share varies by up to ±8 points);
  of those about 72 % approved, 14 % submitted, 5 % returned with a comment, 9 % drafts;
- most records accurate, one or two fields wrong in about 15 % of the houses (an observed value that
  differs from the registry, as the form requires); the hazard determination confirmed in about 88 %;
- 数字整治 (done on paper, not on site) in about 7 % of the houses the platform records as rectified;
- a collapse risk wherever the registry says so (mostly) and rarely elsewhere, always with control
  measures (人员撤离 when people are inside);
- missed houses (漏排) near about 7 % of the houses, each with a point 30-150 m away;
- positions 3-40 m from the house (a few hundred metres for 2 %), photos near the house, two per
  inspection or four where the form asks for them, timestamps over the days before ``today``.

Every answer set passes ``geo.inspection_form.validate`` with its photo count (tests check all of them),
and each ``summary`` is ``geo.inspection_form.summary`` of it.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from geo import inspection_form as forms
from geo.enums import APPRAISAL_GRADES, AppraisalStandard

TZ = ZoneInfo("Asia/Shanghai")
INSPECTED_SHARE = 0.65
GROUP_SPREAD = 0.08
STATUS_WEIGHTS = {"approved": 0.72, "submitted": 0.14, "returned": 0.05, "draft": 0.09}
RECORD_WRONG = 0.15
HAZARD_WRONG = 0.12
PAPER_RECTIFICATION = 0.07
MISSED = 0.07
FAR_POSITION = 0.02
REMARK = "合成演示数据，非真实检查记录。"

# How likely each registry field is to be the wrong one (when a record is wrong).
WRONG_FIELDS = {"floors": 3, "structure": 3, "use_class": 2, "build_era": 2, "floor_area_m2": 2, "address": 1,
                "area_type": 1, "business_type": 1, "alterations": 2, "geohazards": 1}  # fmt: skip
CODES = {
    "use_class": ["commercial", "mixed", "non_commercial"],
    "business_type": ["catering", "lodging", "retail", "entertainment", "education", "healthcare",
                      "elderly_care", "manufacturing", "warehousing", "rental_housing", "other"],
    "area_type": ["built_up", "urban_fringe", "urban_village", "resettlement", "designated_town", "market_town",
                  "near_school", "near_hospital", "near_wholesale_market", "scenic_area", "other"],
    "structure": ["masonry", "frame_masonry", "reinforced_concrete", "steel", "timber_bamboo",
                  "earth_stone_timber", "mixed", "other"],
    "build_era": ["up_to_1980", "1981_1990", "1991_2000", "2001_2010", "2011_2015", "from_2016"],
    "alterations": ["rooftop_storey", "perimeter_extension", "mezzanine", "partition_walls", "raised",
                    "enlarged_openings", "basement", "removed_columns_walls"],
    "geohazards": ["slope_cutting", "landslide_debris_flow", "mined_out_area", "flood", "rockfall", "subsidence"],
}  # fmt: skip
ENGINEERING = ("demolish_rebuild", "repair_strengthen", "demolish_all", "demolish_part")
RETURN_COMMENTS = (
    "照片不清晰，请补拍房屋外立面及隐患部位。",
    "结构类型与现场照片不符，请核实后修改。",
    "整治措施填写不完整，请补充现场所见措施。",
    "现场定位与房屋距离较远，请说明原因。",
)
PHOTO_CAPTIONS = ("房屋外观", "结构细部", "隐患部位", "整治情况", "管控措施", "周边环境")


@dataclass(frozen=True)
class SyntheticPhoto:
    """One photo of an inspection: where and when it was taken (EXIF), its caption and phone-made id."""

    client_id: uuid.UUID
    lon: float
    lat: float
    taken_at: dt.datetime
    caption: str


@dataclass(frozen=True)
class SyntheticInspection:
    """One house's inspection as the phone would have sent it and the firm reviewed it."""

    house_id: int
    client_id: uuid.UUID
    status: str  # draft, submitted, approved, returned
    answers: dict
    summary: dict
    opened_at: dt.datetime
    opened_lon: float
    opened_lat: float
    opened_accuracy_m: float
    submitted_at: dt.datetime | None
    submitted_lon: float | None
    submitted_lat: float | None
    submitted_accuracy_m: float | None
    reviewed_at: dt.datetime | None
    review_comment: str | None
    photos: list[SyntheticPhoto] = field(default_factory=list)


def _rng(seed: int, *parts: object) -> random.Random:
    return random.Random(":".join(str(p) for p in (seed, *parts)))


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def near(lon: float, lat: float, metres: float, rng: random.Random) -> tuple[float, float]:
    """A point ``metres`` from (lon, lat) in a random direction (local flat approximation, EPSG:4490)."""
    bearing = rng.uniform(0, 2 * math.pi)
    dlat = metres * math.cos(bearing) / 111_320
    dlon = metres * math.sin(bearing) / (111_320 * math.cos(math.radians(lat)))
    return round(lon + dlon, 7), round(lat + dlat, 7)


def _empty(v) -> bool:
    return v is None or v == "" or (isinstance(v, str) and not v.strip())


def _other(rng: random.Random, codes: list[str], current) -> str:
    return rng.choice([c for c in codes if c != current])


def _record(rng: random.Random, r: Mapping, answers: dict) -> None:
    """``<f>_accurate`` for every registry field the form asks about; one or two wrong in some houses."""
    asked = [f for f in WRONG_FIELDS if f in ("alterations", "geohazards") or not _empty(r.get(f))]
    wrong: set[str] = set()
    if rng.random() < RECORD_WRONG:
        k = 1 if rng.random() < 0.75 else 2
        weights = [WRONG_FIELDS[f] for f in asked]
        while len(wrong) < min(k, len(asked)):
            wrong.add(rng.choices(asked, weights)[0])
    for f in asked:
        answers[f"{f}_accurate"] = f not in wrong
    for f in sorted(wrong):
        value = r.get(f)
        if f == "address":
            observed = f"{value}（实为{rng.randint(2, 99)}号）"[:200]
        elif f == "floors":
            n = int(value)
            observed = n - 1 if n >= 60 or (n >= 3 and rng.random() < 0.4) else n + 1
        elif f == "floor_area_m2":
            observed = round(float(value) * rng.choice((0.8, 0.9, 1.15, 1.3)) + 1, 1)
        elif f in ("alterations", "geohazards"):
            observed = [] if value else [rng.choice(CODES[f])]
        else:
            observed = _other(rng, CODES[f], value)
        answers[f"{f}_observed"] = observed
    commercial = answers.get("use_class_observed") in ("commercial", "mixed")
    if commercial and _empty(r.get("business_type")):
        answers["business_type_observed"] = rng.choice(CODES["business_type"])


def _hazard(rng: random.Random, r: Mapping, answers: dict, demolished: bool) -> bool:
    """The hazard determination and the collapse-risk finding (returned), consistent with the form's rules."""
    registry_collapse = r.get("hazard_grade") == "collapse_risk"
    initial = r.get("initial_determination")
    if demolished:
        collapse = False
    elif registry_collapse:
        collapse = rng.random() < 0.8
    else:
        collapse = rng.random() < 0.015
    if collapse and registry_collapse:
        confirmed = initial != "none_found"  # the platform said so and the site agrees
    else:
        confirmed = collapse == registry_collapse and rng.random() >= HAZARD_WRONG
        confirmed = confirmed and not (collapse and initial == "none_found")
    answers["hazard_confirmed"] = confirmed
    if not confirmed:
        # Not 未发现 where the site shows a collapse risk; not the platform's own determination where the
        # collapse-risk finding agrees with the platform (that would be "confirmed").
        choices = [c for c in ("serious", "some", "none_found")
                   if not (collapse and c == "none_found") and not (collapse == registry_collapse and c == initial)]
        observed = "serious" if collapse and "serious" in choices else rng.choice(choices)
        answers["hazard_observed"] = observed
        answers["hazard_note"] = {"serious": "承重墙体开裂明显，判定为存在严重安全隐患。",
                                  "some": "局部构件轻微损伤，判定为存在一定安全隐患。",
                                  "none_found": "现场未见明显安全隐患。"}[observed]  # fmt: skip
    if not demolished:
        answers["collapse_risk"] = collapse
    return collapse


def _rectification(rng: random.Random, r: Mapping, answers: dict) -> tuple[bool, bool]:
    """What the site shows of the rectification; returns (数字整治, the platform lags the site)."""
    status = r.get("rectification_status")
    paper = lags = False
    if status == "done":
        paper = rng.random() < PAPER_RECTIFICATION
        observed = rng.choice(["pending", "in_progress"]) if paper else "done"
    elif status == "in_progress" and rng.random() < 0.12:
        observed, lags = "done", True
    else:
        observed = status if status in ("pending", "in_progress") else "pending"
    answers["rectification_observed"] = observed
    if observed in ("in_progress", "done"):
        seen = [m for m in (r.get("measures") or []) if m in ENGINEERING]
        answers["rectification_measures_observed"] = seen or [rng.choice(["repair_strengthen", "demolish_part"])]
    if status == "done":
        answers["paper_rectification"] = paper
        if paper:
            answers["paper_rectification_note"] = "平台记录为已整治，现场未见加固或拆除措施。"
    return paper, lags


def _appraisal(rng: random.Random, r: Mapping, answers: dict, collapse: bool) -> None:
    status = r.get("appraisal_status") if r.get("appraisal_status") in ("pending", "in_progress", "done") else "pending"
    if status != "done" and rng.random() < 0.05:
        status = "done"
    answers["appraisal_status_observed"] = status
    if status != "done":
        return
    standard = r.get("appraisal_standard")
    standard = standard if standard in APPRAISAL_GRADES else AppraisalStandard.JGJ_125_2016.value
    grades = list(APPRAISAL_GRADES[AppraisalStandard(standard)])
    grade = r.get("appraisal_grade")
    answers["appraisal_standard"] = standard
    answers["appraisal_grade"] = grades[3] if collapse else grade if grade in grades else rng.choice(grades[1:3])
    answers["appraisal_report_date"] = f"{rng.randint(2022, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _status_and_safety(rng: random.Random, answers: dict, collapse: bool, demolished: bool, platform_false: bool) -> None:
    answers["platform_updated"] = False if platform_false else rng.random() >= 0.1
    if demolished:
        occupancy = "demolished"
    elif collapse:
        occupancy = rng.choice(["closed", "closed", "in_use", "partly_used"])
    else:
        occupancy = rng.choices(["in_use", "partly_used", "vacant", "under_works"], [72, 14, 10, 4])[0]
    answers["occupancy"] = occupancy
    if occupancy in ("in_use", "partly_used"):
        answers["people_count"] = rng.randint(1, 40 if occupancy == "in_use" else 10)
    if collapse:
        measures = ["stop_use", "seal_and_warn"]
        if answers.get("people_count", 0) > 0:
            measures.append("evacuate")
        answers["control_measures"] = measures
        answers["control_note"] = "已设置警示标识并告知产权人，" + ("人员已撤离。" if "evacuate" in measures else "房屋已停用封闭。")


def _missed(rng: random.Random, r: Mapping, answers: dict) -> None:
    found = rng.random() < MISSED
    answers["missed_houses_found"] = found
    if not found:
        return
    items = []
    for _ in range(1 if rng.random() < 0.7 else 2):
        lon, lat = near(float(r["lon"]), float(r["lat"]), rng.uniform(30, 150), rng)
        use = rng.choices(["commercial", "mixed", "non_commercial"], [3, 2, 5])[0]
        item = {"point": {"lon": lon, "lat": lat}, "address": f"{r.get('village') or ''}{rng.randint(1, 120)}号附近",
                "use_class": use, "floors": rng.randint(1, 5), "hazard_seen": rng.choice(["serious", "some", "some"]),
                "note": "周边未纳入排查的自建房。"}  # fmt: skip
        if use != "non_commercial":
            item["business_type"] = rng.choice(CODES["business_type"])
        items.append(item)
    answers["missed_houses"] = items


def answers_for(r: Mapping, rng: random.Random) -> dict:
    """A complete answer set for one house's registry record, consistent with the v1 form's rules."""
    answers: dict = {}
    _record(rng, r, answers)
    demolished = rng.random() < 0.01
    collapse = _hazard(rng, r, answers, demolished)
    paper, lags = _rectification(rng, r, answers)
    _appraisal(rng, r, answers, collapse)
    _status_and_safety(rng, answers, collapse, demolished, platform_false=paper or lags)
    _missed(rng, r, answers)
    answers["remarks"] = REMARK
    return answers


def photos_needed(answers: Mapping, r: Mapping) -> int:
    """Four photos where the form asks for them (serious hazard or collapse risk), two otherwise."""
    serious = answers.get("collapse_risk") is True or answers.get("hazard_observed") == "serious" or (
        answers.get("hazard_confirmed") is True and r.get("initial_determination") == "serious")  # fmt: skip
    return 4 if serious else 2


def _at(day: dt.date, minutes: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), TZ) + dt.timedelta(minutes=minutes)


def generate_inspections(
    houses: Iterable[Mapping], seed: int, today: dt.date, start: dt.date, share: float = INSPECTED_SHARE
) -> list[SyntheticInspection]:
    """The synthetic inspections of ``houses`` (registry records with ``house_id``, ``survey_code``, ``lon``,
    ``lat``, ``group``) made between ``start`` and the day before ``today`` (drafts: the last three days)."""
    if start >= today:
        raise ValueError("field work must start before today")
    form = forms.load_form("v1")
    span = (today - start).days
    out = []
    for r in houses:
        group_rate = share + _rng(seed, "group", r.get("group")).uniform(-GROUP_SPREAD, GROUP_SPREAD)
        rng = _rng(seed, "house", r["survey_code"])
        if rng.random() >= group_rate:
            continue
        status = rng.choices(list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values()))[0]
        answers = answers_for(r, rng)
        lon, lat = float(r["lon"]), float(r["lat"])
        back = rng.randint(1, min(3, span)) if status == "draft" else rng.randint(1, span)
        opened = _at(today - dt.timedelta(days=back), rng.randint(9 * 60, 17 * 60))
        far = rng.random() < FAR_POSITION
        o_lon, o_lat = near(lon, lat, rng.uniform(300, 800) if far else rng.uniform(3, 40), rng)
        photos = []
        for i in range(photos_needed(answers, r)):
            p_lon, p_lat = near(lon, lat, rng.uniform(2, 30), rng)
            photos.append(SyntheticPhoto(_uuid(rng), p_lon, p_lat, opened + dt.timedelta(minutes=5 + 4 * i),
                                         PHOTO_CAPTIONS[i % len(PHOTO_CAPTIONS)]))  # fmt: skip
        answers["photos"] = [str(p.client_id) for p in photos]
        submitted = s_lon = s_lat = s_acc = reviewed = comment = None
        if status != "draft":
            submitted = opened + dt.timedelta(minutes=rng.randint(25, 70))
            s_lon, s_lat = near(lon, lat, rng.uniform(3, 40), rng)
            s_acc = round(rng.uniform(4, 20), 1)
        if status in ("approved", "returned"):
            reviewed = min(submitted + dt.timedelta(hours=rng.randint(3, 40)), _at(today, 8 * 60))
            reviewed = max(reviewed, submitted + dt.timedelta(minutes=30))
            comment = rng.choice(RETURN_COMMENTS) if status == "returned" else None
        out.append(SyntheticInspection(
            house_id=int(r["house_id"]), client_id=_uuid(rng), status=status, answers=answers,
            summary=forms.summary(form, answers, dict(r)), opened_at=opened, opened_lon=o_lon, opened_lat=o_lat,
            opened_accuracy_m=round(rng.uniform(4, 25), 1), submitted_at=submitted, submitted_lon=s_lon,
            submitted_lat=s_lat, submitted_accuracy_m=s_acc, reviewed_at=reviewed, review_comment=comment,
            photos=photos,
        ))  # fmt: skip
    return out
