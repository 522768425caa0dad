"""Synthetic, reproducible demo frame: township polygons, houses, hazard records and sensitive sites.

No offline source has township polygons, house records or school locations (the house registry is
confidential), so the demo ships a generated frame on top of the **real** county polygons and the **real**
NBS township list (``boundaries/``). Everything this module returns is synthetic: township polygons are
Voronoi cells, not legal boundaries; villages, addresses, school and hospital names are generated from
character pools and coincide with real places only by chance. The loader labels every row as synthetic.

How the frame is made (all in numpy/shapely/pyproj, no database):

1. **Townships.** One seed point per NBS township inside its county, in the county's CGCS2000
   Gauss-Krueger zone: streets (街道) cluster around the county seat (taken as the pole of inaccessibility
   of the county polygon), the seat town (the first 镇 by code in counties without streets) sits on it,
   towns spread over the county, townships (乡) lean outwards, development zones sit near the seat. The
   Voronoi cells of the seeds, clipped to the real county polygon on the 1e-6 degree grid, are the
   township polygons: they partition the county exactly, one (Multi)Polygon per township.
2. **Houses.** Each county gets a share of ``FrameSpec.houses`` (districts and county-level cities
   heavier, larger counties somewhat heavier, a floor so that no unit is tiny), each township a share of
   its county (streets and the seat town heaviest), and each township a mixture of Gaussian settlement
   clusters: its seat (the seed point) and its communities (社区) or villages (村). Points are rejection
   sampled strictly inside the township and the county polygon. Attributes follow the settlement's
   urbanity, the era and the region (河西 masonry and earth; 陇南/甘南/临夏 timber and earth-stone;
   mountain geohazards in 陇南/甘南/定西).
3. **Hazard records.** About ``hazardous_share`` of the houses per county are drawn by weighted sampling
   without replacement (older, earth-timber, masonry, altered, geohazard-exposed and commercial houses
   weigh more; the commercial weight is calibrated per county so that about 35-50 % of the hazardous
   houses are commercial or mixed, as the campaign targets them). About 5 % of hazardous houses carry a
   closed, superseded earlier record.
4. **Sites.** Every street, town and township gets a central school and kindergarten near its seat, more
   schools and kindergartens follow the houses (one per few hundred houses), about 50 colleges sit in
   兰州 and the city seats, a few hospitals in each county seat.

Determinism: every random stream is ``numpy.random.default_rng(SeedSequence([seed, code, stream]))`` for
the county or township ``code`` it serves, so the same seed gives byte-identical frames whatever the
iteration order, and a county's houses do not depend on the other counties (only its house count does).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from shapely.ops import polylabel

from geo.crs import CGCS2000, gauss_kruger_epsg
from geo.enums import (
    Alteration,
    AppraisalStandard,
    AppraisalStatus,
    AreaType,
    BuildEra,
    BusinessType,
    FloorsBand,
    Geohazard,
    HazardGrade,
    InitialDetermination,
    Measure,
    RectificationStatus,
    SiteKind,
    SourceCrs,
    Structure,
    TownshipKind,
    UseClass,
)
from geo.gansu import CITY_SEATS

# ---------------------------------------------------------------------------------------------------------
# Public API


@dataclass(frozen=True)
class FrameSpec:
    """Parameters of a synthetic frame; the same spec always gives the same frame."""

    seed: int = 20241021
    houses: int = 100_000
    hazardous_share: float = 0.10
    as_of: dt.date = dt.date(2024, 10, 21)


@dataclass
class SyntheticFrame:
    """A generated frame: townships (EPSG:4490 polygons), houses, hazard records and sensitive sites.

    Columns (strings use pandas' ``str`` dtype, missing values NaN/NaT; codes are ``geo.enums`` codes):

    - ``townships``: code, county_code, geometry (MultiPolygon, lon/lat), sorted by code.
    - ``houses``: survey_code (county code + 8 digits), census_no (township code + 7 digits),
      county_code, township_code, village, address, lon, lat (float64), use_class, business_type (null for
      non_commercial), area_type, structure, floors (int16), floors_band, floor_area_m2 (float64),
      build_year (int16), build_era, alterations and geohazards (lists of codes), source_crs.
    - ``hazard_records``: survey_code, seq (int64, 1..n per house by opening date), record_code ("YH" +
      county code + 9 digits), initial_determination, hazard_grade, appraisal_status, appraisal_standard,
      appraisal_grade, rectification_status, rectification_deadline, measures (list of codes), closed_out
      (bool), closed_out_on, opened_on, closed_on (datetime64[s] dates; closed_on only on superseded
      records, equal to the next record's opened_on).
    - ``sites``: site_id (int64 from 1), kind, name, county_code, township_code, lon, lat, address.
    """

    townships: gpd.GeoDataFrame
    houses: pd.DataFrame
    hazard_records: pd.DataFrame
    sites: pd.DataFrame
    spec: FrameSpec


def load_gansu_inputs() -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Read the committed real boundaries for the generator.

    Returns ``counties`` (code, name, city_code, geometry; EPSG:4490) from
    ``boundaries/gansu_counties.geojson`` and ``townships`` (code, name, county_code, kind) from
    ``boundaries/gansu_townships.csv``, both sorted by code.
    """
    from boundaries import COUNTIES, TOWNSHIPS

    counties = gpd.read_file(COUNTIES)
    counties = counties[["code", "name", "city_code", "geometry"]].sort_values("code", ignore_index=True)
    counties = counties.set_crs(CGCS2000, allow_override=True)
    townships = pd.read_csv(TOWNSHIPS, dtype=str, keep_default_na=False)
    townships = townships[["code", "name", "county_code", "kind"]].sort_values("code", ignore_index=True)
    return counties, townships


def generate_frame(
    counties: gpd.GeoDataFrame, townships: pd.DataFrame, spec: FrameSpec = FrameSpec()
) -> SyntheticFrame:
    """Generate the synthetic frame for ``counties`` and their ``townships`` (see the module docstring).

    ``counties`` needs code, name, city_code and a lon/lat geometry; ``townships`` needs code, name,
    county_code and kind (``TownshipKind`` codes). A subset of counties is fine (tests use one); every
    county must have at least one township. ``spec.houses`` is shared among the given counties.
    """
    if spec.houses < 0 or not 0.0 <= spec.hazardous_share <= 1.0:
        raise ValueError("houses must be >= 0 and hazardous_share within [0, 1]")
    counties = counties.sort_values("code", ignore_index=True)
    townships = townships.sort_values("code", ignore_index=True)
    by_county = {code: grp for code, grp in townships.groupby("county_code", sort=True)}
    missing = [c for c in counties["code"] if c not in by_county]
    if missing:
        raise ValueError(f"counties without townships: {missing}")

    profiles = [
        _CountyProfile.make(row.code, row.name, row.city_code, row.geometry, by_county[row.code])
        for row in counties.itertuples()
    ]
    house_counts = _allocate_county_houses(profiles, spec.houses)

    tship_frames, house_parts, record_parts, site_parts = [], [], [], []
    for prof, n_houses in zip(profiles, house_counts, strict=True):
        layout = _layout_townships(prof, spec.seed)
        tship_frames.append(
            pd.DataFrame({"code": prof.tship_codes, "county_code": prof.code, "geometry": layout.polygons})
        )
        houses = _generate_houses(prof, layout, int(n_houses), spec)
        house_parts.append(houses)
        record_parts.append(_generate_hazards(prof, houses, spec))
        site_parts.append(_generate_sites(prof, layout, houses, spec))

    tships = gpd.GeoDataFrame(pd.concat(tship_frames, ignore_index=True), geometry="geometry", crs=CGCS2000)
    houses_df = _finish_houses(house_parts)
    records_df = _finish_records(record_parts)
    sites_df = _finish_sites(site_parts)
    return SyntheticFrame(
        townships=tships, houses=houses_df, hazard_records=records_df, sites=sites_df, spec=spec
    )


# ---------------------------------------------------------------------------------------------------------
# Randomness and region facts

# Independent random streams per county/township code.
_S_SEEDS, _S_TSHIP_ALLOC, _S_CLUSTERS, _S_POINTS, _S_ATTRS, _S_HAZARD, _S_SITES, _S_NAMES = range(1, 9)


def _rng(seed: int, code: str | int, stream: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([int(seed), int(code), stream]))


HEXI_CITIES = frozenset({"620200", "620300", "620600", "620700", "620900"})  # 嘉峪关 金昌 武威 张掖 酒泉
SOUTH_CITIES = frozenset({"621200", "623000", "622900"})  # 陇南 甘南 临夏: timber and earth-stone
# Share of houses with some geohazard exposure, by city, before the urbanity discount.
GEOHAZARD_RATE = {
    "621200": 0.22,  # 陇南
    "623000": 0.16,  # 甘南
    "621100": 0.15,  # 定西
    "622900": 0.10,  # 临夏
    "620500": 0.09,  # 天水
    "621000": 0.09,  # 庆阳 (loess slopes)
    "620800": 0.07,  # 平凉
    "620100": 0.06,  # 兰州
    "620400": 0.06,  # 白银
}
_GEOHAZARD_RATE_DEFAULT = 0.03  # 河西
MOUNTAIN_CITIES = frozenset({"621200", "623000", "621100", "622900", "620500", "620800"})
# Counties known for tourism: more 景区 area types and lodging (a plausibility tweak, not data).
SCENIC_COUNTIES = frozenset({"620982", "623027", "623024", "623026", "620503", "620802", "620924", "623025"})

# Colleges per county, about 50 province-wide whatever the frame size: 兰州 (incl. the 榆中 campuses and
# 兰州新区's vocational park) first, then every other city seat, plus a few county-level cities.
_COLLEGES: dict[str, int] = {
    "620102": 10, "620103": 4, "620104": 2, "620105": 7, "620123": 3, "620171": 4,
    **{seat: 2 if city in {"620500", "620600", "620700", "620900", "621000"} else 1
       for city, seat in CITY_SEATS.items() if city != "620100"},
    "620982": 1, "620881": 1, "620503": 1,
}  # fmt: skip

_CITY_SHORT = {
    "620100": "兰州", "620200": "嘉峪关", "620300": "金昌", "620400": "白银", "620500": "天水",
    "620600": "武威", "620700": "张掖", "620800": "平凉", "620900": "酒泉", "621000": "庆阳",
    "621100": "定西", "621200": "陇南", "622900": "临夏", "623000": "甘南",
}  # fmt: skip

_T_STREET, _T_TOWN, _T_TOWNSHIP, _T_OTHER = (k.value for k in TownshipKind)
_DEV_ZONE_WORDS = ("开发区", "工业", "园区", "高新", "基地", "示范区", "管理委员会", "社区")

# Settlement contexts of a house.
_C_STREET, _C_SEAT_TOWN, _C_TOWN_SEAT, _C_TOWNSHIP_SEAT, _C_VILLAGE, _C_OTHER = range(6)
_CTX_URBANITY = np.array([0.9, 0.72, 0.45, 0.3, 0.08, 0.35])


# ---------------------------------------------------------------------------------------------------------
# Counties and township polygons


@dataclass
class _CountyProfile:
    code: str
    name: str
    city_code: str
    geom: shapely.Geometry  # lon/lat MultiPolygon
    tship_codes: np.ndarray
    tship_names: np.ndarray
    tship_kinds: np.ndarray
    urban: bool  # district, county-level city or new area
    area_km2: float
    epsg: int

    @classmethod
    def make(cls, code, name, city_code, geom, tships: pd.DataFrame) -> _CountyProfile:
        epsg = gauss_kruger_epsg(shapely.centroid(geom).x)
        gk = _to_gk(geom, epsg)
        return cls(
            code=str(code),
            name=str(name),
            city_code=str(city_code),
            geom=geom,
            tship_codes=tships["code"].to_numpy(dtype=object),
            tship_names=tships["name"].to_numpy(dtype=object),
            tship_kinds=tships["kind"].to_numpy(dtype=object),
            urban=str(name).endswith(("区", "市")),
            area_km2=float(gk.area) / 1e6,
            epsg=epsg,
        )

    @property
    def short_name(self) -> str:
        name = self.name
        for suffix in (
            "回族自治县",
            "裕固族自治县",
            "蒙古族自治县",
            "哈萨克族自治县",
            "藏族自治县",
            "自治县",
        ):
            if name.endswith(suffix) and len(name) > len(suffix) + 1:
                return name[: -len(suffix)]
        if name.startswith("积石山"):
            return "积石山"
        if name.startswith("东乡"):
            return "东乡"
        return name[:-1] if len(name) > 2 else name


_TRANSFORMERS: dict[tuple[int, int], Transformer] = {}


def _transformer(src: int, dst: int) -> Transformer:
    key = (src, dst)
    if key not in _TRANSFORMERS:
        _TRANSFORMERS[key] = Transformer.from_crs(src, dst, always_xy=True)
    return _TRANSFORMERS[key]


def _to_gk(geom, epsg: int):
    tr = _transformer(CGCS2000, epsg)
    return shapely.transform(geom, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))


def _from_gk(geom, epsg: int):
    tr = _transformer(epsg, CGCS2000)
    return shapely.transform(geom, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))


@dataclass
class _Layout:
    polygons: list  # lon/lat MultiPolygons, in township code order
    seeds: np.ndarray  # (n, 2) lon/lat seat point of each township, strictly inside its polygon
    seat_town: int  # index of the seat town, or -1 when the county has streets


def _uniform_in(rng, prepared, bounds, n: int, batch: int = 256) -> np.ndarray:
    """``n`` points uniform in a prepared polygon (bbox rejection), as an (n, 2) array."""
    out = np.empty((0, 2))
    minx, miny, maxx, maxy = bounds
    while len(out) < n:
        pts = np.column_stack([rng.uniform(minx, maxx, batch), rng.uniform(miny, maxy, batch)])
        out = np.vstack([out, pts[shapely.contains_xy(prepared, pts[:, 0], pts[:, 1])]])
    return out[:n]


def _layout_townships(prof: _CountyProfile, seed: int) -> _Layout:
    rng = _rng(seed, prof.code, _S_SEEDS)
    gk = _to_gk(prof.geom, prof.epsg)
    shapely.prepare(gk)
    parts = shapely.get_parts(gk)
    seat = np.array(polylabel(parts[np.argmax(shapely.area(parts))], tolerance=100.0).coords[0])
    n = len(prof.tship_codes)
    kinds = prof.tship_kinds
    area = float(gk.area)
    n_street = int((kinds == _T_STREET).sum())
    radius = math.sqrt(area / math.pi)
    sigma_street = min(max(0.3 * radius * math.sqrt(max(n_street, 1) / n), 1200.0), 8000.0)
    seat_town = -1
    if n_street == 0:
        towns = np.flatnonzero(kinds == _T_TOWN)
        seat_town = int(towns[0]) if len(towns) else 0

    # Maximum distance from the seat to the county, for the outward lean of 乡.
    minx, miny, maxx, maxy = gk.bounds
    far = max(math.hypot(x - seat[0], y - seat[1]) for x in (minx, maxx) for y in (miny, maxy))
    d_rural = 0.45 * math.sqrt(area / n)
    d_street = 0.5 * math.sqrt(math.pi * (2 * sigma_street) ** 2 / max(n_street, 1))

    points: list[np.ndarray] = []
    for i in range(n):
        if i == seat_town:
            points.append(seat)
            continue
        kind = kinds[i]
        name = prof.tship_names[i]
        near_seat = kind == _T_STREET or (kind == _T_OTHER and any(w in name for w in _DEV_ZONE_WORDS))
        d_min = min(d_street, d_rural) if near_seat else d_rural
        sigma = sigma_street if kind == _T_STREET else 2.0 * sigma_street
        chosen = None
        for attempt in range(60):
            if near_seat and attempt < 40:
                cand = seat + rng.normal(size=(64, 2)) * sigma
                cand = cand[shapely.contains_xy(gk, cand[:, 0], cand[:, 1])]
            else:
                cand = _uniform_in(rng, gk, gk.bounds, 64)
                if kind == _T_TOWNSHIP:
                    dist = np.hypot(cand[:, 0] - seat[0], cand[:, 1] - seat[1]) / far
                    cand = cand[rng.random(len(cand)) < np.sqrt(dist)]
            if len(cand) and points:
                existing = np.array(points)
                dist = np.hypot(
                    cand[:, None, 0] - existing[None, :, 0], cand[:, None, 1] - existing[None, :, 1]
                )
                cand = cand[dist.min(axis=1) >= d_min]
            if len(cand):
                chosen = cand[0]
                break
            if attempt % 10 == 9:
                d_min *= 0.7
        if chosen is None:  # pragma: no cover - only for degenerate polygons
            chosen = _uniform_in(rng, gk, gk.bounds, 1)[0]
        points.append(chosen)
    seeds_gk = np.array(points)

    if n == 1:
        cells_gk = [shapely.box(*gk.bounds).buffer(1000.0, join_style="mitre")]
    else:
        width = max(maxx - minx, maxy - miny)
        frame = shapely.box(minx, miny, maxx, maxy).buffer(0.1 * width + 1000.0, join_style="mitre")
        cells_gk = list(
            shapely.get_parts(
                shapely.voronoi_polygons(shapely.multipoints(seeds_gk), extend_to=frame, ordered=True)
            )
        )
    # Cells to lon/lat with their vertices rounded to 6 decimals (shared vertices stay shared), then clipped
    # to the real county in full precision: the townships partition the county exactly (symmetric
    # difference ~1e-15 of the area). A 1e-6 fixed-precision overlay would round the new crossing points
    # too, but snap rounding bends shared edges differently in neighbouring cells (gaps ~1e-7 of the area).
    cells_ll = [shapely.transform(_from_gk(c, prof.epsg), lambda xy: np.round(xy, 6)) for c in cells_gk]
    clipped = shapely.intersection(np.array(cells_ll, dtype=object), prof.geom)
    polygons = [_as_multipolygon(g) for g in clipped]

    tr = _transformer(prof.epsg, CGCS2000)
    seeds_ll = np.column_stack(tr.transform(seeds_gk[:, 0], seeds_gk[:, 1]))
    for i, poly in enumerate(polygons):
        if poly.is_empty:
            raise RuntimeError(f"township {prof.tship_codes[i]} got an empty polygon")
        ok = shapely.contains_xy(poly, *seeds_ll[i]) and shapely.contains_xy(prof.geom, *seeds_ll[i])
        if not ok:
            seeds_ll[i] = _inner_point(poly, prof.geom)
    return _Layout(polygons=polygons, seeds=seeds_ll, seat_town=seat_town)


def _as_multipolygon(geom) -> shapely.MultiPolygon:
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    parts = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon" and not p.is_empty]
    if any(p.geom_type != "Polygon" for p in shapely.get_parts(geom)):
        # Nested collections from make_valid: flatten once more.
        parts = [
            q
            for p in shapely.get_parts(geom)
            for q in shapely.get_parts(p)
            if q.geom_type == "Polygon" and not q.is_empty
        ]
    return shapely.MultiPolygon(parts)


def _inner_point(poly, county) -> np.ndarray:
    """A point strictly inside ``poly`` and ``county`` (the largest part's representative point)."""
    for part in sorted(shapely.get_parts(poly), key=lambda p: -p.area):
        pt = part.representative_point()
        if shapely.contains_xy(poly, pt.x, pt.y) and shapely.contains_xy(county, pt.x, pt.y):
            return np.array([pt.x, pt.y])
    raise RuntimeError("no interior point")  # pragma: no cover


# ---------------------------------------------------------------------------------------------------------
# Houses

_TSHIP_WEIGHT = {_T_STREET: 3.0, _T_TOWN: 1.3, _T_TOWNSHIP: 0.7, _T_OTHER: 0.25}
_COUNTY_TSHIP_WEIGHT = {_T_STREET: 2.5, _T_TOWN: 1.2, _T_TOWNSHIP: 0.7, _T_OTHER: 0.3}


def _largest_remainder(weights: np.ndarray, total: int) -> np.ndarray:
    exact = weights / weights.sum() * total
    counts = np.floor(exact).astype(np.int64)
    rest = total - counts.sum()
    order = np.lexsort((np.arange(len(exact)), -(exact - counts)))
    counts[order[:rest]] += 1
    return counts


def _allocate_county_houses(profiles: list[_CountyProfile], total: int) -> np.ndarray:
    """Deterministic house counts per county summing to ``total``."""
    w = np.array(
        [
            sum(_COUNTY_TSHIP_WEIGHT[k] for k in p.tship_kinds)
            * (1.6 if p.urban else 1.0)
            * (max(p.area_km2, 50.0) / 2000.0) ** 0.15
            for p in profiles
        ]
    )
    share = w / w.sum()
    floor = min(0.0045, 0.5 / len(profiles))
    for _ in range(10):  # lift small units to the floor, rescale the others
        low = share < floor
        if not low.any():
            break
        share = np.where(low, floor, share * (1 - floor * low.sum()) / share[~low].sum())
    return _largest_remainder(share, total)


# Name pools for villages, communities and roads (synthetic).
_SURNAMES = list(
    "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任"
    "姚卢姜崔钟谭陆汪范金石廖贾夏付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶贺顾毛郝龚邵万严武戴孔汤安牛包"
)
_TOPO = list("湾沟坪川庄堡岔台塬寨咀峡坡洼岘滩梁山河渠园营屯井桥口坝崖")
_DIRS = list("东西南北上下前后大小中新高")
_GOOD = [
    "红星", "团结", "和平", "光明", "幸福", "胜利", "前进", "红旗", "新华", "兴隆", "丰收", "永安",
    "富民", "联合", "建新", "太平", "安乐", "民主", "东风", "向阳", "长青", "金星", "五星", "振兴",
]  # fmt: skip
_COMMUNITY = [
    "滨河", "金城", "站前", "桥北", "广场", "文化", "育才", "园林", "东关", "西关", "南关", "北关", "东街",
    "西街", "南街", "北街", "中街", "新村", "花园", "锦绣", "春晖", "丽苑", "长安", "新城", "永昌", "铁路",
]  # fmt: skip
_ROADS = [
    "建设路", "解放路", "人民路", "滨河路", "新华路", "文化路", "中山路", "和平路", "团结路", "东环路",
    "西环路", "南环路", "北环路", "迎宾大道", "体育路", "育才路", "民主路", "胜利路", "光明路", "长安路",
]  # fmt: skip
_GROUPS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]


def _village_name(rng, community: bool) -> str:
    if community:
        pool = _COMMUNITY + _GOOD
        return pool[rng.integers(len(pool))] + "社区"
    r = rng.random()
    if r < 0.6:
        return _SURNAMES[rng.integers(len(_SURNAMES))] + "家" + _TOPO[rng.integers(len(_TOPO))] + "村"
    if r < 0.85:
        return _DIRS[rng.integers(len(_DIRS))] + _TOPO[rng.integers(len(_TOPO))] + "村"
    return _GOOD[rng.integers(len(_GOOD))] + "村"


def _strip_kind(name: str) -> str:
    for suffix in ("街道", "镇", "乡"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


@dataclass
class _Clusters:
    centers: np.ndarray  # (m, 2) lon/lat
    sigma_m: np.ndarray  # (m,)
    weight: np.ndarray  # (m,) sums to 1
    names: list[str]  # village or community name
    roads: list[str]  # road of a community, or "" for villages
    ctx: np.ndarray  # (m,) settlement context


def _township_clusters(prof: _CountyProfile, layout: _Layout, i: int, seed: int) -> _Clusters:
    code = prof.tship_codes[i]
    rng = _rng(seed, code, _S_CLUSTERS)
    kind = prof.tship_kinds[i]
    poly = layout.polygons[i]
    seat = layout.seeds[i]
    is_seat_town = i == layout.seat_town
    if kind == _T_STREET:
        m = 2 + rng.poisson(3)
        ctx = np.full(m, _C_STREET)
        sigma = rng.uniform(250, 700, m)
        weight = rng.gamma(4.0, size=m)
    elif kind == _T_TOWN:
        m = 1 + (2 if is_seat_town else 0) + 6 + rng.poisson(6)
        ctx = np.full(m, _C_VILLAGE)
        n_seat = 3 if is_seat_town else 1
        ctx[:n_seat] = _C_SEAT_TOWN if is_seat_town else _C_TOWN_SEAT
        sigma = rng.uniform(120, 450, m)
        sigma[:n_seat] = rng.uniform(500, 1300, n_seat) * (1.3 if prof.urban else 1.0)
        weight = rng.gamma(2.0, size=m)
        seat_share = 0.6 if is_seat_town else 0.35
        weight[:n_seat] *= seat_share / weight[:n_seat].sum()
        weight[n_seat:] *= (1 - seat_share) / weight[n_seat:].sum()
    elif kind == _T_TOWNSHIP:
        m = 4 + rng.poisson(5)
        ctx = np.full(m, _C_VILLAGE)
        ctx[0] = _C_TOWNSHIP_SEAT
        sigma = rng.uniform(120, 450, m)
        sigma[0] = rng.uniform(250, 600)
        weight = rng.gamma(2.0, size=m)
        weight[0] = 0.0
        weight *= 0.8 / weight.sum()
        weight[0] = 0.2
    else:
        m = 1 + rng.poisson(2)
        ctx = np.full(m, _C_OTHER)
        sigma = rng.uniform(300, 900, m)
        weight = rng.gamma(3.0, size=m)
    weight = weight / weight.sum()

    shapely.prepare(poly)
    centers = np.empty((m, 2))
    centers[0] = seat
    if m > 1:
        if kind == _T_STREET or (kind == _T_TOWN and is_seat_town):
            # Communities around the seat, inside the township.
            cos = math.cos(math.radians(seat[1]))
            k = m - 1 if kind == _T_STREET else 2
            got = np.empty((0, 2))
            for _ in range(20):
                off = rng.normal(size=(32, 2)) * 900.0
                cand = seat + off / np.array([111_320.0 * cos, 110_574.0])
                cand = cand[shapely.contains_xy(poly, cand[:, 0], cand[:, 1])]
                cand = cand[shapely.contains_xy(prof.geom, cand[:, 0], cand[:, 1])]
                got = np.vstack([got, cand])
                if len(got) >= k:
                    break
            if len(got) < k:
                got = np.vstack([got, np.repeat(seat[None, :], k - len(got), axis=0)])
            centers[1 : 1 + k] = got[:k]
            rest = m - 1 - k
        else:
            k = 0
            rest = m - 1
        if rest:
            centers[1 + k :] = _uniform_in_both(rng, poly, prof.geom, rest)

    # Names: seat communities of towns are named after the town; villages and communities from pools.
    rng_names = _rng(seed, code, _S_NAMES)
    names: list[str] = []
    roads: list[str] = []
    used: set[str] = set()
    for j in range(m):
        community = ctx[j] in (_C_STREET, _C_SEAT_TOWN, _C_TOWN_SEAT, _C_OTHER)
        if j == 0 and kind in (_T_TOWN, _T_TOWNSHIP):
            name = _strip_kind(prof.tship_names[i]) + ("社区" if kind == _T_TOWN else "村")
        else:
            name = _village_name(rng_names, community)
            tries = 0
            while name in used and tries < 20:
                name = _village_name(rng_names, community)
                tries += 1
            if name in used:
                name = name[:-2] + _DIRS[j % len(_DIRS)] + name[-2:] if community else name[:-1] + "新村"
        used.add(name)
        names.append(name)
        roads.append(_ROADS[rng_names.integers(len(_ROADS))] if community else "")
    return _Clusters(centers=centers, sigma_m=sigma, weight=weight, names=names, roads=roads, ctx=ctx)


def _uniform_in_both(rng, poly, county, n: int) -> np.ndarray:
    out = np.empty((0, 2))
    minx, miny, maxx, maxy = poly.bounds
    for _ in range(1000):
        pts = np.column_stack([rng.uniform(minx, maxx, 128), rng.uniform(miny, maxy, 128)])
        ok = shapely.contains_xy(poly, pts[:, 0], pts[:, 1]) & shapely.contains_xy(
            county, pts[:, 0], pts[:, 1]
        )
        out = np.vstack([out, pts[ok]])
        if len(out) >= n:
            return out[:n]
    inner = _inner_point(poly, county)  # pragma: no cover - slivers only
    return np.vstack([out, np.repeat(inner[None, :], n - len(out), axis=0)])[:n]  # pragma: no cover


def _sample_points(rng, poly, county, centers, sigma_m, cl) -> np.ndarray:
    """Gaussian points around cluster centers, strictly inside ``poly`` and ``county``."""
    n = len(cl)
    out = np.empty((n, 2))
    pending = np.arange(n)
    scale = np.ones(n)
    lat0 = float(centers[:, 1].mean()) if len(centers) else 0.0
    deg = np.array([111_320.0 * math.cos(math.radians(lat0)), 110_574.0])
    for it in range(60):
        if not len(pending):
            break
        c = cl[pending]
        pts = centers[c] + rng.normal(size=(len(pending), 2)) * (sigma_m[c] * scale[pending])[:, None] / deg
        ok = shapely.contains_xy(poly, pts[:, 0], pts[:, 1]) & shapely.contains_xy(
            county, pts[:, 0], pts[:, 1]
        )
        out[pending[ok]] = pts[ok]
        pending = pending[~ok]
        if it >= 8:
            scale[pending] *= 0.7
    if len(pending):  # pragma: no cover - centers are strictly inside, so this cannot happen in practice
        out[pending] = centers[cl[pending]]
    return out


def _categorical(rng, probs: np.ndarray) -> np.ndarray:
    """Row-wise categorical draw from an (n, k) matrix of non-negative weights."""
    cum = np.cumsum(probs, axis=1)
    cum /= cum[:, -1:]
    u = rng.random(len(probs))
    return np.minimum((cum < u[:, None]).sum(axis=1), probs.shape[1] - 1)


def _lerp(a, b, t) -> np.ndarray:
    a, b = np.asarray(a, float), np.asarray(b, float)
    return a[None, :] * (1 - t)[:, None] + b[None, :] * t[:, None]


_USE = UseClass.codes()
_BUSINESS = BusinessType.codes()
_AREA = AreaType.codes()
_STRUCT = Structure.codes()
_ERA = BuildEra.codes()
_ALTER = Alteration.codes()
_GEOHAZ = Geohazard.codes()
_MEASURE = Measure.codes()
_S_MASONRY, _S_FRAME, _S_RC, _S_STEEL, _S_TIMBER, _S_EARTH, _S_MIXED, _S_OTHER = range(8)

# Area type probabilities per settlement context (columns in AreaType order).
_AREA_P = np.array(
    [
        # built_up fringe uvillage resettle dtown market school hosp wholesale scenic other
        [0.52, 0.08, 0.12, 0.06, 0.00, 0.00, 0.07, 0.05, 0.05, 0.01, 0.04],  # street
        [0.40, 0.15, 0.10, 0.05, 0.10, 0.02, 0.06, 0.04, 0.04, 0.01, 0.03],  # county seat town
        [0.05, 0.05, 0.02, 0.04, 0.55, 0.15, 0.05, 0.03, 0.02, 0.01, 0.03],  # town seat
        [0.00, 0.00, 0.00, 0.05, 0.00, 0.55, 0.05, 0.02, 0.01, 0.02, 0.30],  # township seat
        [0.00, 0.03, 0.00, 0.04, 0.00, 0.03, 0.01, 0.00, 0.00, 0.03, 0.86],  # village
        [0.15, 0.20, 0.00, 0.05, 0.00, 0.00, 0.00, 0.00, 0.05, 0.00, 0.55],  # other unit
    ]
)
# Build era probabilities (BuildEra order) for rural (u=0) and urban (u=1) houses.
_ERA_RURAL = [0.12, 0.15, 0.20, 0.25, 0.13, 0.15]
_ERA_URBAN = [0.03, 0.07, 0.15, 0.30, 0.20, 0.25]
_ERA_YEARS = [(1950, 1980), (1981, 1990), (1991, 2000), (2001, 2010), (2011, 2015), (2016, 2023)]
# Structure weights (Structure order) for rural and urban houses, and multipliers per era.
_STRUCT_RURAL = [0.50, 0.02, 0.03, 0.005, 0.01, 0.30, 0.06, 0.01]
_STRUCT_URBAN = [0.38, 0.20, 0.32, 0.02, 0.00, 0.02, 0.05, 0.01]
_STRUCT_ERA = np.ones((6, 8))
_STRUCT_ERA[:, _S_EARTH] = [3.0, 2.2, 1.2, 0.5, 0.2, 0.1]
_STRUCT_ERA[:, _S_RC] = [0.1, 0.3, 0.7, 1.2, 1.7, 2.2]
_STRUCT_ERA[:, _S_FRAME] = [0.2, 0.5, 1.0, 1.3, 1.3, 1.2]
_STRUCT_ERA[:, _S_TIMBER] = [2.5, 2.0, 1.2, 0.7, 0.4, 0.3]
_STRUCT_ERA[:, _S_MASONRY] = [0.8, 1.0, 1.1, 1.1, 1.0, 0.9]
# Business types (BusinessType order) for rural and urban commercial houses.
_BIZ_RURAL = [0.15, 0.05, 0.35, 0.04, 0.01, 0.03, 0.01, 0.12, 0.06, 0.10, 0.08]
_BIZ_URBAN = [0.20, 0.08, 0.25, 0.05, 0.03, 0.03, 0.02, 0.03, 0.03, 0.25, 0.03]
_ALTER_P = [0.22, 0.30, 0.08, 0.14, 0.04, 0.12, 0.04, 0.06]
# Geohazard code weights (Geohazard order) per regime: mountain, loess, 河西.
_GEO_MOUNTAIN = [0.38, 0.30, 0.02, 0.14, 0.14, 0.02]
_GEO_LOESS = [0.45, 0.15, 0.10, 0.10, 0.05, 0.15]
_GEO_HEXI = [0.05, 0.05, 0.25, 0.35, 0.05, 0.25]


_LIST_CACHE: dict[tuple[tuple[str, ...], int], tuple[str, ...]] = {}


def _mask_lists(masks: np.ndarray, codes: list[str]) -> list[list[str]]:
    """Bit masks over ``codes`` to a list of code lists (a fresh list per row)."""
    key_codes = tuple(codes)
    out = []
    for m in masks.tolist():
        key = (key_codes, m)
        if key not in _LIST_CACHE:
            _LIST_CACHE[key] = tuple(c for b, c in enumerate(codes) if m >> b & 1)
        out.append(list(_LIST_CACHE[key]))
    return out


def _draw_masks(rng, n: int, p_any: np.ndarray, weights) -> np.ndarray:
    """One or two distinct codes (by ``weights``) for a share ``p_any`` of rows, as bit masks."""
    w = np.asarray(weights, float)
    w = np.broadcast_to(w, (n, len(w))) if w.ndim == 1 else w
    first = _categorical(rng, w)
    second = _categorical(rng, w)
    has = rng.random(n) < p_any
    two = rng.random(n) < 0.25
    mask = np.where(has, 1 << first, 0) | np.where(has & two, 1 << second, 0)
    return mask.astype(np.int64)


def _generate_houses(prof: _CountyProfile, layout: _Layout, n_houses: int, spec: FrameSpec) -> dict:
    seed = spec.seed
    n_t = len(prof.tship_codes)
    # Houses per township: a small base for every township, the rest by kind and the seat town.
    rng = _rng(seed, prof.code, _S_TSHIP_ALLOC)
    w = np.array([_TSHIP_WEIGHT[k] for k in prof.tship_kinds])
    if layout.seat_town >= 0:
        w[layout.seat_town] *= 2.5
    base = min(3, n_houses // n_t)
    counts = base + rng.multinomial(n_houses - base * n_t, w / w.sum())

    lon, lat, tship_idx, ctx, vill, addr = [], [], [], [], [], []
    for i in range(n_t):
        n = int(counts[i])
        clusters = _township_clusters(prof, layout, i, seed)
        if n == 0:
            continue
        rng_p = _rng(seed, prof.tship_codes[i], _S_POINTS)
        cl = rng_p.choice(len(clusters.weight), size=n, p=clusters.weight)
        cl.sort(kind="stable")
        pts = _sample_points(rng_p, layout.polygons[i], prof.geom, clusters.centers, clusters.sigma_m, cl)
        lon.append(pts[:, 0])
        lat.append(pts[:, 1])
        tship_idx.append(np.full(n, i))
        ctx.append(clusters.ctx[cl])
        names = np.array(clusters.names, dtype=object)
        vill.append(names[cl])
        prefix = prof.name + prof.tship_names[i]
        numbers = rng_p.integers(1, 300, n).tolist()
        groups = rng_p.integers(0, len(_GROUPS), n).tolist()
        roads = clusters.roads
        addr.append(
            [
                f"{prefix}{clusters.names[c]}{roads[c]}{num}号"
                if roads[c]
                else f"{prefix}{clusters.names[c]}{_GROUPS[g]}社{num}号"
                for c, num, g in zip(cl.tolist(), numbers, groups, strict=True)
            ]
        )
    if lon:
        lon_a, lat_a = np.concatenate(lon), np.concatenate(lat)
        tship_a, ctx_a = np.concatenate(tship_idx), np.concatenate(ctx)
        vill_a = np.concatenate(vill)
        addr_a = np.array([a for part in addr for a in part], dtype=object)
    else:
        lon_a = lat_a = np.empty(0)
        tship_a = ctx_a = np.empty(0, dtype=np.int64)
        vill_a = addr_a = np.empty(0, dtype=object)
    n = len(lon_a)
    # Houses on the platform were surveyed in 2022-2023: none is built later (or after as_of).
    year_cap = min(2023, spec.as_of.year)
    attrs = _house_attributes(prof, _rng(seed, prof.code, _S_ATTRS), ctx_a, n, year_cap)
    seq = np.arange(1, n + 1)
    tcodes = prof.tship_codes[tship_a] if n else np.empty(0, dtype=object)
    # Census numbers: township code + 7-digit sequence within the township.
    within = seq - np.searchsorted(tship_a, tship_a, side="left") if n else seq
    return {
        "survey_code": np.array([f"{prof.code}{s:08d}" for s in seq.tolist()], dtype=object),
        "census_no": np.array(
            [f"{t}{s:07d}" for t, s in zip(tcodes.tolist(), within.tolist(), strict=True)], dtype=object
        ),
        "county_code": np.full(n, prof.code, dtype=object),
        "township_code": tcodes,
        "village": vill_a,
        "address": addr_a,
        "lon": lon_a,
        "lat": lat_a,
        **attrs,
        "_tship_idx": tship_a,
        "_ctx": ctx_a,
    }


def _house_attributes(prof: _CountyProfile, rng, ctx: np.ndarray, n: int, year_cap: int) -> dict:
    city = prof.city_code
    u = _CTX_URBANITY[ctx] + np.where(ctx != _C_STREET, 0.1 * prof.urban + 0.1 * (prof.code == "620171"), 0.0)
    u = np.clip(u + rng.normal(0, 0.05, n), 0.0, 1.0)

    # Use class: commercial or mixed 30-45 % in streets, 5-15 % in villages.
    area_p = _AREA_P[ctx].copy()
    if prof.code in SCENIC_COUNTIES:
        area_p[:, _AREA.index(AreaType.SCENIC_AREA)] *= 4.0
    area_type = _categorical(rng, area_p)
    busy = np.isin(
        area_type, [_AREA.index(a) for a in (AreaType.NEAR_WHOLESALE_MARKET, AreaType.SCENIC_AREA)]
    )
    p_comm = 0.06 + 0.36 * u + 0.15 * busy
    is_comm = rng.random(n) < p_comm
    p_mixed = 0.6 - 0.25 * u
    use = np.where(is_comm, np.where(rng.random(n) < p_mixed, 1, 0), 2)

    biz_p = _lerp(_BIZ_RURAL, _BIZ_URBAN, u)
    if prof.code in SCENIC_COUNTIES:
        biz_p[:, _BUSINESS.index(BusinessType.LODGING)] *= 3.0
    biz = _categorical(rng, biz_p)

    era_p = _lerp(_ERA_RURAL, _ERA_URBAN, u)
    if prof.code == "620171":  # 兰州新区 is new
        era_p *= np.array([0.2, 0.3, 0.5, 1.0, 1.5, 2.0])
    era = _categorical(rng, era_p)
    lo = np.array([y[0] for y in _ERA_YEARS])[era]
    hi = np.minimum(np.array([y[1] for y in _ERA_YEARS])[era], max(year_cap, 1980))
    year = (lo + np.floor(rng.random(n) * (hi - lo + 1))).astype(np.int64)
    year = np.minimum(year, hi)

    s_p = _lerp(_STRUCT_RURAL, _STRUCT_URBAN, u) * _STRUCT_ERA[era]
    if city in HEXI_CITIES:
        s_p[:, _S_MASONRY] *= 1.35
        s_p[:, _S_EARTH] *= 1.6  # adobe (土坯) in the oases
        s_p[:, _S_RC] *= 0.8
        s_p[:, _S_TIMBER] *= 0.3
    elif city in SOUTH_CITIES:
        s_p[:, _S_TIMBER] *= 8.0
        s_p[:, _S_EARTH] *= 1.6
        s_p[:, _S_MASONRY] *= 0.85
    s_p[:, _S_FRAME] *= np.where(is_comm, 1.8, 1.0)
    s_p[:, _S_RC] *= np.where(is_comm, 1.3, 1.0)
    s_p[:, _S_STEEL] *= np.where(is_comm & np.isin(biz, [7, 8]), 8.0, 1.0)
    struct = _categorical(rng, s_p)

    # Floors by structure and urbanity.
    r = rng.random(n)
    floors = np.ones(n, dtype=np.int64)
    earthy = np.isin(struct, [_S_TIMBER, _S_EARTH])
    floors = np.where(earthy, 1 + (r < 0.12 + 0.2 * u), floors)
    floors = np.where(struct == _S_MASONRY, 1 + rng.binomial(3, 0.12 + 0.25 * u), floors)
    floors = np.where(struct == _S_FRAME, 2 + rng.binomial(5, 0.25 + 0.3 * u), floors)
    floors = np.where(struct == _S_RC, 1 + rng.binomial(8, 0.18 + 0.3 * u), floors)
    floors = np.where(struct == _S_STEEL, 1 + rng.binomial(2, 0.2, n), floors)
    floors = np.where(np.isin(struct, [_S_MIXED, _S_OTHER]), 1 + rng.binomial(3, 0.15 + 0.2 * u), floors)
    footprint = np.exp(rng.normal(np.log(110.0) + 0.17 * u + 0.18 * is_comm, 0.35))
    floor_area = np.round(np.maximum(footprint * floors, 20.0), 1)

    p_alter = 0.04 + 0.10 * is_comm + 0.04 * (floors >= 3) + 0.03 * (year < 2000)
    alter = _draw_masks(rng, n, p_alter, _ALTER_P)
    if city in HEXI_CITIES:
        geo_w = _GEO_HEXI
    elif city in MOUNTAIN_CITIES:
        geo_w = _GEO_MOUNTAIN
    else:
        geo_w = _GEO_LOESS
    p_geo = GEOHAZARD_RATE.get(city, _GEOHAZARD_RATE_DEFAULT) * (1 - 0.6 * u)
    geoh = _draw_masks(rng, n, p_geo, geo_w)

    era_codes = np.array([BuildEra.of_year(y).value for y in range(1900, 2101)], dtype=object)
    return {
        "use_class": np.array(_USE, dtype=object)[use],
        "business_type": np.where(use == 2, None, np.array(_BUSINESS, dtype=object)[biz]),
        "area_type": np.array(_AREA, dtype=object)[area_type],
        "structure": np.array(_STRUCT, dtype=object)[struct],
        "floors": floors,
        "floors_band": np.where(floors >= 3, FloorsBand.THREE_PLUS.value, FloorsBand.BELOW_THREE.value),
        "floor_area_m2": floor_area,
        "build_year": year,
        "build_era": era_codes[year - 1900],
        "_alter_mask": alter,
        "_geo_mask": geoh,
    }


# ---------------------------------------------------------------------------------------------------------
# Hazard records

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


# ---------------------------------------------------------------------------------------------------------
# Sensitive sites

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


# ---------------------------------------------------------------------------------------------------------
# Assembly


def _finish_houses(parts: list[dict]) -> pd.DataFrame:
    cols = ["survey_code", "census_no", "county_code", "township_code", "village", "address", "lon", "lat",
            "use_class", "business_type", "area_type", "structure", "floors", "floors_band", "floor_area_m2",
            "build_year", "build_era"]  # fmt: skip
    data = {c: np.concatenate([p[c] for p in parts]) for c in cols}
    df = pd.DataFrame({c: data[c] for c in cols})
    for c in cols:
        if data[c].dtype == object:
            df[c] = df[c].astype("str")
    df["lon"] = df["lon"].astype("float64")
    df["lat"] = df["lat"].astype("float64")
    df["floors"] = df["floors"].astype("int16")
    df["build_year"] = df["build_year"].astype("int16")
    df["floor_area_m2"] = df["floor_area_m2"].astype("float64")
    for column, key, codes in (("alterations", "_alter_mask", _ALTER), ("geohazards", "_geo_mask", _GEOHAZ)):
        masks = np.concatenate([p[key] for p in parts])
        df[column] = pd.Series(_mask_lists(masks, codes), dtype=object)
    df["source_crs"] = pd.Series([SourceCrs.CGCS2000.value] * len(df), dtype="str")
    return df


def _days_to_dates(days: np.ndarray) -> pd.Series:
    dates = (_RECORDS_START + days.astype(np.int64)).astype("datetime64[s]")
    dates = np.where(days < 0, np.datetime64("NaT", "s"), dates)
    return pd.Series(dates, dtype="datetime64[s]")


def _finish_records(parts: list[dict]) -> pd.DataFrame:
    keys = ["survey_code", "seq", "record_code", "initial_determination", "hazard_grade", "appraisal_status",
            "appraisal_standard", "appraisal_grade", "rectification_status", "rectification_deadline",
            "_measures", "closed_out", "closed_out_on", "opened_on", "closed_on"]  # fmt: skip
    data = {k: np.concatenate([p[k] for p in parts]) for k in keys}
    df = pd.DataFrame(
        {
            "survey_code": pd.Series(data["survey_code"], dtype="str"),
            "seq": data["seq"].astype("int64"),
            "record_code": pd.Series(data["record_code"], dtype="str"),
            "initial_determination": pd.Series(data["initial_determination"], dtype="str"),
            "hazard_grade": pd.Series(data["hazard_grade"], dtype="str"),
            "appraisal_status": pd.Series(data["appraisal_status"], dtype="str"),
            "appraisal_standard": pd.Series(data["appraisal_standard"], dtype="str"),
            "appraisal_grade": pd.Series(data["appraisal_grade"], dtype="str"),
            "rectification_status": pd.Series(data["rectification_status"], dtype="str"),
            "rectification_deadline": _days_to_dates(data["rectification_deadline"]),
            "measures": pd.Series(_mask_lists(data["_measures"], _MEASURE), dtype=object),
            "closed_out": data["closed_out"].astype(bool),
            "closed_out_on": _days_to_dates(data["closed_out_on"]),
            "opened_on": _days_to_dates(data["opened_on"]),
            "closed_on": _days_to_dates(data["closed_on"]),
        }
    )
    return df


def _finish_sites(parts: list[dict]) -> pd.DataFrame:
    cols = ["kind", "name", "county_code", "township_code", "lon", "lat", "address"]
    data = {c: [v for p in parts for v in p[c]] for c in cols}
    df = pd.DataFrame({"site_id": np.arange(1, len(data["kind"]) + 1, dtype=np.int64)})
    for c in cols:
        df[c] = pd.Series(data[c], dtype="float64" if c in ("lon", "lat") else "str")
    return df
