"""Evidence files of the document review, checked by their content, never by their name or declared type:

- PDF: starts with ``%PDF-`` and ends with ``%%EOF`` (within its last 2 KB);
- JPEG and PNG: their signature, then decoded by Pillow (``verify``), with a bound on the pixels;
- .docx and .xlsx: a valid zip (its central directory within the service's zip limits, every member's CRC
  right) holding ``[Content_Types].xml`` and ``word/document.xml`` or ``xl/workbook.xml``.

A file larger than ``SPOTCHECK_REVIEW_EVIDENCE_MAX_BYTES`` (20 MB by default), empty, or of another kind is
refused with a Chinese message before anything is stored. The name the user gave is kept as text only.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
import zlib
from dataclasses import dataclass

from fastapi import UploadFile
from PIL import Image, UnidentifiedImageError
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from service.core.errors import InvalidInput, TooLarge
from service.core.settings import SecuritySettings
from service.core.uploads import check_zip, display_filename, mebibytes

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMAGES = {"JPEG": "image/jpeg", "PNG": "image/png"}
SUFFIXES = {PDF: "pdf", DOCX: "docx", XLSX: "xlsx", "image/jpeg": "jpg", "image/png": "png"}
MAX_PIXELS = 60_000_000
ALLOWED = "PDF、JPEG、PNG 图片、Word（.docx）或 Excel（.xlsx）"


class ReviewSettings(BaseSettings):
    """The document review's limits (environment prefix ``SPOTCHECK_REVIEW_``)."""

    model_config = SettingsConfigDict(env_prefix="SPOTCHECK_REVIEW_", extra="ignore")

    evidence_max_bytes: int = Field(default=20 * 1024 * 1024, ge=1024, description="Largest evidence file")


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


def _wrong(name: str, why: str = "") -> InvalidInput:
    return InvalidInput(
        f"文件“{name}”{why or '不是可识别的文件类型'}，未保存。资料只能是 {ALLOWED}。",
        f"{name!r} is not a PDF, JPEG, PNG, .docx or .xlsx file; nothing was stored.",
    )


def _office(name: str, data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_zip(archive, name, SecuritySettings())
            names = set(archive.namelist())
            if "[Content_Types].xml" not in names:
                raise _wrong(name, "是压缩文件而不是 Word 或 Excel 文档")
            kind = DOCX if "word/document.xml" in names else XLSX if "xl/workbook.xml" in names else None
            if kind is None:
                raise _wrong(name, "不是 Word（.docx）或 Excel（.xlsx）文档")
            if archive.testzip() is not None:
                raise _wrong(name, "已损坏")
            return kind
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError) as exc:
        raise _wrong(name, "已损坏或不是完整的 Word/Excel 文档") from exc


def _image(name: str, data: bytes) -> str:
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.width * img.height > MAX_PIXELS:
                raise InvalidInput(f"图片“{name}”像素过多（{img.width}×{img.height}），未保存。",
                                   f"{name!r} has too many pixels.")  # fmt: skip
            fmt = img.format or ""
            img.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise _wrong(name, "不是完整的图片") from exc
    if fmt not in IMAGES:
        raise _wrong(name)
    return IMAGES[fmt]


def kind_of(name: str, data: bytes) -> str:
    """The content type of ``data`` by its content, or InvalidInput (422) naming the file."""
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-2048:]:
            raise _wrong(name, "不是完整的 PDF 文件")
        return PDF
    if data.startswith(b"\xff\xd8\xff") or data.startswith(b"\x89PNG\r\n\x1a\n"):
        return _image(name, data)
    if data.startswith(b"PK\x03\x04"):
        return _office(name, data)
    raise _wrong(name)


def check_upload(upload: UploadFile, settings: ReviewSettings | None = None) -> CheckedFile:
    """Read and check one upload: within the size limit (413), not empty, of an allowed kind (422)."""
    limit = (settings or ReviewSettings()).evidence_max_bytes
    name = display_filename(upload.filename)
    data = upload.file.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(f"文件“{name}”超过 {mebibytes(limit)} 的上限，未保存。请压缩或拆分后再上传。",
                       f"{name!r} is larger than {mebibytes(limit)}; nothing was stored.")  # fmt: skip
    if not data:
        raise InvalidInput(f"文件“{name}”是空的，未保存。", f"{name!r} is empty; nothing was stored.")
    return CheckedFile(name, kind_of(name, data), data, hashlib.sha256(data).hexdigest())
