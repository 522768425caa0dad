"""The houses' import job: parse, convert, locate and compare each chunk with what its rows declare; write
new houses straight into house (or through staging and a merge), their hazard records, bulk loads without
the secondary indexes; the CRS checks at the end."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
from psycopg.errors import UniqueViolation
from sqlalchemy import text

from geo.coords import gcj02_suspected
from geo.gcj02 import gcj02_to_wgs84
from service.core.bulk import CsvPayload, copy_csv, encode_csv, pg_array, points_ewkb
from service.core.queries import SqlFiles
from service.frame.importing.crs_check import TownshipCrsCheck
from service.frame.importing.fields import Kind
from service.frame.importing.jobs import _county_lookup, _Import, _lookup, _names, _plain, _township_lookup
from service.frame.importing.parse import by_unique, check_house_consistency, parse_frame
from service.frame.proximity import refresh_proximity

SQL = SqlFiles("service.frame")


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
            self.conn.execute(
                text("SELECT analyze_frame_tables(CAST(:t AS text[]))"), {"t": list(self.empty_statistics)}
            )
            self.empty_statistics = []
        if (
            self.deferred_indexes is None
            and not self.bulk_declined
            and self.inserted >= max(self.prior_houses, self.BULK_MIN_ROWS)
        ):
            self.deferred_indexes = _pipeline().defer_secondary_indexes(self.conn, "house")
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
            _pipeline().restore_indexes(self.conn, self.deferred_indexes)
        return self.inserted, self.updated

    def after_merge(self, radii_m: dict[str, float] | None) -> None:
        """Proximity of the imported houses to sensitive sites."""
        refresh_proximity(self.conn, radii_m, batch_id=self.batch_id, houses=self.inserted + self.updated)


def _pipeline():
    """The pipeline module, where the bulk-load index hooks (``defer_secondary_indexes``, ``restore_indexes``)
    are looked up when called: they are replaced there (tests do)."""
    from service.frame.importing import pipeline

    return pipeline
