"""Limits on what a file may unpack to, checked before a reader opens it (``settings.security``).

An .xlsx is a zip of XML parts: its central directory is checked like any zip (total unpacked size, ratio
of each member), then its shared strings (openpyxl keeps them all in memory) and its cells (the sheet's
``<dimension>`` when it has one, and a running count while the rows are read).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from service.core.errors import TooLarge
from service.core.settings import SecuritySettings
from service.core.uploads import check_zip

__all__ = ["check_dimension", "check_xlsx", "check_zip_file", "counted_cells", "sheet_too_large"]

#: The smallest shared string in sharedStrings.xml (``<si/>``): a part smaller than limit x this is safe.
_SMALLEST_SI = 5
_SST_HEAD = re.compile(rb"<(?:\w+:)?sst\b[^>]*>", re.S)
_SST_COUNT = re.compile(rb'\b(uniqueCount|count)\s*=\s*["\'](\d+)["\']')
_SI = re.compile(rb"<(?:\w+:)?si[\s/>]")
_OVERLAP = 64


def check_zip_file(path: Path, limits: SecuritySettings) -> None:
    """Refuse a zip (a zipped shapefile, an .xlsx) that would unpack beyond the limits; a file that is not a
    zip is left to its reader, which says so."""
    try:
        with zipfile.ZipFile(path) as archive:
            check_zip(archive, path.name, limits)
    except zipfile.BadZipFile:
        return


def check_xlsx(path: Path, limits: SecuritySettings) -> None:
    """The zip limits, then the shared strings: declared in ``<sst count uniqueCount>`` and counted."""
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        return  # the reader reports it
    with archive:
        check_zip(archive, path.name, limits)
        member = next(
            (m for m in archive.infolist() if m.filename.lower().endswith("sharedstrings.xml")), None
        )
        if member is not None:
            _check_shared_strings(archive, member, path.name, limits.xlsx_max_shared_strings)


def _check_shared_strings(archive: zipfile.ZipFile, member: zipfile.ZipInfo, label: str, limit: int) -> None:
    with archive.open(member) as stream:
        head = stream.read(1 << 12)
        found = _SST_HEAD.search(head)
        declared = [int(n) for _, n in _SST_COUNT.findall(found.group(0))] if found else []
        if any(n > limit for n in declared):
            raise _too_many_strings(label, max(declared), limit)
        if member.file_size < limit * _SMALLEST_SI:
            return  # zipfile never yields more than the declared size: it cannot hold more strings
        # The declared counts may be missing or false: count the <si> elements. Each block keeps the last
        # bytes of the one before, so a tag cut between two blocks is counted once, in the later one.
        seen, tail, block = 0, b"", head
        while block:
            data = tail + block
            cut = max(len(data) - _OVERLAP, 0)
            seen += len(_SI.findall(data)) - len(_SI.findall(data, cut))
            if seen > limit:
                raise _too_many_strings(label, seen, limit)
            tail, block = data[cut:], stream.read(1 << 20)
        seen += len(_SI.findall(tail))
        if seen > limit:
            raise _too_many_strings(label, seen, limit)


def _too_many_strings(label: str, count: int, limit: int) -> TooLarge:
    return TooLarge(
        f"Excel 文件「{label}」含有 {count:,} 个以上不同的文本（上限 {limit:,}），未导入。"
        "请按县区拆分成几个文件，或另存为 CSV 后再导入。",
        f"{label} holds {count:,} or more distinct strings (limit {limit:,}). Split it, or save it as CSV.",
    )


def sheet_too_large(label: str, cells: int, limit: int) -> TooLarge:
    """The error for a sheet of more than ``limit`` cells."""
    return TooLarge(
        f"Excel 文件「{label}」的工作表超过 {limit:,} 个单元格（约 {cells:,} 个），未导入。"
        "请删除多余的行列（如整列格式、空白区域），或按县区拆分、另存为 CSV 后再导入。",
        f"The sheet of {label} holds more than {limit:,} cells (about {cells:,}). Remove unused rows and "
        "columns, split the file, or save it as CSV.",
    )


def check_dimension(worksheet: Any, label: str, limit: int) -> None:
    """The sheet's stored ``<dimension>`` (when it has one) must not span more than ``limit`` cells."""
    rows, columns = worksheet.max_row, worksheet.max_column
    if rows and columns:
        cells = (rows - (worksheet.min_row or 1) + 1) * (columns - (worksheet.min_column or 1) + 1)
        if cells > limit:
            raise sheet_too_large(label, cells, limit)


def counted_cells(rows: Iterator[tuple[Any, ...]], label: str, limit: int) -> Iterator[tuple[Any, ...]]:
    """The rows, unchanged, refusing the sheet once more than ``limit`` cells have been read (a blank row
    counts as one: a million of them take time too)."""
    cells = 0
    for values in rows:
        cells += len(values) or 1
        if cells > limit:
            raise sheet_too_large(label, cells, limit)
        yield values
