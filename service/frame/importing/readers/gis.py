"""The GIS reader (GeoJSON, GeoPackage, Shapefile) through GDAL's Arrow stream (``pyogrio.raw.open_arrow``)."""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyogrio
import shapely
from pyogrio.raw import open_arrow

from service.frame.importing.readers.common import (
    Chunk,
    FileFormat,
    ReadError,
    SourceInfo,
    _frame,
    _printable,
    _scrub,
    _settle_headers,
    _value_text,
)
from service.frame.importing.readers.encoding import _encoding_label
from service.frame.importing.readers.shapefile import (
    _cpg_encoding,
    _detect_dbf_encoding,
    _locate_shapefile,
    _names_cut_in_utf8,
)

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
