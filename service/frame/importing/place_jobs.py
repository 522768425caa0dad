"""The sites' and the townships' import jobs (sensitive sites as points; township polygons that replace the
synthetic ones)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely
from sqlalchemy import text

from geo.coords import geometries_to_cgcs2000
from service.core.bulk import geometries_ewkb, points_ewkb
from service.core.queries import SqlFiles
from service.frame.importing.fields import Kind
from service.frame.importing.jobs import _Import
from service.frame.importing.parse import parse_frame
from service.frame.proximity import refresh_proximity

SQL = SqlFiles("service.frame")

DIVISIONS_SQL = SqlFiles("service.divisions")


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
