"""The SQL rule of service/core/queries.py: a statement of more than one line lives in a ``.sql`` file.

Any ``text(...)`` call in the service whose first argument is a string literal (plain, implicitly
concatenated, or an f-string) that spans more than one source line or holds a newline breaks the rule.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from service.core.queries import SqlFiles
from service.frame import demo

ROOT = Path(__file__).resolve().parents[2]
SERVICE = ROOT / "service"

# "path:line" of statements allowed to stay inline, each with the reason. Keep it empty.
ALLOWED: dict[str, str] = {}


def _literal_has_newline(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return "\n" in node.value
    return any(isinstance(v, ast.Constant) and "\n" in str(v.value) for v in node.values)  # a JoinedStr


def _offending_lines(tree: ast.AST) -> list[int]:
    """Lines of the ``text(...)`` calls in ``tree`` whose literal statement spans lines or holds a newline."""
    lines = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "text"):
            continue
        if not node.args:
            continue
        arg = node.args[0]
        literal = isinstance(arg, ast.JoinedStr) or (
            isinstance(arg, ast.Constant) and isinstance(arg.value, str)
        )
        if literal and (arg.lineno != arg.end_lineno or _literal_has_newline(arg)):
            lines.append(arg.lineno)
    return sorted(lines)


def _inline_multiline_statements() -> list[str]:
    found = []
    for path in sorted(SERVICE.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if "migrations" in relative.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        found += [f"{relative.as_posix()}:{line}" for line in _offending_lines(tree)]
    return found


def test_multiline_statements_live_in_sql_files():
    offending = [where for where in _inline_multiline_statements() if where not in ALLOWED]
    assert not offending, (
        "SQL of more than one line belongs in service/<package>/sql/<name>.sql, loaded with SqlFiles "
        "(see service/core/queries.py):\n" + "\n".join(offending)
    )


def test_the_rule_check_finds_what_it_should():
    """The finder itself: concatenated, triple-quoted and f-string statements count; one-liners do not."""
    source = (
        'X = text("""\nSELECT 1\n""")\n'
        'a = text("SELECT 1 "\n         "FROM t")\n'
        'b = text(f"SELECT {c} "\n          "FROM t")\n'
        'c = text("SELECT 1")\n'
        'd = text(f"SELECT {c} FROM t")\n'
        'e = text("SELECT 1\\nFROM t")\n'
    )
    assert _offending_lines(ast.parse(source)) == [1, 4, 6, 10]


def _columns(listing: str) -> list[str]:
    return [c.strip().removeprefix("d.") for c in listing.split(",")]


def _statement(package: str, name: str) -> str:
    lines = SqlFiles(package).source(name).splitlines()
    return " ".join(line for line in lines if not line.startswith("--"))


def test_demo_record_insert_lists_the_record_columns():
    sql = _statement("service.frame", "demo_insert_records")
    inserted = re.search(r"INSERT INTO hazard_record \((.*?)\)\s*SELECT", sql, re.S).group(1)
    selected = re.search(r"SELECT (.*?) FROM demo_record", sql, re.S).group(1)
    assert _columns(inserted) == ["house_id", "measures", "synthetic", *demo.RECORD_COLUMNS]
    assert _columns(selected) == ["h.id", "measures", "true", *demo.RECORD_COLUMNS]


def test_demo_site_insert_lists_the_site_columns():
    sql = _statement("service.frame", "demo_insert_sites")
    inserted = re.search(r"INSERT INTO sensitive_site \((.*?)\)\s*SELECT", sql, re.S).group(1)
    selected = re.search(r"SELECT (.*?) FROM demo_site", sql, re.S).group(1)
    assert _columns(inserted) == list(demo.SITE_COLUMNS)
    assert _columns(selected) == list(demo.SITE_COLUMNS)
