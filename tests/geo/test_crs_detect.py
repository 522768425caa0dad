"""Detecting GCJ-02 / BD-09 files declared as WGS84 (and the reverse) from their declared townships."""

from __future__ import annotations

import numpy as np
import shapely

from geo import crs_detect as cd
from geo.gcj02 import gcj02_to_wgs84, wgs84_to_gcj02
from geo.locate import PolygonIndex

LANZHOU = (103.80, 36.03)


def grid(cell_deg: float, n: int = 4, origin=LANZHOU) -> PolygonIndex:
    """n x n square townships of ``cell_deg`` degrees, coded T00..T(n-1)(n-1)."""
    codes, polys = [], []
    for i in range(n):
        for j in range(n):
            x, y = origin[0] + i * cell_deg, origin[1] + j * cell_deg
            codes.append(f"T{i}{j}")
            polys.append(shapely.box(x, y, x + cell_deg, y + cell_deg))
    return PolygonIndex(codes, polys)


def houses(index: PolygonIndex, per_town: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """True (WGS84) house positions spread over every township, with the township each declares."""
    rng = np.random.default_rng(seed)
    codes, lon, lat = [], [], []
    for code, poly in zip(index.codes, index.polygons, strict=True):
        x0, y0, x1, y1 = poly.bounds
        lon.append(rng.uniform(x0, x1, per_town))
        lat.append(rng.uniform(y0, y1, per_town))
        codes += [code] * per_town
    return np.array(codes, dtype=object), np.concatenate(lon), np.concatenate(lat)


def test_gcj02_declared_as_wgs84_is_found_in_small_urban_townships():
    index = grid(0.008)  # ~700 m streets: a 220 m shift moves about a third of the houses out
    codes, lon, lat = houses(index, 40)
    glon, glat = wgs84_to_gcj02(lon, lat)  # an Amap export, declared WGS84
    check = cd.check_declared_crs(cd.WGS84, index, codes, glon, glat)
    assert check.tested == len(codes) and check.outside > 0.2 * check.tested
    assert check.suspected and check.probable.crs == cd.GCJ02
    assert check.probable.inside == check.tested  # every house comes home
    assert 150 < check.probable.shift_m < 300 and cd.bearing_zh(check.probable.shift_bearing) == "西"
    message = cd.message_zh(check)
    assert "落在其填报乡镇之外" in message and "GCJ-02（高德/腾讯坐标）" in message
    assert "--crs GCJ-02" in message and "100% 落入" in message


def test_gcj02_found_when_few_houses_cross_a_border():
    """Rural townships of ~9 km: only about 3 % of the houses leave their township, and that is enough."""
    index = grid(0.1, n=3)
    codes, lon, lat = houses(index, 150, seed=3)
    glon, glat = wgs84_to_gcj02(lon, lat)
    check = cd.check_declared_crs(cd.WGS84, index, codes, glon, glat)
    assert check.outside < 0.06 * check.tested
    assert check.suspected and check.probable.crs == cd.GCJ02


def test_bd09_declared_as_wgs84_is_found_and_refused_as_a_crs():
    index = grid(0.01)
    codes, lon, lat = houses(index, 30)
    blon, blat = cd.gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))
    check = cd.check_declared_crs(cd.WGS84, index, codes, blon, blat)
    assert check.suspected and check.probable.crs == cd.BD09
    message = cd.message_zh(check)
    assert "BD-09（百度坐标）" in message and "不接受" in message


def test_wgs84_declared_as_gcj02_is_found():
    index = grid(0.008)
    codes, lon, lat = houses(index, 40)
    stored = gcj02_to_wgs84(lon, lat)  # the true WGS84 points, wrongly read as GCJ-02
    check = cd.check_declared_crs(cd.GCJ02, index, codes, *stored)
    assert check.suspected and check.probable.crs == cd.WGS84
    assert "--crs EPSG:4490" in cd.message_zh(check)


def test_a_true_wgs84_file_with_stray_points_is_not_flagged():
    index = grid(0.008)
    codes, lon, lat = houses(index, 40)
    rng = np.random.default_rng(9)
    stray = rng.choice(len(codes), 25, replace=False)
    lon[stray] += rng.choice([-1, 1], 25) * rng.uniform(0.01, 0.03, 25)  # 1-3 km off: mislocated houses
    # and houses recorded a little across a border (survey GPS noise of ~50 m)
    lon += rng.normal(0, 0.0005, len(lon))
    check = cd.check_declared_crs(cd.WGS84, index, codes, lon, lat)
    assert check.outside >= 25
    assert not check.suspected
    gcj = next(f for f in check.fits if f.crs == cd.GCJ02)
    assert gcj.broken > gcj.fixed  # converting a true WGS84 file sends more houses out than home


def test_too_few_points_are_not_judged():
    index = grid(0.008)
    codes, lon, lat = houses(index, 1)  # 16 houses
    check = cd.check_declared_crs(cd.WGS84, index, codes, *wgs84_to_gcj02(lon, lat))
    assert check.tested == 16 and not check.suspected


def test_unknown_codes_and_missing_points_are_left_out():
    index = grid(0.008, n=2)
    codes = np.array(["T00", "XX", None, "T11"], dtype=object)
    lon = np.array([LANZHOU[0] + 0.004, LANZHOU[0], LANZHOU[0], np.nan])
    lat = np.array([LANZHOU[1] + 0.004, LANZHOU[1], LANZHOU[1], LANZHOU[1]])
    check = cd.check_declared_crs(cd.WGS84, index, codes, lon, lat)
    assert (check.tested, check.inside, check.suspected) == (1, 1, False)
    assert cd.check_declared_crs(cd.WGS84, index, codes[1:3], lon[1:3], lat[1:3]).tested == 0


def test_sign_test_and_bd09_round_trip():
    assert cd.sign_test_p(0, 0) == 1.0
    assert abs(cd.sign_test_p(20, 0) - 0.5**20) < 1e-15
    assert abs(cd.sign_test_p(1, 1) - 0.75) < 1e-12
    assert cd.sign_test_p(5000, 100) < 1e-300 or cd.sign_test_p(5000, 100) == 0.0
    lon, lat = np.array([103.8, 94.7]), np.array([36.0, 40.1])
    back = cd.bd09_to_gcj02(*cd.gcj02_to_bd09(lon, lat))
    assert np.abs(back[0] - lon).max() < 2e-5 and np.abs(back[1] - lat).max() < 2e-5
    assert [cd.bearing_zh(d) for d in (0, 44, 90, 135, 200, 270, 300, 359)] == [
        "北", "东北", "东", "东南", "南", "西", "西北", "北"]  # fmt: skip
