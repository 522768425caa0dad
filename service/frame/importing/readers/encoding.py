"""Text encodings of CSV files (and the names a user may give one): detection, naming, and the error for
bytes that do not decode."""

from __future__ import annotations

import codecs
from pathlib import Path

from service.frame.importing.readers.common import _UTF8_BOM, ReadError, _printable, sniff_bytes

ENCODINGS = {"utf-8": "utf-8", "utf-8-sig": "utf-8-sig", "gbk": "gbk", "gb2312": "gbk", "gb18030": "gb18030",
             "big5": "big5", "utf-16": "utf-16", "utf-16-le": "utf-16-le", "utf-16-be": "utf-16-be"}  # fmt: skip
_ENCODING_LIST = "UTF-8、UTF-8-SIG（带 BOM）、GBK（含 GB2312）、GB18030、BIG5、UTF-16"


def _normalise_encoding(encoding: str, path: Path) -> str:
    try:
        name = codecs.lookup(encoding.strip()).name
    except (LookupError, ValueError):  # ValueError: a NUL in the name
        name = None
    if name in ENCODINGS:
        return ENCODINGS[name]
    shown = _printable(encoding)[:40]
    raise ReadError(
        ReadError.BAD_ENCODING,
        f"不认识的文本编码「{shown}」。可用的编码：{_ENCODING_LIST}；不填时自动识别 UTF-8 和 GBK。",
        f"Unknown text encoding {shown!r} for {path.name}. Use one of UTF-8, UTF-8-SIG, GBK (GB2312), "
        "GB18030, BIG5, UTF-16, or leave it empty to detect UTF-8 and GBK.",
    )


def _detect_text_encoding(path: Path) -> str:
    """BOM -> utf-8-sig; else strict UTF-8 over the first MB (further while all ASCII); else gb18030.

    A sample that is neither valid UTF-8 nor valid GB18030 (UTF-8 text with a few GBK lines pasted in)
    counts as UTF-8, so that reading reports the line that is not.
    """
    with open(path, "rb") as raw:
        block = raw.read(sniff_bytes())
        if block.startswith(_UTF8_BOM):
            return "utf-8-sig"
        if block.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Excel's "Unicode text" export
            return "utf-16"
        decoder = codecs.getincrementaldecoder("utf-8")("strict")
        while block:
            following = raw.read(sniff_bytes())
            try:
                decoder.decode(block, final=not following)
            except UnicodeDecodeError:
                return "gb18030" if _decodes(block, "gb18030", final=not following) else "utf-8"
            if not block.isascii():
                return "utf-8"
            block = following
    return "utf-8"


def _decodes(sample: bytes, encoding: str, *, final: bool) -> bool:
    try:
        codecs.getincrementaldecoder(encoding)("strict").decode(sample, final=final)
    except UnicodeDecodeError:
        return False
    return True


def _bad_line(path: Path, encoding: str) -> int | None:
    """The 1-based line of the first bytes that do not decode (newlines never sit inside a character)."""
    if encoding.startswith("utf-16"):  # b"\n" is not a line break there
        return None
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    line_no = 0
    with open(path, "rb") as raw:
        for line_no, line in enumerate(raw, 1):  # noqa: B007 - used after the loop
            try:
                decoder.decode(line)
            except UnicodeDecodeError:
                return line_no
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return line_no
    return None


def _encoding_label(encoding: str) -> str:
    return {"utf-8": "UTF-8", "utf-8-sig": "UTF-8（带 BOM）", "gb18030": "GBK/GB18030", "gbk": "GBK"}.get(
        encoding, encoding
    )


def _bad_encoding(path: Path, encoding: str, line: int | None) -> ReadError:
    where_zh = f"第 {line} 行附近" if line else "文件中"
    where_en = f"around line {line}" if line else "somewhere in the file"
    label = _encoding_label(encoding)
    return ReadError(
        ReadError.BAD_ENCODING,
        f"文件编码无法识别：「{path.name}」{where_zh}不是有效的 {label} 文本（文件其余部分按 {label} 读取）。"
        "请检查该行是否有乱码，或用 Excel/WPS 将文件另存为“CSV UTF-8（逗号分隔）”后再导入。",
        f"Cannot decode {path.name}: {where_en} the bytes are not valid {encoding} "
        "(the encoding used for the rest of the file). "
        "Fix that line or save the file as UTF-8 CSV and import again.",
    )
