"""A county's questionnaire results as a PNG (matplotlib), for the reports and for download: the index S of
each group and overall with its 95% interval, and beside it the 满意率 with its Wilson interval. The page
draws the same figures itself as SVG; this is the file version of them."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
from matplotlib import pyplot as plt  # noqa: E402
from matplotlib.font_manager import FontProperties  # noqa: E402

from service.evaluation.survey.definitions import GROUP_LABELS, GROUPS  # noqa: E402
from service.evaluation.survey.summary import SurveyResult  # noqa: E402

FONTS = ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
         "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")  # fmt: skip
COLOURS = {"official": "#2b6cb0", "staff": "#2f855a", "resident": "#c05621", "overall": "#4a5568"}


@cache
def _font() -> FontProperties | None:
    return next((FontProperties(fname=f) for f in FONTS if Path(f).is_file()), None)


def _bars(ax, labels, values, cis, colours, top: float, title: str, fmt) -> None:
    font = {"fontproperties": _font()} if _font() else {}
    xs = range(len(labels))
    heights = [v or 0 for v in values]
    ax.bar(xs, heights, color=colours, width=0.6)
    for x, v, ci in zip(xs, values, cis, strict=True):
        if ci:
            ax.errorbar(x, v, yerr=[[v - ci[0]], [ci[1] - v]], color="#1a202c", capsize=4, lw=1)
        ax.text(x, (ci[1] if ci else (v or 0)) + top * 0.02, "无" if v is None else fmt(v), ha="center", va="bottom",
                fontsize=8, **font)  # fmt: skip
    ax.set_xticks(list(xs))
    ax.set_xticklabels(labels, **font)
    ax.set_ylim(0, top * 1.12)
    ax.set_title(title, **font)
    ax.spines[["top", "right"]].set_visible(False)


def result_png(result: SurveyResult) -> bytes:
    """The county's chart: S and 满意率 per group and overall, with intervals and sample sizes."""
    keys = [g for g in GROUPS if result.groups[g].n] + ["overall"]
    scores = [result.groups[g] if g != "overall" else result.overall for g in keys]
    labels = [f"{GROUP_LABELS.get(k, '全部')}\nn={s.n}" for k, s in zip(keys, scores, strict=True)]
    colours = [COLOURS[k] for k in keys]
    fig, (left, right) = plt.subplots(1, 2, figsize=(8, 3.4), dpi=150)
    _bars(left, labels, [s.index for s in scores], [s.index_ci for s in scores], colours, 100, "满意度指数 S（95%区间）",
          lambda v: f"{v:.1f}")  # fmt: skip
    _bars(right, labels, [None if s.satisfied_rate is None else s.satisfied_rate * 100 for s in scores],
          [None if s.satisfied_ci is None else (s.satisfied_ci[0] * 100, s.satisfied_ci[1] * 100) for s in scores],
          colours, 100, "满意率 %（Wilson 95%区间）", lambda v: f"{v:.1f}%")  # fmt: skip
    title = f"{result.unit_name} {result.year} 年问卷调查结果" + (
        "（合成演示数据）" if result.synthetic else ""
    )
    fig.suptitle(title, **({"fontproperties": _font()} if _font() else {}))
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    plt.close(fig)
    return out.getvalue()
