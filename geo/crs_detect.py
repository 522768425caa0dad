"""Which CRS a file of house points really uses, judged from the townships the houses declare.

A file exported from Amap or Tencent (GCJ-02) or Baidu (BD-09) but declared as WGS84/CGCS2000 is shifted
by a smooth, locally constant offset (GCJ-02: 100-420 m over Gansu, mostly east; BD-09: GCJ-02 plus about
700 m to the north-east). Such a file shows up as houses just across the border of the township they
declare, and - the decisive sign - converting the file from the suspected CRS brings most of them home
while sending almost none of the others out.

The test is paired, point by point: among the points with a declared township polygon, ``fixed`` are
outside it as declared and inside once converted, ``broken`` the reverse. A genuine WGS84 file with a few
mislocated houses has few fixed (a stray house is rarely exactly one GCJ-02 offset away from home) and many
broken (every house within one offset of the "wrong" side of a border leaves), so it is never flagged. A
shifted file has the opposite. The rule (all must hold, constants below):

- at least ``MIN_TESTED`` points carry a declared township with a polygon, and at least ``MIN_FIXED``
  points are fixed by the conversion (a minimum number of points);
- the conversion fixes at least ``MIN_FIXED_SHARE`` of the points outside their township (shares);
- it breaks at most ``MAX_BROKEN_RATIO`` as many points as it fixes, and a one-sided sign test of fixed
  against broken (the null: a conversion that moves points at random across borders, fixed and broken
  equally likely) has p below ``MAX_P_VALUE`` (consistency: the shift is systematic, not noise).

Pure functions: the caller passes a :class:`geo.locate.PolygonIndex` of real township polygons.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import shapely
from pyproj import Geod

from geo.gcj02 import gcj02_to_wgs84, wgs84_to_gcj02
from geo.locate import PolygonIndex

WGS84 = "wgs84"  # WGS84 or CGCS2000 lon/lat (equal at map scale)
GCJ02 = "gcj02"
BD09 = "bd09"

#: What each CRS is called in a message, and how to declare it (None: the platform refuses it).
LABELS = {WGS84: "WGS84/CGCS2000", GCJ02: "GCJ-02（高德/腾讯坐标）", BD09: "BD-09（百度坐标）"}
DECLARE_AS = {WGS84: "EPSG:4490", GCJ02: "GCJ-02", BD09: None}

MIN_TESTED = 30
MIN_FIXED = 10
MIN_FIXED_SHARE = 0.5
MAX_BROKEN_RATIO = 0.1
MAX_P_VALUE = 1e-6

_X_PI = math.pi * 3000.0 / 180.0
_GEOD = Geod(ellps="GRS80")


def bd09_to_gcj02(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Baidu BD-09 lon/lat to GCJ-02 (the published closed form; about 1e-6 degree from exact)."""
    x = np.asarray(lon, dtype=float) - 0.0065
    y = np.asarray(lat, dtype=float) - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta), z * np.sin(theta)


def gcj02_to_bd09(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 lon/lat to Baidu BD-09 (the published closed form)."""
    x = np.asarray(lon, dtype=float)
    y = np.asarray(lat, dtype=float)
    z = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def _raw(declared: str, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The file's own coordinates from the WGS84 points the declared CRS made of them."""
    if declared == GCJ02:
        return wgs84_to_gcj02(lon, lat)
    if declared == BD09:
        return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))
    return lon, lat


def reinterpret(declared: str, candidate: str, lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 lon/lat of points converted as ``declared`` had the file been in ``candidate`` instead."""
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    x, y = _raw(declared, lon, lat)
    if candidate == GCJ02:
        return gcj02_to_wgs84(x, y)
    if candidate == BD09:
        return gcj02_to_wgs84(*bd09_to_gcj02(x, y))
    return np.asarray(x, dtype=float), np.asarray(y, dtype=float)


def candidates_for(declared: str) -> tuple[str, ...]:
    """The CRSs a file declared ``declared`` may really be in."""
    return tuple(c for c in (GCJ02, BD09, WGS84) if c != declared)


@dataclass(frozen=True)
class Fit:
    """How the points fare when read as one candidate CRS."""

    crs: str
    inside: int  # points inside their declared township once converted
    fixed: int  # outside as declared, inside once converted
    broken: int  # inside as declared, outside once converted
    p_value: float  # one-sided sign test of fixed against broken
    shift_m: float  # median distance the conversion moves a point
    shift_bearing: float  # median bearing of that move, degrees clockwise from north


@dataclass(frozen=True)
class CrsCheck:
    """The verdict on one file: how many points were tested, how many lie in their declared township."""

    declared: str
    tested: int
    inside: int
    fits: tuple[Fit, ...] = field(default=())
    probable: Fit | None = None  # the candidate that explains the file, when one does

    @property
    def outside(self) -> int:
        """Points outside their declared township as declared."""
        return self.tested - self.inside

    @property
    def suspected(self) -> bool:
        """Whether the file is probably in another CRS than declared."""
        return self.probable is not None


def sign_test_p(fixed: int, broken: int) -> float:
    """P(X >= fixed) for X ~ Binomial(fixed + broken, 1/2): exact, summed in log space."""
    n = fixed + broken
    if n == 0:
        return 1.0
    logs = [math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1) - n * math.log(2)
            for k in range(fixed, n + 1)]  # fmt: skip
    top = max(logs)
    return min(1.0, math.exp(top) * sum(math.exp(v - top) for v in logs))


def fits_file(fit: Fit, tested: int, outside: int) -> bool:
    """The rule of the module docstring."""
    return (
        tested >= MIN_TESTED
        and fit.fixed >= MIN_FIXED
        and fit.fixed >= MIN_FIXED_SHARE * outside
        and fit.broken <= MAX_BROKEN_RATIO * fit.fixed
        and fit.p_value < MAX_P_VALUE
    )


def check_declared_crs(
    declared: str, townships: PolygonIndex, codes: np.ndarray, lon: np.ndarray, lat: np.ndarray
) -> CrsCheck:
    """Test points (WGS84 lon/lat as converted from ``declared``) against their declared township codes.

    Points without a finite position or whose code has no polygon in ``townships`` are left out.
    """
    codes = np.asarray(codes, dtype=object)
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    position = {code: i for i, code in enumerate(townships.codes.tolist())}
    polygon = np.array([position.get(c, -1) for c in codes], dtype=np.int64)
    keep = np.isfinite(lon) & np.isfinite(lat) & (polygon >= 0)
    polygon, lon, lat = polygon[keep], lon[keep], lat[keep]
    tested = len(polygon)
    if tested == 0:
        return CrsCheck(declared, 0, 0)
    home = _inside(townships, polygon, lon, lat)
    fits = []
    for candidate in candidates_for(declared):
        clon, clat = reinterpret(declared, candidate, lon, lat)
        after = _inside(townships, polygon, clon, clat)
        fixed, broken = int((~home & after).sum()), int((home & ~after).sum())
        bearing, _, dist = _GEOD.inv(lon, lat, clon, clat)
        fits.append(Fit(candidate, int(after.sum()), fixed, broken, sign_test_p(fixed, broken),
                        float(np.median(dist)), float(np.median(np.mod(bearing, 360.0)))))  # fmt: skip
    outside = tested - int(home.sum())
    passing = [f for f in fits if fits_file(f, tested, outside)]
    probable = max(passing, key=lambda f: (f.fixed - f.broken, f.inside)) if passing else None
    return CrsCheck(declared, tested, int(home.sum()), tuple(fits), probable)


def _inside(townships: PolygonIndex, polygon: np.ndarray, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Whether each point lies in its polygon (by position in the index), one vectorised test per polygon."""
    out = np.zeros(len(polygon), dtype=bool)
    order = np.argsort(polygon, kind="stable")
    bounds = np.flatnonzero(np.diff(polygon[order])) + 1
    for group in np.split(order, bounds):
        if len(group):
            out[group] = shapely.contains_xy(townships.polygons[polygon[group[0]]], lon[group], lat[group])
    return out


_BEARINGS = ("北", "东北", "东", "东南", "南", "西南", "西", "西北")


def bearing_zh(degrees: float) -> str:
    """A compass bearing as one of eight Chinese directions."""
    return _BEARINGS[int(((degrees % 360.0) + 22.5) // 45.0) % 8]


def _spaced(label: str) -> str:
    return label if label.endswith("）") else label + " "


def message_zh(check: CrsCheck) -> str:
    """The Chinese sentence telling the user what the file probably is (for a suspected check)."""
    fit = check.probable
    assert fit is not None
    out_share, in_share = check.outside / check.tested, fit.inside / check.tested
    head = (
        f"约 {out_share:.0%} 的房屋坐标（{check.outside:,}/{check.tested:,}）落在其填报乡镇之外；"
        f"按 {_spaced(LABELS[fit.crs])}换算后 {in_share:.0%} 落入（{fit.fixed:,} 处落回，{fit.broken:,} 处移出；"
        f"换算使坐标向{bearing_zh(fit.shift_bearing)}移动约 {fit.shift_m:.0f} 米）。"
        f"本文件坐标很可能是 {LABELS[fit.crs]}，而非声明的 {LABELS[check.declared]}。"
    )
    target = DECLARE_AS[fit.crs]
    if target is None:
        return head + "本系统不接受百度 BD-09 坐标：请从来源系统导出 WGS84/CGCS2000 或 GCJ-02 坐标后重新导入。"
    return head + f"请以 --crs {target} 重新导入（网页/接口：坐标系填 {target}）。"
