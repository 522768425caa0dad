"""Reading a report back: its paragraphs, tables, images and fonts, with python-docx and Pillow."""

from __future__ import annotations

import io

from docx import Document
from docx.oxml.ns import qn
from PIL import Image


def read(content: bytes):
    return Document(io.BytesIO(content))


def texts(doc) -> list[str]:
    return [p.text for p in doc.paragraphs]


def table_cells(doc) -> list[list[list[str]]]:
    return [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]


def images(doc) -> list[bytes]:
    return [rel.target_part.blob for rel in doc.part.rels.values() if "image" in rel.reltype]


def non_blank(png: bytes) -> bool:
    """More than one colour and at least 3% of the pixels not the background (the corner's colour)."""
    im = Image.open(io.BytesIO(png)).convert("RGB")
    small = im.resize((200, int(200 * im.height / im.width)))
    raw = small.tobytes()
    pixels = [tuple(raw[i : i + 3]) for i in range(0, len(raw), 3)]
    background = pixels[0]
    other = sum(1 for p in pixels if max(abs(a - b) for a, b in zip(p, background, strict=True)) > 24)
    return len(set(pixels)) > 1 and other / len(pixels) > 0.03


def east_asian_fonts(doc) -> set[str]:
    """Every font named with w:eastAsia in the body's runs and the styles."""
    names = set()
    for part in (doc.element, doc.styles.element):
        for el in part.iter(qn("w:rFonts")):
            if el.get(qn("w:eastAsia")):
                names.add(el.get(qn("w:eastAsia")))
    return names


def has_page_field(doc) -> bool:
    for section in doc.sections:
        for footer in (section.footer, section.even_page_footer):
            if any("PAGE" in (t.text or "") for t in footer._element.iter(qn("w:instrText"))):
                return True
    return False


def header_text(doc) -> str:
    return " ".join(p.text for s in doc.sections for h in (s.header, s.footer) for p in h.paragraphs)
