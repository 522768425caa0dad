"""Response bodies of the key figures API (service/evaluation/dashboard_routes.py)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field


class EstimateOut(BaseModel):
    """A design-weighted estimate (service.draws.estimates): None without a result."""

    model_config = ConfigDict(from_attributes=True)

    value: float | None = Field(description="估计值（比例 0–1，或户均漏排户数）")
    ci: tuple[float, float] | None = Field(description="95% 置信区间")
    n: int = Field(description="有检查结果的抽样房屋数（在估计的范围内）")
    drawn: int = Field(description="抽样房屋数（在估计的范围内）")


class _Common(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    drawn: int = Field(description="抽样房屋")
    inspected: int = Field(description="已检查（已提交或审核通过）")
    approved: int = Field(description="审核通过")
    accurate_share: EstimateOut = Field(description="排查信息准确率")
    hazard_correct_share: EstimateOut = Field(description="隐患判定准确率")
    paper_rectification_share: EstimateOut = Field(description="数字整治比例（抽样时记录为已整治的房屋中）")
    missed_per_house: EstimateOut = Field(description="户均漏排房屋数")
    collapse_risk: int = Field(description="检查发现有倒塌风险的房屋")
    notices_issued: int = Field(description="已下发的整改通知单")
    notices_open: int = Field(description="未销号的整改通知单")
    notices_overdue: int = Field(description="逾期未销号的整改通知单")
    notices_closed: int = Field(description="已销号的整改通知单")
    review_total: float | None = Field(description="资料查阅得分（0–100，加权）")
    satisfaction_index: float | None = Field(description="满意度指数（0–100）")
    satisfied_rate: float | None = Field(description="满意率（很满意和满意的比例）")
    satisfaction_n: int = Field(description="问卷样本量")
    synthetic: bool


class UnitFiguresOut(_Common):
    """One drawn county unit's key figures."""

    unit_code: str
    unit_name: str
    city_code: str
    city_name: str
    group: str | None
    firm: str | None
    satisfaction_ci: tuple[float, float] | None
    satisfied_ci: tuple[float, float] | None


class CityFiguresOut(_Common):
    """One city's key figures over its drawn units in the caller's scope."""

    city_code: str
    city_name: str
    units: int = Field(description="辖区内的抽中单元数")
    partial: bool = Field(description="该市州另有抽中单元不在您的辖区内")
    groups: list[str]
    firms: list[str]
    unit_codes: list[str]


class FiguresOut(BaseModel):
    """The key figures of the year's newest published draw within the caller's scope."""

    model_config = ConfigDict(from_attributes=True)

    draw_id: int | None
    year: int | None
    today: dt.date = Field(description="逾期的判断日（北京时间）")
    scope: str
    synthetic: bool
    note: str | None
    units: list[UnitFiguresOut]
    cities: list[CityFiguresOut]
    total: CityFiguresOut | None = Field(description="全省（或您的辖区）合计：各单元之和，比例为全省一级的加权估计")
