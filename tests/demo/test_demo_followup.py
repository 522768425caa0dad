"""The demo's follow-up: control cases and notices from its synthetic findings, in plausible states."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.conftest import DEMO_SPEC
from tests.demo.conftest import TODAY


def test_findings_lead_to_control_cases_and_notices_in_every_state(spotcheck_template, spotcheck_engine):
    assert "control cases" in spotcheck_template[1].line()
    with spotcheck_engine.connect() as conn:
        collapse = conn.execute(text(
            "SELECT count(*) FROM inspection WHERE status IN ('submitted', 'approved') "
            "AND (summary->>'collapse_risk')::boolean")).scalar()  # fmt: skip
        cases = conn.execute(text("SELECT count(*), bool_and(synthetic) FROM control_case")).one()
        states = dict(conn.execute(text("SELECT status, count(*) FROM notice GROUP BY status")).all())
        overdue = conn.execute(text(
            "SELECT count(*) FROM notice WHERE status NOT IN ('draft', 'closed') AND deadline < :d"),
            {"d": TODAY}).scalar()  # fmt: skip
        numbers = conn.execute(text(
            "SELECT count(*), count(DISTINCT number), bool_and(document_sha256 = encode(sha256(document), 'hex')) "
            "FROM notice WHERE number IS NOT NULL")).one()  # fmt: skip
        evidence = conn.execute(text("SELECT count(*) FROM notice_evidence")).scalar()
        actors = conn.execute(text(
            "SELECT DISTINCT action FROM audit_event WHERE action LIKE 'notice_%' OR action = 'control_open'"
        )).scalars().all()  # fmt: skip
    assert collapse > 0 and cases == (collapse, True)
    assert {"draft", "issued", "in_progress", "reported_done", "closed"} <= set(states) or (
        {"issued", "closed"} <= set(states) and sum(states.values()) >= 10
    ), states
    assert overdue > 0 and evidence > 0
    assert numbers[0] == numbers[1] > 0 and numbers[2]
    assert {"control_open", "notice_draft", "notice_issue", "notice_accept"} <= set(actors)


def test_a_demo_built_before_a_step_existed_catches_up(spotcheck_engine):
    """An older demo (its note lists no ``followup`` step and it holds no follow-up rows) gets the missing
    step on the next start, with the same result as a new build; then it is current."""
    from service.demo.build import DATASET, built, ensure_demo_spotcheck, restored_context

    def follow_rows(conn):
        return conn.execute(text(
            "SELECT (SELECT count(*) FROM control_case), (SELECT count(*) FROM notice), "
            "(SELECT count(*) FROM notice WHERE status = 'closed'), (SELECT count(*) FROM notice_evidence)")).one()  # fmt: skip

    with spotcheck_engine.begin() as conn:
        before = follow_rows(conn)
        for table in ("notice_evidence", "notice_step", "notice", "notice_counter", "control_photo",
                      "control_record", "control_case"):  # fmt: skip
            conn.execute(text(f"DELETE FROM {table}"))
        conn.execute(text(
            "UPDATE dataset SET note = jsonb_set(note::jsonb, '{steps}', "
            "(note::jsonb->'steps') - 'followup')::text WHERE name = :n"), {"n": DATASET})  # fmt: skip
    report = ensure_demo_spotcheck(spotcheck_engine, DEMO_SPEC.seed, today=TODAY)
    assert report.state == "built" and "caught up" in report.detail and "control cases" in report.detail
    with spotcheck_engine.connect() as conn:
        assert follow_rows(conn) == before
    assert ensure_demo_spotcheck(spotcheck_engine, DEMO_SPEC.seed, today=TODAY).state == "current"
    with Session(spotcheck_engine) as session:
        ctx = restored_context(session, built(session))
        teams = session.execute(text("SELECT count(*) FROM field_team")).scalar()
    assert len(ctx.firms) == len(ctx.reviewers) == 4 and len(ctx.inspectors) == teams
