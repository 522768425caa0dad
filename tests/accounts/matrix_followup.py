"""The follow-up part of the route matrix's world (matrix_world.py): in UNIT, an issued notice with one
evidence file, a control case (of the world team's house) with one record and photo; and the rows some
follow-up examples make or reset for one call each (a fresh approved finding, a notice reported done, an
unacknowledged alert)."""

from __future__ import annotations

import itertools
import json
import uuid

from sqlalchemy import text

from tests.filemakers import jpeg_with_exif

SERIOUS = {"hazard_determination": "serious", "rectification_observed": "pending", "paper_rectification": False,
           "collapse_risk": True, "record_accurate": True, "record_mismatches": [], "hazard_correct": True}  # fmt: skip
_fresh = itertools.count()


def _inspection(
    conn, draw_id: int, house_id: int, team_id: int, unit: str, account_id: int, status: str
) -> int:
    return conn.execute(text(
        "INSERT INTO inspection (client_id, draw_id, house_id, team_id, unit_code, form_version, status, summary, "
        "answers, submitted_at, created_by_account_id, updated_by_account_id) VALUES (:c, :d, :h, :t, :u, 'v1', :s, "
        "CAST(:sum AS jsonb), '{\"control_measures\": [\"stop_use\"]}', now(), :a, :a) RETURNING id"),
        {"c": uuid.uuid4(), "d": draw_id, "h": house_id, "t": team_id, "u": unit, "s": status,
         "sum": json.dumps(SERIOUS), "a": account_id}).scalar_one()  # fmt: skip


def build_followup(engine, draw_id: int, unit: str, team_id: int, account_id: int) -> dict:
    """The notice, the control case and a pool of drawn houses of ``unit`` without inspections."""
    with engine.begin() as conn:
        pool = conn.execute(text(
            "SELECT house_id FROM draw_house WHERE draw_id = :d AND unit_code = :u "
            "AND house_id NOT IN (SELECT house_id FROM inspection) ORDER BY position"),
            {"d": draw_id, "u": unit}).scalars().all()  # fmt: skip
        city = conn.execute(
            text("SELECT city_code FROM sampling_unit WHERE code = :u"), {"u": unit}
        ).scalar_one()
        notice_house, case_house, pool = pool[0], pool[1], pool[2:]
        inspection = _inspection(conn, draw_id, notice_house, team_id, unit, account_id, "approved")
        notice = conn.execute(text(
            "INSERT INTO notice (inspection_id, draw_id, house_id, unit_code, city_code, status, year, seq, number, "
            "issued_on, deadline, document, document_sha256, document_name, created_by_account_id) VALUES "
            "(:i, :d, :h, :u, :c, 'issued', 2000, 1, '兰自建房整改〔2000〕1号', current_date, current_date + 30, "
            "'PK matrix', repeat('0', 64), '整改通知单.docx', :a) RETURNING id"),
            {"i": inspection, "d": draw_id, "h": notice_house, "u": unit, "c": city, "a": account_id}).scalar_one()  # fmt: skip
        step = conn.execute(text(
            "INSERT INTO notice_step (notice_id, action, status, version, account_id) "
            "VALUES (:n, 'issue', 'issued', 1, :a) RETURNING id"), {"n": notice, "a": account_id}).scalar_one()  # fmt: skip
        evidence = conn.execute(text(
            "INSERT INTO notice_evidence (notice_id, step_id, filename, content_type, content, sha256, size_bytes, "
            "uploaded_by_account_id) VALUES (:n, :s, '证据.jpg', 'image/jpeg', :b, repeat('0', 64), 10, :a) "
            "RETURNING id"), {"n": notice, "s": step, "b": jpeg_with_exif(), "a": account_id}).scalar_one()  # fmt: skip
        control = _inspection(conn, draw_id, case_house, team_id, unit, account_id, "submitted")
        case = conn.execute(text(
            "INSERT INTO control_case (inspection_id, draw_id, house_id, unit_code, city_code, opened_by_account_id) "
            "VALUES (:i, :d, :h, :u, :c, :a) RETURNING id"),
            {"i": control, "d": draw_id, "h": case_house, "u": unit, "c": city, "a": account_id}).scalar_one()  # fmt: skip
        record = conn.execute(text(
            "INSERT INTO control_record (case_id, source, measures, taken_at, responsible, recorded_by_account_id) "
            "VALUES (:k, 'form', ARRAY['stop_use'], now(), '矩阵', :a) RETURNING id"),
            {"k": case, "a": account_id}).scalar_one()  # fmt: skip
        photo = conn.execute(text(
            "INSERT INTO control_photo (case_id, record_id, filename, content_type, content, sha256, size_bytes, "
            "uploaded_by_account_id) VALUES (:k, :r, '封闭.jpg', 'image/jpeg', :b, repeat('0', 64), 10, :a) "
            "RETURNING id"), {"k": case, "r": record, "b": jpeg_with_exif(), "a": account_id}).scalar_one()  # fmt: skip
        codes = dict(conn.execute(text("SELECT id, survey_code FROM house WHERE id IN (:a, :b)"),
                                  {"a": notice_house, "b": case_house}).all())  # fmt: skip
    return {"notice": notice, "evidence": evidence, "case": case, "case_photo": photo, "pool": list(pool),
            "notice_code": codes[notice_house], "case_code": codes[case_house]}  # fmt: skip


def fresh_finding(w) -> int:
    """An approved finding of a serious hazard in UNIT (a house of the pool), for one issue call."""
    house = w["pool"][next(_fresh) % len(w["pool"])]
    with w["db"].begin() as conn:
        conn.execute(text("DELETE FROM inspection WHERE draw_id = :d AND house_id = :h AND NOT EXISTS "
                          "(SELECT 1 FROM notice n WHERE n.inspection_id = inspection.id)"),
                     {"d": w["published"], "h": house})  # fmt: skip
        return _inspection(conn, w["published"], house, w["team"], w["unit"], w["accounts"]["province"]["id"],
                           "approved")  # fmt: skip


def notice_version(w, status: str | None = None) -> int:
    """The world notice's version, after setting its status (a decision needs it reported done)."""
    with w["db"].begin() as conn:
        if status:
            conn.execute(text("UPDATE notice SET status = :s WHERE id = :n"), {"s": status, "n": w["notice"]})
        return conn.execute(text("SELECT version FROM notice WHERE id = :n"), {"n": w["notice"]}).scalar_one()


def unacknowledged_version(w) -> int:
    """The world case made an unacknowledged alert again; its version."""
    with w["db"].begin() as conn:
        return conn.execute(text(
            "UPDATE control_case SET acknowledged_at = NULL, acknowledged_by_account_id = NULL WHERE id = :k "
            "RETURNING version"), {"k": w["case"]}).scalar_one()  # fmt: skip
