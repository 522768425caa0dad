"""Provider (b) of travel matrices: geodesic distance × a detour factor, at a speed by terrain and class.

Used when no road network has been imported for the area. Every location has a **class**:

==================  ===========  ===========  ===========  ===============================================
class               circuity     local km/h   trunk km/h   where
==================  ===========  ===========  ===========  ===============================================
``urban``           1.35         25           50           streets of a city or county town (城镇建成区 …)
``plain_rural``     1.25         45           80           河西走廊 oases, 兰州新区: straight grid roads
``hilly_rural``     1.45         35           60           黄土高原 (兰州 白银 定西 平凉 庆阳 天水): gullies
``mountain_rural``  1.70         25           45           陇南, 甘南, 临夏: valley roads, hairpins
==================  ===========  ===========  ===========  ===============================================

A leg from i to j: road distance = geodesic (GRS80 = the CGCS2000 ellipsoid) × circuity; the first
``LOCAL_RANGE_M`` (15 km) of road are driven at the local speed, the rest at the trunk speed (longer legs
reach national roads and expressways); then ``ACCESS_S`` (2 min: parking, walking to the door, finding the
owner) is added to every leg between distinct points. **Pair rule:** a leg takes the slower end's factors
(the larger circuity, the lower local and trunk speeds), so the matrix is symmetric.

Where the figures come from:

- Circuity: Ballou, Rahardja & Sakai (2002), "Selected country circuity factors for road travel distance
  estimation", Transportation Research A 36(9), report country factors of about 1.2-1.4 (≈1.3 the usual
  planning value); Giacomin & Levinson (2015) find 1.2-1.3 inside road networks of cities. Flat oases with
  grid roads get the low end, loess gullies more, mountain valleys with switchbacks 1.7 (our judgement:
  no published Gansu figure; calibrate against the road provider once a network is imported).
- Speeds: JTG B01-2014 (公路工程技术标准) design speeds are 80/60 km/h for 二级公路, 40/30 for 三级 and
  30/20 for 四级 (the lower figure in hilly and mountainous terrain); village and township roads are mostly
  三级/四级, so local speeds sit at or a little above their design speeds on the plain and at them in
  the hills and mountains; trunk speeds are those of 二级 roads and national roads in each terrain (the
  expressways of the Hexi corridor are faster: conservative). Urban 25 km/h: CJJ 37-2012 design speeds of
  20-40 km/h on branch roads, and peak-hour speeds of about 25-35 km/h in Amap's (高德) annual city
  traffic reports, slower in county towns with narrow streets and parking search.

The estimates are for planning; the road provider (pgRouting on an imported network) is preferred.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from geo.proximity import GEOD
from geo.travel import TravelMatrix


@dataclass(frozen=True)
class ClassFactors:
    """Detour factor and speeds of a location class."""

    circuity: float
    local_kmh: float
    trunk_kmh: float
    label: str


CLASSES: dict[str, ClassFactors] = {
    "urban": ClassFactors(1.35, 25.0, 50.0, "城镇"),
    "plain_rural": ClassFactors(1.25, 45.0, 80.0, "平原绿洲农村"),
    "hilly_rural": ClassFactors(1.45, 35.0, 60.0, "黄土丘陵农村"),
    "mountain_rural": ClassFactors(1.70, 25.0, 45.0, "山区农村"),
}
LOCAL_RANGE_M = 15_000.0
ACCESS_S = 120

TERRAINS = ("plain", "hilly", "mountain")
# city (first 4 digits of the unit code) -> terrain
CITY_TERRAIN: dict[str, str] = {
    "6209": "plain",  # 酒泉
    "6202": "plain",  # 嘉峪关
    "6207": "plain",  # 张掖
    "6203": "plain",  # 金昌
    "6206": "plain",  # 武威
    "6201": "hilly",  # 兰州
    "6204": "hilly",  # 白银
    "6211": "hilly",  # 定西
    "6208": "hilly",  # 平凉
    "6210": "hilly",  # 庆阳
    "6205": "hilly",  # 天水
    "6212": "mountain",  # 陇南
    "6230": "mountain",  # 甘南
    "6229": "mountain",  # 临夏
}
UNIT_TERRAIN: dict[str, str] = {"620171": "plain"}  # 兰州新区 on the 秦王川 basin

# Area types (``geo.enums.AreaType`` codes) that count as urban for ``location_class``.
URBAN_AREA_TYPES = frozenset({"built_up", "urban_fringe", "urban_village", "resettlement"})


def terrain_of_unit(unit_code: str) -> str:
    """'plain', 'hilly' or 'mountain' for a Gansu county-level unit, by its city (see ``CITY_TERRAIN``)."""
    code = str(unit_code).strip()
    if code in UNIT_TERRAIN:
        return UNIT_TERRAIN[code]
    try:
        return CITY_TERRAIN[code[:4]]
    except KeyError as exc:
        raise ValueError(f"{unit_code!r} is not a Gansu county-level unit code") from exc


def location_class(unit_code: str, urban: bool) -> str:
    """The class key of a location in ``unit_code``: 'urban' in towns, else '<terrain>_rural'."""
    terrain = terrain_of_unit(unit_code)
    return "urban" if urban else f"{terrain}_rural"


def geodesic_matrix(locations: list[tuple[float, float]], classes: list[str]) -> TravelMatrix:
    """The estimated matrix over ``locations`` (lon, lat in EPSG:4490) with one class key per location."""
    n = len(locations)
    if len(classes) != n:
        raise ValueError("one class per location is needed")
    unknown = sorted(set(classes) - set(CLASSES))
    if unknown:
        raise ValueError(f"unknown location classes {unknown}")
    if n == 0:
        empty = np.zeros((0, 0), dtype=np.int64)
        return TravelMatrix((), empty, empty.copy(), "geodesic", _NOTE, _detail())
    xy = np.asarray(locations, dtype=float).reshape(n, 2)
    factors = [CLASSES[c] for c in classes]
    circ = np.array([f.circuity for f in factors])
    local = np.array([f.local_kmh for f in factors]) / 3.6
    trunk = np.array([f.trunk_kmh for f in factors]) / 3.6

    iu, ju = np.triu_indices(n, k=1)
    _, _, geo_m = GEOD.inv(xy[iu, 0], xy[iu, 1], xy[ju, 0], xy[ju, 1])
    geo_m = np.asarray(geo_m, dtype=float)
    road = geo_m * np.maximum(circ[iu], circ[ju])
    v_local = np.minimum(local[iu], local[ju])
    v_trunk = np.minimum(trunk[iu], trunk[ju])
    near = np.minimum(road, LOCAL_RANGE_M)
    seconds = near / v_local + (road - near) / v_trunk + np.where(geo_m > 0, ACCESS_S, 0)

    durations = np.zeros((n, n), dtype=np.int64)
    distances = np.zeros((n, n), dtype=np.int64)
    durations[iu, ju] = np.rint(seconds).astype(np.int64)
    distances[iu, ju] = np.rint(road).astype(np.int64)
    durations[ju, iu] = durations[iu, ju]
    distances[ju, iu] = distances[iu, ju]
    locs = tuple((float(x), float(y)) for x, y in xy)
    return TravelMatrix(locs, durations, distances, "geodesic", _NOTE, _detail())


_NOTE = "直线距离×绕行系数估算：按地形与城乡类别取绕行系数和车速（取较慢一端），每段另加2分钟停车步行（见 docs/routing.md）"


def _detail() -> dict:
    return {
        "classes": {
            k: {"circuity": f.circuity, "local_kmh": f.local_kmh, "trunk_kmh": f.trunk_kmh, "label": f.label}
            for k, f in CLASSES.items()
        },
        "local_range_m": LOCAL_RANGE_M,
        "access_s": ACCESS_S,
        "pair_rule": "slower end",
        "ellipsoid": "GRS80",
    }
