"""Inspected houses on the maps, coloured by result, and every firm's progress against its deadline.

**What a caller sees.** Only inspections of published draws, submitted or approved, within the caller's
scope (units; an inspector: their team). City and county offices, who may not read draws
(``draws.read``: the sample stays unknown until the firm arrives), see these too: an inspected house has
been visited already; nothing about the draw's unvisited houses is in the answer. Results are classed
once, by ``geo.inspection_results.result_class``; "controlled" by ``geo.inspection_results.controlled``
from the control measures on the form and those recorded afterwards (``sql/inspection_results.sql``).

**Progress.** Per firm of the plan's newest published draw: houses drawn in its units, inspected
(submitted + approved), approved, the share inspected, and the share expected by today on a straight line
from the start of field work (the first inspection opened, else the first planned day, else the draw's
publication) to the plan's deadline (December 15 in the notice); behind when more than
``TOLERANCE`` below it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from geo.inspection_results import RESULT_CLASSES, controlled, result_class
from service.accounts.scope import Scope
from service.core.errors import NotFound
from service.core.queries import SqlFiles
from service.fieldwork.planning import TZ

SQL = SqlFiles("service.maps")
CRS = "EPSG:4490"
CRS_NOTE = "坐标为 CGCS2000 经纬度（EPSG:4490），与 WGS84 在地图比例尺上一致"
STATUS_LABELS = {"submitted": "已提交待审核", "approved": "审核通过"}
TOLERANCE = 0.05
PROGRESS_LABELS = {"done": "已完成", "on_track": "进度正常", "behind": "进度滞后", "overdue": "已逾期未完成",
                   "no_deadline": "未设截止日期", "not_started": "尚未开始"}  # fmt: skip


def _require_published(session: Session, draw_id: int | None) -> None:
    if draw_id is not None and session.scalar(SQL.one("published_draw"), {"draw_id": draw_id}) is None:
        raise NotFound(f"没有编号为 {draw_id} 的已发布抽样。", f"No published draw {draw_id}.")


def inspections_geojson(session: Session, scope: Scope, draw_id: int | None, unit: str | None = None) -> dict:
    """A FeatureCollection of inspected houses (CGCS2000 lon/lat) with their result class, and the classes
    (code, Chinese label, colour, count) as the legend."""
    _require_published(session, draw_id)
    rows = list(session.execute(SQL.one("inspection_results"), {"draw_id": draw_id, "unit": unit, **scope.params()}))
    counts = dict.fromkeys(RESULT_CLASSES, 0)
    features = []
    for r in rows:
        code = result_class(r.summary or {}, controlled(r.form_measures, r.recorded_measures or ()))
        counts[code] += 1
        features.append({
            "type": "Feature", "id": r.id,
            "geometry": {"type": "Point", "coordinates": [round(r.lon, 7), round(r.lat, 7)]},
            "properties": {
                "inspection_id": r.id, "draw_id": r.draw_id, "house_id": r.house_id, "survey_code": r.survey_code,
                "unit_code": r.unit_code, "unit_name": r.unit_name, "result": code,
                "result_label": RESULT_CLASSES[code][0], "status": r.status, "status_label": STATUS_LABELS[r.status],
                "inspected_on": r.inspected_at.astimezone(TZ).date().isoformat() if r.inspected_at else None,
                "team_name": r.team_name, "firm_name": r.firm_name, "synthetic": r.synthetic,
            },
        })  # fmt: skip
    return {
        "type": "FeatureCollection", "crs_name": CRS, "crs_note": CRS_NOTE,
        "draw_id": rows[0].draw_id if rows else draw_id, "total": len(features),
        "synthetic": any(r.synthetic for r in rows),
        "classes": [{"code": c, "label": label, "colour": colour, "count": counts[c]}
                    for c, (label, colour) in RESULT_CLASSES.items()],
        "features": features,
    }  # fmt: skip


def _status(share: float, expected: float | None, days_left: int | None, drawn: int) -> str:
    if drawn and share >= 1:
        return "done"
    if expected is None:
        return "no_deadline"
    if days_left is not None and days_left < 0:
        return "overdue"
    if expected <= 0 and share == 0:
        return "not_started"
    return "behind" if share + TOLERANCE < expected else "on_track"


def progress(session: Session, scope: Scope, firm_ids: list[int], today: dt.date | None = None) -> dict:
    """Every visible firm's progress against its deadline (see the module's docstring)."""
    today = today or dt.datetime.now(TZ).date()
    firms = []
    for r in session.execute(SQL.one("field_progress"), {"firms": firm_ids, **scope.params()}):
        share = r.inspected / r.drawn if r.drawn else 0.0
        expected = days_left = None
        if r.deadline is not None:
            days_left = (r.deadline - today).days
            span = (r.deadline - r.started).days
            expected = 1.0 if span <= 0 else min(1.0, max(0.0, (today - r.started).days / span))
        status = _status(share, expected, days_left, r.drawn)
        firms.append({
            "firm_id": r.firm_id, "firm_name": r.firm_name, "group_name": r.group_name, "plan_id": r.plan_id,
            "draw_id": r.draw_id, "deadline": r.deadline, "started": r.started, "drawn": r.drawn,
            "inspected": r.inspected, "approved": r.approved, "share": round(share, 4),
            "expected_share": None if expected is None else round(expected, 4), "days_left": days_left,
            "status": status, "status_label": PROGRESS_LABELS[status], "synthetic": r.synthetic,
        })  # fmt: skip
    return {"today": today, "tolerance": TOLERANCE, "firms": firms, "synthetic": any(f["synthetic"] for f in firms)}
