"""The layout of the evaluation reports: a Chinese government document (GB/T 9704-2012 style) as .docx.

A4 with the margins of the rectification notice (service/inspections/notice_doc.py, whose helpers this module
reuses: fonts named for East Asian text with ``w:eastAsia``, exact line spacing, the page-number field), the
title in 方正小标宋简体 二号, the body in 仿宋_GB2312 三号 (16 pt) at a fixed 28.95 pt line, headings numbered
一、 (黑体), （一） (楷体_GB2312) and 1. (仿宋_GB2312, bold), tables in 仿宋 四号 and figures with their caption
(图1 ...). The footer carries the page number as a PAGE field ("— 1 —", outer-aligned); when any figure comes
from synthetic data, the header and the first page say so in red.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from service.inspections.notice_doc import (  # the government-document helpers, shared with the notice
    BODY_FONT,
    BODY_PT,
    H1_FONT,
    H2_FONT,
    LINE_PT,
    PAGE_FONT,
    RED,
    SMALL_PT,
    TEXT_WIDTH_MM,
    TITLE_FONT,
    TITLE_PT,
    _fonts,
    _page_number,
    _para,
    _run,
    _spacing,
    chinese_date,
    clean_text,
)

SYNTHETIC_HEADER = "含合成演示数据，非正式评估结论"
CN_NUMBERS = "一二三四五六七八九十"
TABLE_PT = 12  # 小四 in tables: a comparison table of ten columns fits the 156 mm text width
__all__ = ["ReportDoc", "chinese_date", "clean_text", "cn_number"]


def cn_number(n: int) -> str:
    """1 → 一, 12 → 十二 (headings up to 99)."""
    if n <= 10:
        return CN_NUMBERS[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_NUMBERS[tens - 1]) + "十" + (CN_NUMBERS[ones - 1] if ones else "")


class ReportDoc:
    """A report being laid out: headings number themselves (一、 then （一） then 1.)."""

    def __init__(self, title: str, *, synthetic: bool, author: str, day: dt.date) -> None:
        self.doc = Document()
        self.synthetic = synthetic
        self._h1 = self._h2 = self._h3 = 0
        self._figures = self._tables = 0
        self._setup(title, author, day)

    # Page, styles, header and footer ------------------------------------------------------------------
    def _setup(self, title: str, author: str, day: dt.date) -> None:
        doc = self.doc
        sec = doc.sections[0]
        sec.orientation = WD_ORIENT.PORTRAIT
        sec.page_width, sec.page_height = Mm(210), Mm(297)
        sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)
        sec.header_distance, sec.footer_distance = Mm(15), Mm(20)
        defaults = doc.styles.element.find(qn("w:docDefaults"))
        _fonts(defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")), BODY_FONT, BODY_PT)
        for name, font, size in (
            ("Normal", BODY_FONT, BODY_PT), ("Header", H1_FONT, 10.5), ("Footer", PAGE_FONT, SMALL_PT),
            ("Table Grid", BODY_FONT, TABLE_PT), ("Title", TITLE_FONT, TITLE_PT), ("Heading 1", H1_FONT, BODY_PT),
            ("Heading 2", H2_FONT, BODY_PT), ("Heading 3", BODY_FONT, BODY_PT),
        ):  # fmt: skip
            style = doc.styles[name]
            rpr = style.element.get_or_add_rPr()
            _fonts(rpr, font, size)
            for tag in ("w:color", "w:i"):  # the built-in heading styles are blue and italic
                for el in rpr.findall(qn(tag)):
                    rpr.remove(el)
            lang = OxmlElement("w:lang")
            lang.set(qn("w:val"), "en-US")
            lang.set(qn("w:eastAsia"), "zh-CN")
            rpr.append(lang)
        normal = doc.styles["Normal"].paragraph_format
        normal.space_before = normal.space_after = Pt(0)
        normal.line_spacing, normal.line_spacing_rule = Pt(LINE_PT), WD_LINE_SPACING.EXACTLY
        doc.settings.odd_and_even_pages_header_footer = True
        _page_number(sec.footer, WD_ALIGN_PARAGRAPH.RIGHT)
        _page_number(sec.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)
        if self.synthetic:
            for header in (sec.header, sec.even_page_header):
                header.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
                _run(header.paragraphs[0], SYNTHETIC_HEADER, H1_FONT, 10.5, color=RED)
            for footer in (sec.footer, sec.even_page_footer):
                p = footer.add_paragraph()
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                _run(p, "本报告数据含合成演示数据", PAGE_FONT, 9, color=RED)
        props = doc.core_properties
        props.title = clean_text(title)[:255]
        props.author = props.last_modified_by = clean_text(author)[:255]
        props.keywords = "抽查评估报告" + (" synthetic" if self.synthetic else "")
        props.created = props.modified = dt.datetime.combine(day, dt.time(), dt.UTC)
        props.revision = 1

    # Text ---------------------------------------------------------------------------------------------
    def title(self, text: str, subtitle: str | None = None) -> None:
        """The title (方正小标宋简体 二号), after the synthetic-data statement when there is one."""
        if self.synthetic:
            self.para("【合成演示数据】本报告中的数据部分或全部来自合成演示数据（非真实房屋、非真实评分），"
                      "仅用于演示系统功能，不构成正式评估结论。", bold=True, color=RED, indent=0)  # fmt: skip
        p = _para(self.doc, text, TITLE_FONT, TITLE_PT, align=WD_ALIGN_PARAGRAPH.CENTER, line=36)
        p.style = self.doc.styles["Title"]
        p.paragraph_format.space_before = Pt(24)
        if subtitle:
            _para(self.doc, subtitle, H2_FONT, align=WD_ALIGN_PARAGRAPH.CENTER)
        _para(self.doc)

    def heading(self, level: int, text: str) -> str:
        """A numbered heading: 一、 (黑体), （一） (楷体_GB2312), 1. (仿宋, bold). Returns the numbered text."""
        if level == 1:
            self._h1, self._h2, self._h3 = self._h1 + 1, 0, 0
            numbered, font, bold = f"{cn_number(self._h1)}、{text}", H1_FONT, False
        elif level == 2:
            self._h2, self._h3 = self._h2 + 1, 0
            numbered, font, bold = f"（{cn_number(self._h2)}）{text}", H2_FONT, False
        else:
            self._h3 += 1
            numbered, font, bold = f"{self._h3}．{text}", BODY_FONT, True
        p = _para(self.doc, numbered, font, indent=2, bold=bold)
        p.style = self.doc.styles[f"Heading {level}"]
        _spacing(p, LINE_PT)
        p.paragraph_format.keep_with_next = True
        return numbered

    def para(self, text: str, *, bold: bool = False, color=None, indent: int = 2) -> None:
        """Body text (仿宋_GB2312 三号), one paragraph per line of ``text``, indented two characters."""
        for line in str(text).splitlines() or [""]:
            if line.strip():
                _para(self.doc, line.strip(), indent=indent, bold=bold, color=color)

    # Tables and figures -------------------------------------------------------------------------------
    def table(self, caption: str, header: Sequence[str], rows: Sequence[Sequence[object]],
              widths: Sequence[float] | None = None, note: str | None = None) -> None:  # fmt: skip
        """A captioned table (表1 ...), the header row bold and repeated on every page."""
        self._tables += 1
        p = _para(
            self.doc, f"表{self._tables}　{caption}", H1_FONT, SMALL_PT, align=WD_ALIGN_PARAGRAPH.CENTER
        )
        p.paragraph_format.keep_with_next = True
        widths = list(widths or [TEXT_WIDTH_MM / len(header)] * len(header))
        table = self.doc.add_table(rows=0, cols=len(header))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for col, w in zip(table.columns, widths, strict=True):
            col.width = Mm(w)
        for i, values in enumerate([header, *rows]):
            row = table.add_row()
            if i == 0:
                trpr = row._tr.get_or_add_trPr()
                el = OxmlElement("w:tblHeader")
                el.set(qn("w:val"), "true")
                trpr.append(el)
            for cell, value, w in zip(row.cells, values, widths, strict=True):
                cell.width = Mm(w)
                cp = cell.paragraphs[0]
                _spacing(cp, 18)
                cp.alignment = WD_ALIGN_PARAGRAPH.CENTER
                _run(
                    cp, "—" if value is None or value == "" else str(value), BODY_FONT, TABLE_PT, bold=i == 0
                )
        if note:
            _para(self.doc, note, BODY_FONT, TABLE_PT, line=20)
        _para(self.doc, line=12)

    def figure(self, png: bytes, caption: str, width_mm: float = TEXT_WIDTH_MM) -> None:
        """A figure (图1 ...) at ``width_mm``, centred, with its caption under it."""
        self._figures += 1
        p = _para(self.doc, align=WD_ALIGN_PARAGRAPH.CENTER, line=None)
        p.paragraph_format.keep_with_next = True
        p.add_run().add_picture(io.BytesIO(png), width=Mm(width_mm))
        _para(self.doc, f"图{self._figures}　{caption}", BODY_FONT, SMALL_PT, align=WD_ALIGN_PARAGRAPH.CENTER)

    def signature(self, issuer: str, day: dt.date) -> None:
        """The unsealed signature: the issuer and the date, flush right two characters in."""
        _para(self.doc)
        for text in (clean_text(issuer), chinese_date(day)):
            p = _para(self.doc, text, align=WD_ALIGN_PARAGRAPH.RIGHT)
            p.paragraph_format.right_indent = Pt(2 * BODY_PT)

    def bytes(self) -> bytes:
        """The .docx."""
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()
