"""The readers' shared vocabulary: the formats, what a file and a chunk of it are, :class:`ReadError`, and
helpers every reader uses (cell values as text, header cleaning, NUL refusals, scrubbing library messages)."""

from __future__ import annotations

import codecs
import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from service.core.errors import InvalidInput

_UTF8_BOM = codecs.BOM_UTF8


def sniff_bytes() -> int:
    """How many bytes of a text file are looked at to choose its encoding: the package's ``SNIFF_BYTES``,
    read when called (it is tuned there)."""
    from service.frame.importing import readers

    return readers.SNIFF_BYTES


class FileFormat(StrEnum):
    """The file formats an official can bring."""

    XLSX = "xlsx"
    CSV = "csv"
    GEOJSON = "geojson"
    GPKG = "gpkg"
    SHAPEFILE = "shapefile"


@dataclass(frozen=True)
class SourceInfo:
    """What is known about a file before its rows are read."""

    path: Path
    format: FileFormat
    #: Text encoding actually used (csv, shapefile dbf), e.g. "utf-8", "utf-8-sig", "gb18030", "gbk".
    encoding: str | None
    #: GeoPackage layer or Excel sheet name.
    layer: str | None
    #: Headers as in the file, stripped of surrounding whitespace and BOM.
    columns: tuple[str, ...]
    #: The layer's CRS as "EPSG:NNNN" when identifiable, else WKT, else None; None for csv/xlsx.
    crs: str | None
    #: e.g. "Point", "MultiPolygon"; None for csv/xlsx.
    geometry_type: str | None
    #: Total rows if cheaply known (GIS layers: feature count), else None.
    rows: int | None
    #: The row(s) a person sees that hold the header (CSV/Excel: found among the first rows; two when a
    #: group heading row sits over the sub-headings); (1,) for GIS layers.
    header_rows: tuple[int, ...] = (1,)


@dataclass
class Chunk:
    """A block of consecutive rows, every value raw text (``None`` for empty)."""

    #: Object columns of str or None, named exactly as ``SourceInfo.columns``; index 0..n-1.
    frame: pd.DataFrame
    #: Row number a person sees for ``frame.iloc[0]`` (sheet/CSV row with header = 1; GIS: feature number).
    first_row: int
    #: Shapely geometries (object array, one per row, None for null geometry); None for csv/xlsx.
    geometry: np.ndarray | None = None
    #: Row number a person sees for every row (int64, len == len(frame)); blank rows skipped leave gaps.
    row_numbers: np.ndarray | None = field(default=None)
    #: Whether a cell may hold a NUL character (a CSV with a NUL byte): the importer then looks for them.
    may_hold_nul: bool = False

    def __post_init__(self) -> None:
        if self.row_numbers is None:
            self.row_numbers = np.arange(self.first_row, self.first_row + len(self.frame), dtype=np.int64)


class ReadError(InvalidInput):
    """A file that cannot be read as a whole. ``code`` (and ``reason``) is a stable machine code."""

    EMPTY_FILE = "empty_file"
    NO_HEADER = "no_header"
    NO_ROWS = "no_rows"
    BAD_ENCODING = "bad_encoding"
    UNSUPPORTED_FORMAT = "unsupported_format"
    UNREADABLE = "unreadable"
    MISSING_SIDECAR = "missing_sidecar"
    BAD_GEOMETRY = "bad_geometry"
    DUPLICATE_HEADER = "duplicate_header"
    UNKNOWN_LAYER = "unknown_layer"
    LAYER_REQUIRED = "layer_required"
    BAD_CHARACTER = "bad_character"

    CODES = frozenset(
        {
            EMPTY_FILE,
            NO_HEADER,
            NO_ROWS,
            BAD_ENCODING,
            UNSUPPORTED_FORMAT,
            UNREADABLE,
            MISSING_SIDECAR,
            BAD_GEOMETRY,
            DUPLICATE_HEADER,
            UNKNOWN_LAYER,
            LAYER_REQUIRED,
            BAD_CHARACTER,
        }
    )

    def __init__(self, reason: str, message: str, message_en: str, *, row: int | None = None) -> None:
        if reason not in self.CODES:
            raise ValueError(f"unknown ReadError code {reason!r}")
        super().__init__(message, message_en)
        self.reason = reason
        self.code = reason
        #: The row a person sees in the file, when the problem is that of one row.
        self.row = row


def _empty_file(path: Path) -> ReadError:
    return ReadError(
        ReadError.EMPTY_FILE,
        f"文件「{path.name}」是空的。请检查是否选错了文件，或重新导出后再导入。",
        f"{path.name} is empty. Check that you chose the right file, or export it again.",
    )


#: Encodings a user may name (Python's names for them, after ``codecs.lookup``); GB2312 is read as GBK,


def _printable(text: str) -> str:
    """``text`` with control characters (NUL, newlines) shown as ``?``: for quoting user input."""
    return "".join("?" if ord(c) < 32 or c == "\x7f" else c for c in text)


#: An absolute path in a library's message ("/tmp/spotcheck-upload-x/a.gpkg", "/vsizip//tmp/a.zip/b.shp"):
#: only the file name is shown to the user.
_ABSOLUTE_PATH = re.compile(r"(?<![\w.])(?:/vsi\w+/)?(?:/[^/\s'\"]+)+/([^/\s'\"]*)")


def _scrub(detail: object, path: Path | None = None) -> str:
    """A library's error message without the server's paths (the file's own folder first: its name may
    hold spaces)."""
    text = str(detail)
    if path is not None:
        for folder in {str(path.parent), str(path.resolve().parent)}:
            text = text.replace(folder + "/", "")
    return _ABSOLUTE_PATH.sub(r"\1", text)


def _float_text(value: float) -> str | None:
    """Shortest text that reads back as the same float; integral values without ".0"."""
    if math.isnan(value):
        return None
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


_MIDNIGHT = dt.time(0, 0)


def _value_text(value: Any) -> str | None:
    """One cell value (from openpyxl or a Python object) as raw text; empty as None."""
    if value is None:
        return None
    kind = type(value)
    if kind is str:
        return value or None
    if kind is int:
        return str(value)
    if kind is float:
        return _float_text(value)
    if kind is bool:
        return "true" if value else "false"
    if kind is dt.datetime:
        if value.tzinfo is None and value.time() == _MIDNIGHT:
            return value.date().isoformat()
        return value.isoformat()
    if kind is dt.date or kind is dt.time:
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex() or None
    text = str(value)
    return text or None


def _clean_header(name: object) -> str:
    text = _value_text(name) or ""
    return text.replace("\ufeff", "").strip()


def _is_number_text(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _settle_headers(
    path: Path, raw: Sequence[str], *, first_row: int = 1, table: bool = True
) -> tuple[list[str], int]:
    """Cleaned headers (trailing blank ones dropped, inner blanks named) and how many columns are kept.

    ``table`` (CSV/Excel): the row must look like a header. GIS layers may have no attribute at all.
    """
    for index, name in enumerate(raw, 1):
        if isinstance(name, str) and "\x00" in name:
            raise nul_error(path, first_row, f"第 {index} 列的表头", f"the header of column {index}")
    cleaned = [_clean_header(name) for name in raw]
    width = len(cleaned)
    while width and not cleaned[width - 1]:
        width -= 1
    kept = cleaned[:width]
    if not kept and table:
        raise ReadError(
            ReadError.NO_HEADER,
            f"文件「{path.name}」第 {first_row} 行是空的，没有表头。"
            "第一行应为列名（如“自建房排查编码”“经度”“纬度”）。",
            f"{path.name}: row {first_row} is empty, there is no header. The first row must hold the "
            "column names.",
        )
    if table and all(_is_number_text(name) for name in kept if name):
        raise ReadError(
            ReadError.NO_HEADER,
            f"文件「{path.name}」第 {first_row} 行全是数字，不像表头。"
            "第一行应为列名（如“自建房排查编码”“经度”“纬度”），请补上表头后再导入。",
            f"{path.name}: row {first_row} holds only numbers, not column names. Add a header row and "
            "import again.",
        )
    names = [name or f"未命名列{index}" for index, name in enumerate(kept, 1)]
    positions: dict[str, list[int]] = {}
    for index, name in enumerate(names, 1):
        positions.setdefault(name, []).append(index)
    duplicates = {name: cols for name, cols in positions.items() if len(cols) > 1}
    if duplicates:
        zh = "；".join(f"“{name}”（第 {'、'.join(map(str, cols))} 列）" for name, cols in duplicates.items())
        en = "; ".join(f"{name!r} (columns {', '.join(map(str, cols))})" for name, cols in duplicates.items())
        raise ReadError(
            ReadError.DUPLICATE_HEADER,
            f"文件「{path.name}」有重复的列名：{zh}。每个列名只能出现一次，请改名或删除多余的列后再导入。",
            f"{path.name} has duplicate column names: {en}. Rename or remove the extra columns.",
        )
    return names, width


def nul_error(path: Path, row: int, where_zh: str = "", where_en: str = "") -> ReadError:
    """A NUL character in row ``row`` (the database stores no NUL; it is a sign of a damaged file)."""
    return ReadError(
        ReadError.BAD_CHARACTER,
        f"文件「{path.name}」第 {row} 行{where_zh}含有空字符（NUL），文件可能已损坏，或编码不对（如不带 BOM 的 UTF-16）。"
        "请删除该字符，或用 Excel/WPS 打开后另存为 .xlsx 或“CSV UTF-8”再导入。",
        f"{path.name}: row {row}{' (' + where_en + ')' if where_en else ''} holds a NUL character; the file "
        "may be damaged or in another encoding. Remove it, or save the file again as .xlsx or UTF-8 CSV.",
        row=row,
    )


def _frame(columns: Sequence[str], data: dict[str, np.ndarray] | list[list[str | None]]) -> pd.DataFrame:
    # dtype=object throughout: pandas 3 would otherwise infer its "str" dtype and turn None into NaN.
    return pd.DataFrame(data, columns=list(columns), dtype=object)
