"""The audit trail: append-only, hash-chained; verify finds an edited or a deleted row."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from service.audit import trail
from service.audit.trail import Actor


def _append(engine, n: int, who: str = "测试") -> None:
    with engine.begin() as conn:
        for i in range(n):
            trail.record(conn, Actor(None, who, f"req-{i}", "127.0.0.1"), "test_write", "thing", i,
                         detail={"i": i, "text": "中文 \"quoted\" \\ ok"})  # fmt: skip


def test_the_chain_is_intact_and_links_every_row(engine):
    _append(engine, 5)
    with engine.connect() as conn:
        check = trail.verify(conn)
        rows = conn.execute(text("SELECT prev_hash, hash FROM audit_event ORDER BY id")).all()
    assert check.intact and check.rows == 5 and check.head == rows[-1].hash
    assert rows[0].prev_hash == trail.GENESIS
    assert all(rows[i].prev_hash == rows[i - 1].hash for i in range(1, 5))


def test_rows_cannot_be_updated_deleted_or_truncated(engine):
    _append(engine, 2)
    for statement in ("UPDATE audit_event SET actor = 'x'", "DELETE FROM audit_event", "TRUNCATE audit_event"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))


def _as_owner_without_triggers(engine, statement: str) -> None:
    # What only the database owner could do: switch the guard off, change history, switch it on again.
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE audit_event DISABLE TRIGGER USER"))
        conn.execute(text(statement))
        conn.execute(text("ALTER TABLE audit_event ENABLE TRIGGER USER"))


def test_verify_finds_an_edited_row(engine):
    _append(engine, 4)
    _as_owner_without_triggers(engine, "UPDATE audit_event SET detail = '{\"i\": 99}' WHERE id = 2")
    with engine.connect() as conn:
        check = trail.verify(conn)
    assert not check.intact and {"id": 2, "problem": "edited", "problem_zh": "记录内容被修改"} in check.problems


def test_verify_finds_a_deleted_row(engine):
    _append(engine, 4)
    _as_owner_without_triggers(engine, "DELETE FROM audit_event WHERE id = 2")
    with engine.connect() as conn:
        check = trail.verify(conn)
    assert not check.intact and [p["id"] for p in check.problems] == [3]
    assert check.problems[0]["problem"] == "link_broken"


def test_concurrent_writers_keep_one_chain(db_url):
    engines = [create_engine(db_url) for _ in range(4)]
    threads = [threading.Thread(target=_append, args=(e, 10, f"w{i}")) for i, e in enumerate(engines)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with engines[0].connect() as conn:
        check = trail.verify(conn)
    for e in engines:
        e.dispose()
    assert check.intact and check.rows == 40


def test_the_api_verifies_for_the_provincial_office_only(client, engine):
    client.post("/api/v1/plans/presets/gansu-2024")
    verified = client.get("/api/v1/audit/verify").json()
    assert verified["intact"] and verified["rows"] == 1  # the plan (test accounts are made directly)
    listed = client.get("/api/v1/audit").json()
    assert listed[0]["action"] == "plan_create" and listed[0]["actor"].endswith("（admin-test）")
    from tests.factories import make_account

    leader = make_account(engine, "leader1", "leader")
    assert client.get("/api/v1/audit", headers=leader.headers).status_code == 403
