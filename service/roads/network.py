"""A network in PostGIS from lines already read and checked: topology, components, size, coverage; and the
network queries the API and the CLI share (list, one, delete).

``build_network`` runs in the caller's transaction (the import's, the demo's), so that a failure anywhere
leaves nothing behind. The topology is built in SQL (``sql/build_topology.sql``): lines snapped to a grid
of ``GRID_DEG``, noded together with ``ST_Node``, pieces given their line's attributes, end points on the
grid numbered as vertices; the split points come from ``service.roads.topology``. Components come from ``pgr_connectedComponents``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import shapely
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from service.core.bulk import copy_frame, geometries_ewkb
from service.core.errors import NotFound
from service.core.queries import SqlFiles
from service.roads.topology import snap, split_points

SQL = SqlFiles("service.roads")

GRID_DEG = 1e-6  # about 0.1 m: end points closer than this (on one grid point) are one vertex
#: Coverage rule (docs/roads.md): a unit is covered when this share of its hazardous houses ...
COVERAGE_SHARE = 0.95
#: ... lie within this distance (m) of a vertex of the network.
COVERAGE_RADIUS_M = 2000.0

LINE_COLUMNS = ("line_no", "road_class", "speed_kmh", "oneway", "name", "geom")


@dataclass(frozen=True)
class Provenance:
    """Where a network comes from, as the office declares it."""

    name: str
    source: str
    version: str
    licence: str
    declared_crs: str
    synthetic: bool = False
    filename: str | None = None
    file_sha256: str | None = None
    note: str | None = None


@dataclass
class BuiltNetwork:
    """What ``build_network`` made."""

    id: int
    lines: int
    edges: int
    vertices: int
    components: int
    length_km: float
    covered_units: list[str] = field(default_factory=list)
    seconds: float = 0.0


def build_network(
    conn: Connection | Session,
    lines: pd.DataFrame,
    provenance: Provenance,
    *,
    account_id: int | None,
    actor_label: str,
) -> BuiltNetwork:
    """Insert a network from ``lines`` (columns ``line_no, road_class, speed_kmh, oneway, name`` and
    ``geometry``: shapely LineStrings in EPSG:4490; oneway -1 means against the digitised direction)."""
    started = time.perf_counter()
    p = provenance
    network_id = conn.execute(SQL.one("insert_network"), {
        "name": p.name, "source": p.source, "version": p.version, "licence": p.licence, "crs": p.declared_crs,
        "synthetic": p.synthetic, "filename": p.filename, "sha256": p.file_sha256, "note": p.note,
        "account": account_id, "actor": actor_label,
    }).scalar_one()  # fmt: skip
    geoms = snap(np.asarray(lines["geometry"].to_numpy(), dtype=object), GRID_DEG)
    oneway = lines["oneway"].to_numpy(dtype=np.int64)
    if (oneway < 0).any():  # one way against the digitised direction: store the line reversed
        geoms = geoms.copy()
        geoms[oneway < 0] = shapely.reverse(geoms[oneway < 0])
    usable = ~shapely.is_empty(geoms) & (shapely.length(geoms) > 0)
    geoms, picked = geoms[usable], lines[usable]
    staged = pd.DataFrame({
        "part": np.arange(len(geoms)), "line_no": picked["line_no"].to_numpy(dtype=np.int64),
        "road_class": picked["road_class"].to_numpy(), "speed_kmh": picked["speed_kmh"].to_numpy(dtype=float),
        "oneway": np.abs(oneway[usable]), "name": picked["name"].to_numpy(dtype=object),
        "geom": geometries_ewkb(geoms),
    })  # fmt: skip
    cuts = split_points(geoms)
    blades = pd.DataFrame({"part": list(cuts), "blade": geometries_ewkb([shapely.multipoints(p) for p in cuts.values()])
                           if cuts else []})  # fmt: skip
    connection = conn.connection() if isinstance(conn, Session) else conn
    for statement in SQL.script("line_staging"):
        connection.execute(statement)
    copy_frame(connection, "road_line", staged)
    if len(blades):
        copy_frame(connection, "road_blade", blades)
    for statement in SQL.script("build_topology"):
        connection.execute(statement, {"network": network_id, "grid": GRID_DEG})
    connection.execute(SQL.one("components"), {"network": network_id})
    edges, vertices, components, length_km = _finish(connection, network_id, len(lines))
    covered = refresh_coverage(connection, network_id)
    return BuiltNetwork(network_id, len(lines), edges, vertices, components, float(length_km), covered,
                        time.perf_counter() - started)  # fmt: skip


def _finish(conn: Connection, network_id: int, lines: int) -> tuple[int, int, int, float]:
    *_, last = [conn.execute(s, {"network": network_id, "lines": lines}) for s in SQL.script("finish_network")]
    return tuple(last.one())  # type: ignore[return-value]


def refresh_coverage(conn: Connection | Session, network_id: int) -> list[str]:
    """Recompute which units the network covers (the rule above); the covered unit codes."""
    for statement in SQL.script("coverage"):
        conn.execute(statement, {"network": network_id, "share": COVERAGE_SHARE, "radius_m": COVERAGE_RADIUS_M})
    return list(conn.execute(
        text("SELECT unit_code FROM road_network_unit WHERE network_id = :n AND covered ORDER BY unit_code"),
        {"n": network_id},
    ).scalars())  # fmt: skip


def networks(session: Session | Connection, network_id: int | None = None) -> list[dict]:
    """Networks with provenance and units (newest first); one when ``network_id`` is given."""
    rows = session.execute(SQL.one("networks"), {"id": network_id}).mappings().all()
    return [dict(r) for r in rows]


def network(session: Session | Connection, network_id: int) -> dict:
    """One network, or NotFound."""
    found = networks(session, network_id)
    if not found:
        raise NotFound(f"未找到编号为 {network_id} 的路网。", f"No road network has the id {network_id}.")
    return found[0]


def delete_network(session: Session | Connection, network_id: int) -> dict:
    """Delete a network with its edges, vertices and units (cascade); what it was, for the audit trail."""
    gone = network(session, network_id)
    session.execute(text("DELETE FROM road_network WHERE id = :n"), {"n": network_id})
    return gone
