"""The Excel (.xlsx) reader: openpyxl's read-only row iterator, within the unpacking limits."""

from __future__ import annotations

import itertools
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from service.core.settings import SecuritySettings
from service.frame.importing.headers import SCAN_ROWS, Matcher, choose_header
from service.frame.importing.limits import check_dimension, check_xlsx, counted_cells
from service.frame.importing.readers.common import (
    Chunk,
    FileFormat,
    ReadError,
    SourceInfo,
    _empty_file,
    _frame,
    _printable,
    _scrub,
    _settle_headers,
    _value_text,
)

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls / .et (Compound File Binary)
_ZIP_MAGIC = b"PK"
_XML_INVALID_TOKEN = 4  # expat: a character XML forbids, such as a raw NUL
_XML_BAD_CHAR_REF = 14  # expat: "&#0;" and the like


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
