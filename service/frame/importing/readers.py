"""Streamed reading of user files (Excel, CSV, GeoJSON, GeoPackage, Shapefile) into chunks of raw text.

A reader only turns a file into a stream of :class:`Chunk` objects: every attribute as text exactly as the
file has it (numbers without Excel display formatting, dates as ISO text, empty cells as ``None``), plus the
geometry for GIS layers. Mapping headers onto fields, parsing values and validating them happen later.

Nothing here reads a whole file into memory: CSV goes through pandas' chunked parser, Excel through
openpyxl's read-only row iterator, GIS layers through GDAL's Arrow stream (``pyogrio.raw.open_arrow``).
File-level problems raise :class:`ReadError` with a stable ``code`` and a message (Chinese, plus English)
that says what is wrong and what to do.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import itertools
import json
import math
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyogrio
import shapely
from pyogrio.raw import open_arrow

from service.core.errors import InvalidInput
from service.core.settings import SecuritySettings
from service.frame.importing.headers import SCAN_ROWS, HeaderChoice, Matcher, choose_header, score
from service.frame.importing.limits import check_dimension, check_xlsx, check_zip_file, counted_cells

__all__ = [
    "Chunk",
    "FileFormat",
    "ReadError",
    "SourceInfo",
    "detect_format",
    "open_source",
]

DEFAULT_CHUNK_ROWS = 50_000
#: How many bytes of a text file are looked at to choose its encoding (more only while they are all ASCII).
SNIFF_BYTES = 1 << 20
_UTF8_BOM = codecs.BOM_UTF8
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls / .et (Compound File Binary)
_ZIP_MAGIC = b"PK"
_DELIMITERS = (",", "\t", ";")
_XML_INVALID_TOKEN = 4  # expat: a character XML forbids, such as a raw NUL
_XML_BAD_CHAR_REF = 14  # expat: "&#0;" and the like


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


# --------------------------------------------------------------------------------------------------
# Format detection

_EXTENSIONS: dict[str, FileFormat] = {
    ".xlsx": FileFormat.XLSX,
    ".xlsm": FileFormat.XLSX,
    ".csv": FileFormat.CSV,
    ".txt": FileFormat.CSV,
    ".geojson": FileFormat.GEOJSON,
    ".json": FileFormat.GEOJSON,
    ".gpkg": FileFormat.GPKG,
    ".shp": FileFormat.SHAPEFILE,
}


def detect_format(path: Path) -> FileFormat:
    """The format of ``path`` by its extension; a .zip must hold exactly one shapefile."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in _EXTENSIONS:
        return _EXTENSIONS[suffix]
    if suffix == ".zip":
        _zip_shapefile_member(path)
        return FileFormat.SHAPEFILE
    if suffix in {".xls", ".et", ".ods", ".xlsb"}:
        raise ReadError(
            ReadError.UNSUPPORTED_FORMAT,
            f"不支持 {suffix} 格式的表格文件「{path.name}」。"
            "请在 Excel 或 WPS 中“另存为” .xlsx 格式后再导入。",
            f"{suffix} spreadsheets are not supported ({path.name}). Save the file as .xlsx and import that.",
        )
    if suffix in {".dbf", ".shx", ".prj", ".cpg"}:
        raise ReadError(
            ReadError.UNSUPPORTED_FORMAT,
            f"「{path.name}」是 Shapefile 的附属文件。"
            "请选择同名的 .shp 文件（或把 .shp/.shx/.dbf/.prj 一起打包成 .zip）导入。",
            f"{path.name} is a shapefile sidecar. Import the .shp file with the same name "
            "(or a .zip holding .shp/.shx/.dbf/.prj).",
        )
    raise ReadError(
        ReadError.UNSUPPORTED_FORMAT,
        f"无法识别文件「{path.name}」的格式。支持的格式：Excel（.xlsx）、CSV（.csv）、GeoJSON（.geojson）、"
        "GeoPackage（.gpkg）、Shapefile（.shp 或打包的 .zip）。",
        f"Unrecognised file type: {path.name}. Supported: Excel (.xlsx), CSV (.csv), GeoJSON (.geojson), "
        "GeoPackage (.gpkg), Shapefile (.shp or a zipped shapefile).",
    )


# --------------------------------------------------------------------------------------------------
# Entry point


def open_source(
    path: Path,
    *,
    layer: str | None = None,
    encoding: str | None = None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    limits: SecuritySettings | None = None,
    header_match: Matcher | None = None,
) -> tuple[SourceInfo, Iterator[Chunk]]:
    """Open a user file: its description and a lazy stream of chunks of at most ``chunk_rows`` rows.

    ``header_match`` (CSV/Excel) tells a known heading: the header is then looked for among the first rows
    (below title and unit lines, one or two rows; see :mod:`headers`) instead of taken from the first.

    ``layer`` picks a GeoPackage layer or an Excel sheet; ``encoding`` overrides the detected text
    encoding of a CSV or a shapefile's .dbf. File-level problems (empty file, no data rows, unknown
    encoding, duplicate headers, ...) raise :class:`ReadError` here, before the stream is returned; a
    problem found further into the file (bad bytes at row 800,000, an unparseable geometry) raises it
    while iterating. A file beyond ``limits`` (a zip or an .xlsx that would unpack too far, too many cells or
    shared strings) raises :class:`~service.core.errors.TooLarge`.
    """
    path = Path(path)
    limits = limits or SecuritySettings()
    if chunk_rows < 1:
        raise ValueError("chunk_rows must be at least 1")
    fmt = detect_format(path)
    if not path.is_file():
        raise ReadError(
            ReadError.UNREADABLE,
            f"找不到文件「{path.name}」。请确认文件已上传完整后重试。",
            f"File not found: {path.name}. Check that the upload completed and try again.",
        )
    if path.stat().st_size == 0:
        raise _empty_file(path)
    if encoding is not None:
        encoding = _normalise_encoding(encoding, path)
    if path.suffix.lower() == ".zip":
        check_zip_file(path, limits)
    if fmt is FileFormat.CSV:
        info, chunks = _open_csv(path, encoding, chunk_rows, header_match)
    elif fmt is FileFormat.XLSX:
        info, chunks = _open_xlsx(path, layer, chunk_rows, limits, header_match)
    else:
        if fmt is FileFormat.GEOJSON:
            _refuse_escaped_nul(path)
        info, chunks = _open_gis(path, fmt, layer, encoding, chunk_rows)
    first = next(chunks, None)
    if first is None:
        raise ReadError(
            ReadError.NO_ROWS,
            f"文件「{path.name}」只有表头，没有数据行。请确认导出时包含了数据。",
            f"{path.name} has a header but no data rows. Check that the export included the data.",
        )
    return info, itertools.chain([first], chunks)


# --------------------------------------------------------------------------------------------------
# Shared helpers


def _empty_file(path: Path) -> ReadError:
    return ReadError(
        ReadError.EMPTY_FILE,
        f"文件「{path.name}」是空的。请检查是否选错了文件，或重新导出后再导入。",
        f"{path.name} is empty. Check that you chose the right file, or export it again.",
    )


#: Encodings a user may name (Python's names for them, after ``codecs.lookup``); GB2312 is read as GBK,
#: its superset. Other codecs (base64, rot13, ...) are not text encodings of a table.
ENCODINGS = {"utf-8": "utf-8", "utf-8-sig": "utf-8-sig", "gbk": "gbk", "gb2312": "gbk", "gb18030": "gb18030",
             "big5": "big5", "utf-16": "utf-16", "utf-16-le": "utf-16-le", "utf-16-be": "utf-16-be"}  # fmt: skip
_ENCODING_LIST = "UTF-8、UTF-8-SIG（带 BOM）、GBK（含 GB2312）、GB18030、BIG5、UTF-16"


def _normalise_encoding(encoding: str, path: Path) -> str:
    try:
        name = codecs.lookup(encoding.strip()).name
    except (LookupError, ValueError):  # ValueError: a NUL in the name
        name = None
    if name in ENCODINGS:
        return ENCODINGS[name]
    shown = _printable(encoding)[:40]
    raise ReadError(
        ReadError.BAD_ENCODING,
        f"不认识的文本编码「{shown}」。可用的编码：{_ENCODING_LIST}；不填时自动识别 UTF-8 和 GBK。",
        f"Unknown text encoding {shown!r} for {path.name}. Use one of UTF-8, UTF-8-SIG, GBK (GB2312), "
        "GB18030, BIG5, UTF-16, or leave it empty to detect UTF-8 and GBK.",
    )


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


# --------------------------------------------------------------------------------------------------
# CSV


def _detect_text_encoding(path: Path) -> str:
    """BOM -> utf-8-sig; else strict UTF-8 over the first MB (further while all ASCII); else gb18030.

    A sample that is neither valid UTF-8 nor valid GB18030 (UTF-8 text with a few GBK lines pasted in)
    counts as UTF-8, so that reading reports the line that is not.
    """
    with open(path, "rb") as raw:
        block = raw.read(SNIFF_BYTES)
        if block.startswith(_UTF8_BOM):
            return "utf-8-sig"
        if block.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Excel's "Unicode text" export
            return "utf-16"
        decoder = codecs.getincrementaldecoder("utf-8")("strict")
        while block:
            following = raw.read(SNIFF_BYTES)
            try:
                decoder.decode(block, final=not following)
            except UnicodeDecodeError:
                return "gb18030" if _decodes(block, "gb18030", final=not following) else "utf-8"
            if not block.isascii():
                return "utf-8"
            block = following
    return "utf-8"


def _decodes(sample: bytes, encoding: str, *, final: bool) -> bool:
    try:
        codecs.getincrementaldecoder(encoding)("strict").decode(sample, final=final)
    except UnicodeDecodeError:
        return False
    return True


def _bad_line(path: Path, encoding: str) -> int | None:
    """The 1-based line of the first bytes that do not decode (newlines never sit inside a character)."""
    if encoding.startswith("utf-16"):  # b"\n" is not a line break there
        return None
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    line_no = 0
    with open(path, "rb") as raw:
        for line_no, line in enumerate(raw, 1):  # noqa: B007 - used after the loop
            try:
                decoder.decode(line)
            except UnicodeDecodeError:
                return line_no
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return line_no
    return None


def _encoding_label(encoding: str) -> str:
    return {"utf-8": "UTF-8", "utf-8-sig": "UTF-8（带 BOM）", "gb18030": "GBK/GB18030", "gbk": "GBK"}.get(
        encoding, encoding
    )


def _bad_encoding(path: Path, encoding: str, line: int | None) -> ReadError:
    where_zh = f"第 {line} 行附近" if line else "文件中"
    where_en = f"around line {line}" if line else "somewhere in the file"
    label = _encoding_label(encoding)
    return ReadError(
        ReadError.BAD_ENCODING,
        f"文件编码无法识别：「{path.name}」{where_zh}不是有效的 {label} 文本（文件其余部分按 {label} 读取）。"
        "请检查该行是否有乱码，或用 Excel/WPS 将文件另存为“CSV UTF-8（逗号分隔）”后再导入。",
        f"Cannot decode {path.name}: {where_en} the bytes are not valid {encoding} "
        "(the encoding used for the rest of the file). "
        "Fix that line or save the file as UTF-8 CSV and import again.",
    )


def _sniff_delimiter(line: str) -> str:
    counts = {delimiter: line.count(delimiter) for delimiter in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])  # ties keep the first: the comma
    return best if counts[best] else ","


def _csv_header(text: IO[str], sniffed: str, match: Matcher) -> tuple[str, HeaderChoice] | None:
    """The delimiter and header that find the most known headings in the first rows (the sniffed delimiter
    wins ties: a title line may hold no delimiter at all)."""
    found = []
    for delimiter in (sniffed, *(d for d in _DELIMITERS if d != sniffed)):
        text.seek(0)
        head = list(enumerate(itertools.islice(csv.reader(text, delimiter=delimiter), SCAN_ROWS), 1))
        choice = choose_header(head, match)
        if choice is not None:
            found.append((score(choice.cells, match), delimiter == sniffed, delimiter, choice))
    text.seek(0)
    if not found:
        return None
    _, _, delimiter, choice = max(found, key=lambda f: (f[0], f[1]))
    return delimiter, choice


def _open_csv(
    path: Path, encoding: str | None, chunk_rows: int, match: Matcher | None = None
) -> tuple[SourceInfo, Iterator[Chunk]]:
    with open(path, "rb") as raw:
        head = raw.read(SNIFF_BYTES)
        at_end = not raw.read(1)
    if at_end and not head.removeprefix(_UTF8_BOM).strip(b" \t\r\n\x00\xff\xfe"):
        raise _empty_file(path)
    encoding = encoding or _detect_text_encoding(path)
    try:
        with open(path, encoding=encoding, newline="", errors="strict") as text:
            first_line = text.readline()
            text.seek(0)
            delimiter = _sniff_delimiter(first_line)
            found = _csv_header(text, delimiter, match) if match is not None else None
            if found is None:
                raw_header, header_rows, consumed = next(csv.reader(text, delimiter=delimiter), []), (1,), 1
            else:
                delimiter, choice = found
                raw_header, header_rows, consumed = choice.cells, choice.rows, choice.consumed
    except UnicodeDecodeError:
        raise _bad_encoding(path, encoding, _bad_line(path, encoding)) from None
    except csv.Error as exc:
        raise ReadError(
            ReadError.UNREADABLE,
            f"无法读取「{path.name}」的表头（第 1 行）：{_scrub(exc, path)}。请用 Excel/WPS 打开检查后另存为 CSV。",
            f"Cannot read the header (line 1) of {path.name}: {_scrub(exc, path)}. Open it in Excel and save as CSV again.",
        ) from None
    columns, width = _settle_headers(path, raw_header, first_row=header_rows[0])
    info = SourceInfo(
        path=path,
        format=FileFormat.CSV,
        encoding=encoding,
        layer=None,
        columns=tuple(columns),
        crs=None,
        geometry_type=None,
        rows=None,
        header_rows=header_rows,
    )
    all_names = columns + [f"未命名列{index}" for index in range(width + 1, len(raw_header) + 1)]
    may_hold_nul = encoding.startswith("utf-16") or _has_nul_byte(path)
    return info, _iter_csv(path, encoding, delimiter, columns, all_names, chunk_rows, may_hold_nul, consumed)


def _has_nul_byte(path: Path) -> bool:
    """Whether the file holds a NUL byte (in UTF-8 and GB18030 only a NUL character is one); a fast scan."""
    with open(path, "rb") as raw:
        return any(b"\x00" in block for block in iter(lambda: raw.read(1 << 22), b""))


_PANDAS_LINE = re.compile(r"line (\d+), saw (\d+)")


def _iter_csv(
    path: Path,
    encoding: str,
    delimiter: str,
    columns: list[str],
    all_names: list[str],
    chunk_rows: int,
    may_hold_nul: bool = False,
    skip: int = 1,
) -> Iterator[Chunk]:
    reader = pd.read_csv(
        path,
        sep=delimiter,
        header=None,
        skiprows=skip,
        names=all_names,
        dtype=object,
        na_filter=False,
        keep_default_na=False,
        skip_blank_lines=False,
        encoding=encoding,
        encoding_errors="strict",
        chunksize=chunk_rows,
        engine="c",
    )
    next_row = skip + 1  # the header (and what is above it) takes the first ``skip`` rows
    with reader:
        while True:
            try:
                block = next(reader)
            except StopIteration:
                return
            except UnicodeDecodeError:
                raise _bad_encoding(path, encoding, _bad_line(path, encoding)) from None
            except pd.errors.ParserError as exc:
                raise _csv_parse_error(path, exc, len(columns)) from None
            count = len(block)
            if count == 0:
                continue
            row_numbers = np.arange(next_row, next_row + count, dtype=np.int64)
            next_row += count
            chunk = _text_chunk(block, columns, row_numbers)
            if chunk is not None:
                chunk.may_hold_nul = may_hold_nul
                yield chunk


def _csv_parse_error(path: Path, exc: Exception, width: int) -> ReadError:
    match = _PANDAS_LINE.search(str(exc))
    if match:
        line, seen = match.groups()
        return ReadError(
            ReadError.UNREADABLE,
            f"「{path.name}」第 {line} 行有 {seen} 列，但表头只有 {width} 列。请检查该行是否多了分隔符"
            "（如数值中含逗号时需要用英文双引号括起来）。",
            f"{path.name}: line {line} has {seen} fields but the header has {width}. Check that line for "
            "extra delimiters (quote values that contain commas).",
        )
    return ReadError(
        ReadError.UNREADABLE,
        f"无法读取 CSV 文件「{path.name}」：{_scrub(exc, path)}。请用 Excel/WPS 打开检查后另存为 CSV。",
        f"Cannot parse CSV file {path.name}: {_scrub(exc, path)}. Open it in Excel and save it as CSV again.",
    )


def _text_chunk(block: pd.DataFrame, columns: list[str], row_numbers: np.ndarray) -> Chunk | None:
    """Chunk from a frame of str cells: "" -> None, fully empty rows dropped (row numbers kept)."""
    data: dict[str, np.ndarray] = {}
    blank = np.ones(len(block), dtype=bool)
    for name in columns:
        values = np.array(block[name].to_numpy(dtype=object), dtype=object, copy=True)
        empty = values == ""
        values[empty] = None
        blank &= empty
        data[name] = values
    if blank.any():
        keep = ~blank
        if not keep.any():
            return None
        data = {name: values[keep] for name, values in data.items()}
        row_numbers = row_numbers[keep]
    return Chunk(frame=_frame(columns, data), first_row=int(row_numbers[0]), row_numbers=row_numbers)


# --------------------------------------------------------------------------------------------------
# Excel


def _open_xlsx(
    path: Path, sheet: str | None, chunk_rows: int, limits: SecuritySettings, match: Matcher | None = None
) -> tuple[SourceInfo, Iterator[Chunk]]:
    import openpyxl  # deferred: only Excel imports need it

    with open(path, "rb") as raw:
        magic = raw.read(8)
    if magic.startswith(_OLE_MAGIC):
        raise ReadError(
            ReadError.UNSUPPORTED_FORMAT,
            f"「{path.name}」实际是旧版 Excel 97-2003（.xls）文件。"
            "请在 Excel 或 WPS 中“另存为” .xlsx 格式后再导入。",
            f"{path.name} is really a legacy Excel 97-2003 (.xls) workbook. "
            "Save it as .xlsx and import that.",
        )
    if not magic.startswith(_ZIP_MAGIC):
        raise _unreadable_xlsx(path, "not a zip container")
    check_xlsx(path, limits)  # before openpyxl unpacks anything
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except SyntaxError as exc:  # the XML of a part (shared strings, styles) does not parse
        raise _xlsx_syntax_error(path, exc, None) from None
    except _XLSX_ERRORS as exc:
        raise _unreadable_xlsx(path, exc) from None
    header_row = 0
    try:
        names = list(workbook.sheetnames)
        if sheet is None:
            if not workbook.worksheets:
                raise _unreadable_xlsx(path, "no worksheet")
            worksheet = workbook.worksheets[0]
        elif sheet in names:
            worksheet = workbook[sheet]
        else:
            listed = "、".join(f"“{name}”" for name in names)
            shown = _printable(sheet)[:100]
            raise ReadError(
                ReadError.UNKNOWN_LAYER,
                f"「{path.name}」中没有名为“{shown}”的工作表。可选的工作表：{listed}。",
                f"{path.name} has no sheet named {shown!r}. Sheets: {', '.join(names)}.",
            )
        check_dimension(worksheet, path.name, limits.xlsx_max_cells)
        # The stored dimension ("A1:H100") is often wrong in files from other tools and would cut rows short;
        # the cells are counted as they are read instead.
        worksheet.reset_dimensions()
        rows = counted_cells(
            worksheet.iter_rows(min_row=1, values_only=True), path.name, limits.xlsx_max_cells
        )
        header: Sequence[Any] | None = None
        header_rows: tuple[int, ...] = ()
        choice = None
        if match is not None:
            head, tail = _scan_rows(rows)
            choice = choose_header(head, match)
            if choice is None:
                rows = itertools.chain((values for _, values in head), tail)  # read as before
            else:
                header, header_rows = choice.cells, choice.rows
                header_row = head[choice.consumed - 1][0]  # the data follow this row
                rows = itertools.chain((values for _, values in head[choice.consumed:]), tail)
        if choice is None:
            for header_row, values in enumerate(rows, 1):  # noqa: B007 - used after the loop
                if any(value is not None and value != "" for value in values):
                    header, header_rows = values, (header_row,)
                    break
        if header is None:
            raise _empty_file(path)
        columns, width = _settle_headers(path, list(header), first_row=header_rows[0])
    except SyntaxError as exc:
        workbook.close()
        raise _xlsx_syntax_error(path, exc, header_row + 1) from None
    except _XLSX_ERRORS as exc:
        workbook.close()
        raise _unreadable_xlsx(path, exc) from None
    except BaseException:
        workbook.close()
        raise
    info = SourceInfo(
        path=path,
        format=FileFormat.XLSX,
        encoding=None,
        layer=worksheet.title,
        columns=tuple(columns),
        crs=None,
        geometry_type=None,
        rows=None,
        header_rows=header_rows,
    )
    return info, _iter_xlsx(path, workbook, rows, header_row, columns, width, chunk_rows)


def _scan_rows(rows: Iterator[tuple[Any, ...]]) -> tuple[list[tuple[int, tuple[Any, ...]]], Iterator]:
    """The first rows (numbered) and the rest; XML that breaks off among the first rows is raised when the
    data reach it, so that its row is reported right."""
    head: list[tuple[int, tuple[Any, ...]]] = []
    try:
        for number, values in enumerate(itertools.islice(rows, SCAN_ROWS), 1):
            head.append((number, values))
    except SyntaxError as exc:
        if not head:
            raise
        failure = exc

        def failing() -> Iterator[tuple[Any, ...]]:
            raise failure
            yield  # a generator

        return head, failing()
    return head, rows


def _xlsx_errors() -> tuple[type[BaseException], ...]:
    from openpyxl.utils.exceptions import InvalidFileException

    # A damaged part, a member whose sizes or CRC do not match (zipfile), a value openpyxl cannot type.
    return (InvalidFileException, zipfile.BadZipFile, zlib.error, EOFError, KeyError, OSError, ValueError,
            TypeError)  # fmt: skip


_XLSX_ERRORS = _xlsx_errors()


def _unreadable_xlsx(path: Path, detail: object) -> ReadError:
    return ReadError(
        ReadError.UNREADABLE,
        f"无法打开 Excel 文件「{path.name}」，文件可能已损坏或不是 .xlsx 格式。"
        "请在 Excel/WPS 中打开后另存为 .xlsx 再导入。",
        f"Cannot open the Excel file {path.name} ({_scrub(detail, path)}); it may be damaged or not .xlsx. "
        "Open it in Excel and save it as .xlsx again.",
    )


def _xlsx_syntax_error(path: Path, exc: SyntaxError, row: int | None) -> ReadError:
    """XML that does not parse: a character XML forbids (NUL, other control characters) or damage."""
    if getattr(exc, "code", None) not in (_XML_INVALID_TOKEN, _XML_BAD_CHAR_REF):
        return _unreadable_xlsx(path, exc)
    where_zh, where_en = (f"第 {row} 行", f"row {row}") if row else ("中", "the file")
    return ReadError(
        ReadError.BAD_CHARACTER,
        f"Excel 文件「{path.name}」{where_zh}含有 Excel 不允许的字符（如空字符 NUL 或其他控制字符），文件可能已损坏。"
        "请删除这些字符，或在 Excel/WPS 中打开后另存为 .xlsx 再导入。",
        f"{path.name}: {where_en} holds a character XML forbids (NUL or another control character); the file "
        "may be damaged. Remove it, or open the file in Excel and save it as .xlsx again.",
        row=row,
    )


def _iter_xlsx(
    path: Path,
    workbook: Any,
    rows: Iterator[tuple[Any, ...]],
    header_row: int,
    columns: list[str],
    width: int,
    chunk_rows: int,
) -> Iterator[Chunk]:
    convert = _value_text
    pad = (None,) * width
    row_no = header_row
    try:
        batch: list[list[str | None]] = []
        numbers: list[int] = []
        for row_no, values in enumerate(rows, header_row + 1):  # noqa: B007 - used after the loop
            if len(values) < width:
                values = tuple(values) + pad[: width - len(values)]
            cells = [convert(value) for value in values[:width]]
            if not any(cell is not None for cell in cells):
                continue
            batch.append(cells)
            numbers.append(row_no)
            if len(batch) >= chunk_rows:
                yield _list_chunk(columns, batch, numbers)
                batch, numbers = [], []
        if batch:
            yield _list_chunk(columns, batch, numbers)
    except SyntaxError as exc:  # the rows read so far came out whole: the trouble is in the next one
        raise _xlsx_syntax_error(path, exc, row_no + 1) from None
    except _XLSX_ERRORS as exc:
        raise _unreadable_xlsx(path, exc) from None
    finally:
        workbook.close()


def _list_chunk(columns: list[str], batch: list[list[str | None]], numbers: list[int]) -> Chunk:
    row_numbers = np.asarray(numbers, dtype=np.int64)
    return Chunk(frame=_frame(columns, batch), first_row=int(row_numbers[0]), row_numbers=row_numbers)


# --------------------------------------------------------------------------------------------------
# GIS layers (GeoJSON, GeoPackage, Shapefile) through GDAL's Arrow stream


@dataclass(frozen=True)
class _Shapefile:
    """Where GDAL finds a shapefile and how to open its sidecars (plain files or zip members)."""

    gdal_path: str
    opener: Callable[[str], AbstractContextManager[IO[bytes]] | None]  # ".dbf" -> binary stream or None


def _zip_shapefile_member(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            members = [name for name in archive.namelist() if name.lower().endswith(".shp")]
    except (zipfile.BadZipFile, OSError) as exc:
        raise ReadError(
            ReadError.UNREADABLE,
            f"无法打开压缩包「{path.name}」，文件可能已损坏。请重新打包后再导入。",
            f"Cannot open the zip archive {path.name} ({_scrub(exc, path)}); it may be damaged. Zip the files again.",
        ) from None
    if len(members) == 1:
        return members[0]
    if not members:
        raise ReadError(
            ReadError.UNSUPPORTED_FORMAT,
            f"压缩包「{path.name}」中没有 Shapefile（.shp）文件。"
            "请把 .shp、.shx、.dbf、.prj 一起打包，或直接导入 Excel/CSV/GeoJSON/GeoPackage 文件。",
            f"The zip archive {path.name} holds no shapefile (.shp). Zip .shp/.shx/.dbf/.prj together, or "
            "import the Excel/CSV/GeoJSON/GeoPackage file directly.",
        )
    listed = "、".join(members)
    raise ReadError(
        ReadError.UNSUPPORTED_FORMAT,
        f"压缩包「{path.name}」中有多个 Shapefile（{listed}）。请每个压缩包只放一个 Shapefile。",
        f"The zip archive {path.name} holds several shapefiles ({', '.join(members)}). Zip one per archive.",
    )


def _locate_shapefile(path: Path) -> _Shapefile:
    """Find the .shx/.dbf (and .cpg) of a shapefile; ReadError(missing_sidecar) if .shx or .dbf is absent."""
    if path.suffix.lower() == ".zip":
        member = _zip_shapefile_member(path)
        stem = member[: -len(".shp")]
        with zipfile.ZipFile(path) as archive:
            names = {name.lower(): name for name in archive.namelist()}

        def zip_member(ext: str) -> str | None:
            return names.get((stem + ext).lower())

        def open_zip(ext: str) -> AbstractContextManager[IO[bytes]] | None:
            name = zip_member(ext)
            if name is None:
                return None
            archive = zipfile.ZipFile(path)
            return _ZipMember(archive, name)

        found = zip_member
        shp_name = Path(member).name
        gdal_path = f"/vsizip/{path.resolve()}/{member}"
        opener = open_zip
    else:
        siblings = {p.name.lower(): p for p in path.parent.iterdir()} if path.parent.is_dir() else {}

        def sibling(ext: str) -> Path | None:
            return siblings.get((path.stem + ext).lower())

        def open_sibling(ext: str) -> AbstractContextManager[IO[bytes]] | None:
            found_path = sibling(ext)
            return open(found_path, "rb") if found_path is not None else None

        found = sibling
        shp_name = path.name
        gdal_path = str(path)
        opener = open_sibling
    missing = [ext for ext in (".shx", ".dbf") if found(ext) is None]
    if missing:
        stem_name = shp_name[: -len(".shp")]
        files = "、".join(stem_name + ext for ext in missing)
        raise ReadError(
            ReadError.MISSING_SIDECAR,
            f"Shapefile「{shp_name}」缺少同名的 {files} 文件。Shapefile 由多个文件组成，"
            "请把同名的 .shp、.shx、.dbf、.prj（以及 .cpg）放在一起（或一起打包成 .zip）再导入。",
            f"Shapefile {shp_name} is missing {', '.join(stem_name + ext for ext in missing)}. "
            "A shapefile is several files: keep .shp, .shx, .dbf, .prj (and .cpg) with the same name "
            "together, or zip them.",
        )
    return _Shapefile(gdal_path=gdal_path, opener=opener)


class _ZipMember(AbstractContextManager):
    def __init__(self, archive: zipfile.ZipFile, name: str) -> None:
        self._archive = archive
        self._stream = archive.open(name)

    def __enter__(self) -> IO[bytes]:
        return self._stream

    def __exit__(self, *exc: object) -> None:
        self._stream.close()
        self._archive.close()


_CPG_NAMES = {
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "65001": "utf-8",
    "gbk": "gbk",
    "cp936": "gbk",
    "936": "gbk",
    "gb2312": "gbk",
    "gb18030": "gb18030",
    "54936": "gb18030",
}


def _cpg_encoding(shapefile: _Shapefile) -> str | None:
    opened = shapefile.opener(".cpg")
    if opened is None:
        return None
    with opened as stream:
        text = stream.read(200).decode("ascii", errors="replace").strip()
    if not text:
        return None
    key = text.lower().replace("ansi ", "").replace("_", "-").strip()
    if key in _CPG_NAMES:
        return _CPG_NAMES[key]
    try:
        return codecs.lookup(key).name
    except LookupError:
        return text


def _dbf_field_names(stream: IO[bytes]) -> list[bytes]:
    """The raw field names of a .dbf (up to 11 bytes each, the format cuts longer ones), its header read."""
    header = stream.read(32)
    if len(header) < 32:
        return []
    header_length = int.from_bytes(header[8:10], "little")
    descriptors = stream.read(max(header_length - 32, 0))
    names = []
    for offset in range(0, len(descriptors) - 31, 32):
        if descriptors[offset : offset + 1] == b"\r":
            break
        names.append(descriptors[offset : offset + 11].split(b"\x00", 1)[0])
    return names


def _utf8_prefix(name: bytes) -> bool:
    """Whether ``name`` is UTF-8, allowing a last character cut short (the format cuts names at 10 bytes)."""
    try:
        codecs.getincrementaldecoder("utf-8")("strict").decode(name, final=False)
    except UnicodeDecodeError:
        return False
    return True


def _detect_dbf_encoding(shapefile: _Shapefile) -> str:
    """Strict UTF-8 over the .dbf field names (each may end in a character cut short) and records (first MB,
    further while ASCII), else gb18030."""
    opened = shapefile.opener(".dbf")
    if opened is None:  # checked by _locate_shapefile
        return "utf-8"
    with opened as stream:
        names = _dbf_field_names(stream)
        if not all(_utf8_prefix(name) for name in names):
            return "gb18030"
        decoder = codecs.getincrementaldecoder("utf-8")("strict")
        block = stream.read(SNIFF_BYTES)
        ascii_names = all(name.isascii() for name in names)
        while block:
            following = stream.read(SNIFF_BYTES)
            try:
                decoder.decode(block, final=not following)
            except UnicodeDecodeError:
                return "gb18030"
            if not (ascii_names and block.isascii()):
                return "utf-8"
            block = following
    return "utf-8"


def _names_cut_in_utf8(shapefile: _Shapefile) -> bool:
    """Whether a UTF-8 .dbf has a field name that ends in a character cut short (自建房排查编码 is 21 bytes
    in UTF-8: the format keeps 10, three characters and a third of the fourth)."""
    opened = shapefile.opener(".dbf")
    if opened is None:
        return False
    with opened as stream:
        names = _dbf_field_names(stream)
    return any(not _decodes(name, "utf-8", final=True) for name in names)


#: What reading a layer may raise: GDAL's errors, and a field name or value that does not decode.
_GDAL_ERRORS = (
    pyogrio.errors.DataSourceError,
    pyogrio.errors.DataLayerError,
    pyogrio.errors.FieldError,
    UnicodeDecodeError,
)


def _is_utf8(encoding: str | None) -> bool:
    try:
        return encoding is not None and codecs.lookup(encoding).name in ("utf-8", "utf-8-sig")
    except LookupError:
        return False


def _gis_unreadable(path: Path, exc: Exception) -> ReadError:
    if isinstance(exc, UnicodeDecodeError):
        return ReadError(
            ReadError.BAD_ENCODING,
            f"空间数据文件「{path.name}」中有文字不是有效的 {_encoding_label(exc.encoding)} 编码。"
            "请检查 .cpg 文件所写的编码，或在导入时指定编码（如 GBK），也可用 QGIS 另存为 UTF-8 后再导入。",
            f"{path.name} holds text that is not valid {exc.encoding}. Check the encoding named in the .cpg "
            "file, name the encoding (e.g. GBK) when importing, or save the layer as UTF-8 in QGIS.",
        )
    detail = _scrub(exc, path)
    return ReadError(
        ReadError.UNREADABLE,
        f"无法读取空间数据文件「{path.name}」，文件可能已损坏或格式不对。"
        "请用 QGIS/ArcGIS 打开检查后重新导出。"
        f"（详细信息：{detail}）",
        f"Cannot read the GIS file {path.name}: {detail}. Open it in QGIS/ArcGIS to check, and export it again.",
    )


def _open_gis(
    path: Path,
    fmt: FileFormat,
    layer: str | None,
    encoding: str | None,
    chunk_rows: int,
) -> tuple[SourceInfo, Iterator[Chunk]]:
    gdal_path = str(path)
    used_encoding: str | None = None
    read_encoding: str | None = None
    layer_name: str | None = None
    if fmt is FileFormat.SHAPEFILE:
        shapefile = _locate_shapefile(path)
        gdal_path = shapefile.gdal_path
        if encoding is not None:
            used_encoding = read_encoding = encoding
        else:
            used_encoding = _cpg_encoding(shapefile)
            if used_encoding is None:  # no .cpg: GDAL would fall back to ISO-8859-1
                used_encoding = read_encoding = _detect_dbf_encoding(shapefile)
        if _is_utf8(used_encoding) and _names_cut_in_utf8(shapefile):
            # GDAL passes UTF-8 it takes for its own ("UTF-8") through unchanged, and the cut name would not
            # decode; named "UTF8" it goes through iconv, which drops the character cut short.
            read_encoding = "UTF8"
    elif fmt is FileFormat.GPKG:
        layer_name = _choose_gpkg_layer(path, layer)
    try:
        meta = pyogrio.read_info(gdal_path, layer=layer_name, encoding=read_encoding)
    except _GDAL_ERRORS as exc:
        raise _gis_unreadable(path, exc) from None
    raw_fields = [str(name) for name in meta["fields"]]
    columns, width = _settle_headers(path, raw_fields, table=False)
    if width != len(raw_fields):  # trailing blank field names (cannot happen in GDAL, but be safe)
        columns = columns + [f"未命名列{index}" for index in range(width + 1, len(raw_fields) + 1)]
    features = meta.get("features")
    info = SourceInfo(
        path=path,
        format=fmt,
        encoding=used_encoding,
        layer=layer_name,
        columns=tuple(columns),
        crs=meta.get("crs") or None,
        geometry_type=meta.get("geometry_type") or None,
        rows=int(features) if features is not None and features >= 0 else None,
    )
    if info.rows == 0:
        return info, iter(())
    return info, _iter_gis(path, gdal_path, layer_name, read_encoding, raw_fields, columns, chunk_rows)


def _refuse_escaped_nul(path: Path) -> None:
    """GDAL ends a GeoJSON string at an escaped NUL (``\\u0000``) and would keep the rest silently: such a
    file is refused (a streamed scan; ``\\\\u0000``, an escaped backslash before "u0000", is text)."""
    needle = b"\\u0000"
    tail = b""
    with open(path, "rb") as raw:
        while block := raw.read(1 << 20):
            data = tail + block
            at = data.find(needle)
            while at >= 0:
                before = at
                while before > 0 and data[before - 1] == 0x5C:  # backslashes just before it
                    before -= 1
                if (at - before) % 2 == 0:
                    raise ReadError(
                        ReadError.BAD_CHARACTER,
                        f"GeoJSON 文件「{path.name}」的属性中含有空字符（\\u0000），文件可能已损坏。"
                        "请删除这些字符，或用 QGIS 打开检查后重新导出。",
                        f"The GeoJSON file {path.name} holds a NUL character (\\u0000) in a property. Remove it, "
                        "or check the file in QGIS and export it again.",
                    )
                at = data.find(needle, at + 1)
            tail = data[-64:]


def _choose_gpkg_layer(path: Path, layer: str | None) -> str:
    try:
        layers = [str(name) for name, _ in pyogrio.list_layers(path)]
    except _GDAL_ERRORS as exc:
        raise _gis_unreadable(path, exc) from None
    if not layers:
        raise ReadError(
            ReadError.NO_ROWS,
            f"GeoPackage「{path.name}」中没有任何图层。请确认导出时包含了数据。",
            f"The GeoPackage {path.name} holds no layer. Check that the export included the data.",
        )
    if layer is not None:
        if layer in layers:
            return layer
        listed = "、".join(f"“{name}”" for name in layers)
        shown = _printable(layer)[:100]
        raise ReadError(
            ReadError.UNKNOWN_LAYER,
            f"GeoPackage「{path.name}」中没有名为“{shown}”的图层。可选的图层：{listed}。",
            f"The GeoPackage {path.name} has no layer named {shown!r}. Layers: {', '.join(layers)}.",
        )
    if len(layers) == 1:
        return layers[0]
    listed = "、".join(f"“{name}”" for name in layers)
    raise ReadError(
        ReadError.LAYER_REQUIRED,
        f"GeoPackage「{path.name}」中有多个图层：{listed}。请选择要导入的图层。",
        f"The GeoPackage {path.name} holds several layers ({', '.join(layers)}). Choose the layer to import.",
    )


def _iter_gis(
    path: Path,
    gdal_path: str,
    layer: str | None,
    encoding: str | None,
    raw_fields: list[str],
    columns: list[str],
    chunk_rows: int,
) -> Iterator[Chunk]:
    next_row = 1
    try:
        stream = open_arrow(
            gdal_path,
            layer=layer,
            encoding=encoding,
            batch_size=chunk_rows,
            use_pyarrow=True,
            datetime_as_string=True,
        )
        with stream as (meta, reader):
            geometry_name = meta.get("geometry_name") or "wkb_geometry"
            for batch in reader:
                count = batch.num_rows
                if count == 0:
                    continue
                data = {
                    name: _arrow_text(batch.column(raw))
                    for raw, name in zip(raw_fields, columns, strict=True)
                }
                geometry = _decode_geometry(path, batch, geometry_name, next_row)
                chunk = Chunk(
                    frame=_frame(columns, data) if columns else pd.DataFrame(index=range(count)),
                    first_row=next_row,
                    geometry=geometry,
                )
                next_row += count
                yield chunk
    except _GDAL_ERRORS as exc:
        raise _gis_unreadable(path, exc) from None
    except (OSError, pa.ArrowException) as exc:  # GDAL errors inside the stream surface through pyarrow
        raise _gis_unreadable(path, exc) from None


def _arrow_text(column: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """An Arrow column as an object array of str / None (numbers as shortest round-trip text)."""
    kind = column.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_string_view(kind):
        text = column
    elif pa.types.is_floating(kind):
        text = pc.cast(pc.if_else(pc.is_nan(column), pa.scalar(None, kind), column), pa.string())
    elif (
        pa.types.is_integer(kind)
        or pa.types.is_boolean(kind)
        or pa.types.is_date(kind)
        or pa.types.is_time(kind)
        or pa.types.is_decimal(kind)
    ):
        text = pc.cast(column, pa.string())
    else:  # timestamps, binary, lists, structs: rare, go through Python
        return np.array([_python_text(value) for value in column.to_pylist()] or [], dtype=object)
    values = np.array(text.to_numpy(zero_copy_only=False), dtype=object, copy=True)
    values[values == ""] = None
    return values


def _python_text(value: Any) -> str | None:
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return _value_text(value)


def _decode_geometry(path: Path, batch: pa.RecordBatch, geometry_name: str, first_row: int) -> np.ndarray:
    index = batch.schema.get_field_index(geometry_name)
    if index < 0:
        return np.full(batch.num_rows, None, dtype=object)
    wkb = batch.column(index).to_numpy(zero_copy_only=False)
    try:
        return shapely.from_wkb(wkb, on_invalid="raise")
    except (shapely.errors.GEOSException, TypeError, ValueError):
        for offset, value in enumerate(wkb):
            try:
                shapely.from_wkb(value, on_invalid="raise")
            except (shapely.errors.GEOSException, TypeError, ValueError) as exc:
                feature = first_row + offset
                raise ReadError(
                    ReadError.BAD_GEOMETRY,
                    f"「{path.name}」第 {feature} 个要素的几何图形无法解析，文件可能已损坏。"
                    "请用 QGIS/ArcGIS 检查该要素（可删除或重新绘制）后重新导出。",
                    f"{path.name}: the geometry of feature {feature} cannot be parsed ({_scrub(exc, path)}); "
                    "the file may be damaged. Check that feature in QGIS/ArcGIS and export again.",
                ) from None
        raise
