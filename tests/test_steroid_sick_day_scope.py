"""Verify 5, N1-N4: who the steroid sick-day rules are for. Hydrocortisone tablets (or a steroid
with fludrocortisone) are steroid replacement: any vomiting or diarrhea is a same-day matter.
Prednisolone's dose and duration are not asked: it raises the urgency only when the tablets will not
stay down or a warning sign comes, and otherwise gets the sick-day rules on a condition (more than
4 weeks, or a steroid emergency card: the 2020 NHS England patient safety alert). Rectal hydrocortisone
is not a steroid tablet; a child's line speaks to the parent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from screener import Screener
from screener.screening.medications import Vocabulary


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener()


def _screen(screener: Screener, answers: dict[str, Any]) -> tuple[str, dict[str, str]]:
    result = screener.screen({"alcohol": {"drinks_per_week": 2}, "laxative_use": "none", "symptoms": [], **answers})
    return result.urgency, {r.code: r.text for r in result.recommendations}


ONE_VOMIT = {"present": True, "days": 1, "episodes_per_day": 1}


def test_priya_on_a_five_day_prednisolone_course_vomits_once_and_gets_the_conditional_line_not_urgent(screener) -> None:
    urgency, texts = _screen(screener, {"age": 34, "sex": "female", "medications": ["prednisolone 40mg"],
                                        "vomiting": ONE_VOMIT})  # fmt: skip
    assert urgency not in ("urgent", "emergency")
    text = texts["steroid_sick_day"]
    assert text.startswith("If you have taken steroid tablets (prednisolone) for 4 weeks or more (at 5 mg of prednisolone a day or more")
    assert "steroid emergency card" in text and "fludrocortisone" not in text and "injection" not in text


def test_priya_on_prednisolone_whose_fluids_will_not_stay_down_is_an_emergency_with_the_steroid_line(screener) -> None:
    vomiting = {**ONE_VOMIT, "episodes_per_day": 5, "cannot_keep_fluids_down": True}
    urgency, texts = _screen(screener, {"age": 34, "sex": "female", "medications": ["prednisolone 40mg"],
                                        "vomiting": vomiting})  # fmt: skip
    assert urgency == "emergency" and "use it now" in texts["steroid_sick_day"]


def test_alan_with_addisons_on_hydrocortisone_tablets_and_fludrocortisone_vomits_and_is_urgent(screener) -> None:
    urgency, texts = _screen(screener, {"age": 52, "sex": "male", "vomiting": ONE_VOMIT,
                                        "medications": ["hydrocortisone 10mg tablets", "fludrocortisone 100 micrograms"]})  # fmt: skip
    assert urgency == "urgent"
    text = texts["steroid_sick_day"]
    assert "fludrocortisone dose stays the same" in text and "the team that prescribes it today" in text
    assert "endocrine team" not in text and "tends to rise" not in text


def test_grace_on_prednisolone_and_fludrocortisone_for_addisons_with_diarrhea_is_urgent(screener) -> None:
    urgency, texts = _screen(screener, {"age": 45, "sex": "female", "medications": ["prednisolone 4mg", "Florinef"],
                                        "diarrhea": {"present": True, "days": 1, "stools_per_day": 4}})  # fmt: skip
    assert urgency == "urgent" and "fludrocortisone dose stays the same" in texts["steroid_sick_day"]


def test_tom_on_a_transplant_dose_of_prednisolone_alone_is_not_told_about_fludrocortisone(screener) -> None:
    _, texts = _screen(screener, {"age": 58, "sex": "male", "medications": ["prednisolone 5mg"],
                                  "diarrhea": {"present": True, "days": 3, "stools_per_day": 4}})  # fmt: skip
    assert "fludrocortisone" not in texts["steroid_sick_day"]


@pytest.mark.parametrize(
    "written", ["hydrocortisone suppositories (Anusol HC)", "Anusol HC", "Colifoam", "Proctofoam HC", "Predsol enema",
                "hydrocortisone rectal foam", "hydrocortisone 1% cream"],
)  # fmt: skip
def test_margaret_using_a_rectal_or_skin_hydrocortisone_with_diarrhea_gets_no_steroid_line(screener, written) -> None:
    urgency, texts = _screen(screener, {"age": 66, "sex": "female", "medications": [written],
                                        "diarrhea": {"present": True, "days": 3, "stools_per_day": 4}})  # fmt: skip
    assert "steroid_sick_day" not in texts and urgency != "urgent"


def test_diclofenac_suppositories_are_still_counted_while_hydrocortisone_suppositories_are_not() -> None:
    vocabulary = Vocabulary.from_file(Path(__file__).parents[1] / "rules" / "medications.json")
    diclofenac = vocabulary.match("diclofenac suppositories 100mg")
    assert diclofenac.counted and "nsaid" in diclofenac.classes
    assert not vocabulary.match("hydrocortisone 25 mg suppositories").classes
    assert "steroid_dependence" in vocabulary.match("hydrocortisone 10mg tablets").classes


def test_a_six_year_old_on_prednisolone_who_vomits_gets_the_line_spoken_to_the_parent(screener) -> None:
    _, texts = _screen(screener, {"age": 6, "medications": ["prednisolone 10mg"], "vomiting": ONE_VOMIT})
    text = texts["steroid_sick_day"]
    assert text.startswith("If the child has taken steroid tablets") and "the child's steroid" in text
    assert "your steroid" not in text and "If you have taken" not in text


def test_an_eight_year_old_with_adrenal_hyperplasia_on_hydrocortisone_who_vomits_is_urgent_and_the_parent_is_told(screener) -> None:
    urgency, texts = _screen(screener, {"age": 8, "vomiting": ONE_VOMIT,
                                        "medications": ["hydrocortisone 5mg tablets", "fludrocortisone 50 micrograms"]})  # fmt: skip
    assert urgency == "urgent"
    text = texts["steroid_sick_day"]
    assert text.startswith("The child takes a steroid tablet") and "the child's fludrocortisone dose stays the same" in text
    assert "(100 mg)" not in text and "You take" not in text


def test_an_eight_year_old_on_hydrocortisone_whose_fluids_will_not_stay_down_gets_the_parent_emergency_line(screener) -> None:
    vomiting = {**ONE_VOMIT, "episodes_per_day": 5, "cannot_keep_fluids_down": True}
    urgency, texts = _screen(screener, {"age": 8, "vomiting": vomiting, "medications": ["hydrocortisone 5mg tablets"]})
    assert urgency == "emergency" and texts["steroid_sick_day"].startswith("The child takes") and "give it now" in texts["steroid_sick_day"]
