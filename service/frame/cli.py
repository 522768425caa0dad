"""The house frame's commands: ``spotcheck import``, ``demo load``, ``proximity refresh``."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from service.core.cli import engine_for, ready_engine
from service.core.settings import Settings


def _cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    import json
    from pathlib import Path

    from sqlalchemy.orm import Session

    from service.accounts.cli import actor_for
    from service.accounts.roles import Permission
    from service.frame.importing.fields import Kind
    from service.frame.importing.pipeline import import_file

    engine = ready_engine(settings)  # migrated, boundaries loaded: once
    with Session(engine) as session:
        actor = actor_for(session, args.by, Permission.IMPORT)
    result = import_file(
        engine, Kind(args.kind), Path(args.file), crs=args.crs, mapping_file=args.mapping, layer=args.layer,
        encoding=args.encoding, radii_m=settings.radius.as_dict(), actor=actor, trust_crs=args.trust_crs,
    )  # fmt: skip
    summary = result.summary()
    if args.report:
        Path(args.report).write_text(result.report.to_csv(), encoding="utf-8")
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2, default=str))
    else:
        _print_import(summary, args.report)
    return 0 if result.committed else 1


def _print_import(s: dict, report_path: str | None) -> None:
    if s["committed"]:
        print(f"导入成功 imported: {s['rows']:,} rows ({s['inserted']:,} new, {s['updated']:,} updated) "
              f"in {s['seconds']:.1f} s, batch {s['batch_id']}")  # fmt: skip
    else:
        print(f"导入失败，数据库未作任何修改 nothing imported: {s['error_count']:,} error(s)")
    for e in s["errors"][:20]:
        print(
            f"  错误 第{e['row'] or '-'}行 [{e['column'] or '-'}] {e['value'] or ''}: {e['message']} ({e['code']})"
        )
    if s["error_count"] > 20:
        print(
            f"  ... {s['error_count'] - 20:,} more errors"
            + (f" (all in {report_path})" if report_path else "")
        )
    for w in s["warnings"][:10]:
        print(
            f"  警告 第{w['row'] or '-'}行 [{w['column'] or '-'}] {w['value'] or ''}: {w['message']} ({w['code']})"
        )


def _cmd_demo_load(args: argparse.Namespace, settings: Settings) -> int:
    from geo.synthetic import FrameSpec
    from service.frame.demo import load_demo

    engine = ready_engine(settings)
    spec = FrameSpec(seed=args.seed, houses=args.houses)
    report = load_demo(engine, spec, force=args.force, radii_m=settings.radius.as_dict())
    if report.loaded:
        print(f"SYNTHETIC demo frame, seed {spec.seed}: {report.houses:,} houses, {report.hazard_records:,} "
              f"hazard records, {report.sites:,} sites, {report.townships:,} townships in {report.seconds:.1f} s")  # fmt: skip
    else:
        print(f"demo frame seed {spec.seed} with {spec.houses:,} houses is already loaded (use --force)")
    return 0


def _cmd_proximity_refresh(args: argparse.Namespace, settings: Settings) -> int:
    import time

    from service.frame.proximity import refresh_proximity
    from service.maps.tiles import refresh_map_views

    engine = engine_for(settings)
    started = time.perf_counter()
    with engine.begin() as conn:
        refresh_proximity(conn, settings.radius.as_dict())
        refresh_map_views(conn)
    print(f"proximity refreshed in {time.perf_counter() - started:.1f} s (radii {settings.radius.as_dict()})")
    return 0



def add_commands(sub: argparse._SubParsersAction, add: Callable) -> None:
    """Register import, demo and proximity."""
    imp = add(sub, "import", _cmd_import,
              "Import houses (with hazard records), sensitive sites or township polygons; all or nothing.")  # fmt: skip
    imp.add_argument("kind", choices=["houses", "sites", "townships"], help="what the file holds")
    imp.add_argument("file", help=".xlsx, .csv (UTF-8, UTF-8 BOM, GBK), .geojson, .gpkg or .shp")
    imp.add_argument("--crs", help="coordinates' CRS: EPSG:4490, EPSG:4326, GCJ-02 or EPSG:4534-4554 "
                     "(required for CSV/Excel; GIS layers default to their own CRS)")  # fmt: skip
    imp.add_argument("--trust-crs", action="store_true",
                     help="import as declared even when the points look shifted out of their declared townships "
                     "by another CRS (GCJ-02, BD-09); without it such a file is refused with the probable CRS")  # fmt: skip
    imp.add_argument("--mapping", help='JSON file of other header spellings: {"columns": {"表头": "field"}}')
    imp.add_argument("--layer", help="sheet (xlsx) or layer (gpkg) name")
    imp.add_argument("--encoding", help="text encoding when detection is wrong (e.g. GBK)")
    imp.add_argument("--report", help="write the row-level report (errors and warnings) to this CSV file")
    imp.add_argument("--json", action="store_true", help="print the whole result as JSON")
    imp.add_argument("--by", required=True, help="username of the provincial office's account that imports")

    demo = sub.add_parser("demo", help="The synthetic demo frame: load.")
    demo_sub = demo.add_subparsers(dest="demo_command", metavar="ACTION", required=True)
    dl = add(demo_sub, "load", _cmd_demo_load,
             "Generate and load the SYNTHETIC demo frame (township polygons, houses, hazards, sites).")  # fmt: skip
    dl.add_argument(
        "--houses", type=int, default=100_000, help="number of houses (default 100,000; up to 2,000,000)"
    )
    dl.add_argument("--seed", type=int, default=20241021, help="random seed (same seed, same frame)")
    dl.add_argument("--force", action="store_true", help="regenerate even if this frame is loaded")

    prox = sub.add_parser("proximity", help="Houses near sensitive sites: refresh.")
    prox_sub = prox.add_subparsers(dest="proximity_command", metavar="ACTION", required=True)
    add(prox_sub, "refresh", _cmd_proximity_refresh,
        "Recompute every house's nearest college, school, kindergarten and hospital within the radii.")  # fmt: skip
