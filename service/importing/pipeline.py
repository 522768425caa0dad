"""One import, all or nothing: read the file in chunks, parse, stage with COPY, check in PostGIS, merge.

The whole import runs in one transaction. Rows are streamed into a temporary staging table chunk by chunk
(memory stays flat for a million rows); checks that need the database (where a point really is,
duplicates) run over the staging table; any error rolls everything back and the report says what to fix.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
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
from geo.crs import CGCS2000
from geo.gcj02 import gcj02_to_wgs84
from service.bulk import copy_frame, geometries_ewkb, pg_array
from service.errors import InvalidInput
from service.importing.fields import FIELDS, Kind, Mapping, load_mapping_file, resolve_mapping
from service.importing.parse import check_house_consistency, parse_frame
from service.importing.readers import FileFormat, ReadError, SourceInfo, open_source
from service.importing.report import Report
from service.proximity import refresh_proximity
from service.queries import script, sql

CHUNK_ROWS = 50_000


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
    chunk_rows: int = CHUNK_ROWS,
) -> ImportResult:
    """Import one file of ``kind``; commit only if it has no error."""
    started = time.perf_counter()
    path = Path(path)
    result = ImportResult(kind, filename or path.name, False, Report())
    report = result.report
    try:
        info, chunks = open_source(path, layer=layer, encoding=encoding, chunk_rows=chunk_rows)
    except ReadError as exc:
        report.error(None, None, None, _read_code(exc), exc.message)
        return result
    result.source = _describe(info)
    extra_columns, extra_values = load_mapping_file(mapping_file)
    mapping, missing = resolve_mapping(
        kind, info.columns, extra_columns, extra_values, truncated_names=info.format == FileFormat.SHAPEFILE
    )
    has_geometry = info.geometry_type is not None
    for f in missing:
        if f.name in ("x", "y") and has_geometry:
            continue  # a GIS layer's geometry gives the position
        report.error(1, f.label, None, "missing_column",
                     f"缺少必需的列“{f.label}”（可用列名：{'、'.join(f.headers)}；或用映射文件指定）。")  # fmt: skip
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
            job = importer(conn, mapping, input_crs, report, synthetic)
            job.prepare()
            try:
                for chunk in chunks:
                    job.stage(chunk)
                    result.rows += len(chunk.frame)
            except ReadError as exc:
                report.error(None, None, None, _read_code(exc), exc.message)
            if result.rows == 0 and report.ok:
                report.error(None, None, None, "no_rows", "文件没有数据行。")
            if report.ok:
                job.check()
            if not report.ok:
                raise _Rollback
            batch_id = _record_batch(conn, result, info, input_crs, mapping, path, synthetic)
            result.inserted, result.updated = job.merge(batch_id)
            job.after_merge(radii_m)
            result.seconds = time.perf_counter() - started
            conn.execute(
                text("UPDATE import_batch SET inserted = :i, updated = :u, seconds = :s, warnings = "
                     "CAST(:w AS jsonb) WHERE id = :id"),
                {"i": result.inserted, "u": result.updated, "s": result.seconds, "id": batch_id,
                 "w": _json(report.summary()["warnings"])},
            )  # fmt: skip
            result.batch_id = batch_id
            result.committed = True
    except _Rollback:
        pass
    result.seconds = time.perf_counter() - started
    return result


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
        text(
            "INSERT INTO import_batch (kind, filename, file_sha256, format, encoding, declared_crs, rows, "
            "inserted, updated, mapping, synthetic) VALUES (:kind, :filename, :sha, :format, :encoding, :crs, "
            ":rows, 0, 0, CAST(:mapping AS jsonb), :synthetic) RETURNING id"
        ),
        {
            "kind": result.kind.value, "filename": result.filename, "sha": file_sha256(path),
            "format": str(info.format), "encoding": info.encoding, "crs": crs.code, "rows": result.rows,
            "mapping": _json(mapping.columns), "synthetic": synthetic,
        },
    ).scalar_one()  # fmt: skip


# Kind-specific work -------------------------------------------------------------------------------------


class _Import:
    """Shared machinery: parse a chunk, convert its coordinates, COPY it into staging."""

    kind: Kind
    staging: str
    columns: tuple[str, ...]

    def __init__(self, conn: Connection, mapping: Mapping, crs: InputCrs, report: Report, synthetic: bool):
        self.conn, self.mapping, self.crs, self.report, self.synthetic = conn, mapping, crs, report, synthetic
        self.fields = FIELDS[self.kind]

    def prepare(self) -> None:
        """Create the staging table."""
        for statement in script(f"staging_{self.kind.value}"):
            self.conn.execute(statement)

    def points(self, typed: pd.DataFrame, chunk, rows: np.ndarray) -> np.ndarray:
        """CGCS2000 points of the chunk (None where unusable, with the row's error recorded)."""
        if chunk.geometry is not None and typed["x"].isna().all():
            geoms = np.asarray(chunk.geometry, dtype=object)
            is_point = shapely.get_type_id(geoms) == 0
            missing = np.array([g is None for g in geoms]) | ~is_point
            self.report.errors_where(
                missing, rows, None, None, "no_geometry", "该行缺少点几何（应为点图层）。"
            )
            x = np.where(missing, np.nan, shapely.get_x(np.where(missing, None, geoms)))
            y = np.where(missing, np.nan, shapely.get_y(np.where(missing, None, geoms)))
        else:
            x, y = typed["x"].to_numpy(dtype=float), typed["y"].to_numpy(dtype=float)
        usable = np.isfinite(x) & np.isfinite(y)
        col_x, col_y = self.mapping.header_of("x"), self.mapping.header_of("y")
        if self.crs.is_projected:
            swapped = usable & looks_swapped_projected(x, y)
            self.report.errors_where(swapped, rows, col_x, x, "swapped_coordinates",
                                     "东坐标与北坐标疑似颠倒（中国测量习惯 X 为北坐标）。请检查两列或用映射文件指定。")  # fmt: skip
            usable &= ~swapped
        if not self.crs.is_projected:
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
        self.report.errors_where(outside, rows, col_x, _pairs(x, y), "outside_gansu",
                                 f"坐标不在甘肃省境内（按 {self.crs.code} 解读）。请核对坐标或声明的坐标系。")  # fmt: skip
        usable &= ~outside
        pts = shapely.points(np.where(usable, lon, np.nan), np.where(usable, lat, np.nan))
        pts = np.where(usable, pts, None)
        return shapely.set_srid(pts, CGCS2000)

    def copy(self, frame: pd.DataFrame) -> None:
        """COPY a typed frame into the staging table."""
        copy_frame(self.conn, self.staging, frame)

    def outside_polygons(self, located: str, column: str) -> None:
        """Rows in Gansu's bounding box but in no county polygon are outside Gansu too."""
        rows = self.conn.execute(
            text(f"SELECT row_no, ST_X(geom), ST_Y(geom) FROM {located} WHERE geom IS NOT NULL AND "
                 f"county_code IS NULL ORDER BY row_no LIMIT 5000")
        ).all()  # fmt: skip
        total = self.conn.execute(
            text(f"SELECT count(*) FROM {located} WHERE geom IS NOT NULL AND county_code IS NULL")
        ).scalar_one()
        for row_no, lon, lat in rows:
            self.report.error(row_no, column, f"{lon:.6f}, {lat:.6f}", "outside_gansu",
                              "坐标不在甘肃省任何县区内。请核对坐标或声明的坐标系。")  # fmt: skip
        self.report.error_counts["outside_gansu"] += max(total - len(rows), 0)

    def duplicates(self, located: str, key: str, column: str | None) -> None:
        """Every repeat of a key within the file is an error naming the first row."""
        rows = self.conn.execute(
            text(f"SELECT row_no, {key}, first_row FROM (SELECT row_no, {key}, row_number() OVER w AS n, "
                 f"min(row_no) OVER w AS first_row FROM {located} WHERE {key} IS NOT NULL "
                 f"WINDOW w AS (PARTITION BY {key} ORDER BY row_no)) AS d WHERE n > 1 ORDER BY row_no")
        ).all()  # fmt: skip
        for row_no, value, first in rows:
            self.report.error(row_no, column, value, "duplicate_code", f"编码与第 {first} 行重复。")


def _pairs(x: np.ndarray, y: np.ndarray) -> list[str]:
    return [f"{a}, {b}" for a, b in zip(x, y, strict=True)]


class _HouseImport(_Import):
    kind = Kind.HOUSES
    staging = "staging_house"

    def prepare(self) -> None:
        """Create the staging table and load the county name lookup."""
        super().prepare()
        self.counties = _county_lookup(self.conn)

    def stage(self, chunk) -> None:
        """Parse and stage one chunk."""
        rows = np.asarray(chunk.row_numbers)
        typed = parse_frame(chunk.frame, rows, self.fields, self.mapping, self.report)
        typed = check_house_consistency(typed, rows, self.mapping, self.report)
        geoms = self.points(typed, chunk, rows)
        declared = typed["declared_county"]
        typed["declared_county_code"] = declared.map(
            lambda v: None if v is None else self.counties.get(_plain(v))
        )
        unknown = (declared.notna() & typed["declared_county_code"].isna()).to_numpy()
        for i in np.flatnonzero(unknown)[:20]:
            self.report.warning(int(rows[i]), self.mapping.header_of("declared_county"), declared.iloc[i],
                                "unknown_declared_county", "无法识别填报的县区名称，以坐标所在县区为准。")  # fmt: skip
        self.report.warning_counts["unknown_declared_county"] += max(int(unknown.sum()) - 20, 0)
        out = pd.DataFrame({
            "row_no": rows,
            **{c: typed[c] for c in (
                "survey_code", "census_no", "declared_county", "declared_county_code", "declared_township",
                "village", "address")},
            "geom": shapely.to_wkb(geoms, hex=True, include_srid=True),
            "source_crs": self.crs.code,
            **{c: typed[c] for c in (
                "use_class", "business_type", "area_type", "structure", "floors", "floors_band",
                "floor_area_m2", "build_year", "build_era")},
            "alterations": typed["alterations"].map(pg_array),
            "geohazards": typed["geohazards"].map(pg_array),
            **{c: typed[c] for c in (
                "hazardous", "none_found", "record_code", "initial_determination", "hazard_grade",
                "appraisal_status", "appraisal_standard", "appraisal_grade", "rectification_status",
                "rectification_deadline")},
            "measures": typed["measures"].map(pg_array),
            **{c: typed[c] for c in ("closed_out", "closed_out_on", "opened_on")},
        })  # fmt: skip
        self.copy(out)

    def check(self) -> None:
        """Locate every house in PostGIS; report outside points, duplicates, mismatches, GCJ-02 data."""
        for statement in script("locate_houses"):
            self.conn.execute(statement)
        self.outside_polygons("located_house", self.mapping.header_of("x") or "geometry")
        self.duplicates("located_house", "survey_code", self.mapping.header_of("survey_code"))
        if not self.report.ok:
            return
        mismatched = self.conn.execute(
            text(
                "SELECT row_no, declared_county, county_code, declared_county_code, ST_X(geom), ST_Y(geom) "
                "FROM located_house WHERE declared_county_code IS NOT NULL "
                "AND declared_county_code <> county_code ORDER BY row_no"
            )
        ).all()
        names = _names(self.conn)
        for row_no, declared, derived, _, _, _ in mismatched[:1000]:
            self.report.warning(row_no, self.mapping.header_of("declared_county"), declared, "county_mismatch",
                                f"坐标位于{names.get(derived, derived)}，与填报的“{declared}”不一致，以坐标为准。")  # fmt: skip
        self.report.warning_counts["county_mismatch"] += max(len(mismatched) - 1000, 0)
        township = self.conn.execute(
            text(
                "SELECT row_no, declared_township, township_code FROM located_house WHERE township_from_polygon "
                "AND declared_township_code IS NOT NULL AND declared_township_code <> township_code "
                "ORDER BY row_no"
            )
        ).all()
        for row_no, declared, derived in township[:1000]:
            self.report.warning(row_no, self.mapping.header_of("declared_township"), declared, "township_mismatch",
                                f"坐标位于{names.get(derived, derived)}，与填报的“{declared}”不一致，以坐标为准。")  # fmt: skip
        self.report.warning_counts["township_mismatch"] += max(len(township) - 1000, 0)
        if self.crs.code in ("EPSG:4490", "EPSG:4326") and mismatched:
            self._gcj02_check(mismatched)

    def _gcj02_check(self, mismatched) -> None:
        sample = mismatched[:5000]
        lon = np.array([r[4] for r in sample])
        lat = np.array([r[5] for r in sample])
        wlon, wlat = gcj02_to_wgs84(lon, lat)
        fixed = self.conn.execute(
            text(
                "SELECT count(*) FROM unnest(CAST(:codes AS text[]), CAST(:lon AS float8[]), "
                "CAST(:lat AS float8[])) AS p(code, lon, lat) JOIN division AS d ON d.code = p.code "
                "WHERE ST_Intersects(d.geom, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4490))"
            ),
            {"codes": [r[3] for r in sample], "lon": wlon.tolist(), "lat": wlat.tolist()},
        ).scalar_one()
        if gcj02_suspected(len(sample), fixed):
            self.report.warning(None, None, f"{fixed}/{len(sample)}", "gcj02_suspected",
                                f"有 {len(sample)} 行坐标不在填报县区内，其中 {fixed} 行按 GCJ-02 换算后落回填报县区："
                                "坐标很可能来自高德/腾讯地图（GCJ-02）。请以 --crs GCJ-02 重新导入。")  # fmt: skip

    def merge(self, batch_id: int) -> tuple[int, int]:
        """Upsert houses and their hazard records."""
        params = {"batch_id": batch_id, "synthetic": self.synthetic, "today": dt.date.today()}
        inserted, updated = self.conn.execute(sql("merge_houses"), params).one()
        for statement in script("merge_hazards"):
            self.conn.execute(statement, params)
        return inserted, updated

    def after_merge(self, radii_m: dict[str, float] | None) -> None:
        """Proximity of the imported houses to sensitive sites."""
        ids = (
            self.conn.execute(text("SELECT h.id FROM house AS h JOIN located_house AS l USING (survey_code)"))
            .scalars()
            .all()
        )
        refresh_proximity(self.conn, radii_m, house_ids=list(ids))


class _SiteImport(_Import):
    kind = Kind.SITES
    staging = "staging_site"

    def prepare(self) -> None:
        """Create the staging table."""
        super().prepare()

    def stage(self, chunk) -> None:
        """Parse and stage one chunk."""
        rows = np.asarray(chunk.row_numbers)
        typed = parse_frame(chunk.frame, rows, self.fields, self.mapping, self.report)
        geoms = self.points(typed, chunk, rows)
        out = pd.DataFrame({
            "row_no": rows, "site_code": typed["site_code"], "name": typed["name"], "kind": typed["kind"],
            "declared_county": typed["declared_county"], "address": typed["address"],
            "geom": shapely.to_wkb(geoms, hex=True, include_srid=True), "source_crs": self.crs.code,
        })  # fmt: skip
        self.copy(out)

    def check(self) -> None:
        """Locate sites; duplicates by code and by (kind, name, county)."""
        for statement in script("locate_sites"):
            self.conn.execute(statement)
        self.outside_polygons("located_site", self.mapping.header_of("x") or "geometry")
        self.duplicates("located_site", "site_code", self.mapping.header_of("site_code"))
        self.duplicates(
            "located_site", "(kind || '|' || name || '|' || county_code)", self.mapping.header_of("name")
        )

    def merge(self, batch_id: int) -> tuple[int, int]:
        """Update known sites (by code, else by kind, name and county), insert the others."""
        params = {"batch_id": batch_id, "synthetic": self.synthetic}
        results = [self.conn.execute(s, params) for s in script("merge_sites")]
        inserted, updated = results[-1].one()
        return inserted, updated

    def after_merge(self, radii_m: dict[str, float] | None) -> None:
        """Sites changed: every house's proximity may have changed."""
        refresh_proximity(self.conn, radii_m)


class _TownshipImport(_Import):
    kind = Kind.TOWNSHIPS
    staging = "staging_township"

    def stage(self, chunk) -> None:
        """Parse and stage one chunk of polygons (converted to CGCS2000 in Python)."""
        rows = np.asarray(chunk.row_numbers)
        typed = parse_frame(chunk.frame, rows, self.fields, self.mapping, self.report)
        geoms = np.asarray(chunk.geometry, dtype=object)
        missing = np.array([g is None or g.is_empty for g in geoms], dtype=bool)
        self.report.errors_where(missing, rows, None, None, "no_geometry", "该行缺少面几何。")
        type_ids = shapely.get_type_id(np.where(missing, None, geoms))
        not_polygon = ~missing & ~np.isin(type_ids, [3, 6])
        self.report.errors_where(
            not_polygon, rows, None, None, "not_polygon", "乡镇边界应为面（Polygon/MultiPolygon）。"
        )
        keep = ~missing & ~not_polygon
        converted = geometries_to_cgcs2000(np.where(keep, geoms, None), self.crs)
        out = pd.DataFrame({
            "row_no": rows, "code": typed["code"], "name": typed["name"],
            "geom": geometries_ewkb(converted),
        })  # fmt: skip
        self.copy(out)

    def check(self) -> None:
        """Valid polygons of known NBS townships, each once; warn when far outside the county."""
        code_col = self.mapping.header_of("code")
        rows = self.conn.execute(
            text("SELECT s.row_no, s.code FROM staging_township AS s LEFT JOIN division AS d "
                 "ON d.code = s.code AND d.level = 'township' WHERE d.code IS NULL ORDER BY s.row_no")
        ).all()  # fmt: skip
        for row_no, code in rows:
            self.report.error(row_no, code_col, code, "unknown_township",
                              "乡镇代码不在国家统计局2023年区划代码中（应为9位，如 620102001）。")  # fmt: skip
        invalid = self.conn.execute(
            text("SELECT row_no, code, ST_IsValidReason(geom) FROM staging_township "
                 "WHERE geom IS NOT NULL AND NOT ST_IsValid(geom) ORDER BY row_no")
        ).all()  # fmt: skip
        for row_no, code, reason in invalid:
            self.report.error(
                row_no, code_col, code, "invalid_polygon", f"面几何无效：{reason}。请修复后重新导入。"
            )
        self.duplicates("staging_township", "code", code_col)
        outside = self.conn.execute(
            text(
                "SELECT s.row_no, s.code, ST_Area(ST_Difference(s.geom, c.geom)::geography) "
                "/ NULLIF(ST_Area(s.geom::geography), 0) FROM staging_township AS s "
                "JOIN division AS t ON t.code = s.code JOIN division AS c ON c.code = t.parent_code "
                "WHERE ST_IsValid(s.geom) AND NOT ST_CoveredBy(s.geom, c.geom) ORDER BY s.row_no"
            )
        ).all()
        for row_no, code, share in outside:
            if share is not None and share > 0.05:
                self.report.warning(row_no, code_col, code, "polygon_outside_county",
                                    f"该乡镇面有 {share:.0%} 位于所属县区边界之外，请核对。")  # fmt: skip

    def merge(self, batch_id: int) -> tuple[int, int]:
        """Replace the townships' polygons (real ones replace synthetic ones) and record the provenance."""
        params = {"batch_id": batch_id, "dataset": f"townships-import-{batch_id}"}
        results = [self.conn.execute(s, params) for s in script("merge_townships")]
        return 0, results[-1].scalar_one()

    def after_merge(self, radii_m: dict[str, float] | None) -> None:
        """Re-derive the townships of houses and sites in the counties that got real polygons."""
        codes = self.conn.execute(text("SELECT code FROM staging_township")).scalars().all()
        for statement in script("refresh_division_pieces"):
            self.conn.execute(statement, {"codes": list(codes)})
        for statement in script("relocate_townships"):
            self.conn.execute(statement, {"codes": list(codes)})


def _plain(name: str) -> str:
    return name.replace(" ", "").replace("\u3000", "")


def _county_lookup(conn: Connection) -> dict[str, str]:
    """Every way a county-level unit is written: code, name, city name + name."""
    lookup: dict[str, str] = {}
    for code, name, city in conn.execute(
        text("SELECT d.code, d.name, c.name FROM division AS d JOIN division AS c ON c.code = d.parent_code "
             "WHERE d.level = 'county'")
    ):  # fmt: skip
        for spelling in (code, name, city + name, "甘肃省" + city + name):
            lookup[spelling] = code
    return lookup


def _names(conn: Connection) -> dict[str, str]:
    return dict(
        conn.execute(text("SELECT code, name FROM division WHERE level IN ('county', 'township')")).all()
    )


def parse_crs_or_error(value: str | None) -> InputCrs:
    """The CRS for an API or CLI argument, as a 422 when it is not accepted."""
    try:
        return parse_crs(value)
    except CrsError as exc:
        raise InvalidInput(exc.message, exc.message_en) from exc
