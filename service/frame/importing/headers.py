"""Where a table's header is: government spreadsheets rarely start with it.

A county's register typically opens with a merged title row (“XX县自建房安全隐患排查台账”), a line naming the
reporting unit and date (“填报单位：…  填报日期：…”), sometimes blank rows, then the header - often two rows
of it, group headings merged over the sub-headings (“房屋位置” over 县区 / 乡镇（街道）/ 村（社区）, “坐标”
over 经度 / 纬度), with the single headings merged down over both rows - and sometimes a row of column
numbers (1, 2, 3 …) before the data.

The header is the row, among the first :data:`SCAN_ROWS`, whose cells match the most known headings
(``match``: the import kind's field headers and the mapping file's, compared as fields.py compares them);
ties go to the earlier row, so a file whose header is row 1 reads as before. The row just above or below
it joins it as a two-row header when it holds no number and the combined headings match more fields than
the row alone (a title or a unit line never does). A row of consecutive column numbers right after the
header is skipped. When no row matches any known heading, the caller keeps the first row (and the missing
columns are reported).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

#: How many rows from the top of a sheet are looked at for the header.
SCAN_ROWS = 30

Matcher = Callable[[str], bool]
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


@dataclass(frozen=True)
class HeaderChoice:
    """The header found in the first rows of a table."""

    cells: list[str]  # its headings (two rows combined into one)
    rows: tuple[int, ...]  # the row numbers a person sees, one or two
    consumed: int  # how many of the scanned rows it (and a column-number row after it) takes from the top


def cell_text(value: Any) -> str:
    """A heading cell as text: numbers as written, stripped of whitespace and BOM."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\ufeff", "").strip()


def _is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    return bool(_NUMBER.match(cell_text(value)))


def score(cells: Sequence[Any], match: Matcher) -> int:
    """How many distinct known headings a row holds."""
    return len({text for text in map(cell_text, cells) if text and match(text)})


def _blank(cells: Sequence[Any]) -> bool:
    return not any(cell_text(c) for c in cells)


def _column_numbers(cells: Sequence[Any]) -> bool:
    """A row of consecutive column numbers (1, 2, 3 … or (1), (2) …), at least three of them."""
    texts = [cell_text(c).strip("()（）") for c in cells]
    texts = [t for t in texts if t]
    if len(texts) < 3 or not all(t.isdigit() for t in texts):
        return False
    numbers = [int(t) for t in texts]
    return all(b == a + 1 for a, b in zip(numbers, numbers[1:], strict=False))


def combine(upper: Sequence[Any], lower: Sequence[Any], match: Matcher) -> list[str]:
    """One row of headings from two: a sub-heading where there is one (its group heading prefixed unless
    the sub-heading is known by itself), else the heading merged down over both rows."""
    out: list[str] = []
    parent = ""
    for j in range(max(len(upper), len(lower))):
        u = cell_text(upper[j]) if j < len(upper) else ""
        sub = cell_text(lower[j]) if j < len(lower) else ""
        if not sub:
            out.append(u)
            parent = ""  # a heading merged down is nobody's group
            continue
        if u:
            parent = u  # a group heading merged across: it stays in its leftmost cell
        if match(sub) or not parent:
            out.append(sub)
        elif match(parent + sub):
            out.append(parent + sub)
        else:
            out.append(f"{parent}-{sub}")
    return out


def choose_header(head: Sequence[tuple[int, Sequence[Any]]], match: Matcher) -> HeaderChoice | None:
    """The header among ``head`` ((row number, cells) of the first rows, blank rows included, in order);
    None when no row holds a known heading."""
    scores = {k: score(cells, match) for k, (_, cells) in enumerate(head) if not _blank(cells)}
    if not scores:
        return None
    best = max(scores, key=lambda k: (scores[k], -k))
    if scores[best] == 0:
        return None
    options = []
    for upper, lower in ((best - 1, best), (best, best + 1)):
        if upper not in scores or lower not in scores:
            continue  # beyond the scan, or a blank row between
        other = lower if upper == best else upper
        if any(_is_number(c) for c in head[other][1]) or _column_numbers(head[other][1]):
            continue
        cells = combine(head[upper][1], head[lower][1], match)
        combined = score(cells, match)
        if combined > scores[best]:
            options.append((combined, -upper, upper, lower, cells))
    if options:
        _, _, upper, lower, cells = max(options)
        rows, end = (head[upper][0], head[lower][0]), lower + 1
    else:
        cells, rows, end = [cell_text(c) for c in head[best][1]], (head[best][0],), best + 1
    if end < len(head) and _column_numbers(head[end][1]):
        end += 1
    return HeaderChoice(cells, rows, end)


def rows_label(rows: tuple[int, ...]) -> str:
    """“第 3 行” or “第 3-4 行”."""
    return f"第 {rows[0]} 行" if len(rows) == 1 else f"第 {rows[0]}-{rows[-1]} 行"
