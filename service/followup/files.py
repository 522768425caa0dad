"""Files sent with a progress report or a control record: photos (JPEG, PNG, WebP, checked by decoding them
with Pillow) and PDFs (checked by their header and trailer), each within a size limit, stored as bytes with
their SHA-256. The name the user gave is kept as text only."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from fastapi import UploadFile
from PIL import Image, UnidentifiedImageError

from service.core.errors import InvalidInput, TooLarge
from service.core.uploads import display_filename, mebibytes
from service.inspections.photos import TYPES as IMAGE_TYPES

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_FILES = 10
MAX_PIXELS = 40_000_000
PDF = "application/pdf"


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed the checks."""

    filename: str
    content_type: str
    content: bytes
    sha256: str

    @property
    def size_bytes(self) -> int:  # noqa: D102
        return len(self.content)


def _kind(name: str, data: bytes, pdf_allowed: bool) -> str:
    if data.startswith(b"%PDF-"):
        if not pdf_allowed:
            raise InvalidInput(f"“{name}”是 PDF 文件，这里只能上传照片（JPEG、PNG、WebP）。", "Photos only.")
        if b"%%EOF" not in data[-2048:]:
            raise InvalidInput(f"“{name}”不是完整的 PDF 文件。", f"{name!r} is not a complete PDF.")
        return PDF
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.width * img.height > MAX_PIXELS:
                raise InvalidInput(f"照片“{name}”像素过多（{img.width}×{img.height}）。", "Too many pixels.")
            img.verify()
            kind = IMAGE_TYPES.get(img.format or "")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise InvalidInput(_wrong_type(name, pdf_allowed), f"{name!r} is not a photo or PDF.") from exc
    if kind is None:
        raise InvalidInput(_wrong_type(name, pdf_allowed), f"{name!r}: unsupported image format.")
    return kind


def _wrong_type(name: str, pdf_allowed: bool) -> str:
    allowed = "照片（JPEG、PNG、WebP）或 PDF" if pdf_allowed else "照片（JPEG、PNG、WebP）"
    return f"文件“{name}”不是可识别的{allowed}。"


def check_files(uploads: list[UploadFile], *, pdf_allowed: bool) -> list[CheckedFile]:
    """Read and check every upload (at most ``MAX_FILES``, each at most ``MAX_FILE_BYTES``)."""
    if len(uploads) > MAX_FILES:
        raise InvalidInput(f"一次最多上传 {MAX_FILES} 个文件。", f"At most {MAX_FILES} files.")
    checked = []
    for upload in uploads:
        name = display_filename(upload.filename)
        data = upload.file.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise TooLarge(
                f"文件“{name}”超过 {mebibytes(MAX_FILE_BYTES)} 的上限。", f"{name!r} is too large."
            )
        if not data:
            raise InvalidInput(f"文件“{name}”是空的。", f"{name!r} is empty.")
        kind = _kind(name, data, pdf_allowed)
        checked.append(CheckedFile(name, kind, data, hashlib.sha256(data).hexdigest()))
    return checked
