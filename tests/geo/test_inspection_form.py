"""The inspection form: its definition loads and is consistent with geo.enums, and the server's rules fire."""

from __future__ import annotations

import copy
import datetime as dt
import json
from decimal import Decimal
from importlib.resources import files
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo import enums
from geo import inspection_form as inf

FORM = inf.load_form()
TOP = [f for s in FORM["sections"] for f in s["fields"]]
ALL = [g for f in TOP for g in [f, *f.get("fields", [])]]  # with the fields of repeats
BY_NAME = {f["name"]: f for f in TOP}
RULES = {r["id"]: r for r in FORM["rules"]}
RAW = json.loads(files("geo").joinpath("forms", "inspection_v1.json").read_text(encoding="utf-8"))

REGISTRY = {
    "survey_code": "620102-2022-000123", "address": "城关区张掖路街道中山路12号", "use_class": "commercial",
    "business_type": "catering", "area_type": "built_up", "structure": "masonry", "floors": 4,
    "build_era": "1991_2000", "floor_area_m2": 320.5, "alterations": ["rooftop_storey"], "geohazards": [],
    "initial_determination": "serious", "hazard_grade": "general", "appraisal_status": "done",
    "appraisal_standard": "JGJ125-2016", "appraisal_grade": "C", "rectification_status": "done",
    "rectification_deadline": "2024-06-30", "measures": ["repair_strengthen"], "closed_out": False,
}  # fmt: skip
RECORD = ["address", "use_class", "business_type", "area_type", "structure", "floors", "build_era",
          "floor_area_m2", "alterations", "geohazards"]  # fmt: skip
ANSWERS = {
    **{f"{name}_accurate": True for name in RECORD},
    "hazard_confirmed": True, "rectification_observed": "done", "rectification_measures_observed": ["repair_strengthen"],
    "paper_rectification": False, "appraisal_status_observed": "done", "appraisal_standard": "JGJ125-2016",
    "appraisal_grade": "C", "appraisal_report_date": "2023-05-12", "platform_updated": True, "occupancy": "in_use",
    "people_count": 6, "collapse_risk": False, "missed_houses_found": False, "photos": ["p1", "p2", "p3", "p4"],
    "remarks": "房主配合检查。",
}  # fmt: skip
MISSED = {"point": {"lon": 103.83, "lat": 36.06}, "address": "中山路14号", "use_class": "mixed",
          "business_type": "retail", "floors": 3, "hazard_seen": "some", "note": "底层商铺"}  # fmt: skip


def answers(**changes) -> dict:
    """The valid answer set with ``changes`` (a value of ``...`` removes the key)."""
    out = copy.deepcopy(ANSWERS)
    for key, value in changes.items():
        out.pop(key) if value is ... else out.__setitem__(key, value)
    return out


def registry(**changes) -> dict:
    return {**REGISTRY, **changes}


def found(problems) -> list[tuple[str, str, str]]:
    return [(p.field, p.code, p.message) for p in problems]


def walk(cond):
    """Every sub-condition of ``cond`` (dicts), depth first."""
    if isinstance(cond, list):
        for x in cond:
            yield from walk(x)
    elif isinstance(cond, dict):
        yield cond
        yield from walk(next(iter(cond.values())))


def conditions(form):
    for f in ALL:
        for key in ("relevant", "required"):
            if isinstance(f.get(key), dict):
                yield f, f[key]
        if "constraint" in f:
            yield f, f["constraint"]["condition"]
    for rule in form["rules"]:
        yield rule, rule["when"]
        yield rule, rule["require"]


# The definition ------------------------------------------------------------------------------------


def test_form_loads_with_its_sections_and_unique_names():
    assert FORM["version"] == "v1" and FORM["form"] == "inspection"
    assert [s["id"] for s in FORM["sections"]] == [
        "record", "hazard", "rectification", "appraisal", "status", "safety", "missed", "photos", "remarks",
    ]  # fmt: skip
    assert len(BY_NAME) == len(TOP)
    for f in ALL:
        assert f["type"] in inf.TYPES
        assert any("\u4e00" <= ch <= "\u9fff" for ch in f["label"]), f["name"]
    for name in RECORD:
        assert BY_NAME[f"{name}_accurate"]["type"] == "yes_no"
        assert BY_NAME[f"{name}_observed"]["required"] is True


def test_every_choices_from_names_an_enum_and_resolves_to_its_codes():
    raw_fields = [g for s in RAW["sections"] for f in s["fields"] for g in [f, *f.get("fields", [])]]
    enums_by_name = {e.__name__: e for e in enums.ALL_ENUMS}
    resolved = {f["name"]: f for f in [*FORM["registry_fields"], *ALL]}
    sources = [f for f in [*raw_fields, *RAW["registry_fields"]] if "choices_from" in f]
    assert len(sources) > 15
    for f in sources:
        choices = resolved[f["name"]]["choices"]
        if f["choices_from"] == "APPRAISAL_GRADES":
            grades = [(g, s.value) for s, gs in enums.APPRAISAL_GRADES.items() for g in gs]
            assert [(c["code"], c["filter"]) for c in choices] == grades
            continue
        enum = enums_by_name[f["choices_from"]]
        wanted = [m for m in enum if m.value in f.get("choices_only", enum.codes())]
        assert [(c["code"], c["label"]) for c in choices] == [(m.value, m.label) for m in wanted]
    control = [c["code"] for c in BY_NAME["control_measures"]["choices"]]
    assert control == ["stop_use", "seal_and_warn", "evacuate"]


def test_every_condition_references_known_fields_and_literal_codes_are_choices():
    inf.check_form(FORM)
    registry_fields = {r["name"]: r for r in FORM["registry_fields"]}
    for owner, cond in conditions(FORM):
        for c in walk(cond):
            op, args = next(iter(c.items()))
            if op not in ("eq", "ne", "in") or not isinstance(args[0], str) or not args[0].startswith("$"):
                continue
            head, *rest = args[0][1:].split(".")
            field = registry_fields.get(rest[0]) if head == "registry" else BY_NAME.get(head)
            if head == "item":
                field = next(g for g in BY_NAME["missed_houses"]["fields"] if g["name"] == rest[0])
            literals = args[1] if op == "in" else [args[1]]
            if (
                field
                and "choices" in field
                and all(isinstance(x, str) and not x.startswith("$") for x in literals)
            ):
                codes = [ch["code"] for ch in field["choices"]]
                assert set(literals) <= set(codes), (owner.get("name") or owner.get("id"), literals)


@pytest.mark.parametrize(
    ("path", "value", "error"),
    [
        (("sections", 0, "fields", 1, "relevant"), {"eq": ["$nope", False]}, "reference $nope"),
        (
            ("sections", 0, "fields", 0, "relevant"),
            {"eq": ["$address_observed", 1]},
            "reference $address_observed",
        ),
        (("sections", 0, "fields", 0, "relevant"), {"xor": [True]}, "unknown operator"),
        (("sections", 0, "fields", 0, "relevant"), {"empty": "$registry.owner"}, "reference $registry.owner"),
        (("rules", 0, "when"), {"eq": ["$item.floors", 1]}, "reference $item.floors"),
        (("sections", 0, "fields", 0, "type"), "checkbox", "bad type"),
    ],
)
def test_a_bad_form_is_refused(path, value, error):
    form = copy.deepcopy(FORM)
    target = form
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(ValueError, match=error.replace("$", r"\$")):
        inf.check_form(form)


def test_load_form_is_cached_but_returns_a_copy_and_refuses_bad_versions():
    form = inf.load_form()
    form["sections"].clear()
    assert inf.load_form()["sections"]
    for bad in ("../x", "v2", "V1"):
        with pytest.raises((ValueError, FileNotFoundError)):
            inf.load_form(bad)
    assert files("geo").joinpath("forms", "inspection_v1.json").is_file()  # ships inside the package


def test_the_guide_names_every_field_rule_and_code():
    guide = (Path(__file__).resolve().parents[2] / "docs" / "inspection_form.md").read_text(encoding="utf-8")
    for f in ALL:
        assert f"`{f['name']}`" in guide, f["name"]
    for rule in FORM["rules"]:
        assert f"`{rule['id']}`" in guide, rule["id"]
    for code in inf.CODES:
        assert f"`{code}`" in guide, code


# Validation ----------------------------------------------------------------------------------------


def test_a_complete_valid_answer_set_validates_clean():
    assert inf.validate(FORM, ANSWERS, REGISTRY) == []
    assert inf.validate(FORM, answers(photos=...), REGISTRY, photo_count=4) == []
    with_missed = answers(missed_houses_found=True, missed_houses=[MISSED, {**MISSED, "use_class": "non_commercial",
                          "business_type": None}])  # fmt: skip
    assert inf.validate(FORM, with_missed, REGISTRY) == []
    assert inf.summary(FORM, ANSWERS, REGISTRY) == {
        "record_accurate": True, "record_mismatches": [], "hazard_correct": True, "hazard_determination": "serious",
        "rectification_observed": "done", "paper_rectification": False, "missed_houses": 0, "collapse_risk": False,
        "platform_updated": True,
    }  # fmt: skip


def test_the_prefill_asserts_nothing_and_shows_the_registry():
    start = inf.prefill(
        FORM, registry(floor_area_m2=Decimal("320.5"), rectification_deadline=dt.date(2024, 6, 30))
    )
    assert start["answers"] == {} and start["version"] == "v1"
    assert start["registry"]["use_class"]["text"] == "经营性自建房"
    assert start["registry"]["floor_area_m2"]["value"] == 320.5
    assert start["registry"]["rectification_deadline"]["value"] == "2024-06-30"
    assert (
        start["registry"]["alterations"]["text"] == "楼顶加层"
        and start["registry"]["geohazards"]["text"] == "未填报"
    )
    assert [s["text"] for s in start["shown"]["hazard_confirmed"]] == ["存在严重安全隐患", "一般安全隐患"]
    assert inf.validate(FORM, start["answers"], REGISTRY)  # an inspector must answer


def _msg(key: str, **values) -> str:
    return inf._fmt(FORM["messages"][key], **values)


def _name(field: str) -> str:
    return _msg("name", label=BY_NAME[field]["label"])


# fmt: off
REQUIREMENTS = [
    (answers(hazard_confirmed=...), REGISTRY, "hazard_confirmed", "required",
     "“平台隐患判定（初判结论及隐患等级）是否准确”为必填项"),
    (answers(use_class_accurate=False), REGISTRY, "use_class_observed", "required", "“实际房屋用途”为必填项"),
    (answers(use_class_accurate=False, use_class_observed="commercial"), REGISTRY, "use_class_observed", "constraint",
     "实际房屋用途与平台记录相同，应选择“准确”"),
    (answers(floors_accurate=False, floors_observed=0), REGISTRY, "floors_observed", "range", "“实际房屋层数”不能小于1"),
    (answers(floors_accurate=False, floors_observed=2.5), REGISTRY, "floors_observed", "type",
     "“实际房屋层数”的值类型不正确，应为整数"),
    (answers(address_accurate=False, address_observed="   "), REGISTRY, "address_observed", "required",
     "“实际房屋地址”为必填项"),
    (answers(address_accurate=False, address_observed="路" * 201), REGISTRY, "address_observed", "length",
     "“实际房屋地址”不能超过200个字，当前201个字"),
    (answers(structure_accurate=False, structure_observed="茅草"), REGISTRY, "structure_observed", "choice",
     "“实际结构类型”的选项“茅草”不在可选范围内"),
    (answers(hazard_confirmed=False), REGISTRY, "hazard_observed", "required", "“现场隐患判定”为必填项"),
    (answers(rectification_measures_observed=...), REGISTRY, "rectification_measures_observed", "required",
     "“现场所见整治措施”为必填项"),
    (answers(paper_rectification=True), REGISTRY, "paper_rectification_note", "required",
     "“数字整治情况说明”为必填项"),
    (answers(appraisal_grade="Asu"), REGISTRY, "appraisal_grade", "choice",
     "“鉴定等级”的选项“Asu”不适用于所选“鉴定标准”"),
    (answers(appraisal_report_date="2023-02-30"), REGISTRY, "appraisal_report_date", "type",
     "“鉴定报告日期”的值类型不正确，应为日期（YYYY-MM-DD）"),
    (answers(people_count=-1), REGISTRY, "people_count", "range", "“居住或经营人数”不能小于0"),
    (answers(collapse_risk=True), REGISTRY, "control_measures", "required", "“现场已采取的管控措施”为必填项"),
    (answers(collapse_risk=True, control_measures=[]), REGISTRY, "control_measures", "range",
     "“现场已采取的管控措施”至少需要1项，当前0项"),
    (answers(collapse_risk=True, control_measures=["evacuate", "fine"]), REGISTRY, "control_measures", "choice",
     "“现场已采取的管控措施”的选项“fine”不在可选范围内"),
    (answers(missed_houses_found=True), REGISTRY, "missed_houses", "required", "“漏排房屋”为必填项"),
    (answers(missed_houses_found=True, missed_houses=[{**MISSED, "point": {"lon": 120.0, "lat": 36.0}}]), REGISTRY,
     "missed_houses[0].point", "range",
     "“漏排房屋”第1条的“位置（CGCS2000 经纬度）”超出范围（经度92至109，纬度32至43）"),
    (answers(missed_houses_found=True, missed_houses=[{**MISSED, "business_type": None}]), REGISTRY,
     "missed_houses[0].business_type", "required", "“漏排房屋”第1条的“经营范围”为必填项"),
    (answers(missed_houses_found=True, missed_houses=["x"]), REGISTRY, "missed_houses[0]", "type",
     "“漏排房屋”第1条的值类型不正确，应为对象"),
    (answers(photos=["p1"]), registry(initial_determination="some"), "photos", "range",
     "“现场照片”至少需要2张，当前1张"),
    (answers(photos=["p1", "p1"]), registry(initial_determination="some"), "photos", "constraint",
     "“现场照片”包含重复项“p1”"),
    (answers(remarks="备" * 1001), REGISTRY, "remarks", "length", "“其他情况说明”不能超过1000个字，当前1001个字"),
    (answers(colour="red"), REGISTRY, "colour", "unknown_field", "未知字段“colour”"),
]
# fmt: on


@pytest.mark.parametrize(("given", "reg", "field", "code", "message"), REQUIREMENTS)
def test_each_requirement_fires_with_its_chinese_message(given, reg, field, code, message):
    problems = found(inf.validate(FORM, given, reg))
    assert (field, code, message) in problems, problems


RULE_CASES = {
    "paper_rectification_flagged": answers(rectification_observed="in_progress"),
    "paper_rectification_not_done": answers(paper_rectification=True, paper_rectification_note="材料齐全但现场未动工"),
    "platform_lags_rectification": (answers(paper_rectification=..., rectification_measures_observed=[]),
                                    registry(rectification_status="in_progress")),
    "confirmed_grade_matches_collapse_risk": answers(collapse_risk=True, control_measures=["stop_use"], people_count=0),
    "collapse_risk_is_a_hazard": (answers(collapse_risk=True, control_measures=["stop_use"], people_count=0,
                                          hazard_confirmed=False, hazard_observed="none_found", hazard_note="无")),
    "collapse_risk_occupants_evacuated": (answers(collapse_risk=True, control_measures=["stop_use"]),
                                          registry(hazard_grade="collapse_risk")),
    "serious_hazard_photos": answers(photos=["p1", "p2", "p3"]),
}  # fmt: skip


@pytest.mark.parametrize("rule_id", list(RULES))
def test_each_rule_fires_with_its_chinese_message(rule_id):
    case = RULE_CASES[rule_id]
    given, reg = case if isinstance(case, tuple) else (case, REGISTRY)
    rule = RULES[rule_id]
    problems = found(inf.validate(FORM, given, reg))
    assert (rule["fields"][0], "rule", rule["message"]) in problems, problems


def test_a_rule_waits_for_its_fields_own_problems():
    problems = found(
        inf.validate(FORM, answers(rectification_observed="in_progress", paper_rectification="是"), REGISTRY)
    )
    assert [p[1] for p in problems] == ["type"]


def test_irrelevant_answers_are_ignored_and_read_as_null():
    stale = answers(
        use_class_observed="bogus", hazard_observed="none_found", people_count="many", occupancy="vacant"
    )
    assert inf.validate(FORM, stale, REGISTRY) == []
    assert not inf.is_relevant(FORM, "people_count", stale, REGISTRY)
    assert inf.is_relevant(FORM, "missed_houses[0].business_type", answers(missed_houses_found=True,
                           missed_houses=[MISSED]), REGISTRY)  # fmt: skip
    assert inf.clean(FORM, stale, REGISTRY).keys() == answers(people_count=...).keys() - {"people_count"}
    summary = inf.summary(FORM, answers(use_class_accurate=False, use_class_observed="mixed"), REGISTRY)
    assert summary["record_accurate"] is False and summary["record_mismatches"] == ["use_class"]


def test_a_registry_without_a_value_does_not_ask_about_it():
    reg = registry(business_type=None, floor_area_m2=None)
    given = answers(business_type_accurate=..., floor_area_m2_accurate=...)
    assert inf.validate(FORM, given, reg) == []
    # ... unless the house turns out to be commercial: then its business type is asked.
    reg = registry(use_class="non_commercial", business_type=None)
    problems = found(
        inf.validate(FORM, answers(use_class_accurate=False, use_class_observed="commercial"), reg)
    )
    assert problems == [("business_type_observed", "required", "“实际经营范围”为必填项")]


def test_photo_count_replaces_the_ids():
    assert found(
        inf.validate(FORM, answers(photos=...), registry(initial_determination="some"), photo_count=1)
    ) == [("photos", "range", "“现场照片”至少需要2张，当前1张")]
    assert inf.validate(FORM, answers(photos=["a"]), REGISTRY, photo_count=5) == []


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**20), 10**20) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=5) | st.sampled_from(["done", "serious", "evacuate", "JGJ125-2016", "A", "2024-01-01"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["lon", "lat", "floors", "x"]), inner),
    max_leaves=8,
)  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(st.sampled_from([*BY_NAME, "junk"]), json_values, max_size=12),
    st.dictionaries(st.sampled_from(list(REGISTRY)), json_values, max_size=6),
    st.none() | st.integers(0, 40),
)
def test_wrong_types_never_raise(given, reg, photo_count):
    problems = inf.validate(FORM, {**ANSWERS, **given}, {**REGISTRY, **reg}, photo_count)
    assert all(p.code in inf.CODES and isinstance(p.message, str) and p.message for p in problems)
    inf.summary(FORM, given, reg)
    inf.is_relevant(FORM, "missed_houses[0].business_type", given, reg)


@pytest.mark.parametrize("bad", [None, [], "answers", 3])
def test_answers_that_are_not_an_object_are_one_problem(bad):
    assert found(inf.validate(FORM, bad, REGISTRY)) == [("", "type", "答卷格式不正确，应为对象")]
    assert isinstance(inf.validate(FORM, ANSWERS, "not a registry"), list)  # no registry: read as {}
