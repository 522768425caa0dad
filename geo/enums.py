"""The platform's vocabulary: every enumeration in one place, with stable English codes and Chinese labels.

Codes are what the database, the API and the code use; labels are what people read. No official national
export template exists (see shared/docs/domain.md), so this module is the project's own reference. Importers
map other spellings onto it. Adding a member is backwards compatible; renaming or removing one needs a
migration and a new ``VOCABULARY_VERSION``.

This lives in ``geo/`` because both the pure layer (the synthetic frame generator) and the service use it,
and ``geo/`` must not import from ``service/``.
"""

from __future__ import annotations

from enum import StrEnum

VOCABULARY_VERSION = "2024.1"


class LabelledEnum(StrEnum):
    """A string enumeration whose members carry a Chinese label.

    Members are declared as ``CODE = ("code", "中文标签")``.
    """

    label: str

    def __new__(cls, code: str, label: str) -> LabelledEnum:  # noqa: D102
        member = str.__new__(cls, code)
        member._value_ = code
        member.label = label
        return member

    @classmethod
    def codes(cls) -> list[str]:
        """All codes in declaration order."""
        return [m.value for m in cls]

    @classmethod
    def from_label(cls, label: str) -> LabelledEnum:
        """The member whose Chinese label is ``label`` (exact match after stripping spaces)."""
        wanted = label.strip()
        for member in cls:
            if member.label == wanted:
                return member
        raise ValueError(f"{label!r} is not a {cls.__name__} label")


class DivisionLevel(LabelledEnum):
    """Levels of the administrative division tree."""

    PROVINCE = ("province", "省")
    CITY = ("city", "市州")
    COUNTY = ("county", "县区")
    TOWNSHIP = ("township", "乡镇街道")


class TownshipKind(LabelledEnum):
    """Kind of a township-level division, from its NBS name."""

    STREET = ("street", "街道")
    TOWN = ("town", "镇")
    TOWNSHIP = ("township", "乡")
    OTHER = ("other", "其他")


class SamplingUnitKind(LabelledEnum):
    """Kind of sampling unit: an ordinary county-level division or a special zone drawn on its own."""

    COUNTY = ("county", "县区市")
    SPECIAL_ZONE = ("special_zone", "单列单元")


class UseClass(LabelledEnum):
    """Use class of a self-built house (房屋用途)."""

    COMMERCIAL = ("commercial", "经营性自建房")
    MIXED = ("mixed", "自住兼经营性")
    NON_COMMERCIAL = ("non_commercial", "其他自建房")

    @property
    def is_commercial(self) -> bool:
        """Whether the house counts as commercial (经营性) for the draw's commercial minimum."""
        return self in (UseClass.COMMERCIAL, UseClass.MIXED)


class FloorsBand(LabelledEnum):
    """Floors band as the platform records it."""

    THREE_PLUS = ("three_plus", "三层及以上")
    BELOW_THREE = ("below_three", "三层以下")


class BusinessType(LabelledEnum):
    """Business type (经营范围) of a commercial house."""

    CATERING = ("catering", "餐饮饭店")
    LODGING = ("lodging", "民宿宾馆")
    RETAIL = ("retail", "批发零售")
    ENTERTAINMENT = ("entertainment", "休闲娱乐")
    EDUCATION = ("education", "教育设施")
    HEALTHCARE = ("healthcare", "医疗卫生")
    ELDERLY_CARE = ("elderly_care", "养老服务")
    MANUFACTURING = ("manufacturing", "生产加工")
    WAREHOUSING = ("warehousing", "仓储物流")
    RENTAL_HOUSING = ("rental_housing", "出租居住")
    OTHER = ("other", "其他")


class AreaType(LabelledEnum):
    """Area type (所在区域) of a house's surroundings."""

    BUILT_UP = ("built_up", "城镇建成区")
    URBAN_FRINGE = ("urban_fringe", "城乡结合部")
    URBAN_VILLAGE = ("urban_village", "城中村")
    RESETTLEMENT = ("resettlement", "拆迁安置区")
    DESIGNATED_TOWN = ("designated_town", "建制镇")
    MARKET_TOWN = ("market_town", "集镇")
    NEAR_SCHOOL = ("near_school", "学校周边")
    NEAR_HOSPITAL = ("near_hospital", "医院周边")
    NEAR_WHOLESALE_MARKET = ("near_wholesale_market", "批发市场周边")
    SCENIC_AREA = ("scenic_area", "景区及周边")
    OTHER = ("other", "其他")


class Structure(LabelledEnum):
    """Structure type (结构类型)."""

    MASONRY = ("masonry", "砌体")
    FRAME_MASONRY = ("frame_masonry", "底部框架-抗震墙上部砌体")
    REINFORCED_CONCRETE = ("reinforced_concrete", "钢筋混凝土")
    STEEL = ("steel", "钢")
    TIMBER_BAMBOO = ("timber_bamboo", "木(竹)")
    EARTH_STONE_TIMBER = ("earth_stone_timber", "土木·石木")
    MIXED = ("mixed", "混杂")
    OTHER = ("other", "其他")


class BuildEra(LabelledEnum):
    """Construction period band (建成年代)."""

    UP_TO_1980 = ("up_to_1980", "1980年及以前")
    Y1981_1990 = ("1981_1990", "1981-1990年")
    Y1991_2000 = ("1991_2000", "1991-2000年")
    Y2001_2010 = ("2001_2010", "2001-2010年")
    Y2011_2015 = ("2011_2015", "2011-2015年")
    FROM_2016 = ("from_2016", "2016年及以后")

    @classmethod
    def of_year(cls, year: int) -> BuildEra:
        """The band a construction year falls in."""
        for upper, band in (
            (1980, cls.UP_TO_1980),
            (1990, cls.Y1981_1990),
            (2000, cls.Y1991_2000),
            (2010, cls.Y2001_2010),
            (2015, cls.Y2011_2015),
        ):
            if year <= upper:
                return band
        return cls.FROM_2016


class Alteration(LabelledEnum):
    """Alterations and extensions (改扩建)."""

    ROOFTOP_STOREY = ("rooftop_storey", "楼顶加层")
    PERIMETER_EXTENSION = ("perimeter_extension", "周边扩建")
    MEZZANINE = ("mezzanine", "夹层")
    PARTITION_WALLS = ("partition_walls", "加隔墙")
    RAISED = ("raised", "抬高")
    ENLARGED_OPENINGS = ("enlarged_openings", "扩大门窗")
    BASEMENT = ("basement", "加建地下室")
    REMOVED_COLUMNS_WALLS = ("removed_columns_walls", "减柱减墙")


class Geohazard(LabelledEnum):
    """Geological hazard exposure (地灾)."""

    SLOPE_CUTTING = ("slope_cutting", "切坡建房")
    LANDSLIDE_DEBRIS_FLOW = ("landslide_debris_flow", "滑坡泥石流")
    MINED_OUT_AREA = ("mined_out_area", "采空区")
    FLOOD = ("flood", "洪涝")
    ROCKFALL = ("rockfall", "崩塌")
    SUBSIDENCE = ("subsidence", "地面沉降")


class InitialDetermination(LabelledEnum):
    """Initial hazard determination (隐患初判)."""

    SERIOUS = ("serious", "存在严重安全隐患")
    SOME = ("some", "存在一定安全隐患")
    NONE_FOUND = ("none_found", "未发现安全隐患")


class HazardGrade(LabelledEnum):
    """Hazard grade recorded for rectification."""

    COLLAPSE_RISK = ("collapse_risk", "存在倒塌风险")
    GENERAL = ("general", "一般安全隐患")


class AppraisalStandard(LabelledEnum):
    """Standard an appraisal grade was given under; a grade is meaningless without it."""

    JGJ_125_2016 = ("JGJ125-2016", "危险房屋鉴定标准 JGJ 125-2016")
    GB_50292_2015 = ("GB50292-2015", "民用建筑可靠性鉴定标准 GB 50292-2015")


# Valid grades per standard. JGJ 125: A safe, B individual dangerous members, C partly dangerous (局部危房),
# D whole building dangerous (整幢危房). GB 50292 safety grades Asu..Dsu.
APPRAISAL_GRADES: dict[AppraisalStandard, tuple[str, ...]] = {
    AppraisalStandard.JGJ_125_2016: ("A", "B", "C", "D"),
    AppraisalStandard.GB_50292_2015: ("Asu", "Bsu", "Csu", "Dsu"),
}


class AppraisalStatus(LabelledEnum):
    """Appraisal (鉴定) progress."""

    PENDING = ("pending", "待鉴定")
    IN_PROGRESS = ("in_progress", "鉴定中")
    DONE = ("done", "已鉴定")


class RectificationStatus(LabelledEnum):
    """Rectification (整治) progress; close-out (销号) is recorded separately, after 已整治."""

    PENDING = ("pending", "待整治")
    IN_PROGRESS = ("in_progress", "整治中")
    DONE = ("done", "已整治")


class Measure(LabelledEnum):
    """Control and rectification measures, grouped by their kind (see ``MEASURE_KIND``)."""

    STOP_USE = ("stop_use", "停止使用")
    STOP_BUSINESS = ("stop_business", "停止经营")
    SEAL_AND_WARN = ("seal_and_warn", "封控警示")
    EVACUATE = ("evacuate", "人员撤离")
    DEMOLISH_REBUILD = ("demolish_rebuild", "拆除重建")
    REPAIR_STRENGTHEN = ("repair_strengthen", "维修加固")
    DEMOLISH_ALL = ("demolish_all", "全部拆除")
    DEMOLISH_PART = ("demolish_part", "部分拆除")
    RETROACTIVE_PERMIT = ("retroactive_permit", "补办手续")
    FINE = ("fine", "罚款")
    CONFISCATE = ("confiscate", "没收")


class MeasureKind(LabelledEnum):
    """The three kinds of measure."""

    MANAGEMENT = ("management", "管理措施")
    ENGINEERING = ("engineering", "工程措施")
    ENFORCEMENT = ("enforcement", "违法建设查处")


MEASURE_KIND: dict[Measure, MeasureKind] = {
    Measure.STOP_USE: MeasureKind.MANAGEMENT,
    Measure.STOP_BUSINESS: MeasureKind.MANAGEMENT,
    Measure.SEAL_AND_WARN: MeasureKind.MANAGEMENT,
    Measure.EVACUATE: MeasureKind.MANAGEMENT,
    Measure.DEMOLISH_REBUILD: MeasureKind.ENGINEERING,
    Measure.REPAIR_STRENGTHEN: MeasureKind.ENGINEERING,
    Measure.DEMOLISH_ALL: MeasureKind.ENFORCEMENT,
    Measure.DEMOLISH_PART: MeasureKind.ENFORCEMENT,
    Measure.RETROACTIVE_PERMIT: MeasureKind.ENFORCEMENT,
    Measure.FINE: MeasureKind.ENFORCEMENT,
    Measure.CONFISCATE: MeasureKind.ENFORCEMENT,
}


class SiteKind(LabelledEnum):
    """Sensitive sites around which hazards are checked first; hospitals are an extension."""

    COLLEGE = ("college", "大专院校")
    SCHOOL = ("school", "中小学")
    KINDERGARTEN = ("kindergarten", "幼儿园")
    HOSPITAL = ("hospital", "医院")

    @property
    def is_school(self) -> bool:
        """Whether a house near such a site counts as near a school (学校周边: colleges, schools, kindergartens)."""
        return self in (SiteKind.COLLEGE, SiteKind.SCHOOL, SiteKind.KINDERGARTEN)


class SourceCrs(LabelledEnum):
    """CRS a coordinate arrived in; positions are stored in CGCS2000 lon/lat whatever came in."""

    CGCS2000 = ("EPSG:4490", "CGCS2000 经纬度")
    WGS84 = ("EPSG:4326", "WGS84 经纬度")
    GCJ02 = ("GCJ-02", "GCJ-02 火星坐标(高德/腾讯)")
    GAUSS_KRUGER = ("gauss_kruger", "CGCS2000 高斯-克吕格 3度带")


ALL_ENUMS: tuple[type[LabelledEnum], ...] = (
    DivisionLevel,
    TownshipKind,
    SamplingUnitKind,
    UseClass,
    FloorsBand,
    BusinessType,
    AreaType,
    Structure,
    BuildEra,
    Alteration,
    Geohazard,
    InitialDetermination,
    HazardGrade,
    AppraisalStandard,
    AppraisalStatus,
    RectificationStatus,
    Measure,
    MeasureKind,
    SiteKind,
    SourceCrs,
)


def vocabulary() -> dict[str, object]:
    """The whole vocabulary as plain data, for the API and for import mapping files."""
    return {
        "version": VOCABULARY_VERSION,
        "enums": {enum.__name__: [{"code": m.value, "label": m.label} for m in enum] for enum in ALL_ENUMS},
        "appraisal_grades": {std.value: list(grades) for std, grades in APPRAISAL_GRADES.items()},
    }
