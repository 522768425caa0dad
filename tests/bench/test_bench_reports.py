"""The reports benchmark's baseline copies the shape of a real .docx: its paragraphs, tables and pictures."""

from __future__ import annotations

import io

from docx import Document
from PIL import Image

from bench import bench_reports


def test_the_floor_document_is_timed_from_the_reports_shape():
    png = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(png, format="PNG")
    doc = Document()
    doc.add_paragraph("一、基本情况")
    doc.add_table(rows=3, cols=4).cell(1, 2).text = "抽中 20 户"
    doc.add_picture(io.BytesIO(png.getvalue()))
    out = io.BytesIO()
    doc.save(out)
    seconds = bench_reports.floor_docx(out.getvalue())
    assert 0 < seconds < 5
