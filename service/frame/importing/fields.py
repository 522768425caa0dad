"""What each import kind reads: its fields, their types, and the Chinese headers they are known by.

The default header spellings below are the documented mapping (see docs/importing.md). A mapping file
adds other spellings: ``{"columns": {"表头": "field"}, "values": {"field": {"写法": "code"}}}`` (JSON).
Values are matched against each enumeration's Chinese labels, its codes, and the aliases listed here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from geo import enums
from service.core.errors import InvalidInput, TooLarge


class Kind(StrEnum):
    """What a file holds."""

    HOUSES = "houses"
    SITES = "sites"
    TOWNSHIPS = "townships"


class FieldType(StrEnum):
    """How a raw text value is parsed."""

    TEXT = "text"
    FLOAT = "float"
    INT = "int"
    ENUM = "enum"
    ENUM_LIST = "enum_list"
    DATE = "date"
    BOOL = "bool"
    GRADE = "grade"


@dataclass(frozen=True)
class Field:
    """One field of an import: its name, type, headers it is known by, and its vocabulary if any."""

    name: str
    type: FieldType
    headers: tuple[str, ...]
    label: str
    required: bool = False
    enum: type[enums.LabelledEnum] | None = None
    aliases: dict[str, str] = field(default_factory=dict)
    #: A required field may instead be given by this other field (房屋用途 by 是否经营性).
    alternative: str | None = None


def _f(name, type_, label, headers, required=False, enum=None, aliases=None, alternative=None) -> Field:
    return Field(name, type_, tuple(headers), label, required, enum, aliases or {}, alternative)


#: Yes/no spellings of 是否经营性 beyond the usual 是/否, Y/N, 1/0, √/× (parse.py): "true"/"false".
COMMERCIAL_FLAG_ALIASES = {
    "是的": "true", "对": "true", "有": "true", "经营": "true", "经营性": "true", "✓": "true", "✔": "true",
    "不是": "false", "非": "false", "无": "false", "非经营": "false", "非经营性": "false", "x": "false",
    "✗": "false", "✘": "false",
}  # fmt: skip


T, F, I, E, L, D, B, G = (  # noqa: E741
    FieldType.TEXT, FieldType.FLOAT, FieldType.INT, FieldType.ENUM, FieldType.ENUM_LIST, FieldType.DATE,
    FieldType.BOOL, FieldType.GRADE,
)  # fmt: skip

COORDINATES = (
    # No bare "X"/"Y": in Chinese surveying X is the northing, in GIS the easting; such files need a
    # mapping file that says which is which.
    _f("x", F, "经度/东坐标", ["经度", "东经", "东坐标", "lon", "lng", "longitude"], True),
    _f("y", F, "纬度/北坐标", ["纬度", "北纬", "北坐标", "lat", "latitude"], True),
)

HOUSE_FIELDS: tuple[Field, ...] = (
    _f("survey_code", T, "自建房排查编码", ["自建房排查编码", "排查编码", "自建房编码", "房屋编码", "房屋编号"], True),
    _f("census_no", T, "普查房屋编号", ["普查房屋编号", "房屋普查编号", "普查编号"]),
    _f("declared_county", T, "县区", ["县区", "县（市、区）", "县(市、区)", "所在县区", "区县", "县市区", "县"]),
    _f("declared_township", T, "乡镇（街道）", ["乡镇（街道）", "乡镇(街道)", "乡镇街道", "街道（乡镇）", "所在乡镇", "乡镇"]),
    _f("village", T, "村（社区）", ["村（社区）", "村(社区)", "村社区", "行政村", "社区", "村"]),
    _f("address", T, "详细地址", ["详细地址", "地址", "房屋地址", "房屋坐落"]),
    *COORDINATES,
    _f("use_class", E, "房屋用途", ["房屋用途", "用途", "用途类别", "房屋类别", "自建房类别"], True, enums.UseClass,
       {"经营性": "commercial", "经营": "commercial", "自住兼经营": "mixed", "自住兼经营性自建房": "mixed",
        "非经营性": "non_commercial", "非经营性自建房": "non_commercial", "自住": "non_commercial"},
       alternative="commercial_flag"),
    _f("commercial_flag", B, "是否经营性", ["是否经营性", "是否经营", "经营性", "是否经营性自建房", "是否为经营性自建房",
                                       "是否用于经营"], aliases=COMMERCIAL_FLAG_ALIASES),
    _f("business_type", E, "经营范围", ["经营范围", "经营类型", "经营业态"], enum=enums.BusinessType,
       aliases={"餐饮": "catering", "饭店": "catering", "民宿": "lodging", "宾馆": "lodging", "酒店": "lodging",
                "批发": "retail", "零售": "retail", "商店": "retail", "娱乐": "entertainment",
                "教育": "education", "医疗": "healthcare", "诊所": "healthcare", "养老": "elderly_care",
                "生产": "manufacturing", "加工": "manufacturing", "仓储": "warehousing", "物流": "warehousing",
                "出租": "rental_housing", "出租房": "rental_housing"}),
    _f("area_type", E, "所在区域", ["所在区域", "区域类型", "所处区域"], enum=enums.AreaType),
    _f("structure", E, "结构类型", ["结构类型", "结构形式", "房屋结构", "结构"], enum=enums.Structure,
       aliases={"砖混": "masonry", "砖混结构": "masonry", "砌体结构": "masonry", "砖木": "masonry",
                "底框": "frame_masonry", "框架": "reinforced_concrete", "框架结构": "reinforced_concrete",
                "钢混": "reinforced_concrete", "钢筋混凝土结构": "reinforced_concrete", "钢结构": "steel",
                "木结构": "timber_bamboo", "木": "timber_bamboo", "竹木": "timber_bamboo", "土木": "earth_stone_timber",
                "石木": "earth_stone_timber", "土木结构": "earth_stone_timber", "生土": "earth_stone_timber",
                "混合": "mixed", "混合结构": "mixed"}),
    _f("floors", I, "层数", ["层数", "房屋层数", "地上层数", "总层数"]),
    _f("floors_band", E, "层数类别", ["层数类别", "楼层类别", "层数分类"], enum=enums.FloorsBand,
       aliases={"3层及以上": "three_plus", "三层以上": "three_plus", "3层以下": "below_three"}),
    _f("floor_area_m2", F, "建筑面积（㎡）", ["建筑面积", "建筑面积（平方米）", "建筑面积(平方米)", "建筑面积（㎡）",
                                       "建筑面积(㎡)", "面积"]),
    _f("build_year", I, "建成年份", ["建成年份", "建造年份", "建成时间", "建造时间"]),
    _f("build_era", E, "建成年代", ["建成年代", "建造年代"], enum=enums.BuildEra,
       aliases={"1980年以前": "up_to_1980", "1980及以前": "up_to_1980", "1981-1990": "1981_1990",
                "1991-2000": "1991_2000", "2001-2010": "2001_2010", "2011-2015": "2011_2015",
                "2016年以后": "from_2016", "2016及以后": "from_2016"}),
    _f("alterations", L, "改扩建情况", ["改扩建情况", "改扩建", "改建扩建情况"], enum=enums.Alteration),
    _f("geohazards", L, "地质灾害", ["地质灾害", "地灾隐患", "地灾", "地质灾害隐患"], enum=enums.Geohazard),
    _f("record_code", T, "隐患编号", ["隐患编号", "隐患编码", "隐患记录编号"]),
    _f("initial_determination", E, "隐患初判", ["隐患初判", "初判结果", "安全隐患初判", "隐患判定"],
       enum=enums.InitialDetermination,
       aliases={"严重安全隐患": "serious", "严重": "serious", "一定安全隐患": "some", "一般": "some",
                "存在安全隐患": "some", "无隐患": "none_found", "未发现": "none_found", "无": "none_found"}),
    _f("hazard_grade", E, "隐患等级", ["隐患等级", "隐患类别", "隐患类型"], enum=enums.HazardGrade,
       aliases={"倒塌风险": "collapse_risk", "有倒塌风险": "collapse_risk", "一般隐患": "general",
                "一般": "general"}),
    _f("appraisal_status", E, "鉴定状态", ["鉴定状态", "鉴定情况", "鉴定进度"], enum=enums.AppraisalStatus,
       aliases={"未鉴定": "pending", "已完成": "done", "完成": "done"}),
    _f("appraisal_standard", E, "鉴定标准", ["鉴定标准", "鉴定依据"], enum=enums.AppraisalStandard,
       aliases={"JGJ125": "JGJ125-2016", "JGJ 125-2016": "JGJ125-2016", "JGJ125—2016": "JGJ125-2016",
                "危险房屋鉴定标准": "JGJ125-2016", "GB50292": "GB50292-2015", "GB 50292-2015": "GB50292-2015",
                "民用建筑可靠性鉴定标准": "GB50292-2015"}),
    _f("appraisal_grade", G, "鉴定等级", ["鉴定等级", "鉴定结论", "危险性等级"]),
    _f("rectification_status", E, "整治状态", ["整治状态", "整治情况", "整治进度", "整改状态"],
       enum=enums.RectificationStatus,
       aliases={"未整治": "pending", "未开始": "pending", "正在整治": "in_progress", "整改中": "in_progress",
                "已完成": "done", "已整改": "done", "完成": "done"}),
    _f("rectification_deadline", D, "整治期限", ["整治期限", "整改期限", "整治时限"]),
    _f("measures", L, "整治措施", ["整治措施", "管控措施", "处置措施", "整改措施"], enum=enums.Measure),
    _f("closed_out", B, "是否销号", ["是否销号", "销号", "销号情况"]),
    _f("closed_out_on", D, "销号日期", ["销号日期", "销号时间"]),
    _f("opened_on", D, "隐患认定日期", ["隐患认定日期", "认定日期", "排查日期", "初判日期"]),
)  # fmt: skip

SITE_FIELDS: tuple[Field, ...] = (
    _f("site_code", T, "机构代码", ["学校标识码", "机构代码", "机构编码", "编码", "代码"]),
    _f("name", T, "名称", ["名称", "学校名称", "机构名称", "单位名称"], True),
    _f("kind", E, "类型", ["类型", "学校类型", "机构类型", "类别", "办学类型"], True, enums.SiteKind,
       {"大学": "college", "高校": "college", "高等院校": "college", "学院": "college", "职业技术学院": "college",
        "高职": "college", "中小学": "school", "小学": "school", "中学": "school", "初中": "school",
        "高中": "school", "完全中学": "school", "九年一贯制学校": "school", "中职": "school",
        "幼儿园": "kindergarten", "托儿所": "kindergarten", "医院": "hospital", "卫生院": "hospital"}),
    *COORDINATES,
    _f("declared_county", T, "县区", ["县区", "县（市、区）", "县(市、区)", "所在县区", "区县"]),
    _f("address", T, "地址", ["地址", "详细地址", "学校地址"]),
)  # fmt: skip

TOWNSHIP_FIELDS: tuple[Field, ...] = (
    _f(
        "code", T, "乡镇代码", ["乡镇代码", "乡镇街道代码", "区划代码", "代码", "编码", "XZQDM", "code"], True
    ),
    _f("name", T, "乡镇名称", ["乡镇名称", "乡镇街道名称", "名称", "XZQMC", "name"]),
)

FIELDS: dict[Kind, tuple[Field, ...]] = {
    Kind.HOUSES: HOUSE_FIELDS,
    Kind.SITES: SITE_FIELDS,
    Kind.TOWNSHIPS: TOWNSHIP_FIELDS,
}

# Fields whose presence in a row means the row carries a hazard record.
HAZARD_FIELDS = (
    "record_code", "initial_determination", "hazard_grade", "appraisal_status", "appraisal_standard",
    "appraisal_grade", "rectification_status", "rectification_deadline", "measures", "closed_out",
    "closed_out_on", "opened_on",
)  # fmt: skip


def _norm(header: str) -> str:
    """Header comparison ignores spaces, case and full/half-width brackets."""
    return header.strip().replace(" ", "").replace("（", "(").replace("）", ")").replace("\u3000", "").lower()


@dataclass(frozen=True)
class Mapping:
    """Which file column feeds which field, plus extra value spellings."""

    columns: dict[str, str]  # field name -> file header
    values: dict[str, dict[str, str]]  # field name -> {spelling: code}

    def header_of(self, name: str) -> str | None:
        """The file header mapped to field ``name``."""
        return self.columns.get(name)


#: The largest mapping file read (a few hundred spellings take a few kB).
MAPPING_MAX_BYTES = 1 << 20
MAPPING_SHAPE = '{"columns": {"表头": "field"}, "values": {"field": {"写法": "code"}}}'


def _bad_mapping(problem_zh: str, problem_en: str) -> InvalidInput:
    return InvalidInput(
        f"映射文件无法使用：{problem_zh}。映射文件须为 UTF-8 编码的 JSON 对象，形如 {MAPPING_SHAPE}"
        "（“values” 可省略；字段名见导入说明 docs/importing.md）。",
        f"The mapping file cannot be used: {problem_en}. It must be a UTF-8 JSON object shaped like "
        f'{{"columns": {{"header": "field"}}, "values": {{"field": {{"spelling": "code"}}}}}} ("values" optional).',
    )


def _text_map(value: object, where_zh: str, where_en: str) -> dict[str, str]:
    if not isinstance(value, dict):
        raise _bad_mapping(
            f"{where_zh}应为对象（{{…}}），却是{_json_kind(value)}", f"{where_en} must be an object"
        )
    for key, item in value.items():
        if not isinstance(item, str) or not item.strip():
            raise _bad_mapping(
                f"{where_zh}中“{key}”对应的应为文本，却是{_json_kind(item)}",
                f"{where_en}[{key!r}] must be text",
            )
    return dict(value)


def _json_kind(value: object) -> str:
    kinds = ((bool, "真假值"), (int, "数字"), (float, "数字"), (str, "文本"), (list, "列表"), (dict, "对象"))
    return next((zh for kind, zh in kinds if isinstance(value, kind)), "空值（null）")


def load_mapping_file(path: Path | None) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """Read a JSON mapping file: {"columns": {"表头": "field"}, "values": {"field": {"写法": "code"}}}.

    Anything else (a list, a number, ``{"columns": [1, 2]}``, invalid JSON, text that is not UTF-8) is an
    :class:`InvalidInput` that shows the expected shape; a file over 1 MB is :class:`TooLarge`.
    """
    if path is None:
        return {}, {}
    try:
        with open(path, "rb") as raw:
            content = raw.read(MAPPING_MAX_BYTES + 1)
    except OSError:
        raise _bad_mapping("文件无法打开", "the file cannot be opened") from None
    if len(content) > MAPPING_MAX_BYTES:
        raise TooLarge(
            "映射文件超过 1 MB，不像表头映射。请只写需要改名的表头和取值。",
            "The mapping file is larger than 1 MB; list only the headers and values to rename.",
        )
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise _bad_mapping("文件不是 UTF-8 编码", "the file is not UTF-8") from None
    except ValueError as exc:
        raise _bad_mapping(f"不是有效的 JSON（{exc}）", f"not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise _bad_mapping(
            f"最外层应为对象（{{…}}），却是{_json_kind(data)}", "the top level must be an object"
        )
    unknown = [key for key in data if key not in ("columns", "values")]
    if unknown:
        raise _bad_mapping(f"不认识的键“{'、'.join(map(str, unknown))}”", f"unknown keys {unknown}")
    columns = _text_map(data.get("columns", {}), "“columns”", "columns")
    values = data.get("values", {})
    if not isinstance(values, dict):
        raise _bad_mapping(f"“values”应为对象（{{…}}），却是{_json_kind(values)}", "values must be an object")
    spellings = {
        name: _text_map(table, f"“values”中“{name}”", f"values[{name!r}]") for name, table in values.items()
    }
    return columns, spellings


def resolve_mapping(
    kind: Kind,
    headers: tuple[str, ...],
    extra_columns: dict[str, str] | None = None,
    extra_values: dict[str, dict[str, str]] | None = None,
    truncated_names: bool = False,
) -> tuple[Mapping, list[Field]]:
    """Match the file's headers to the kind's fields; return the mapping and the missing required fields.

    ``truncated_names``: the file format cuts field names (a shapefile's .dbf keeps 10 bytes, so
    自建房排查编码 arrives as 自建房排查); a cut header then matches the one alias it is the start of.
    """
    fields = FIELDS[kind]
    by_name = {f.name: f for f in fields}
    extra_columns = extra_columns or {}
    for name in extra_columns.values():
        if name not in by_name:
            raise InvalidInput(
                f"映射文件中的字段“{name}”不存在。可用字段：{', '.join(by_name)}。",
                f"The mapping file names an unknown field {name!r}; fields are: {', '.join(by_name)}.",
            )
    for name, spellings in (extra_values or {}).items():
        f = by_name.get(name)
        if f is None or f.enum is None:
            vocabularies = "、".join(f.name for f in fields if f.enum is not None)
            raise InvalidInput(
                f"映射文件“values”中的字段“{name}”不存在或没有取值表。可写取值的字段：{vocabularies}。",
                f"The mapping file's values name {name!r}, which is not a field with a vocabulary; "
                f"fields with one: {vocabularies}.",
            )
        codes = {member.value for member in f.enum}
        wrong = [code for code in spellings.values() if code not in codes]
        if wrong:
            raise InvalidInput(
                f"映射文件中“{name}”的取值代码“{'、'.join(wrong)}”不存在。可用代码：{'、'.join(sorted(codes))}。",
                f"The mapping file maps {name} onto unknown codes {wrong}; codes are: {', '.join(sorted(codes))}.",
            )
    normalised = {_norm(h): h for h in headers}
    columns: dict[str, str] = {}
    for header, name in extra_columns.items():
        if _norm(header) in normalised:
            columns[name] = normalised[_norm(header)]
    for f in fields:
        if f.name in columns:
            continue
        for alias in f.headers:
            if _norm(alias) in normalised and normalised[_norm(alias)] not in columns.values():
                columns[f.name] = normalised[_norm(alias)]
                break
    if truncated_names:
        for header in headers:
            if header in columns.values() or not _looks_cut(header):
                continue
            owners = [f for f in fields if f.name not in columns
                      and any(_norm(a).startswith(_norm(header)) for a in f.headers)]  # fmt: skip
            if len(owners) == 1:
                columns[owners[0].name] = header
    missing = [f for f in fields if f.required and f.name not in columns and f.alternative not in columns]
    return Mapping(columns, extra_values or {}), missing


def header_matcher(kind: Kind, extra_columns: dict[str, str] | None = None):
    """Whether a heading is one this kind knows (a default header or the mapping file's), compared as
    :func:`resolve_mapping` compares them: the readers look for the header row with it."""
    known = {_norm(h) for f in FIELDS[kind] for h in f.headers} | {_norm(h) for h in extra_columns or {}}
    return lambda heading: _norm(heading) in known


def _looks_cut(header: str) -> bool:
    """A header at the .dbf limit of 10 bytes in GBK or UTF-8 (or one byte short of it: CJK is 2 or 3 bytes)."""
    return len(header.encode("gbk", errors="replace")) >= 9 or len(header.encode("utf-8")) >= 9
