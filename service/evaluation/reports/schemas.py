"""What the reports' API takes and answers."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from service.followup.schemas import plain_text

MAX_SECTION_CHARS = 20000


class SectionOut(BaseModel):
    """One section of a report: its drafted text and, once edited, the edited text with its version."""

    key: str
    level: int
    heading: str
    drafted: str = Field(description="由数据生成的草稿")
    text: str = Field(description="导出时使用的文字：已编辑则为编辑稿，否则为草稿")
    edited: bool
    version: int = Field(description="编辑稿的版本；0：尚未编辑")
    edited_by: str | None = None
    edited_at: dt.datetime | None = None


class ExportOut(BaseModel):
    """A final export as stored."""

    id: int
    target: str
    year: int
    filename: str
    sha256: str
    size_bytes: int
    synthetic: bool
    exported_at: dt.datetime
    exported_by: str | None = None


class ReportOut(BaseModel):
    """A report (a county's or the province's) as the page shows it before the export."""

    target: str = Field(description="县区代码，或 province")
    unit_name: str | None = None
    title: str
    year: int
    draw_id: int
    synthetic: bool = Field(description="报告中有数据来自合成演示数据")
    sections: list[SectionOut]
    exports: list[ExportOut]
    can_edit: bool


class SectionIn(BaseModel):
    """An edited section, sent with the version read (0 for a section never edited)."""

    model_config = ConfigDict(extra="forbid")

    text: Annotated[str, Field(max_length=MAX_SECTION_CHARS), AfterValidator(plain_text)]
    version: int = Field(ge=0, le=2**31 - 1)


class SectionSaved(BaseModel):
    """The section as saved."""

    key: str
    version: int
    edited_at: dt.datetime


class UnitItem(BaseModel):
    """A drawn unit in the caller's scope, for the page's choice."""

    code: str
    name: str
    city_name: str
    firm: str | None = None
