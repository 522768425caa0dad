"""Bulk loading: COPY a DataFrame into a table through one CSV buffer (the fastest path from Python)."""

from __future__ import annotations

import binascii
import io
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import shapely
from psycopg import sql as pgsql
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError

from geo.crs import CGCS2000


@dataclass(frozen=True)
class CsvPayload:
    """A frame encoded for COPY: its column names and CSV bytes."""

    columns: tuple[str, ...]
    data: bytes
    rows: int


def encode_csv(frame: pd.DataFrame) -> CsvPayload:
    """Encode a frame as CSV with Arrow's C++ writer (pandas' to_csv is ten times slower).

    Nulls become empty unquoted fields, which COPY reads as NULL; empty strings stay quoted.
    """
    buffer = io.BytesIO()
    pacsv.write_csv(
        pa.Table.from_pandas(frame, preserve_index=False),
        buffer,
        write_options=pacsv.WriteOptions(include_header=False, quoting_style="needed"),
    )
    return CsvPayload(tuple(frame.columns), buffer.getvalue(), len(frame))


def copy_csv(conn: Connection, table: str, payload: CsvPayload) -> None:
    """COPY an encoded frame into ``table`` in the connection's transaction."""
    statement = pgsql.SQL("COPY {} ({}) FROM STDIN WITH (FORMAT csv)").format(
        pgsql.Identifier(table), pgsql.SQL(", ").join(pgsql.Identifier(c) for c in payload.columns)
    )
    with conn.connection.driver_connection.cursor() as cur, cur.copy(statement) as copy:
        copy.write(payload.data)


def copy_frame(conn: Connection, table: str, frame: pd.DataFrame) -> None:
    """COPY ``frame`` (columns named as the table's) into ``table`` in the connection's transaction."""
    copy_csv(conn, table, encode_csv(frame))


# A point's EWKB: little-endian flag, type Point with the SRID bit, SRID, x, y (25 bytes, no padding).
_EWKB_POINT = np.dtype([("order", "u1"), ("type", "<u4"), ("srid", "<u4"), ("x", "<f8"), ("y", "<f8")])


def points_ewkb(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Hex EWKB of CGCS2000 points (None where a coordinate is missing), ready for a geometry column.

    Written with numpy rather than through shapely geometries: ten times faster, and the import spends a
    few seconds per million rows here otherwise (the bytes are the same as shapely's ``to_wkb``).
    """
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    ok = np.isfinite(lon) & np.isfinite(lat)
    record = np.empty(len(lon), dtype=_EWKB_POINT)
    record["order"] = 1
    record["type"] = 0x20000001
    record["srid"] = CGCS2000
    record["x"] = lon
    record["y"] = lat
    hexed = np.frombuffer(binascii.hexlify(record.tobytes()).upper(), dtype=f"S{2 * _EWKB_POINT.itemsize}")
    return np.where(ok, hexed.astype(str).astype(object), None)


def geometries_ewkb(geoms) -> np.ndarray:
    """Hex EWKB of CGCS2000 geometries (None stays None)."""
    geoms = np.asarray(geoms, dtype=object)
    return shapely.to_wkb(shapely.set_srid(geoms, CGCS2000), hex=True, include_srid=True)


def pg_array(values: list[str] | None) -> str:
    """A text[] literal for COPY (our codes never contain commas, quotes or braces); None is empty."""
    return "{" + ",".join(values) + "}" if values else "{}"


def defer_secondary_indexes(conn: Connection, table: str, lock_timeout: str = "2s") -> list[str] | None:
    """Drop ``table``'s non-unique indexes for a bulk load; return their names to rebuild them.

    Rebuilding a GiST and two b-tree indexes over a million rows takes about 2 s; maintaining them row by row
    during the load took 6 s more (bench/bench_frame.py). Unique indexes stay: they keep the keys honest and
    serve the load's lookups. The drop takes an exclusive lock on the table until the transaction ends, so
    readers wait for the load; if the lock is not granted within ``lock_timeout`` (a long report is
    reading), nothing is dropped and the load goes on with the indexes (None is returned).

    The service owns no table: the database function ``defer_secondary_indexes`` (migration 0011, run with
    the owner's rights, for the house table only) locks, keeps each definition where the service cannot
    write, and drops; ``restore_indexes`` has them rebuilt from there.
    """
    previous = conn.execute(text("SHOW lock_timeout")).scalar_one()
    savepoint = conn.begin_nested()
    try:
        conn.execute(text("SELECT set_config('lock_timeout', :t, true)"), {"t": lock_timeout})
        names = conn.execute(text("SELECT defer_secondary_indexes(:table)"), {"table": table}).scalar_one()
    except OperationalError as exc:
        if getattr(exc.orig, "sqlstate", None) != "55P03":  # lock_not_available
            raise
        savepoint.rollback()
        return None
    savepoint.commit()
    conn.execute(text("SELECT set_config('lock_timeout', :t, true)"), {"t": previous})
    return list(names)


def restore_indexes(conn: Connection, deferred: list[str]) -> None:
    """Rebuild the indexes ``defer_secondary_indexes`` dropped (by name, from the definitions the database
    kept), in the same transaction."""
    if deferred:
        conn.execute(text("SELECT restore_secondary_indexes(CAST(:names AS text[]))"), {"names": list(deferred)})
