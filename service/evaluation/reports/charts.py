"""The reports' maps and charts as PNG, drawn with matplotlib from the data the service's maps show: the
county's boundary and its townships' (the divisions tables), the drawn houses coloured by result class (the
classes and colours of geo/inspection_results.py, which web/inspection-layer.js shows), a province map of the
drawn units coloured by a figure, and bar charts. A CJK font (WenQuanYi Zen Hei or Noto CJK) is found by its
file and used for rendering only; without one the labels fall back to DejaVu (boxes for Chinese)."""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
from matplotlib import pyplot as plt  # noqa: E402
from matplotlib.colors import Normalize  # noqa: E402
from matplotlib.font_manager import FontProperties  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from geo.inspection_results import RESULT_COLOURS  # noqa: E402

FONT_FILES = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)
NOT_INSPECTED_COLOUR = "#bbbbbb"
OUTLINE = "#1f2933"  # the ring web/inspection-layer.js draws round inspected houses
DPI = 150


@cache
def cjk_font() -> FontProperties | None:
    """The first CJK font file present, or None."""
    for name in FONT_FILES:
        if Path(name).is_file():
            return FontProperties(fname=name)
    found = sorted(Path("/usr/share/fonts").rglob("*CJK*")) if Path("/usr/share/fonts").is_dir() else []
    return FontProperties(fname=str(found[0])) if found else None


def _font(size: float) -> dict:
    f = cjk_font()
    if f is None:
        return {"fontsize": size}
    f = f.copy()
    f.set_size(size)
    return {"fontproperties": f}


def _rings(geometry: Mapping) -> list[list[list[float]]]:
    """The outer and inner rings of a Polygon or MultiPolygon (GeoJSON)."""
    if geometry.get("type") == "Polygon":
        return list(geometry["coordinates"])
    if geometry.get("type") == "MultiPolygon":
        return [ring for poly in geometry["coordinates"] for ring in poly]
    return []


def _draw_shape(ax, geometry: Mapping, *, face: str, edge: str, width: float, z: int = 1) -> None:
    for ring in _rings(geometry):
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        ax.fill(xs, ys, facecolor=face, edgecolor=edge, linewidth=width, zorder=z)


def _frame(ax, lats: Sequence[float]) -> None:
    mid = (min(lats) + max(lats)) / 2 if lats else 36.0
    ax.set_aspect(1 / max(math.cos(math.radians(mid)), 0.1))
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)


def _png(fig) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=DPI, bbox_inches="tight", facecolor="white")
    plt.close(fig)
    return out.getvalue()


def unit_map(
    shapes: Sequence[Mapping], houses: Sequence[Mapping], labels: Mapping[str, str], title: str
) -> bytes:
    """The unit's boundary, its townships (named) and its drawn houses coloured by result class."""
    fig, ax = plt.subplots(figsize=(7.5, 6.5))
    lats = []
    for s in shapes:
        county = s["level"] != "township"
        _draw_shape(ax, s["geometry"], face="#f4f1ea" if county else "none", edge="#333333" if county else "#8a8a8a",
                    width=1.6 if county else 0.6, z=1 if county else 2)  # fmt: skip
        lats += [p[1] for ring in _rings(s["geometry"]) for p in ring]
        if not county and _rings(s["geometry"]):
            ring = _rings(s["geometry"])[0]
            cx, cy = sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring)
            ax.text(cx, cy, s["name"], ha="center", va="center", color="#555555", zorder=3, **_font(7))
    for key in [*[k for k in labels if k not in RESULT_COLOURS], *RESULT_COLOURS]:  # inspected houses on top
        pts = [h for h in houses if h["result"] == key and h["lon"] is not None]
        if pts:
            inspected = key in RESULT_COLOURS
            ax.scatter([h["lon"] for h in pts], [h["lat"] for h in pts], s=28 if inspected else 14,
                       c=RESULT_COLOURS.get(key, NOT_INSPECTED_COLOUR), edgecolors=OUTLINE if inspected else "none",
                       linewidths=0.8, zorder=4)  # fmt: skip
            lats += [h["lat"] for h in pts]
    counts = {k: sum(1 for h in houses if h["result"] == k) for k in labels}
    handles = [Patch(facecolor=RESULT_COLOURS.get(k, NOT_INSPECTED_COLOUR), edgecolor=OUTLINE, label=f"{v}（{counts[k]}）")
               for k, v in labels.items() if counts[k]]  # fmt: skip
    if handles:
        ax.legend(handles=handles, loc="lower left", prop=_font(8)["fontproperties"] if cjk_font() else None,
                  framealpha=0.9)  # fmt: skip
    ax.set_title(title, **_font(12))
    _frame(ax, lats)
    return _png(fig)


def province_map(shapes: Sequence[Mapping], values: Mapping[str, float | None], title: str, legend: str,
                 percent: bool = True) -> bytes:  # fmt: skip
    """Gansu's cities (outlines) and its drawn units coloured by ``values`` (grey: drawn, no figure yet)."""
    fig, ax = plt.subplots(figsize=(8, 7))
    cmap = plt.get_cmap("YlGnBu")
    known = [v for v in values.values() if v is not None]
    norm = Normalize(vmin=min(known, default=0), vmax=max(known, default=1) if known and max(known) > min(known)
                     else min(known, default=0) + 1)  # fmt: skip
    lats = []
    for s in shapes:
        if s["level"] == "city":
            continue
        v = values.get(s["code"], "absent")
        face = "#f7f7f7" if v == "absent" else NOT_INSPECTED_COLOUR if v is None else cmap(norm(v))
        _draw_shape(ax, s["geometry"], face=face, edge="#9a9a9a", width=0.3, z=1)
        lats += [p[1] for ring in _rings(s["geometry"]) for p in ring]
    for s in shapes:
        if s["level"] == "city":
            _draw_shape(ax, s["geometry"], face="none", edge="#333333", width=0.9, z=2)
    sm = plt.cm.ScalarMappable(norm=norm, cmap=cmap)
    bar = fig.colorbar(sm, ax=ax, shrink=0.6)
    bar.set_label(legend, **_font(9))
    if percent:
        bar.ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0, decimals=0))
    ax.legend(handles=[Patch(facecolor=NOT_INSPECTED_COLOUR, label="抽中、暂无数据"), Patch(facecolor="#f7f7f7",
              edgecolor="#9a9a9a", label="未抽中")], loc="lower left",
              prop=_font(8)["fontproperties"] if cjk_font() else None)  # fmt: skip
    ax.set_title(title, **_font(12))
    _frame(ax, lats)
    return _png(fig)


def bars(labels: Sequence[str], values: Sequence[float], title: str, colours: Sequence[str] | None = None,
         percent: bool = False, intervals: Sequence[tuple[float, float] | None] | None = None) -> bytes:  # fmt: skip
    """Horizontal bars with their values (and error bars for ``intervals``)."""
    fig, ax = plt.subplots(figsize=(7.5, max(2.2, 0.45 * len(labels) + 1)))
    ys = list(range(len(labels)))[::-1]
    ax.barh(ys, values, color=list(colours) if colours else "#0072b2", edgecolor=OUTLINE, linewidth=0.5)
    if intervals:
        for y, v, ci in zip(ys, values, intervals, strict=True):
            if ci is not None:
                ax.errorbar(v, y, xerr=[[v - ci[0]], [ci[1] - v]], fmt="none", ecolor="#333333", capsize=3)
    for y, v in zip(ys, values, strict=True):
        ax.text(v, y, f" {v:.1%}" if percent else f" {v:g}", va="center", **_font(8))
    ax.set_yticks(ys)
    ax.set_yticklabels(labels, **_font(9))
    if percent:
        ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0, decimals=0))
        ax.set_xlim(0, 1.1)
    else:
        ax.set_xlim(0, max([*values, 1]) * 1.2)
    ax.set_title(title, **_font(11))
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return _png(fig)
