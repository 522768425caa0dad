"""Facts about Gansu's administrative units that the sampling rules depend on.

City seats (市政府所在区) are where each city or prefecture government sits; the notice's rule "含市政府所在
区市" always includes them in the county draw. The 2024 appendix names every one of them, which is a check
on this table (tests/test_boundary_load.py).
"""

from __future__ import annotations

PROVINCE_CODE = "620000"

# city code -> code of the county-level unit where the city government sits
CITY_SEATS: dict[str, str] = {
    "620100": "620102",  # 兰州市: 城关区
    "620200": "620201",  # 嘉峪关市: the city itself (no counties)
    "620300": "620302",  # 金昌市: 金川区
    "620400": "620402",  # 白银市: 白银区
    "620500": "620502",  # 天水市: 秦州区
    "620600": "620602",  # 武威市: 凉州区
    "620700": "620702",  # 张掖市: 甘州区
    "620800": "620802",  # 平凉市: 崆峒区
    "620900": "620902",  # 酒泉市: 肃州区
    "621000": "621002",  # 庆阳市: 西峰区
    "621100": "621102",  # 定西市: 安定区
    "621200": "621202",  # 陇南市: 武都区
    "622900": "622901",  # 临夏回族自治州: 临夏市
    "623000": "623001",  # 甘南藏族自治州: 合作市
}

# Units drawn on their own, never among their city's counties: 嘉峪关 has no counties, and 兰州新区 is a
# national new area run by a management committee (NBS lists it under 兰州市, the notice treats it apart).
STANDALONE_UNITS: frozenset[str] = frozenset({"620201", "620171"})
