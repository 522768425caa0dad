"""One import, all or nothing: read the file in chunks, parse, stage with COPY, check in PostGIS, merge.

The whole import runs in one transaction. Rows are streamed into a temporary staging table chunk by chunk
(memory stays flat for a million rows); checks that need the database (where a point really is,
duplicates) run over the staging table; any error rolls everything back and the report says what to fix.

This module holds the run itself (:func:`import_file`, its result, the checks before the transaction); what
each kind does with its chunks is in ``jobs`` (shared), ``house_job`` (houses) and ``place_jobs`` (sites,
townships).
"""

from __future__ import annotations

import hashlib
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sqlalchemy.engine import Engine

from geo.coords import GCJ02, CrsError, InputCrs, parse_crs
from service.audit.trail import Actor
from service.audit.trail import record as audit_record

# The bulk-load index hooks: house_job looks them up here when it calls them (so they can be replaced here).
from service.core.bulk import defer_secondary_indexes as defer_secondary_indexes
from service.core.bulk import restore_indexes as restore_indexes
from service.core.errors import InvalidInput
from service.core.queries import SqlFiles
from service.core.settings import SecuritySettings
from service.core.uploads import display_filename
from service.frame.importing.fields import (
    FIELDS,
    Kind,
    Mapping,
    header_matcher,
    load_mapping_file,
    resolve_mapping,
)
from service.frame.importing.headers import SCAN_ROWS, rows_label

# The jobs per kind, and what they share; the names below are kept importable from here as before the split.
from service.frame.importing.house_job import HAZARD_COLUMNS as HAZARD_COLUMNS
from service.frame.importing.house_job import HAZARD_TYPED as HAZARD_TYPED
from service.frame.importing.house_job import HOUSE_COLUMNS as HOUSE_COLUMNS
from service.frame.importing.house_job import HOUSE_TYPED as HOUSE_TYPED
from service.frame.importing.house_job import _HouseImport
from service.frame.importing.place_jobs import DIVISIONS_SQL as DIVISIONS_SQL
from service.frame.importing.place_jobs import _SiteImport, _TownshipImport
from service.frame.importing.readers import (
    DEFAULT_CHUNK_ROWS,
    Chunk,
    FileFormat,
    ReadError,
    SourceInfo,
    open_source,
)
from service.frame.importing.report import Report
from service.maps.tiles import refresh_map_views

SQL = SqlFiles("service.frame")


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
