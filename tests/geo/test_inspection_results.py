"""The result classes and the findings that call for a notice or control measures."""

from geo.inspection_results import RESULT_CLASSES, controlled, needs_control, needs_notice, result_class

OK = {"record_accurate": True, "hazard_correct": True, "hazard_determination": "some",
      "rectification_observed": "in_progress", "paper_rectification": False, "missed_houses": 0,
      "collapse_risk": False, "platform_updated": True}  # fmt: skip


def test_precedence():
    assert result_class(OK) == "confirmed"
    assert result_class({**OK, "record_accurate": False}) == "record_wrong"
    assert result_class({**OK, "hazard_correct": False}) == "record_wrong"
    assert result_class({**OK, "record_accurate": False, "paper_rectification": True}) == "digital_only"
    risky = {**OK, "paper_rectification": True, "collapse_risk": True}
    assert result_class(risky) == "collapse_uncontrolled"
    assert result_class(risky, controlled=True) == "collapse_controlled"
    assert set(RESULT_CLASSES) == {"collapse_uncontrolled", "collapse_controlled", "digital_only", "record_wrong", "confirmed"}


def test_notice_and_control():
    assert not needs_notice(OK)
    serious = {**OK, "hazard_determination": "serious"}
    assert needs_notice(serious)
    assert not needs_notice({**serious, "rectification_observed": "done"})
    assert needs_notice({**serious, "rectification_observed": "done", "paper_rectification": True})
    assert needs_notice({**OK, "collapse_risk": True}) and needs_control({**OK, "collapse_risk": True})
    assert not needs_control(OK)


def test_controlled():
    assert controlled(["seal"]) and controlled(None, ["evacuate"]) and controlled([], ["seal"])
    assert not controlled(None) and not controlled([]) and not controlled("seal") and not controlled({"a": 1})
