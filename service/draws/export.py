"""Exports of a draw for the groups in the field: Excel with Chinese headers, CSV, GeoJSON.

The houses are those the draw recorded, as they were at the house draw (``sql/export.sql`` reads
draw_house_record), so a published draw's lists never change with a later import. Text from imported files
reaches spreadsheets: a cell that a spreadsheet would read as a formula (beginning with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return) is written with a leading apostrophe in CSV and xlsx.
"""

from __future__ import annotations

import io
import json

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy.orm import Session

from service.accounts.scope import EVERYTHING, Scope
from service.core.queries import SqlFiles
from service.draws.service import DRAW_STATUS, REPLACEMENT_REASONS, get_draw

# Column -> Chinese header, in export order.
HEADERS = {
    "group_name": "组别", "firm": "第三方机构", "city_name": "市州", "unit_name": "县区", "unit_code": "县区代码",
    "role": "类别", "position": "顺序", "survey_code": "自建房排查编码", "township_name": "乡镇（街道）",
    "village": "村（社区）", "address": "详细地址", "use_class": "房屋用途", "commercial": "经营性",
    "hazard_grade": "隐患等级", "rectification_status": "整治状态", "stratum": "抽样层",
    "house_probability": "单元内入样概率", "unit_probability": "县区入样概率", "lon": "经度（CGCS2000）",
    "lat": "纬度（CGCS2000）", "replaced_by": "已被替换为", "replaced_reason": "被替换原因", "replaces": "替换的样本",
    "synthetic": "合成数据",
}  # fmt: skip

SQL = SqlFiles("service.draws")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

LABELS = {"role": {"sample": "样本", "replacement": "备选"}, "replaced_reason": REPLACEMENT_REASONS}


def draw_table(session: Session, draw_id: int, scope: Scope = EVERYTHING) -> pd.DataFrame:
    """Every drawn and replacement house of a draw, one row each, ready for export."""
    get_draw(session, draw_id)
    rows = session.execute(SQL.one("export"), {"d": draw_id, **scope.params()}).mappings().all()
    return pd.DataFrame(rows, columns=list(HEADERS))


def _labelled(frame: pd.DataFrame) -> pd.DataFrame:
    from geo.enums import HazardGrade, RectificationStatus, UseClass

    out = frame.copy()
    out["role"] = out["role"].map(LABELS["role"])
    out["replaced_reason"] = out["replaced_reason"].map(LABELS["replaced_reason"])
    for column, enum in (
        ("use_class", UseClass),
        ("hazard_grade", HazardGrade),
        ("rectification_status", RectificationStatus),
    ):
        out[column] = out[column].map(lambda v, e=enum: e(v).label if isinstance(v, str) else v)
    for column in ("commercial", "synthetic"):
        out[column] = out[column].map({True: "是", False: "否"})
    return out.rename(columns=HEADERS).map(neutralised)


def neutralised(value: object) -> object:
    """Text a spreadsheet would take for a formula, made plain text by a leading apostrophe."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def to_xlsx(session: Session, draw_id: int, scope: Scope = EVERYTHING) -> bytes:
    """An Excel workbook: one sheet of houses, one of units, one of the draw's record."""
    draw = get_draw(session, draw_id)
    table = _labelled(draw_table(session, draw_id, scope))
    book = Workbook()
    sheet = book.active
    sheet.title = "抽样房屋"
    sheet.append(list(table.columns))
    for row in table.itertuples(index=False):
        sheet.append([None if pd.isna(v) else v for v in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    record = book.create_sheet("抽样记录")
    for key, value in (
        ("抽样编号", draw.id), ("方案编号", draw.plan_id), ("随机种子", draw.seed), ("算法版本", draw.algorithm_version),
        ("抽样框摘要(SHA-256)", draw.frame_digest), ("抽样框房屋数", draw.frame_size), ("结果摘要(SHA-256)", draw.result_digest),
        ("状态", DRAW_STATUS.get(draw.status, draw.status)), ("发布时间", str(draw.published_at or "")), ("坐标系", "CGCS2000 经纬度 (EPSG:4490)"),
        ("替换原因代码", "；".join(f"{k}={v}" for k, v in REPLACEMENT_REASONS.items())),
    ):  # fmt: skip
        record.append([key, neutralised(value)])  # the seed is text a person typed
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_csv(session: Session, draw_id: int, scope: Scope = EVERYTHING) -> bytes:
    """CSV with Chinese headers, UTF-8 with BOM so that Excel opens it correctly."""
    return _labelled(draw_table(session, draw_id, scope)).to_csv(index=False).encode("utf-8-sig")


def to_geojson(session: Session, draw_id: int, scope: Scope = EVERYTHING) -> bytes:
    """GeoJSON of the drawn and replacement houses (CGCS2000 lon/lat), with codes, not labels."""
    table = draw_table(session, draw_id, scope)
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(r["lon"], 7), round(r["lat"], 7)]},
            "properties": {k: (None if pd.isna(v) else v) for k, v in r.items() if k not in ("lon", "lat")},
        }
        for r in table.to_dict(orient="records")
    ]
    return json.dumps(
        {"type": "FeatureCollection", "features": features}, ensure_ascii=False, default=str
    ).encode("utf-8")


# Each export format: its writer and its media type (the API and the CLI both pick from here).
WRITERS = {
    "xlsx": (to_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "csv": (to_csv, "text/csv; charset=utf-8"),
    "geojson": (to_geojson, "application/geo+json"),
}
