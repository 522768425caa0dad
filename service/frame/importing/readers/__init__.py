"""Streamed reading of user files (Excel, CSV, GeoJSON, GeoPackage, Shapefile) into chunks of raw text.

A reader only turns a file into a stream of :class:`Chunk` objects: every attribute as text exactly as the
file has it (numbers without Excel display formatting, dates as ISO text, empty cells as ``None``), plus the
geometry for GIS layers. Mapping headers onto fields, parsing values and validating them happen later.

Nothing here reads a whole file into memory: CSV goes through pandas' chunked parser, Excel through
openpyxl's read-only row iterator, GIS layers through GDAL's Arrow stream (``pyogrio.raw.open_arrow``).
File-level problems raise :class:`ReadError` with a stable ``code`` and a message (Chinese, plus English)
that says what is wrong and what to do.

This module holds the entry points (:func:`detect_format`, :func:`open_source`) and the tunables; the readers
live in ``csvfile`` (CSV), ``xlsx`` (Excel), ``gis`` (GeoJSON, GeoPackage, Shapefile through GDAL) with
``shapefile`` (sidecars, .dbf encoding), ``encoding`` (text encodings) and ``common`` (the types, ReadError and
shared helpers).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

from service.core.settings import SecuritySettings
from service.frame.importing.headers import Matcher
from service.frame.importing.limits import check_zip_file

# The readers' modules; the names callers use are re-exported here (``X as X``: kept importable from
# ``service.frame.importing.readers`` as before the package was split).
from service.frame.importing.readers.common import Chunk, FileFormat, ReadError, SourceInfo, _empty_file
from service.frame.importing.readers.common import nul_error as nul_error
from service.frame.importing.readers.csvfile import _open_csv
from service.frame.importing.readers.encoding import ENCODINGS as ENCODINGS
from service.frame.importing.readers.encoding import _detect_text_encoding as _detect_text_encoding
from service.frame.importing.readers.encoding import _normalise_encoding
from service.frame.importing.readers.gis import _open_gis, _refuse_escaped_nul
from service.frame.importing.readers.shapefile import _zip_shapefile_member
from service.frame.importing.readers.xlsx import _open_xlsx

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
