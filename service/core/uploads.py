"""Uploaded files: written to a private temporary directory; a zipped shapefile is unpacked."""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from fastapi import UploadFile

from service.core.errors import InvalidInput

MAX_ZIP_MEMBERS = 50


@contextmanager
def saved_upload(upload: UploadFile) -> Iterator[Path]:
    """The upload as a file on disk (streamed, never held whole in memory); removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="spotcheck-upload-"))
    try:
        name = PurePosixPath(upload.filename or "upload").name or "upload"
        path = folder / name
        with open(path, "wb") as out:
            shutil.copyfileobj(upload.file, out, length=1 << 20)
        yield _unzip_shapefile(path) if path.suffix.lower() == ".zip" else path
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _unzip_shapefile(path: Path) -> Path:
    """Unpack a zip holding one shapefile (with .shx, .dbf and optional .cpg/.prj); return the .shp."""
    target = path.parent / "unzipped"
    with zipfile.ZipFile(path) as archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        target.mkdir()
        if len(members) > MAX_ZIP_MEMBERS:
            raise InvalidInput("压缩包文件过多。", "The zip holds too many files.")
        for member in members:
            name = PurePosixPath(member.filename).name  # flatten: no path traversal
            if name:
                with archive.open(member) as src, open(target / name, "wb") as dst:
                    shutil.copyfileobj(src, dst)
    shapefiles = sorted(target.glob("*.shp")) if target.exists() else []
    if len(shapefiles) != 1:
        raise InvalidInput(
            "压缩包中应恰好包含一个 Shapefile（.shp 及同名 .shx、.dbf，可含 .cpg、.prj）。",
            "The zip must hold exactly one shapefile (.shp with its .shx and .dbf; .cpg and .prj optional).",
        )
    return shapefiles[0]
