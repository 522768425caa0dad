"""The reports' commands: ``spotcheck report county UNIT --out F.docx`` and ``spotcheck report province --out
F.docx`` (the report as it would be exported now, edited sections as edited; written to a file, not stored).
The command line sees the whole province; each run is audited with the operator's name."""

from __future__ import annotations

import argparse
import getpass
import os
import socket
from collections.abc import Callable
from pathlib import Path

from service.core.cli import session_for
from service.core.settings import Settings


def operator():
    """The command line as a caller: the whole province, no account, the operator named for the audit."""
    from service.accounts.deps import Principal
    from service.accounts.roles import Role
    from service.accounts.scope import EVERYTHING

    name = f"命令行操作员 {getpass.getuser()}@{socket.gethostname()}"
    return Principal(account_id=None, username="cli", name=name, organisation="命令行", role=Role.PROVINCE,
                     scope=EVERYTHING, via="cli", request_id=f"cli-{os.getpid()}")  # type: ignore[arg-type]  # fmt: skip


def _write(args: argparse.Namespace, settings: Settings, target: str) -> int:
    from service.audit.trail import Actor, record
    from service.evaluation.reports.service import document

    principal = operator()
    with session_for(settings) as session:
        content, filename, synthetic, year = document(session, principal, target, args.year)
        Path(args.out).write_bytes(content)
        record(session, Actor(None, principal.name, principal.request_id), "report_cli_write", "report", target,
               detail={"year": year, "out": str(args.out)[:200], "synthetic": synthetic, "bytes": len(content)})  # fmt: skip
        session.commit()
    print(f"wrote {args.out} ({filename}{', SYNTHETIC data' if synthetic else ''})")
    return 0


def add_commands(sub: argparse._SubParsersAction, add: Callable) -> None:
    """Register ``spotcheck report …``."""
    parser = sub.add_parser(
        "report", help="Evaluation reports: a county's report, the provincial summary (.docx)."
    )
    inner = parser.add_subparsers(dest="report_command", metavar="COMMAND", required=True)
    county = add(inner, "county", lambda a, s: _write(a, s, a.unit),
                 "Write a drawn county's evaluation report (县区评估报告) as .docx; see docs/evaluation_reports.md.")  # fmt: skip
    county.add_argument("unit", help="the sampling unit's code, e.g. 620102")
    province = add(inner, "province", lambda a, s: _write(a, s, "province"),
                   "Write the provincial summary report (全省汇总报告) as .docx.")  # fmt: skip
    for p in (county, province):
        p.add_argument("--out", required=True, help="output .docx file")
        p.add_argument("--year", type=int, help="the year (default: the newest published draw's)")
