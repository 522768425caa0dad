"""Request and response shapes of the questionnaire API. What an answer may hold beyond its shape (which
questions, which options, which levels) is checked against its definition in ``service.py``."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from service.followup.schemas import Line

Group = Literal["official", "staff", "resident"]
UnitCode = Annotated[str, Field(pattern=r"^\d{6}$", description="县级抽样单元代码（6 位）")]
Year = Annotated[int, Field(ge=2000, le=2100)]
Key = Annotated[str, Field(max_length=40)]
Short = Annotated[str, Field(max_length=2000)]


class AnswerIn(BaseModel):
    """The four parts of a filled-in questionnaire, keyed by the definition's question keys."""

    model_config = ConfigDict(extra="forbid")

    client_id: uuid.UUID = Field(description="由填写端生成；同一份提交重发时不重复保存")
    basic: dict[Key, Short | None] = Field(default_factory=dict, max_length=30)
    ratings: dict[Key, Annotated[int, Field(ge=1, le=5)]] = Field(max_length=40)
    needs: dict[Key, list[Short] | Short | None] = Field(default_factory=dict, max_length=30)
    open_answers: dict[Key, Short | None] = Field(default_factory=dict, max_length=20)


class AccountAnswerIn(AnswerIn):
    """An official's or staff member's own answer (one per account, year and group)."""

    group: Literal["official", "staff"]
    year: Year | None = None
    unit_code: UnitCode | None = Field(
        None, description="县区账户可省略（即本县区）；市级账户须选择所评价的县区"
    )


class PaperIn(AnswerIn):
    """A paper questionnaire typed in by a manager."""

    group: Group
    year: Year | None = None
    unit_code: UnitCode
    paper_ref: Line | None = Field(None, description="纸质问卷编号")


class BatchIn(BaseModel):
    """A batch of resident links for one county."""

    model_config = ConfigDict(extra="forbid")

    unit_code: UnitCode
    year: Year | None = None
    size: Annotated[int, Field(ge=1, le=500)] = 20
    label: Annotated[str, Field(max_length=60)] = ""


class RevokeIn(BaseModel):
    """Links of a batch to stop (a sheet lost or handed to the wrong people); none given: every link of the
    batch not answered yet."""

    model_config = ConfigDict(extra="forbid")

    tokens: Annotated[list[Annotated[str, Field(min_length=16, max_length=64)]], Field(max_length=500)] | None = None


class AnswerOut(BaseModel):
    """What a submission returns: the stored answer (a resent submission returns the same one)."""

    id: int
    year: int
    group: Group
    unit_code: str
    channel: str
    replayed: bool = False
    message: str


class SurveyTokenOut(BaseModel):
    """One resident link of a batch."""

    token: str
    url: str
    answered: bool
    revoked: bool


class BatchOut(BaseModel):
    """A batch of resident links (with its links when one batch is asked for)."""

    id: int
    year: int
    unit_code: str
    unit_name: str | None
    label: str
    size: int
    answered: int
    revoked: int = Field(description="links stopped (their answers, if any, stay)")
    synthetic: bool
    created_at: dt.datetime
    tokens: list[SurveyTokenOut] | None = None


class PublicForm(BaseModel):
    """A resident link's questionnaire, its county, and whether it was already answered."""

    unit_code: str
    unit_name: str | None
    year: int
    answered: bool
    definition: dict


class MyAnswers(BaseModel):
    """An account's answers of a year: which questionnaires it already filled in, and where it may answer."""

    year: int
    answered: list[Group]
    units: list[dict]


class ResponseItem(BaseModel):
    """One stored answer as a manager sees it (open answers are shown as text, never as HTML)."""

    id: int
    year: int
    group: Group
    unit_code: str
    unit_name: str | None
    channel: str
    paper_ref: str | None
    basic: dict
    ratings: dict
    needs: dict
    open_answers: dict
    synthetic: bool
    submitted_at: dt.datetime
