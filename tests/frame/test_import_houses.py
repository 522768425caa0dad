"""House imports end to end on PostGIS: every format, every CRS, upserts with history, location checks,
and every malformed input leaving the database exactly as it was."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from geo.gcj02 import wgs84_to_gcj02
from service.frame.importing.fields import Kind
from service.frame.importing.pipeline import import_file
from tests import filemakers as fm
from tests.dbcheck import count, digest


def inner_points(engine, codes: list[str]) -> dict[str, tuple[float, float, str]]:
    """A point well inside each county (its point on surface), with the county's name."""
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT code, ST_X(p), ST_Y(p), name FROM (SELECT code, name, ST_PointOnSurface(geom) AS p "
                 "FROM division WHERE code = ANY(:codes)) AS q"),
            {"codes": codes},
        ).all()  # fmt: skip
    return {code: (x, y, name) for code, x, y, name in rows}


@pytest.fixture
def places(engine):
    return inner_points(engine, ["620102", "620103", "620402", "621202", "620201"])


def make_rows(places, n: int = 10, **overrides) -> list[dict]:
    rows = []
    codes = sorted(places)
    for i in range(n):
        x, y, name = places[codes[i % len(codes)]]
        row = {
            "自建房排查编码": f"6201-{i:05d}",
            "经度": round(x + (i // len(codes)) * 1e-4, 6),
            "纬度": round(y, 6),
            "县区": name,
            "详细地址": f"测试路{i}号",
            "房屋用途": ["经营性自建房", "自住兼经营性", "其他自建房"][i % 3],
            "经营范围": ["餐饮饭店", "民宿宾馆", None][i % 3],
            "结构类型": ["砖混", "钢筋混凝土", "土木·石木"][i % 3],
            "层数": 1 + i % 5,
            "建成年份": 1975 + i * 4,
            "改扩建情况": "楼顶加层、夹层" if i % 4 == 0 else None,
            "隐患初判": ["存在严重安全隐患", "存在一定安全隐患"][i % 2],
            "隐患等级": ["存在倒塌风险", "一般安全隐患"][i % 2],
            "鉴定等级": ["D级", "B"][i % 2],
            "整治状态": ["整治中", "已整治"][i % 2],
            "整治措施": ["停止使用、人员撤离", "维修加固"][i % 2],
            "隐患认定日期": "2024-03-01",
        }
        row.update(overrides)
        rows.append(row)
    return rows


WRITERS = {
    "utf8.csv": lambda p, rows: fm.write_csv(p, rows, encoding="utf-8"),
    "bom.csv": lambda p, rows: fm.write_csv(p, rows, encoding="utf-8-sig"),
    "gbk.csv": lambda p, rows: fm.write_csv(p, rows, encoding="gbk"),
    "houses.xlsx": lambda p, rows: fm.write_xlsx(p, rows),
    "houses.geojson": lambda p, rows: fm.write_geojson(p, rows, fm.points(rows), crs="EPSG:4326"),
    "houses.gpkg": lambda p, rows: fm.write_gpkg(p, rows, fm.points(rows)),
    "gbk_cpg.shp": lambda p, rows: fm.write_shapefile(p, rows, fm.points(rows), encoding="GBK", cpg=True),
    "gbk_nocpg.shp": lambda p, rows: fm.write_shapefile(p, rows, fm.points(rows), encoding="GBK", cpg=False),
}


@pytest.mark.parametrize("name", list(WRITERS))
def test_every_format_imports_the_same_frame(engine, places, tmp_path, name):
    rows = make_rows(places)
    path = tmp_path / name
    WRITERS[name](path, rows)
    crs = None if name.endswith((".geojson", ".gpkg", ".shp")) else "EPSG:4490"
    result = import_file(engine, Kind.HOUSES, path, crs=crs)
    assert result.committed, result.summary()
    assert (result.rows, result.inserted, result.updated) == (10, 10, 0)
    with engine.connect() as conn:
        got = conn.execute(
            text("SELECT survey_code, county_code, use_class, structure, floors_band, build_era, alterations, "
                 "ST_X(geom), ST_Y(geom) FROM house ORDER BY survey_code")
        ).all()  # fmt: skip
    codes = sorted(places)
    for i, row in enumerate(got):
        assert row.county_code == codes[i % len(codes)]  # the county comes from the point
        assert abs(row[7] - rows[i]["经度"]) < 1e-9 and abs(row[8] - rows[i]["纬度"]) < 1e-9
    assert (
        got[0].use_class == "commercial"
        and got[0].structure == "masonry"
        and got[0].floors_band == "below_three"
    )
    assert got[0].alterations == ["rooftop_storey", "mezzanine"]
    assert count(engine, "SELECT count(*) FROM hazard_record WHERE closed_on IS NULL") == 10
    assert count(engine, "SELECT count(*) FROM import_batch") == 1


def test_reimport_updates_and_keeps_history(engine, places, tmp_path):
    rows = make_rows(places, n=6)
    fm.write_csv(tmp_path / "a.csv", rows)
    assert import_file(engine, Kind.HOUSES, tmp_path / "a.csv", crs="EPSG:4490").committed
    with engine.connect() as conn:
        first_ids = dict(conn.execute(text("SELECT survey_code, id FROM house")).all())

    # A year later: house 0's grade improves (a new record), house 1's rectification progresses (same record).
    later = make_rows(places, n=6, **{"隐患认定日期": "2025-03-01"})
    later[0].update(
        {"隐患初判": "存在一定安全隐患", "隐患等级": "一般安全隐患", "鉴定等级": "C", "整治状态": "整治中"}
    )
    later[1].update({"整治状态": "已整治", "是否销号": "是", "销号日期": "2025-04-01"})
    fm.write_csv(tmp_path / "b.csv", later)
    result = import_file(engine, Kind.HOUSES, tmp_path / "b.csv", crs="EPSG:4490")
    assert result.committed and (result.inserted, result.updated) == (0, 6)
    with engine.connect() as conn:
        assert dict(conn.execute(text("SELECT survey_code, id FROM house")).all()) == first_ids
    with engine.connect() as conn:
        history = conn.execute(
            text("SELECT r.id, r.hazard_grade, r.opened_on::text, r.closed_on::text, r.superseded_by "
                 "FROM hazard_record r JOIN house h ON h.id = r.house_id WHERE h.survey_code = :c "
                 "ORDER BY r.opened_on, r.id"),
            {"c": rows[0]["自建房排查编码"]},
        ).all()  # fmt: skip
        progressed = conn.execute(
            text("SELECT count(*), bool_and(closed_out) FROM hazard_record r JOIN house h ON h.id = r.house_id "
                 "WHERE h.survey_code = :c"),
            {"c": rows[1]["自建房排查编码"]},
        ).one()  # fmt: skip
    assert [h.hazard_grade for h in history] == ["collapse_risk", "general"]
    assert history[0].closed_on == "2025-03-01" and history[0].superseded_by == history[1].id
    assert history[1].closed_on is None
    assert tuple(progressed) == (1, True)
    assert count(engine, "SELECT count(*) FROM house") == 6


def test_county_comes_from_the_point_and_a_mismatch_is_reported(engine, places, tmp_path):
    rows = make_rows(places, n=5)
    rows[0]["县区"] = "七里河区"  # the point is in 城关区
    fm.write_csv(tmp_path / "m.csv", rows)
    result = import_file(engine, Kind.HOUSES, tmp_path / "m.csv", crs="EPSG:4490")
    assert result.committed
    warnings = [w for w in result.report.warnings if w["code"] == "county_mismatch"]
    assert len(warnings) == 1 and warnings[0]["row"] == 2 and warnings[0]["value"] == "七里河区"
    with engine.connect() as conn:
        county, declared, flag = conn.execute(
            text("SELECT county_code, declared_county, location_mismatch FROM house WHERE survey_code = :c"),
            {"c": rows[0]["自建房排查编码"]},
        ).one()
    assert (county, declared, flag) == ("620102", "七里河区", True)


def test_gcj02_input_is_converted(engine, places, tmp_path):
    rows = make_rows(places, n=5)
    gcj = [dict(r) for r in rows]
    for r in gcj:
        lon, lat = wgs84_to_gcj02(r["经度"], r["纬度"])
        r["经度"], r["纬度"] = round(float(lon), 7), round(float(lat), 7)
    fm.write_csv(tmp_path / "g.csv", gcj)
    assert import_file(engine, Kind.HOUSES, tmp_path / "g.csv", crs="GCJ-02").committed
    with engine.connect() as conn:
        got = conn.execute(
            text("SELECT ST_X(geom), ST_Y(geom), source_crs FROM house ORDER BY survey_code")
        ).all()
    for (x, y, crs), r in zip(got, rows, strict=True):
        assert abs(x - r["经度"]) < 2e-7 and abs(y - r["纬度"]) < 2e-7 and crs == "GCJ-02"


def test_gcj02_data_declared_as_wgs84_is_flagged(engine, tmp_path):
    # Houses 100 m inside a county's border, shifted as Amap would show them: many land across the border.
    with engine.connect() as conn:
        border = conn.execute(
            text(
                "SELECT ST_X(p), ST_Y(p) FROM (SELECT (ST_DumpPoints(ST_Segmentize(ST_Buffer(geom::geography, -100)"
                "::geometry, 0.01))).geom AS p FROM division WHERE code = '620102') AS q LIMIT 200"
            )
        ).all()
    rows = []
    for i, (x, y) in enumerate(border):
        lon, lat = wgs84_to_gcj02(x, y)
        rows.append({"自建房排查编码": f"G{i:04d}", "经度": float(lon), "纬度": float(lat), "县区": "城关区",
                     "房屋用途": "经营性自建房"})  # fmt: skip
    fm.write_csv(tmp_path / "amap.csv", rows)
    result = import_file(engine, Kind.HOUSES, tmp_path / "amap.csv", crs="EPSG:4326")
    codes = result.report.warning_counts
    assert codes["county_mismatch"] >= 5
    assert codes["gcj02_suspected"] == 1


def test_gauss_kruger_input(engine, places, tmp_path):
    from pyproj import Transformer

    to_gk = Transformer.from_crs(4490, 4543, always_xy=True)
    rows = make_rows(places, n=5)
    gk = []
    for r in rows:
        e, n = to_gk.transform(r["经度"], r["纬度"])
        gk.append(
            {k: v for k, v in r.items() if k not in ("经度", "纬度")}
            | {"东坐标": round(e, 3), "北坐标": round(n, 3)}
        )
    fm.write_xlsx(tmp_path / "gk.xlsx", gk)
    result = import_file(engine, Kind.HOUSES, tmp_path / "gk.xlsx", crs="EPSG:4543")
    assert result.committed, result.summary()
    with engine.connect() as conn:
        got = conn.execute(text("SELECT ST_X(geom), ST_Y(geom) FROM house ORDER BY survey_code")).all()
    for (x, y), r in zip(got, rows, strict=True):
        assert abs(x - r["经度"]) < 1e-7 and abs(y - r["纬度"]) < 1e-7


def test_mapping_file_for_other_spellings(engine, places, tmp_path):
    rows = [{("房屋唯一码" if k == "自建房排查编码" else "用途分类" if k == "房屋用途" else k): v
             for k, v in r.items()} for r in make_rows(places, n=3)]  # fmt: skip
    for r in rows:
        r["用途分类"] = {"经营性自建房": "商用", "自住兼经营性": "商住", "其他自建房": "住宅"}[r["用途分类"]]
    fm.write_csv(tmp_path / "x.csv", rows)
    without = import_file(engine, Kind.HOUSES, tmp_path / "x.csv", crs="EPSG:4490")
    assert not without.committed and without.report.error_counts["missing_column"] == 2
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({
        "columns": {"房屋唯一码": "survey_code", "用途分类": "use_class"},
        "values": {"use_class": {"商用": "commercial", "商住": "mixed", "住宅": "non_commercial"}},
    }, ensure_ascii=False), encoding="utf-8")  # fmt: skip
    result = import_file(engine, Kind.HOUSES, tmp_path / "x.csv", crs="EPSG:4490", mapping_file=mapping)
    assert result.committed, result.summary()
    assert count(engine, "SELECT count(*) FROM house WHERE use_class = 'mixed'") == 1


# Malformed input: a clear error, and the database exactly as it was -----------------------------------


def _bad_rows(places, mutate) -> list[dict]:
    rows = make_rows(places, n=6)
    mutate(rows)
    return rows


MALFORMED = {
    "bad_number": (lambda r: r[2].update({"经度": "一百零三"}), "bad_number", 4, "经度"),
    "out_of_range": (lambda r: r[1].update({"纬度": 136.5}), "bad_coordinate", 3, "纬度"),
    "swapped": (
        lambda r: r[3].update({"经度": r[3]["纬度"], "纬度": r[3]["经度"]}),
        "swapped_coordinates",
        5,
        "经度",
    ),
    "outside_gansu": (lambda r: r[0].update({"经度": 116.397, "纬度": 39.909}), "outside_gansu", 2, "经度"),
    # In Gansu's bounding box but in Qinghai: only the polygons can tell.
    "outside_polygons": (lambda r: r[4].update({"经度": 101.78, "纬度": 36.62}), "outside_gansu", 6, "经度"),
    "duplicate": (
        lambda r: r[5].update({"自建房排查编码": r[1]["自建房排查编码"]}),
        "duplicate_code",
        7,
        "自建房排查编码",
    ),
    "bad_enum": (lambda r: r[2].update({"结构类型": "茅草"}), "bad_value", 4, "结构类型"),
    "required": (lambda r: r[2].update({"房屋用途": None}), "required", 4, "房屋用途"),
    "bad_date": (lambda r: r[1].update({"隐患认定日期": "去年"}), "bad_date", 3, "隐患认定日期"),
    "inconsistent": (
        lambda r: r[0].update({"鉴定等级": "Dsu", "鉴定标准": "JGJ 125-2016"}),
        "inconsistent",
        2,
        "鉴定等级",
    ),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_rows_change_nothing(engine, places, tmp_path, case):
    mutate, code, row, column = MALFORMED[case]
    seed = [dict(r, **{"自建房排查编码": f"SEED{i}"}) for i, r in enumerate(make_rows(places, n=3))]
    fm.write_csv(tmp_path / "seed.csv", seed)
    assert import_file(engine, Kind.HOUSES, tmp_path / "seed.csv", crs="EPSG:4490").committed
    before = digest(engine)
    fm.write_csv(tmp_path / "bad.csv", _bad_rows(places, mutate))
    result = import_file(engine, Kind.HOUSES, tmp_path / "bad.csv", crs="EPSG:4490")
    assert not result.committed
    assert digest(engine) == before
    errors = result.report.errors
    assert any(e["code"] == code and e["row"] == row and e["column"] == column for e in errors), errors
    assert all(e["message"] for e in errors)


FILE_LEVEL = {
    "empty": (lambda p, rows: fm.write_bytes(p.with_suffix(".csv"), b""), "empty_file"),
    "header_only": (lambda p, rows: fm.write_header_only(p.with_suffix(".csv")), "no_rows"),
    "bad_encoding": (
        lambda p, rows: fm.write_csv_with_bad_line(p.with_suffix(".csv"), rows, bad_index=4),
        "bad_encoding",
    ),
    "missing_column": (
        lambda p, rows: fm.write_csv(
            p.with_suffix(".csv"), [{k: v for k, v in r.items() if k != "纬度"} for r in rows]
        ),
        "missing_column",
    ),
    "xls": (lambda p, rows: fm.write_fake_xls(p.with_suffix(".xls")), "unsupported_format"),
}


@pytest.mark.parametrize("case", list(FILE_LEVEL))
def test_malformed_files_change_nothing(engine, places, tmp_path, case):
    write, code = FILE_LEVEL[case]
    before = digest(engine)
    write(tmp_path / "bad", make_rows(places, n=6))
    path = next(p for p in tmp_path.iterdir() if p.name.startswith("bad"))
    result = import_file(engine, Kind.HOUSES, path, crs="EPSG:4490")
    assert not result.committed
    assert result.report.error_counts[code] >= 1, result.summary()
    assert digest(engine) == before


def test_tabular_file_needs_a_declared_crs(engine, places, tmp_path):
    fm.write_csv(tmp_path / "h.csv", make_rows(places, n=2))
    result = import_file(engine, Kind.HOUSES, tmp_path / "h.csv")
    assert not result.committed and "EPSG:4490" in result.report.errors[0]["message"]


def test_report_csv_is_excel_friendly(engine, places, tmp_path):
    fm.write_csv(tmp_path / "bad.csv", _bad_rows(places, MALFORMED["bad_enum"][0]))
    result = import_file(engine, Kind.HOUSES, tmp_path / "bad.csv", crs="EPSG:4490")
    report = result.report.to_csv()
    assert report.startswith("\ufeff类别,行号,列,值,代码,说明")
    assert "茅草" in report and "bad_value" in report


def test_streams_in_chunks(engine, places, tmp_path):
    rows = make_rows(places, n=25)
    fm.write_csv(tmp_path / "h.csv", rows)
    result = import_file(engine, Kind.HOUSES, tmp_path / "h.csv", crs="EPSG:4490", chunk_rows=4)
    assert result.committed and result.inserted == 25
    assert count(engine, "SELECT count(DISTINCT survey_code) FROM house") == 25


def test_repeat_in_a_later_chunk_changes_nothing(engine, places, tmp_path):
    """The first chunks go straight into house; a code repeated chunks later is refused there, and the
    staging path names the row."""
    rows = make_rows(places, n=25)
    rows[20]["自建房排查编码"] = rows[1]["自建房排查编码"]
    fm.write_csv(tmp_path / "h.csv", rows)
    before = digest(engine)
    result = import_file(engine, Kind.HOUSES, tmp_path / "h.csv", crs="EPSG:4490", chunk_rows=4)
    assert not result.committed
    assert [(e["row"], e["code"]) for e in result.report.errors] == [(22, "duplicate_code")]
    assert digest(engine) == before


def _house_and_hazard_rows(engine) -> tuple[list, list]:
    with engine.connect() as conn:
        houses = conn.execute(
            text("SELECT survey_code, census_no, county_code, township_code, village, address, ST_AsEWKT(geom), "
                 "source_crs, use_class, business_type, area_type, structure, floors, floors_band, floor_area_m2, "
                 "build_year, build_era, alterations, geohazards, declared_county, declared_township, "
                 "location_mismatch, synthetic FROM house ORDER BY survey_code")
        ).all()  # fmt: skip
        hazards = conn.execute(
            text("SELECT h.survey_code, r.record_code, r.initial_determination, r.hazard_grade, r.appraisal_status, "
                 "r.appraisal_standard, r.appraisal_grade, r.rectification_status, r.rectification_deadline, "
                 "r.measures, r.closed_out, r.closed_out_on, r.opened_on, r.closed_on, r.synthetic "
                 "FROM hazard_record AS r JOIN house AS h ON h.id = r.house_id ORDER BY h.survey_code")
        ).all()  # fmt: skip
    return houses, hazards


def test_direct_and_staged_paths_write_the_same(engine, places, tmp_path, monkeypatch):
    """New houses go straight into house; known ones through staging. Both write the same rows."""
    from service.frame.importing import pipeline

    rows = make_rows(places, n=12)
    rows[2]["县区"] = places["620402"][2] if rows[2]["县区"] != places["620402"][2] else places["620102"][2]
    for i in (4, 7):
        rows[i].update({"隐患初判": "未发现安全隐患", "隐患等级": None, "鉴定等级": None, "整治状态": None,
                        "整治措施": None})  # fmt: skip
    fm.write_csv(tmp_path / "h.csv", rows)

    direct = import_file(engine, Kind.HOUSES, tmp_path / "h.csv", crs="EPSG:4490", chunk_rows=5)
    assert direct.committed and direct.inserted == 12, direct.summary()
    written = _house_and_hazard_rows(engine)
    assert any(h.location_mismatch for h in written[0]) and len(written[1]) == 10
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM house"))

    monkeypatch.setattr(pipeline._HouseImport, "_copy_new_houses", lambda self, chunk: False)
    staged = import_file(engine, Kind.HOUSES, tmp_path / "h.csv", crs="EPSG:4490", chunk_rows=5)
    assert staged.committed and staged.inserted == 12, staged.summary()
    assert _house_and_hazard_rows(engine) == written


def _house_indexes(engine) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        return conn.execute(
            text("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'house' ORDER BY indexname")
        ).all()


def test_bulk_load_rebuilds_the_indexes_it_dropped(engine, places, tmp_path, monkeypatch):
    from service.frame.importing import pipeline

    rebuilt: list[list[str]] = []
    restore = pipeline.restore_indexes
    monkeypatch.setattr(
        pipeline, "restore_indexes", lambda conn, defs: (rebuilt.append(defs), restore(conn, defs))
    )
    monkeypatch.setattr(pipeline._HouseImport, "BULK_MIN_ROWS", 8)
    indexes = _house_indexes(engine)

    fm.write_csv(tmp_path / "h.csv", make_rows(places, n=25))
    result = import_file(engine, Kind.HOUSES, tmp_path / "h.csv", crs="EPSG:4490", chunk_rows=4)
    assert result.committed and result.inserted == 25
    assert [len(d) for d in rebuilt] == [3]  # GiST on the point, county, township; the unique ones stayed
    assert _house_indexes(engine) == indexes
    with engine.connect() as conn:  # the rebuilt GiST index serves the proximity refresh and queries
        near = conn.execute(
            text("SELECT count(*) FROM house WHERE ST_DWithin(geom, (SELECT geom FROM house LIMIT 1), 0.01)")
        ).scalar_one()
    assert near >= 1

    # A bulk load that fails keeps the indexes: the drop is part of the rolled-back transaction.
    bad = [dict(r, **{"自建房排查编码": f"B{i}"}) for i, r in enumerate(make_rows(places, n=40))]
    bad[37]["结构类型"] = "茅草"
    fm.write_csv(tmp_path / "bad.csv", bad)
    before = digest(engine)
    monkeypatch.setattr(pipeline._HouseImport, "BULK_MIN_ROWS", 4)
    result = import_file(engine, Kind.HOUSES, tmp_path / "bad.csv", crs="EPSG:4490", chunk_rows=4)
    assert not result.committed and digest(engine) == before
    assert _house_indexes(engine) == indexes


def test_bulk_load_does_not_wait_for_readers(engine, places, tmp_path, monkeypatch):
    """A reader holding house keeps its indexes: the load goes on without dropping them."""
    import functools

    from service.frame.importing import pipeline

    monkeypatch.setattr(pipeline._HouseImport, "BULK_MIN_ROWS", 4)
    monkeypatch.setattr(
        pipeline,
        "defer_secondary_indexes",
        functools.partial(pipeline.defer_secondary_indexes, lock_timeout="50ms"),
    )
    fm.write_csv(tmp_path / "h.csv", make_rows(places, n=12))
    with engine.connect() as reader:
        reader.execute(text("SELECT count(*) FROM house"))  # holds its lock until the transaction ends
        result = import_file(engine, Kind.HOUSES, tmp_path / "h.csv", crs="EPSG:4490", chunk_rows=4)
        reader.rollback()
    assert result.committed and result.inserted == 12
    assert len(_house_indexes(engine)) == 5


def test_statistics_of_emptied_tables_are_renewed(engine, places, tmp_path):
    """Statistics that say "empty" of a table with pages would make each chunk's joins quadratic; the
    import analyzes such tables once its first chunk is in."""
    fm.write_csv(tmp_path / "a.csv", make_rows(places, n=12))
    assert import_file(engine, Kind.HOUSES, tmp_path / "a.csv", crs="EPSG:4490").committed
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("DELETE FROM house"))
        conn.execute(text("ANALYZE house, hazard_record"))
        stale = conn.execute(
            text("SELECT relname FROM pg_class WHERE relname IN ('house', 'hazard_record') "
                 "AND reltuples = 0 AND relpages > 0 ORDER BY relname")
        ).scalars().all()  # fmt: skip
    assert stale == ["hazard_record", "house"]
    fm.write_csv(
        tmp_path / "b.csv",
        [dict(r, **{"自建房排查编码": f"N{i}"}) for i, r in enumerate(make_rows(places, n=12))],
    )
    assert import_file(engine, Kind.HOUSES, tmp_path / "b.csv", crs="EPSG:4490", chunk_rows=4).committed
    with engine.connect() as conn:
        assert (
            conn.execute(
                text("SELECT min(reltuples) FROM pg_class WHERE relname IN ('house', 'hazard_record')")
            ).scalar_one()
            > 0
        )
