"""The ``spotcheck`` command: each capability registers its own subcommands (``service/<package>/cli.py``).

Without ``DATABASE_URL`` every command works on the embedded PostGIS cluster (see ``service.core.embedded_db``);
with it, the command uses that server and manages nothing.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from service.core.errors import SpotcheckError
from service.core.settings import get_settings


def build_parser() -> argparse.ArgumentParser:
    """The argument parser; every subcommand has its own --help."""
    from service.accounts import cli as accounts
    from service.core import cli as core
    from service.draws import cli as draws
    from service.evaluation.reports import cli as reports
    from service.fieldwork import cli as field
    from service.frame import cli as frame
    from service.inspections import cli as inspections
    from service.maps import cli as maps
    from service.roads import cli as roads

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

    core.add_commands(sub, add)
    frame.add_commands(sub, add)
    draws.add_commands(sub, add)
    maps.add_commands(sub, add)
    roads.add_commands(sub, add)
    field.add_commands(sub, add)
    inspections.add_commands(sub, add)
    reports.add_commands(sub, add)
    accounts.add_commands(sub, add, core.with_session)
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
