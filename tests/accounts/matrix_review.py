"""The document review part of the route matrix (test_route_matrix.py): in the world's published draw's
year, the checklist loaded and one evidence file of UNIT; example requests as keyword arguments of ``Call``
(``EXAMPLES_REVIEW``), one per route of /api/v1/evaluation/review and the page /evaluation/review."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.evaluation.review_files import PDF

API = "/api/v1/evaluation/review"


def build_review(engine, draw_id: int, unit: str, account_id: int) -> dict:
    """The year of the draw, its checklist loaded, and one evidence file of ``unit`` (item ``policy``)."""
    from service.audit.trail import Actor
    from service.evaluation.review.models import ReviewEvidence
    from service.evaluation.review.service import ensure_checklist, item_of

    with Session(engine) as session:
        year = session.execute(text(
            "SELECT p.year FROM draw AS d JOIN sampling_plan AS p ON p.id = d.plan_id WHERE d.id = :d"),
            {"d": draw_id}).scalar_one()  # fmt: skip
        checklist = ensure_checklist(session, Actor(account_id, "矩阵测试"), year)
        row = ReviewEvidence(item_id=item_of(session, checklist, "policy").id, unit_code=unit, filename="方案.pdf",
                             content_type="application/pdf", content=PDF, sha256="0" * 64, size_bytes=len(PDF),
                             uploaded_by_account_id=account_id)  # fmt: skip
        session.add(row)
        session.commit()
        return {"review_year": year, "review_evidence": row.id}


def new_evidence(w) -> int:
    """Another evidence file of the world's unit (item ``policy``, never scored here), made for one call."""
    with w["db"].begin() as conn:
        return conn.execute(text(
            "INSERT INTO review_evidence (item_id, unit_code, filename, content_type, content, sha256, size_bytes, "
            "uploaded_by_account_id) SELECT item_id, unit_code, filename, content_type, content, sha256, size_bytes, "
            "uploaded_by_account_id FROM review_evidence WHERE id = :e RETURNING id"),
            {"e": w["review_evidence"]}).scalar_one()  # fmt: skip


def _unit(w) -> dict:
    return {"year": w["review_year"], "unit_code": w["unit"]}


EXAMPLES_REVIEW = {
    ("GET", "/evaluation/review"): lambda w, n, a: {"targeted": False},
    ("GET", f"{API}/years"): lambda w, n, a: {"targeted": False},
    ("GET", f"{API}/{{year}}/checklist"): lambda w, n, a: {"targeted": False, "path": {"year": w["review_year"]}},
    ("PUT", f"{API}/{{year}}/checklist/weights"): lambda w, n, a: {
        "targeted": False, "path": {"year": w["review_year"]}, "json": {"version": 1, "weights": {"policy": 15}}},
    ("GET", f"{API}/{{year}}/units"): lambda w, n, a: {
        "targeted": False, "path": {"year": w["review_year"]}, "absent": w["unit"]},
    ("GET", f"{API}/{{year}}/units/{{unit_code}}"): lambda w, n, a: {"path": _unit(w)},
    ("POST", f"{API}/{{year}}/units/{{unit_code}}/items/{{key}}/evidence"): lambda w, n, a: {
        "path": {**_unit(w), "key": "work_plan"}, "ok": (201,),
        "files": {"file": ("方案.pdf", PDF, "application/pdf")}},
    ("GET", f"{API}/evidence/{{evidence_id}}"): lambda w, n, a: {"path": {"evidence_id": w["review_evidence"]}},
    ("DELETE", f"{API}/evidence/{{evidence_id}}"): lambda w, n, a: {"path": {"evidence_id": new_evidence(w)}},
    ("PUT", f"{API}/{{year}}/units/{{unit_code}}/items/{{key}}/score"): lambda w, n, a: {
        "path": {**_unit(w), "key": "work_plan"}, "json": {"score": 85, "comment": "矩阵评分"}},
}  # fmt: skip
