"""The vocabulary module: unique codes and labels, round trips, derived facts."""

from __future__ import annotations

import pytest

from geo import enums


@pytest.mark.parametrize("enum", enums.ALL_ENUMS, ids=lambda e: e.__name__)
def test_codes_and_labels_are_unique(enum):
    assert len(set(enum.codes())) == len(enum)
    labels = [m.label for m in enum]
    assert len(set(labels)) == len(labels)
    for member in enum:
        assert enum.from_label(member.label) is member
        assert enum(member.value) is member


def test_commercial_counts_mixed_use():
    assert enums.UseClass.MIXED.is_commercial and not enums.UseClass.NON_COMMERCIAL.is_commercial


@pytest.mark.parametrize(
    ("year", "band"), [(1980, "up_to_1980"), (1981, "1981_1990"), (2015, "2011_2015"), (2016, "from_2016")]
)
def test_build_era_bands(year, band):
    assert enums.BuildEra.of_year(year).value == band


def test_every_measure_has_a_kind():
    assert set(enums.MEASURE_KIND) == set(enums.Measure)


def test_from_label_rejects_unknown():
    with pytest.raises(ValueError):
        enums.Structure.from_label("茅草")


def test_import_guide_lists_every_field_and_code():
    from pathlib import Path

    from service.frame.importing.fields import FIELDS
    from service.frame.importing.report import ERROR_CODES, WARNING_CODES

    guide = (Path(__file__).resolve().parents[2] / "docs" / "importing.md").read_text(encoding="utf-8")
    for fields in FIELDS.values():
        for f in fields:
            assert f"`{f.name}`" in guide and "、".join(f.headers) in guide, f.name
    for code in [*ERROR_CODES, *WARNING_CODES]:
        assert f"`{code}`" in guide, code
