"""Links that open a house in a Chinese navigation app (高德, 百度, 腾讯), and the BD-09 transform they need.

Our coordinates are CGCS2000 lon/lat (equal to WGS84 at map scale). Amap and Tencent take GCJ-02
(``geo.gcj02.wgs84_to_gcj02``); Baidu takes BD-09, Baidu's own shift of GCJ-02, by the widely published
closed-form formula below; its inverse is solved exactly (the published closed-form inverse, kept as
``published_bd09_to_gcj02``, misses by up to ~0.15 m).

The links follow each vendor's web URI API (they open the web map, or the app where one is installed):

- 高德 https://uri.amap.com/navigation (URI API 开发指南, 路径规划): ``to=lon,lat,name`` (longitude first),
  ``mode=car``, ``callnative=1`` (try the app), ``src``; ``coordinate=gaode`` says GCJ-02 (the default).
- 百度 https://api.map.baidu.com/direction (URI API, Web 端, 公交/驾车/步行导航):
  ``destination=latlng:lat,lng|name:name`` (latitude first), ``mode=driving``, ``coord_type=bd09ll``,
  ``output=html`` (required on the web), ``src=webapp.<company>.<app>``. Baidu's web table marks ``origin``
  as required; its app takes the current position without one. Pass ``origin`` where one is known.
- 腾讯 https://apis.map.qq.com/uri/v1/routeplan (URI API, 路线规划): ``type=drive``, ``to=name``,
  ``tocoord=lat,lng`` (latitude first), ``coord_type=2`` (Tencent = GCJ-02, the default), ``referer``.

Coordinates are written with 6 decimals (0.1 m; Amap's and Baidu's services accept no more). Names are
cleaned (control characters dropped, at most 40 characters; the separator of the vendor's own
sub-format replaced by its full-width form) and percent-encoded (UTF-8).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from urllib.parse import quote

from geo.gcj02 import wgs84_to_gcj02

X_PI = math.pi * 3000.0 / 180.0
DECIMALS = 6
NAME_MAX = 40
SOURCE = "spotcheck"
BAIDU_SOURCE = "webapp.spotcheck.fieldwork"
DEFAULT_NAME = "目的地"
_INVERSE_TOL_DEG = 1e-10
_INVERSE_MAX_ITER = 10

AMAP_URL = "https://uri.amap.com/navigation"
BAIDU_URL = "https://api.map.baidu.com/direction"
TENCENT_URL = "https://apis.map.qq.com/uri/v1/routeplan"

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def gcj02_to_bd09(lon: float, lat: float) -> tuple[float, float]:
    """GCJ-02 lon/lat to BD-09 lon/lat (the published forward formula)."""
    x, y = float(lon), float(lat)
    z = math.sqrt(x * x + y * y) + 0.00002 * math.sin(y * X_PI)
    theta = math.atan2(y, x) + 0.000003 * math.cos(x * X_PI)
    return z * math.cos(theta) + 0.0065, z * math.sin(theta) + 0.006


def published_bd09_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """BD-09 lon/lat to GCJ-02 lon/lat by the published closed-form inverse (off by up to ~0.15 m)."""
    x, y = float(lon) - 0.0065, float(lat) - 0.006
    z = math.sqrt(x * x + y * y) - 0.00002 * math.sin(y * X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * X_PI)
    return z * math.cos(theta), z * math.sin(theta)


def bd09_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """BD-09 lon/lat to GCJ-02 lon/lat, the exact inverse of ``gcj02_to_bd09``.

    The published closed-form inverse misses by up to ~0.15 m over Gansu; starting from it, the fixed-point
    iteration ``g <- g + (b - forward(g))`` solves the forward formula to 1e-10 degrees in 2-3 steps.
    """
    b_lon, b_lat = float(lon), float(lat)
    g_lon, g_lat = published_bd09_to_gcj02(b_lon, b_lat)
    for _ in range(_INVERSE_MAX_ITER):
        f_lon, f_lat = gcj02_to_bd09(g_lon, g_lat)
        d_lon, d_lat = b_lon - f_lon, b_lat - f_lat
        g_lon, g_lat = g_lon + d_lon, g_lat + d_lat
        if max(abs(d_lon), abs(d_lat)) < _INVERSE_TOL_DEG:
            return g_lon, g_lat
    raise RuntimeError("BD-09 inverse did not converge")  # pragma: no cover (the map is a contraction)


def wgs84_to_gcj(lon: float, lat: float) -> tuple[float, float]:
    """WGS84/CGCS2000 lon/lat to GCJ-02 lon/lat as floats (``geo.gcj02`` works on arrays)."""
    g_lon, g_lat = wgs84_to_gcj02(lon, lat)
    return float(g_lon), float(g_lat)


def wgs84_to_bd09(lon: float, lat: float) -> tuple[float, float]:
    """WGS84/CGCS2000 lon/lat to BD-09 lon/lat (through GCJ-02)."""
    return gcj02_to_bd09(*wgs84_to_gcj(lon, lat))


def _check(lon: float, lat: float) -> tuple[float, float]:
    lon, lat = float(lon), float(lat)
    if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValueError(f"not a lon/lat position: {lon}, {lat}")
    return lon, lat


def clean_name(name: object, *, separators: str = "") -> str:
    """A name fit for a link: control characters dropped, spaces collapsed, at most 40 characters, each of
    ``separators`` (ASCII) replaced by its full-width form, so it cannot end the vendor's field."""
    text = " ".join(_CONTROL.sub(" ", "" if name is None else str(name)).split())
    for char in separators:
        text = text.replace(char, chr(ord(char) + 0xFEE0))
    return text[:NAME_MAX].strip() or DEFAULT_NAME


def _num(value: float) -> str:
    return f"{value:.{DECIMALS}f}"


def _query(pairs: list[tuple[str, str]], safe: str) -> str:
    return "&".join(f"{key}={quote(value, safe=safe)}" for key, value in pairs)


Origin = tuple[float, float, str]
# (role, lon, lat, name) -> the query pairs of one end of the trip, in the vendor's own format
Place = Callable[[str, float, float, object], list[tuple[str, str]]]
Convert = Callable[[float, float], tuple[float, float]]  # WGS84 lon, lat -> the vendor's lon, lat


def _ends(
    convert: Convert,
    place: Place,
    roles: tuple[str, str],
    lon: float,
    lat: float,
    name: object,
    origin: Origin | None,
) -> list[tuple[str, str]]:
    """The query pairs of the origin if any (``roles[0]``) and of the destination (``roles[1]``), both
    positions checked and converted by ``convert`` into the vendor's coordinate system."""
    to_lon, to_lat = convert(*_check(lon, lat))
    pairs = [] if origin is None else place(roles[0], *convert(*_check(origin[0], origin[1])), origin[2])
    return pairs + place(roles[1], to_lon, to_lat, name)


def _amap_place(role: str, lon: float, lat: float, name: object) -> list[tuple[str, str]]:
    return [(role, f"{_num(lon)},{_num(lat)},{clean_name(name, separators=',')}")]


def _baidu_place(role: str, lon: float, lat: float, name: object) -> list[tuple[str, str]]:
    return [(role, f"latlng:{_num(lat)},{_num(lon)}|name:{clean_name(name, separators='|')}")]


def _tencent_place(role: str, lon: float, lat: float, name: object) -> list[tuple[str, str]]:
    return [(role, clean_name(name)), (f"{role}coord", f"{_num(lat)},{_num(lon)}")]


def amap_link(lon: float, lat: float, name: object, origin: Origin | None = None) -> str:
    """高德地图 driving directions to a WGS84/CGCS2000 position (sent as GCJ-02)."""
    pairs = _ends(wgs84_to_gcj, _amap_place, ("from", "to"), lon, lat, name, origin)
    pairs += [("mode", "car"), ("coordinate", "gaode"), ("callnative", "1"), ("src", SOURCE)]
    return f"{AMAP_URL}?{_query(pairs, safe=',')}"


def baidu_link(lon: float, lat: float, name: object, origin: Origin | None = None) -> str:
    """百度地图 driving directions to a WGS84/CGCS2000 position (sent as BD-09, latitude first)."""
    pairs = _ends(wgs84_to_bd09, _baidu_place, ("origin", "destination"), lon, lat, name, origin)
    pairs += [("mode", "driving"), ("coord_type", "bd09ll"), ("output", "html"), ("src", BAIDU_SOURCE)]
    return f"{BAIDU_URL}?{_query(pairs, safe=':,')}"


def tencent_link(lon: float, lat: float, name: object, origin: Origin | None = None) -> str:
    """腾讯地图 driving route to a WGS84/CGCS2000 position (sent as GCJ-02, latitude first)."""
    pairs = [("type", "drive"), *_ends(wgs84_to_gcj, _tencent_place, ("from", "to"), lon, lat, name, origin)]
    pairs += [("coord_type", "2"), ("referer", SOURCE)]
    return f"{TENCENT_URL}?{_query(pairs, safe=',')}"


def nav_links(lon: float, lat: float, name: object, origin: Origin | None = None) -> dict[str, str]:
    """The three links (``amap``, ``baidu``, ``tencent``, the fields of ``NavLinks``) to a WGS84/CGCS2000
    position; ``origin`` is an optional ``(lon, lat, name)`` start, WGS84/CGCS2000 too (without one the
    apps start from the phone's position)."""
    return {
        "amap": amap_link(lon, lat, name, origin),
        "baidu": baidu_link(lon, lat, name, origin),
        "tencent": tencent_link(lon, lat, name, origin),
    }
