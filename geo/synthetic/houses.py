"""House attributes (use, business type, area type, structure, era, floors, alterations, geohazards) drawn
by settlement urbanity, era and region."""

from __future__ import annotations

import numpy as np

from geo.enums import (
    Alteration,
    AreaType,
    BuildEra,
    BusinessType,
    FloorsBand,
    Geohazard,
    Measure,
    Structure,
    UseClass,
)
from geo.synthetic.region import (
    _C_STREET,
    _CTX_URBANITY,
    _GEOHAZARD_RATE_DEFAULT,
    _S_ATTRS,
    _S_POINTS,
    _S_TSHIP_ALLOC,
    GEOHAZARD_RATE,
    HEXI_CITIES,
    MOUNTAIN_CITIES,
    SCENIC_COUNTIES,
    SOUTH_CITIES,
    _rng,
)
from geo.synthetic.settlements import (
    _GROUPS,
    _TSHIP_WEIGHT,
    _categorical,
    _lerp,
    _sample_points,
    _township_clusters,
)
from geo.synthetic.spec import FrameSpec
from geo.synthetic.townships import _CountyProfile, _Layout

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
