"""Request and response bodies of the follow-up API (notices and control cases)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def plain_text(value: str) -> str:
    """Text as people type it: no control characters or bidi overrides (line breaks and tabs kept)."""
    if _CONTROL.search(value):
        raise ValueError("文字中含有控制字符，请删除后重试")
    value = value.strip()
    if not value:
        raise ValueError("内容不能为空")
    return value


Text = Annotated[str, AfterValidator(plain_text)]
Line = Annotated[str, Field(max_length=300), AfterValidator(plain_text)]


class IssueIn(BaseModel):
    """Issue the rectification notice of an approved finding."""

    model_config = ConfigDict(extra="forbid")

    inspection_id: int = Field(ge=1, le=2**63 - 1)
    deadline: dt.date = Field(description="整改期限：今天（北京时间）之后的日期，一年之内")
    requirements: list[Line] | None = Field(
        default=None, max_length=10, description="整改要求；缺省用标准要求"
    )
    legal_basis: list[Line] | None = Field(default=None, max_length=10, description="依据；缺省用标准依据")
    contact: Annotated[str, Field(max_length=100), AfterValidator(plain_text)] | None = None
    notice_version: int | None = Field(default=None, ge=1, description="草稿的版本（有草稿时）")


class DecisionIn(BaseModel):
    """The city office's decision on a notice reported done: accept (销号) or reject with comments."""

    model_config = ConfigDict(extra="forbid")

    action: Literal["accept", "reject"]
    comment: Annotated[str, Field(max_length=2000), AfterValidator(plain_text)] | None = None
    version: int = Field(ge=1)


class AcknowledgeIn(BaseModel):
    """The city office has seen a control alert."""

    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1)


class FileOut(BaseModel):
    """A stored file (evidence or photo) without its content."""

    id: int
    filename: str
    content_type: str | None = None
    size_bytes: int | None = None
    sha256: str
    url: str


class StepOut(BaseModel):
    """One step of a notice."""

    id: int
    action: str
    action_label: str
    text: str | None
    status: str
    version: int
    at: dt.datetime
    account_name: str
    organisation: str | None
    files: list[FileOut]


class HouseRef(BaseModel):
    """The inspection an item follows from and its drawn house."""

    inspection_id: int
    draw_id: int
    house_id: int
    survey_code: str
    address: str | None
    unit_code: str
    unit_name: str | None


class NoticeItem(HouseRef):
    """A notice in a list."""

    id: int
    city_code: str
    city_name: str | None
    status: str
    status_label: str
    number: str | None
    issued_on: dt.date | None
    deadline: dt.date | None
    overdue: bool
    version: int
    synthetic: bool
    document_sha256: str | None
    document_url: str | None
    lon: float
    lat: float


class NoticeOut(NoticeItem):
    """One notice with its requirements, legal basis and steps."""

    requirements: list[str]
    legal_basis: list[str]
    steps: list[StepOut]


class AwaitingItem(HouseRef):
    """An approved finding that calls for a notice not yet issued (its draft, if one was made)."""

    approved_at: dt.datetime
    notice_id: int | None
    notice_version: int | None
    collapse_risk: bool
    paper_rectification: bool
    synthetic: bool


class RecordOut(BaseModel):
    """A record of control measures."""

    id: int
    source: str
    measures: list[str]
    measure_labels: list[str]
    taken_at: dt.datetime
    responsible: str
    note: str | None
    recorded_at: dt.datetime
    recorded_by: str
    photos: list[FileOut]


class ControlCaseOut(HouseRef):
    """A control case with its records."""

    id: int
    city_code: str
    version: int
    synthetic: bool
    opened_at: dt.datetime
    acknowledged_at: dt.datetime | None
    acknowledged_by: str | None
    cleared_at: dt.datetime | None = Field(description="the inspection was submitted again without the risk")
    cleared_by: str | None
    lon: float
    lat: float
    records: list[RecordOut]
