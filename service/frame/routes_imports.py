"""Uploads of houses, sensitive sites and township polygons: all or nothing, with a row-level report."""

from __future__ import annotations

from contextlib import nullcontext
from typing import Annotated

from fastapi import APIRouter, File, Form, Path, UploadFile
from fastapi.responses import JSONResponse
from sqlalchemy import select

from service.accounts.deps import Permit
from service.accounts.roles import Permission
from service.core.db import EngineDep, SessionDep
from service.core.errors import NotFound
from service.core.settings import SettingsDep
from service.core.uploads import saved_upload
from service.frame.importing.fields import Kind
from service.frame.importing.pipeline import import_file
from service.frame.models import ImportBatch
from service.frame.schemas import ImportBatchOut, ImportResultOut

router = APIRouter(prefix="/api/v1/imports", tags=["imports"])
Importer = Permit(Permission.IMPORT)


@router.post(
    "/{kind}",
    summary="Import a file (houses, sites or townships)",
    response_model=ImportResultOut,
    responses={
        200: {"description": "Imported"},
        413: {"description": "Nothing imported: the file, or what it unpacks to, is beyond the limits"},
        422: {"description": "Nothing imported; the report says why", "model": ImportResultOut},
    },
)
def upload(
    principal: Importer,
    engine: EngineDep,
    settings: SettingsDep,
    kind: Kind,
    file: Annotated[
        UploadFile, File(description=".xlsx, .csv (UTF-8/GBK), .geojson, .gpkg, or a zipped .shp")
    ],
    crs: Annotated[str | None, Form(description="EPSG:4490, EPSG:4326, GCJ-02 or EPSG:4534-4554")] = None,
    layer: Annotated[str | None, Form(description="Sheet or layer name")] = None,
    encoding: Annotated[str | None, Form(description="Text encoding if not detected (e.g. GBK)")] = None,
    mapping: Annotated[UploadFile | None, File(description="JSON mapping of other header spellings")] = None,
    trust_crs: Annotated[
        bool, Form(description="Import as declared even if the points look like another CRS (GCJ-02, BD-09)")
    ] = False,
) -> JSONResponse:
    """Import one file. A file with any error changes nothing and answers 422 with the row-level report."""
    limits = settings.security
    with (
        saved_upload(file, limits) as path,
        saved_upload(mapping, limits, unzip=False) if mapping else nullcontext() as mapping_path,
    ):
        result = import_file(engine, kind, path, crs=crs, layer=layer, encoding=encoding, mapping_file=mapping_path,
                             filename=file.filename, actor=principal.actor, limits=limits,
                             trust_crs=trust_crs)  # fmt: skip
    body = ImportResultOut.model_validate(result.summary()).model_dump(mode="json")
    return JSONResponse(body, status_code=200 if result.committed else 422)


@router.get("", summary="Import history", response_model=list[ImportBatchOut])
def batches(principal: Importer, session: SessionDep) -> list[dict]:
    """Every committed import, newest first."""
    rows = session.scalars(select(ImportBatch).order_by(ImportBatch.id.desc()).limit(500))
    return [_batch(b) for b in rows]


@router.get("/{batch_id}", summary="One import", response_model=ImportBatchOut)
def batch(principal: Importer, session: SessionDep, batch_id: Annotated[int, Path(ge=1, le=2**63 - 1)]) -> dict:
    """One committed import with its warnings."""
    found = session.get(ImportBatch, batch_id)
    if found is None:
        raise NotFound(f"未找到编号为 {batch_id} 的导入记录。", f"No import batch has the id {batch_id}.")
    return _batch(found)


def _batch(b: ImportBatch) -> dict:
    return {c: getattr(b, c) for c in ("id", "kind", "filename", "file_sha256", "format", "encoding", "declared_crs",
                                       "rows", "inserted", "updated", "warnings", "mapping", "seconds", "synthetic",
                                       "created_at")}  # fmt: skip
