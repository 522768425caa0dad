"""What every kind of import does with its chunks: the base job (staging table, points converted to CGCS2000
and located in the county and township polygons, COPY into staging, duplicate keys) and the lookups of
division names the jobs share."""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely
from sqlalchemy import text
from sqlalchemy.engine import Connection

from geo.coords import InputCrs, in_gansu_bbox, looks_swapped, looks_swapped_projected, to_cgcs2000
from geo.locate import PolygonIndex
from service.core.bulk import CsvPayload, copy_csv, encode_csv
from service.core.queries import SqlFiles
from service.frame.importing.fields import FIELDS, Kind, Mapping
from service.frame.importing.report import Report

SQL = SqlFiles("service.frame")


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
