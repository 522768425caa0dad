"""One import, all or nothing: read the file in chunks, parse, stage with COPY, check in PostGIS, merge.

The whole import runs in one transaction. Rows are streamed into a temporary staging table chunk by chunk
(memory stays flat for a million rows); checks that need the database (where a point really is,
duplicates) run over the staging table; any error rolls everything back and the report says what to fix.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from psycopg.errors import UniqueViolation
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from geo.coords import (
    GCJ02,
    CrsError,
    InputCrs,
    gcj02_suspected,
    geometries_to_cgcs2000,
    in_gansu_bbox,
    looks_swapped,
    looks_swapped_projected,
    parse_crs,
    to_cgcs2000,
)
from geo.gcj02 import gcj02_to_wgs84
from geo.locate import PolygonIndex
from service.audit.trail import Actor
from service.audit.trail import record as audit_record
from service.core.bulk import (
    CsvPayload,
    copy_csv,
    defer_secondary_indexes,
    encode_csv,
    geometries_ewkb,
    pg_array,
    points_ewkb,
    restore_indexes,
)
from service.core.errors import InvalidInput
from service.core.queries import SqlFiles
from service.core.settings import SecuritySettings
from service.core.uploads import display_filename
from service.frame.importing.crs_check import TownshipCrsCheck
from service.frame.importing.fields import (
    FIELDS,
    Kind,
    Mapping,
    header_matcher,
    load_mapping_file,
    resolve_mapping,
)
from service.frame.importing.headers import SCAN_ROWS, rows_label
from service.frame.importing.parse import by_unique, check_house_consistency, parse_frame
from service.frame.importing.readers import (
    DEFAULT_CHUNK_ROWS,
    Chunk,
    FileFormat,
    ReadError,
    SourceInfo,
    open_source,
)
from service.frame.importing.report import Report
from service.frame.proximity import refresh_proximity
from service.maps.tiles import refresh_map_views

SQL = SqlFiles("service.frame")

DIVISIONS_SQL = SqlFiles("service.divisions")


@dataclass
class ImportResult:
    """What an import did, or why it did nothing."""

    kind: Kind
    filename: str
    committed: bool
    report: Report
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    batch_id: int | None = None
    seconds: float = 0.0
    source: dict = field(default_factory=dict)
    phases: dict[str, float] = field(default_factory=dict)  # seconds per phase, for operators and benchmarks

    def summary(self) -> dict:
        """JSON-ready summary for the API and the CLI."""
        return {
            "kind": self.kind.value,
            "filename": self.filename,
            "committed": self.committed,
            "batch_id": self.batch_id,
            "rows": self.rows,
            "inserted": self.inserted,
            "updated": self.updated,
            "seconds": round(self.seconds, 3),
            "phases": {k: round(v, 3) for k, v in self.phases.items()},
            "source": self.source,
            **self.report.summary(),
        }


def file_sha256(path: Path) -> str:
    """Digest of the file as received, streamed."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class _Rollback(Exception):
    """Raised inside the transaction to undo it when the report has errors."""


def import_file(
    engine: Engine,
    kind: Kind,
    path: Path,
    *,
    crs: str | None = None,
    mapping_file: Path | None = None,
    layer: str | None = None,
    encoding: str | None = None,
    filename: str | None = None,
    radii_m: dict[str, float] | None = None,
    synthetic: bool = False,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    actor: Actor | None = None,
    limits: SecuritySettings | None = None,
    trust_crs: bool = False,
) -> ImportResult:
    """Import one file of ``kind``; commit only if it has no error (with its audit row, naming ``actor``).

    Houses whose points look shifted out of their declared townships by another CRS than declared (GCJ-02
    or BD-09 declared as WGS84, and the reverse; see :mod:`geo.crs_detect`) are refused with the probable
    CRS named, unless ``trust_crs`` (the user has checked: then it is a warning).

    ``filename`` is the name the user gave (kept as text only); ``limits`` bound what the file may unpack
    to (default: the environment's ``SecuritySettings``). An option holding control characters raises
    :class:`InvalidInput`, a file beyond the limits :class:`~service.core.errors.TooLarge`.
    """
    started = time.perf_counter()
    path = Path(path)
    for label, option in (
        ("坐标系（crs）", crs),
        ("工作表或图层（layer）", layer),
        ("编码（encoding）", encoding),
    ):
        _check_option(label, option)
    result = ImportResult(kind, display_filename(filename or path.name), False, Report())
    report = result.report
    extra_columns, extra_values = load_mapping_file(mapping_file)
    try:
        info, chunks = open_source(path, layer=layer, encoding=encoding, chunk_rows=chunk_rows, limits=limits,
                                   header_match=header_matcher(kind, extra_columns))  # fmt: skip
    except ReadError as exc:
        report.error(exc.row, None, None, _read_code(exc), exc.message)
        return result
    result.source = _describe(info)
    mapping, missing = resolve_mapping(
        kind, info.columns, extra_columns, extra_values, truncated_names=info.format == FileFormat.SHAPEFILE
    )
    has_geometry = info.geometry_type is not None
    if not mapping.columns and info.format in (FileFormat.CSV, FileFormat.XLSX):
        report.error(None, None, None, "no_header", _no_header_message(kind))
        return result
    _report_header(info, report)
    for f in missing:
        if f.name in ("x", "y") and has_geometry:
            continue  # a GIS layer's geometry gives the position
        report.error(1, f.label, None, "missing_column",
                     f"缺少必需的列“{f.label}”（可用列名：{'、'.join(f.headers)}{_or_alternative(kind, f)}；"
                     "或用映射文件指定）。")  # fmt: skip
    if kind == Kind.TOWNSHIPS and not has_geometry:
        report.error(
            None, None, None, "no_geometry", "乡镇边界须为 GeoJSON、GeoPackage 或 Shapefile 面图层。"
        )
    if not report.ok:
        return result
    unused = [c for c in info.columns if c not in mapping.columns.values()]
    if unused:
        report.warning(1, None, "、".join(unused), "ignored_columns", f"以下列未使用：{'、'.join(unused)}。")
    try:
        input_crs = _input_crs(crs, info, report)
    except CrsError as exc:
        report.error(None, None, crs, "bad_crs", exc.message)
        return result

    importer = {Kind.HOUSES: _HouseImport, Kind.SITES: _SiteImport, Kind.TOWNSHIPS: _TownshipImport}[kind]
    try:
        with engine.begin() as conn:
            batch_id = _record_batch(conn, result, info, input_crs, mapping, path, synthetic)
            job = importer(conn, mapping, input_crs, report, synthetic, batch_id)
            job.trust_crs = trust_crs
            job.prepare()
            mark = time.perf_counter()
            # Python parses chunk n+1 while PostgreSQL writes chunk n: the two cores work at once.
            with ThreadPoolExecutor(max_workers=1) as writer:
                pending = None
                try:
                    for chunk in chunks:
                        if chunk.may_hold_nul:
                            _refuse_nul(chunk, report)
                        staged = job.encode(job.stage(chunk))
                        result.rows += staged.rows
                        if pending is not None:
                            pending.result()
                        pending = writer.submit(job.write, staged)
                except ReadError as exc:
                    report.error(exc.row, None, None, _read_code(exc), exc.message)
                finally:
                    if pending is not None:
                        pending.result()
            result.phases["read_parse_stage_merge_chunks"] = time.perf_counter() - mark
            if result.rows == 0 and report.ok:
                report.error(None, None, None, "no_rows", "文件没有数据行。")
            mark = time.perf_counter()
            if report.ok:
                job.check()
            if not report.ok:
                raise _Rollback
            result.inserted, result.updated = job.merge()
            result.phases["check_merge"] = time.perf_counter() - mark
            mark = time.perf_counter()
            job.after_merge(radii_m)
            result.phases["proximity_and_derived"] = time.perf_counter() - mark
            result.seconds = time.perf_counter() - started
            conn.execute(
                SQL.one("finish_import_batch"),
                {"r": result.rows, "i": result.inserted, "u": result.updated, "s": result.seconds, "id": batch_id,
                 "w": _json(report.summary()["warnings"])},
            )  # fmt: skip
            result.batch_id = batch_id
            if actor is not None:  # the last statement: the audit lock is held only for the commit
                audit_record(conn, actor, f"import_{kind.value}", "import_batch", batch_id,
                             detail={"filename": result.filename, "rows": result.rows, "inserted": result.inserted,
                                     "updated": result.updated})  # fmt: skip
            result.committed = True
    except _Rollback:
        pass
    if result.committed:
        # The map's overview counts follow right after the commit (a few seconds for 100,000 hazardous
        # houses), in a transaction of their own so that the import's lock on them stays short.
        mark = time.perf_counter()
        with engine.begin() as conn:
            refresh_map_views(conn)
        result.phases["map_overview_refresh"] = time.perf_counter() - mark
    result.seconds = time.perf_counter() - started
    return result


def _no_header_message(kind: Kind) -> str:
    required = "；".join(f"“{f.label}”（可写作 {'、'.join(f.headers)}）{_or_alternative(kind, f)}"
                        for f in FIELDS[kind] if f.required)  # fmt: skip
    return (f"找不到表头：文件前 {SCAN_ROWS} 行中没有一行含有已知的列名。表头应含有以下必需的列：{required}。"
            "其余可用的列见导入说明（docs/importing.md）；列名不同时请用映射文件（--mapping）指定。")  # fmt: skip


def _or_alternative(kind: Kind, f) -> str:
    other = next((g for g in FIELDS[kind] if g.name == f.alternative), None)
    return f"，或“{other.label}”（是/否，可写作 {'、'.join(other.headers)}）" if other else ""


def _report_header(info: SourceInfo, report: Report) -> None:
    """Say which row held the header when it was not simply row 1."""
    rows = info.header_rows
    if rows == (1,):
        return
    notes = []
    if rows[0] > 1:
        notes.append(f"第 1-{rows[0] - 1} 行（标题、填报单位等说明或空行）未导入" if rows[0] > 2
                     else "第 1 行（标题等说明或空行）未导入")  # fmt: skip
    if len(rows) > 1:
        notes.append("两行表头已合并为一行（分组标题下的子标题）")
    report.warning(rows[0], None, None, "header_row", f"{rows_label(rows)}为表头；{'；'.join(notes)}。")


def _check_option(label: str, value: str | None) -> None:
    """A form option (crs, layer, encoding) is one line of plain text."""
    if value is None:
        return
    if len(value) > 200 or any(ord(c) < 32 or c == "\x7f" for c in value):
        raise InvalidInput(
            f"参数“{label}”含有空字符（NUL）、换行等控制字符或过长（上限 200 个字符）。请重新填写后再导入。",
            f"The option {label} holds a NUL, a line break or another control character, or is longer than 200.",
        )


def _refuse_nul(chunk: Chunk, report: Report) -> None:
    """A NUL in any cell is an error of its row (PostgreSQL stores no NUL); the chunk is cleaned of them so
    that it can still be staged for the other checks (the import rolls back)."""
    rows = np.asarray(chunk.row_numbers)
    for column in chunk.frame.columns:
        values = chunk.frame[column].to_numpy(dtype=object)
        hit = np.fromiter((v is not None and "\x00" in v for v in values), dtype=bool, count=len(values))
        if not hit.any():
            continue
        shown, cleaned = values.copy(), values.copy()
        for i in np.flatnonzero(hit):
            shown[i], cleaned[i] = values[i].replace("\x00", "␀"), values[i].replace("\x00", "")
        report.errors_where(hit, rows, column, shown, "bad_character",
                            f"“{column}”含有空字符（NUL，显示为 ␀），文件可能已损坏或编码不对。请删除该字符后重新导入。")  # fmt: skip
        chunk.frame[column] = cleaned


def _read_code(exc: ReadError) -> str:
    return getattr(exc, "reason", None) or "file"


def _json(value: object) -> str:
    import json

    return json.dumps(value, ensure_ascii=False, default=str)


def _describe(info: SourceInfo) -> dict:
    return {
        "format": str(info.format),
        "encoding": info.encoding,
        "layer": info.layer,
        "columns": list(info.columns),
        "layer_crs": info.crs,
        "geometry_type": info.geometry_type,
        "header_rows": list(info.header_rows),
    }


def _input_crs(declared: str | None, info: SourceInfo, report: Report) -> InputCrs:
    """The declared CRS wins; a GIS layer's own CRS serves when none is declared."""
    if declared:
        crs = parse_crs(declared)
        if info.crs and info.crs != crs.code and not (crs.code == GCJ02 and info.crs == "EPSG:4326"):
            report.warning(None, None, info.crs, "crs_overridden",
                           f"文件自带坐标系为 {info.crs}，按声明的 {crs.code} 处理。")  # fmt: skip
        return crs
    if info.crs:
        return parse_crs(info.crs)
    return parse_crs(None)  # raises with the list of accepted CRSs


def _record_batch(conn, result, info, crs, mapping: Mapping, path: Path, synthetic: bool) -> int:
    return conn.execute(
        SQL.one("insert_import_batch"),
        {
            "kind": result.kind.value, "filename": result.filename, "sha": file_sha256(path),
            "format": str(info.format), "encoding": info.encoding, "crs": crs.code,
            "mapping": _json(mapping.columns), "synthetic": synthetic,
        },
    ).scalar_one()  # fmt: skip


# Kind-specific work -------------------------------------------------------------------------------------


class _Import:
    """Shared machinery: parse a chunk, convert and locate its points, COPY it into staging."""

    kind: Kind
    staging: str

    def __init__(
        self,
        conn: Connection,
        mapping: Mapping,
        crs: InputCrs,
        report: Report,
        synthetic: bool,
        batch_id: int,
    ):
        self.conn, self.mapping, self.crs, self.report, self.synthetic = conn, mapping, crs, report, synthetic
        self.batch_id = batch_id
        self.fields = FIELDS[self.kind]

    locates = True  # whether rows are points to locate in the county and township polygons
    trust_crs = False  # import as declared even when the points look like another CRS

    def prepare(self) -> None:
        """Create the staging table; load the polygons points are located in."""
        self.conn.execute(text("SET LOCAL jit = off"))  # JIT compiles for longer than these queries run
        for statement in SQL.script(f"staging_{self.kind.value}"):
            self.conn.execute(statement)
        if not self.locates:
            return
        self.counties = _polygon_index(self.conn, "county")
        self.townships = _polygon_index(self.conn, "township", real_only=True)

    def points(self, typed: pd.DataFrame, chunk, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """CGCS2000 lon/lat of the chunk's rows (NaN where unusable, with the row's error recorded)."""
        if chunk.geometry is not None and typed["x"].isna().all():
            geoms = np.asarray(chunk.geometry, dtype=object)
            is_point = shapely.get_type_id(geoms) == 0  # a missing geometry is -1
            self.report.errors_where(
                ~is_point, rows, None, None, "no_geometry", "该行缺少点几何（应为点图层）。"
            )
            x = np.full(len(geoms), np.nan)
            y = np.full(len(geoms), np.nan)
            x[is_point], y[is_point] = shapely.get_x(geoms[is_point]), shapely.get_y(geoms[is_point])
        else:
            x, y = typed["x"].to_numpy(dtype=float), typed["y"].to_numpy(dtype=float)
        usable = np.isfinite(x) & np.isfinite(y)
        col_x, col_y = self.mapping.header_of("x"), self.mapping.header_of("y")
        if self.crs.is_projected:
            swapped = usable & looks_swapped_projected(x, y)
            self.report.errors_where(swapped, rows, col_x, x, "swapped_coordinates",
                                     "东坐标与北坐标疑似颠倒（中国测量习惯 X 为北坐标）。请检查两列或用映射文件指定。")  # fmt: skip
            usable &= ~swapped
        else:
            # Exchanged columns first: a helpful diagnosis beats "latitude out of range".
            swapped = usable & looks_swapped(x, y)
            self.report.errors_where(swapped, rows, col_x, x, "swapped_coordinates",
                                     "经纬度疑似颠倒：交换后位于甘肃省境内。请检查“经度”“纬度”两列。")  # fmt: skip
            usable &= ~swapped
            out_of_range = usable & ((np.abs(x) > 180) | (np.abs(y) > 90))
            self.report.errors_where(out_of_range, rows, col_y, y, "bad_coordinate",
                                     "经纬度超出有效范围（经度 ±180，纬度 ±90）。")  # fmt: skip
            usable &= ~out_of_range
        lon, lat = to_cgcs2000(np.where(usable, x, np.nan), np.where(usable, y, np.nan), self.crs)
        outside = usable & ~in_gansu_bbox(lon, lat)
        if outside.any():
            self.report.errors_where(outside, rows, col_x, _pairs(x, y), "outside_gansu",
                                     f"坐标不在甘肃省境内（按 {self.crs.code} 解读）。请核对坐标或声明的坐标系。")  # fmt: skip
        usable &= ~outside
        return np.where(usable, lon, np.nan), np.where(usable, lat, np.nan)

    def locate(
        self, lon: np.ndarray, lat: np.ndarray, rows: np.ndarray, x, y
    ) -> tuple[np.ndarray, np.ndarray]:
        """County of each point (an error where none: in Gansu's box but not in Gansu), and real township."""
        finite = np.isfinite(lon) & np.isfinite(lat)
        points = shapely.points(lon[finite], lat[finite])  # made once for both indexes
        county = self.counties.locate(lon, lat, points)
        lost = np.isfinite(lon) & np.array([c is None for c in county], dtype=bool)
        if lost.any():
            self.report.errors_where(lost, rows, self.mapping.header_of("x") or "geometry", _pairs(x, y),
                                     "outside_gansu", "坐标不在甘肃省任何县区内。请核对坐标或声明的坐标系。")  # fmt: skip
        return county, self.townships.locate(lon, lat, points)

    def encode(self, frame: pd.DataFrame) -> CsvPayload:
        """A staged chunk as COPY input (in the parsing thread)."""
        return encode_csv(frame)

    def write(self, staged: CsvPayload) -> None:
        """Database work for one staged chunk (in the writer thread): COPY it into the staging table."""
        copy_csv(self.conn, self.staging, staged)

    def duplicates(self, key: str, column: str | None) -> None:
        """Every repeat of a key (a column or an expression over the staging table) is an error."""
        rows = self.conn.execute(
            text(SQL.source("duplicate_keys").format(key=key, staging=self.staging))
        ).all()
        for row_no, value, first in rows:
            self.report.error(row_no, column, value, "duplicate_code", f"编码与第 {first} 行重复。")


def _pairs(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.char.add(np.char.add(np.asarray(x, dtype=str), ", "), np.asarray(y, dtype=str))


def _polygon_index(conn: Connection, level: str, real_only: bool = False) -> PolygonIndex:
    rows = conn.execute(
        text("SELECT code, ST_AsBinary(geom) FROM division WHERE level = :level AND geom IS NOT NULL "
             + ("AND NOT synthetic" if real_only else "")),
        {"level": level},
    ).all()  # fmt: skip
    return PolygonIndex([r[0] for r in rows], shapely.from_wkb([bytes(r[1]) for r in rows]))


HOUSE_TYPED = ("use_class", "business_type", "area_type", "structure", "floors", "floors_band", "floor_area_m2",
               "build_year", "build_era")  # fmt: skip
HAZARD_TYPED = ("hazardous", "none_found", "record_code", "initial_determination", "hazard_grade",
                "appraisal_status", "appraisal_standard", "appraisal_grade", "rectification_status",
                "rectification_deadline")  # fmt: skip
# What an import writes into house, named as its columns (staging_houses.sql has them too).
HOUSE_COLUMNS = ("survey_code", "census_no", "county_code", "township_code", "village", "address", "geom",
                 "source_crs", *HOUSE_TYPED, "alterations", "geohazards", "declared_county", "declared_township",
                 "location_mismatch", "import_batch_id", "synthetic")  # fmt: skip
HAZARD_COLUMNS = (*HAZARD_TYPED, "measures", "closed_out", "closed_out_on", "opened_on")


@dataclass(frozen=True)
class _HouseChunk:
    """One chunk of houses ready for the writer: the frame, and what the chosen path COPYs of it."""

    frame: pd.DataFrame
    rows: int
    houses: CsvPayload | None = None  # straight into house (new houses only)
    hazards: CsvPayload | None = None  # the rows with a hazard finding, into staging_house
    staged: CsvPayload | None = None  # every column of every row, into staging_house


class _HouseImport(_Import):
    kind = Kind.HOUSES
    staging = "staging_house"
    GCJ_SAMPLE = 5000
    # A load that has added more houses than the table held before it (and at least this many) goes on
    # without the secondary indexes and rebuilds them at the end: cheaper than maintaining them row by row.
    BULK_MIN_ROWS = 100_000

    def prepare(self) -> None:
        """Staging, polygons, and the lookups of declared counties and townships."""
        super().prepare()
        self.county_names = _county_lookup(self.conn)
        self.township_names = _township_lookup(self.conn)
        self.names = _names(self.conn)
        self.gcj_candidates: list[tuple[str, float, float]] = []
        self.crs_check = TownshipCrsCheck(self.crs.code, self.townships)
        self.inserted = self.updated = 0
        self.prior_houses = self.conn.execute(text("SELECT count(*) FROM house")).scalar_one()
        self.deferred_indexes: list[str] | None = None
        self.bulk_declined = False
        self.direct = True  # new houses go straight into house until a known code turns up
        # Statistics that say "no rows" of a table that has pages (analyzed right after its rows were
        # deleted) make the planner take the growing table for empty, and each chunk's joins with it go
        # quadratic. Such tables are analyzed once the first chunk is in (ANALYZE counts this transaction's
        # own rows), and the estimates grow with the table from then on.
        self.empty_statistics = self.conn.execute(SQL.one("empty_statistics")).scalars().all()  # fmt: skip

    def stage(self, chunk) -> pd.DataFrame:
        """Parse, convert, locate and compare with what the row declares: one chunk, ready to write."""
        rows = np.asarray(chunk.row_numbers)
        typed = parse_frame(chunk.frame, rows, self.fields, self.mapping, self.report)
        typed = check_house_consistency(typed, rows, self.mapping, self.report)
        codes = typed["survey_code"]
        again = codes.duplicated(keep="first").to_numpy()
        repeated = codes.notna().to_numpy() & again
        if repeated.any():
            first = dict(zip(codes[~again], rows[~again], strict=True))
            for i in np.flatnonzero(repeated):
                self.report.error(int(rows[i]), self.mapping.header_of("survey_code"), codes.iloc[i], "duplicate_code",
                                  f"编码与第 {first[codes.iloc[i]]} 行重复。")  # fmt: skip
        x, y = typed["x"].to_numpy(dtype=float), typed["y"].to_numpy(dtype=float)
        lon, lat = self.points(typed, chunk, rows)
        county, township = self.locate(lon, lat, rows, x, y)
        declared_county = by_unique(typed["declared_county"], _lookup, self.county_names)[0].to_numpy(
            dtype=object
        )
        self._declared_warnings(typed, rows, declared_county)
        declared_township = self._declared_townships(typed, county, declared_county)
        from_polygon = pd.notna(township)
        # Where the point is and what the row declares disagree: warned about, and kept as a flag.
        county_off = pd.notna(county) & pd.notna(declared_county) & (declared_county != county)
        town_off = from_polygon & pd.notna(declared_township) & (declared_township != township)
        self._mismatch_warnings(
            typed, rows, county, county_off, township, town_off, declared_county, lon, lat
        )
        self._sample_for_crs_check(typed, county, declared_county, lon, lat)
        final_township = np.where(from_polygon, township, declared_township)
        out = pd.DataFrame({
            "row_no": rows,
            **{c: typed[c] for c in ("survey_code", "census_no", "village", "address")},
            "county_code": county,
            "township_code": final_township,
            "geom": points_ewkb(lon, lat),
            "source_crs": self.crs.code,
            **{c: typed[c] for c in HOUSE_TYPED},
            "alterations": typed["alterations"].map(pg_array),
            "geohazards": typed["geohazards"].map(pg_array),
            **{c: typed[c] for c in ("declared_county", "declared_township")},
            "location_mismatch": county_off | town_off,
            "import_batch_id": self.batch_id,
            "synthetic": self.synthetic,
            **{c: typed[c] for c in HAZARD_TYPED},
            "measures": typed["measures"].map(pg_array),
            **{c: typed[c] for c in ("closed_out", "closed_out_on", "opened_on")},
        })  # fmt: skip
        # Staged in the order the houses are inserted: by place, so that neighbours share pages of the
        # table (sorting here, in the parsing thread, spares the database a sort of every chunk).
        return out.sort_values(
            ["county_code", "township_code", "survey_code"], kind="stable", na_position="first"
        )

    def _declared_warnings(self, typed, rows, declared_county) -> None:
        declared = typed["declared_county"].to_numpy(dtype=object)
        unknown = np.array([d is not None for d in declared]) & np.array([c is None for c in declared_county])
        for i in np.flatnonzero(unknown)[:20]:
            self.report.warning(int(rows[i]), self.mapping.header_of("declared_county"), declared[i],
                                "unknown_declared_county", "无法识别填报的县区名称，以坐标所在县区为准。")  # fmt: skip
        self.report.warning_counts["unknown_declared_county"] += max(int(unknown.sum()) - 20, 0)

    def _declared_townships(self, typed, county, declared_county) -> np.ndarray:
        """Code of the declared township in the county of the point (else the declared county), looked up
        once per distinct (county, name) pair."""
        names = typed["declared_township"].to_numpy(dtype=object)
        within = np.where(pd.notna(county), county, declared_county)
        county_ix = pd.factorize(within)[0]
        name_ix, distinct = pd.factorize(names)
        key = (county_ix + 1) * (len(distinct) + 1) + name_ix + 1  # -1 (missing) becomes 0
        _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
        found = np.array(
            [
                None if names[i] is None else self.township_names.get((within[i], _plain(names[i])))
                for i in first
            ],
            dtype=object,
        )
        return found[inverse] if len(first) else np.full(len(names), None, dtype=object)

    def _mismatch_warnings(
        self, typed, rows, county, county_off, township, town_off, declared_county, lon, lat
    ) -> None:
        declared = typed["declared_county"].to_numpy(dtype=object)
        for i in np.flatnonzero(county_off):
            self.report.warning(int(rows[i]), self.mapping.header_of("declared_county"), declared[i], "county_mismatch",
                                f"坐标位于{self.names.get(county[i], county[i])}，与填报的“{declared[i]}”不一致，以坐标为准。")  # fmt: skip
            if len(self.gcj_candidates) < self.GCJ_SAMPLE:
                self.gcj_candidates.append((declared_county[i], float(lon[i]), float(lat[i])))
        names = typed["declared_township"].to_numpy(dtype=object)
        for i in np.flatnonzero(town_off):
            self.report.warning(int(rows[i]), self.mapping.header_of("declared_township"), names[i], "township_mismatch",
                                f"坐标位于{self.names.get(township[i], township[i])}，与填报的“{names[i]}”不一致，以坐标为准。")  # fmt: skip

    def _sample_for_crs_check(self, typed, county, declared_county, lon, lat) -> None:
        """Points for the CRS check. The declared township is looked up in the declared county first: a
        shifted point may sit in the neighbouring county."""
        if self.crs_check.active:
            self.crs_check.add(self._declared_townships(typed, declared_county, county), lon, lat)

    def encode(self, frame: pd.DataFrame) -> _HouseChunk:
        """COPY input for the path the writer is expected to take (in the parsing thread)."""
        if self.direct and self.report.ok:
            # New houses: only a hazardous row has something to write (insert_new_hazards.sql).
            finding = frame["hazardous"].fillna(False)
            return _HouseChunk(
                frame,
                len(frame),
                houses=encode_csv(frame[list(HOUSE_COLUMNS)]),
                hazards=encode_csv(
                    frame.loc[finding.to_numpy(dtype=bool), ["row_no", "survey_code", *HAZARD_COLUMNS]]
                ),
            )
        return _HouseChunk(frame, len(frame), staged=encode_csv(frame))

    def write(self, chunk: _HouseChunk) -> None:
        """Write one chunk (in the writer thread): new houses straight into house while that works, else
        through staging; then the hazard records; then, once the load outgrows the table, defer its indexes."""
        params = {"batch_id": self.batch_id, "synthetic": self.synthetic, "today": dt.date.today()}
        if chunk.houses is not None and self.report.ok and self._copy_new_houses(chunk):
            hazards = "insert_new_hazards"  # new houses: each hazardous row opens a record, nothing else
        elif self._stage_and_merge(chunk, params):
            hazards = "merge_hazards"
        else:
            return  # the import will roll back: no need to merge more
        for statement in SQL.script(hazards):
            self.conn.execute(statement, params)
        if self.empty_statistics:
            # The owner's function (migration 0011): the service owns no table, and ANALYZE needs that.
            self.conn.execute(text("SELECT analyze_frame_tables(CAST(:t AS text[]))"), {"t": list(self.empty_statistics)})
            self.empty_statistics = []
        if (
            self.deferred_indexes is None
            and not self.bulk_declined
            and self.inserted >= max(self.prior_houses, self.BULK_MIN_ROWS)
        ):
            self.deferred_indexes = defer_secondary_indexes(self.conn, "house")
            self.bulk_declined = self.deferred_indexes is None

    def _copy_new_houses(self, chunk: _HouseChunk) -> bool:
        """COPY the chunk straight into house, assuming every code is new (true of a first load, and about
        three seconds faster per million rows than staging first). A known code makes the unique index
        refuse the COPY: it is undone and this import takes the staging path from then on (False)."""
        savepoint = self.conn.begin_nested()
        try:
            copy_csv(self.conn, "house", chunk.houses)
        except UniqueViolation:  # raised by the driver: COPY goes past SQLAlchemy
            savepoint.rollback()
            self.direct = False
            return False
        savepoint.commit()
        self.inserted += chunk.rows
        self.conn.execute(text("TRUNCATE staging_house"))
        copy_csv(self.conn, "staging_house", chunk.hazards)
        return True

    def _stage_and_merge(self, chunk: _HouseChunk, params: dict) -> bool:
        """Stage every row, report repeats of houses this import wrote, update known houses and insert new
        ones. False when the file has errors (nothing is merged)."""
        self.conn.execute(text("TRUNCATE staging_house"))
        copy_csv(self.conn, "staging_house", chunk.staged or encode_csv(chunk.frame))
        for statement in SQL.script("chunk_existing_houses"):
            self.conn.execute(statement, params)
        # A house this import already wrote (inserted or updated) is a repeat within the file.
        repeats = self.conn.execute(
            text("SELECT row_no, survey_code FROM existing_house WHERE repeated ORDER BY row_no LIMIT 5000")
        ).all()
        for row_no, code in repeats:
            self.report.error(row_no, self.mapping.header_of("survey_code"), code, "duplicate_code",
                              "编码与本文件中更早的一行重复。")  # fmt: skip
        if not self.report.ok:
            return False
        results = [self.conn.execute(statement, params) for statement in SQL.script("merge_houses")]
        inserted, updated = results[-1].one()
        self.inserted += inserted
        self.updated += updated
        return True

    def check(self) -> None:
        """Another CRS than declared: by the townships when real polygons are loaded, else (a warning) by the
        counties. Duplicates were caught chunk by chunk."""
        if self.crs_check.judge(self.report, self.mapping.header_of("x"), self.trust_crs):
            return
        if self.crs.code in ("EPSG:4490", "EPSG:4326") and self.gcj_candidates:
            codes, lon, lat = (np.array(v) for v in zip(*self.gcj_candidates, strict=True))
            wlon, wlat = gcj02_to_wgs84(lon.astype(float), lat.astype(float))
            fixed = int(self.counties.contains(codes, wlon, wlat).sum())
            tested = len(codes)
            if gcj02_suspected(tested, fixed):
                self.report.warning(None, None, f"{fixed}/{tested}", "gcj02_suspected",
                                    f"有 {tested} 行坐标不在填报县区内，其中 {fixed} 行按 GCJ-02 换算后落回填报县区："
                                    "坐标很可能来自高德/腾讯地图（GCJ-02）。请以 --crs GCJ-02 重新导入。")  # fmt: skip

    def merge(self) -> tuple[int, int]:
        """Houses and hazards were merged chunk by chunk: rebuild what a bulk load dropped; report the totals."""
        if self.deferred_indexes:
            restore_indexes(self.conn, self.deferred_indexes)
        return self.inserted, self.updated

    def after_merge(self, radii_m: dict[str, float] | None) -> None:
        """Proximity of the imported houses to sensitive sites."""
        refresh_proximity(self.conn, radii_m, batch_id=self.batch_id, houses=self.inserted + self.updated)


class _SiteImport(_Import):
    kind = Kind.SITES
    staging = "staging_site"

    def stage(self, chunk) -> pd.DataFrame:
        """Parse, convert, locate and stage one chunk."""
        rows = np.asarray(chunk.row_numbers)
        typed = parse_frame(chunk.frame, rows, self.fields, self.mapping, self.report)
        x, y = typed["x"].to_numpy(dtype=float), typed["y"].to_numpy(dtype=float)
        lon, lat = self.points(typed, chunk, rows)
        county, township = self.locate(lon, lat, rows, x, y)
        out = pd.DataFrame({
            "row_no": rows, "site_code": typed["site_code"], "name": typed["name"], "kind": typed["kind"],
            "address": typed["address"],
            "geom": points_ewkb(lon, lat), "source_crs": self.crs.code, "county_code": county,
            "township_code": township,
        })  # fmt: skip
        return out

    def check(self) -> None:
        """Duplicates by code and by (kind, name, county)."""
        self.duplicates("site_code", self.mapping.header_of("site_code"))
        self.duplicates("(kind || '|' || name || '|' || county_code)", self.mapping.header_of("name"))

    def merge(self) -> tuple[int, int]:
        """Update known sites (by code, else by kind, name and county), insert the others."""
        params = {"batch_id": self.batch_id, "synthetic": self.synthetic}
        results = [self.conn.execute(s, params) for s in SQL.script("merge_sites")]
        inserted, updated = results[-1].one()
        return inserted, updated

    def after_merge(self, radii_m: dict[str, float] | None) -> None:
        """Sites changed: every house's proximity may have changed."""
        refresh_proximity(self.conn, radii_m)


class _TownshipImport(_Import):
    kind = Kind.TOWNSHIPS
    staging = "staging_township"
    locates = False  # polygons are checked in PostGIS, not located

    def stage(self, chunk) -> pd.DataFrame:
        """Parse and stage one chunk of polygons (converted to CGCS2000 in Python)."""
        rows = np.asarray(chunk.row_numbers)
        typed = parse_frame(chunk.frame, rows, self.fields, self.mapping, self.report)
        geoms = np.asarray(chunk.geometry, dtype=object)
        missing = np.array([g is None or g.is_empty for g in geoms], dtype=bool)
        self.report.errors_where(missing, rows, None, None, "no_geometry", "该行缺少面几何。")
        type_ids = np.full(len(geoms), -1)
        type_ids[~missing] = shapely.get_type_id(geoms[~missing])
        not_polygon = ~missing & ~np.isin(type_ids, [3, 6])
        self.report.errors_where(
            not_polygon, rows, None, None, "not_polygon", "乡镇边界应为面（Polygon/MultiPolygon）。"
        )
        keep = ~missing & ~not_polygon
        converted = np.full(len(geoms), None, dtype=object)
        converted[keep] = geometries_to_cgcs2000(geoms[keep], self.crs)
        out = pd.DataFrame({"row_no": rows, "code": typed["code"], "name": typed["name"],
                            "geom": geometries_ewkb(converted)})  # fmt: skip
        return out

    def check(self) -> None:
        """Valid polygons of known NBS townships, each once; warn when far outside the county."""
        code_col = self.mapping.header_of("code")
        rows = self.conn.execute(SQL.one("unknown_township_codes")).all()  # fmt: skip
        for row_no, code in rows:
            self.report.error(row_no, code_col, code, "unknown_township",
                              "乡镇代码不在国家统计局2023年区划代码中（应为9位，如 620102001）。")  # fmt: skip
        invalid = self.conn.execute(SQL.one("invalid_township_geoms")).all()  # fmt: skip
        for row_no, code, reason in invalid:
            self.report.error(
                row_no, code_col, code, "invalid_polygon", f"面几何无效：{reason}。请修复后重新导入。"
            )
        self.duplicates("code", code_col)
        outside = self.conn.execute(SQL.one("townships_outside_county")).all()
        for row_no, code, share in outside:
            if share is not None and share > 0.05:
                self.report.warning(row_no, code_col, code, "polygon_outside_county",
                                    f"该乡镇面有 {share:.0%} 位于所属县区边界之外，请核对。")  # fmt: skip

    def merge(self) -> tuple[int, int]:
        """Replace the townships' polygons (real ones replace synthetic ones) and record the provenance."""
        params = {"batch_id": self.batch_id, "dataset": f"townships-import-{self.batch_id}"}
        results = [self.conn.execute(s, params) for s in SQL.script("merge_townships")]
        return 0, results[-1].scalar_one()

    def after_merge(self, radii_m: dict[str, float] | None) -> None:
        """Re-derive the townships of houses and sites in the counties that got real polygons."""
        codes = self.conn.execute(text("SELECT code FROM staging_township")).scalars().all()
        for statement in DIVISIONS_SQL.script("refresh_division_pieces"):
            self.conn.execute(statement, {"codes": list(codes)})
        for statement in SQL.script("relocate_townships"):
            self.conn.execute(statement, {"codes": list(codes)})


def _lookup(values: pd.Series, table: dict[str, str]) -> tuple[pd.Series, np.ndarray]:
    return values.map(lambda v: table.get(_plain(v))), np.zeros(len(values), dtype=bool)


def _township_lookup(conn: Connection) -> dict[tuple[str, str], str]:
    """(county code, township name or code) -> township code."""
    lookup: dict[tuple[str, str], str] = {}
    for code, name, county in conn.execute(
        text("SELECT code, name, parent_code FROM division WHERE level = 'township'")
    ):
        lookup[(county, name)] = code
        lookup[(county, code)] = code
    return lookup


def _plain(name: str) -> str:
    return name.replace(" ", "").replace("\u3000", "")


def _county_lookup(conn: Connection) -> dict[str, str]:
    """Every way a county-level unit is written: code, name, city name + name."""
    lookup: dict[str, str] = {}
    for code, name, city in conn.execute(SQL.one("county_lookup")):  # fmt: skip
        for spelling in (code, name, city + name, "甘肃省" + city + name):
            lookup[spelling] = code
    return lookup


def _names(conn: Connection) -> dict[str, str]:
    return dict(
        conn.execute(text("SELECT code, name FROM division WHERE level IN ('county', 'township')")).all()
    )
