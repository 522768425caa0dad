"""Finding a shapefile's sidecars (plain files or members of a .zip) and the encoding of its .dbf."""

from __future__ import annotations

import codecs
import zipfile
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from service.frame.importing.readers.common import ReadError, _scrub, sniff_bytes
from service.frame.importing.readers.encoding import _decodes


@dataclass(frozen=True)
class _Shapefile:
    """Where GDAL finds a shapefile and how to open its sidecars (plain files or zip members)."""

    gdal_path: str
    opener: Callable[[str], AbstractContextManager[IO[bytes]] | None]  # ".dbf" -> binary stream or None


def _zip_shapefile_member(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            members = [name for name in archive.namelist() if name.lower().endswith(".shp")]
    except (zipfile.BadZipFile, OSError) as exc:
        raise ReadError(
            ReadError.UNREADABLE,
            f"无法打开压缩包「{path.name}」，文件可能已损坏。请重新打包后再导入。",
            f"Cannot open the zip archive {path.name} ({_scrub(exc, path)}); it may be damaged. Zip the files again.",
        ) from None
    if len(members) == 1:
        return members[0]
    if not members:
        raise ReadError(
            ReadError.UNSUPPORTED_FORMAT,
            f"压缩包「{path.name}」中没有 Shapefile（.shp）文件。"
            "请把 .shp、.shx、.dbf、.prj 一起打包，或直接导入 Excel/CSV/GeoJSON/GeoPackage 文件。",
            f"The zip archive {path.name} holds no shapefile (.shp). Zip .shp/.shx/.dbf/.prj together, or "
            "import the Excel/CSV/GeoJSON/GeoPackage file directly.",
        )
    listed = "、".join(members)
    raise ReadError(
        ReadError.UNSUPPORTED_FORMAT,
        f"压缩包「{path.name}」中有多个 Shapefile（{listed}）。请每个压缩包只放一个 Shapefile。",
        f"The zip archive {path.name} holds several shapefiles ({', '.join(members)}). Zip one per archive.",
    )


def _locate_shapefile(path: Path) -> _Shapefile:
    """Find the .shx/.dbf (and .cpg) of a shapefile; ReadError(missing_sidecar) if .shx or .dbf is absent."""
    if path.suffix.lower() == ".zip":
        member = _zip_shapefile_member(path)
        stem = member[: -len(".shp")]
        with zipfile.ZipFile(path) as archive:
            names = {name.lower(): name for name in archive.namelist()}

        def zip_member(ext: str) -> str | None:
            return names.get((stem + ext).lower())

        def open_zip(ext: str) -> AbstractContextManager[IO[bytes]] | None:
            name = zip_member(ext)
            if name is None:
                return None
            archive = zipfile.ZipFile(path)
            return _ZipMember(archive, name)

        found = zip_member
        shp_name = Path(member).name
        gdal_path = f"/vsizip/{path.resolve()}/{member}"
        opener = open_zip
    else:
        siblings = {p.name.lower(): p for p in path.parent.iterdir()} if path.parent.is_dir() else {}

        def sibling(ext: str) -> Path | None:
            return siblings.get((path.stem + ext).lower())

        def open_sibling(ext: str) -> AbstractContextManager[IO[bytes]] | None:
            found_path = sibling(ext)
            return open(found_path, "rb") if found_path is not None else None

        found = sibling
        shp_name = path.name
        gdal_path = str(path)
        opener = open_sibling
    missing = [ext for ext in (".shx", ".dbf") if found(ext) is None]
    if missing:
        stem_name = shp_name[: -len(".shp")]
        files = "、".join(stem_name + ext for ext in missing)
        raise ReadError(
            ReadError.MISSING_SIDECAR,
            f"Shapefile「{shp_name}」缺少同名的 {files} 文件。Shapefile 由多个文件组成，"
            "请把同名的 .shp、.shx、.dbf、.prj（以及 .cpg）放在一起（或一起打包成 .zip）再导入。",
            f"Shapefile {shp_name} is missing {', '.join(stem_name + ext for ext in missing)}. "
            "A shapefile is several files: keep .shp, .shx, .dbf, .prj (and .cpg) with the same name "
            "together, or zip them.",
        )
    return _Shapefile(gdal_path=gdal_path, opener=opener)


class _ZipMember(AbstractContextManager):
    def __init__(self, archive: zipfile.ZipFile, name: str) -> None:
        self._archive = archive
        self._stream = archive.open(name)

    def __enter__(self) -> IO[bytes]:
        return self._stream

    def __exit__(self, *exc: object) -> None:
        self._stream.close()
        self._archive.close()


_CPG_NAMES = {
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "65001": "utf-8",
    "gbk": "gbk",
    "cp936": "gbk",
    "936": "gbk",
    "gb2312": "gbk",
    "gb18030": "gb18030",
    "54936": "gb18030",
}


def _cpg_encoding(shapefile: _Shapefile) -> str | None:
    opened = shapefile.opener(".cpg")
    if opened is None:
        return None
    with opened as stream:
        text = stream.read(200).decode("ascii", errors="replace").strip()
    if not text:
        return None
    key = text.lower().replace("ansi ", "").replace("_", "-").strip()
    if key in _CPG_NAMES:
        return _CPG_NAMES[key]
    try:
        return codecs.lookup(key).name
    except LookupError:
        return text


def _dbf_field_names(stream: IO[bytes]) -> list[bytes]:
    """The raw field names of a .dbf (up to 11 bytes each, the format cuts longer ones), its header read."""
    header = stream.read(32)
    if len(header) < 32:
        return []
    header_length = int.from_bytes(header[8:10], "little")
    descriptors = stream.read(max(header_length - 32, 0))
    names = []
    for offset in range(0, len(descriptors) - 31, 32):
        if descriptors[offset : offset + 1] == b"\r":
            break
        names.append(descriptors[offset : offset + 11].split(b"\x00", 1)[0])
    return names


def _utf8_prefix(name: bytes) -> bool:
    """Whether ``name`` is UTF-8, allowing a last character cut short (the format cuts names at 10 bytes)."""
    try:
        codecs.getincrementaldecoder("utf-8")("strict").decode(name, final=False)
    except UnicodeDecodeError:
        return False
    return True


def _detect_dbf_encoding(shapefile: _Shapefile) -> str:
    """Strict UTF-8 over the .dbf field names (each may end in a character cut short) and records (first MB,
    further while ASCII), else gb18030."""
    opened = shapefile.opener(".dbf")
    if opened is None:  # checked by _locate_shapefile
        return "utf-8"
    with opened as stream:
        names = _dbf_field_names(stream)
        if not all(_utf8_prefix(name) for name in names):
            return "gb18030"
        decoder = codecs.getincrementaldecoder("utf-8")("strict")
        block = stream.read(sniff_bytes())
        ascii_names = all(name.isascii() for name in names)
        while block:
            following = stream.read(sniff_bytes())
            try:
                decoder.decode(block, final=not following)
            except UnicodeDecodeError:
                return "gb18030"
            if not (ascii_names and block.isascii()):
                return "utf-8"
            block = following
    return "utf-8"


def _names_cut_in_utf8(shapefile: _Shapefile) -> bool:
    """Whether a UTF-8 .dbf has a field name that ends in a character cut short (自建房排查编码 is 21 bytes
    in UTF-8: the format keeps 10, three characters and a third of the fourth)."""
    opened = shapefile.opener(".dbf")
    if opened is None:
        return False
    with opened as stream:
        names = _dbf_field_names(stream)
    return any(not _decodes(name, "utf-8", final=True) for name in names)
