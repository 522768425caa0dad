"""Registers as county offices keep them: title and unit lines above a two-row header, 是否经营性 as the
use class, on PostGIS, through import_file, the API and the CLI."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from service.frame.importing.fields import Kind
from service.frame.importing.pipeline import import_file
from tests import filemakers as fm
from tests.dbcheck import digest

GROUPS = {"房屋位置": ["县区", "乡镇（街道）", "村（社区）"], "坐标": ["经度", "纬度"],
          "隐患情况": ["隐患初判", "隐患等级", "整治状态"]}  # fmt: skip
FLAGS = ["是", "否", "是的", "N", "1", "0", "√", "×", "Y", "否"]


@pytest.fixture
def place(engine) -> tuple[float, float]:
    with engine.connect() as conn:
        return tuple(conn.execute(text("SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) AS p "
                                       "FROM division WHERE code = '620102') AS q")).one())  # fmt: skip


def register_rows(place, n: int = 10, flags=FLAGS) -> list[dict]:
    lon, lat = place
    return [
        {"序号": i + 1, "自建房排查编码": f"REG{i:04d}", "县区": "城关区", "乡镇（街道）": None, "村（社区）": f"{i}村",
         "经度": round(lon + i * 1e-4, 6), "纬度": round(lat, 6), "是否经营性": flags[i % len(flags)],
         "结构类型": "砖混", "层数": 2, "隐患初判": "存在一定安全隐患", "隐患等级": "一般安全隐患", "整治状态": "待整治"}
        for i in range(n)
    ]  # fmt: skip


def stored(engine) -> dict[str, str]:
    with engine.connect() as conn:
        return dict(conn.execute(text("SELECT survey_code, use_class FROM house ORDER BY 1")).all())


def expected(rows) -> dict[str, str]:
    yes = {"是", "是的", "1", "√", "Y"}
    return {r["自建房排查编码"]: "commercial" if r["是否经营性"] in yes else "non_commercial" for r in rows}


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "gbk.csv"])
def test_title_unit_line_and_two_row_header(engine, place, tmp_path, fmt):
    rows = register_rows(place)
    path = tmp_path / f"台账.{fmt}"
    if fmt == "xlsx":
        header_rows = fm.write_register_xlsx(path, rows, GROUPS, column_numbers=True)
    else:
        header_rows = fm.write_register_csv(path, rows, GROUPS, encoding="gbk" if "gbk" in fmt else "utf-8")
    assert header_rows == (4, 5)
    result = import_file(engine, Kind.HOUSES, path, crs="EPSG:4490")
    summary = result.summary()
    assert result.committed, summary["errors"][:3]
    assert summary["source"]["header_rows"] == [4, 5]
    note = next(w for w in summary["warnings"] if w["code"] == "header_row")
    assert note["row"] == 4 and note["message"].startswith("第 4-5 行为表头")
    assert "第 1-3 行" in note["message"] and "两行表头已合并" in note["message"]
    assert "经度" in summary["source"]["columns"] and "房屋位置" not in summary["source"]["columns"]
    assert stored(engine) == expected(rows)


def test_rows_are_numbered_as_the_sheet_shows_them(engine, place, tmp_path):
    rows = register_rows(place, n=4)
    rows[2]["层数"] = "两层"
    fm.write_register_xlsx(tmp_path / "bad.xlsx", rows, GROUPS, column_numbers=True)
    before = digest(engine)
    result = import_file(engine, Kind.HOUSES, tmp_path / "bad.xlsx", crs="EPSG:4490")
    assert not result.committed and digest(engine) == before
    # title 1, unit 2, blank 3, header 4-5, column numbers 6, data from 7: the third house is row 9
    assert [(e["row"], e["column"], e["code"]) for e in result.report.errors] == [(9, "层数", "bad_integer")]


def test_single_header_row_under_a_title_and_header_on_row_one(engine, place, tmp_path):
    rows = register_rows(place, n=3)
    assert fm.write_register_csv(tmp_path / "t.csv", rows, unit=None, blank_rows=0) == (2,)
    result = import_file(engine, Kind.HOUSES, tmp_path / "t.csv", crs="EPSG:4490")
    assert result.committed, result.summary()["errors"][:3]
    assert [w["message"] for w in result.report.warnings if w["code"] == "header_row"] == [
        "第 2 行为表头；第 1 行（标题等说明或空行）未导入。"
    ]
    plain = import_file(engine, Kind.HOUSES, fm.write_csv(tmp_path / "p.csv", rows), crs="EPSG:4490")
    assert plain.committed and plain.source["header_rows"] == [1]
    assert "header_row" not in plain.report.warning_counts


def test_no_header_names_the_expected_columns(engine, place, tmp_path):
    cells = [["XX县台账"], ["编号", "位置X", "位置Y"], ["1", "103.8", "36.0"]]
    before = digest(engine)
    result = import_file(engine, Kind.HOUSES, fm.write_xlsx_cells(tmp_path / "x.xlsx", cells), crs="EPSG:4490")
    assert not result.committed and digest(engine) == before
    [error] = result.report.errors
    assert error["code"] == "no_header"
    for name in ("找不到表头", "自建房排查编码", "经度", "纬度", "房屋用途", "是否经营性", "映射文件"):
        assert name in error["message"], name


def test_commercial_flag_with_and_against_the_use_class(engine, place, tmp_path):
    rows = register_rows(place, n=4, flags=["是", "否", "是", "否"])
    uses = ["经营性自建房", "其他自建房", "自住兼经营性", None]
    for row, use in zip(rows, uses, strict=True):
        row["房屋用途"] = use
    fm.write_csv(tmp_path / "ok.csv", rows)
    assert import_file(engine, Kind.HOUSES, tmp_path / "ok.csv", crs="EPSG:4490").committed
    assert list(stored(engine).values()) == ["commercial", "non_commercial", "mixed", "non_commercial"]

    rows[0]["房屋用途"], rows[1]["房屋用途"] = "其他自建房", "经营性自建房"  # both now disagree
    rows[3]["是否经营性"] = None
    rows[3]["房屋用途"] = None
    fm.write_csv(tmp_path / "bad.csv", rows)
    before = digest(engine)
    result = import_file(engine, Kind.HOUSES, tmp_path / "bad.csv", crs="EPSG:4490")
    assert not result.committed and digest(engine) == before
    got = sorted((e["row"], e["column"], e["code"], e["value"]) for e in result.report.errors)
    assert got == [(2, "是否经营性", "inconsistent", "其他自建房 / 是"), (3, "是否经营性", "inconsistent", "经营性自建房 / 否"),
                   (5, "房屋用途", "required", None)]  # fmt: skip
    assert all("矛盾" in e["message"] for e in result.report.errors if e["code"] == "inconsistent")


def test_unknown_commercial_flag_is_an_error(engine, place, tmp_path):
    rows = register_rows(place, n=2, flags=["也许", "是"])
    fm.write_csv(tmp_path / "f.csv", rows)
    result = import_file(engine, Kind.HOUSES, tmp_path / "f.csv", crs="EPSG:4490")
    assert [(e["row"], e["code"]) for e in result.report.errors] == [(2, "bad_bool")]


def test_register_through_the_api_and_the_cli(client, engine, db_url, place, tmp_path, monkeypatch, capsys):
    rows = register_rows(place, n=6)
    fm.write_register_xlsx(tmp_path / "台账.xlsx", rows, GROUPS)
    files = {"file": ("台账.xlsx", (tmp_path / "台账.xlsx").read_bytes(), "application/octet-stream")}
    r = client.post("/api/v1/imports/houses", files=files, data={"crs": "EPSG:4490"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["source"]["header_rows"] == [4, 5] and body["warnings_by_code"]["header_row"] == 1
    assert stored(engine) == expected(rows)

    from service.cli import main
    from service.core.settings import get_settings
    from tests.factories import make_account

    more = register_rows(place, n=8)[6:]
    fm.write_register_csv(tmp_path / "more.csv", more, GROUPS, encoding="gbk")
    monkeypatch.setenv("DATABASE_URL", db_url.render_as_string(hide_password=False))
    monkeypatch.setenv("SPOTCHECK_DEMO_ENABLED", "false")
    get_settings.cache_clear()
    try:
        office = make_account(engine, "layout-cli", "province")
        assert main(["import", "houses", str(tmp_path / "more.csv"), "--crs", "EPSG:4490", "--by", office.username]) == 0
        out = capsys.readouterr().out
        assert "导入成功" in out and "第 4-5 行为表头" in out
    finally:
        get_settings.cache_clear()
    assert len(stored(engine)) == 8
