"""Incoming coordinates: the CRS a user declares, conversion to CGCS2000 lon/lat, and plausibility checks.

Accepted CRSs: CGCS2000 lon/lat (EPSG:4490), WGS84 lon/lat (EPSG:4326, equal to CGCS2000 at map scale),
GCJ-02 (Amap/Tencent, converted with the exact inverse of ``geo.gcj02``), and the CGCS2000 3-degree
Gauss-Kruger zones without zone prefix (EPSG:4534-4554; Gansu uses 4540-4545), given as easting/northing
in metres. Baidu's BD-09 is refused: it is not used by the platform and converting it silently would hide
an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from pyproj import Transformer

from geo.crs import CGCS2000, GANSU_BBOX
from geo.gcj02 import gcj02_to_wgs84

GCJ02 = "GCJ-02"
_GK_RANGE = range(4534, 4555)
_ALIASES = {
    "4490": "EPSG:4490",
    "CGCS2000": "EPSG:4490",
    "CGCS-2000": "EPSG:4490",
    "2000": "EPSG:4490",
    "国家2000": "EPSG:4490",
    "4326": "EPSG:4326",
    "WGS84": "EPSG:4326",
    "WGS-84": "EPSG:4326",
    "GCJ02": GCJ02,
    "GCJ-02": GCJ02,
    "GCJ": GCJ02,
    "火星坐标": GCJ02,
    "高德": GCJ02,
    "AMAP": GCJ02,
}


class CrsError(ValueError):
    """A CRS the system does not accept, with a message in Chinese and English."""

    def __init__(self, message: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message = message
        self.message_en = message_en


@dataclass(frozen=True)
class InputCrs:
    """A declared input CRS, normalised: ``code`` is 'EPSG:4490', 'EPSG:4326', 'GCJ-02' or 'EPSG:45xx'."""

    code: str

    @property
    def is_projected(self) -> bool:
        """Whether coordinates are easting/northing in metres (a Gauss-Kruger zone)."""
        return self.code.startswith("EPSG:45")


def parse_crs(text: str | int | None) -> InputCrs:
    """Normalise a declared CRS ('EPSG:4490', '4326', 'GCJ-02', 'CGCS2000', 'EPSG:4543' ...)."""
    if text is None or str(text).strip() == "":
        raise CrsError(
            "请声明坐标系：EPSG:4490（CGCS2000）、EPSG:4326（WGS84）、GCJ-02 或高斯-克吕格3度带（如 EPSG:4543）。",
            "Declare the coordinates' CRS: EPSG:4490, EPSG:4326, GCJ-02, or a CGCS2000 3-degree "
            "Gauss-Kruger zone such as EPSG:4543.",
        )
    raw = str(text).strip()
    key = re.sub(r"\s+", "", raw).upper()
    if key in _ALIASES:
        return InputCrs(_ALIASES[key])
    match = re.fullmatch(r"(?:EPSG:)?(\d{4,5})", key)
    if match:
        code = int(match.group(1))
        if code in (4490, 4326):
            return InputCrs(f"EPSG:{code}")
        if code in _GK_RANGE:
            return InputCrs(f"EPSG:{code}")
    if "BD" in key or "百度" in raw:
        raise CrsError(
            f"不支持百度 BD-09 坐标（“{raw}”）。请导出为 WGS84、CGCS2000 或 GCJ-02 坐标。",
            f"Baidu BD-09 coordinates ({raw!r}) are not accepted; export WGS84, CGCS2000 or GCJ-02.",
        )
    raise CrsError(
        f"不支持的坐标系“{raw}”。可用：EPSG:4490、EPSG:4326、GCJ-02、EPSG:4534-4554（高斯-克吕格3度带）。",
        f"Unsupported CRS {raw!r}. Use EPSG:4490, EPSG:4326, GCJ-02 or EPSG:4534-4554 (Gauss-Kruger).",
    )


@lru_cache
def _to_cgcs2000(code: str) -> Transformer:
    return Transformer.from_crs(code, CGCS2000, always_xy=True)


def to_cgcs2000(x: np.ndarray, y: np.ndarray, crs: InputCrs) -> tuple[np.ndarray, np.ndarray]:
    """Convert coordinates in ``crs`` (x = lon or easting) to CGCS2000 lon/lat. NaN stays NaN."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if crs.code == "EPSG:4490":
        return x, y
    if crs.code == "EPSG:4326":
        # WGS84 and CGCS2000 differ by centimetres: the platform treats them as the same at map scale.
        return x, y
    if crs.code == GCJ02:
        lon, lat = x.copy(), y.copy()
        ok = np.isfinite(x) & np.isfinite(y)
        if ok.any():
            lon[ok], lat[ok] = gcj02_to_wgs84(x[ok], y[ok])
        return lon, lat
    lon, lat = _to_cgcs2000(crs.code).transform(x, y)
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)


def in_gansu_bbox(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Whether points fall inside Gansu's bounding box (a cheap first test; polygons decide)."""
    b = GANSU_BBOX
    return (lon >= b.min_lon) & (lon <= b.max_lon) & (lat >= b.min_lat) & (lat <= b.max_lat)


def looks_swapped(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Points outside Gansu that would fall inside it with longitude and latitude exchanged."""
    return ~in_gansu_bbox(lon, lat) & in_gansu_bbox(lat, lon)


# A file is reported as probably GCJ-02 when at least this many of its rows fall outside their declared
# area and at least this share of them fall inside it once read as GCJ-02.
GCJ02_SUSPECT_MIN_ROWS = 5
GCJ02_SUSPECT_SHARE = 0.5


def gcj02_suspected(outside_declared: int, fixed_by_inverse: int) -> bool:
    """Whether rows outside their declared area look like GCJ-02 data declared as WGS84/CGCS2000.

    Data exported from Amap or Tencent but declared as WGS84 sits 20-470 m off in Gansu; it shows up as
    houses just across the border of their declared township or county, most of which come home when read
    as GCJ-02 (``fixed_by_inverse``).
    """
    return (
        outside_declared >= GCJ02_SUSPECT_MIN_ROWS
        and fixed_by_inverse >= GCJ02_SUSPECT_SHARE * outside_declared
    )


def looks_swapped_projected(easting: np.ndarray, northing: np.ndarray) -> np.ndarray:
    """Gauss-Kruger pairs given northing-first (the Chinese surveying X/Y order): northing < 1e6 < easting.

    Without zone prefix, eastings in a 3-degree zone lie within 500 km +- 150 km, northings in Gansu between
    3.6e6 and 4.8e6 m, so the two cannot be confused except by exchanging them.
    """
    return (easting > 1_000_000) & (northing < 1_000_000)


def geometries_to_cgcs2000(geoms: np.ndarray, crs: InputCrs) -> np.ndarray:
    """Convert shapely geometries in ``crs`` to CGCS2000 lon/lat vertex by vertex (None stays None)."""
    import shapely

    if crs.code in ("EPSG:4490", "EPSG:4326"):
        return geoms

    def convert(coords: np.ndarray) -> np.ndarray:
        lon, lat = to_cgcs2000(coords[:, 0], coords[:, 1], crs)
        return np.column_stack([lon, lat])

    return shapely.transform(geoms, convert)
