"""Saving, submitting and reviewing inspections.

**Who.** An inspector inspects the houses assigned to their own team; the firm's accounts those of their
firm's teams (``service.fieldwork.firms.get_team``). Readers see inspections within their scope (units; an
inspector their team). Reviewers (the firm, the provincial office) approve or return.

**Stored once, never overwritten.** The phone names each inspection with a ``client_id`` and sends the
``version`` it edited. The same request sent again (same body: its SHA-256 is kept) answers the stored
inspection unchanged. A change made from an older version is a 409 conflict: the phone keeps its copy,
shows the server's, and the inspector chooses; nothing is lost. A second device starting the same house
under another ``client_id`` is a conflict too.

**Checked once.** The answers follow ``geo.inspection_form`` (the form in data, the same rules the page
applies): a draft may be incomplete but never mistyped; a submission must be complete and consistent and
have its photos. Positions are checked against the house (``settings.inspection.position_radius_m``).

Status: draft → submitted → approved, or returned (with comments) → submitted again. Submitting marks the
house visited in field work. Every write is in the audit trail.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo import inspection_form as forms
from geo.gcj02 import gcj02_to_wgs84
from service.accounts.deps import Principal
from service.accounts.roles import Role
from service.audit.trail import record
from service.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from service.core.queries import SqlFiles
from service.core.settings import InspectionSettings
from service.draws.service import REPLACEMENT_REASONS
from service.fieldwork import firms as F
from service.fieldwork.assignment import get_assignment, mark_visited
from service.followup.hooks import after_inspection
from service.inspections.models import Inspection, InspectionReview
from service.inspections.schemas import InspectionIn, PositionIn, ReviewIn

SQL = SqlFiles("service.inspections")
EDITABLE = ("draft", "returned")
BLOCKING_IN_DRAFT = {"type", "choice", "range", "length", "unknown_field"}


class FormProblems(InvalidInput):
    """Answers the form refuses: a 422 naming each problem (``errors``: field, code, Chinese message)."""

    def __init__(self, problems: list[forms.Problem]) -> None:
        super().__init__("检查表有误：" + "；".join(p.message for p in problems[:10]) + "。",
                         f"{len(problems)} problems in the answers.")  # fmt: skip
        self.errors = [{"field": p.field, "code": p.code, "message": p.message} for p in problems]

    def to_dict(self) -> dict:  # noqa: D102
        return {**super().to_dict(), "errors": self.errors}


def registry(session: Session, draw_id: int, house_id: int) -> dict:
    """The drawn house's platform record (with its open hazard) and its team; 404 if not in the draw."""
    row = session.execute(SQL.one("house_registry"), {"draw_id": draw_id, "house_id": house_id}).mappings().one_or_none()
    if row is None:
        raise NotFound(f"抽样 {draw_id} 中没有房屋 {house_id}。", f"Draw {draw_id} has no house {house_id}.")
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in row.items()}


def check_reach(principal: Principal, unit_code: str, team_id: int | None) -> None:
    """Refuse an inspection (or house) outside the caller's scope: its unit, and an inspector's team."""
    principal.scope.require_unit(unit_code)
    if principal.role is Role.INSPECTOR and (team_id is None or principal.scope.team_id != team_id):
        raise Forbidden("您的账户只能查看本检查组的入户检查。", "Only your own team's inspections.")


def replaced_message(session: Session, principal: Principal, draw_id: int, reg: dict) -> str | None:
    """For a house replaced in the draw, what its team is told (an inspector: only when the replacement went
    to their team, as it does; others: within their scope); else None."""
    row = session.execute(SQL.one("house_replaced"), {"d": draw_id, "h": reg["house_id"]}).one_or_none()
    if row is None or not principal.scope.covers_unit(reg["unit_code"]):
        return None
    if principal.role is Role.INSPECTOR and row.team_id != principal.scope.team_id:
        return None
    when = row.at.astimezone(dt.timezone(dt.timedelta(hours=8)))
    return (f"房屋 {row.old_code} 已于 {when:%m月%d日 %H:%M} 因“{REPLACEMENT_REASONS.get(row.reason, row.reason)}”"
            f"替换为备选房屋 {row.new_code}，无需再检查，请按最新路线前往 {row.new_code}。")  # fmt: skip


def writer_team(
    session: Session, principal: Principal, team_id: int | None, draw_id: int | None = None, reg: dict | None = None
) -> int:
    """The team that inspects the house, if the caller may write for it (an inspector: their own team)."""
    if team_id is None:
        replaced = replaced_message(session, principal, draw_id, reg) if reg else None
        if replaced:
            raise InvalidInput(f"{replaced}本机填写的内容仍保留在本机。", "The house was replaced in the draw.")
        raise InvalidInput("该房屋尚未分配给检查组，不能填写检查表。", "The house is not assigned to a team.")
    F.get_team(session, F.field_caller(session, principal), team_id)
    return int(team_id)


def _wgs84(p: PositionIn) -> tuple[float, float]:
    if p.crs == "GCJ-02":
        lon, lat = gcj02_to_wgs84(p.lon, p.lat)
        return float(lon), float(lat)
    return p.lon, p.lat


def distance_m(session: Session, house_id: int, lon: float, lat: float) -> float:
    """Metres on the ellipsoid from the house to a position (EPSG:4490/WGS84 lon/lat)."""
    return float(session.scalar(SQL.one("position_distance"), {"house_id": house_id, "lon": lon, "lat": lat}))


def _position(session: Session, house_id: int, p: PositionIn | None) -> tuple[str | None, float | None, float | None]:
    if p is None:
        return None, None, None
    lon, lat = _wgs84(p)
    return f"SRID=4490;POINT({lon} {lat})", p.accuracy_m, round(distance_m(session, house_id, lon, lat), 1)


def _request_sha(client_id: uuid.UUID, body: InspectionIn) -> str:
    canonical = json.dumps({"client_id": str(client_id), **body.model_dump(mode="json")}, ensure_ascii=False,
                           sort_keys=True, separators=(",", ":"))  # fmt: skip
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _photo_count(session: Session, inspection_id: int | None) -> int:
    if inspection_id is None:
        return 0
    return int(session.scalar(text("SELECT count(*) FROM inspection_photo WHERE inspection_id = :i"),
                              {"i": inspection_id}))  # fmt: skip


def save(
    session: Session, principal: Principal, client_id: uuid.UUID, body: InspectionIn, settings: InspectionSettings
) -> tuple[Inspection, bool]:
    """Create or change an inspection (and submit it when asked); returns it and whether anything changed."""
    sha = _request_sha(client_id, body)
    row = session.query(Inspection).filter_by(client_id=client_id).with_for_update().one_or_none()
    if row is not None and row.last_request_sha256 == sha:
        return row, False  # the same request again: stored once
    reg = registry(session, body.draw_id, body.house_id)
    team_id = writer_team(session, principal, reg["team_id"], body.draw_id, reg)
    try:
        form = forms.load_form(body.form_version)
    except (KeyError, FileNotFoundError, ValueError) as exc:
        raise InvalidInput(f"不认识检查表版本“{body.form_version}”。", f"Unknown form {body.form_version!r}.") from exc
    if row is None:
        other = session.query(Inspection).filter_by(draw_id=body.draw_id, house_id=body.house_id).one_or_none()
        if other is not None:
            raise Conflict(
                f"房屋 {reg['survey_code']} 已有检查记录（另一台设备或他人创建，版本 {other.version}），请先打开该记录。",
                f"House {body.house_id} already has inspection {other.id}.",
            )
        if body.version != 0:
            raise Conflict("该检查记录在服务器上不存在，请以新记录提交（版本 0）。", "No such inspection: send version 0.")
    else:
        if (row.draw_id, row.house_id) != (body.draw_id, body.house_id):
            raise InvalidInput("检查记录与房屋不符。", "The inspection belongs to another house.")
        if row.status not in EDITABLE:
            raise Conflict(f"该检查已{'提交，正在审核' if row.status == 'submitted' else '审核通过'}，不能再修改。",
                           f"The inspection is {row.status}.")  # fmt: skip
        if body.version != row.version:
            raise Conflict(
                f"该检查记录已被修改（服务器上为第 {row.version} 版，您的修改基于第 {body.version} 版）。"
                "您的内容仍保存在本机，请对照服务器上的版本后再提交。",
                f"Version conflict: the server has {row.version}, the change was made from {body.version}.",
            )
    problems = forms.validate(form, body.answers, reg, photo_count=_photo_count(session, row.id if row else None))
    # A draft may lack answers and photos, but never holds a mistyped value; a submission lacks nothing.
    blocking = [p for p in problems if body.submit or (p.code in BLOCKING_IN_DRAFT and p.field != "photos")]
    if blocking:
        raise FormProblems(blocking)
    now = dt.datetime.now(dt.UTC)
    opened = _position(session, body.house_id, body.opened) if row is None or row.opened_at is None else None
    if row is None:
        row = Inspection(client_id=client_id, draw_id=body.draw_id, house_id=body.house_id, team_id=team_id,
                         unit_code=reg["unit_code"], synthetic=bool(reg["synthetic"]), version=0,
                         form_version=form["version"], answers=body.answers,
                         created_by_account_id=principal.account_id,
                         updated_by_account_id=principal.account_id)  # fmt: skip
        session.add(row)
    if body.opened is not None and row.opened_at is None:
        row.opened_geom, row.opened_accuracy_m, row.opened_distance_m = opened
        row.opened_at = body.opened_at or body.opened.at or now
    # A draft keeps what was typed (a field hidden by one answer comes back when the answer changes); a
    # submission stores the answers of relevant fields only (geo.inspection_form.clean).
    row.form_version = form["version"]
    row.answers = forms.clean(form, body.answers, reg) if body.submit else body.answers
    row.summary = forms.summary(form, body.answers, reg)
    row.version += 1
    row.last_request_sha256 = sha
    row.updated_by_account_id, row.updated_at = principal.account_id, now
    session.flush()
    action = "inspection_save"
    if body.submit:
        row.submitted_geom, row.submitted_accuracy_m, row.submitted_distance_m = _position(
            session, body.house_id, body.submitted)
        row.status, row.submitted_at, action = "submitted", now, "inspection_submit"
        session.add(InspectionReview(inspection_id=row.id, action="submit", version=row.version,
                                     account_id=principal.account_id))  # fmt: skip
        mark_visited(session, get_assignment(session, body.draw_id, body.house_id, lock=True), principal.actor, now)
        after_inspection(session, principal, row)  # a house at risk of collapse: control at once
    record(session, principal.actor, action, "inspection", row.id, detail={
        "draw_id": row.draw_id, "house_id": row.house_id, "version": row.version, "client_id": str(client_id),
        "opened_distance_m": row.opened_distance_m, "submitted_distance_m": row.submitted_distance_m,
    })  # fmt: skip
    session.flush()
    return row, True


def review(session: Session, principal: Principal, row: Inspection, body: ReviewIn) -> None:
    """Approve a submitted inspection (read with ``get_inspection``), or return it to the team with comments
    (the firm, the province)."""
    F.get_team(session, F.field_caller(session, principal), row.team_id, manage=True)
    if row.status != "submitted":
        raise Conflict("只能审核已提交的检查。", f"The inspection is {row.status}, not submitted.")
    if body.version != row.version:
        raise Conflict(f"该检查已被修改（当前第 {row.version} 版），请刷新后再审核。", "Stale version.")
    row.status = "approved" if body.action == "approve" else "returned"
    row.version += 1
    row.updated_by_account_id, row.updated_at = principal.account_id, dt.datetime.now(dt.UTC)
    session.add(InspectionReview(inspection_id=row.id, action=body.action, comment=body.comment,
                                 version=row.version, account_id=principal.account_id))  # fmt: skip
    record(session, principal.actor, f"inspection_{body.action}", "inspection", row.id,
           detail={"version": row.version, "comment": body.comment})  # fmt: skip
    after_inspection(session, principal, row)  # approved findings of a serious hazard: a draft notice
    session.flush()


def get_inspection(session: Session, principal: Principal, inspection_id: int, lock: bool = False) -> Inspection:
    """An inspection the caller may see (404 if none, 403 outside the scope)."""
    row = session.get(Inspection, inspection_id, with_for_update=lock)
    if row is None:
        raise NotFound(f"未找到编号为 {inspection_id} 的检查记录。", f"No inspection {inspection_id}.")
    check_reach(principal, row.unit_code, row.team_id)
    return row
