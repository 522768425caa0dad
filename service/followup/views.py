"""Reading notices and control cases within the caller's scope: lists, one notice with its steps, the
findings awaiting a notice, the GeoJSON of notices for the map."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from geo.inspection_results import needs_control, needs_notice
from service.accounts.deps import Principal
from service.core.queries import SqlFiles
from service.followup.controls import MEASURE_LABELS
from service.followup.models import Notice
from service.followup.schemas import (
    AwaitingItem,
    ControlCaseOut,
    FileOut,
    NoticeItem,
    NoticeOut,
    RecordOut,
    StepOut,
)
from service.followup.service import ACTION_LABELS, STATUS_LABELS, today

SQL = SqlFiles("service.followup")
API = "/api/v1/followup"


def _notice_rows(session: Session, principal: Principal, *, notice_id: int | None = None, status: str | None = None,
                 overdue: bool | None = None, limit: int = 1000, on: dt.date | None = None) -> list:  # fmt: skip
    params = {**principal.scope.params(), "notice_id": notice_id, "status": status, "overdue": overdue,
              "limit": limit, "today": on or today()}  # fmt: skip
    return session.execute(SQL.one("notices_list"), params).mappings().all()


def _item(row) -> dict:
    return {**row, "status_label": STATUS_LABELS[row["status"]],
            "document_url": f"{API}/notices/{row['id']}/document" if row["document_sha256"] else None}  # fmt: skip


def notices(session: Session, principal: Principal, **filters) -> list[NoticeItem]:
    """Notices in the scope: overdue first, then open by deadline, closed last."""
    return [NoticeItem(**_item(r)) for r in _notice_rows(session, principal, **filters)]


def notice_out(session: Session, principal: Principal, notice_id: int) -> NoticeOut:
    """One notice (the caller's reach already checked) with its steps and their files."""
    row = _notice_rows(session, principal, notice_id=notice_id, limit=1)[0]
    n = session.get(Notice, notice_id)
    steps = [
        StepOut(**{**s, "action_label": ACTION_LABELS[s["action"]],
                   "files": [FileOut(**f, url=f"{API}/notices/{notice_id}/evidence/{f['id']}") for f in s["files"]]})
        for s in session.execute(SQL.one("notice_steps"), {"notice_id": notice_id}).mappings()
    ]  # fmt: skip
    return NoticeOut(
        **_item(row), requirements=n.requirements or [], legal_basis=n.legal_basis or [], steps=steps
    )


def notices_geojson(session: Session, principal: Principal, overdue: bool | None = None) -> dict:
    """Issued notices as points (CGCS2000 lon/lat): number, status, deadline, overdue."""
    features = [
        {"type": "Feature", "id": r["id"], "geometry": {"type": "Point", "coordinates": [r["lon"], r["lat"]]},
         "properties": {"id": r["id"], "number": r["number"], "status": r["status"],
                        "status_label": STATUS_LABELS[r["status"]], "overdue": r["overdue"],
                        "deadline": r["deadline"].isoformat() if r["deadline"] else None,
                        "survey_code": r["survey_code"], "unit_name": r["unit_name"], "synthetic": r["synthetic"]}}
        for r in _notice_rows(session, principal, overdue=overdue, limit=100_000) if r["status"] != "draft"
    ]  # fmt: skip
    return {"type": "FeatureCollection", "crs_note": "CGCS2000 (EPSG:4490) 经纬度", "features": features}


def awaiting(session: Session, principal: Principal) -> list[AwaitingItem]:
    """Approved findings that call for a notice not issued yet (``geo.inspection_results.needs_notice``)."""
    rows = session.execute(SQL.one("awaiting"), principal.scope.params()).mappings()
    return [
        AwaitingItem(**{k: r[k] for k in AwaitingItem.model_fields if k in r},
                     collapse_risk=needs_control(r["summary"]), paper_rectification=bool(r["summary"].get("paper_rectification")))
        for r in rows if needs_notice(r["summary"] or {})
    ]  # fmt: skip


def controls(session: Session, principal: Principal, *, case_id: int | None = None,
             unacknowledged: bool | None = None, limit: int = 1000) -> list[ControlCaseOut]:  # fmt: skip
    """Control cases in the scope, unacknowledged first, with their records."""
    params = {
        **principal.scope.params(),
        "case_id": case_id,
        "unacknowledged": unacknowledged,
        "limit": limit,
    }
    out = []
    for r in session.execute(SQL.one("controls_list"), params).mappings():
        records = [
            RecordOut(**{**rec, "measure_labels": [MEASURE_LABELS.get(m, m) for m in rec["measures"]],
                         "photos": [FileOut(**p, url=f"{API}/controls/{r['id']}/photos/{p['id']}") for p in rec["photos"]]})
            for rec in r["records"]
        ]  # fmt: skip
        out.append(ControlCaseOut(**{**r, "records": records}))
    return out
