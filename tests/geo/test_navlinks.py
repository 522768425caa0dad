import math
from urllib.parse import parse_qsl, urlsplit

import numpy as np
import pytest
from pyproj import Geod

from geo.gcj02 import wgs84_to_gcj02
from geo.navlinks import (
    bd09_to_gcj02,
    clean_name,
    gcj02_to_bd09,
    nav_links,
    published_bd09_to_gcj02,
    wgs84_to_bd09,
)

GEOD = Geod(ellps="WGS84")
LANZHOU = (103.834303, 36.061089)  # WGS84 lon/lat near 兰州 中山桥


def published_gcj02_to_bd09(x, y):
    """The published formula, written out independently of geo.navlinks."""
    x_pi = 3.14159265358979324 * 3000.0 / 180.0
    z = math.sqrt(x * x + y * y) + 0.00002 * math.sin(y * x_pi)
    theta = math.atan2(y, x) + 0.000003 * math.cos(x * x_pi)
    return z * math.cos(theta) + 0.0065, z * math.sin(theta) + 0.006


def published_bd09_to_gcj02_ref(bx, by):
    x_pi = 3.14159265358979324 * 3000.0 / 180.0
    x, y = bx - 0.0065, by - 0.006
    z = math.sqrt(x * x + y * y) - 0.00002 * math.sin(y * x_pi)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * x_pi)
    return z * math.cos(theta), z * math.sin(theta)


def metres(a, b):
    return GEOD.inv(a[0], a[1], b[0], b[1])[2]


# wandergis/coordtransform's README (the reference most ports test against): input (116.404, 39.915).
def test_published_reference_values():
    assert gcj02_to_bd09(116.404, 39.915) == pytest.approx((116.41036949371029, 39.92133699351021), abs=1e-12)
    assert published_bd09_to_gcj02(116.404, 39.915) == pytest.approx(
        (116.39762729119315, 39.90865673957631), abs=1e-12
    )
    # the exact inverse is within a few decimetres of the published one
    assert metres(bd09_to_gcj02(116.404, 39.915), (116.39762729119315, 39.90865673957631)) < 0.2


def test_beijing_railway_station():
    # The documented example pair of an R package (5 decimals): GCJ-02 (116.42703, 39.90245) and
    # BD-09 (116.43351, 39.90851) for 北京站.
    assert gcj02_to_bd09(116.42703, 39.90245) == pytest.approx((116.43351, 39.90851), abs=1e-5)


@pytest.mark.parametrize("lon", np.linspace(92.5, 108.5, 9))
@pytest.mark.parametrize("lat", np.linspace(32.5, 42.5, 6))
def test_formulas_match_the_published_ones_over_gansu(lon, lat):
    assert gcj02_to_bd09(lon, lat) == pytest.approx(published_gcj02_to_bd09(lon, lat), abs=1e-13)
    assert published_bd09_to_gcj02(lon, lat) == pytest.approx(
        published_bd09_to_gcj02_ref(lon, lat), abs=1e-13
    )
    assert metres(bd09_to_gcj02(lon, lat), published_bd09_to_gcj02_ref(lon, lat)) < 0.2


def test_round_trip_over_gansu():
    worst_exact = worst_published = 0.0
    for lon in np.arange(92.0, 109.01, 0.5):
        for lat in np.arange(32.0, 43.01, 0.5):
            b = gcj02_to_bd09(lon, lat)
            worst_exact = max(worst_exact, metres((lon, lat), bd09_to_gcj02(*b)))
            worst_published = max(worst_published, metres((lon, lat), published_bd09_to_gcj02(*b)))
            assert metres(b, gcj02_to_bd09(*bd09_to_gcj02(*b))) < 1e-3
    assert worst_exact < 1e-3  # exact to well under a millimetre (1e-10 degrees)
    assert worst_published < 0.2  # the published closed form: within some 15 cm


def test_bd09_offset_is_plausible():
    # BD-09 lies about 0.0065 deg east and 0.006 deg north of GCJ-02 (some 600-800 m).
    g = wgs84_to_gcj02(*LANZHOU)
    b = wgs84_to_bd09(*LANZHOU)
    assert 500 < metres((float(g[0]), float(g[1])), b) < 1000


def split(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}", parse_qsl(parts.query, keep_blank_values=True)


def test_amap_link():
    links = nav_links(*LANZHOU, "中山桥")
    base, pairs = split(links["amap"])
    assert base == "https://uri.amap.com/navigation"
    assert [k for k, _ in pairs] == ["to", "mode", "coordinate", "callnative", "src"]
    params = dict(pairs)
    g_lon, g_lat = (float(v) for v in wgs84_to_gcj02(*LANZHOU))
    lon, lat, name = params["to"].split(",")
    assert (lon, lat) == (f"{g_lon:.6f}", f"{g_lat:.6f}")  # longitude first, GCJ-02, 6 decimals
    assert name == "中山桥"
    assert params["mode"] == "car" and params["coordinate"] == "gaode" and params["callnative"] == "1"


def test_baidu_link():
    base, pairs = split(nav_links(*LANZHOU, "中山桥")["baidu"])
    assert base == "https://api.map.baidu.com/direction"
    assert [k for k, _ in pairs] == ["destination", "mode", "coord_type", "output", "src"]
    params = dict(pairs)
    b_lon, b_lat = wgs84_to_bd09(*LANZHOU)
    assert params["destination"] == f"latlng:{b_lat:.6f},{b_lon:.6f}|name:中山桥"  # latitude first, BD-09
    assert params["coord_type"] == "bd09ll" and params["mode"] == "driving" and params["output"] == "html"
    assert params["src"].startswith("webapp.")


def test_tencent_link():
    base, pairs = split(nav_links(*LANZHOU, "中山桥")["tencent"])
    assert base == "https://apis.map.qq.com/uri/v1/routeplan"
    assert [k for k, _ in pairs] == ["type", "to", "tocoord", "coord_type", "referer"]
    params = dict(pairs)
    g_lon, g_lat = (float(v) for v in wgs84_to_gcj02(*LANZHOU))
    assert params["tocoord"] == f"{g_lat:.6f},{g_lon:.6f}"  # latitude first, GCJ-02
    assert params["type"] == "drive" and params["to"] == "中山桥" and params["coord_type"] == "2"


def test_origin_is_optional_and_converted():
    origin = (103.8, 36.0, "县城宾馆")
    links = nav_links(*LANZHOU, "中山桥", origin=origin)
    g_lon, g_lat = (float(v) for v in wgs84_to_gcj02(103.8, 36.0))
    b_lon, b_lat = wgs84_to_bd09(103.8, 36.0)
    assert dict(split(links["amap"])[1])["from"] == f"{g_lon:.6f},{g_lat:.6f},县城宾馆"
    assert dict(split(links["baidu"])[1])["origin"] == f"latlng:{b_lat:.6f},{b_lon:.6f}|name:县城宾馆"
    tencent = dict(split(links["tencent"])[1])
    assert tencent["from"] == "县城宾馆" and tencent["fromcoord"] == f"{g_lat:.6f},{g_lon:.6f}"


HOSTILE = "A&B#1 \"王家\" '院' ?x=1 <b>"


def test_names_are_encoded():
    links = nav_links(*LANZHOU, HOSTILE)
    for url in links.values():
        query = urlsplit(url).query
        assert urlsplit(url).fragment == ""  # '#' did not end the URL
        pairs = parse_qsl(query)
        for char in "#\"'<> ?":
            assert char not in query
        # '&' and '=' appear only as the query's own separators
        assert query.count("&") == len(pairs) - 1 and query.count("=") == len(pairs)
        assert all(ord(c) < 128 for c in url)  # Chinese percent-encoded as UTF-8
    assert dict(split(links["amap"])[1])["to"].split(",", 2)[2] == HOSTILE
    assert dict(split(links["baidu"])[1])["destination"].endswith("|name:" + HOSTILE)
    assert dict(split(links["tencent"])[1])["to"] == HOSTILE


def test_each_query_has_only_its_own_parameters():
    for url in nav_links(*LANZHOU, HOSTILE).values():
        keys = [k for k, _ in split(url)[1]]
        assert "x" not in keys and len(keys) == len(set(keys))


def test_vendor_separators_in_names_are_made_full_width():
    links = nav_links(*LANZHOU, "甲,乙|丙")
    assert dict(split(links["amap"])[1])["to"].split(",", 2)[2] == "甲，乙|丙"
    assert dict(split(links["baidu"])[1])["destination"].endswith("|name:甲,乙｜丙")
    assert dict(split(links["tencent"])[1])["to"] == "甲,乙|丙"


def test_clean_name():
    assert clean_name("  a\x00b\n\tc  ") == "a b c"
    assert clean_name(None) == clean_name("") == "目的地"
    assert len(clean_name("房" * 100)) == 40


@pytest.mark.parametrize(("lon", "lat"), [(float("nan"), 36.0), (200.0, 36.0), (103.0, float("inf"))])
def test_bad_positions_are_refused(lon, lat):
    with pytest.raises(ValueError):
        nav_links(lon, lat, "x")
