"""Sensitive-site and township-polygon imports, and the proximity they feed, on PostGIS."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely
from sqlalchemy import text

from geo.proximity import DEFAULT_RADII_M, nearest_sites
from service.frame.importing.fields import Kind
from service.frame.importing.pipeline import import_file
from tests import filemakers as fm
from tests.dbcheck import count, digest


@pytest.fixture
def centre(engine) -> tuple[float, float]:
    with engine.connect() as conn:
        return tuple(conn.execute(text("SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) AS p "
                                       "FROM division WHERE code = '620102') AS q")).one())  # fmt: skip


def offset(lon: float, lat: float, north_m: float, east_m: float = 0.0) -> tuple[float, float]:
    """A point ``north_m``/``east_m`` metres away on the GRS80 ellipsoid."""
    from pyproj import Geod

    geod = Geod(ellps="GRS80")
    lon2, lat2, _ = geod.fwd(lon, lat, 0, north_m)
    if east_m:
        lon2, lat2, _ = geod.fwd(lon2, lat2, 90, east_m)
    return round(lon2, 9), round(lat2, 9)


def houses_around(engine, tmp_path, lon, lat, distances):
    rows = []
    for i, d in enumerate(distances):
        x, y = offset(lon, lat, d)
        rows.append({"自建房排查编码": f"NEAR{i:03d}", "经度": x, "纬度": y, "房屋用途": "经营性自建房",
                     "隐患初判": "存在一定安全隐患", "隐患等级": "一般安全隐患", "整治状态": "待整治"})  # fmt: skip
    fm.write_csv(tmp_path / "houses.csv", rows)
    assert import_file(engine, Kind.HOUSES, tmp_path / "houses.csv", crs="EPSG:4490").committed


def test_sites_import_and_proximity(engine, tmp_path, centre):
    lon, lat = centre
    houses_around(engine, tmp_path, lon, lat, [150, 199, 201, 450, 520])
    sites = [
        {"名称": "城关区第一中学", "类型": "中学", "经度": lon, "纬度": lat, "学校标识码": "3162000001"},
        {"名称": "兰州某大学", "类型": "大学", "经度": lon, "纬度": lat},
        {"名称": "城关区实验幼儿园", "类型": "幼儿园", "经度": offset(lon, lat, 0, 5000)[0], "纬度": lat},
    ]
    fm.write_xlsx(tmp_path / "sites.xlsx", sites)
    result = import_file(engine, Kind.SITES, tmp_path / "sites.xlsx", crs="EPSG:4490")
    assert result.committed and result.inserted == 3, result.summary()
    with engine.connect() as conn:
        near = conn.execute(
            text("SELECT h.survey_code, p.site_kind, round(p.distance_m::numeric, 1) FROM house_proximity p "
                 "JOIN house h ON h.id = p.house_id ORDER BY 1, 2")
        ).all()  # fmt: skip
    assert [(c, k) for c, k, _ in near] == [
        ("NEAR000", "college"), ("NEAR000", "school"),
        ("NEAR001", "college"), ("NEAR001", "school"),
        ("NEAR002", "college"), ("NEAR003", "college"),
    ]  # fmt: skip
    assert [float(d) for c, k, d in near if k == "school"] == [150.0, 199.0]

    # Re-importing the same file updates the sites (by code, else by kind, name and county).
    again = import_file(engine, Kind.SITES, tmp_path / "sites.xlsx", crs="EPSG:4490")
    assert (again.inserted, again.updated) == (0, 3)
    assert count(engine, "SELECT count(*) FROM sensitive_site") == 3


def test_postgis_and_geo_proximity_agree(engine, tmp_path, centre):
    rng = np.random.default_rng(7)
    lon, lat = centre
    hx, hy = lon + rng.normal(0, 0.01, 300), lat + rng.normal(0, 0.008, 300)
    rows = [{"自建房排查编码": f"R{i:04d}", "经度": round(float(x), 7), "纬度": round(float(y), 7), "房屋用途": "其他自建房"}
            for i, (x, y) in enumerate(zip(hx, hy, strict=True))]  # fmt: skip
    fm.write_csv(tmp_path / "h.csv", rows)
    imported = import_file(engine, Kind.HOUSES, tmp_path / "h.csv", crs="EPSG:4490")
    assert imported.committed, imported.report.errors[:3]
    kinds = ["大学", "中学", "幼儿园", "医院"]
    sx, sy = lon + rng.normal(0, 0.01, 40), lat + rng.normal(0, 0.008, 40)
    sites = [{"名称": f"场所{i}", "类型": kinds[i % 4], "经度": round(float(x), 7), "纬度": round(float(y), 7)}
             for i, (x, y) in enumerate(zip(sx, sy, strict=True))]  # fmt: skip
    fm.write_csv(tmp_path / "s.csv", sites)
    assert import_file(engine, Kind.SITES, tmp_path / "s.csv", crs="EPSG:4490").committed
    with engine.connect() as conn:
        pg = pd.DataFrame(conn.execute(text(
            "SELECT h.survey_code, p.site_kind AS kind, s.name, p.distance_m FROM house_proximity p "
            "JOIN house h ON h.id = p.house_id JOIN sensitive_site s ON s.id = p.site_id")).all())  # fmt: skip
        site_rows = pd.DataFrame(conn.execute(text(
            "SELECT id, kind, name, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM sensitive_site ORDER BY id")).all())  # fmt: skip
    geo = nearest_sites(
        np.arange(len(rows)), np.array([r["经度"] for r in rows]), np.array([r["纬度"] for r in rows]),
        site_rows["id"].to_numpy(), site_rows["kind"].to_numpy(), site_rows["lon"].to_numpy(),
        site_rows["lat"].to_numpy(), DEFAULT_RADII_M,
    )  # fmt: skip
    geo["survey_code"] = [rows[i]["自建房排查编码"] for i in geo["house_id"]]
    geo["name"] = site_rows.set_index("id").loc[geo["site_id"], "name"].to_numpy()
    merged = pg.merge(geo, on=["survey_code", "kind"], how="outer", indicator=True, suffixes=("_pg", "_geo"))
    assert len(merged) > 50 and (merged["_merge"] == "both").all()
    assert (merged["name_pg"] == merged["name_geo"]).all()
    assert (merged["distance_m_pg"] - merged["distance_m_geo"]).abs().max() < 0.01  # metres


def test_township_polygons_replace_synthetic_ones_and_relocate_houses(engine, tmp_path, centre):
    lon, lat = centre
    houses_around(engine, tmp_path, lon, lat, [10, 20])
    with engine.connect() as conn:
        towns = (
            conn.execute(text("SELECT code FROM division WHERE parent_code = '620102' ORDER BY code LIMIT 2"))
            .scalars()
            .all()
        )
    square = shapely.box(lon - 0.01, lat - 0.01, lon + 0.01, lat + 0.01)
    rows = [{"乡镇代码": towns[0], "乡镇名称": "某街道"}]
    fm.write_gpkg(tmp_path / "t.gpkg", rows, [square], layer="townships", crs="EPSG:4490")
    result = import_file(engine, Kind.TOWNSHIPS, tmp_path / "t.gpkg")
    assert result.committed, result.summary()
    with engine.connect() as conn:
        town = conn.execute(text("SELECT synthetic, approximate, geom_dataset FROM division WHERE code = :c"),
                            {"c": towns[0]}).one()  # fmt: skip
        located = conn.execute(text("SELECT DISTINCT township_code FROM house")).scalars().all()
        provenance = conn.execute(
            text("SELECT source FROM dataset WHERE name = :n"), {"n": town.geom_dataset}
        ).scalar()
    assert (town.synthetic, town.approximate) == (False, False)
    assert located == [towns[0]]
    assert "t.gpkg" in provenance


def test_invalid_polygon_and_unknown_code_change_nothing(engine, tmp_path, centre):
    lon, lat = centre
    before = digest(engine)
    rows = [{"乡镇代码": "620102001"}, {"乡镇代码": "629999999"}]
    bowtie = shapely.Polygon([(lon, lat), (lon + 0.01, lat + 0.01), (lon + 0.01, lat), (lon, lat + 0.01)])
    fm.write_shapefile(
        tmp_path / "t.shp", rows, [bowtie, shapely.box(lon, lat, lon + 0.01, lat + 0.01)], cpg=False
    )
    result = import_file(engine, Kind.TOWNSHIPS, tmp_path / "t.shp")
    assert not result.committed
    codes = {(e["row"], e["code"]) for e in result.report.errors}
    assert (1, "invalid_polygon") in codes and (2, "unknown_township") in codes
    assert digest(engine) == before


def test_sites_outside_gansu_change_nothing(engine, tmp_path):
    before = digest(engine)
    fm.write_csv(tmp_path / "s.csv", [{"名称": "北京某中学", "类型": "中学", "经度": 116.4, "纬度": 39.9}])
    result = import_file(engine, Kind.SITES, tmp_path / "s.csv", crs="EPSG:4326")
    assert not result.committed and result.report.error_counts["outside_gansu"] == 1
    assert digest(engine) == before


def test_proximity_references_are_kept(engine, tmp_path, centre):
    """house_proximity names existing houses and sites: refused otherwise, and removed with them."""
    import sqlalchemy.exc

    lon, lat = centre
    houses_around(engine, tmp_path, lon, lat, [100, 150, 3000])
    fm.write_csv(tmp_path / "sites.csv", [
        {"名称": "城关区第一中学", "类型": "中学", "经度": lon, "纬度": lat},
        {"名称": "城关区实验幼儿园", "类型": "幼儿园", "经度": lon, "纬度": offset(lon, lat, 120)[1]},
    ])  # fmt: skip
    assert import_file(engine, Kind.SITES, tmp_path / "sites.csv", crs="EPSG:4490").committed
    pairs = "SELECT count(*) FROM house_proximity"
    assert count(engine, pairs) == 4  # two houses near each site

    with pytest.raises(sqlalchemy.exc.IntegrityError, match="unknown house"), engine.begin() as conn:
        site = conn.execute(text("SELECT min(id) FROM sensitive_site")).scalar_one()
        conn.execute(text("INSERT INTO house_proximity VALUES (-1, 'school', :s, 1.0)"), {"s": site})
    with pytest.raises(sqlalchemy.exc.IntegrityError, match="unknown house"), engine.begin() as conn:
        conn.execute(text("UPDATE house_proximity SET site_id = -1"))

    with engine.begin() as conn:
        conn.execute(text("DELETE FROM sensitive_site WHERE kind = 'kindergarten'"))
    assert count(engine, pairs) == 2
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM house WHERE survey_code = 'NEAR000'"))
    assert count(engine, pairs) == 1
    with engine.begin() as conn:
        conn.execute(text("TRUNCATE house CASCADE"))
    assert count(engine, pairs) == 0
