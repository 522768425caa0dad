"""Road networks API: import a line layer (province office), list and read networks (anyone), delete one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Response, UploadFile

from service.accounts.deps import Permit
from service.accounts.roles import Permission
from service.audit.trail import record
from service.core.db import EngineDep, SessionDep
from service.core.settings import SettingsDep
from service.core.uploads import saved_upload
from service.roads.importing import import_roads
from service.roads.network import delete_network, network, networks
from service.roads.schemas import NetworkId, RoadImportOut, RoadNetworkOut

router = APIRouter(prefix="/api/v1/roads", tags=["roads"])
Importer = Permit(Permission.IMPORT)
Reader = Permit(Permission.READ)


def _out(row: dict) -> dict:
    return {**row, "covered_units": [u["code"] for u in row["units"] if u["covered"]]}


@router.post(
    "",
    summary="Import a road network (line layer)",
    response_model=RoadImportOut,
    status_code=201,
    responses={
        201: {"description": "Imported: the network with its provenance and covered units"},
        413: {"description": "Nothing imported: the file, or what it unpacks to, is beyond the limits"},
        422: {"description": "Nothing imported; ``errors`` lists the bad lines"},
    },
)
def upload(
    principal: Importer,
    engine: EngineDep,
    session: SessionDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File(description=".geojson, .gpkg or a zipped .shp of lines")],
    name: Annotated[str, Form(description="Name of the network, e.g. 永登县路网 2024")],
    source: Annotated[str, Form(description="Where the data come from (organisation, product)")],
    licence: Annotated[str, Form(description="Licence or terms of use")],
    crs: Annotated[str | None, Form(description="EPSG:4490, EPSG:4326, GCJ-02 or EPSG:4534-4554")] = None,
    version: Annotated[str | None, Form(description="Version or vintage of the data")] = None,
    layer: Annotated[str | None, Form(description="GeoPackage layer name")] = None,
    encoding: Annotated[str | None, Form(description="Text encoding of a shapefile's .dbf (e.g. GBK)")] = None,
) -> dict:
    """Import one line layer as a new network: all or nothing; a file with any error changes nothing (422)."""
    limits = settings.security
    with saved_upload(file, limits) as path:
        built = import_roads(engine, path, name=name, source=source, licence=licence, crs=crs, version=version,
                             layer=layer, encoding=encoding, filename=file.filename, actor=principal.actor,
                             limits=limits)  # fmt: skip
    return {**_out(network(session, built.id)), "seconds": built.seconds}


@router.get("", summary="Road networks", response_model=list[RoadNetworkOut])
def list_networks(principal: Reader, session: SessionDep) -> list[dict]:
    """Every network with its provenance and the units it covers, newest first (networks are not secret)."""
    return [_out(r) for r in networks(session)]


@router.get("/{network_id}", summary="One road network", response_model=RoadNetworkOut)
def one_network(principal: Reader, session: SessionDep, network_id: NetworkId) -> dict:
    """One network with its provenance and units."""
    return _out(network(session, network_id))


@router.delete("/{network_id}", summary="Delete a road network", status_code=204)
def remove(principal: Importer, session: SessionDep, network_id: NetworkId) -> Response:
    """Delete a network with its edges and vertices (route plans made with it keep their figures)."""
    gone = delete_network(session, network_id)
    record(session, principal.actor, "roads_delete", "road_network", network_id,
           detail={"name": gone["name"], "edges": gone["edges"], "synthetic": gone["synthetic"]})  # fmt: skip
    session.commit()
    return Response(status_code=204)
