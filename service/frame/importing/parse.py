"""Vectorised parsing of one chunk of raw text into typed columns, with row-level errors.

Every parser takes a pandas Series of str/None and returns (values, bad mask). Invalid values become
null and are reported; nothing is guessed silently.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from geo import enums
from service.frame.importing.fields import Field, FieldType, Mapping
from service.frame.importing.report import Report

_LIST_SPLIT = re.compile(r"[、,，;；/|\s]+")
_SPACES = re.compile(r"[\s\u3000]+")
_TRUE = {"是", "y", "yes", "true", "1", "已销号", "√", "t"}
_FALSE = {"否", "n", "no", "false", "0", "未销号", "×", "f"}


def _key(value: str) -> str:
    return _SPACES.sub("", value).lower()


def vocabulary_lookup(f: Field, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Every accepted spelling of the field's vocabulary (labels, codes, aliases), normalised."""
    assert f.enum is not None
    lookup: dict[str, str] = {}
    for member in f.enum:
        lookup[_key(member.label)] = member.value
        lookup[_key(member.value)] = member.value
    for spelling, code in {**f.aliases, **(extra or {})}.items():
        lookup[_key(spelling)] = f.enum(code).value
    return lookup


def parse_text(s: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Stripped text; blank is null. (Trimmed in Arrow: a million addresses per column in C++.)"""
    arr = pc.utf8_trim_whitespace(pa.array(s.to_numpy(dtype=object), type=pa.string(), from_pandas=True))
    arr = pc.if_else(pc.equal(arr, ""), pa.scalar(None, pa.string()), arr)
    return pd.Series(arr.to_numpy(zero_copy_only=False), index=s.index, dtype=object), np.zeros(
        len(s), dtype=bool
    )


def _numeric(s: pd.Series, clean) -> pd.Series:
    """to_numeric on the raw text; only the values it refuses are cleaned and tried again."""
    values = pd.to_numeric(s, errors="coerce")
    retry = (s.notna() & values.isna()).to_numpy()
    if retry.any():
        values = values.astype("float64")
        values[retry] = pd.to_numeric(clean(s[retry]), errors="coerce")
    return values


def parse_float(s: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Decimal numbers (spaces and thousands separators accepted)."""
    values = _numeric(
        s, lambda r: r.str.strip().str.replace(",", "", regex=False).str.replace("，", "", regex=False)
    )
    bad = (s.notna() & values.isna()).to_numpy()
    return values.astype("float64"), bad


def parse_int(s: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Whole numbers; a unit suffix such as 层 or 年 is allowed."""
    values = _numeric(s, lambda r: r.str.strip().str.replace(r"(层|年|栋)$", "", regex=True)).astype(
        "float64"
    )
    integral = values.isna() | (values == values.round())
    bad = (s.notna() & (values.isna() | ~integral)).to_numpy()
    return values.where(~pd.Series(bad, index=s.index)).astype("Int64"), bad


def parse_enum(s: pd.Series, lookup: dict[str, str]) -> tuple[pd.Series, np.ndarray]:
    """Codes of a vocabulary from any accepted spelling."""
    keys = s.str.replace(_SPACES.pattern, "", regex=True).str.lower()
    values = keys.map(lookup)
    bad = (s.notna() & values.isna()).to_numpy()
    return values.astype(object).where(values.notna(), None), bad


def parse_enum_list(s: pd.Series, lookup: dict[str, str]) -> tuple[pd.Series, np.ndarray]:
    """Lists of codes from text separated by 、 , ; / or spaces; 无 means an empty list (None: no value)."""
    out: list[list[str]] = []
    bad = np.zeros(len(s), dtype=bool)
    for i, raw in enumerate(s.to_numpy()):
        if raw is None or raw.strip() in ("", "无", "否"):
            out.append([])
            continue
        codes = []
        for part in _LIST_SPLIT.split(raw.strip()):
            if not part:
                continue
            code = lookup.get(_key(part))
            if code is None:
                bad[i] = True
                break
            if code not in codes:
                codes.append(code)
        out.append([] if bad[i] else codes)
    return pd.Series(out, index=s.index, dtype=object), bad


def parse_date(s: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Dates written 2024-03-01, 2024/3/1, 2024.3.1, 2024年3月1日, 20240301, or ISO with a time."""
    text = s.str.strip().str.replace(r"[T\s].*$", "", regex=True)
    text = text.str.replace(r"^(\d{4})(\d{2})(\d{2})$", r"\1-\2-\3", regex=True)
    text = text.str.replace(r"[年月/.]", "-", regex=True).str.replace("日", "", regex=False)
    values = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    bad = (s.notna() & values.isna()).to_numpy()
    return values.dt.date.astype(object).where(values.notna(), None), bad


def parse_bool(s: pd.Series, extra: dict[str, str] | None = None) -> tuple[pd.Series, np.ndarray]:
    """是/否, Y/N, true/false, 1/0, √/×, 已销号/未销号, and a field's own spellings (``extra``: "true"/"false")."""
    true, false = set(_TRUE), set(_FALSE)
    for spelling, meaning in (extra or {}).items():
        (true if meaning == "true" else false).add(spelling.strip().lower())
    keys = s.str.replace(_SPACES.pattern, "", regex=True).str.lower()
    values = keys.map(lambda k: True if k in true else (False if k in false else None))
    bad = (s.notna() & values.isna()).to_numpy()
    return values.astype(object).where(values.notna(), None), bad


_GRADE = re.compile(r"^\s*([ABCDabcd])\s*(su)?\s*(级)?", re.IGNORECASE)


def parse_grade(s: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Appraisal grades: A-D (JGJ 125) or Asu-Dsu (GB 50292); 'C级', 'D级危房' accepted."""
    extracted = s.str.extract(_GRADE)
    letter = extracted[0].str.upper()
    values = letter.where(extracted[1].isna(), letter + "su")
    bad = (s.notna() & values.isna()).to_numpy()
    return values.astype(object).where(values.notna(), None), bad


MESSAGES = {
    FieldType.FLOAT: ("bad_number", "“{label}”应为数字。"),
    FieldType.INT: ("bad_integer", "“{label}”应为整数。"),
    FieldType.DATE: ("bad_date", "“{label}”应为日期，如 2024-03-01。"),
    FieldType.BOOL: ("bad_bool", "“{label}”应为“是”或“否”。"),
    FieldType.GRADE: (
        "bad_grade",
        "“{label}”应为 A/B/C/D（JGJ 125-2016）或 Asu/Bsu/Csu/Dsu（GB 50292-2015）。",
    ),
}


def by_unique(raw: pd.Series, parser, *args) -> tuple[pd.Series, np.ndarray]:
    """Run ``parser`` on the distinct values only and spread the result back over the rows.

    Vocabulary-like columns (use class, structure, dates, grades) hold a few hundred distinct values in a
    million rows: parsing those once keeps a province-sized import fast.
    """
    codes, uniques = pd.factorize(raw.to_numpy(dtype=object), use_na_sentinel=True)
    if len(uniques) == 0:
        return pd.Series([None] * len(raw), index=raw.index, dtype=object), np.zeros(len(raw), dtype=bool)
    values, bad = parser(pd.Series(uniques, dtype=object), *args)
    values = np.append(np.asarray(values.to_numpy(dtype=object)), None)  # index -1 -> None
    bad = np.append(np.asarray(bad, dtype=bool), False)
    return pd.Series(values[codes], index=raw.index, dtype=object), bad[codes]


def parse_frame(
    frame: pd.DataFrame, rows: np.ndarray, fields: tuple[Field, ...], mapping: Mapping, report: Report
) -> pd.DataFrame:
    """Typed columns (named by field) for every mapped field; unmapped fields are all null."""
    out: dict[str, object] = {}
    given: dict[str, np.ndarray] = {}  # whether each row has a value, by field
    n = len(frame)
    for f in fields:
        header = mapping.header_of(f.name)
        if header is None:
            out[f.name] = pd.Series([None] * n, index=frame.index, dtype=object)  # lists too: None is empty
            continue
        raw = frame[header]
        if f.type == FieldType.TEXT:
            values, bad = parse_text(raw)
        elif f.type == FieldType.FLOAT:
            values, bad = parse_float(raw)
        elif f.type == FieldType.INT:
            values, bad = parse_int(raw)
        elif f.type == FieldType.DATE:
            values, bad = by_unique(raw, parse_date)
        elif f.type == FieldType.BOOL:
            values, bad = by_unique(raw, parse_bool, f.aliases)
        elif f.type == FieldType.GRADE:
            values, bad = by_unique(raw, parse_grade)
        else:
            lookup = vocabulary_lookup(f, mapping.values.get(f.name))
            parser = parse_enum if f.type == FieldType.ENUM else parse_enum_list
            values, bad = by_unique(raw, parser, lookup)
        if bad.any():
            raw_values = raw.to_numpy(dtype=object)
            if f.enum is not None:
                allowed = "、".join(m.label for m in f.enum)
                code, message = "bad_value", f"“{f.label}”的取值不在规定范围内。可用取值：{allowed}。"
            else:
                code, template = MESSAGES[f.type]
                message = template.format(label=f.label)
            report.errors_where(bad, rows, header, raw_values, code, message)
        given[f.name] = raw.notna().to_numpy()
        if f.required and not (f.alternative and mapping.header_of(f.alternative)):
            missing = values.isna().to_numpy() & ~bad
            report.errors_where(missing, rows, header, None, "required", f"“{f.label}”为必填项，不能为空。")
        out[f.name] = values
    for f in fields:
        if f.required and f.alternative and mapping.header_of(f.alternative):
            other = next(g for g in fields if g.name == f.alternative)
            neither = ~given.get(f.name, np.zeros(n, dtype=bool)) & ~given[f.alternative]
            column = mapping.header_of(f.name) or mapping.header_of(f.alternative)
            report.errors_where(neither, rows, column, None, "required",
                                f"“{f.label}”与“{other.label}”至少应填写一项。")  # fmt: skip
    return pd.DataFrame(out, index=frame.index)


def check_house_consistency(
    typed: pd.DataFrame, rows: np.ndarray, mapping: Mapping, report: Report
) -> pd.DataFrame:
    """Cross-field rules of a house row; fills what follows from other fields (floors band, era, standard)."""
    t = typed
    col = mapping.header_of

    # Floors band follows from floors; when both are given they must agree.
    floors = t["floors"]
    known = floors.notna().to_numpy()
    high = (floors.fillna(0) >= 3).to_numpy()
    bands = np.where(high, enums.FloorsBand.THREE_PLUS.value, enums.FloorsBand.BELOW_THREE.value)
    derived_band = pd.Series(np.where(known, bands, None), index=t.index, dtype=object)
    clash = (t["floors_band"].notna() & derived_band.notna() & (t["floors_band"] != derived_band)).to_numpy()
    report.errors_where(clash, rows, col("floors_band"), t["floors_band"].to_numpy(), "inconsistent",
                        "“层数类别”与“层数”不一致。")  # fmt: skip
    t["floors_band"] = t["floors_band"].where(t["floors_band"].notna(), derived_band)
    bad_floors = (floors.notna() & ((floors < 1) | (floors > 60))).to_numpy()
    report.errors_where(
        bad_floors, rows, col("floors"), floors.to_numpy(), "bad_integer", "“层数”应在 1-60 之间。"
    )

    # Construction era follows from the year.
    year = t["build_year"]
    derived_era = by_unique(year.astype(object).where(year.notna(), None), _eras)[0]
    clash = (t["build_era"].notna() & derived_era.notna() & (t["build_era"] != derived_era)).to_numpy()
    report.errors_where(clash, rows, col("build_era"), t["build_era"].to_numpy(), "inconsistent",
                        "“建成年代”与“建成年份”不一致。")  # fmt: skip
    t["build_era"] = t["build_era"].where(t["build_era"].notna(), derived_era)
    bad_year = (year.notna() & ((year < 1900) | (year > 2100))).to_numpy()
    report.errors_where(
        bad_year, rows, col("build_year"), year.to_numpy(), "bad_integer", "“建成年份”应在 1900-2100 之间。"
    )

    _use_class_from_flag(t, rows, mapping, report)

    # Business type only for commercial houses.
    non_commercial = (t["use_class"] == enums.UseClass.NON_COMMERCIAL.value).to_numpy()
    clash = non_commercial & t["business_type"].notna().to_numpy()
    report.errors_where(clash, rows, col("business_type"), t["business_type"].to_numpy(), "inconsistent",
                        "非经营性自建房不应填写“经营范围”。")  # fmt: skip

    _check_hazard(t, rows, mapping, report)
    return t


def _use_class_from_flag(t: pd.DataFrame, rows: np.ndarray, mapping: Mapping, report: Report) -> None:
    """是否经营性 gives the use class where 房屋用途 is blank (是: 经营性自建房, 否: 其他自建房); where both are
    given they must agree (自住兼经营性 counts as 经营性). A row with neither is an error (parse_frame)."""
    flag_col, use_col = mapping.header_of("commercial_flag"), mapping.header_of("use_class")
    if flag_col is None:
        return
    flag, use = t["commercial_flag"], t["use_class"]
    yes, no = (flag == True).to_numpy(), (flag == False).to_numpy()  # noqa: E712 - object column of True/False/None
    commercial = use.isin([enums.UseClass.COMMERCIAL.value, enums.UseClass.MIXED.value]).to_numpy()
    non_commercial = (use == enums.UseClass.NON_COMMERCIAL.value).to_numpy()
    shown = (use.map(lambda v: enums.UseClass(v).label if v else "") + " / " + flag.map(
        lambda v: "是" if v is True else "否" if v is False else "")).to_numpy()  # fmt: skip
    report.errors_where(yes & non_commercial, rows, flag_col, shown, "inconsistent",
                        f"“是否经营性”为“是”，而“{use_col}”为其他（非经营性）自建房，二者矛盾。请核对后改正其一。")  # fmt: skip
    report.errors_where(no & commercial, rows, flag_col, shown, "inconsistent",
                        f"“是否经营性”为“否”，而“{use_col}”为经营性（或自住兼经营性）自建房，二者矛盾。请核对后改正其一。")  # fmt: skip
    blank = use.isna().to_numpy()
    t.loc[blank & yes, "use_class"] = enums.UseClass.COMMERCIAL.value
    t.loc[blank & no, "use_class"] = enums.UseClass.NON_COMMERCIAL.value


def _eras(years: pd.Series) -> tuple[pd.Series, np.ndarray]:
    return years.map(lambda y: enums.BuildEra.of_year(int(y)).value), np.zeros(len(years), dtype=bool)


def _check_hazard(t: pd.DataFrame, rows: np.ndarray, mapping: Mapping, report: Report) -> None:
    from service.frame.importing.fields import HAZARD_FIELDS

    col = mapping.header_of
    given = np.zeros(len(t), dtype=bool)
    for name in HAZARD_FIELDS:
        if name == "initial_determination":
            continue
        values = t[name]
        given |= (values.str.len().fillna(0) > 0 if name == "measures" else values.notna()).to_numpy()
    determination = t["initial_determination"]
    none_found = (determination == enums.InitialDetermination.NONE_FOUND.value).to_numpy()
    hazardous = determination.notna().to_numpy() & ~none_found

    missing = given & determination.isna().to_numpy()
    report.errors_where(missing, rows, col("initial_determination") or "隐患初判", None, "required",
                        "填写了隐患信息的行必须填写“隐患初判”。")  # fmt: skip
    clash = none_found & t["hazard_grade"].notna().to_numpy()
    report.errors_where(clash, rows, col("hazard_grade"), t["hazard_grade"].to_numpy(), "inconsistent",
                        "“隐患初判”为未发现安全隐患，不应填写“隐患等级”。")  # fmt: skip

    # The grade's form names its standard: A-D are JGJ 125-2016, Asu-Dsu GB 50292-2015.
    grade = t["appraisal_grade"]
    has_grade = grade.notna().to_numpy()
    gb = grade.fillna("").str.endswith("su").to_numpy()
    implied = pd.Series(
        np.where(has_grade, np.where(gb, "GB50292-2015", "JGJ125-2016"), None), index=t.index, dtype=object
    )
    standard = t["appraisal_standard"]
    clash = (standard.notna() & implied.notna() & (standard != implied)).to_numpy()
    report.errors_where(clash, rows, col("appraisal_grade"), grade.to_numpy(), "inconsistent",
                        "“鉴定等级”与“鉴定标准”不符（A-D 用于 JGJ 125-2016，Asu-Dsu 用于 GB 50292-2015）。")  # fmt: skip
    t["appraisal_standard"] = standard.where(standard.notna(), implied)
    orphan = (t["appraisal_standard"].notna() & grade.isna()).to_numpy()
    t.loc[orphan, "appraisal_standard"] = None

    # Close-out needs rectification done.
    closed = (t["closed_out"] == True).to_numpy()  # noqa: E712 - object column of True/False/None
    not_done = (t["rectification_status"] != enums.RectificationStatus.DONE.value).to_numpy()
    report.errors_where(closed & not_done, rows, col("closed_out"), t["closed_out"].to_numpy(), "inconsistent",
                        "只有“已整治”的隐患才能销号。")  # fmt: skip

    # Defaults that follow from the rules, reported as warnings.
    no_grade = hazardous & t["hazard_grade"].isna().to_numpy()
    if no_grade.any():
        dangerous = grade.isin(["D", "Dsu"]).to_numpy()
        t.loc[no_grade & dangerous, "hazard_grade"] = enums.HazardGrade.COLLAPSE_RISK.value
        t.loc[no_grade & ~dangerous, "hazard_grade"] = enums.HazardGrade.GENERAL.value
        report.warning(None, col("hazard_grade"), None, "hazard_grade_derived",
                       f"{int(no_grade.sum())} 行未填“隐患等级”：鉴定为 D 级者按“存在倒塌风险”，其余按“一般安全隐患”。")  # fmt: skip
    no_status = hazardous & t["rectification_status"].isna().to_numpy()
    if no_status.any():
        t.loc[no_status, "rectification_status"] = enums.RectificationStatus.PENDING.value
        report.warning(None, col("rectification_status"), None, "rectification_status_defaulted",
                       f"{int(no_status.sum())} 行未填“整治状态”，按“待整治”处理。")  # fmt: skip
    t["hazardous"] = hazardous
    t["none_found"] = none_found
