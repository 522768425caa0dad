"""The ``spotcheck`` command: run the service and manage its database and data.

Without ``DATABASE_URL`` every command works on the embedded PostGIS cluster (see ``service.embedded_db``);
with it, the command uses that server and manages nothing.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from sqlalchemy import Engine

from service import migrate
from service.boundary_load import load_boundaries
from service.db import database_url, embedded_cluster, make_engine
from service.errors import SpotcheckError
from service.settings import Settings, get_settings


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
    return engine


# Commands ---------------------------------------------------------------------------------------------


def _cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from service.app import create_app

    cluster = embedded_cluster(settings.db) if settings.db.embedded else None
    was_running = cluster.status().running if cluster else True
    prepare(settings).dispose()
    host, port = args.host or settings.server.host, args.port or settings.server.port
    print(f"spotcheck is serving on http://{host}:{port}  (API docs: http://{host}:{port}/docs)", flush=True)
    try:
        uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
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
