"""The facts of a rectification notice, read from the inspection it answers and its house's platform record
(``notice_facts``), as the ``NoticeData`` that ``service.inspections.notice_doc`` lays out: the house, the
registry against what was observed, the hazard, the rectification and 数字整治, the control measures, the
photos."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from sqlalchemy.orm import Session

from geo import enums
from geo import inspection_form as forms
from geo.inspection_results import needs_control
from service.core.queries import SqlFiles
from service.inspections.notice_doc import NoticeData, NoticeHouse, NoticePhoto

SQL = SqlFiles("service.followup")
MAX_PHOTOS = 6
_ENUMS = {e.__name__: e for e in enums.ALL_ENUMS}


def office(place: str | None) -> str:
    """The special task force of a city or county (自建房安全专项整治工作专班)."""
    return f"{place or ''}自建房安全专项整治工作专班"


def label(spec: Mapping | None, value: object) -> str:
    """A registry or answer value in words: enum codes by their Chinese label, yes/no, lists joined."""
    if value is None or value == "" or value == []:
        return "无"
    if isinstance(value, list):
        return "、".join(label(spec, v) for v in value)
    if isinstance(value, bool):
        return "是" if value else "否"
    enum = _ENUMS.get((spec or {}).get("choices_from", ""))
    if enum is not None:
        member = next((m for m in enum if m.value == value), None)
        return member.label if member else str(value)
    return str(value)


def findings(form: dict, facts: Mapping) -> list[str]:
    """The facts found on site, one sentence each."""
    answers, summary = facts["answers"] or {}, facts["summary"] or {}
    registry = {f["name"]: f for f in form["registry_fields"]}
    out = []
    for name in summary.get("record_mismatches") or []:
        spec = registry.get(name, {"label": name})
        seen = answers.get(f"{name}_observed")
        out.append(f"{spec['label']}与平台记录不符：平台记录为“{label(spec, facts.get(name))}”，"
                   f"现场核实为“{label(spec, seen)}”。")  # fmt: skip
    det = registry["initial_determination"]
    if summary.get("hazard_correct") is False:
        out.append(f"隐患判定有误：平台初判为“{label(det, facts.get('initial_determination'))}”，"
                   f"现场判定为“{label(det, summary.get('hazard_determination'))}”。")  # fmt: skip
        if answers.get("hazard_note"):
            out.append(f"隐患情况：{answers['hazard_note']}")
    else:
        out.append(f"现场核实房屋{label(det, summary.get('hazard_determination'))}。")
    rect = registry["rectification_status"]
    out.append(f"平台记录整治状态为“{label(rect, facts.get('rectification_status'))}”，现场核实为"
               f"“{label(rect, summary.get('rectification_observed'))}”。")  # fmt: skip
    if summary.get("paper_rectification"):
        note = answers.get("paper_rectification_note")
        out.append("存在数字整治问题：平台填报已整治，现场未见整治到位。" + (f"{note}" if note else ""))
    if needs_control(summary):
        done = label({"choices_from": "Measure"}, answers.get("control_measures") or [])
        out.append(f"房屋存在倒塌风险，检查组现场已要求采取的管控措施：{done}。"
                   + (f"{answers['control_note']}" if answers.get("control_note") else ""))  # fmt: skip
    if summary.get("platform_updated") is False:
        out.append("全国自建房安全专项整治信息归集平台中的信息未及时更新。")
    if summary.get("missed_houses"):
        out.append(f"周边发现漏排房屋 {summary['missed_houses']} 栋。")
    return out


def default_requirements(summary: Mapping) -> list[str]:
    """What the county office must do, unless the issuer words it otherwise."""
    reqs = []
    if needs_control(summary):
        reqs.append("立即落实停止使用、封控警示、人员撤离等管控措施，确保人员安全，整治到位前不得恢复使用。")
    reqs += [
        "对房屋存在的严重安全隐患组织整治（维修加固、拆除重建等），做到隐患整治到位。",
        "整治完成后及时在全国自建房安全专项整治信息归集平台更新相关信息，确保平台数据与现场一致。",
        "在抽查评估系统中按期报送整改进展和佐证材料（照片或文件），整改完成后申请销号。",
    ]
    return reqs


def notice_facts(session: Session, inspection_id: int) -> Mapping:
    """The house's platform record as the form shows it (``service.inspections.service.registry``: every
    registry field a finding may name) with what ``notice_facts.sql`` reads about the inspection."""
    from service.inspections.service import registry  # it imports the hooks, which import this module

    row = session.execute(SQL.one("notice_facts"), {"inspection_id": inspection_id}).mappings().one()
    return {**registry(session, row["draw_id"], row["house_id"]), **row}


def _photos(session: Session, inspection_id: int) -> list[NoticePhoto]:
    rows = session.execute(SQL.one("notice_photos"), {"i": inspection_id, "n": MAX_PHOTOS}).all()
    return [NoticePhoto(r.content, r.caption or f"现场照片{i + 1}", r.taken_at) for i, r in enumerate(rows)]


def notice_data(
    session: Session, facts: Mapping, *, number: str, issued_on: dt.date, deadline: dt.date,
    requirements: list[str], legal_basis: list[str] | None, contact: str, issuer: str | None = None,
) -> NoticeData:  # fmt: skip
    """The notice about the inspection ``facts`` describes, from ``issuer`` (default: the city office)."""
    form = forms.load_form()
    registry = {f["name"]: f for f in form["registry_fields"]}
    summary = facts["summary"] or {}
    det = registry["initial_determination"]
    rect = registry["rectification_status"]
    house = NoticeHouse(
        survey_code=facts["survey_code"], county=facts["unit_name"] or "", township=facts["township_name"] or "",
        village=facts["village"] or "", address=facts["address"] or "",
        use_class=label(registry["use_class"], facts["use_class"]),
        structure=label(registry["structure"], facts["structure"]), floors=facts["floors"],
    )  # fmt: skip
    submitted = facts["submitted_at"]
    more = {"legal_basis": list(legal_basis)} if legal_basis else {}
    return NoticeData(
        number=number, issuer=issuer or office(facts["city_name"]), city_name=facts["city_name"] or "",
        county_name=office(facts["unit_name"]), issued_on=issued_on, deadline=deadline, house=house,
        findings=findings(form, facts), hazard=label(det, summary.get("hazard_determination")),
        platform_status=label(rect, facts["rectification_status"]),
        site_status=label(rect, summary.get("rectification_observed")),
        paper_rectification=bool(summary.get("paper_rectification")), requirements=requirements,
        inspectors=list(facts["inspectors"] or []), firm=facts["firm_name"] or "", contact=contact,
        photos=_photos(session, facts["inspection_id"]),
        inspected_on=submitted.astimezone(dt.timezone(dt.timedelta(hours=8))).date() if submitted else None,
        synthetic=bool(facts["synthetic"]), **more,
    )  # fmt: skip
