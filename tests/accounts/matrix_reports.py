"""The reports' part of the route matrix's world (matrix_world.py): one stored export of UNIT's county report,
so that downloading an export has something to give or to withhold; and the example requests of the reports'
routes (``EXAMPLES_REPORTS``: keyword arguments of the matrix's ``Call``). The provincial summary is for callers
who see the whole province: an in-scope city, county or firm account is refused it (403)."""

from __future__ import annotations

import hashlib

from sqlalchemy import text

API = "/api/v1/evaluation/reports"


def build_reports(engine, unit: str, account_id: int) -> dict:
    """A stored export of ``unit``'s county report (bytes that are not a real .docx: only access is tried)."""
    content = b"PK matrix report export"
    with engine.begin() as conn:
        year = conn.execute(text(
            "SELECT p.year FROM draw AS d JOIN sampling_plan AS p ON p.id = d.plan_id WHERE d.status = 'published' "
            "ORDER BY p.year DESC, d.id DESC LIMIT 1")).scalar_one()  # fmt: skip
        export = conn.execute(text(
            "INSERT INTO report_export (target, year, filename, content, sha256, size_bytes, exported_by_account_id) "
            "VALUES (:t, :y, '矩阵报告.docx', :c, :s, :n, :a) RETURNING id"),
            {"t": unit, "y": year, "c": content, "s": hashlib.sha256(content).hexdigest(), "n": len(content),
             "a": account_id}).scalar_one()  # fmt: skip
    return {"report_export": export, "report_year": year}


def _version(w, target: str, section: str) -> int:
    with w["db"].connect() as conn:
        return conn.execute(text("SELECT COALESCE(max(version), 0) FROM report_draft WHERE target = :t AND "
                                 "section = :s AND year = :y"), {"t": target, "s": section, "y": w["report_year"]}
                            ).scalar_one()  # fmt: skip


def _edit(w, target: str, section: str) -> dict:
    return {"text": "矩阵测试编辑的文字。", "version": _version(w, target, section)}


EXAMPLES_REPORTS = {
    ("GET", f"{API}/units"): lambda w, n, a: {"targeted": False, "absent": w["unit"]},
    ("GET", f"{API}/county/{{unit}}"): lambda w, n, a: {"path": {"unit": w["unit"]}},
    ("PUT", f"{API}/county/{{unit}}/sections/{{section}}"): lambda w, n, a: {
        "path": {"unit": w["unit"], "section": "basic"},
        "json": _edit(w, w["unit"], "basic"),
    },
    ("GET", f"{API}/county/{{unit}}/document"): lambda w, n, a: {"path": {"unit": w["unit"]}},
    ("POST", f"{API}/county/{{unit}}/exports"): lambda w, n, a: {"path": {"unit": w["unit"]}, "ok": (201,)},
    ("GET", f"{API}/province"): lambda w, n, a: {"ok": (200, 403)},
    ("PUT", f"{API}/province/sections/{{section}}"): lambda w, n, a: {
        "path": {"section": "basic"},
        "json": _edit(w, "province", "basic"),
        "ok": (200, 403),
    },
    ("GET", f"{API}/province/document"): lambda w, n, a: {"ok": (200, 403)},
    ("POST", f"{API}/province/exports"): lambda w, n, a: {"ok": (201, 403)},
    ("GET", f"{API}/exports/{{export_id}}"): lambda w, n, a: {"path": {"export_id": w["report_export"]}},
    ("GET", "/evaluation/report"): lambda w, n, a: {"targeted": False},
}
