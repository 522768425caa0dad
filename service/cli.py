"""The ``spotcheck`` command: run the service and manage its database and data.

Without ``DATABASE_URL`` every command works on the embedded PostGIS cluster (see ``service.embedded_db``);
with it, the command uses that server and manages nothing.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from sqlalchemy import Engine

from service.core import migrate
from service.core.db import database_url, embedded_cluster, make_engine
from service.core.errors import SpotcheckError
from service.core.settings import Settings, get_settings
from service.divisions.boundary_load import load_boundaries


def _engine(settings: Settings) -> Engine:
    return make_engine(database_url(settings.db), pool_size=1)


def _require_embedded(settings: Settings) -> None:
    if not settings.db.embedded:
        raise SpotcheckError(
            "已设置 DATABASE_URL：数据库由外部管理，spotcheck 不启停它。",
            "DATABASE_URL is set: that database is managed elsewhere; `spotcheck db` only manages the "
            "embedded cluster.",
        )


def prepare(settings: Settings) -> Engine:
    """Start the database if embedded, migrate it to head, load the boundaries; idempotent."""
    engine = _engine(settings)
    before = migrate.current_revision(engine)
    migrate.upgrade(engine)
    after = migrate.current_revision(engine)
    print(f"schema: {after}" + (f" (migrated from {before or 'empty'})" if before != after else " (current)"))
    report = load_boundaries(engine)
    if report.loaded:
        print(f"boundaries: loaded {report.divisions} divisions, {report.sampling_units} sampling units")
    else:
        print("boundaries: current")
    if settings.demo.enabled:
        _ensure_demo(engine, settings)
    _ensure_admin(engine, settings)
    return engine


def _ensure_admin(engine: Engine, settings: Settings) -> None:
    """The embedded setup's first provincial administrator: its password is printed this once."""
    from service.accounts.bootstrap import ADMIN, ensure_admin, password_file

    password = ensure_admin(engine, settings)
    if password:
        print(f"administrator account created: 用户名 {ADMIN}  初始密码 {password}")
        print(f"  (shown once; also stored mode 600 in {password_file(settings)}; change it at the first login)")
    elif settings.db.embedded and password_file(settings).exists():
        print(f"administrator: {ADMIN} (its first password is in {password_file(settings)} until changed)")


def _ensure_demo(engine: Engine, settings: Settings) -> None:
    """Load the synthetic demo frame into a database with no real houses (SPOTCHECK_DEMO_ENABLED=0: never)."""
    from geo.synthetic import FrameSpec
    from service.frame.demo import has_real_houses, load_demo

    with engine.connect() as conn:
        if has_real_houses(conn):
            print("demo frame: skipped (the database holds imported houses)")
            return
    spec = FrameSpec(seed=settings.demo.seed, houses=settings.demo.houses)
    report = load_demo(engine, spec, radii_m=settings.radius.as_dict())
    if report.loaded:
        print(f"demo frame (SYNTHETIC, seed {spec.seed}): {report.houses:,} houses, {report.hazard_records:,} "
              f"hazard records, {report.sites:,} sites, {report.townships:,} township polygons "
              f"in {report.seconds:.1f} s")  # fmt: skip
    else:
        print(f"demo frame (SYNTHETIC, seed {spec.seed}): current")


# Commands ---------------------------------------------------------------------------------------------


def _cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import os

    import uvicorn

    cluster = embedded_cluster(settings.db) if settings.db.embedded else None
    was_running = cluster.status().running if cluster else True
    prepare(settings).dispose()
    host, port = args.host or settings.server.host, args.port or settings.server.port
    print(f"spotcheck is serving on http://{host}:{port}  (log in at http://{host}:{port}/login; "
          f"API docs: http://{host}:{port}/docs)", flush=True)  # fmt: skip
    try:
        # Worker processes import service.asgi, which reads the same environment as this command.
        os.environ.setdefault("SPOTCHECK_DB_DATA_DIR", str(settings.db.data_dir))
        uvicorn.run(
            "service.asgi:app", host=host, port=port, workers=settings.server.workers, log_level="info"
        )
    finally:
        # Leave the embedded database as we found it.
        if cluster and not was_running:
            cluster.stop()
            print("embedded database stopped")
    return 0


def _cmd_prepare(args: argparse.Namespace, settings: Settings) -> int:
    prepare(settings).dispose()
    return 0


def _cmd_db_start(args: argparse.Namespace, settings: Settings) -> int:
    _require_embedded(settings)
    cluster = embedded_cluster(settings.db)
    cluster.start()
    print(cluster.status().describe())
    return 0


def _cmd_db_stop(args: argparse.Namespace, settings: Settings) -> int:
    _require_embedded(settings)
    cluster = embedded_cluster(settings.db)
    print("stopped" if cluster.stop() else "not running", f"({cluster.root})")
    return 0


def _cmd_db_status(args: argparse.Namespace, settings: Settings) -> int:
    if not settings.db.embedded:
        print("external database (DATABASE_URL)")
        return 0
    status = embedded_cluster(settings.db).status()
    print(status.describe())
    return 0 if status.running else 3


def _cmd_db_url(args: argparse.Namespace, settings: Settings) -> int:
    url = database_url(settings.db, start_embedded=False)
    print(url if isinstance(url, str) else url.render_as_string(hide_password=not args.show_password))
    return 0


def _cmd_db_migrate(args: argparse.Namespace, settings: Settings) -> int:
    engine = _engine(settings)
    migrate.upgrade(engine, args.revision)
    print(f"schema: {migrate.current_revision(engine)}")
    return 0


def _cmd_db_downgrade(args: argparse.Namespace, settings: Settings) -> int:
    engine = _engine(settings)
    migrate.downgrade(engine, args.revision)
    print(f"schema: {migrate.current_revision(engine) or 'empty'}")
    return 0


def _cmd_boundaries_load(args: argparse.Namespace, settings: Settings) -> int:
    engine = _engine(settings)
    migrate.upgrade(engine)
    report = load_boundaries(engine, force=args.force)
    print(
        f"loaded {report.divisions} divisions and {report.sampling_units} sampling units"
        if report.loaded
        else f"boundaries {report.digest[:12]} already loaded (use --force to reload)"
    )
    return 0


def _cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    import json
    from pathlib import Path

    from service.accounts.cli import actor_for
    from service.accounts.roles import Permission
    from service.frame.importing.fields import Kind
    from service.frame.importing.pipeline import import_file

    engine = _ready_engine(settings)
    with _session(settings) as session:
        actor = actor_for(session, args.by, Permission.IMPORT)
    result = import_file(
        engine, Kind(args.kind), Path(args.file), crs=args.crs, mapping_file=args.mapping, layer=args.layer,
        encoding=args.encoding, radii_m=settings.radius.as_dict(), actor=actor,
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

    engine = _ready_engine(settings)
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

    engine = _engine(settings)
    started = time.perf_counter()
    with engine.begin() as conn:
        refresh_proximity(conn, settings.radius.as_dict())
        refresh_map_views(conn)
    print(f"proximity refreshed in {time.perf_counter() - started:.1f} s (radii {settings.radius.as_dict()})")
    return 0


def _ready_engine(settings: Settings):
    """An engine on a database at the schema's head with the boundaries loaded."""
    engine = _engine(settings)
    migrate.upgrade(engine)
    load_boundaries(engine)
    return engine


def _session(settings: Settings):
    from sqlalchemy.orm import Session

    return Session(_ready_engine(settings))


def _cmd_plan_create(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from service.accounts.cli import actor_for
    from service.accounts.roles import Permission
    from service.audit.trail import record
    from service.draws.plans import create_plan, parse_spec, preset

    with _session(settings) as session:
        actor = actor_for(session, args.by, Permission.PLAN)
        if args.preset:
            plan = create_plan(session, preset(args.preset), source=f"preset:{args.preset}")
        else:
            plan = create_plan(
                session, parse_spec(Path(args.file).read_text(encoding="utf-8-sig")), source=args.file
            )
        record(session, actor, "plan_create", "sampling_plan", plan.id, detail={"sha256": plan.spec_sha256})
        session.commit()
        print(f"plan {plan.id}: {plan.name} (sha256 {plan.spec_sha256[:16]})")
    return 0


def _cmd_plan_list(args: argparse.Namespace, settings: Settings) -> int:
    from service.draws.plans import list_plans

    with _session(settings) as session:
        for p in list_plans(session):
            print(f"{p.id}\t{p.year}\t{p.name}\t{p.source}\t{p.spec_sha256[:16]}")
    return 0


def _print_draw(session, draw_id: int) -> None:
    from service.accounts.scope import EVERYTHING
    from service.draws.queries import summary

    d = summary(session, EVERYTHING, draw_id)
    print(
        f"draw {d['id']} of plan {d['plan_id']}: {d['status']}, seed {d['seed']!r}, {d['algorithm_version']}"
    )
    if d["frame_digest"]:
        print(f"  frame: {d['frame_size']:,} hazardous houses, sha256 {d['frame_digest']}")
    if d["result_digest"]:
        print(f"  result sha256 {d['result_digest']}")
    for u in d["units"]:
        drawn = (
            f", {u['houses_drawn']} houses ({u['commercial_drawn']} commercial)" if u["houses_drawn"] else ""
        )
        short = "; ".join(s.get("reason_zh", "") for s in u["shortfalls"])
        print(f"  {u['city_name']} {u['unit_name']} {u['unit_code']} [{u['reason']}, p={u['inclusion_probability']:.3f}]"
              f"{drawn}{' — ' + short if short else ''}")  # fmt: skip


def _cmd_draw_units(args: argparse.Namespace, settings: Settings) -> int:
    from service.accounts.cli import actor_for
    from service.accounts.roles import Permission
    from service.audit.trail import record
    from service.draws.service import run_county_draw

    with _session(settings) as session:
        actor = actor_for(session, args.by, Permission.DRAW)
        draw = run_county_draw(session, args.plan, args.seed, actor)
        record(session, actor, "draw_units", "draw", draw.id, detail={"plan_id": args.plan, "seed": args.seed})
        session.commit()
        _print_draw(session, draw.id)
    return 0


def _cmd_draw_step(args: argparse.Namespace, settings: Settings) -> int:
    from service.accounts.cli import actor_for
    from service.accounts.roles import Permission
    from service.audit.trail import record
    from service.draws import service as draws

    step, permission = {
        "houses": (draws.run_house_draws, Permission.DRAW), "publish": (draws.publish, Permission.PUBLISH),
    }[args.draw_command]  # fmt: skip
    with _session(settings) as session:
        actor = actor_for(session, args.by, permission)
        step(session, args.draw, actor)
        record(session, actor, f"draw_{args.draw_command}", "draw", args.draw)
        session.commit()
        _print_draw(session, args.draw)
    return 0


def _cmd_draw_show(args: argparse.Namespace, settings: Settings) -> int:
    with _session(settings) as session:
        _print_draw(session, args.draw)
    return 0


def _cmd_draw_verify(args: argparse.Namespace, settings: Settings) -> int:
    from service.accounts.cli import actor_for
    from service.accounts.roles import Permission
    from service.audit.trail import record
    from service.draws.service import verify

    with _session(settings) as session:
        actor = actor_for(session, args.by, Permission.VERIFY)
        result = verify(session, args.draw, actor)
        record(session, actor, "draw_verify", "draw", args.draw, detail={"identical": result.identical})
        session.commit()
    for name, ok in result.checks.items():
        print(f"  {'✓' if ok else '✗'} {name}")
    print(("IDENTICAL: the record reproduces exactly" if result.identical else "DIFFERENT: the record does not reproduce")
          + f" (live frame unchanged since the draw: {result.details.get('live_frame_unchanged')})")  # fmt: skip
    return 0 if result.identical else 1


def _cmd_draw_export(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from service.draws import export as draw_export

    writer = {"xlsx": draw_export.to_xlsx, "csv": draw_export.to_csv, "geojson": draw_export.to_geojson}[
        args.format
    ]
    with _session(settings) as session:
        Path(args.out).write_bytes(writer(session, args.draw))
    print(f"wrote {args.out}")
    return 0


def _cmd_draw_replace(args: argparse.Namespace, settings: Settings) -> int:
    from service.accounts.cli import actor_for
    from service.accounts.roles import Permission
    from service.audit.trail import record
    from service.draws.service import use_replacement

    with _session(settings) as session:
        actor = actor_for(session, args.by, Permission.REPLACE)
        replacement = use_replacement(session, args.draw, args.house, args.reason, actor, args.note)
        record(session, actor, "draw_replace", "draw", args.draw,
               detail={"house_id": args.house, "replacement_house_id": replacement, "reason": args.reason})  # fmt: skip
        session.commit()
    print(f"house {args.house} replaced by house {replacement} ({args.reason}, by {args.by})")
    return 0


def _cmd_draw_coverage(args: argparse.Namespace, settings: Settings) -> int:
    from service.draws.coverage import coverage_report

    with _session(settings) as session:
        report = coverage_report(session, args.draw, args.replicates)
    for u in report["units"]:
        print(f"[{u['verdict_level']}] {u['unit_code']} {u['unit_name']}: {u['verdict_zh']}")
    print(report["overall"]["summary_zh"])
    return 0


def _cmd_map_export(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from service.maps.unit_map import unit_map_html

    with _session(settings) as session:
        Path(args.out).write_text(unit_map_html(session, args.unit, args.draw), encoding="utf-8")
    print(f"wrote {args.out} (self-contained: opens with no server and no internet)")
    return 0


def _with_session(handler: Callable) -> Callable:
    """A command handler that gets a session on the prepared database."""

    def run(args: argparse.Namespace, settings: Settings) -> int:
        with _session(settings) as session:
            return handler(args, session, settings)

    return run


def _frame_size(value: str) -> int:
    size = int(value)
    if not 1_000 <= size <= 2_000_000:
        raise argparse.ArgumentTypeError("the demo frame holds 1,000 to 2,000,000 houses")
    return size


# Parser -----------------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """The argument parser; every subcommand has its own --help."""
    parser = argparse.ArgumentParser(
        prog="spotcheck",
        description=(
            "Spot-check evaluation of hazardous self-built houses in Gansu (甘肃省自建房抽查评估). "
            "Without DATABASE_URL the commands use an embedded PostGIS cluster under "
            "SPOTCHECK_DB_DATA_DIR (default /var/lib/spotcheck/<checkout> as root)."
        ),
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def add(
        parent: argparse._SubParsersAction, name: str, func: Callable, help_: str
    ) -> argparse.ArgumentParser:
        p = parent.add_parser(name, help=help_, description=help_)
        p.set_defaults(func=func)
        return p

    serve = add(
        sub, "serve", _cmd_serve,
        "Prepare the database (start, migrate, load boundaries) and serve the API and maps; prints the URL.",
    )  # fmt: skip
    serve.add_argument("--host", help="address to listen on (default 127.0.0.1, SPOTCHECK_HOST)")
    serve.add_argument("--port", type=int, help="port to listen on (default 8000, SPOTCHECK_PORT)")
    add(sub, "prepare", _cmd_prepare, "Start the database if embedded, migrate to head, load boundaries.")

    db = sub.add_parser("db", help="Manage the database: start|stop|status|url|migrate|downgrade.")
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    add(db_sub, "start", _cmd_db_start, "Start the embedded cluster (initialising it on first use).")
    add(db_sub, "stop", _cmd_db_stop, "Stop the embedded cluster (fast shutdown; data is kept).")
    add(db_sub, "status", _cmd_db_status, "Say whether the embedded cluster runs (exit 0) or not (exit 3).")
    url = add(db_sub, "url", _cmd_db_url, "Print the database URL (password hidden unless asked).")
    url.add_argument("--show-password", action="store_true", help="print the password too")
    mig = add(db_sub, "migrate", _cmd_db_migrate, "Apply the Alembic migrations up to a revision.")
    mig.add_argument("revision", nargs="?", default="head", help="target revision (default head)")
    down = add(db_sub, "downgrade", _cmd_db_downgrade, "Revert migrations down to a revision.")
    down.add_argument("revision", help="target revision, e.g. base or -1")

    bnd = sub.add_parser("boundaries", help="Gansu's administrative boundaries: load.")
    bnd_sub = bnd.add_subparsers(dest="boundaries_command", metavar="ACTION", required=True)
    load = add(bnd_sub, "load", _cmd_boundaries_load, "Load boundaries/ into the database (idempotent).")
    load.add_argument("--force", action="store_true", help="reload even if this version is loaded")

    imp = add(sub, "import", _cmd_import,
              "Import houses (with hazard records), sensitive sites or township polygons; all or nothing.")  # fmt: skip
    imp.add_argument("kind", choices=["houses", "sites", "townships"], help="what the file holds")
    imp.add_argument("file", help=".xlsx, .csv (UTF-8, UTF-8 BOM, GBK), .geojson, .gpkg or .shp")
    imp.add_argument("--crs", help="coordinates' CRS: EPSG:4490, EPSG:4326, GCJ-02 or EPSG:4534-4554 "
                     "(required for CSV/Excel; GIS layers default to their own CRS)")  # fmt: skip
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

    plan = sub.add_parser("plan", help="Sampling plans: create (from a JSON file or a preset), list.")
    plan_sub = plan.add_subparsers(dest="plan_command", metavar="ACTION", required=True)
    pc = add(
        plan_sub,
        "create",
        _cmd_plan_create,
        "Store a sampling plan from a JSON file or a preset (gansu-2024).",
    )
    source = pc.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "file", nargs="?", help="plan JSON (see service/presets/gansu-2024.json for the format)"
    )
    source.add_argument(
        "--preset", choices=["gansu-2024"], help="the 2024 notice's appendix: four groups, 42 units"
    )
    pc.add_argument("--by", required=True, help="username of the account that makes the plan")
    add(plan_sub, "list", _cmd_plan_list, "List the stored plans.")

    draw = sub.add_parser("draw", help="Draws: units, houses, publish, verify, show, export, replace.")
    draw_sub = draw.add_subparsers(dest="draw_command", metavar="ACTION", required=True)
    du = add(
        draw_sub,
        "units",
        _cmd_draw_units,
        "Run the county draw of a plan with a public seed (or take its fixed units).",
    )
    du.add_argument("plan", type=int, help="plan id")
    du.add_argument(
        "--seed", required=True, help="public value fixed in advance, e.g. a lottery result and its date"
    )
    du.add_argument("--by", required=True, help="username of the account that runs the draw")
    for name, help_ in (("houses", "Draw every unit's houses and replacement list; record the frame and its digest."),
                        ("publish", "Publish a draw: record its result digest; it can no longer change.")):  # fmt: skip
        step = add(draw_sub, name, _cmd_draw_step, help_)
        step.add_argument("draw", type=int, help="draw id")
        step.add_argument("--by", required=True, help="username of the account that does it")
    vf = add(
        draw_sub,
        "verify",
        _cmd_draw_verify,
        "Re-run a draw from its record and prove it identical (exit 1 if not).",
    )
    vf.add_argument("draw", type=int, help="draw id")
    vf.add_argument("--by", required=True, help="username of the account that verifies")
    sh = add(draw_sub, "show", _cmd_draw_show, "Show a draw: units, counts, shortfalls, digests.")
    sh.add_argument("draw", type=int, help="draw id")
    ex = add(draw_sub, "export", _cmd_draw_export, "Export a draw's houses and replacement lists.")
    ex.add_argument("draw", type=int, help="draw id")
    ex.add_argument(
        "--format", choices=["xlsx", "csv", "geojson"], default="xlsx", help="file format (default xlsx)"
    )
    ex.add_argument("--out", required=True, help="output file")
    cv = add(
        draw_sub,
        "coverage",
        _cmd_draw_coverage,
        "Coverage report: townships, spatial balance vs SRS, verdicts (Chinese).",
    )
    cv.add_argument("draw", type=int, help="draw id")
    cv.add_argument(
        "--replicates", type=int, default=200, help="simple random samples for the balance reference"
    )
    rp = add(
        draw_sub,
        "replace",
        _cmd_draw_replace,
        "Replace a drawn house that cannot be visited; logs who, when, why.",
    )
    rp.add_argument("draw", type=int, help="draw id")
    rp.add_argument("house", type=int, help="house id of the drawn house")
    rp.add_argument(
        "--reason", required=True, choices=["demolished", "locked", "refused", "unsafe", "not_found", "other"]
    )
    rp.add_argument("--by", required=True, help="username of the account that replaces it")
    rp.add_argument("--note", help="free text")

    mp = sub.add_parser("map", help="Maps: export a unit's standalone HTML map.")
    mp_sub = mp.add_subparsers(dest="map_command", metavar="ACTION", required=True)
    me = add(
        mp_sub, "export", _cmd_map_export, "Write a unit's map as one HTML file that opens offline (folium)."
    )
    me.add_argument("unit", help="sampling unit (county-level) code, e.g. 620102")
    me.add_argument("--out", required=True, help="output .html file")
    me.add_argument("--draw", type=int, help="also show this draw's houses and replacements")

    from service.accounts.cli import add_commands

    add_commands(sub, add, _with_session)

    prox = sub.add_parser("proximity", help="Houses near sensitive sites: refresh.")
    prox_sub = prox.add_subparsers(dest="proximity_command", metavar="ACTION", required=True)
    add(prox_sub, "refresh", _cmd_proximity_refresh,
        "Recompute every house's nearest college, school, kindergarten and hospital within the radii.")  # fmt: skip
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``spotcheck`` console script."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args, get_settings())
    except SpotcheckError as exc:
        print(f"spotcheck: {exc.message_en}\n{exc.message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
