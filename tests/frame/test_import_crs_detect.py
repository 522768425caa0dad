"""GCJ-02 (or BD-09) houses declared as WGS84 are found from the real township polygons and refused with the
probable CRS; the same file declared right imports; a true WGS84 file with stray houses is not flagged."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from sqlalchemy import text

from geo.crs_detect import gcj02_to_bd09
from geo.gcj02 import wgs84_to_gcj02
from service.frame.importing.fields import Kind
from service.frame.importing.pipeline import import_file
from tests import filemakers as fm
from tests.dbcheck import count, digest

CELL = 0.008  # ~720 m x 890 m streets: a 220 m GCJ-02 shift (Lanzhou) moves about a quarter out


@pytest.fixture
def streets(engine, tmp_path) -> list[tuple[str, str, shapely.Polygon]]:
    """Nine real (imported) street polygons of 城关区 in a 3 x 3 grid: (code, name, polygon)."""
    with engine.connect() as conn:
        lon, lat = conn.execute(text("SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) AS p "
                                     "FROM division WHERE code = '620102') AS q")).one()  # fmt: skip
        towns = conn.execute(text("SELECT code, name FROM division WHERE parent_code = '620102' "
                                  "ORDER BY code LIMIT 9")).all()  # fmt: skip
    x0, y0 = lon - 1.5 * CELL, lat - 1.5 * CELL
    out = []
    for k, (code, name) in enumerate(towns):
        i, j = divmod(k, 3)
        out.append((code, name, shapely.box(x0 + i * CELL, y0 + j * CELL, x0 + (i + 1) * CELL, y0 + (j + 1) * CELL)))
    rows = [{"乡镇代码": code, "乡镇名称": name} for code, name, _ in out]
    fm.write_gpkg(tmp_path / "streets.gpkg", rows, [p for *_, p in out], layer="townships", crs="EPSG:4490")
    assert import_file(engine, Kind.TOWNSHIPS, tmp_path / "streets.gpkg").committed
    return out


def true_houses(streets, per_street: int = 25, seed: int = 5) -> list[dict]:
    """Houses at their true WGS84 positions, each declaring the street it lies in."""
    rng = np.random.default_rng(seed)
    rows = []
    for _code, name, poly in streets:
        x0, y0, x1, y1 = poly.buffer(-1e-5).bounds  # a metre clear of the borders: rounding keeps them home
        for _ in range(per_street):
            rows.append({"自建房排查编码": f"C{len(rows):05d}", "经度": round(float(rng.uniform(x0, x1)), 7),
                         "纬度": round(float(rng.uniform(y0, y1)), 7), "县区": "城关区", "乡镇（街道）": name,
                         "房屋用途": "其他自建房"})  # fmt: skip
    return rows


def shifted(rows: list[dict], to) -> list[dict]:
    out = []
    for r in rows:
        lon, lat = to(r["经度"], r["纬度"])
        out.append({**r, "经度": round(float(lon), 7), "纬度": round(float(lat), 7)})
    return out


def amap(lon, lat):
    return wgs84_to_gcj02(lon, lat)


def baidu(lon, lat):
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def test_gcj02_declared_as_wgs84_is_refused_with_the_hint_and_imports_as_gcj02(engine, tmp_path, streets):
    rows = true_houses(streets)
    fm.write_csv(tmp_path / "amap.csv", shifted(rows, amap))
    before = digest(engine)
    result = import_file(engine, Kind.HOUSES, tmp_path / "amap.csv", crs="EPSG:4326")
    assert not result.committed and digest(engine) == before
    assert count(engine, "SELECT count(*) FROM house") == 0
    [error] = [e for e in result.report.errors if e["code"] == "crs_suspected"]
    assert result.report.error_counts == {"crs_suspected": 1}
    message = error["message"]
    assert "的房屋坐标" in message and "落在其填报乡镇之外" in message
    assert "按 GCJ-02（高德/腾讯坐标）换算后 100% 落入" in message
    assert "很可能是 GCJ-02" in message and "--crs GCJ-02" in message and "--trust-crs" in message
    outside, inside = (int(part.split("/")[0]) for part in error["value"].split(" → "))
    assert outside > 0.2 * len(rows) and inside >= len(rows) - 2
    assert "gcj02_suspected" not in result.report.warning_counts  # said once, by the townships

    again = import_file(engine, Kind.HOUSES, tmp_path / "amap.csv", crs="GCJ-02")
    assert again.committed, again.summary()["errors"][:3]
    assert "crs_suspected" not in again.report.error_counts
    assert "township_mismatch" not in again.report.warning_counts
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM house WHERE NOT location_mismatch")).scalar_one() == len(rows)


def test_an_explicit_override_imports_as_declared_with_a_warning(engine, tmp_path, streets):
    fm.write_csv(tmp_path / "amap.csv", shifted(true_houses(streets), amap))
    result = import_file(engine, Kind.HOUSES, tmp_path / "amap.csv", crs="EPSG:4326", trust_crs=True)
    assert result.committed
    assert result.report.warning_counts["crs_suspected_trusted"] == 1
    assert result.report.warning_counts["township_mismatch"] > 20


def test_bd09_declared_as_wgs84_is_refused_naming_baidu(engine, tmp_path, streets):
    fm.write_csv(tmp_path / "baidu.csv", shifted(true_houses(streets), baidu))
    before = digest(engine)
    result = import_file(engine, Kind.HOUSES, tmp_path / "baidu.csv", crs="EPSG:4490")
    assert not result.committed and digest(engine) == before
    [error] = result.report.errors
    assert error["code"] == "crs_suspected" and "BD-09（百度坐标）" in error["message"]


def test_wgs84_file_with_a_few_stray_houses_is_not_flagged(engine, tmp_path, streets):
    rows = true_houses(streets)
    rng = np.random.default_rng(11)
    names = [name for _, name, _ in streets]
    for i in rng.choice(len(rows), 12, replace=False):  # declared in another street than where they stand
        rows[i]["乡镇（街道）"] = names[(names.index(rows[i]["乡镇（街道）"]) + 4) % len(names)]
    for r in rows:  # GPS noise of about 30 m: houses near a border land on either side of it
        r["经度"] = round(r["经度"] + float(rng.normal(0, 0.0003)), 7)
    fm.write_csv(tmp_path / "wgs.csv", rows)
    result = import_file(engine, Kind.HOUSES, tmp_path / "wgs.csv", crs="EPSG:4326")
    assert result.committed, result.summary()["errors"][:3]
    assert result.report.warning_counts["township_mismatch"] >= 12
    assert "crs_suspected_trusted" not in result.report.warning_counts


def test_without_real_township_polygons_nothing_is_refused(engine, tmp_path):
    """No real polygons (only the synthetic ones): the check cannot run; the county-level warning stays."""
    with engine.connect() as conn:
        lon, lat = conn.execute(text("SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) AS p "
                                     "FROM division WHERE code = '620102') AS q")).one()  # fmt: skip
    rows = [{"自建房排查编码": f"N{i:03d}", "经度": lon + i * 1e-4, "纬度": lat, "房屋用途": "其他自建房"}
            for i in range(40)]  # fmt: skip
    fm.write_csv(tmp_path / "n.csv", shifted(rows, amap))
    assert import_file(engine, Kind.HOUSES, tmp_path / "n.csv", crs="EPSG:4326").committed


def test_api_and_cli_refuse_then_accept(client, engine, db_url, tmp_path, streets, monkeypatch, capsys):
    rows = shifted(true_houses(streets), amap)
    content = fm.write_csv(tmp_path / "amap.csv", rows).read_bytes()
    files = {"file": ("amap.csv", content, "text/csv")}
    before = digest(engine)
    r = client.post("/api/v1/imports/houses", files=files, data={"crs": "EPSG:4326"})
    assert r.status_code == 422 and digest(engine) == before
    body = r.json()
    assert body["errors_by_code"] == {"crs_suspected": 1} and "GCJ-02" in body["errors"][0]["message"]
    r = client.post("/api/v1/imports/houses", files=files, data={"crs": "EPSG:4326", "trust_crs": "true"})
    assert r.status_code == 200 and r.json()["warnings_by_code"]["crs_suspected_trusted"] == 1

    from service.cli import main
    from service.core.settings import get_settings
    from tests.factories import make_account

    with engine.begin() as conn:
        conn.execute(text("TRUNCATE house CASCADE"))
    monkeypatch.setenv("DATABASE_URL", db_url.render_as_string(hide_password=False))
    monkeypatch.setenv("SPOTCHECK_DEMO_ENABLED", "false")
    get_settings.cache_clear()
    try:
        office = make_account(engine, "crs-cli", "province")
        path = str(tmp_path / "amap.csv")
        assert main(["import", "houses", path, "--crs", "EPSG:4326", "--by", office.username]) == 1
        out = capsys.readouterr().out
        assert "nothing imported" in out and "--crs GCJ-02" in out and "crs_suspected" in out
        assert count(engine, "SELECT count(*) FROM house") == 0
        assert main(["import", "houses", path, "--crs", "GCJ-02", "--by", office.username]) == 0
        assert "导入成功" in capsys.readouterr().out
    finally:
        get_settings.cache_clear()
    assert count(engine, "SELECT count(*) FROM house") == len(rows)
