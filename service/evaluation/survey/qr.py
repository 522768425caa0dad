"""A batch of resident links as a printable A4 sheet of QR codes (segno, inline SVG), server-rendered with
no script: each code with its county, year, number in the batch and the link written out."""

from __future__ import annotations

import io
from html import escape

import segno

SHEET_CSS = """
@page { size: A4; margin: 12mm; }
body { font-family: "Noto Sans CJK SC", "WenQuanYi Zen Hei", sans-serif; margin: 0; color: #111; }
h1 { font-size: 16pt; margin: 0 0 4mm; } p.note { font-size: 9pt; margin: 0 0 4mm; }
.grid { display: grid; grid-template-columns: repeat(3, 1fr); gap: 4mm; }
.card { border: 1px dashed #888; padding: 3mm; text-align: center; break-inside: avoid; }
.card .url { font-size: 6.5pt; word-break: break-all; }
.card .n { font-size: 9pt; } .synthetic { color: #b7791f; font-weight: bold; }
"""


def qr_svg(url: str) -> str:
    """The QR code of ``url`` as an SVG element (no XML declaration)."""
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", xmldecl=False, svgns=True, scale=4, border=2)
    return out.getvalue().decode()


def sheet_html(batch: dict, links: list[tuple[int, str, bool]]) -> str:
    """The printable sheet: one card per link (number in the batch, link, answered: marked)."""
    county = escape(batch["unit_name"] or batch["unit_code"])
    label = escape(batch["label"] or "")
    cards = []
    for i, url, used in links:
        state = "（已填写）" if used else ""
        cards.append(f'<div class="card">{qr_svg(url)}<div class="n">{county} · 第 {i} 份{state}</div>'
                     f'<div class="url">{escape(url)}</div></div>')  # fmt: skip
    synthetic = '<p class="synthetic">演示数据（合成）</p>' if batch["synthetic"] else ""
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{county} 群众问卷二维码</title><style>{SHEET_CSS}</style></head><body>"
        f"<h1>{county} {batch['year']} 年自建房安全专项整治群众满意度问卷 {label}</h1>{synthetic}"
        '<p class="note">请用手机扫描二维码填写问卷（无需注册，约 5 分钟）。每个二维码只能填写一次，请一人一码发放。</p>'
        f'<div class="grid">{"".join(cards)}</div></body></html>'
    )
