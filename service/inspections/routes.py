"""Inspections API: the form, a house's form and inspection, saving and submitting (idempotent, versioned),
photos, review, the list in a scope. Who may call what is declared per route; every write is audited."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Path, Query, Response, UploadFile

from geo import inspection_form as forms
from service.accounts.deps import Permit
from service.accounts.roles import Permission, Role
from service.core.db import SessionDep
from service.core.errors import NotFound
from service.core.ratelimit import limit
from service.core.settings import SettingsDep
from service.core.uploads import saved_upload
from service.inspections import export as national_export
from service.inspections import service as S
from service.inspections.models import InspectionPhoto
from service.inspections.photos import add_photo
from service.inspections.schemas import (
    HouseFormOut,
    InspectionIn,
    InspectionListItem,
    InspectionOut,
    ReviewIn,
)
from service.inspections.views import house_form, inspection_out, inspections

router = APIRouter(prefix="/api/v1/inspections", tags=["inspections"])
Reader = Permit(Permission.INSPECT_READ)
Writer = Permit(Permission.INSPECT)
Reviewer = Permit(Permission.INSPECT_REVIEW)
Id = Annotated[int, Path(ge=1, le=2**63 - 1)]


@router.get("/form", summary="The inspection form definition (fields, choices, rules)")
def form(principal: Reader, version: Annotated[str, Query(max_length=20)] = "v1") -> dict:
    """The form in data, as the page renders and checks it (the server checks the same rules)."""
    try:
        return forms.load_form(version)
    except (KeyError, FileNotFoundError, ValueError) as exc:
        raise NotFound(f"没有版本为“{version}”的检查表。", f"No form {version!r}.") from exc


@router.get("", summary="Inspections in the caller's scope", response_model=list[InspectionListItem])
def list_inspections(
    principal: Reader, session: SessionDep, settings: SettingsDep,
    draw_id: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
    status: Annotated[Literal["draft", "submitted", "approved", "returned"] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
) -> list[InspectionListItem]:  # fmt: skip
    """Newest change first; an inspector sees their team's only."""
    params = {**principal.scope.params(), "draw_id": draw_id, "status": status, "limit": limit}
    return inspections(session, params, settings.inspection)


@router.get("/houses/{draw_id}/{house_id}", summary="A drawn house's record and its inspection",
            response_model=HouseFormOut)  # fmt: skip
def house(principal: Reader, session: SessionDep, settings: SettingsDep, draw_id: Id, house_id: Id) -> HouseFormOut:
    """What the phone needs to inspect the house: its platform record and the inspection so far."""
    reg = S.registry(session, draw_id, house_id)
    if reg["team_id"] is None and principal.role is Role.INSPECTOR:  # the phone of the team it had
        if replaced := S.replaced_message(session, principal, draw_id, reg):
            raise NotFound(replaced, f"House {house_id} was replaced in draw {draw_id}.")
    S.check_reach(principal, reg["unit_code"], reg["team_id"])
    return house_form(session, draw_id, reg, settings.inspection)


@router.put("/by-client/{client_id}", summary="Save or submit an inspection (idempotent, versioned)",
            response_model=InspectionOut)  # fmt: skip
def save(
    principal: Writer, session: SessionDep, settings: SettingsDep, client_id: uuid.UUID, body: InspectionIn,
    response: Response,
) -> InspectionOut:  # fmt: skip
    """``client_id`` is made on the phone. The same request again changes nothing; a change made from an
    older ``version`` is a 409 (nothing is overwritten); ``submit`` checks the whole form."""
    row, changed = S.save(session, principal, client_id, body, settings.inspection)
    session.commit()
    response.status_code = 200 if not changed or row.version > 1 else 201
    return inspection_out(session, row, settings.inspection)


@router.get("/export.xlsx", summary="Export for the national platform's verification module (核查管理模块)",
            response_class=Response, responses={200: {"content": {national_export.MEDIA_TYPE: {}}}})  # fmt: skip
def export_xlsx(
    principal: Reviewer, session: SessionDep, settings: SettingsDep,
    draw_id: Annotated[int, Query(ge=1, le=2**63 - 1)],
    include_submitted: Annotated[bool, Query(description="Also inspections awaiting review")] = False,
) -> Response:  # fmt: skip
    """One row per inspected house of the draw (approved; with include_submitted also submitted) in the
    caller's scope, columns as docs/national_export.md; the same data gives the same bytes."""
    limit("expensive", str(principal.account_id), settings.security.expensive_rate_per_minute)
    body = national_export.to_xlsx(session, draw_id, include_submitted, scope=principal.scope)
    headers = {"Content-Disposition": f'attachment; filename="inspections-draw-{draw_id}.xlsx"'}
    return Response(body, media_type=national_export.MEDIA_TYPE, headers=headers)


@router.get("/{inspection_id}", summary="One inspection", response_model=InspectionOut)
def inspection(principal: Reader, session: SessionDep, settings: SettingsDep, inspection_id: Id) -> InspectionOut:
    """With its photos, position checks and review steps."""
    return inspection_out(session, S.get_inspection(session, principal, inspection_id), settings.inspection)


@router.post("/{inspection_id}/photos", summary="Add a photo (idempotent by client_id)", status_code=201,
             response_model=InspectionOut)  # fmt: skip
def photo(
    principal: Writer, session: SessionDep, settings: SettingsDep, inspection_id: Id,
    file: Annotated[UploadFile, File(description="JPEG, PNG or WebP, resized on the phone")],
    client_id: Annotated[uuid.UUID, Form()], caption: Annotated[str | None, Form(max_length=200)] = None,
) -> InspectionOut:  # fmt: skip
    """EXIF time and GPS are read on the server; a photo far from the house is flagged."""
    row = S.get_inspection(session, principal, inspection_id, lock=True)
    S.writer_team(session, principal, row.team_id)
    with saved_upload(file, settings.security, unzip=False) as path:
        data = path.read_bytes()
    add_photo(session, principal, row, client_id, data, caption, settings.inspection)
    session.commit()
    return inspection_out(session, row, settings.inspection)


@router.get("/{inspection_id}/photos/{photo_id}", summary="A photo's content", response_class=Response,
            responses={200: {"content": {"image/jpeg": {}, "image/png": {}, "image/webp": {}}}})  # fmt: skip
def photo_content(principal: Reader, session: SessionDep, inspection_id: Id, photo_id: Id) -> Response:
    """The photo as uploaded (not kept by shared caches)."""
    row = S.get_inspection(session, principal, inspection_id)
    p = session.get(InspectionPhoto, photo_id)
    if p is None or p.inspection_id != row.id:
        raise NotFound(f"该检查记录没有编号为 {photo_id} 的照片。", f"No photo {photo_id} here.")
    return Response(p.content, media_type=p.content_type, headers={"Cache-Control": "private, max-age=3600"})


@router.post("/{inspection_id}/review", summary="Approve or return an inspection", response_model=InspectionOut)
def review(principal: Reviewer, session: SessionDep, settings: SettingsDep, inspection_id: Id, body: ReviewIn) -> InspectionOut:
    """The firm's reviewer (or the provincial office) approves, or returns it with comments."""
    row = S.get_inspection(session, principal, inspection_id, lock=True)
    S.review(session, principal, row, body)
    session.commit()
    return inspection_out(session, row, settings.inspection)
