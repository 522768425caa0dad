"""Uploaded files: written to a private temporary directory, within the limits of ``settings.security``.

The name a file is stored under is made safe (one plain component, no control characters, a bounded
length); the name the user gave is kept only as text (:func:`display_filename`). A zipped shapefile is
unpacked after its central directory has been checked (:func:`check_zip`), counting the bytes actually
written, since a zip's headers can lie.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from fastapi import UploadFile

from service.core.errors import InvalidInput, TooLarge
from service.core.settings import SecuritySettings

MAX_ZIP_MEMBERS = 50
#: A member smaller than this is never refused for its ratio (a page of blanks compresses well too).
RATIO_FLOOR_BYTES = 1 << 20
#: Longest name kept as text (the import history) and longest name on disk, in UTF-8 bytes.
DISPLAY_NAME_CHARS = 255
DISK_NAME_BYTES = 120
_BLOCK = 1 << 20


def mebibytes(n: int) -> str:
    """A byte count for a message: "256 MB", "1.5 KB"."""
    for unit, size in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{n} B"


def _printable(name: str) -> str:
    """Without control, format and surrogate characters (NUL, newlines, bidi overrides); private-use
    characters stay (rare characters of place names live there in some fonts)."""
    return "".join(c for c in name if unicodedata.category(c) not in ("Cc", "Cf", "Cs"))


def display_filename(name: str | None) -> str:
    """The user's file name as text to keep and show: printable characters only, at most 255 of them."""
    return _printable(name or "").strip()[:DISPLAY_NAME_CHARS] or "upload"


def safe_filename(name: str | None) -> str:
    """A name to store an upload under inside a private folder: its last component only (``/`` and ``\\``
    both separate), printable, never ``.`` or ``..``, at most 120 bytes, with its extension kept."""
    last = re.split(r"[/\\]", _printable(name or ""))[-1].strip().strip(".")
    suffix = PurePosixPath(last).suffix if last else ""
    if len(suffix.encode()) > 16 or not re.fullmatch(r"\.[\w-]+", suffix):
        suffix = ""
    stem = last[: len(last) - len(suffix)] if suffix else last
    while len(stem.encode()) > DISK_NAME_BYTES - len(suffix):
        stem = stem[:-1]
    return (stem.strip() or "upload") + suffix


@contextmanager
def saved_upload(
    upload: UploadFile, limits: SecuritySettings | None = None, *, unzip: bool = True
) -> Iterator[Path]:
    """The upload as a file on disk (streamed, never held whole in memory); removed afterwards.

    Copying stops at ``limits.upload_max_bytes`` (413). With ``unzip`` a .zip is unpacked and its one
    shapefile returned.
    """
    limits = limits or SecuritySettings()
    if upload.size is not None and upload.size > limits.upload_max_bytes:
        raise _upload_too_large(limits)
    folder = Path(tempfile.mkdtemp(prefix="spotcheck-upload-"))
    try:
        path = folder / safe_filename(upload.filename)
        with open(path, "wb") as out:
            _copy_limited(upload.file, out, limits.upload_max_bytes, _upload_too_large(limits))
        yield _unzip_shapefile(path, limits) if unzip and path.suffix.lower() == ".zip" else path
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _upload_too_large(limits: SecuritySettings) -> TooLarge:
    limit = mebibytes(limits.upload_max_bytes)
    return TooLarge(
        f"上传的文件超过 {limit} 的上限。请按县区拆分成几个文件分别导入，或压缩成 .zip（Shapefile）后再上传。",
        f"The upload is larger than the limit of {limit}. Split it (by county, say) or zip it.",
    )


def _copy_limited(src: BinaryIO, dst: BinaryIO, limit: int, error: Exception) -> int:
    """Copy at most ``limit`` bytes; raise ``error`` as soon as more arrive."""
    written = 0
    while block := src.read(_BLOCK):
        written += len(block)
        if written > limit:
            raise error
        dst.write(block)
    return written


def check_zip(archive: zipfile.ZipFile, label: str, limits: SecuritySettings) -> None:
    """Refuse (413) a zip whose central directory declares more than ``zip_max_total_bytes`` unpacked, or a
    member larger than 1 MB that unpacks to more than ``zip_max_ratio`` times its packed size."""
    total = 0
    for member in archive.infolist():
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_FLOOR_BYTES and ratio > limits.zip_max_ratio:
            raise TooLarge(
                f"压缩文件「{label}」中的「{_member_name(member)}」解压后是压缩时的 {ratio:.0f} 倍"
                f"（上限 {limits.zip_max_ratio:.0f} 倍），疑似“压缩炸弹”，未导入。请检查文件来源，或解压后重新打包。",
                f"{label}: member {_member_name(member)} unpacks to {ratio:.0f} times its packed size "
                f"(limit {limits.zip_max_ratio:.0f}); refused as a likely zip bomb.",
            )
    if total > limits.zip_max_total_bytes:
        raise _unpacked_too_large(label, limits)


def _unpacked_too_large(label: str, limits: SecuritySettings) -> TooLarge:
    limit = mebibytes(limits.zip_max_total_bytes)
    return TooLarge(
        f"压缩文件「{label}」解压后超过 {limit} 的上限，未导入。请拆分成几个文件分别导入。",
        f"{label} unpacks to more than the limit of {limit}. Split it into several files.",
    )


def _member_name(member: zipfile.ZipInfo) -> str:
    return display_filename(PurePosixPath(member.filename).name)


def _bad_zip(label: str) -> InvalidInput:
    return InvalidInput(
        f"压缩包「{label}」已损坏或不是 zip 文件，无法解压。请重新打包（.shp、.shx、.dbf、.prj 放在一起）后再导入。",
        f"The zip archive {label} is damaged or not a zip file. Zip the shapefile's files again.",
    )


def _unzip_shapefile(path: Path, limits: SecuritySettings) -> Path:
    """Unpack a zip holding one shapefile (with .shx, .dbf and optional .cpg/.prj); return the .shp."""
    target = path.parent / "unzipped"
    label = path.name
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            if len(members) > MAX_ZIP_MEMBERS:
                raise InvalidInput(
                    f"压缩包「{label}」中的文件过多（{len(members)} 个，上限 {MAX_ZIP_MEMBERS}）。"
                    "请只放一个 Shapefile（.shp、.shx、.dbf、.prj，可含 .cpg）。",
                    f"The zip holds too many files ({len(members)}, at most {MAX_ZIP_MEMBERS}).",
                )
            check_zip(archive, label, limits)
            target.mkdir()
            budget = limits.zip_max_total_bytes
            written: set[str] = set()
            for member in members:
                raw = PurePosixPath(member.filename.replace("\\", "/")).name
                name = safe_filename(raw)
                if not raw.strip(" .") or name.lower() in written:
                    continue  # "..", or a second file of the same name in another folder: the first wins
                written.add(name.lower())
                with archive.open(member) as src, open(target / name, "wb") as dst:
                    # The central directory was checked; the bytes really written are counted too.
                    budget -= _copy_limited(src, dst, budget, _unpacked_too_large(label, limits))
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError):
        # Damaged, truncated, sizes or CRC that do not match, an unknown method, or encrypted.
        raise _bad_zip(label) from None
    shapefiles = sorted(target.glob("*.shp")) if target.exists() else []
    if len(shapefiles) != 1:
        raise InvalidInput(
            "压缩包中应恰好包含一个 Shapefile（.shp 及同名 .shx、.dbf，可含 .cpg、.prj）。",
            "The zip must hold exactly one shapefile (.shp with its .shx and .dbf; .cpg and .prj optional).",
        )
    return shapefiles[0]
