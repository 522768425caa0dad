"""``spotcheck users add|list|disable|enable|reset-password|token`` and ``spotcheck audit verify|show``.

The command line is the server's operator. Commands that act for a person (draws, plans, imports) name
the account with ``--by USERNAME``: it must exist, be active and hold the permission, and the draw's log
and the audit trail then name that account. Account commands are recorded as the operator's
(``命令行操作员 <os user>``).
"""

from __future__ import annotations

import argparse
import getpass
import os
import socket

from sqlalchemy.orm import Session

from service.accounts import service as accounts
from service.accounts.roles import PERMISSION_LABELS, ROLE_LABELS, Permission, Role, allowed
from service.audit import trail
from service.audit.trail import Actor
from service.core.errors import Forbidden, InvalidInput


def operator() -> Actor:
    """The person at the server's command line, as the audit trail names them."""
    return Actor(None, f"命令行操作员 {getpass.getuser()}@{socket.gethostname()}", f"cli-{os.getpid()}")


def actor_for(session: Session, username: str | None, permission: Permission) -> Actor:
    """The account named by ``--by``, checked like a request of that account."""
    if not username:
        raise InvalidInput(
            "请用 --by 指明操作人账户（用户名），操作将记在该账户名下。",
            "Name the acting account with --by USERNAME.",
        )
    account = accounts.get_account(session, username)
    if not account.active:
        raise Forbidden(f"账户 {username} 已停用。", f"The account {username} is disabled.")
    if not allowed(Role(account.role), permission):
        raise Forbidden(
            f"账户 {username}（{ROLE_LABELS[Role(account.role)]}）无权{PERMISSION_LABELS[permission]}。",
            f"The account {username} lacks the permission {permission}.",
        )
    return Actor(account.id, account.label, f"cli-{os.getpid()}")


def _cmd_add(args: argparse.Namespace, session: Session, settings) -> int:
    new = accounts.NewAccount(
        username=args.username, name=args.name, organisation=args.organisation, role=Role(args.role),
        phone=args.phone, scope_code=args.scope, scope_plan_id=args.plan, scope_group=args.group,
    )  # fmt: skip
    account, first = accounts.create_account(session, new)
    trail.record(session, operator(), "account_create", "account", account.id,
                 detail={"username": account.username, "role": account.role})  # fmt: skip
    session.commit()
    print(f"account {account.id} {account.username} ({ROLE_LABELS[Role(account.role)]}) created")
    print(f"首次登录密码（仅显示这一次，登录后须修改）first password, shown once: {first}")
    return 0


def _cmd_list(args: argparse.Namespace, session: Session, settings) -> int:
    from sqlalchemy import select

    from service.accounts.models import Account

    for a in session.scalars(select(Account).order_by(Account.id)):
        scope = a.scope_code or f"plan {a.scope_plan_id} / {a.scope_group}"
        state = "active" if a.active else "DISABLED"
        print(
            f"{a.id}\t{a.username}\t{a.name}\t{a.organisation}\t{ROLE_LABELS[Role(a.role)]}\t{scope}\t{state}"
        )
    return 0


def _cmd_active(args: argparse.Namespace, session: Session, settings) -> int:
    account = accounts.get_account(session, args.username)
    accounts.set_active(session, account, args.users_command == "enable")
    trail.record(session, operator(), "account_update", "account", account.id,
                 detail={"active": account.active})  # fmt: skip
    session.commit()
    print(f"{account.username}: {'enabled' if account.active else 'disabled (sessions and tokens revoked)'}")
    return 0


def _cmd_reset(args: argparse.Namespace, session: Session, settings) -> int:
    account = accounts.get_account(session, args.username)
    temporary = accounts.reset_password(session, account)
    trail.record(session, operator(), "password_reset", "account", account.id)
    session.commit()
    print(f"{account.username}: 新密码（仅显示这一次，登录后须修改）new password, shown once: {temporary}")
    return 0


def _cmd_token(args: argparse.Namespace, session: Session, settings) -> int:
    account = accounts.get_account(session, args.username)
    token, secret = accounts.create_token(session, account, args.name, args.days)
    trail.record(session, operator(), "token_create", "api_token", token.id,
                 detail={"account_id": account.id, "name": token.name})  # fmt: skip
    session.commit()
    print(f"token {token.id} for {account.username} (shown once; send as 'Authorization: Bearer <token>'):")
    print(secret)
    return 0


def _cmd_audit_verify(args: argparse.Namespace, session: Session, settings) -> int:
    check = trail.verify(session)
    for p in check.problems[:50]:
        print(f"  ✗ row {p['id']}: {p['problem']} ({p['problem_zh']})")
    if check.intact:
        print(f"INTACT: {check.rows} audit rows, chain head {check.head}")
    else:
        print(f"BROKEN: {len(check.problems)} problem(s) in {check.rows} audit rows")
    if args.expect_head and args.expect_head != check.head:
        print(
            f"HEAD DIFFERS from the expected {args.expect_head}: rows were removed from the end or rewritten"
        )
        return 1
    return 0 if check.intact else 1


def _cmd_audit_show(args: argparse.Namespace, session: Session, settings) -> int:
    from sqlalchemy import select

    from service.audit.models import AuditEvent

    rows = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(args.limit))
    for e in reversed(list(rows)):
        print(f"{e.id}\t{e.at:%Y-%m-%d %H:%M:%S}\t{e.actor}\t{e.action}\t{e.target_type or ''} {e.target_id or ''}"
              f"\t{e.outcome}")  # fmt: skip
    return 0


def add_commands(sub: argparse._SubParsersAction, add, with_session) -> None:
    """Register ``users`` and ``audit`` on the main parser (``with_session`` wraps a handler)."""
    users = sub.add_parser("users", help="Accounts: add, list, disable, enable, reset-password, token.")
    us = users.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    a = add(us, "add", with_session(_cmd_add), "Create a real-name account; prints its first password once.")
    a.add_argument("username", help="login name: letters, digits, _.@-")
    a.add_argument("--name", required=True, help="real name (实名)")
    a.add_argument("--organisation", required=True, help="office or firm")
    a.add_argument("--role", required=True, choices=[r.value for r in Role],
                   help="province 省专班, city 市州专班, county 县区专班, firm 第三方机构, inspector 检查员, leader 领导")  # fmt: skip
    a.add_argument(
        "--scope", help="division code: a city (city, leader), a county (county), 620000 (province)"
    )
    a.add_argument("--plan", type=int, help="plan id of a firm's or inspector's group")
    a.add_argument("--group", help="group name in that plan (e.g. 第一组)")
    a.add_argument("--phone")
    add(us, "list", with_session(_cmd_list), "List the accounts.")
    for name, help_ in (("disable", "Disable an account (its sessions and tokens end at once)."),
                        ("enable", "Enable a disabled account.")):  # fmt: skip
        add(us, name, with_session(_cmd_active), help_).add_argument("username")
    add(us, "reset-password", with_session(_cmd_reset),
        "Reset a password; prints the new one once (to be changed at the next login).").add_argument("username")  # fmt: skip
    t = add(us, "token", with_session(_cmd_token), "Create a personal API token for scripts (printed once).")
    t.add_argument("username")
    t.add_argument("--name", required=True, help="what the token is for")
    t.add_argument("--days", type=int, help="expires after this many days")

    audit = sub.add_parser("audit", help="The audit trail: verify the hash chain, show the latest rows.")
    au = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    v = add(au, "verify", with_session(_cmd_audit_verify),
            "Recompute the hash chain: exit 1 if a row was edited or deleted.")  # fmt: skip
    v.add_argument("--expect-head", help="the head hash written down earlier (detects rows cut from the end)")
    s = add(au, "show", with_session(_cmd_audit_show), "Print the latest audit rows.")
    s.add_argument("--limit", type=int, default=50)
