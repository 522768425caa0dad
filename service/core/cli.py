"""The setup commands of ``spotcheck``: serve, prepare, db, boundaries; and the helpers every package's
commands use to reach the database (``engine_for``, ``session_for``, ``ready_engine``, ``with_session``).

Without ``DATABASE_URL`` every command works on the embedded PostGIS cluster (see ``service.core.embedded_db``);
with it, the command uses that server and manages nothing.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from sqlalchemy import Engine

from service.core import migrate
from service.core.db import database_url, embedded_cluster, make_engine
from service.core.errors import SpotcheckError
from service.core.settings import Settings
from service.divisions.boundary_load import load_boundaries


def engine_for(settings: Settings) -> Engine:
    """An engine on the configured database (the embedded cluster is started if needed)."""
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
    engine = engine_for(settings)
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
    if settings.demo.enabled and settings.demo.spotcheck:  # after the administrator: it makes demo accounts
        from service.demo.build import ensure_demo_spotcheck

        print(ensure_demo_spotcheck(engine, settings.demo.seed).line())
    return engine


def _ensure_admin(engine: Engine, settings: Settings) -> None:
    """The embedded setup's first provincial administrator: its password is printed this once."""
    from service.accounts.bootstrap import ADMIN, ensure_admin, password_file

    password = ensure_admin(engine, settings)
    if password:
        print(f"administrator account created: 用户名 {ADMIN}  初始密码 {password}")
        print(
            f"  (shown once; also stored mode 600 in {password_file(settings)}; change it at the first login)"
        )
    elif settings.db.embedded and password_file(settings).exists():
        print(f"administrator: {ADMIN} (its first password is in {password_file(settings)} until changed)")


def _ensure_demo(engine: Engine, settings: Settings) -> None:
    """Load the synthetic demo frame into a database with no real houses (SPOTCHECK_DEMO_ENABLED=0: never)."""
    from geo.synthetic import FrameSpec
    from service.demo.build import frame_held
    from service.frame.demo import has_real_houses, load_demo

    spec = FrameSpec(seed=settings.demo.seed, houses=settings.demo.houses)
    with engine.connect() as conn:
        if has_real_houses(conn):
            print("demo frame: skipped (the database holds imported houses)")
            return
        if frame_held(conn, spec.seed, spec.houses):
            print("demo frame: kept (draws hold its houses; another seed or size needs a new database)")
            return
    report = load_demo(engine, spec, radii_m=settings.radius.as_dict())
    if report.loaded:
        print(f"demo frame (SYNTHETIC, seed {spec.seed}): {report.houses:,} houses, {report.hazard_records:,} "
              f"hazard records, {report.sites:,} sites, {report.townships:,} township polygons "
              f"in {report.seconds:.1f} s")  # fmt: skip
    else:
        print(f"demo frame (SYNTHETIC, seed {spec.seed}): current")


# Commands ---------------------------------------------------------------------------------------------


def server_options(settings: Settings) -> dict:
    """What ``serve`` gives uvicorn besides the address: workers, and the proxies believed about the client."""
    return {"workers": settings.server.workers, "proxy_headers": True,
            "forwarded_allow_ips": settings.server.forwarded_allow_ips}  # fmt: skip


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
        uvicorn.run("service.asgi:app", host=host, port=port, **server_options(settings), log_level="info")
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
    engine = engine_for(settings)
    migrate.upgrade(engine, args.revision)
    print(f"schema: {migrate.current_revision(engine)}")
    return 0


def _cmd_db_downgrade(args: argparse.Namespace, settings: Settings) -> int:
    engine = engine_for(settings)
    migrate.downgrade(engine, args.revision)
    print(f"schema: {migrate.current_revision(engine) or 'empty'}")
    return 0


def _cmd_boundaries_load(args: argparse.Namespace, settings: Settings) -> int:
    engine = engine_for(settings)
    migrate.upgrade(engine)
    report = load_boundaries(engine, force=args.force)
    print(
        f"loaded {report.divisions} divisions and {report.sampling_units} sampling units"
        if report.loaded
        else f"boundaries {report.digest[:12]} already loaded (use --force to reload)"
    )
    return 0


def ready_engine(settings: Settings):
    """An engine on a database at the schema's head with the boundaries loaded."""
    engine = engine_for(settings)
    migrate.upgrade(engine)
    load_boundaries(engine)
    return engine


def session_for(settings: Settings):
    """A session on a database at the schema's head with the boundaries loaded."""
    from sqlalchemy.orm import Session

    return Session(ready_engine(settings))


def with_session(handler: Callable) -> Callable:
    """A command handler that gets a session on the prepared database."""

    def run(args: argparse.Namespace, settings: Settings) -> int:
        with session_for(settings) as session:
            return handler(args, session, settings)

    return run


def add_commands(sub: argparse._SubParsersAction, add: Callable) -> None:
    """Register serve, prepare, db and boundaries."""
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
