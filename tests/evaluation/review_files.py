"""Small files of every kind the document review accepts or refuses, made in memory."""

from __future__ import annotations

import io
import zipfile

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (16, 12), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (16, 12), (30, 30, 200)).save(out, "JPEG")
    return out.getvalue()


def docx() -> bytes:
    from docx import Document

    doc = Document()
    doc.add_paragraph("县区自建房安全专项整治工作方案")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def xlsx() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active["A1"] = "隐患整治台账"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def plain_zip() -> bytes:
    """A zip that is no Office document (named .docx by the tests)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("readme.txt", "not a document")
    return out.getvalue()


def truncated_docx() -> bytes:
    """A .docx cut in half: the zip's central directory is gone."""
    data = docx()
    return data[: len(data) // 2]
