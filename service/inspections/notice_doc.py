"""The rectification notice (整改通知单, notice section 四) as a .docx in the format of GB/T 9704-2012 党政机关公文格式.

A pure function of a ``NoticeData``: no database, no web. The layout follows the standard where Word can express
it: A4 with margins 37/35/28/26 mm (版心 156 x 225 mm, 22 lines of 28 characters), the issuer in red over the
document number and a red separator (版头), the title in 方正小标宋简体 二号, the addressee flush left, the body in
仿宋_GB2312 三号 at a fixed 28.95 pt line, headings 一、 in 黑体 and （一） in 楷体_GB2312, the unsealed signature
(署名 right-spaced two characters, the date two characters further right), the photos as an attachment on a page of
its own, and the 版记 (抄送, 印发) between rules. Page numbers "— 1 —" in 四号宋体, outer-aligned (odd pages right,
even pages left). Every font is named for East Asian text (``w:eastAsia``) and Latin text (Times New Roman), in
the runs and in the styles. Not done: keeping the 版记 at the foot of the last even page (Word has no such rule).

Text from registries and forms is untrusted: characters XML 1.0 forbids, other C0/C1 controls and bidirectional
overrides are dropped and line breaks become spaces, so the document opens in Word whatever came in; python-docx
writes the rest as text. Photos are decoded with Pillow (JPEG or PNG only), turned upright by their EXIF orientation,
scaled down and re-encoded, which also strips their metadata.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.text.font import CT_RPr
from docx.section import _Footer
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from docx.text.parfmt import ParagraphFormat
from PIL import Image, ImageOps

from service.core.errors import InvalidInput

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
H1_FONT = "黑体"
H2_FONT = "楷体_GB2312"
PAGE_FONT = "宋体"
LATIN_FONT = "Times New Roman"
BODY_PT, TITLE_PT, SMALL_PT = 16, 22, 14  # 三号, 二号, 四号
LINE_PT = 28.95  # 225 mm over 22 lines
TEXT_WIDTH_MM, PHOTO_MAX_HEIGHT_MM = 156, 95
RED = RGBColor(0xFF, 0x00, 0x00)
SYNTHETIC_BANNER = "演示数据（合成）"

# Gansu's 14 cities and prefectures by the first four digits of their code (boundaries/gansu_cities.geojson).
CITY_ABBREV = {
    "6201": "兰", "6202": "嘉", "6203": "金", "6204": "白", "6205": "天", "6206": "武", "6207": "张",
    "6208": "平", "6209": "酒", "6210": "庆", "6211": "定", "6212": "陇", "6229": "临", "6230": "甘",
}  # fmt: skip

# Titles cited by the provincial notice (seed) and the standing national rules on dangerous houses.
DEFAULT_LEGAL_BASIS = (
    "《全国自建房安全专项整治工作方案》",
    "《甘肃省自建房安全专项整治工作实施方案》",
    "《甘肃省自建房安全专项整治工作领导小组办公室关于组织开展全省自建房安全专项整治工作抽查评估的通知》",
    "《城市危险房屋管理规定》",
    "《危险房屋鉴定标准》（JGJ 125-2016）",
)
SEED_NOTICE = DEFAULT_LEGAL_BASIS[2]

_DROP = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)
_SPACE = re.compile(r"[\t\n\r\u2028\u2029]+")
# What follows w:pBdr in a w:pPr (ECMA-376 CT_PPr): Word refuses properties out of order.
_AFTER_PBDR = tuple(
    f"w:{tag}"
    for tag in "shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN "
    "bidi adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc textDirection "
    "textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange".split()
)


@dataclass(frozen=True)
class NoticePhoto:
    """A photo taken on site: JPEG or PNG bytes, its caption and when it was taken (Beijing time if naive)."""

    content: bytes
    caption: str
    taken_at: dt.datetime | None = None


@dataclass(frozen=True)
class NoticeHouse:
    """The house's facts as the notice states them (labels in Chinese, as ``geo.enums`` words them)."""

    survey_code: str
    county: str  # the county-level place, e.g. 城关区
    township: str
    village: str
    address: str
    use_class: str  # e.g. 经营性自建房
    structure: str  # e.g. 砌体结构
    floors: int | None


@dataclass(frozen=True)
class NoticeData:
    """Everything a rectification notice says. ``county_name`` is the addressee (主送机关), the county office."""

    number: str  # from notice_number(), e.g. 兰自建房整改〔2026〕3号
    issuer: str  # e.g. 兰州市自建房安全专项整治工作专班
    city_name: str
    county_name: str  # e.g. 城关区自建房安全专项整治工作专班
    issued_on: dt.date
    deadline: dt.date
    house: NoticeHouse
    findings: list[str]  # facts found on site, one sentence each
    hazard: str  # e.g. 存在严重安全隐患
    platform_status: str  # rectification status on the platform, e.g. 已整治
    site_status: str  # rectification status seen on site, e.g. 待整治
    paper_rectification: bool  # 数字整治: done on the platform, not on site
    requirements: list[str]
    inspectors: list[str]
    firm: str
    contact: str  # 联系人及电话, printed as the 附注
    legal_basis: list[str] = field(default_factory=lambda: list(DEFAULT_LEGAL_BASIS))
    photos: list[NoticePhoto] = field(default_factory=list)
    inspected_on: dt.date | None = None
    cc: list[str] = field(default_factory=list)  # 抄送; empty: the city office
    synthetic: bool = False


def clean_text(text: object) -> str:
    """``text`` as one line Word can open: forbidden and control characters dropped, line breaks made spaces."""
    return _line(text).strip()


def _line(text: object) -> str:
    return _DROP.sub("", _SPACE.sub(" ", str(text)))


def chinese_date(day: dt.date) -> str:
    """A date as GB/T 9704 writes it: 2026年12月3日 (full year, no leading zeros)."""
    return f"{day.year}年{day.month}月{day.day}日"


def city_abbrev(city_code: str) -> str:
    """The one-character abbreviation of a Gansu city or prefecture from its code (6201, 620100, 620171...)."""
    abbrev = CITY_ABBREV.get(str(city_code)[:4])
    if abbrev is None:
        raise InvalidInput(
            f"未知的市州代码：{clean_text(city_code)[:20]}", f"unknown city code {city_code!r}"
        )
    return abbrev


def notice_number(city_abbrev: str, year: int, seq: int) -> str:
    """The notice's document number, per city: 兰自建房整改〔2026〕3号.

    GB/T 9704-2012 7.2.4: the year in full in 〔〕, the sequence number without 第 and without leading zeros.
    """
    if city_abbrev not in CITY_ABBREV.values():
        raise InvalidInput(
            f"未知的市州简称：{clean_text(city_abbrev)[:20]}", f"unknown city abbreviation {city_abbrev!r}"
        )
    if not 2000 <= year <= 2100 or seq < 1:
        raise InvalidInput("年份或序号无效", f"invalid year {year} or sequence {seq}")
    return f"{city_abbrev}自建房整改〔{year}〕{seq}号"


# Runs and paragraphs --------------------------------------------------------------------------------------


def _fonts(rpr: CT_RPr, east_asia: str, size: float | None = None) -> None:
    """Name the East Asian and Latin fonts on an ``w:rPr`` (theme fonts removed, they would win)."""
    rfonts = rpr.get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        rfonts.set(qn(attr), east_asia if attr == "w:eastAsia" else LATIN_FONT)
    rfonts.set(qn("w:hint"), "eastAsia")
    if size is not None:
        for tag in ("w:sz", "w:szCs"):
            el = rpr.find(qn(tag))
            if el is None:
                el = OxmlElement(tag)
                rpr.append(el)
            el.set(qn("w:val"), str(round(size * 2)))


def _run(
    p: Paragraph,
    text: str,
    font: str = BODY_FONT,
    size: float = BODY_PT,
    *,
    bold: bool = False,
    color: RGBColor | None = None,
) -> None:
    run = p.add_run(_line(text))
    _fonts(run._element.get_or_add_rPr(), font)
    run.font.size = Pt(size)
    run.font.bold = bold or None
    if color is not None:
        run.font.color.rgb = color


def _para(
    container: DocxDocument | _Footer,
    text: str = "",
    font: str = BODY_FONT,
    size: float = BODY_PT,
    *,
    indent: int = 0,
    align: WD_ALIGN_PARAGRAPH | None = None,
    bold: bool = False,
    color: RGBColor | None = None,
    line: float | None = LINE_PT,
) -> Paragraph:
    """A paragraph with one run; ``indent`` in characters of the first line; ``line`` fixed in pt, None: single."""
    p = container.add_paragraph()
    pf = _spacing(p, line)
    if align is not None:
        pf.alignment = align
    if indent:
        pf.first_line_indent = Pt(indent * size)
        p._p.pPr.ind.set(qn("w:firstLineChars"), str(indent * 100))
    if text:
        _run(p, text, font, size, bold=bold, color=color)
    return p


def _spacing(p: Paragraph, line: float | None) -> ParagraphFormat:
    """No space around the paragraph; lines ``line`` pt apart exactly, or single-spaced (None: pictures)."""
    pf = p.paragraph_format
    pf.space_before = pf.space_after = Pt(0)
    if line is None:
        pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    else:
        pf.line_spacing, pf.line_spacing_rule = Pt(line), WD_LINE_SPACING.EXACTLY
    return pf


def _border(p: Paragraph, side: str, size_eighths: int, color: str = "000000", space: int = 1) -> None:
    ppr = p._p.get_or_add_pPr()
    pbdr = ppr.find(qn("w:pBdr"))
    if pbdr is None:
        pbdr = OxmlElement("w:pBdr")
        ppr.insert_element_before(pbdr, *_AFTER_PBDR)
    edge = OxmlElement(f"w:{side}")
    for k, v in (("val", "single"), ("sz", str(size_eighths)), ("space", str(space)), ("color", color)):
        edge.set(qn(f"w:{k}"), v)
    pbdr.append(edge)


def _width(text: str) -> float:
    """Width in characters of 三号: full-width characters count 1, ASCII 0.5."""
    return sum(0.5 if ord(c) < 0x80 else 1.0 for c in text)


def _page_number(footer: _Footer, align: WD_ALIGN_PARAGRAPH) -> None:
    p = footer.paragraphs[0]
    p.alignment = align
    side = "right_indent" if align == WD_ALIGN_PARAGRAPH.RIGHT else "left_indent"
    setattr(p.paragraph_format, side, Pt(SMALL_PT))  # one character from the edge
    _run(p, "— ", PAGE_FONT, SMALL_PT)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = p.add_run()
        _fonts(run._element.get_or_add_rPr(), PAGE_FONT)
        run.font.size = Pt(SMALL_PT)
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText" if text == " PAGE " else "w:t")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._element.append(el)
    _run(p, " —", PAGE_FONT, SMALL_PT)


def _photo(content: bytes) -> tuple[io.BytesIO, int, int]:
    """The photo upright, at most 2000 px, re-encoded as JPEG; its pixel size."""
    try:
        with Image.open(io.BytesIO(content)) as im:
            if im.format not in ("JPEG", "PNG"):
                raise InvalidInput("照片须为 JPEG 或 PNG 格式", f"photo format {im.format} is not JPEG/PNG")
            img = ImageOps.exif_transpose(im)
            img.thumbnail((2000, 2000))
            if img.mode != "RGB":
                rgba = img.convert("RGBA")
                img = Image.new("RGB", rgba.size, "white")
                img.paste(rgba, mask=rgba.getchannel("A"))
            out = io.BytesIO()
            img.save(out, "JPEG", quality=85)
    except (OSError, Image.DecompressionBombError, ValueError) as exc:
        raise InvalidInput("照片无法读取", f"photo cannot be decoded: {exc}") from exc
    out.seek(0)
    return out, img.width, img.height


# The document ---------------------------------------------------------------------------------------------


def _setup(doc: DocxDocument, data: NoticeData) -> None:
    """Page, margins, styles, headers and footers, properties."""
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)
    sec.header_distance, sec.footer_distance = Mm(15), Mm(20)
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    _fonts(defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")), BODY_FONT, BODY_PT)
    for name, font, size in (
        ("Normal", BODY_FONT, BODY_PT),
        ("Header", H1_FONT, 10.5),
        ("Footer", PAGE_FONT, SMALL_PT),
        ("Table Grid", BODY_FONT, SMALL_PT),
    ):
        style = doc.styles[name]
        _fonts(style.element.get_or_add_rPr(), font, size)
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), "en-US")
        lang.set(qn("w:eastAsia"), "zh-CN")
        style.element.get_or_add_rPr().append(lang)
    normal = doc.styles["Normal"].paragraph_format
    normal.space_before = normal.space_after = Pt(0)
    normal.line_spacing, normal.line_spacing_rule = Pt(LINE_PT), WD_LINE_SPACING.EXACTLY
    doc.settings.odd_and_even_pages_header_footer = True
    _page_number(sec.footer, WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(sec.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)
    if data.synthetic:
        for header in (sec.header, sec.even_page_header):
            header.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            _run(header.paragraphs[0], SYNTHETIC_BANNER, H1_FONT, 10.5, color=RED)
    props = doc.core_properties
    props.title = clean_text(f"整改通知单 {data.number}")[:255]  # core properties hold 255 characters
    props.author = props.last_modified_by = clean_text(data.issuer)[:255]
    props.subject = clean_text(data.house.survey_code)[:255]
    props.keywords = "整改通知单" + (" synthetic" if data.synthetic else "")
    props.created = props.modified = dt.datetime.combine(data.issued_on, dt.time(), dt.UTC)
    props.revision = 1


def _masthead(doc: DocxDocument, data: NoticeData) -> None:
    """版头: the issuer in red, two lines, the number, the red rule; then the title and the addressee."""
    if data.synthetic:
        banner = f"{SYNTHETIC_BANNER}：本通知单由合成数据生成，不是正式文书"
        _para(doc, banner, H1_FONT, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, color=RED)
    issuer = clean_text(data.issuer)
    size = max(BODY_PT, min(30, int(TEXT_WIDTH_MM * 72 / 25.4 / max(_width(issuer), 1))))
    p = _para(doc, issuer, TITLE_FONT, size, align=WD_ALIGN_PARAGRAPH.CENTER, color=RED, line=None)
    p.paragraph_format.space_before = Mm(35 if not data.synthetic else 20)
    _para(doc)
    _para(doc)
    _border(_para(doc, data.number, align=WD_ALIGN_PARAGRAPH.CENTER), "bottom", 12, "FF0000", space=8)
    _para(doc)
    _para(doc)
    _para(doc, "自建房安全隐患整改通知单", TITLE_FONT, TITLE_PT, align=WD_ALIGN_PARAGRAPH.CENTER, line=36)
    _para(doc)
    _para(doc, clean_text(data.county_name) + "：")


def _facts(doc: DocxDocument, data: NoticeData) -> None:
    h = data.house
    rows = (
        ("排查编码", h.survey_code),
        ("房屋地址", f"{data.city_name}{h.county}{h.township}{h.village}{h.address}"),
        ("用途类别", h.use_class),
        ("结构类型", h.structure),
        ("层数", f"{h.floors}层" if h.floors else "未记录"),
        ("隐患判定", data.hazard),
        ("整治状态（信息平台）", data.platform_status),
        ("整治状态（现场核查）", data.site_status),
        ("数字整治", "是" if data.paper_rectification else "否"),
        ("检查单位", data.firm),
        ("检查人员", "、".join(clean_text(n) for n in data.inspectors)),
        ("检查日期", chinese_date(data.inspected_on) if data.inspected_on else "未记录"),
    )
    table = doc.add_table(rows=0, cols=2)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.columns[0].width, table.columns[1].width = (
        Mm(50),
        Mm(TEXT_WIDTH_MM - 50),
    )  # w:gridCol, for LibreOffice
    for label, value in rows:
        cells = table.add_row().cells
        for cell, text, width, bold in (
            (cells[0], label, 50, True),
            (cells[1], value, TEXT_WIDTH_MM - 50, 0),
        ):
            cell.width = Mm(width)
            _spacing(cell.paragraphs[0], 22)
            _run(cell.paragraphs[0], str(text), BODY_FONT, SMALL_PT, bold=bold)


def _signature(doc: DocxDocument, data: NoticeData) -> None:
    """Unsealed signature (GB/T 9704 7.3.5.2): issuer right-spaced 2, the date's first character 2 to its right."""
    issuer, date = clean_text(data.issuer), chinese_date(data.issued_on)
    wi, wd = _width(issuer), _width(date)
    issuer_right, date_right = (2.0, wi - wd) if wi >= wd else (wd - wi, 2.0)
    if max(issuer_right + wi, date_right + wd) > 28:  # a name that fills the line: both flush right
        issuer_right, date_right = 0.0, 2.0
    _para(doc)
    for text, right in ((issuer, issuer_right), (date, date_right)):
        p = _para(doc, text, align=WD_ALIGN_PARAGRAPH.RIGHT)
        p.paragraph_format.right_indent = Pt(right * BODY_PT)
    if data.contact:
        _para(doc, f"（联系人及电话：{data.contact}）", indent=2)


def _photos(doc: DocxDocument, photos: Sequence[NoticePhoto]) -> None:
    """The attachment on a page of its own: 附件 top left in 黑体, its title, each photo with its caption."""
    _para(doc, "附件", H1_FONT).paragraph_format.page_break_before = True
    _para(doc)
    _para(doc, "现场检查照片", TITLE_FONT, TITLE_PT, align=WD_ALIGN_PARAGRAPH.CENTER, line=36)
    for i, photo in enumerate(photos, 1):
        stream, w, h = _photo(photo.content)
        width = min(Mm(TEXT_WIDTH_MM), int(Mm(PHOTO_MAX_HEIGHT_MM) * w / h))
        p = _para(doc, align=WD_ALIGN_PARAGRAPH.CENTER, line=None)
        p.paragraph_format.space_before = Pt(12)
        p.paragraph_format.keep_with_next = True
        p.add_run().add_picture(stream, width=width, height=int(width * h / w))
        caption = f"图{i}　{photo.caption}"
        if photo.taken_at is not None:
            t = photo.taken_at
            t = t.astimezone(dt.timezone(dt.timedelta(hours=8))) if t.tzinfo else t
            caption += f"（拍摄时间：{chinese_date(t.date())} {t:%H:%M}）"
        _para(doc, caption, BODY_FONT, SMALL_PT, align=WD_ALIGN_PARAGRAPH.CENTER, line=22)


def _colophon(doc: DocxDocument, data: NoticeData) -> None:
    """版记: 抄送 and the issuer with the date of issue, between a thick, a thin and a thick rule."""
    cc = [clean_text(c) for c in data.cc] or [f"{clean_text(data.city_name)}自建房安全专项整治工作专班"]
    _para(doc)
    p = _para(doc, f"抄送：{'，'.join(cc)}。", BODY_FONT, SMALL_PT)
    pf = p.paragraph_format
    pf.left_indent, pf.right_indent, pf.first_line_indent = Pt(4 * SMALL_PT), Pt(SMALL_PT), Pt(-3 * SMALL_PT)
    _border(p, "top", 8)
    _border(p, "bottom", 6)
    p = _para(doc, clean_text(data.issuer), BODY_FONT, SMALL_PT)
    p.paragraph_format.left_indent = p.paragraph_format.right_indent = Pt(SMALL_PT)
    p.paragraph_format.tab_stops.add_tab_stop(Mm(TEXT_WIDTH_MM) - Pt(2 * SMALL_PT), WD_TAB_ALIGNMENT.RIGHT)
    tab = p.add_run()
    _fonts(tab._element.get_or_add_rPr(), BODY_FONT, SMALL_PT)
    tab.add_tab()
    _run(p, chinese_date(data.issued_on) + "印发", BODY_FONT, SMALL_PT)
    _border(p, "bottom", 8)


def notice_docx(data: NoticeData) -> bytes:
    """The rectification notice as .docx bytes (GB/T 9704-2012 layout; see the module docstring)."""
    if data.deadline < data.issued_on:
        raise InvalidInput("整改期限不能早于发文日期", "the deadline is before the date of issue")
    if not data.findings or not data.requirements:
        raise InvalidInput("整改通知单须列明发现的问题和整改要求", "a notice needs findings and requirements")
    h = data.house
    doc = Document()
    _setup(doc, data)
    _masthead(doc, data)
    when = f"于{chinese_date(data.inspected_on)}" if data.inspected_on else ""
    _para(
        doc,
        f"根据{SEED_NOTICE}要求，{data.firm}检查组{when}对你单位辖区{h.county}{h.township}{h.village}"
        f"{h.address}自建房（排查编码：{h.survey_code}）进行了现场入户检查，发现该房屋存在安全隐患且未采取"
        "有效整改措施。现将有关情况通知如下：",
        indent=2,
    )
    _para(doc, "一、基本情况", H1_FONT, indent=2)
    _facts(doc, data)
    _para(doc, "二、检查发现的问题", H1_FONT, indent=2)
    _para(doc, "（一）隐患判定与整治情况", H2_FONT, indent=2)
    status = (
        f"经现场核查，该房屋隐患判定为“{data.hazard}”；信息平台记录的整治状态为“{data.platform_status}”，"
        f"现场核查为“{data.site_status}”。"
    )
    if data.paper_rectification:
        status += "信息平台显示已完成整治，但现场未见有效整治措施，属“数字整治”问题。"
    _para(doc, status, indent=2)
    _para(doc, "（二）现场发现的问题", H2_FONT, indent=2)
    for i, finding in enumerate(data.findings, 1):
        _para(doc, f"{i}．{finding}", indent=2)
    _para(doc, "三、整改要求", H1_FONT, indent=2)
    for i, requirement in enumerate(data.requirements, 1):
        _para(doc, f"{i}．{requirement}", indent=2)
    p = _para(doc, f"请于{chinese_date(data.deadline)}前完成整改并反馈", indent=2, bold=True)
    _run(p, f"，整改情况（含整改前后照片等佐证材料）报送{data.issuer}。")
    _run(p, "逾期未整改或整改不到位的，将按有关规定处理。")
    _para(doc, "四、整改依据", H1_FONT, indent=2)
    for i, basis in enumerate(data.legal_basis, 1):
        basis = clean_text(basis)
        _para(doc, f"{i}．{basis if '《' in basis else f'《{basis}》'}", indent=2)
    _para(doc, "特此通知。", indent=2)
    if data.photos:
        _para(doc)
        _para(doc, f"附件：现场检查照片（{len(data.photos)}张）", indent=2)
    _signature(doc, data)
    if data.photos:
        _photos(doc, data.photos)
    _colophon(doc, data)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
