"""The rectification notice read back with python-docx: facts, deadline, fonts, page, images, hostile text."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import shutil
import zipfile

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm
from PIL import Image

from service.core.errors import InvalidInput
from service.inspections.notice_doc import (
    CITY_ABBREV,
    DEFAULT_LEGAL_BASIS,
    SYNTHETIC_BANNER,
    NoticeData,
    NoticeHouse,
    NoticePhoto,
    city_abbrev,
    clean_text,
    notice_docx,
    notice_number,
)

CHINA = dt.timezone(dt.timedelta(hours=8))


def _jpeg(size: tuple[int, int], color: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG")
    return out.getvalue()


def _data(**changes: object) -> NoticeData:
    data = NoticeData(
        number=notice_number("兰", 2026, 3),
        issuer="兰州市自建房安全专项整治工作专班",
        city_name="兰州市",
        county_name="城关区自建房安全专项整治工作专班",
        issued_on=dt.date(2026, 12, 3),
        deadline=dt.date(2027, 1, 15),
        house=NoticeHouse(
            "620102001001000123",
            "城关区",
            "靖远路街道",
            "庙滩子社区",
            "庙滩子路88号",
            "经营性自建房",
            "砌体结构",
            4,
        ),
        findings=[
            "二层外墙出现贯通斜裂缝，宽度约3毫米。",
            "一层擅自拆除承重墙改作商铺。",
            "房屋仍在经营，未设置警示标志。",
        ],
        hazard="存在严重安全隐患",
        platform_status="已整治",
        site_status="待整治",
        paper_rectification=True,
        requirements=["立即停止经营，人员撤离。", "委托有资质的单位进行房屋安全鉴定。"],
        inspectors=["张三", "李四"],
        firm="兰州有色冶金设计研究院有限公司",
        contact="王五，0931-1234567",
        photos=[
            NoticePhoto(
                _jpeg((1600, 1200), "gray"), "二层外墙裂缝", dt.datetime(2026, 11, 20, 2, 30, tzinfo=dt.UTC)
            ),
            NoticePhoto(_jpeg((600, 1800), "brown"), "一层拆除的承重墙", None),
        ],
        inspected_on=dt.date(2026, 11, 20),
    )
    return dataclasses.replace(data, **changes)


def _open(blob: bytes):
    return Document(io.BytesIO(blob))


def _text(doc) -> str:
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def _headers(doc) -> str:
    sec = doc.sections[0]
    return "\n".join(p.text for part in (sec.header, sec.even_page_header) for p in part.paragraphs)


def _para(doc, text: str):
    return next(p for p in doc.paragraphs if p.text.startswith(text))


def _east_asia(paragraph) -> set[str]:
    return {r._element.rPr.rFonts.get(qn("w:eastAsia")) for r in paragraph.runs if r.text}


def test_the_notice_holds_the_facts_and_the_deadline():
    data = _data()
    doc = _open(notice_docx(data))
    text = _text(doc)
    assert "兰自建房整改〔2026〕3号" in text
    assert _para(doc, "城关区").text == "城关区自建房安全专项整治工作专班："
    for finding in data.findings:
        assert finding in text
    for requirement in data.requirements:
        assert requirement in text
    deadline = _para(doc, "请于2027年1月15日前完成整改并反馈")
    assert deadline.runs[0].bold and deadline.runs[0].text == "请于2027年1月15日前完成整改并反馈"
    for basis in DEFAULT_LEGAL_BASIS:
        assert basis in text
    for fact in (
        "620102001001000123",
        "靖远路街道",
        "庙滩子社区",
        "经营性自建房",
        "砌体结构",
        "4层",
        "张三、李四",
    ):
        assert fact in text
    assert "数字整治" in text and "现场核查为“待整治”" in text
    assert "附件：现场检查照片（2张）" in text
    assert "图1　二层外墙裂缝（拍摄时间：2026年11月20日 10:30）" in text  # Beijing time
    assert "图2　一层拆除的承重墙" in text
    assert "抄送：兰州市自建房安全专项整治工作专班。" in text
    assert text.count("2026年12月3日") == 2  # signature date and 印发 line
    assert SYNTHETIC_BANNER not in text + _headers(doc)


def test_fonts_are_named_for_east_asian_and_latin_text():
    doc = _open(notice_docx(_data()))
    expected = {
        "自建房安全隐患整改通知单": "方正小标宋简体",
        "一、基本情况": "黑体",
        "（一）隐患判定与整治情况": "楷体_GB2312",
        "根据《": "仿宋_GB2312",
        "1．二层外墙": "仿宋_GB2312",
        "请于": "仿宋_GB2312",
    }
    for start, font in expected.items():
        p = _para(doc, start)
        assert _east_asia(p) == {font}, start
        for run in p.runs:
            fonts = run._element.rPr.rFonts
            assert fonts.get(qn("w:ascii")) == fonts.get(qn("w:hAnsi")) == "Times New Roman"
    title = _para(doc, "自建房安全隐患整改通知单")
    assert title.runs[0].font.size.pt == 22 and title.alignment == 1  # centre
    body = _para(doc, "根据《")
    assert body.runs[0].font.size.pt == 16
    assert body.paragraph_format.first_line_indent.pt == 32
    assert body._p.pPr.ind.get(qn("w:firstLineChars")) == "200"
    assert 28 <= body.paragraph_format.line_spacing.pt <= 29
    normal = doc.styles["Normal"]
    assert normal.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert normal.font.name == "Times New Roman" and normal.font.size.pt == 16
    assert 28 <= normal.paragraph_format.line_spacing.pt <= 29
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:rFonts")).get(qn("w:eastAsiaTheme")) is None
    cell = doc.tables[0].rows[0].cells[1].paragraphs[0]
    assert _east_asia(cell) == {"仿宋_GB2312"}


def test_page_margins_and_page_numbers():
    doc = _open(notice_docx(_data()))
    sec = doc.sections[0]
    assert (round(sec.page_width.mm), round(sec.page_height.mm)) == (210, 297)
    assert (sec.page_width.twips, sec.page_height.twips) == (11906, 16838)  # Word's A4
    margins = (sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin)
    assert [round(m.mm) for m in margins] == [37, 35, 28, 26]
    assert doc.settings.odd_and_even_pages_header_footer
    for footer, align in ((sec.footer, 2), (sec.even_page_footer, 0)):  # odd right, even left
        p = footer.paragraphs[0]
        assert p.alignment == align
        xml = p._p.xml
        assert "PAGE" in xml and 'w:fldCharType="begin"' in xml
        assert p.text.startswith("— ") and p.text.endswith(" —")
        assert _east_asia(p) == {"宋体"}


def test_two_photos_are_inline_and_fit_the_text_width():
    doc = _open(notice_docx(_data()))
    shapes = doc.inline_shapes
    assert len(shapes) == 2
    wide, tall = shapes
    assert wide.width <= Mm(156) and tall.width <= Mm(156)
    assert abs(wide.width / wide.height - 4 / 3) < 0.01
    assert abs(tall.width / tall.height - 1 / 3) < 0.01
    assert tall.height <= Mm(96)


def test_synthetic_banner_on_top_and_in_the_headers():
    doc = _open(notice_docx(_data(synthetic=True)))
    assert doc.paragraphs[0].text.startswith(SYNTHETIC_BANNER)
    sec = doc.sections[0]
    assert SYNTHETIC_BANNER in sec.header.paragraphs[0].text
    assert SYNTHETIC_BANNER in sec.even_page_header.paragraphs[0].text


def test_hostile_text_gives_a_document_word_opens():
    nasty = "<w:p>&amp;]]>\x00\x01\x0b\x0c\x1f\x7f\ud800\ufffe\u202e末尾\r\n\t换行" + "长" * 20000
    house = NoticeHouse(nasty, nasty, nasty, nasty, nasty, nasty, nasty, None)
    data = _data(
        number=nasty,
        issuer=nasty,
        city_name=nasty,
        county_name=nasty,
        house=house,
        findings=[nasty, "<script>alert(1)</script>"],
        hazard=nasty,
        platform_status=nasty,
        site_status=nasty,
        requirements=[nasty],
        inspectors=[nasty],
        firm=nasty,
        contact=nasty,
        legal_basis=[nasty],
        cc=[nasty],
        photos=[NoticePhoto(_jpeg((40, 30), "red"), nasty, None)],
        synthetic=True,
    )
    blob = notice_docx(data)
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        assert z.testzip() is None
        xml = z.read("word/document.xml").decode("utf-8")
    for bad in ("\x00", "\x0b", "\x0c", "\x1f", "\x7f", "\ufffe", "\u202e"):
        assert bad not in xml
    doc = _open(blob)
    text = _text(doc)
    assert "<script>alert(1)</script>" in text and "<w:p>&amp;]]>" in text  # kept as text, not markup
    assert len(doc.inline_shapes) == 1


PPR_ORDER = (
    "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr shd tabs "
    "suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN bidi adjustRightInd "
    "snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc textDirection textAlignment "
    "textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange"
).split()
RPR_ORDER = (
    "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint noProof snapToGrid "
    "vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd fitText vertAlign rtl cs "
    "em lang eastAsianLayout specVanish oMath"
).split()
PBDR_ORDER = "top left bottom right between bar".split()


def test_properties_are_in_schema_order():
    # Word refuses a document whose w:pPr or w:rPr children are out of the ECMA-376 sequence.
    from lxml import etree

    blob = notice_docx(_data(synthetic=True))
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        parts = [n for n in z.namelist() if n.startswith("word/") and n.endswith(".xml")]
        for name in parts:
            root = etree.fromstring(z.read(name))
            for tag, order in (("pPr", PPR_ORDER), ("rPr", RPR_ORDER), ("pBdr", PBDR_ORDER)):
                for el in root.iter(w + tag):
                    seen = [etree.QName(c).localname for c in el if etree.QName(c).namespace == w[1:-1]]
                    assert all(s in order for s in seen), (name, tag, seen)
                    assert seen == sorted(seen, key=order.index), (name, tag, seen)


def test_clean_text():
    assert clean_text("a\x00b\x0bc\r\nd\te\u202e") == "abc d e"
    assert clean_text(None) == "None"


def test_invalid_notices_are_refused():
    with pytest.raises(InvalidInput):
        notice_docx(_data(deadline=dt.date(2026, 12, 2)))
    with pytest.raises(InvalidInput):
        notice_docx(_data(findings=[]))
    with pytest.raises(InvalidInput):
        notice_docx(_data(photos=[NoticePhoto(b"GIF89a not an image", "x", None)]))
    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, "GIF")
    with pytest.raises(InvalidInput):
        notice_docx(_data(photos=[NoticePhoto(gif.getvalue(), "x", None)]))


def test_png_with_alpha_is_accepted():
    png = io.BytesIO()
    Image.new("RGBA", (300, 200), (255, 0, 0, 128)).save(png, "PNG")
    doc = _open(notice_docx(_data(photos=[NoticePhoto(png.getvalue(), "透明", None)])))
    assert len(doc.inline_shapes) == 1


def test_notice_number():
    assert notice_number("兰", 2026, 3) == "兰自建房整改〔2026〕3号"
    assert notice_number("甘", 2025, 120) == "甘自建房整改〔2025〕120号"
    for bad in ("京", "兰州", ""):
        with pytest.raises(InvalidInput):
            notice_number(bad, 2026, 1)
    with pytest.raises(InvalidInput):
        notice_number("兰", 2026, 0)


def test_city_abbreviations_match_the_boundaries():
    import json
    from pathlib import Path

    cities = json.loads((Path(__file__).parents[2] / "boundaries" / "gansu_cities.geojson").read_text())
    codes = {f["properties"]["code"][:4]: f["properties"]["name"] for f in cities["features"]}
    assert set(codes) == set(CITY_ABBREV)
    for code, name in codes.items():
        assert CITY_ABBREV[code] in name
    assert city_abbrev("620100") == "兰" and city_abbrev("620171") == "兰" and city_abbrev("6230") == "甘"
    with pytest.raises(InvalidInput):
        city_abbrev("110000")


def test_render_check(tmp_path):
    """Every XML part parses and python-docx re-opens the package; LibreOffice, where installed, converts it.

    LibreOffice is not installed in the development image (and is not to be installed for this): there the
    check is the re-opening alone."""
    from lxml import etree

    blob = notice_docx(_data(synthetic=True))
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        for name in z.namelist():
            if name.endswith((".xml", ".rels")):
                etree.fromstring(z.read(name))
    assert _open(blob).paragraphs
    soffice = shutil.which("soffice")
    if soffice:
        import subprocess

        (tmp_path / "notice.docx").write_bytes(blob)
        subprocess.run(
            [
                soffice,
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(tmp_path),
                str(tmp_path / "notice.docx"),
            ],
            check=True,
            timeout=120,
        )
        assert (tmp_path / "notice.pdf").stat().st_size > 0
