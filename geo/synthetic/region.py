"""Random streams per county and township code, and the facts of Gansu's regions the generator leans on."""

from __future__ import annotations

import numpy as np

from geo.enums import TownshipKind
from geo.gansu import CITY_SEATS

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
