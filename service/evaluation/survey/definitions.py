"""The questionnaire definitions: one data file per year (``definitions/<year>.json``), each with the four
parts the notice names (基本信息, 满意度, 需求, 开放性问题) for each group (干部 ``official``, 工作人员 ``staff``,
群众 ``resident``): questions, the five-level scale with its scores, the items' weights λj, and the themes
open answers are grouped by. A survey year uses the newest definition not after it."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from geo.satisfaction import normalise, scale_scores
from service.core.errors import NotFound

GROUPS = ("official", "staff", "resident")
GROUP_LABELS = {"official": "干部", "staff": "工作人员", "resident": "群众"}
CHANNEL_LABELS = {"link": "链接/二维码", "account": "账户填写", "paper": "纸质录入"}
QUESTION_TYPES = ("choice", "multi", "text")


def _check(d: dict, name: str) -> dict:
    """Refuse a definition file that cannot be answered or scored (at start, by the tests)."""
    levels = sorted(scale_scores(d["scale"]))
    if levels != [1, 2, 3, 4, 5]:
        raise ValueError(f"{name}: the scale must have the levels 1–5")
    if sorted(d["groups"]) != sorted(GROUPS):
        raise ValueError(f"{name}: groups must be {GROUPS}")
    for group, g in d["groups"].items():
        keys = [q["key"] for part in ("basic", "items", "needs", "open") for q in g[part]]
        if len(keys) != len(set(keys)) or not g["items"]:
            raise ValueError(f"{name} {group}: question keys must be unique and items not empty")
        normalise({i["key"]: float(i["weight"]) for i in g["items"]})
        for q in g["basic"] + g["needs"]:
            if q["type"] not in QUESTION_TYPES or (q["type"] != "text" and not q.get("options")):
                raise ValueError(f"{name} {group} {q['key']}: bad question type or no options")
    return d


@cache
def _all() -> dict[int, dict]:
    out = {}
    for entry in resources.files("service.evaluation.survey").joinpath("definitions").iterdir():
        if entry.name.endswith(".json"):
            d = json.loads(entry.read_text(encoding="utf-8"))
            out[int(d["year"])] = _check(d, entry.name)
    return dict(sorted(out.items()))


def years() -> list[int]:
    """The years that have their own definition."""
    return list(_all())


def definition_for(year: int) -> dict:
    """The definition a survey of ``year`` uses: the newest one not after it (404 when there is none)."""
    usable = [y for y in _all() if y <= year]
    if not usable:
        raise NotFound(
            f"{year} 年没有可用的调查问卷（最早的问卷为 {min(_all())} 年）。",
            f"No questionnaire definition for {year}.",
        )
    return _all()[max(usable)]


def weights(d: dict, group: str) -> dict[str, float]:
    """The items' weights λj of a group (as written; ``geo.satisfaction`` normalises them)."""
    return {i["key"]: float(i["weight"]) for i in d["groups"][group]["items"]}


def public_part(d: dict, group: str) -> dict:
    """What a respondent's page needs of a definition: the title, the scale and one group's questions."""
    g = d["groups"][group]
    part = {k: g[k] for k in ("title", "intro", "basic", "items", "needs", "open")}
    return {"year": d["year"], "questionnaire": d["title"], "parts": d["parts"], "scale": d["scale"],
            "group": group, "group_label": GROUP_LABELS[group], **part}  # fmt: skip
