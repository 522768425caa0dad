"""The row-level report of an import: errors (which stop it) and warnings (which do not).

Every entry names the row a person sees in the file, the column as headed in the file, the value, a
stable machine code, and a Chinese sentence saying what to do. Detail is capped; counts are not.
"""

from __future__ import annotations

import csv
import io
import threading
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

DETAIL_LIMIT = 1000

# Stable codes and what they mean, for documentation and the API.
ERROR_CODES: dict[str, str] = {
    "missing_column": "缺少必需的列",
    "required": "必填项为空",
    "bad_number": "不是有效的数字",
    "bad_integer": "不是有效的整数",
    "bad_date": "不是有效的日期",
    "bad_value": "不在规定的取值范围内",
    "bad_bool": "不是“是/否”",
    "bad_grade": "鉴定等级无效",
    "inconsistent": "与同一行其他字段矛盾",
    "bad_coordinate": "坐标超出有效范围",
    "swapped_coordinates": "经纬度疑似颠倒",
    "outside_gansu": "坐标不在甘肃省境内",
    "duplicate_code": "编码在文件中重复",
    "no_geometry": "缺少几何图形",
    "not_polygon": "几何图形不是面",
    "invalid_polygon": "面几何无效（自相交等）",
    "unknown_township": "乡镇代码不在国家统计局区划代码中",
    "bad_crs": "声明的坐标系不受支持",
    "bad_character": "含有空字符（NUL）等不允许的字符",
    "crs_suspected": "坐标系统性偏出填报乡镇，按另一坐标系换算后落回：很可能不是声明的坐标系",
    # File-level codes from the readers (service.importing.readers.ReadError).
    "empty_file": "文件为空",
    "no_header": "找不到表头行",
    "no_rows": "文件没有数据行",
    "bad_encoding": "文件编码无法识别（应为 UTF-8 或 GBK）",
    "unsupported_format": "不支持的文件格式",
    "unreadable": "文件无法读取",
    "missing_sidecar": "Shapefile 缺少 .shx 或 .dbf",
    "bad_geometry": "几何图形无法解析",
    "duplicate_header": "表头重复",
    "unknown_layer": "找不到指定的工作表或图层",
    "layer_required": "文件含多个图层，须指定其一",
    "file": "文件无法读取",
}
WARNING_CODES: dict[str, str] = {
    "county_mismatch": "坐标所在县区与填报县区不一致（以坐标为准）",
    "township_mismatch": "坐标所在乡镇与填报乡镇不一致（以坐标为准）",
    "unknown_declared_county": "填报的县区名称无法识别",
    "gcj02_suspected": "坐标疑似为 GCJ-02（高德/腾讯）却声明为 WGS84/CGCS2000",
    "hazard_grade_derived": "隐患等级未填，按鉴定等级推定",
    "rectification_status_defaulted": "整治状态未填，按“待整治”处理",
    "polygon_outside_county": "乡镇面超出所属县区边界",
    "crs_overridden": "声明的坐标系与文件自带坐标系不同，以声明为准",
    "ignored_columns": "以下列未使用",
    "header_row": "表头不在第 1 行（或为两行表头）：报告说明用作表头的行",
    "crs_suspected_trusted": "坐标疑似为另一坐标系，已按声明导入（导入时确认了坐标系）",
}


@dataclass
class Report:
    """Errors and warnings of one import."""

    errors: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    error_counts: Counter = field(default_factory=Counter)
    warning_counts: Counter = field(default_factory=Counter)
    # The import's writer thread reports too (duplicates across chunks).
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def error(self, row: int | None, column: str | None, value: object, code: str, message: str) -> None:
        """Record one error."""
        with self._lock:
            self.error_counts[code] += 1
            if len(self.errors) < DETAIL_LIMIT:
                self.errors.append(_entry(row, column, value, code, message))

    def errors_where(
        self, mask: np.ndarray, rows: np.ndarray, column: str | None, values, code: str, message: str
    ) -> None:
        """Record one error per row selected by ``mask`` (vectorised callers)."""
        idx = np.flatnonzero(mask)
        if len(idx) == 0:
            return
        with self._lock:
            self.error_counts[code] += len(idx)
            room = DETAIL_LIMIT - len(self.errors)
            for i in idx[: max(room, 0)]:
                value = values[i] if values is not None else None
                self.errors.append(_entry(int(rows[i]), column, value, code, message))

    def warning(self, row: int | None, column: str | None, value: object, code: str, message: str) -> None:
        """Record one warning."""
        with self._lock:
            self.warning_counts[code] += 1
            if len(self.warnings) < DETAIL_LIMIT:
                self.warnings.append(_entry(row, column, value, code, message))

    @property
    def ok(self) -> bool:
        """Whether the import may be committed."""
        return not any(self.error_counts.values())

    def summary(self) -> dict:
        """Counts and capped detail, as the API returns them."""
        return {
            "error_count": sum(self.error_counts.values()),
            "warning_count": sum(self.warning_counts.values()),
            "errors_by_code": {k: v for k, v in self.error_counts.items() if v},
            "warnings_by_code": {k: v for k, v in self.warning_counts.items() if v},
            "errors": sorted(self.errors, key=_order),
            "warnings": sorted(self.warnings, key=_order),
            "detail_limit": DETAIL_LIMIT,
        }

    def to_csv(self) -> str:
        """The report as CSV with Chinese headers (UTF-8 with BOM, so that Excel opens it right)."""
        out = io.StringIO()
        out.write("\ufeff")
        writer = csv.writer(out)
        writer.writerow(["类别", "行号", "列", "值", "代码", "说明"])
        for kind, entries in (("错误", self.errors), ("警告", self.warnings)):
            for e in sorted(entries, key=_order):
                writer.writerow(
                    [kind, e["row"] or "", e["column"] or "", e["value"] or "", e["code"], e["message"]]
                )
        return out.getvalue()


def _order(entry: dict) -> tuple:
    return (entry["row"] or 0, entry["column"] or "", entry["code"])


def _entry(row, column, value, code, message) -> dict:
    if value is not None and not isinstance(value, str):
        value = str(value)
    return {"row": row, "column": column, "value": value, "code": code, "message": message}
