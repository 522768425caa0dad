"""Where houses go: house counts per county and township, settlement clusters with their (synthetic)
village and community names, and points sampled inside them."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import shapely

from geo.synthetic.region import (
    _C_OTHER,
    _C_SEAT_TOWN,
    _C_STREET,
    _C_TOWN_SEAT,
    _C_TOWNSHIP_SEAT,
    _C_VILLAGE,
    _S_CLUSTERS,
    _S_NAMES,
    _T_OTHER,
    _T_STREET,
    _T_TOWN,
    _T_TOWNSHIP,
    _rng,
)
from geo.synthetic.townships import _CountyProfile, _inner_point, _Layout

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
