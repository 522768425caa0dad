"""The inspection form (现场入户检查表): one definition in data, the rules the server enforces.

The form lives in ``geo/forms/inspection_<version>.json`` (docs/inspection_form.md describes its shape and
the condition language). ``web/inspection-rules.js`` implements the same semantics for the page, with the
same problem codes and messages; ``tests/geo/test_inspection_form_parity.py`` holds the two together.

In short: a field that is not relevant is ignored (never checked, and read as null by every condition);
empty means null, a missing key or a blank string (a list is never empty: ``[]`` answers "none", and
``min_count`` asks for more); a condition holds only when it evaluates to ``true``. Wrong types are
problems, never exceptions.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import json
import math
import operator
import re
from dataclasses import dataclass
from decimal import Decimal
from importlib.resources import files

from geo import enums

TYPES = tuple("yes_no select_one select_many integer decimal text date point repeat photos".split())
LIST_TYPES = ("select_many", "repeat", "photos")
CODES = ("required", "type", "choice", "range", "length", "constraint", "rule", "unknown_field")
COMPARISONS = {"gt": operator.gt, "gte": operator.ge, "lt": operator.lt, "lte": operator.le}
BINARY = ("eq", "ne", "in", *COMPARISONS)
OPERATORS = (*BINARY, "and", "or", "not", "empty", "count")
WHITESPACE = " \t\n\r\u3000"
_NAME = re.compile(r"[a-z][a-z0-9_]*")
_PATH = re.compile(r"([a-z0-9_]+)(?:\[([0-9]+)\]\.([a-z0-9_]+))?")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an answer set: the field's path, a code of ``CODES`` and a Chinese message."""

    field: str
    code: str
    message: str


# Loading and checking the definition -----------------------------------------------------------------


def load_form(version: str = "v1") -> dict:
    """The form definition of ``version``, every ``choices_from`` resolved (a copy of a cached one)."""
    return copy.deepcopy(_load(version))


@functools.lru_cache(maxsize=8)
def _load(version: str) -> dict:
    if not re.fullmatch(r"v[0-9]+", version):
        raise ValueError(f"not a form version: {version!r}")
    form = json.loads(
        files("geo").joinpath("forms", f"inspection_{version}.json").read_text(encoding="utf-8")
    )
    for field in [*_all_fields(form), *form["registry_fields"]]:
        if "choices_from" in field:
            field["choices"] = _choices(field)
    check_form(form)
    return form


def _choices(field: dict) -> list[dict]:
    source = field["choices_from"]
    if source == "APPRAISAL_GRADES":  # grades depend on the standard: filtered by choice_filter
        grades = enums.APPRAISAL_GRADES.items()
        return [{"code": g, "label": f"{g}级", "filter": std.value} for std, gs in grades for g in gs]
    enum = next((e for e in enums.ALL_ENUMS if e.__name__ == source), None)
    if enum is None:
        raise ValueError(f"{field['name']}: choices_from names no enumeration of geo.enums: {source}")
    only = field.get("choices_only", enum.codes())
    if set(only) - set(enum.codes()):
        raise ValueError(f"{field['name']}: choices_only names codes {enum.__name__} does not have")
    return [{"code": m.value, "label": m.label} for m in enum if m.value in only]


def _top_fields(form: dict) -> list[dict]:
    return [f for section in form["sections"] for f in section["fields"]]


def _all_fields(form: dict) -> list[dict]:
    return [g for f in _top_fields(form) for g in [f, *f.get("fields", [])]]


def check_form(form: dict) -> None:
    """Raise ``ValueError`` naming every defect of a resolved form: names, types, choices, conditions."""
    errors: list[str] = []
    names = [f["name"] for f in _top_fields(form)]
    registry = {r["name"] for r in form["registry_fields"]}

    def conditions(where: str, conds: list, fields_ok: list[str], items_ok: list[str] | None) -> None:
        for key, cond in conds:
            found = _check_condition(cond, fields_ok, items_ok, registry)
            errors.extend(f"{where}.{key}: {e}" for e in found)

    def check(f: dict, i: int, siblings: list[str], repeat: bool) -> None:
        where, kind, subs = f.get("name", "?"), f.get("type"), [g["name"] for g in f.get("fields", [])]
        defects = {
            "bad name": not _NAME.fullmatch(str(f.get("name"))) or where in ("registry", "item"),
            f"bad type {kind}": kind not in TYPES or (repeat and kind == "repeat"),
            "no choices": kind in ("select_one", "select_many") and not f.get("choices"),
            "choice_filter must name an earlier field": f.get("choice_filter", "") not in ["", *siblings[:i]],
            "shows unknown registry fields": not set(f.get("shows", [])) <= registry,
            "constraint without message": not isinstance(f.get("constraint", {}).get("message", ""), str),
            "a repeat needs uniquely named fields": kind == "repeat" and not len(set(subs)) == len(subs) > 0,
        }
        errors.extend(f"{where}: {defect}" for defect, bad in defects.items() if bad)
        # A relevance reads earlier fields only (answers are masked in form order); other conditions read any.
        before = siblings[:i]
        conditions(
            where, [("relevant", f.get("relevant"))], names if repeat else before, before if repeat else None
        )
        others = [("required", f.get("required")), ("constraint", f.get("constraint", {}).get("condition"))]
        conditions(where, others, names, siblings if repeat else None)
        for j, g in enumerate(f.get("fields", [])):
            check(g, j, subs, True)

    if len(set(names)) != len(names):
        errors.append("field names are not unique")
    for i, f in enumerate(_top_fields(form)):
        check(f, i, names, False)
    for rule in form["rules"]:
        where = f"rule {rule.get('id')}"
        if not (set(rule.get("fields") or [None]) <= set(names) and isinstance(rule.get("message"), str)):
            errors.append(f"{where}: needs top-level fields and a message")
        conditions(where, [("when", rule.get("when")), ("require", rule.get("require"))], names, None)
    if errors:
        raise ValueError("bad inspection form: " + "; ".join(errors))


def _check_condition(cond, fields_ok: list[str], items_ok: list[str] | None, registry: set[str]) -> list[str]:
    errors: list[str] = []

    def walk(c) -> None:
        if isinstance(c, list):
            for x in c:
                walk(x)
        elif isinstance(c, dict):
            op, args = next(iter(c.items())) if len(c) == 1 else (None, None)
            if op not in OPERATORS:
                errors.append(f"unknown operator in {c}")
            elif (op in BINARY and not (isinstance(args, list) and len(args) == 2)) or (
                op in ("and", "or") and not isinstance(args, list)
            ):
                errors.append(f"{op}: wrong operands")
            else:
                walk(args)
        elif isinstance(c, str) and c.startswith("$"):
            head, *rest = c[1:].split(".")
            if head == "registry":
                ok = bool(rest) and rest[0] in registry
            else:
                ok = bool(rest) and rest[0] in items_ok if head == "item" and items_ok else head in fields_ok
            if not ok:
                errors.append(f"reference {c} is not allowed here")

    walk(cond)
    return errors


# Conditions --------------------------------------------------------------------------------------------


@dataclass
class _Ctx:
    answers: dict
    registry: dict
    item: dict | None = None
    counts: dict | None = None


def evaluate(condition, answers: dict, registry: dict, counts: dict | None = None, item: dict | None = None):
    """The value of ``condition`` (docs/inspection_form.md); ``counts`` override ``count`` of a field."""
    return _eval(condition, _Ctx(answers if isinstance(answers, dict) else {}, registry or {}, item, counts))


def _eval(c, ctx: _Ctx):
    if isinstance(c, list):
        return [_eval(x, ctx) for x in c]
    if isinstance(c, str) and c.startswith("$"):
        return _ref(c, ctx)
    if not isinstance(c, dict):
        return c
    op, args = next(iter(c.items())) if len(c) == 1 else (None, None)
    if op in BINARY:
        a, b = _eval(args[0], ctx), _eval(args[1], ctx)
        if op in ("eq", "ne"):
            return _equal(a, b) == (op == "eq")
        if op == "in":
            return isinstance(b, list) and any(_equal(a, x) for x in b)
        return _is_number(a) and _is_number(b) and COMPARISONS[op](a, b)
    if op in ("and", "or"):
        return (all if op == "and" else any)(_eval(x, ctx) is True for x in args)
    if op == "not":
        return _eval(args, ctx) is not True
    if op == "empty":
        return _empty(_eval(args, ctx))
    if op == "count":
        if isinstance(args, str) and args.startswith("$") and args[1:] in (ctx.counts or {}):
            return ctx.counts[args[1:]]
        value = _eval(args, ctx)
        return len(value) if isinstance(value, list) else 0
    raise ValueError(f"not a condition: {c!r}")


def _holds(c, ctx: _Ctx) -> bool:
    return _eval(c, ctx) is True


def _ref(ref: str, ctx: _Ctx):
    head, *rest = ref[1:].split(".")
    value, path = {"registry": (ctx.registry, rest), "item": (ctx.item, rest)}.get(
        head, (ctx.answers, [head, *rest])
    )
    for part in path:
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _is_number(v) -> bool:
    """A finite JSON number, not a boolean (integers beyond a double's range are infinite, as in JS)."""
    if isinstance(v, bool):
        return False
    return abs(v) < 2**1024 if isinstance(v, int) else isinstance(v, float) and math.isfinite(v)


def _equal(a, b) -> bool:
    for kind in (bool, _is_number, str):
        x, y = (kind(a), kind(b)) if kind is _is_number else (isinstance(a, kind), isinstance(b, kind))
        if x or y:
            return x and y and a == b
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    return False


def _empty(v) -> bool:
    return v is None or (isinstance(v, str) and v.strip(WHITESPACE) == "")


# Validation ----------------------------------------------------------------------------------------------


def _plain(v):
    """Registry values as JSON carries them (the database hands out Decimal, dates, tuples)."""
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_plain(x) for x in v]
    return float(v) if isinstance(v, Decimal) else v.isoformat() if isinstance(v, dt.date) else v


def _inputs(answers, registry) -> tuple[dict, dict]:
    """Answers and registry as JSON objects (anything else reads as an empty one)."""
    registry = _plain(registry) if isinstance(registry, dict) else {}
    return (answers if isinstance(answers, dict) else {}), registry


def _effective(fields: list[dict], answers: dict, registry: dict, top: dict | None = None):
    """The answers of relevant fields (in form order: a relevance reads only earlier ones) and the names of
    the relevant fields. Inside a repeat, ``top`` is the top level's effective answers."""
    eff: dict = {}
    relevant: list[str] = []
    for f in fields:
        ctx = _Ctx(eff, registry) if top is None else _Ctx(top, registry, item=eff)
        if "relevant" not in f or _holds(f["relevant"], ctx):
            relevant.append(f["name"])
            if f["name"] in answers:
                eff[f["name"]] = answers[f["name"]]
    return eff, relevant


def _fmt(template: str, **values) -> str:
    def text(v) -> str:  # as JavaScript's String(v) prints the form's numbers
        return str(int(v)) if isinstance(v, float) and v.is_integer() and abs(v) < 1e15 else str(v)

    return re.sub(r"\{(\w+)\}", lambda m: text(values[m.group(1)]), template)


def _is_date(v) -> bool:
    if not isinstance(v, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", v):
        return False
    y, m, d = int(v[:4]), int(v[5:7]), int(v[8:])
    leap = y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
    days = (31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
    return y >= 1 and 1 <= m <= 12 and 1 <= d <= days[m - 1]


_TYPE_CHECKS = {
    "yes_no": lambda v: isinstance(v, bool),
    "integer": lambda v: _is_number(v) and (isinstance(v, int) or v.is_integer()),
    "decimal": _is_number,
    "text": lambda v: isinstance(v, str),
    "select_one": lambda v: isinstance(v, str),
    "date": _is_date,
    "point": lambda v: isinstance(v, dict) and set(v) == {"lon", "lat"} and all(map(_is_number, v.values())),
    "select_many": lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
    "photos": lambda v: isinstance(v, list) and all(isinstance(x, str) and not _empty(x) for x in v),
    "repeat": lambda v: isinstance(v, list),
}


def _unknown(values: dict, known: list[str], prefix: str, msgs: dict) -> list[Problem]:
    keys = sorted(str(k) for k in values if str(k) not in known)
    return [Problem(prefix + k, "unknown_field", _fmt(msgs["unknown_field"], key=k)) for k in keys]


def _check(
    form: dict, f: dict, value, ctx: _Ctx, path: str, name: str, siblings: list[dict]
) -> list[Problem]:
    msgs, t, out = form["messages"], f["type"], []

    def add(code: str, key: str, **values) -> None:
        out.append(Problem(path, code, _fmt(msgs[key], name=name, **values)))

    counts = ctx.counts or {}
    override = ctx.item is None and f["name"] in counts  # photos held outside the answers
    empty = _empty(value)
    if empty and not override and _holds(f.get("required", False), ctx):
        add("required", "required")
        return out
    if not empty and not _TYPE_CHECKS[t](value):
        add("type", "type", type=form["type_names"][t])
        return out
    if not empty:
        codes = [c["code"] for c in f.get("choices", [])]
        if t == "select_one" and value not in codes:
            add("choice", "choice", value=value)
        elif t == "select_one" and "choice_filter" in f:
            chosen = (ctx.item if ctx.item is not None else ctx.answers).get(f["choice_filter"])
            allowed = [c["code"] for c in f["choices"] if _equal(c.get("filter"), chosen)]
            if not _empty(chosen) and value not in allowed:
                other = next(g for g in siblings if g["name"] == f["choice_filter"])
                add("choice", "choice_filter", value=value, other=_fmt(msgs["name"], label=other["label"]))
        if t in ("select_many", "photos"):
            seen: set[str] = set()
            for x in value:
                if t == "select_many" and x not in codes:
                    add("choice", "choice", value=x)
                elif x in seen:
                    add("constraint", "duplicate", value=x)
                seen.add(x)
        if t in ("integer", "decimal", "date"):
            suffix = "_date" if t == "date" else ""
            if "min" in f and value < f["min"]:
                add("range", "min" + suffix, min=f["min"])
            elif "max" in f and value > f["max"]:
                add("range", "max" + suffix, max=f["max"])
        if t == "text" and "max_length" in f and len(value) > f["max_length"]:
            add("length", "length", max=f["max_length"], length=len(value))
        if t == "point" and "bbox" in f:
            west, south, east, north = f["bbox"]
            if not (west <= value["lon"] <= east and south <= value["lat"] <= north):
                add("range", "bbox", west=west, east=east, south=south, north=north)
        if t == "repeat":
            out.extend(_check_items(form, f, value, ctx, path))
    if t in LIST_TYPES:
        n = counts[f["name"]] if override else (len(value) if isinstance(value, list) else 0)
        unit = form["count_units"][t]
        if "min_count" in f and n < f["min_count"]:
            add("range", "min_count", min=f["min_count"], count=n, unit=unit)
        elif "max_count" in f and n > f["max_count"]:
            add("range", "max_count", max=f["max_count"], count=n, unit=unit)
    if not out and not empty and "constraint" in f and not _holds(f["constraint"]["condition"], ctx):
        out.append(Problem(path, "constraint", f["constraint"]["message"]))
    return out


def _check_items(form: dict, f: dict, items: list, ctx: _Ctx, path: str) -> list[Problem]:
    msgs, subs, out = form["messages"], f["fields"], []
    for i, item in enumerate(items):
        where = f"{path}[{i}]"
        if not isinstance(item, dict):
            name = _fmt(msgs["item"], repeat=f["label"], n=i + 1)
            out.append(Problem(where, "type", _fmt(msgs["type"], name=name, type=form["type_names"]["item"])))
            continue
        out.extend(_unknown(item, [g["name"] for g in subs], where + ".", msgs))
        eff, relevant = _effective(subs, item, ctx.registry, ctx.answers)
        for g in (g for g in subs if g["name"] in relevant):
            name = _fmt(msgs["item_name"], repeat=f["label"], n=i + 1, label=g["label"])
            ictx = _Ctx(ctx.answers, ctx.registry, item=eff)
            out.extend(_check(form, g, item.get(g["name"]), ictx, f"{where}.{g['name']}", name, subs))
    return out


def validate(form: dict, answers: dict, registry: dict, photo_count: int | None = None) -> list[Problem]:
    """Every problem of ``answers`` against ``form`` and the house's ``registry`` record, in form order.

    ``photo_count``, when given, is the number of photos held for the inspection (files on the server,
    blobs on the device); it replaces the number of ids in the photos answer.
    """
    msgs = form["messages"]
    if not isinstance(answers, dict):
        return [Problem("", "type", msgs["answers"])]
    registry = _inputs({}, registry)[1]
    top = _top_fields(form)
    problems = _unknown(answers, [f["name"] for f in top], "", msgs)
    eff, relevant = _effective(top, answers, registry)
    counts = {f["name"]: photo_count for f in top if f["type"] == "photos"} if photo_count is not None else {}
    ctx = _Ctx(eff, registry, counts=counts)
    for f in (f for f in top if f["name"] in relevant):
        name = _fmt(msgs["name"], label=f["label"])
        problems += _check(form, f, answers.get(f["name"]), ctx, f["name"], name, top)
    for rule in form["rules"]:  # a rule waits while one of its fields has a problem of its own
        touched = any(p.field == n or p.field.startswith(n + "[") for p in problems for n in rule["fields"])
        if not touched and _holds(rule["when"], ctx) and not _holds(rule["require"], ctx):
            problems.append(Problem(rule["fields"][0], "rule", rule["message"]))
    return problems


def is_relevant(form: dict, field: str, answers: dict, registry: dict) -> bool:
    """Whether ``field`` (a name, or ``repeat[i].name`` inside a repeat) is asked, given the answers."""
    answers, registry = _inputs(answers, registry)
    m, top = _PATH.fullmatch(field) if isinstance(field, str) else None, _top_fields(form)
    f = next((f for f in top if m and f["name"] == m[1]), None)
    if f is None:
        return False
    eff, relevant = _effective(top, answers, registry)
    if f["name"] not in relevant or m[2] is None:
        return f["name"] in relevant
    items, i = eff.get(f["name"]), int(m[2])
    item = items[i] if isinstance(items, list) and i < len(items) and isinstance(items[i], dict) else {}
    return m[3] in _effective(f.get("fields", []), item, registry, eff)[1]


def clean(form: dict, answers: dict, registry: dict) -> dict:
    """The answers of relevant fields only (in repeat items likewise): what the server stores."""
    answers, registry = _inputs(answers, registry)
    eff = _effective(_top_fields(form), answers, registry)[0]
    for f in _top_fields(form):
        if f["type"] == "repeat" and isinstance(eff.get(f["name"]), list):
            items = eff[f["name"]]
            eff[f["name"]] = [
                _effective(f["fields"], x, registry, eff)[0] if isinstance(x, dict) else x for x in items
            ]
    return eff


def prefill(form: dict, registry: dict) -> dict:
    """The form's start for one house: no answer asserted (the inspector answers every question), and the
    registry's values with their Chinese text for display, also per question (``shown``)."""
    registry = _inputs({}, registry)[1]

    def text(spec: dict, value) -> str:
        labels = {c["code"]: c["label"] for c in spec.get("choices", [])}
        if value is None or value == "" or value == []:
            return "未填报"
        if isinstance(value, bool):
            return "是" if value else "否"
        values = value if isinstance(value, list) else [value]
        return "、".join(labels.get(str(v), _fmt("{v}", v=v)) for v in values)

    record = {}
    for r in form["registry_fields"]:
        value = registry.get(r["name"])
        record[r["name"]] = {"label": r["label"], "value": value, "text": text(r, value)}
    top = _top_fields(form)
    shown = {f["name"]: [{**record[k], "field": k} for k in f["shows"]] for f in top if "shows" in f}
    return dict(form=form["form"], version=form["version"], answers={}, registry=record, shown=shown)


def summary(form: dict, answers: dict, registry: dict) -> dict:
    """What the estimates need from one inspection (None where unanswered or of a wrong type). It reads v1's
    field names: a version that renames them updates this function."""
    answers, registry = _inputs(answers, registry)
    eff, relevant = _effective(_top_fields(form), answers, registry)

    def yes_no(name: str) -> bool | None:
        return eff[name] if isinstance(eff.get(name), bool) else None

    checks = {n.removesuffix("_accurate"): yes_no(n) for n in relevant if n.endswith("_accurate")}
    wrong = [n for n, v in checks.items() if v is False]
    confirmed, found = yes_no("hazard_confirmed"), yes_no("missed_houses_found")
    missed = eff.get("missed_houses")
    hazard = registry.get("initial_determination") if confirmed else eff.get("hazard_observed")
    return {
        "record_accurate": False if wrong else (None if None in checks.values() else True),
        "record_mismatches": wrong,
        "hazard_correct": confirmed,
        "hazard_determination": hazard,
        "rectification_observed": eff.get("rectification_observed"),
        "paper_rectification": yes_no("paper_rectification") if "paper_rectification" in relevant else False,
        "missed_houses": 0 if found is False else len(missed) if found and isinstance(missed, list) else None,
        "collapse_risk": yes_no("collapse_risk") if "collapse_risk" in relevant else False,
        "platform_updated": yes_no("platform_updated"),
    }
