"""The audit trail: ``record`` appends a row in the caller's transaction; ``verify`` recomputes the chain.

Every write goes through ``record`` with the account that made it (``Actor``): imports, plans, draws,
publication, replacements, verifications, account changes, logins (success and failure). The row is
written by the database function ``audit_append`` (migration 0010), which serialises writers with an
advisory lock held until the transaction ends: call ``record`` as the last statement before the commit,
so the lock is held only for the commit itself. A write that rolls back leaves no audit row, and an audit
row never exists for a write that did not happen.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from service.core.queries import SqlFiles

SQL = SqlFiles("service.audit")
GENESIS = "0" * 64


@dataclass(frozen=True)
class Actor:
    """Who acts: an account (``account_id``) with a readable label, or the command line's operator."""

    account_id: int | None
    label: str
    request_id: str | None = None
    ip: str | None = None


def record(
    db: Session | Connection,
    actor: Actor,
    action: str,
    target_type: str | None = None,
    target_id: object = None,
    *,
    outcome: str = "ok",
    detail: dict | None = None,
) -> int:
    """Append one audit row (in the caller's transaction); returns its id."""
    return int(
        db.execute(
            SQL.one("audit_append"),
            {
                "account": actor.account_id, "actor": actor.label, "request": actor.request_id,
                "action": action, "ttype": target_type, "tid": None if target_id is None else str(target_id),
                "outcome": outcome, "detail": json.dumps(detail or {}, ensure_ascii=False, default=str),
                "ip": actor.ip,
            },
        ).scalar_one()
    )  # fmt: skip


@dataclass
class ChainCheck:
    """What ``verify`` found: rows read, the head hash, and every broken link."""

    rows: int = 0
    head: str = GENESIS
    problems: list[dict] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        """No row edited, none deleted from the middle of the chain."""
        return not self.problems


def verify(db: Session | Connection) -> ChainCheck:
    """Recompute every row's hash and link; report edited rows and deleted ones (a broken link)."""
    out = ChainCheck()
    previous = GENESIS
    for row in db.execute(SQL.one("audit_chain")).mappings():
        out.rows += 1
        if row["recomputed"] != row["hash"]:
            out.problems.append({"id": row["id"], "problem": "edited", "problem_zh": "记录内容被修改"})
        if row["prev_hash"] != previous:
            out.problems.append(
                {"id": row["id"], "problem": "link_broken", "problem_zh": "前一条记录被删除或修改"}
            )
        previous = row["hash"]
    out.head = previous
    return out
