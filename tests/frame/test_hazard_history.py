"""Hazard records keep their history: a change of determination closes one record and opens the next."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from geo.enums import (
    AppraisalStandard,
    AppraisalStatus,
    HazardGrade,
    InitialDetermination,
    Measure,
    RectificationStatus,
)
from service.core.errors import InvalidInput
from service.frame.hazards import HazardState, history, record_hazard


@pytest.fixture
def house_id(engine) -> int:
    with engine.begin() as conn:
        return conn.execute(
            text(
                "INSERT INTO house (survey_code, county_code, geom, source_crs, use_class) VALUES "
                "('620102-0001', '620102', ST_SetSRID(ST_MakePoint(103.83, 36.06), 4490), 'EPSG:4490', "
                "'commercial') RETURNING id"
            )
        ).scalar_one()


SOME = HazardState(InitialDetermination.SOME, HazardGrade.GENERAL)


def test_progress_updates_the_open_record(engine, house_id):
    with Session(engine) as s, s.begin():
        first = record_hazard(s, house_id, SOME, dt.date(2024, 3, 1))
        again = record_hazard(
            s,
            house_id,
            HazardState(
                InitialDetermination.SOME,
                HazardGrade.GENERAL,
                rectification_status=RectificationStatus.DONE,
                measures=(Measure.REPAIR_STRENGTHEN,),
                closed_out=True,
                closed_out_on=dt.date(2024, 6, 1),
            ),
            dt.date(2024, 6, 1),
        )
        assert again.id == first.id
        assert [r.rectification_status for r in history(s, house_id)] == ["done"]


def test_grade_change_closes_and_opens(engine, house_id):
    with Session(engine) as s, s.begin():
        first = record_hazard(s, house_id, SOME, dt.date(2024, 3, 1))
        collapse = HazardState(
            InitialDetermination.SERIOUS,
            HazardGrade.COLLAPSE_RISK,
            appraisal_status=AppraisalStatus.DONE,
            appraisal_standard=AppraisalStandard.JGJ_125_2016,
            appraisal_grade="D",
            measures=(Measure.STOP_USE, Measure.EVACUATE, Measure.SEAL_AND_WARN),
        )
        second = record_hazard(s, house_id, collapse, dt.date(2024, 8, 15))
        records = history(s, house_id)
        assert [r.id for r in records] == [first.id, second.id]
        assert records[0].closed_on == dt.date(2024, 8, 15) and records[0].superseded_by == second.id
        assert records[1].closed_on is None and records[1].appraisal_grade == "D"
        assert records[0].hazard_grade == "general"  # what the platform said then is kept


def test_database_allows_one_open_record_per_house(engine, house_id):
    insert = text(
        "INSERT INTO hazard_record (house_id, initial_determination, hazard_grade, rectification_status, "
        "opened_on) VALUES (:h, 'some', 'general', 'pending', '2024-01-01')"
    )
    with engine.begin() as conn:
        conn.execute(insert, {"h": house_id})
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(insert, {"h": house_id})


@pytest.mark.parametrize(
    "kwargs",
    [
        {"appraisal_standard": AppraisalStandard.JGJ_125_2016, "appraisal_grade": "Dsu"},
        {"appraisal_grade": "C"},
        {"closed_out": True},
    ],
)
def test_inconsistent_states_are_refused_before_the_database(kwargs):
    with pytest.raises(InvalidInput):
        HazardState(InitialDetermination.SOME, HazardGrade.GENERAL, **kwargs)


def test_database_refuses_grade_of_the_wrong_standard(engine, house_id):
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO hazard_record (house_id, initial_determination, hazard_grade, "
                "rectification_status, opened_on, appraisal_standard, appraisal_grade) VALUES "
                "(:h, 'some', 'general', 'pending', '2024-01-01', 'GB50292-2015', 'C')"
            ),
            {"h": house_id},
        )
