"""The inspections' commands: ``spotcheck inspections export`` (the national platform's xlsx)."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from service.core.cli import session_for
from service.core.settings import Settings


def _cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from service.inspections.export import to_xlsx

    with session_for(settings) as session:
        Path(args.out).write_bytes(to_xlsx(session, args.draw, include_submitted=args.include_submitted))
    print(f"wrote {args.out}")
    return 0


def add_commands(sub: argparse._SubParsersAction, add: Callable) -> None:
    """Register ``spotcheck inspections …``."""
    parser = sub.add_parser("inspections", help="Inspections: the export for the national platform.")
    inner = parser.add_subparsers(dest="inspections_command", metavar="COMMAND", required=True)
    ex = add(inner, "export", _cmd_export,
             "Export a draw's inspected houses for the national platform's verification module (核查管理模块); "
             "columns in docs/national_export.md.")  # fmt: skip
    ex.add_argument("--draw", type=int, required=True, help="draw id")
    ex.add_argument("--out", required=True, help="output .xlsx file")
    ex.add_argument("--include-submitted", action="store_true", help="also inspections awaiting review")
