"""Importing road networks: formats, class and speed fields, declared CRS, all or nothing, API, audit."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from sqlalchemy import text

from geo.gcj02 import wgs84_to_gcj02
from service.roads.importing import RoadImportError
from tests.factories import make_account
from tests.roads.conftest import NE, SW, import_file, square_lines, write


def _counts(engine) -> tuple[int, int, int]:
    with engine.connect() as conn:
        return tuple(conn.execute(text(
            "SELECT (SELECT count(*) FROM road_network), (SELECT count(*) FROM road_edge), "
            "(SELECT count(*) FROM road_vertex)")).one())  # fmt: skip


@pytest.mark.parametrize("suffix", [".geojson", ".gpkg", ".zip"])
def test_each_format_with_a_class_field(engine, tmp_path, suffix):
    built = import_file(engine, write(square_lines(), tmp_path / f"roads{suffix}"))
    assert (built.lines, built.edges, built.vertices, built.components) == (5, 5, 4, 1)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT road_class, speed_kmh, name FROM road_edge ORDER BY line_no")).all()
        assert [(r.road_class, r.speed_kmh) for r in rows] == [("county", 50.0)] * 4 + [("national", 70.0)]
        assert rows[0].name == "路0"


def test_speed_field_and_osm_classes_and_crossings_are_noded(engine, tmp_path):
    # Two lines crossing in their middles (no shared vertex) and a third ending on the first one's interior.
    lines = [((103.80, 36.00), (103.82, 36.00)), ((103.81, 35.99), (103.81, 36.01)),
             ((103.805, 36.00), (103.805, 36.01))]  # fmt: skip
    gdf = gpd.GeoDataFrame({"highway": ["primary", "track", "residential"], "maxspeed": ["80", "", "20 km/h"]},
                           geometry=[shapely.LineString(p) for p in lines], crs="EPSG:4326")  # fmt: skip
    built = import_file(engine, write(gdf, tmp_path / "osm.geojson"), crs=None)
    assert built.edges == 3 + 2 + 1 and built.components == 1  # the first line in 3 pieces, the second in 2
    with engine.connect() as conn:
        speeds = conn.execute(text("SELECT line_no, min(speed_kmh), min(road_class) FROM road_edge "
                                   "GROUP BY line_no ORDER BY line_no")).all()  # fmt: skip
    assert [tuple(r) for r in speeds] == [(1, 80.0, "provincial"), (2, 25.0, "village"), (3, 20.0, "urban")]


def test_gcj02_is_converted(engine, tmp_path):
    gdf = square_lines()
    gdf.geometry = shapely.transform(gdf.geometry.to_numpy(), lambda xy: np.column_stack(wgs84_to_gcj02(xy[:, 0], xy[:, 1])))
    import_file(engine, write(gdf, tmp_path / "gcj.geojson"), crs="GCJ-02")
    with engine.connect() as conn:
        far = conn.execute(text(
            "SELECT max((SELECT min(ST_Distance(CAST(v.geom AS geography), CAST(ST_SetSRID(ST_MakePoint(x, y), 4490) "
            "AS geography))) FROM road_vertex AS v)) FROM (VALUES (:a, :b), (:c, :d)) AS p(x, y)"),
            {"a": SW[0], "b": SW[1], "c": NE[0], "d": NE[1]}).scalar()  # fmt: skip
    assert far < 1.0  # back on the WGS84/CGCS2000 corners (GCJ-02 shifts them by hundreds of metres)


def test_a_file_with_an_error_changes_nothing(engine, tmp_path):
    import_file(engine, write(square_lines(), tmp_path / "ok.geojson"))
    before = _counts(engine)
    bad = square_lines()
    bad["速度"] = ["40", "快", "", "", "200"]
    bad.loc[2, "道路等级"] = "不知道"
    with pytest.raises(RoadImportError) as caught:
        import_file(engine, write(bad, tmp_path / "bad.geojson"))
    assert "未导入任何内容" in caught.value.message
    codes = {(e["row"], e["code"]) for e in caught.value.errors}
    assert codes == {(2, "bad_speed"), (3, "unknown_class"), (5, "bad_speed")}
    assert _counts(engine) == before
    outside = gpd.GeoDataFrame({"等级": ["县道"]}, geometry=[shapely.LineString([(80, 30), (80.1, 30)])], crs="EPSG:4490")
    with pytest.raises(RoadImportError) as caught:
        import_file(engine, write(outside, tmp_path / "outside.geojson"))
    assert caught.value.errors[0]["code"] == "outside_gansu"
    assert "坐标不在甘肃省境内（按 EPSG:4490 解读）" in caught.value.errors[0]["message"]
    points = gpd.GeoDataFrame({"等级": ["县道"]}, geometry=[shapely.Point(103.8, 36)], crs="EPSG:4490")
    with pytest.raises(RoadImportError) as caught:
        import_file(engine, write(points, tmp_path / "points.geojson"))
    assert caught.value.errors[0]["code"] == "not_line"
    assert _counts(engine) == before


def test_api_import_list_get_delete_and_audit(client, engine, tmp_path):
    path = write(square_lines(), tmp_path / "roads.gpkg")
    form = {"name": "<b>测试路网</b>", "source": "县交通运输局", "licence": "内部使用", "crs": "EPSG:4490"}
    made = client.post("/api/v1/roads", files={"file": ("roads.gpkg", path.read_bytes())}, data=form)
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["name"] == "<b>测试路网</b>" and body["edges"] == 5 and body["synthetic"] is False
    assert body["imported_by_account_id"] == client.admin.id and body["declared_crs"] == "EPSG:4490"
    listed = client.get("/api/v1/roads").json()
    assert [n["id"] for n in listed] == [body["id"]]
    assert client.get(f"/api/v1/roads/{body['id']}").json()["file_sha256"] == body["file_sha256"]
    assert client.delete(f"/api/v1/roads/{body['id']}").status_code == 204
    assert client.get(f"/api/v1/roads/{body['id']}").status_code == 404
    with engine.connect() as conn:
        actions = conn.execute(text("SELECT action, target_id, account_id FROM audit_event "
                                    "WHERE target_type = 'road_network' ORDER BY id")).all()  # fmt: skip
    assert [(a, t, who) for a, t, who in actions] == [
        ("roads_import", str(body["id"]), client.admin.id), ("roads_delete", str(body["id"]), client.admin.id)]


def test_api_refuses_a_bad_file_in_chinese_and_other_roles(client, engine, tmp_path):
    bad = square_lines()
    bad["道路等级"] = ["县道", None, None, None, None]
    path = write(bad, tmp_path / "bad.geojson")
    form = {"name": "坏路网", "source": "测试", "licence": "CC0"}
    refused = client.post("/api/v1/roads", files={"file": ("bad.geojson", path.read_bytes())}, data=form)
    assert refused.status_code == 422
    body = refused.json()
    assert body["code"] == "road_import_failed" and "错误" in body["message"] and len(body["errors"]) == 4
    county = make_account(engine, "roads-county", "county", scope_code="620102")
    good = write(square_lines(), tmp_path / "good.geojson")
    denied = client.post("/api/v1/roads", files={"file": ("good.geojson", good.read_bytes())}, data=form,
                         headers=county.headers)  # fmt: skip
    assert denied.status_code == 403
    assert client.get("/api/v1/roads", headers=county.headers).status_code == 200  # networks are not secret
    assert _counts(engine)[0] == 0
