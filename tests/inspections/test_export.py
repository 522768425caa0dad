"""The export for the national platform's verification module (service/inspections/export.py), read back with
openpyxl: the headers are those of docs/national_export.md's table (parsed here, so the page cannot drift),
one row per inspected house with its values, byte-identical twice across a second, formula-safe text,
synthetic rows labelled, and the scope (a firm its group's houses only; a county office 403)."""

# ruff: noqa: F811  (the field-work fixtures are imported by name and then requested as arguments)

from __future__ import annotations

import datetime as dt
import io
import re
import time
import uuid
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.inspection_results import RESULT_LABELS, result_class
from service.inspections.models import Inspection
from tests.draws.test_estimates_real import SUBMITTED, inspected  # noqa: F401 (fixture)
from tests.factories import make_account
from tests.fieldwork.conftest import field, field_server, field_template, field_url  # noqa: F401 (fixtures)

URL = "/api/v1/inspections/export.xlsx"
DOC = Path(__file__).resolve().parents[2] / "docs" / "national_export.md"
YES_NO = {True: "是", False: "否", None: None}


def documented_columns() -> list[tuple[str, str]]:
    """(column letter, header) of every row of the table under "## Columns"."""
    section = DOC.read_text(encoding="utf-8").split("## Columns", 1)[1]
    return re.findall(r"^\| ([A-Z]{1,2}) \| ([^|]+?) \|", section, flags=re.MULTILINE)


def _export(field, who: str = "prov", **params):
    return field.get(who, URL, params={"draw_id": field.world["draw"], **params})


def _sheet(content: bytes):
    book = load_workbook(io.BytesIO(content))
    return book, book["核查结果"]


def _rows(sheet) -> list[dict]:
    headers = [c.value for c in sheet[1]]
    return [dict(zip(headers, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)]


def test_headers_rows_and_values(field, inspected):
    r = _export(field)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "attachment" in r.headers["content-disposition"]
    book, sheet = _sheet(r.content)
    documented = documented_columns()
    assert len(documented) >= 30
    assert [(get_column_letter(c.column), c.value) for c in sheet[1]] == documented
    assert {
        "自建房排查编码",
        "检查结论",
        "经度（CGCS2000）",
        "纬度（CGCS2000）",
        "数据性质",
        "漏排房屋数",
    } <= {h for _, h in documented}
    rows = _rows(sheet)
    approved = [x for x in inspected["inspections"] if x[2] == "approved"]
    assert len(rows) == len(approved) == len({row["自建房排查编码"] for row in rows})  # one row per house
    assert {row["检查记录编号"] for row in rows} == {inspected["ids"][h] for h, *_ in approved}
    keys = [
        (row["县级区划代码"], row["乡镇区划代码"] or "", row["自建房排查编码"], row["检查记录编号"])
        for row in rows
    ]
    assert keys == sorted(keys)
    with field.engine.connect() as conn:
        houses = {r.id: r for r in conn.execute(text(
            "SELECT id, survey_code, county_code, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM house "
            "WHERE id = ANY(:ids)"), {"ids": [h for h, *_ in approved]})}  # fmt: skip
    by_id = {row["检查记录编号"]: row for row in rows}
    for house_id, unit, _, summary in approved:
        row, house = by_id[inspected["ids"][house_id]], houses[house_id]
        assert row["自建房排查编码"] == house.survey_code and row["县级区划代码"] == unit == house.county_code
        assert (row["省级区划代码"], row["省"], row["市级区划代码"], row["市（州）"]) == (
            "620000",
            "甘肃省",
            "620100",
            "兰州市",
        )
        assert row["信息是否准确"] == YES_NO[summary["record_accurate"]]
        assert row["隐患判定是否准确"] == YES_NO[summary["hazard_correct"]]
        assert row["是否数字整治"] == YES_NO[summary["paper_rectification"]]
        assert row["漏排房屋数"] == summary["missed_houses"]
        assert (
            row["检查结论"] == RESULT_LABELS[result_class(summary, controlled=bool(summary["collapse_risk"]))]
        )
        assert (
            abs(row["经度（CGCS2000）"] - house.lon) < 1e-6
            and abs(row["纬度（CGCS2000）"] - house.lat) < 1e-6
        )
        assert row["数据性质"] == "合成" and row["审核状态"] == "审核通过"
        assert row["检查机构"] == "第一组检测公司" and row["检查组"] in ("甲组", "乙组")
        assert row["检查员"] in ("测试i1", "测试i2") and row["审核人"] == "测试lead"
        assert row["检查日期"] == "2026-12-02"  # Beijing time (UTC: still 1 December)
        if summary["record_accurate"] is False:
            assert row["信息有误的项目"] == "房屋地址"
        else:
            assert row["信息有误的项目"] is None
    assert any(row["漏排房屋数"] == 2 for row in rows) and any(row["信息是否准确"] == "否" for row in rows)
    about = dict(book["说明"].iter_rows(values_only=True))
    assert about["记录数"] == len(rows) and "EPSG:4490" in about["坐标系"]
    # With the submitted ones: one row more, said so.
    more = _rows(_sheet(_export(field, include_submitted="true").content)[1])
    assert len(more) == len(rows) + 1 and {r["审核状态"] for r in more} == {"审核通过", "已提交待审核"}


def test_the_same_data_gives_the_same_bytes(field, inspected):
    first = _export(field).content
    time.sleep(1.1)  # across a second boundary: no clock reaches the file
    second = _export(field).content
    assert first == second
    book, _ = _sheet(first)
    with field.engine.connect() as conn:
        latest = conn.execute(text(
            "SELECT max(updated_at) FROM inspection WHERE status = 'approved' AND draw_id = :d"),
            {"d": field.world["draw"]}).scalar()  # fmt: skip
    stamp = latest.astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)
    assert book.properties.modified == book.properties.created == stamp
    # A change to an exported inspection changes the file.
    with field.engine.begin() as conn:
        conn.execute(text("UPDATE inspection SET summary = jsonb_set(summary, '{missed_houses}', '7'), "
                          "updated_at = updated_at + interval '1 day' WHERE id = :i"),
                     {"i": next(iter(inspected["ids"].values()))})  # fmt: skip
    assert _export(field).content != first


def test_formula_text_is_escaped(field, inspected):
    house = field.world["houses"]["甲组"][0]
    with field.engine.begin() as conn:
        conn.execute(text("UPDATE house SET address = :a, village = :v WHERE id = :h"),
                     {"a": '=HYPERLINK("http://x.example","点击")', "v": "@SUM(A1)", "h": house})  # fmt: skip
    _, sheet = _sheet(_export(field).content)
    headers = [c.value for c in sheet[1]]
    cells = {}
    for row in sheet.iter_rows(min_row=2):
        if row[headers.index("检查记录编号")].value == inspected["ids"][house]:
            cells = {h: row[i] for i, h in enumerate(headers)}
    address, village = cells["地址"], cells["村（社区）"]
    assert (
        address.value == '=HYPERLINK("http://x.example","点击")'
        and address.data_type == "s"
        and address.quotePrefix
    )
    assert village.value == "@SUM(A1)" and village.data_type == "s" and village.quotePrefix
    assert not cells["自建房排查编码"].quotePrefix


def test_scope_firm_sees_its_group_only_and_county_is_refused(field, inspected):
    w = field.world
    # An inspection in 白银区 (620402, 第二组's unit), stored directly: the province and 第二组 see it, 第一组 not.
    with Session(field.engine) as session:
        house = session.execute(text("SELECT house_id FROM draw_house WHERE draw_id = :d AND unit_code = '620402' "
                                     "AND role = 'sample' ORDER BY house_id LIMIT 1"), {"d": w["draw"]}).scalar()  # fmt: skip
        row = Inspection(client_id=uuid.uuid4(), draw_id=w["draw"], house_id=house, team_id=w["teams"]["甲组"],
                         unit_code="620402", form_version="v1", answers={}, summary={"record_accurate": True},
                         status="approved", synthetic=True, version=3, submitted_at=SUBMITTED,
                         created_by_account_id=w["accounts"]["prov"]["id"],
                         updated_by_account_id=w["accounts"]["prov"]["id"])  # fmt: skip
        session.add(row)
        session.commit()
        other_id = row.id
    ids = {
        who: {r["检查记录编号"] for r in _rows(_sheet(_export(field, who).content)[1])}
        for who in ("prov", "lead", "other")
    }
    assert other_id in ids["prov"] and ids["other"] == {other_id}
    assert other_id not in ids["lead"] and ids["lead"] == ids["prov"] - {other_id}
    county = make_account(field.engine, "county_export", "county", scope_code="620102")
    refused = field.client.get(
        URL, params={"draw_id": w["draw"]}, headers={"Authorization": f"Bearer {county.token}"}
    )
    assert refused.status_code == 403
    assert _export(field, "i1").status_code == 403  # an inspector does not review
    assert _export(field, draw_id=999999).status_code == 404
    assert field.get("prov", URL).status_code == 422  # draw_id is required


def test_the_cli_writes_the_same_file(field, field_url, inspected, monkeypatch, tmp_path, capsys):
    from service.cli import main
    from service.core.settings import get_settings

    monkeypatch.setenv("DATABASE_URL", field_url.render_as_string(hide_password=False))
    monkeypatch.setenv("SPOTCHECK_DEMO_ENABLED", "false")
    get_settings.cache_clear()
    try:
        out = tmp_path / "national.xlsx"
        assert main(["inspections", "export", "--draw", str(field.world["draw"]), "--out", str(out)]) == 0
        assert "wrote" in capsys.readouterr().out
        assert out.read_bytes() == _export(field).content  # the province's scope is everything
    finally:
        get_settings.cache_clear()


def test_control_measures_recorded_later_count(field, inspected):
    from service.followup.models import ControlCase, ControlRecord

    w = field.world
    house = w["houses"]["乙组"][0]
    inspection = inspected["ids"][house]
    with field.engine.begin() as conn:  # found at risk of collapse, no measure on the form
        conn.execute(text("UPDATE inspection SET summary = summary || '{\"collapse_risk\": true}', "
                          "answers = answers - 'control_measures' WHERE id = :i"), {"i": inspection})  # fmt: skip

    def row_of(content: bytes) -> dict:
        return next(r for r in _rows(_sheet(content)[1]) if r["检查记录编号"] == inspection)

    before = _export(field).content
    assert (row_of(before)["管控措施"], row_of(before)["检查结论"]) == ("无", "倒塌风险未管控")
    prov = w["accounts"]["prov"]["id"]
    with Session(field.engine) as session:
        case = ControlCase(inspection_id=inspection, draw_id=w["draw"], house_id=house, unit_code="620111",
                           city_code="620100", synthetic=True, opened_by_account_id=prov)  # fmt: skip
        session.add(case)
        session.flush()
        session.add(ControlRecord(case_id=case.id, source="site", measures=["seal_and_warn", "stop_use"],
                                  taken_at=SUBMITTED, responsible="村委会主任", recorded_by_account_id=prov))  # fmt: skip
        session.commit()
    after = _export(field).content
    assert (row_of(after)["管控措施"], row_of(after)["检查结论"]) == ("停止使用、封控警示", "倒塌风险已管控")
    assert after != before and _sheet(after)[0].properties.modified > _sheet(before)[0].properties.modified
