"""``spotcheck roads``: import a road network, list the networks, delete one (writes audited)."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from service.core.cli import ready_engine
from service.core.settings import Settings


def _actor(engine, username: str | None):
    from sqlalchemy.orm import Session

    from service.accounts.cli import actor_for, operator
    from service.accounts.roles import Permission

    if not username:
        return operator()
    with Session(engine) as session:
        return actor_for(session, username, Permission.IMPORT)


def _cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from service.roads.importing import RoadImportError, import_roads

    engine = ready_engine(settings)
    try:
        built = import_roads(engine, Path(args.file), name=args.name, source=args.source, licence=args.licence,
                             crs=args.crs, version=args.version, layer=args.layer, encoding=args.encoding,
                             actor=_actor(engine, args.by))  # fmt: skip
    except RoadImportError as exc:
        print(f"导入失败，数据库未作任何修改 nothing imported: {exc.message_en}\n{exc.message}")
        for e in exc.errors[:20]:
            print(f"  错误 第{e['row']}行 [{e['column'] or '-'}] {e['value'] or ''}: {e['message']} ({e['code']})")
        return 1
    print(f"路网已导入 imported: network {built.id}, {built.lines:,} lines -> {built.edges:,} edges, "
          f"{built.vertices:,} vertices, {built.components:,} components, {built.length_km:,.1f} km "
          f"in {built.seconds:.1f} s; covers {', '.join(built.covered_units) or 'no unit'}")  # fmt: skip
    return 0


def _cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    from service.roads.network import networks

    engine = ready_engine(settings)
    with engine.connect() as conn:
        rows = networks(conn)
    if not rows:
        print("no road network")
    for r in rows:
        covered = [u["code"] for u in r["units"] if u["covered"]]
        print(f"{r['id']:>4}  {'[合成 SYNTHETIC] ' if r['synthetic'] else ''}{r['name']}  {r['edges']:,} edges  "
              f"{r['length_km']:,.0f} km  source: {r['source']}  licence: {r['licence']}  crs: {r['declared_crs']}  "
              f"by {r['imported_by']} at {r['imported_at']:%Y-%m-%d %H:%M}  covers: {', '.join(covered) or '-'}")  # fmt: skip
    return 0


def _cmd_delete(args: argparse.Namespace, settings: Settings) -> int:
    from sqlalchemy.orm import Session

    from service.audit.trail import record
    from service.roads.network import delete_network

    engine = ready_engine(settings)
    actor = _actor(engine, args.by)
    with Session(engine) as session:
        gone = delete_network(session, args.id)
        record(session, actor, "roads_delete", "road_network", args.id,
               detail={"name": gone["name"], "edges": gone["edges"], "synthetic": gone["synthetic"]})  # fmt: skip
        session.commit()
    print(f"路网 {args.id} 已删除 deleted: {gone['name']}")
    return 0


def add_commands(sub: argparse._SubParsersAction, add: Callable) -> None:
    """Register ``roads import``, ``roads list`` and ``roads delete``."""
    roads = sub.add_parser("roads", help="Road networks for route planning: import, list, delete.")
    rs = roads.add_subparsers(dest="roads_command", metavar="ACTION", required=True)
    imp = add(rs, "import", _cmd_import, "Import a line layer (GeoJSON, GeoPackage, zipped Shapefile) as a "
              "road network; all or nothing.")  # fmt: skip
    imp.add_argument("file", help=".geojson, .gpkg, .shp or a .zip holding one shapefile")
    imp.add_argument("--name", required=True, help="name of the network, e.g. 永登县路网 2024")
    imp.add_argument("--source", required=True, help="where the data come from")
    imp.add_argument("--licence", required=True, help="licence or terms of use")
    imp.add_argument("--crs", help="EPSG:4490, EPSG:4326, GCJ-02 or EPSG:4534-4554 (default: the layer's own)")
    imp.add_argument("--version", help="version or vintage of the data")
    imp.add_argument("--layer", help="GeoPackage layer")
    imp.add_argument("--encoding", help="text encoding of a shapefile's .dbf (e.g. GBK)")
    add(rs, "list", _cmd_list, "List the road networks with provenance and covered units.")
    rm = add(rs, "delete", _cmd_delete, "Delete a road network (its edges and vertices).")
    rm.add_argument("id", type=int, help="network id (see roads list)")
    for p in (imp, rm):  # the writes are audited under this account
        p.add_argument("--by", help="username of the provincial office's account (default: the operator)")
