"""Sensitive sites: schools and kindergartens per township and by houses, colleges in the city seats,
hospitals in each county seat."""

from __future__ import annotations

import numpy as np

from geo.enums import SiteKind
from geo.synthetic.region import (
    _C_SEAT_TOWN,
    _C_STREET,
    _CITY_SHORT,
    _COLLEGES,
    _S_SITES,
    _T_STREET,
    _T_TOWN,
    _T_TOWNSHIP,
    _rng,
)
from geo.synthetic.settlements import _sample_points
from geo.synthetic.spec import FrameSpec
from geo.synthetic.townships import _CountyProfile, _Layout

_CN_DIGITS = "零一二三四五六七八九"


def _cn_number(n: int) -> str:
    """Chinese numeral for 1..999 (十一, 二十, 一百零五)."""
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n - 10] if n > 10 else "")
    if n < 100:
        return _CN_DIGITS[n // 10] + "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    rest = n % 100
    head = _CN_DIGITS[n // 100] + "百"
    if rest == 0:
        return head
    if rest < 10:
        return head + "零" + _CN_DIGITS[rest]
    return head + (_CN_DIGITS[rest // 10] + "十" + (_CN_DIGITS[rest % 10] if rest % 10 else ""))


_DISCIPLINES = [
    "交通", "建筑", "财经", "农业", "医学", "信息", "工业", "师范", "能源", "石化", "林业", "畜牧", "艺术",
    "旅游", "商贸", "机电", "水利", "护理", "体育", "外语",
]  # fmt: skip
_COLLEGE_SUFFIX = ["职业技术学院", "职业学院", "学院", "高等专科学校"]
_HOSPITALS = ["人民医院", "中医医院", "妇幼保健院", "第二人民医院", "骨科医院", "口腔医院"]
# Houses per extra school and per extra kindergarten (beyond the central ones of each township).
HOUSES_PER_SCHOOL = 260
HOUSES_PER_KINDERGARTEN = 220


def _stem(village: str) -> str:
    for suffix in ("社区", "村"):
        if village.endswith(suffix) and len(village) > len(suffix):
            return village[: -len(suffix)]
    return village


def _generate_sites(prof: _CountyProfile, layout: _Layout, houses: dict, spec: FrameSpec) -> dict:
    seed = spec.seed
    names_used: set[str] = set()
    counters = {"中学": 0, "小学": 0, "幼儿园": 0}
    out = {k: [] for k in ("kind", "name", "township_code", "lon", "lat", "address")}

    def unique(stem: str, suffix: str) -> str:
        name = stem + suffix
        n = 2
        while name in names_used:
            name = f"{stem}第{_cn_number(n)}{suffix}"
            n += 1
        names_used.add(name)
        return name

    def numbered(suffix: str) -> str:
        counters[suffix] += 1
        return unique(f"{prof.name}第{_cn_number(counters[suffix])}", suffix)

    def add(kind, name, t, pts, place, rng):
        for (x, y), nm, pl in zip(pts.tolist(), name, place, strict=True):
            out["kind"].append(kind)
            out["name"].append(nm)
            out["township_code"].append(prof.tship_codes[t])
            out["lon"].append(x)
            out["lat"].append(y)
            out["address"].append(f"{prof.name}{prof.tship_names[t]}{pl}{int(rng.integers(1, 200))}号")

    tship_idx = houses["_tship_idx"]
    ctx = houses["_ctx"]
    hx, hy, village = houses["lon"], houses["lat"], houses["village"]
    bounds = np.searchsorted(tship_idx, np.arange(len(prof.tship_codes) + 1))

    # Colleges and hospitals: near houses of the urban core (streets or the seat town).
    rng = _rng(seed, prof.code, _S_SITES)
    core = np.flatnonzero(np.isin(ctx, [_C_STREET, _C_SEAT_TOWN]))
    if not len(core):
        core = np.arange(len(hx))
    n_hosp = 2 + prof.urban + (2 if prof.code in {"620102", "620103", "620104", "620105"} else 0)
    for kind, n_sites in ((SiteKind.COLLEGE, _COLLEGES.get(prof.code, 0)), (SiteKind.HOSPITAL, n_hosp)):
        if not len(core):
            break
        anchors = core[rng.integers(0, len(core), n_sites)]
        for a in anchors.tolist():
            t = int(tship_idx[a])
            anchor = np.array([[hx[a], hy[a]]])
            pt = _sample_points(
                rng, layout.polygons[t], prof.geom, anchor, np.array([300.0]), np.zeros(1, int)
            )
            if kind == SiteKind.COLLEGE:
                city = _CITY_SHORT.get(prof.city_code, "")
                county = prof.short_name if prof.short_name not in city else ""
                stem = city + county + _DISCIPLINES[rng.integers(len(_DISCIPLINES))]
                name = unique(stem, _COLLEGE_SUFFIX[rng.integers(len(_COLLEGE_SUFFIX))])
            else:
                name = unique(prof.name, _HOSPITALS[len([k for k in out["kind"] if k == kind.value]) % 6])
            add(kind.value, [name], t, pt, [village[a]], rng)

    for t in range(len(prof.tship_codes)):
        kind_t = prof.tship_kinds[t]
        rng = _rng(seed, prof.tship_codes[t], _S_SITES)
        poly = layout.polygons[t]
        lo, hi = int(bounds[t]), int(bounds[t + 1])
        n_h = hi - lo
        tname = prof.tship_names[t]
        seat_place = village[lo] if n_h else ""
        # Central school(s) and kindergarten near the township seat.
        base_school = {_T_STREET: 1, _T_TOWN: 2, _T_TOWNSHIP: 1}.get(kind_t, 0)
        base_kg = 1 if kind_t in (_T_STREET, _T_TOWN, _T_TOWNSHIP) else 0
        for kind, n_base, per in (
            (SiteKind.SCHOOL, base_school, HOUSES_PER_SCHOOL),
            (SiteKind.KINDERGARTEN, base_kg, HOUSES_PER_KINDERGARTEN),
        ):
            n_extra = int(rng.poisson(n_h / per)) if n_h else 0
            centers = np.repeat(layout.seeds[t][None, :], n_base, axis=0)
            anchors = lo + rng.integers(0, n_h, n_extra) if n_h else np.empty(0, dtype=np.int64)
            centers = np.vstack([centers, np.column_stack([hx[anchors], hy[anchors]])])
            sigma = np.concatenate([np.full(n_base, 150.0), np.full(n_extra, 120.0)])
            pts = _sample_points(rng, poly, prof.geom, centers, sigma, np.arange(len(centers)))
            names, places = [], []
            for j in range(len(centers)):
                central = j < n_base
                place = seat_place if central else village[anchors[j - n_base]]
                if kind == SiteKind.SCHOOL:
                    level = "小学" if (j == 0 or (not central and rng.random() < 0.65)) else "中学"
                    if kind_t == _T_STREET or (not central and ctx[anchors[j - n_base]] == _C_STREET):
                        names.append(numbered(level))
                    elif central:
                        names.append(unique(tname, "中心小学" if level == "小学" else "中学"))
                    else:
                        names.append(unique(_stem(place), level))
                else:
                    if kind_t == _T_STREET or (not central and ctx[anchors[j - n_base]] == _C_STREET):
                        names.append(numbered("幼儿园"))
                    elif central:
                        names.append(unique(tname, "中心幼儿园"))
                    else:
                        names.append(unique(_stem(place), "幼儿园"))
                places.append(place)
            add(kind.value, names, t, pts, places, rng)
    out["county_code"] = [prof.code] * len(out["kind"])
    return out
