"""The export for the national platform's verification module (核查管理模块): an xlsx with one row per
inspected house of a draw, the columns documented in docs/national_export.md (a test reads that table).

**Which rows.** The draw's approved inspections (with ``include_submitted`` also those submitted and
awaiting review), within the caller's scope (``sql/export_rows.sql``), sorted by county, township, survey
code and inspection id.

**Idempotent.** The same data gives a byte-identical file: the workbook's created/modified properties are
the latest change of the exported inspections (``updated_at``, and the control measures recorded for them
later; the draw's creation when there is none),
never the time of the export, and the zip is rewritten with a fixed entry time (1980-01-01 00:00:00, the
zip epoch), fixed attributes and openpyxl's own (deterministic) entry order.

**Safe text.** A text cell beginning with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return) is
written as a string cell with Excel's quote prefix, so no spreadsheet takes it for a formula and the value
itself is unchanged.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.packaging.core import DocumentProperties
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.xml.functions import tostring
from sqlalchemy.orm import Session

from geo import inspection_form as forms
from geo.gansu import PROVINCE_CODE
from geo.inspection_results import RESULT_LABELS, controlled, result_class
from service.accounts.scope import EVERYTHING, Scope
from service.core.queries import SqlFiles
from service.draws.queries import visible_draw

SQL = SqlFiles("service.inspections")
TZ = ZoneInfo("Asia/Shanghai")
MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
SHEET = "核查结果"
YES_NO = {True: "是", False: "否"}


def _choices(form: dict) -> dict[str, dict[str, str]]:
    """Field name -> code -> Chinese label, from the resolved form (one vocabulary, the form's)."""
    out = {}
    for section in form["sections"]:
        for f in section["fields"]:
            if f.get("choices"):
                out[f["name"]] = {c["code"]: c["label"] for c in f["choices"]}
    return out


def _yes_no(value: object) -> str | None:
    return YES_NO.get(value) if isinstance(value, bool) else None


class _Row:
    """One inspection as the columns read it: the SQL row, its summary and answers, the form's labels."""

    def __init__(self, row: dict, labels: dict[str, dict[str, str]], record_labels: dict[str, str]) -> None:
        self.r = row
        self.s = row["summary"] if isinstance(row["summary"], dict) else {}
        self.a = row["answers"] if isinstance(row["answers"], dict) else {}
        self.labels = labels
        self.record_labels = record_labels
        on_form = self.a.get("control_measures") if isinstance(self.a.get("control_measures"), list) else []
        taken = set(on_form) | set(row.get("recorded_measures") or [])
        order = list(labels.get("control_measures", {}))
        # The form's measures and those recorded later (service/followup), in the form's order.
        self.measures = sorted(taken, key=lambda m: (order.index(m) if m in order else len(order), m))

    def label(self, field: str, code: object) -> str | None:
        if code is None:
            return None
        return self.labels.get(field, {}).get(code, str(code)) if isinstance(code, str) else str(code)

    def control(self) -> str | None:
        if not self.s.get("collapse_risk") and not self.measures:
            return None
        return "、".join(self.label("control_measures", m) or "" for m in self.measures) or "无"

    def date(self) -> str | None:
        at = self.r["submitted_at"]
        return at.astimezone(TZ).date().isoformat() if at else None

    def mismatches(self) -> str | None:
        wrong = self.s.get("record_mismatches")
        if not isinstance(wrong, list):
            return None
        return "、".join(self.record_labels.get(w, w) for w in wrong) or None

    def appraisal(self) -> str | None:
        status = self.a.get("appraisal_status_observed")
        if status is None:
            return None
        text = self.label("appraisal_status_observed", status)
        if status == "done":
            grade = self.label("appraisal_grade", self.a.get("appraisal_grade"))
            standard = self.label("appraisal_standard", self.a.get("appraisal_standard"))
            detail = "，".join(x for x in (grade, standard) if x)
            text += f"（{detail}）" if detail else ""
        return text

    def conclusion(self) -> str:
        later = self.r.get("recorded_measures") or ()
        return RESULT_LABELS[result_class(self.s, controlled(self.a.get("control_measures"), later))]

    def nature(self) -> str:
        return "合成" if self.r["synthetic"] or self.r["house_synthetic"] else "真实"


def _round(value: object) -> float | None:
    return round(float(value), 7) if value is not None else None


# (Chinese header, value of a row, number format or None), in column order (docs/national_export.md).
COLUMNS: list[tuple[str, Callable[[_Row], object], str | None]] = [
    ("自建房排查编码", lambda x: x.r["survey_code"], None),
    ("省级区划代码", lambda x: PROVINCE_CODE, None),
    ("省", lambda x: "甘肃省", None),
    ("市级区划代码", lambda x: x.r["city_code"], None),
    ("市（州）", lambda x: x.r["city_name"], None),
    ("县级区划代码", lambda x: x.r["county_code"], None),
    ("县（市、区）", lambda x: x.r["county_name"], None),
    ("乡镇区划代码", lambda x: x.r["township_code"], None),
    ("乡镇（街道）", lambda x: x.r["township_name"], None),
    ("村（社区）", lambda x: x.r["village"], None),
    ("地址", lambda x: x.r["address"], None),
    ("检查日期", _Row.date, None),
    ("检查机构", lambda x: x.r["firm_name"], None),
    ("检查组", lambda x: x.r["team_name"], None),
    ("检查员", lambda x: x.r["inspector"], None),
    ("审核状态", lambda x: {"approved": "审核通过", "submitted": "已提交待审核"}.get(x.r["status"]), None),
    ("审核人", lambda x: x.r["reviewer"], None),
    ("信息是否准确", lambda x: _yes_no(x.s.get("record_accurate")), None),
    ("信息有误的项目", _Row.mismatches, None),
    ("隐患判定是否准确", lambda x: _yes_no(x.s.get("hazard_correct")), None),
    ("现场隐患判定", lambda x: x.label("hazard_observed", x.s.get("hazard_determination")), None),
    (
        "整治状态（现场）",
        lambda x: x.label("rectification_observed", x.s.get("rectification_observed")),
        None,
    ),
    ("是否数字整治", lambda x: _yes_no(x.s.get("paper_rectification")), None),
    ("鉴定情况", _Row.appraisal, None),
    ("是否存在倒塌风险", lambda x: _yes_no(x.s.get("collapse_risk")), None),
    ("管控措施", _Row.control, None),
    ("漏排房屋数", lambda x: x.s.get("missed_houses"), "0"),
    ("平台是否已更新", lambda x: _yes_no(x.s.get("platform_updated")), None),
    ("检查结论", _Row.conclusion, None),
    ("经度（CGCS2000）", lambda x: _round(x.r["lon"]), "0.0000000"),
    ("纬度（CGCS2000）", lambda x: _round(x.r["lat"]), "0.0000000"),
    ("数据性质", _Row.nature, None),
    ("检查记录编号", lambda x: x.r["id"], "0"),
]
HEADERS = [h for h, _, _ in COLUMNS]


def _rows(session: Session, draw_id: int, include_submitted: bool, scope: Scope) -> list[dict]:
    """The SQL rows of the export (the draw's visibility checked by the caller)."""
    statuses = ["approved", "submitted"] if include_submitted else ["approved"]
    params = {"draw_id": draw_id, "statuses": statuses, **scope.params()}
    return [dict(r) for r in session.execute(SQL.one("export_rows"), params).mappings()]


def _put(sheet, row: int, col: int, value: object, number_format: str | None = None) -> None:
    cell = sheet.cell(row=row, column=col)
    if value is None:
        return
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.data_type = "s"  # openpyxl reads a leading "=" as a formula: kept as text
        cell.quotePrefix = True
    if number_format:
        cell.number_format = number_format


def to_xlsx(
    session: Session, draw_id: int, include_submitted: bool = False, scope: Scope = EVERYTHING
) -> bytes:
    """The workbook: sheet 核查结果 (one row per inspected house), sheet 说明 (what was exported)."""
    draw = visible_draw(session, scope, draw_id)  # 404 for a draw outside the scope
    rows = _rows(session, draw_id, include_submitted, scope)
    form = forms.load_form()
    labels = _choices(form)
    record_labels = {f["name"]: f["label"] for f in form["registry_fields"]}
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    for col, header in enumerate(HEADERS, start=1):
        _put(sheet, 1, col, header)
        sheet.cell(row=1, column=col).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(col)].width = max(10, 2 * len(header) + 2)
    for i, raw in enumerate(rows, start=2):
        row = _Row(raw, labels, record_labels)
        for col, (_, value, fmt) in enumerate(COLUMNS, start=1):
            _put(sheet, i, col, value(row), fmt)
    sheet.freeze_panes = "B2"
    changed = max(
        (t for r in rows for t in (r["updated_at"], r["measures_changed"]) if t), default=draw.created_at
    )
    about = book.create_sheet("说明")
    for key, value in (
        ("数据", "自建房安全专项整治抽查评估 入户核查结果（供全国自建房信息归集平台核查管理模块）"),
        ("抽样编号", draw.id), ("随机种子", draw.seed), ("范围", scope.label),
        ("包含", "审核通过及已提交待审核的检查" if include_submitted else "审核通过的检查"),
        ("记录数", len(rows)), ("数据最后更新", changed.astimezone(TZ).isoformat(timespec="seconds")),
        ("坐标系", "CGCS2000 经纬度 (EPSG:4490)"), ("列说明", "docs/national_export.md"),
        ("数据性质", "合成：合成演示数据，非真实房屋；真实：平台房屋"),
    ):  # fmt: skip
        about.append([key, None])
        _put(about, about.max_row, 2, value)
    return _deterministic(book, changed)


def _deterministic(book: Workbook, changed: dt.datetime) -> bytes:
    """Save, then rewrite the zip: core properties dated by the data, fixed entry times and attributes."""
    stamp = changed.astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)
    book.properties = DocumentProperties(creator="spotcheck", lastModifiedBy="spotcheck", created=stamp,
                                         modified=stamp, title="入户核查结果")  # fmt: skip
    raw = io.BytesIO()
    book.save(raw)  # openpyxl sets properties.modified to now: replaced below
    book.properties.modified = stamp
    core = tostring(book.properties.to_tree())
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = core if info.filename == "docProps/core.xml" else src.read(info.filename)
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            entry.create_system = 3
            dst.writestr(entry, data)
    return out.getvalue()
