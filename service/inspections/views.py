"""Reading inspections: one with its photos and review steps, the form of a house, the list in a scope."""

from __future__ import annotations

from sqlalchemy.orm import Session

from geo import inspection_form as forms
from geo.inspection_results import RESULT_COLOURS, RESULT_LABELS, controlled, needs_notice, result_class
from service.accounts.models import person_label
from service.core.queries import SqlFiles
from service.core.settings import InspectionSettings
from service.inspections.models import Inspection
from service.inspections.schemas import (
    STATUS_LABELS,
    FlagOut,
    HouseFormOut,
    InspectionListItem,
    InspectionOut,
    PhotoOut,
    PositionOut,
    ProblemOut,
    ReviewOut,
)
from service.inspections.service import registry

SQL = SqlFiles("service.inspections")


def _warnings(row: Inspection, radius: float) -> list[str]:
    out = []
    for label, d in (("打开检查表", row.opened_distance_m), ("提交", row.submitted_distance_m)):
        if d is not None and d > radius:
            out.append(f"{label}时的位置距房屋 {d:.0f} 米，超过 {radius:.0f} 米。")
    return out


def inspection_out(session: Session, row: Inspection, settings: InspectionSettings, reg: dict | None = None) -> InspectionOut:
    """The inspection as the API answers it."""
    reg = reg or registry(session, row.draw_id, row.house_id)
    photos = [
        PhotoOut(**p._mapping, far=p.exif_distance_m is not None and p.exif_distance_m > settings.position_radius_m,
                 url=f"/api/v1/inspections/{row.id}/photos/{p.id}")
        for p in session.execute(SQL.one("inspection_photos"), {"inspection_id": row.id})
    ]  # fmt: skip
    reviews = [
        ReviewOut(action=r.action, comment=r.comment, version=r.version, by=person_label(r.name, r.username), at=r.at)
        for r in session.execute(SQL.one("inspection_reviews"), {"inspection_id": row.id})
    ]
    problems = forms.validate(forms.load_form(row.form_version), row.answers, reg, photo_count=len(photos))
    by = session.execute(SQL.one("account_name"), {"a": row.updated_by_account_id}).one()
    pos = session.execute(SQL.one("inspection_positions"), {"inspection_id": row.id}).one()
    opened, submitted = (
        PositionOut(lon=lon, lat=lat, accuracy_m=acc) if lon is not None else None
        for lon, lat, acc in ((pos.opened_lon, pos.opened_lat, pos.opened_accuracy_m),
                              (pos.submitted_lon, pos.submitted_lat, pos.submitted_accuracy_m))
    )  # fmt: skip
    return InspectionOut(
        id=row.id, client_id=row.client_id, draw_id=row.draw_id, house_id=row.house_id,
        survey_code=reg["survey_code"], unit_code=row.unit_code, team_id=row.team_id, form_version=row.form_version,
        status=row.status, status_label=STATUS_LABELS[row.status], version=row.version, answers=row.answers,
        summary=row.summary, problems=[ProblemOut(field=p.field, code=p.code, message=p.message) for p in problems],
        opened_at=row.opened_at, opened_distance_m=row.opened_distance_m, submitted_at=row.submitted_at,
        submitted_distance_m=row.submitted_distance_m, position_warnings=_warnings(row, settings.position_radius_m),
        opened_position=opened, submitted_position=submitted,
        photos=photos, reviews=reviews, synthetic=row.synthetic, updated_at=row.updated_at,
        updated_by=person_label(by.name, by.username),
    )  # fmt: skip


def house_form(session: Session, draw_id: int, reg: dict, settings: InspectionSettings) -> HouseFormOut:
    """The registry record of a drawn house (``service.inspections.service.registry``, read by the caller to
    check its reach) with its inspection, if any."""
    house_id = reg["house_id"]
    row = session.query(Inspection).filter_by(draw_id=draw_id, house_id=house_id).one_or_none()
    return HouseFormOut(
        draw_id=draw_id, house_id=house_id, survey_code=reg["survey_code"], unit_code=reg["unit_code"],
        team_id=reg["team_id"] or 0, lon=reg["lon"], lat=reg["lat"], registry=reg,
        form_version=row.form_version if row else forms.load_form()["version"], radius_m=settings.position_radius_m,
        inspection=inspection_out(session, row, settings, reg) if row else None, synthetic=bool(reg["synthetic"]),
    )  # fmt: skip


def _flags(r, radius: float, is_controlled: bool) -> list[FlagOut]:
    """What a reviewer should look at in one line of the list (``inspections_list.sql``)."""
    s, out = r.summary or {}, []

    def flag(code: str, kind: str, label: str, when: object = True) -> None:
        if when:
            out.append(FlagOut(code=code, kind=kind, label=label))

    for code, name, d in (("opened_far", "打开", r.opened_distance_m), ("submitted_far", "提交", r.submitted_distance_m)):
        flag(code, "position", f"{name}时距房屋 {d or 0:.0f} 米", d is not None and d > radius)
    flag("no_position", "position", "未记录位置",
         r.status != "draft" and r.opened_distance_m is None and r.submitted_distance_m is None)  # fmt: skip
    flag("photos_far", "photo", f"{r.photos_far} 张照片拍摄位置超过 {radius:.0f} 米", r.photos_far)
    flag("photos_without_gps", "photo", f"{r.photos_without_gps} 张照片无拍摄位置", r.photos_without_gps)
    flag("photos_without_time", "photo", f"{r.photos_without_time} 张照片无拍摄时间", r.photos_without_time)
    flag("collapse_risk", "finding", "倒塌风险" + ("" if is_controlled else "（未记录管控）"), s.get("collapse_risk"))
    flag("paper_rectification", "finding", "数字整治", s.get("paper_rectification"))
    flag("hazard_wrong", "finding", "隐患判定有误", s.get("hazard_correct") is False)
    wrong = s.get("record_mismatches") or []
    flag("record_wrong", "finding", f"排查信息 {len(wrong)} 项有误", s.get("record_accurate") is False)
    flag("needs_notice", "finding", "须下发整改通知单", r.status != "draft" and needs_notice(s))
    return out


def inspections(session: Session, params: dict, settings: InspectionSettings) -> list[InspectionListItem]:
    """The inspections of the scope (``params``: the scope's, draw_id, status, limit), with the review
    queue's flags and, once submitted, the result class (``geo.inspection_results``)."""
    radius = settings.position_radius_m
    out = []
    for r in session.execute(SQL.one("inspections_list"), {**params, "radius": radius}):
        is_controlled = controlled(r.form_measures, r.recorded_measures or ())
        cls = result_class(r.summary or {}, controlled=is_controlled) if r.status != "draft" else None
        fields = {k: v for k, v in r._mapping.items() if k not in ("form_measures", "recorded_measures")}
        out.append(InspectionListItem(
            **fields, status_label=STATUS_LABELS[r.status], result_class=cls, result_label=RESULT_LABELS.get(cls),
            result_colour=RESULT_COLOURS.get(cls), flags=_flags(r, radius, is_controlled),
        ))  # fmt: skip
    return out
