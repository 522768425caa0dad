"""Writers of small test files in every import format, and of every malformation a reader must catch.

Rows are ``list[dict[str, object]]`` keyed by the Chinese headers a user's file has (自建房排查编码, 经度,
纬度, 县区, 乡镇（街道）, ...). A ``None`` in place of a row dict writes a blank row (CSV/Excel), so row
numbering can be tested. Everything is deterministic; nothing here needs a database.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import sqlite3
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

Row = dict[str, object]

#: Headers of a typical house table (first rows of the provincial export).
HOUSE_HEADERS = ("自建房排查编码", "经度", "纬度", "县区", "乡镇（街道）", "房屋用途", "结构类型", "层数")

_TOWNS = (("城关区", "皋兰路街道"), ("七里河区", "西园街道"), ("安宁区", "培黎街道"), ("红古区", "海石湾镇"))
_USES = ("经营性", "自住兼经营", "非经营性")
_STRUCTURES = ("砌体", "钢筋混凝土", "土木", "底部框架-抗震墙上部砌体")


def house_rows(n: int = 10, *, start: int = 1) -> list[Row]:
    """``n`` deterministic house rows with Chinese headers; coordinates with six decimals."""
    rows: list[Row] = []
    for i in range(start, start + n):
        county, town = _TOWNS[i % len(_TOWNS)]
        rows.append(
            {
                "自建房排查编码": f"6201020010{i:05d}",
                "经度": round(103.834512 + i * 0.001013, 6),
                "纬度": round(36.061255 + i * 0.000771, 6),
                "县区": county,
                "乡镇（街道）": town,
                "房屋用途": _USES[i % len(_USES)],
                "结构类型": _STRUCTURES[i % len(_STRUCTURES)],
                "层数": 1 + i % 5,
            }
        )
    return rows


def points(rows: Sequence[Row | None], x: str = "经度", y: str = "纬度") -> list[BaseGeometry | None]:
    """Point geometries from the coordinate columns of ``rows`` (None where a coordinate is missing)."""
    out: list[BaseGeometry | None] = []
    for row in rows:
        if row is None or row.get(x) is None or row.get(y) is None:
            out.append(None)
        else:
            out.append(shapely.Point(float(row[x]), float(row[y])))  # type: ignore[arg-type]
    return out


def _headers(rows: Sequence[Row | None], columns: Sequence[str] | None) -> list[str]:
    if columns is not None:
        return list(columns)
    headers: list[str] = []
    for row in rows:
        for key in row or {}:
            if key not in headers:
                headers.append(key)
    return headers


def cell_text(value: object) -> str:
    """How a value is written to a CSV cell: None as empty, floats with repr precision, dates ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


# --------------------------------------------------------------------------------------------------
# CSV


def write_raw_csv(
    path: Path,
    header: Sequence[str],
    data: Iterable[Sequence[object] | None],
    *,
    encoding: str = "utf-8",
    delimiter: str = ",",
    newline: str = "\r\n",
) -> Path:
    """A CSV from a literal header and lists of cells (duplicate/blank headers allowed); None = blank line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    writer.writerow(list(header))
    for cells in data:
        if cells is None:
            buffer.write(newline)
        else:
            writer.writerow([cell_text(value) for value in cells])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_csv(
    path: Path,
    rows: Sequence[Row | None],
    *,
    encoding: str = "utf-8",
    delimiter: str = ",",
    columns: Sequence[str] | None = None,
    newline: str = "\r\n",
) -> Path:
    """A CSV of ``rows`` in ``encoding`` ("utf-8", "utf-8-sig" = with BOM, "gbk"); None rows = blank lines."""
    headers = _headers(rows, columns)
    data = [None if row is None else [row.get(h) for h in headers] for row in rows]
    return write_raw_csv(path, headers, data, encoding=encoding, delimiter=delimiter, newline=newline)


def write_csv_with_bad_line(
    path: Path,
    rows: Sequence[Row],
    *,
    bad_index: int,
    encoding: str = "utf-8",
    bad_encoding: str = "gbk",
) -> int:
    """A CSV in ``encoding`` whose data row ``bad_index`` (0-based) is encoded in ``bad_encoding``.

    Returns the line number of the bad line (header = line 1). The row must contain non-ASCII text.
    """
    headers = _headers(rows, None)
    lines = []
    for index, row in enumerate([None, *rows]):
        buffer = io.StringIO()
        cells = headers if row is None else [cell_text(row.get(h)) for h in headers]
        csv.writer(buffer, lineterminator="\n").writerow(cells)
        lines.append(buffer.getvalue().encode(bad_encoding if index == bad_index + 1 else encoding))
    path.write_bytes(b"".join(lines))
    return bad_index + 2


def write_header_only(path: Path, columns: Sequence[str] = HOUSE_HEADERS, *, encoding: str = "utf-8") -> Path:
    """A CSV (or, by suffix .xlsx, a workbook) with a header row and no data rows."""
    if path.suffix.lower() == ".xlsx":
        return write_xlsx(path, [], columns=columns)
    return write_raw_csv(path, columns, [], encoding=encoding)


def write_duplicate_header(path: Path, *, encoding: str = "utf-8") -> Path:
    """A CSV (or .xlsx by suffix) whose header names 县区 twice (the second with surrounding spaces)."""
    header = ["自建房排查编码", "县区", "经度", " 县区 "]
    data = [["620102001000001", "城关区", 103.834512, "城关区"]]
    if path.suffix.lower() == ".xlsx":
        return write_xlsx_cells(path, [header, *data])
    return write_raw_csv(path, header, data, encoding=encoding)


def write_bytes(path: Path, content: bytes = b"") -> Path:
    """Any literal content: ``b""`` for an empty file, ``codecs.BOM_UTF8`` + whitespace, a fake .xls ..."""
    path.write_bytes(content)
    return path


#: The first bytes of a legacy Excel 97-2003 (.xls, OLE compound file).
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def write_fake_xls(path: Path) -> Path:
    """A file that starts like a legacy .xls workbook (enough for format sniffing)."""
    return write_bytes(path, OLE_MAGIC + b"\x00" * 504)


# --------------------------------------------------------------------------------------------------
# Excel


def write_xlsx_cells(
    path: Path,
    cells: Sequence[Sequence[object] | None],
    *,
    sheet: str = "Sheet1",
    extra_sheets: dict[str, Sequence[Sequence[object] | None]] | None = None,
) -> Path:
    """A workbook from literal rows of cells (the first is the header); None = blank row."""
    from openpyxl import Workbook

    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    _fill(worksheet, cells)
    for name, other in (extra_sheets or {}).items():
        _fill(workbook.create_sheet(name), other)
    workbook.save(path)
    return path


def _fill(worksheet, cells: Sequence[Sequence[object] | None]) -> None:  # worksheet: openpyxl sheet
    for row_no, values in enumerate(cells, 1):
        if values is None:
            continue
        for col_no, value in enumerate(values, 1):
            if value is not None:
                worksheet.cell(row=row_no, column=col_no, value=value)


def write_xlsx(
    path: Path,
    rows: Sequence[Row | None],
    *,
    sheet: str = "Sheet1",
    columns: Sequence[str] | None = None,
    leading_blank_rows: int = 0,
    extra_sheets: dict[str, Sequence[Row | None]] | None = None,
) -> Path:
    """A workbook of ``rows`` (typed cells: numbers stay numbers, dates stay dates); None rows are blank.

    ``leading_blank_rows`` puts blank rows above the header (the header is then not row 1).
    """

    def table(table_rows: Sequence[Row | None], table_columns: Sequence[str] | None) -> list:
        headers = _headers(table_rows, table_columns)
        body = [None if row is None else [row.get(h) for h in headers] for row in table_rows]
        return [None] * leading_blank_rows + [headers, *body]

    extra = {name: table(other, None) for name, other in (extra_sheets or {}).items()}
    return write_xlsx_cells(path, table(rows, columns), sheet=sheet, extra_sheets=extra)


def set_xlsx_dimension(path: Path, ref: str = "A1") -> Path:
    """Rewrite the stored sheet dimension of every worksheet (other tools often store a wrong one)."""
    import re

    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in parts.items():
            if name.startswith("xl/worksheets/sheet"):
                content = re.sub(
                    rb'<dimension ref="[^"]*"', b'<dimension ref="' + ref.encode() + b'"', content
                )
            target.writestr(name, content)
    return path


# --------------------------------------------------------------------------------------------------
# GIS formats


def _frame(
    rows: Sequence[Row], geometries: Sequence[BaseGeometry | None], crs: str | None
) -> gpd.GeoDataFrame:
    if len(rows) != len(geometries):
        raise ValueError("rows and geometries differ in length")
    attributes = pd.DataFrame(list(rows), columns=_headers(rows, None)) if rows else pd.DataFrame()
    return gpd.GeoDataFrame(attributes, geometry=list(geometries), crs=crs)


def write_geojson(
    path: Path,
    rows: Sequence[Row],
    geometries: Sequence[BaseGeometry | None],
    *,
    crs: str | None = "EPSG:4326",
) -> Path:
    """A GeoJSON FeatureCollection (UTF-8)."""
    _frame(rows, geometries, crs).to_file(path, driver="GeoJSON", engine="pyogrio")
    return path


def write_gpkg(
    path: Path,
    rows: Sequence[Row],
    geometries: Sequence[BaseGeometry | None],
    *,
    layer: str = "houses",
    crs: str = "EPSG:4490",
    spatial_index: bool = True,
) -> Path:
    """A GeoPackage layer; call again with another ``layer`` to add a layer to the same file."""
    options = {} if spatial_index else {"layer_options": {"SPATIAL_INDEX": "NO"}}
    _frame(rows, geometries, crs).to_file(path, layer=layer, driver="GPKG", engine="pyogrio", **options)
    return path


def corrupt_gpkg_geometry(path: Path, *, layer: str = "houses", fid: int = 1) -> Path:
    """Overwrite one feature's geometry blob with a valid GPKG header but unparseable WKB.

    The layer must have been written with ``spatial_index=False`` (the R-tree triggers need GDAL's SQL
    functions, which plain sqlite3 lacks).
    """
    with sqlite3.connect(path) as connection:
        column, srs_id = connection.execute(
            "SELECT column_name, srs_id FROM gpkg_geometry_columns WHERE table_name = ?", (layer,)
        ).fetchone()
        header = b"GP\x00\x01" + int(srs_id).to_bytes(4, "little")
        garbage = b"\x01\x03\x00\x00\x00\xff\xff\xff\x7f\x01\x02"  # polygon claiming 2**31 rings, truncated
        connection.execute(f'UPDATE "{layer}" SET "{column}" = ? WHERE fid = ?', (header + garbage, fid))
    return path


def write_shapefile(
    path: Path,
    rows: Sequence[Row],
    geometries: Sequence[BaseGeometry | None],
    *,
    encoding: str = "GBK",
    cpg: bool = True,
    crs: str | None = "EPSG:4490",
) -> Path:
    """A shapefile (.shp/.shx/.dbf/.prj, plus .cpg unless ``cpg=False``) with its .dbf in ``encoding``.

    Field names longer than 10 bytes in ``encoding`` are truncated by the format (GBK: 5 Chinese chars).
    """
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # GDAL warns about laundered / truncated field names
        _frame(rows, geometries, crs).to_file(
            path, driver="ESRI Shapefile", engine="pyogrio", encoding=encoding
        )
    if not cpg:
        path.with_suffix(".cpg").unlink(missing_ok=True)
    return path


def drop_sidecar(shp: Path, ext: str) -> Path:
    """Delete the ``ext`` (".dbf", ".shx", ".prj", ".cpg") file next to ``shp``."""
    shp.with_suffix(ext).unlink()
    return shp


def zip_shapefile(shp: Path, zip_path: Path, *, folder: str = "") -> Path:
    """Zip every file of the shapefile ``shp`` (same stem) into ``zip_path`` (optionally under ``folder``)."""
    with zipfile.ZipFile(zip_path, "w") as archive:
        for part in sorted(shp.parent.glob(shp.stem + ".*")):
            archive.write(part, arcname=f"{folder}{part.name}")
    return zip_path


def bowtie() -> BaseGeometry:
    """A self-intersecting (invalid but parseable) polygon."""
    return shapely.Polygon(
        [(103.80, 36.00), (103.90, 36.10), (103.90, 36.00), (103.80, 36.10), (103.80, 36.00)]
    )


def square(x: float = 103.8, y: float = 36.0, size: float = 0.05) -> BaseGeometry:
    """A valid square polygon with its lower-left corner at (x, y)."""
    return shapely.box(x, y, x + size, y + size)


# --------------------------------------------------------------------------------------------------
# Hostile files: raw workbooks, zips that unpack too far or lie about their sizes, cut .dbf field names


def write_raw_xlsx(
    path: Path,
    cells: Sequence[Sequence[object]],
    *,
    dimension: str | None = None,
    declared_strings: int | None = None,
    raw: dict[str, bytes] | None = None,
    inline_strings: bool = False,
) -> Path:
    """A minimal workbook written by hand: text cells through sharedStrings.xml (or, with
    ``inline_strings``, in the sheet itself), numbers inline.

    ``dimension`` writes ``<dimension ref=...>`` (none by default); ``declared_strings`` is what
    ``<sst count uniqueCount>`` claims (the truth by default); ``raw`` replaces, in the XML, each marker
    text of a cell by literal bytes (a NUL, ``&#0;``), which no XML library would write.
    """
    from xml.sax.saxutils import escape

    strings: dict[str, int] = {}
    rows_xml = []
    for row_no, values in enumerate(cells, 1):
        row = []
        for col_no, value in enumerate(values, 1):
            ref = f"{_column_letter(col_no)}{row_no}"
            if value is None:
                continue
            if isinstance(value, int | float) and not isinstance(value, bool):
                row.append(f'<c r="{ref}"><v>{value!r}</v></c>')
            elif inline_strings:
                row.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>')
            else:
                index = strings.setdefault(str(value), len(strings))
                row.append(f'<c r="{ref}" t="s"><v>{index}</v></c>')
        rows_xml.append(f'<row r="{row_no}">{"".join(row)}</row>')
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    declared = len(strings) if declared_strings is None else declared_strings
    sheet = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{main}">'
             + (f'<dimension ref="{dimension}"/>' if dimension else "")
             + f'<sheetData>{"".join(rows_xml)}</sheetData></worksheet>')  # fmt: skip
    shared = (f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{main}" count="{declared}" '
              f'uniqueCount="{declared}">' + "".join(f"<si><t>{escape(s)}</t></si>" for s in strings) + "</sst>")  # fmt: skip
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override '
            'PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName='
            '"/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
            'sharedStrings+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}"><Relationship Id="rId1" '
            f'Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
            '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}"><Relationship Id="rId1" '
            f'Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
            f'Type="{rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": sheet,
        "xl/sharedStrings.xml": shared,
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            content = text.encode("utf-8")
            for marker, literal in (raw or {}).items():
                content = content.replace(marker.encode("utf-8"), literal)
            archive.writestr(name, content)
    return path


def _column_letter(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def add_zip_member(path: Path, name: str, content: bytes) -> Path:
    """Add one (deflated) member to an existing zip or .xlsx: 20 MB of zeros make a zip bomb of 20 kB."""
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, content)
    return path


def claim_zip_size(path: Path, member: str, size: int) -> Path:
    """Make the zip's headers (local and central) claim ``size`` unpacked bytes for ``member``: a lie."""
    data = bytearray(path.read_bytes())
    encoded = member.encode("utf-8")
    # (signature, offset of the unpacked size, of the name's length, of the name) in each kind of header
    for signature, size_at, length_at, name_at in ((b"PK\x03\x04", 22, 26, 30), (b"PK\x01\x02", 24, 28, 46)):
        at = data.find(signature)
        while at >= 0:
            length = int.from_bytes(data[at + length_at : at + length_at + 2], "little")
            if bytes(data[at + name_at : at + name_at + length]) == encoded:
                data[at + size_at : at + size_at + 4] = size.to_bytes(4, "little")
            at = data.find(signature, at + 4)
    path.write_bytes(bytes(data))
    return path


def rename_dbf_fields(shp: Path, names: dict[str, bytes]) -> Path:
    """Rename .dbf fields to raw bytes (at most 10): a UTF-8 name cut inside a character, as some tools
    write it. Write the shapefile with ASCII placeholder names first (``{"F1": b"..."}``)."""
    dbf = shp.with_suffix(".dbf")
    data = bytearray(dbf.read_bytes())
    header_length = int.from_bytes(data[8:10], "little")
    for offset in range(32, header_length - 1, 32):
        if data[offset] == 0x0D:
            break
        name = bytes(data[offset : offset + 11]).split(b"\x00", 1)[0].decode("utf-8", errors="replace")
        if name in names:
            data[offset : offset + 11] = names[name][:10].ljust(11, b"\x00")
    dbf.write_bytes(bytes(data))
    return shp


def jpeg_with_exif(lon: float | None = None, lat: float | None = None) -> bytes:
    """A small JPEG whose EXIF says 2026-12-03 10:15 and, given lon/lat (WGS84), where it was taken."""
    import io

    from PIL import Image

    img = Image.new("RGB", (64, 48), (120, 90, 60))
    exif = Image.Exif()
    exif[0x0132] = "2026:12:03 10:15:00"  # DateTime
    if lon is not None:
        def dms(v):
            d = int(v)
            m = int((v - d) * 60)
            return (d, m, round(((v - d) * 60 - m) * 60, 4))

        exif[0x8825] = {1: "N", 2: dms(lat), 3: "E", 4: dms(lon)}  # GPS IFD
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif)
    return out.getvalue()


# --------------------------------------------------------------------------------------------------
# Registers as county offices keep them: a title, a unit line, a two-row header


REGISTER_TITLE = "XX县自建房安全隐患排查台账"
REGISTER_UNIT = "填报单位：XX县住房和城乡建设局（盖章）　　　　填报日期：2024年5月20日"


def register_cells(
    rows: Sequence[Row | None],
    groups: dict[str, Sequence[str]] | None = None,
    *,
    columns: Sequence[str] | None = None,
    title: str | None = REGISTER_TITLE,
    unit: str | None = REGISTER_UNIT,
    blank_rows: int = 1,
    column_numbers: bool = False,
) -> tuple[list[list[object] | None], list[tuple[int, int, int, int]], tuple[int, ...]]:
    """The cells of a government register: title row, unit line, ``blank_rows`` blank rows, the header -
    two rows when ``groups`` (group heading -> its sub-headings, which must be adjacent in ``columns``)
    is given, a group heading over its sub-headings and every other heading merged down over both -
    an optional row of column numbers, then the data. Returns the rows of cells (None = blank), the
    merged ranges (first row, first column, last row, last column; 1-based) and the header's row numbers."""
    headers = _headers(rows, columns)
    width = len(headers)
    cells: list[list[object] | None] = []
    merges: list[tuple[int, int, int, int]] = []
    for line in (title, unit):
        if line is not None:
            cells.append([line] + [None] * (width - 1))
            merges.append((len(cells), 1, len(cells), width))
    cells.extend([None] * blank_rows)
    top = len(cells) + 1
    if groups:
        group_of = {sub: name for name, subs in groups.items() for sub in subs}
        upper: list[object] = []
        lower: list[object] = []
        for j, h in enumerate(headers):
            name = group_of.get(h)
            if name is None:
                upper.append(h)
                lower.append(None)
                merges.append((top, j + 1, top + 1, j + 1))
            else:
                first = j == 0 or group_of.get(headers[j - 1]) != name
                upper.append(name if first else None)
                lower.append(h)
                if first:
                    merges.append((top, j + 1, top, j + len(groups[name])))
        cells += [upper, lower]
        header_rows: tuple[int, ...] = (top, top + 1)
    else:
        cells.append(list(headers))
        header_rows = (top,)
    if column_numbers:
        cells.append(list(range(1, width + 1)))
    cells += [None if row is None else [row.get(h) for h in headers] for row in rows]
    return cells, merges, header_rows


def write_register_xlsx(path: Path, rows: Sequence[Row | None], groups=None, **layout) -> tuple[int, ...]:
    """An .xlsx register (see :func:`register_cells`) with its merged cells; returns the header's rows."""
    from openpyxl import Workbook

    cells, merges, header_rows = register_cells(rows, groups, **layout)
    workbook = Workbook()
    worksheet = workbook.active
    _fill(worksheet, cells)
    for r1, c1, r2, c2 in merges:
        worksheet.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
    workbook.save(path)
    return header_rows


def write_register_csv(
    path: Path, rows: Sequence[Row | None], groups=None, *, encoding: str = "utf-8", **layout
) -> tuple[int, ...]:
    """The same register saved from Excel as CSV (merged cells become empty cells); returns the header's rows."""
    cells, _, header_rows = register_cells(rows, groups, **layout)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for line in cells:
        if line is None:
            buffer.write("\r\n")
        else:
            writer.writerow([cell_text(value) for value in line])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return header_rows
