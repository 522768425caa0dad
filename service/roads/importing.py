"""Import of a road network from a line layer (zipped Shapefile, GeoPackage, GeoJSON): all or nothing.

The file is read with the frame importer's readers (``service.frame.importing.readers``: the same formats,
encodings, zip and size limits, GDAL error handling). The CRS is declared as for every import (EPSG:4490,
EPSG:4326, GCJ-02, a CGCS2000 Gauss-Krüger zone; a layer's own CRS serves when none is declared) and lines
are converted to EPSG:4490 (``geo.coords``, GCJ-02 through ``geo.gcj02``). Each line needs a road class or
a speed (``service.roads.classes``). Any error in any line refuses the whole file (422, row by row);
otherwise the topology is built and the network committed with its audit row in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from sqlalchemy.engine import Engine

from geo.coords import CrsError, InputCrs, geometries_to_cgcs2000, in_gansu_bbox, parse_crs
from service.audit.trail import Actor, record
from service.core.errors import InvalidInput
from service.core.settings import SecuritySettings
from service.core.uploads import display_filename
from service.frame.importing.pipeline import file_sha256
from service.frame.importing.readers import ReadError, open_source
from service.roads.classes import (
    CLASS_HEADERS,
    NAME_HEADERS,
    ONEWAY_HEADERS,
    ROAD_CLASSES,
    SPEED_HEADERS,
    class_code,
    find_header,
    oneway_value,
    speed_value,
)
from service.roads.network import BuiltNetwork, Provenance, build_network

MAX_LINES = 500_000
MAX_LISTED_ERRORS = 100
_LINE_TYPES = (1, 5)  # shapely type ids: LineString, MultiLineString


class RoadImportError(InvalidInput):
    """A road file that cannot be imported; ``errors`` lists the problems row by row (nothing changed)."""

    code = "road_import_failed"

    def __init__(self, message: str, message_en: str, errors: list[dict] | None = None) -> None:
        super().__init__(message, message_en)
        self.errors = errors or []

    def to_dict(self) -> dict:
        """The error body with the first rows' problems."""
        return {**super().to_dict(), "errors": self.errors[:MAX_LISTED_ERRORS]}


@dataclass(frozen=True)
class ReadLines:
    """The lines of a file, checked and converted: one row per part (``line_no`` is the feature number)."""

    lines: pd.DataFrame
    features: int
    crs: InputCrs
    fmt: str


def text_option(label: str, value: str | None, *, required: bool = True, limit: int = 200) -> str | None:
    """A form option of one line of plain text (name, source, licence, version)."""
    value = None if value is None else value.strip()
    if not value:
        if required:
            raise InvalidInput(f"请填写“{label}”。", f"The field {label} is required.")
        return None
    if len(value) > limit or any(ord(c) < 32 or c == "\x7f" for c in value):
        raise InvalidInput(
            f"“{label}”含有换行、空字符等控制字符或过长（上限 {limit} 个字符）。请修改后重新导入。",
            f"The field {label} holds a control character or is longer than {limit} characters.",
        )
    return value


def _shown(value: object) -> str:
    text = "" if value is None else str(value)
    return "".join(c if c.isprintable() else "�" for c in text)[:80]


def read_lines(path: Path, crs: str | None, *, layer: str | None = None, encoding: str | None = None,
               limits: SecuritySettings | None = None) -> ReadLines:  # fmt: skip
    """Read and check every line of the file; raise RoadImportError listing every bad row."""
    try:
        info, chunks = open_source(Path(path), layer=layer, encoding=encoding, limits=limits)
    except ReadError as exc:
        raise RoadImportError(exc.message, exc.message_en) from None
    if info.geometry_type is None:
        raise RoadImportError(
            "路网须为线图层：GeoJSON、GeoPackage 或打包成 .zip 的 Shapefile。",
            "A road network must be a line layer: GeoJSON, GeoPackage or a zipped Shapefile.",
        )
    try:
        declared = parse_crs(crs) if crs else parse_crs(info.crs)
    except CrsError as exc:
        raise RoadImportError(exc.message, exc.message_en) from None
    cut = str(info.format) == "shapefile"  # .dbf field names: at most 10 bytes
    class_col = find_header(info.columns, CLASS_HEADERS, truncated=cut)
    speed_col = find_header(info.columns, SPEED_HEADERS, truncated=cut)
    oneway_col = find_header(info.columns, ONEWAY_HEADERS, truncated=cut)
    name_col = find_header(info.columns, NAME_HEADERS, truncated=cut)
    if class_col is None and speed_col is None:
        raise RoadImportError(
            f"缺少道路等级或速度字段（等级：{'、'.join(CLASS_HEADERS)}；速度：{'、'.join(SPEED_HEADERS)}）。",
            "The layer has neither a road class field nor a speed field.",
        )
    errors: list[dict] = []
    parts: list[pd.DataFrame] = []
    features = 0

    def error(row: int, column: str | None, value: object, code: str, message: str) -> None:
        errors.append({"row": int(row), "column": column, "value": _shown(value) or None, "code": code,
                       "message": message})  # fmt: skip

    try:
        for chunk in chunks:
            rows = np.asarray(chunk.row_numbers)
            features += len(rows)
            if features > MAX_LINES:
                raise RoadImportError(f"文件超过 {MAX_LINES:,} 条线，请按县区拆分后导入。",
                                      f"More than {MAX_LINES:,} lines: split the file by county.")  # fmt: skip
            frame = chunk.frame
            geoms = np.asarray(chunk.geometry, dtype=object)
            classes, speeds, oneways = [], [], []
            for k, row in enumerate(rows):
                raw_class = frame[class_col].iat[k] if class_col else None
                raw_speed = frame[speed_col].iat[k] if speed_col else None
                code = class_code(raw_class)
                try:
                    speed = speed_value(raw_speed)
                except ValueError:
                    error(row, speed_col, raw_speed, "bad_speed", "速度应为 1-150 之间的数字（公里/小时）。")
                    speed = None
                if code is None and raw_class not in (None, "") and speed is None:
                    error(row, class_col, raw_class, "unknown_class",
                          f"不认识的道路等级，且没有速度。可用等级：{'、'.join(v[0] for v in ROAD_CLASSES.values())}。")  # fmt: skip
                elif code is None and speed is None and not any(e["row"] == row for e in errors[-1:]):
                    error(row, class_col or speed_col, None, "no_class_or_speed", "该线既没有道路等级也没有速度。")
                code = code or "other"
                classes.append(code)
                speeds.append(speed if speed is not None else ROAD_CLASSES[code][1])
                oneways.append(oneway_value(frame[oneway_col].iat[k]) if oneway_col else 0)
            empty = np.array([g is None or g.is_empty for g in geoms], dtype=bool)
            type_ids = np.full(len(geoms), -1)
            type_ids[~empty] = shapely.get_type_id(geoms[~empty])
            for row in rows[empty]:
                error(row, None, None, "no_geometry", "该行缺少线几何。")
            wrong = ~empty & ~np.isin(type_ids, _LINE_TYPES)
            for row, g in zip(rows[wrong], geoms[wrong], strict=True):
                error(row, None, g.geom_type, "not_line", "路网应为线（LineString/MultiLineString）。")
            keep = ~empty & ~wrong
            converted = geometries_to_cgcs2000(shapely.force_2d(geoms[keep]), declared)
            pieces, index = shapely.get_parts(converted, return_index=True)
            coords, which = shapely.get_coordinates(pieces, return_index=True)
            outside = ~in_gansu_bbox(coords[:, 0], coords[:, 1]) | ~np.isfinite(coords).all(axis=1)
            kept_rows = rows[keep]
            for r in sorted(set(kept_rows[index[which[outside]]].tolist())):
                error(r, None, None, "outside_gansu",
                      f"坐标不在甘肃省境内（按 {declared.code} 解读）。请核对坐标或声明的坐标系。")  # fmt: skip
            names = frame[name_col].to_numpy(dtype=object) if name_col else np.full(len(rows), None, dtype=object)
            select = np.flatnonzero(keep)[index]
            parts.append(pd.DataFrame({
                "line_no": rows[select], "road_class": np.asarray(classes, dtype=object)[select],
                "speed_kmh": np.asarray(speeds, dtype=float)[select], "oneway": np.asarray(oneways)[select],
                "name": names[select], "geometry": list(pieces),
            }))  # fmt: skip
    except ReadError as exc:
        raise RoadImportError(exc.message, exc.message_en) from None
    if errors:
        raise RoadImportError(
            f"路网文件有 {len(errors):,} 处错误，未导入任何内容。请按错误清单修改后重新导入。",
            f"The road file has {len(errors):,} error(s); nothing was imported.",
            errors,
        )
    lines = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    if lines.empty:
        raise RoadImportError("文件没有可用的线。", "The file holds no usable line.")
    return ReadLines(lines, features, declared, str(info.format))


def import_roads(
    engine: Engine,
    path: Path,
    *,
    name: str,
    source: str,
    licence: str,
    crs: str | None,
    version: str | None = None,
    layer: str | None = None,
    encoding: str | None = None,
    filename: str | None = None,
    actor: Actor,
    limits: SecuritySettings | None = None,
) -> BuiltNetwork:
    """Import one file as a new network, audited under ``actor``; nothing changes if anything is wrong."""
    name = text_option("路网名称（name）", name)
    source = text_option("来源（source）", source)
    licence = text_option("许可（licence）", licence)
    version = text_option("版本（version）", version, required=False) or ""
    for label, option in (("坐标系（crs）", crs), ("图层（layer）", layer), ("编码（encoding）", encoding)):
        text_option(label, option, required=False)
    path = Path(path)
    read = read_lines(path, crs, layer=layer, encoding=encoding, limits=limits)
    shown_name = display_filename(filename or path.name)
    provenance = Provenance(name, source, version, licence, read.crs.code, False, shown_name, file_sha256(path),
                            f"{read.fmt}, {read.features:,} features")  # fmt: skip
    with engine.begin() as conn:
        built = build_network(conn, read.lines, provenance, account_id=actor.account_id, actor_label=actor.label)
        if built.edges == 0:
            raise RoadImportError("文件中的线太短，无法构成路网。", "The lines are too short to form a network.")
        record(conn, actor, "roads_import", "road_network", built.id,
               detail={"name": name, "filename": shown_name, "lines": built.lines, "edges": built.edges,
                       "crs": read.crs.code, "covered_units": built.covered_units})  # fmt: skip
    return built
