"""Road classes: the codes stored in ``road_edge.road_class``, their labels, default speeds and spellings.

Default speeds (km/h) are what a car of an inspection team averages on such a road in Gansu, below the
legal limits (JTG B01-2014 design speeds: 高速公路 80-120, 一级/二级公路 60-100/40-80, 三级 30-40, 四级
20-30; GB 50220 city streets): docs/roads.md gives the reasoning. A speed field in the file wins.
"""

from __future__ import annotations

import re

#: code: (Chinese label, default speed km/h). The CHECK constraint of migration 0015 lists the same codes.
ROAD_CLASSES: dict[str, tuple[str, float]] = {
    "expressway": ("高速公路", 100.0),
    "national": ("国道", 70.0),
    "provincial": ("省道", 60.0),
    "county": ("县道", 50.0),
    "township": ("乡道", 40.0),
    "village": ("村道", 25.0),
    "urban": ("城市道路", 30.0),
    "service": ("小区/厂区道路", 15.0),
    "other": ("其他道路", 20.0),
}

#: How files write a class (Chinese names, GB/T 917 and Chinese layer codes, OpenStreetMap ``highway``).
_SPELLINGS: dict[str, str] = {
    **{code: code for code in ROAD_CLASSES},
    "高速公路": "expressway", "高速": "expressway", "motorway": "expressway", "motorway_link": "expressway",
    "国道": "national", "trunk": "national", "trunk_link": "national",
    "省道": "provincial", "primary": "provincial", "primary_link": "provincial",
    "县道": "county", "secondary": "county", "secondary_link": "county",
    "乡道": "township", "乡镇道路": "township", "tertiary": "township", "tertiary_link": "township",
    "村道": "village", "村庄道路": "village", "unclassified": "village", "track": "village",
    "城市道路": "urban", "城市快速路": "urban", "主干路": "urban", "次干路": "urban", "支路": "urban",
    "街道": "urban", "residential": "urban", "living_street": "urban", "road": "urban",
    "小区道路": "service", "厂区道路": "service", "service": "service",
    "其他": "other", "其他道路": "other", "专用公路": "other",
    "g": "national", "s": "provincial", "x": "county", "y": "township", "c": "village",  # 路线编号 prefixes
}  # fmt: skip

#: Header spellings of the two fields a line may carry (first match wins), and of the optional ones.
CLASS_HEADERS = ("道路等级", "道路类型", "公路等级", "等级", "class", "fclass", "highway", "road_class", "type")
SPEED_HEADERS = ("速度", "限速", "设计速度", "车速", "speed", "maxspeed", "speed_kmh")
ONEWAY_HEADERS = ("单行", "单向", "oneway", "one_way")
NAME_HEADERS = ("名称", "道路名称", "name", "road_name")

_TRUE = {"1", "yes", "true", "t", "y", "是", "单行", "单向", "forward"}
_REVERSE = {"-1", "reverse", "backward"}


def class_code(value: str | None) -> str | None:
    """The class code of a value as files write it (None when unknown or empty)."""
    if value is None:
        return None
    raw = value.strip()
    if not raw:
        return None
    key = raw.lower()
    if key in _SPELLINGS:
        return _SPELLINGS[key]
    route = re.fullmatch(r"([gsxycGSXYC])\d{1,4}", raw)  # a route number such as G312, S101, X204
    if route:
        return _SPELLINGS[route.group(1).lower()]
    return None


def speed_value(value: str | None) -> float | None:
    """A speed in km/h from text ("60", "60 km/h", "60公里/小时"); None when empty. Raises ValueError."""
    if value is None or not value.strip():
        return None
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(?:km/h|kmh|kph|公里/小时|千米/小时)?\s*", value, re.IGNORECASE)
    if not match:
        raise ValueError(value)
    speed = float(match.group(1))
    if not 0 < speed <= 150:
        raise ValueError(value)
    return speed


def oneway_value(value: str | None) -> int:
    """0: both directions; 1: one way along the line's digitised direction; -1: one way against it."""
    if value is None:
        return 0
    key = value.strip().lower()
    if key in _TRUE:
        return 1
    if key in _REVERSE:
        return -1
    return 0


def find_header(columns: tuple[str, ...], spellings: tuple[str, ...], *, truncated: bool = False) -> str | None:
    """The first of ``columns`` written as one of ``spellings`` (case-insensitive, spaces ignored). With
    ``truncated`` (a shapefile's .dbf keeps 10 bytes of a name) a column cut from a longer spelling counts."""
    normal = {c.strip().lower().replace(" ", ""): c for c in columns}
    for s in (s.lower() for s in spellings):
        if s in normal:
            return normal[s]
    if truncated:
        for s in (s.lower() for s in spellings):
            raw = s.encode("utf-8")
            for key, column in normal.items():
                cut = key.encode("utf-8")
                if len(raw) > 10 and 7 <= len(cut) <= 10 and raw.startswith(cut):
                    return column
    return None
