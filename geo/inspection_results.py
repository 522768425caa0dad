"""What an inspection's findings mean, stated once: the result class shown on the maps and in the export,
and which findings call for a rectification notice or immediate control measures (notice section 四).

Everything here reads the stored ``summary`` of an inspection (``geo.inspection_form.summary``): a dict with
``record_accurate``, ``hazard_correct``, ``hazard_determination``, ``rectification_observed``,
``paper_rectification``, ``missed_houses``, ``collapse_risk``, ``platform_updated``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

# Result classes, in the order of precedence (the first that applies wins) with their Chinese labels and
# map colours (colour-blind safe: Okabe-Ito).
RESULT_CLASSES: dict[str, tuple[str, str]] = {
    "collapse_uncontrolled": ("倒塌风险未管控", "#d55e00"),
    "collapse_controlled": ("倒塌风险已管控", "#cc79a7"),
    "digital_only": ("数字整治", "#e69f00"),
    "record_wrong": ("信息或判定有误", "#0072b2"),
    "confirmed": ("核实无误", "#009e73"),
}
RESULT_LABELS = {k: v[0] for k, v in RESULT_CLASSES.items()}
RESULT_COLOURS = {k: v[1] for k, v in RESULT_CLASSES.items()}


def result_class(summary: Mapping, controlled: bool = False) -> str:
    """The map's class of one inspection. ``controlled``: control measures are recorded for the house (on
    the form or afterwards). A house at risk of collapse is shown as such whatever else is wrong with it."""
    if summary.get("collapse_risk"):
        return "collapse_controlled" if controlled else "collapse_uncontrolled"
    if summary.get("paper_rectification"):
        return "digital_only"
    if summary.get("record_accurate") is False or summary.get("hazard_correct") is False:
        return "record_wrong"
    return "confirmed"


def controlled(form_measures: object, recorded: Iterable[str] = ()) -> bool:
    """Whether control measures are recorded for a house: on the form (``form_measures``, the stored
    ``answers["control_measures"]``: a non-empty list) or afterwards (``recorded``: the measures of its
    control records, service/followup). The one rule for the maps, the review list and the export, which all
    pass both."""
    return (isinstance(form_measures, list) and len(form_measures) > 0) or any(True for _ in recorded)


def needs_notice(summary: Mapping) -> bool:
    """A serious hazard (as found on site) not effectively rectified: the city office must issue a
    rectification notice (整改通知单) with a deadline. A 数字整治 (done on paper only) is not effective."""
    serious = summary.get("hazard_determination") == "serious" or bool(summary.get("collapse_risk"))
    effective = summary.get("rectification_observed") == "done" and not summary.get("paper_rectification")
    return serious and not effective


def needs_control(summary: Mapping) -> bool:
    """At risk of collapse: stop use, seal, evacuate at once (停止使用、封闭、人员撤离)."""
    return bool(summary.get("collapse_risk"))
