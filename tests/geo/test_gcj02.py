import json

import numpy as np
import pytest
import shapely
from pyproj import Geod
from shapely.geometry import shape

from boundaries import PROVINCE
from geo.gcj02 import gcj02_to_wgs84, transform_geometry_gcj02_to_wgs84, wgs84_to_gcj02

# Published reference pairs (wgs lon, wgs lat, gcj lon, gcj lat) from the eviltransform test suite.
REFERENCE = [
    (121.5272106, 31.1774276, 121.531541859215, 31.17530398364597),  # Shanghai
    (113.912316, 22.543847, 113.9171764808363, 22.540796131694766),  # Shenzhen
    (116.377817, 39.911954, 116.38404722455657, 39.91334545536069),  # Beijing
]


def gansu_grid(step=0.05):
    lon, lat = np.meshgrid(np.arange(92.0, 109.0 + 1e-9, step), np.arange(32.0, 43.0 + 1e-9, step))
    return lon, lat


@pytest.mark.parametrize(("wlon", "wlat", "glon", "glat"), REFERENCE)
def test_forward_matches_reference(wlon, wlat, glon, glat):
    lon, lat = wgs84_to_gcj02(wlon, wlat)
    assert abs(float(lon) - glon) < 1e-9
    assert abs(float(lat) - glat) < 1e-9


@pytest.mark.parametrize(("wlon", "wlat", "glon", "glat"), REFERENCE)
def test_inverse_matches_reference(wlon, wlat, glon, glat):
    lon, lat = gcj02_to_wgs84(glon, glat)
    # The reference WGS values have 7 decimals; the inverse is exact to ~1e-10.
    assert abs(float(lon) - wlon) < 1e-9
    assert abs(float(lat) - wlat) < 1e-9


def test_forward_of_inverse_is_identity_over_gansu():
    lon, lat = gansu_grid()
    back_lon, back_lat = wgs84_to_gcj02(*gcj02_to_wgs84(lon, lat))
    assert np.max(np.abs(back_lon - lon)) < 1e-9
    assert np.max(np.abs(back_lat - lat)) < 1e-9


def test_inverse_of_forward_is_identity_over_gansu():
    lon, lat = gansu_grid()
    back_lon, back_lat = gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat))
    assert np.max(np.abs(back_lon - lon)) < 1e-9
    assert np.max(np.abs(back_lat - lat)) < 1e-9


def test_shift_magnitude_over_gansu():
    with open(PROVINCE, encoding="utf-8") as fh:
        province = shape(json.load(fh)["features"][0]["geometry"])
    lon, lat = gansu_grid()
    inside = shapely.contains_xy(province, lon, lat)
    lon, lat = lon[inside], lat[inside]
    glon, glat = wgs84_to_gcj02(lon, lat)
    _, _, dist = Geod(ellps="WGS84").inv(lon, lat, glon, glat)
    # Measured: 20 m (far west, ~96.6E 38.35N) to 467 m (south-east); Lanzhou ~220 m.
    assert dist.min() > 10.0
    assert dist.max() < 500.0
    _, _, lanzhou = Geod(ellps="WGS84").inv(103.83, 36.06, *map(float, wgs84_to_gcj02(103.83, 36.06)))
    assert 190.0 < lanzhou < 250.0


def test_shapes_are_preserved():
    lon, lat = gansu_grid(1.0)
    out_lon, out_lat = gcj02_to_wgs84(lon, lat)
    assert out_lon.shape == lon.shape and out_lat.shape == lat.shape
    s_lon, s_lat = gcj02_to_wgs84(103.8, 36.0)
    assert np.ndim(s_lon) == 0 and np.ndim(s_lat) == 0
    b_lon, b_lat = wgs84_to_gcj02(np.array([100.0, 101.0]), 36.0)  # broadcast
    assert b_lon.shape == (2,) and b_lat.shape == (2,)


def test_outside_china_passes_through():
    lon, lat = wgs84_to_gcj02(2.35, 48.85)
    assert float(lon) == 2.35 and float(lat) == 48.85
    lon, lat = gcj02_to_wgs84(2.35, 48.85)
    assert float(lon) == 2.35 and float(lat) == 48.85


def test_inverse_rejects_non_finite():
    with pytest.raises(ValueError):
        gcj02_to_wgs84(np.nan, 36.0)


def test_transform_geometry_matches_points_and_keeps_type():
    ring = [(103.8, 36.0), (103.9, 36.0), (103.9, 36.1), (103.8, 36.1), (103.8, 36.0)]
    poly = shapely.MultiPolygon([shapely.Polygon(ring)])
    out = transform_geometry_gcj02_to_wgs84(poly)
    assert out.geom_type == "MultiPolygon"
    xs, ys = np.array(ring).T
    ex_lon, ex_lat = gcj02_to_wgs84(xs, ys)
    np.testing.assert_array_equal(shapely.get_coordinates(out), np.column_stack([ex_lon, ex_lat]))
    # Equal input vertices map to equal output vertices (shared edges stay shared).
    first, last = shapely.get_coordinates(out)[[0, -1]]
    assert (first == last).all()
