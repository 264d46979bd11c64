"""Vignette review 8: advice and order (README, "Review 8: advice and order"). How soon is read
before the note that too few questions were answered, on every surface."""

from __future__ import annotations

import io
import re
from typing import Any

from rich.console import Console
from web_support import Visitor, upload_and_skip_to_result

from screener.render import render_short_result, result_text

# Someone who gives only a blood result from this week: potassium 2.4, nothing else answered.
ONLY_A_POTASSIUM_OF_2_4 = {"id": "k-only", "labs": {"potassium": {"value": 2.4, "unit": "mmol/L", "taken": "last_7_days"}}}


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_someone_who_gives_only_a_potassium_of_2_4_reads_the_emergency_before_the_note_on_missing_answers(
    screener: Any,
) -> None:
    result = screener.screen(ONLY_A_POTASSIUM_OF_2_4)
    assert result.urgency == "emergency" and result.coverage == "none"
    full = _flat(result_text(result, screener))
    console = Console(file=io.StringIO(), width=100, no_color=True, highlight=False)
    render_short_result(result, console, plain=True)
    short = _flat(console.file.getvalue())  # type: ignore[attr-defined]
    for text in (full, short):
        how_soon = text.index("How soon: emergency")
        assert how_soon < text.index("Not enough answers to screen") < text.index("Combined magnesium and potassium depletion")
        assert text[:how_soon].strip() == "mgk-screen result for k-only", "nothing but the heading above how soon"


def test_the_report_of_someone_who_gives_only_a_potassium_of_2_4_says_how_soon_before_the_missing_answers(
    screener: Any,
) -> None:
    from report_images import WHEN
    from test_reports import page_text

    from screener.reports import person_report

    result = screener.screen(ONLY_A_POTASSIUM_OF_2_4).model_dump(mode="json", exclude_none=True)
    text = page_text(person_report(result, screener=screener, generated=WHEN))
    how_soon = text.index("How soon to see a clinician: emergency")
    assert how_soon < text.index("Not enough answers to screen") < text.index("Combined magnesium and potassium depletion")


def test_the_web_result_of_someone_who_gives_only_a_potassium_of_2_4_says_how_soon_before_the_missing_answers() -> None:
    visitor = Visitor()
    upload_and_skip_to_result(visitor, ONLY_A_POTASSIUM_OF_2_4)
    text = visitor.text()
    how_soon = text.index("How soon to see a clinician: emergency")
    assert how_soon < text.index("Not enough answers to screen") < text.index("Combined magnesium and potassium depletion")


# -- finding 7: the reasons potassium can build up, each said once and plainly --------------------

# Frank, 71, with chronic kidney disease, on ramipril, Bactrim DS and Slow-K, who also ticks
# "prescribed potassium" among his supplements.
FRANK_71_CKD_RAMIPRIL_BACTRIM_SLOW_K = {
    "id": "frank", "age": 71, "sex": "male", "conditions": ["chronic_kidney_disease"],
    "medications": ["Bactrim DS", "Slow-K 600mg", "Ramipril 10mg"], "diuretic_use": "no",
    "alcohol": {"drinks_per_week": 4}, "diarrhea": {"present": False}, "vomiting": {"present": False},
    "laxative_use": "none", "symptoms": [], "red_flags_now": [], "supplements": ["potassium_prescribed"],
}  # fmt: skip
# Edna, 80, on trimethoprim for a urine infection, with no listed potassium, who ticks
# "prescribed potassium".
EDNA_80_TRIMETHOPRIM_PRESCRIBED_POTASSIUM_TICKED = {
    "id": "edna", "age": 80, "sex": "female", "medications": ["trimethoprim 200mg"], "diuretic_use": "no",
    "supplements": ["potassium_prescribed"], "symptoms": [],
}  # fmt: skip


def _reasons(result: Any) -> str:
    (text,) = [r.text for r in result.recommendations if r.code == "no_potassium_self_supplement"]
    return text.split(", potassium can build up in the body")[0]


def test_frank_on_bactrim_ramipril_and_slow_k_hears_his_potassium_named_once_and_his_age_said_plainly(screener: Any) -> None:
    reasons = _reasons(screener.screen(FRANK_71_CKD_RAMIPRIL_BACTRIM_SLOW_K))
    assert reasons == "With chronic kidney disease, Ramipril, Bactrim, being 65 or over and Slow-K"
    assert "prescribed potassium" not in reasons and "age 65" not in reasons


def test_edna_who_ticks_prescribed_potassium_without_naming_it_hears_it_as_prescribed_potassium(screener: Any) -> None:
    reasons = _reasons(screener.screen(EDNA_80_TRIMETHOPRIM_PRESCRIBED_POTASSIUM_TICKED))
    assert "prescribed potassium" in reasons and "being 65 or over" in reasons and "trimethoprim" in reasons
