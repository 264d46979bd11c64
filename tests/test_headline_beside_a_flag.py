"""The headline never reads as reassurance beside something flagged.

- Ken, 68, on spironolactone and lisinopril, with a potassium of 6.7 mmol/L: the advice says "a high
  potassium, not a depletion"; the headline and the potassium line say the result is high and point
  to the advice, instead of "potassium depletion: unlikely" alone. Whether the result is high is
  read from the rules' own advice (``high_potassium_result``), not from a threshold in Python.
- Red flags first, then how soon, then the levels; an "unlikely" beside an urgency is said quietly:
  never in capitals, nor in the colour of reassurance.
"""

from __future__ import annotations

from typing import Any

import pytest
from web_support import Visitor, upload_and_skip_to_result

from screener.headline import HIGH_POTASSIUM_ADVICE, Headline
from screener.render import result_text

pytest.importorskip("jinja2", reason="the reports extra is part of the test extra")

# Ken, 68: spironolactone with lisinopril, and a potassium of 6.7 mmol/L from this week.
KEN = {
    "id": "ken", "age": 68, "sex": "male", "medications": ["spironolactone", "lisinopril"],
    "alcohol": {"drinks_per_week": 2}, "diarrhea": {"present": False}, "vomiting": {"present": False},
    "laxative_use": "none", "symptoms": [],
    "labs": {"potassium": {"value": 6.7, "unit": "mmol/L", "taken": "last_7_days"}},
}  # fmt: skip
# Walter, 70, on digoxin with palpitations: nothing points to a depletion, but it is urgent.
WALTER = {
    "id": "walter", "age": 70, "medications": ["digoxin"], "alcohol": {"drinks_per_week": 0},
    "diarrhea": {"present": False}, "symptoms": ["palpitations"],
}  # fmt: skip
# Ada, 40, with nothing to report: her "unlikely" may be said out loud.
ADA = {
    "id": "ada", "age": 40, "sex": "female", "medications": [], "alcohol": {"drinks_per_week": 0},
    "diarrhea": {"present": False}, "vomiting": {"present": False}, "laxative_use": "none", "symptoms": [],
}  # fmt: skip


def flat(text: str) -> str:
    return " ".join(text.split())


def test_ken_with_a_potassium_of_6_7_is_told_the_result_is_high_beside_potassium_depletion_unlikely(screener: Any) -> None:
    result = screener.screen(KEN)
    assert (result.potassium_depletion, result.urgency) == ("unlikely", "emergency")
    text = flat(result_text(result))
    assert "Combined magnesium and potassium depletion: unlikely, but the potassium result is HIGH: see the advice" in text
    assert "potassium depletion: unlikely (the potassium result is high: see the advice)" in text
    assert "UNLIKELY" not in text


def test_the_potassium_result_is_high_exactly_when_the_rules_say_so(screener: Any) -> None:
    # No threshold in Python: the headline follows the rules' advice, band by band.
    for value in (4.0, 5.0, 5.2, 5.7, 6.2, 6.7):
        answers = KEN | {"labs": {"potassium": {"value": value, "unit": "mmol/L", "taken": "last_7_days"}}}
        result = screener.screen(answers)
        high = any(finding.rule == "high_k_lab" for finding in result.findings)
        assert Headline.of(result).potassium_high is high, value
        assert (HIGH_POTASSIUM_ADVICE in [r.code for r in result.recommendations]) is high, value
        assert ("the potassium result is high" in flat(result_text(result))) is high, value


def test_an_older_high_result_the_rules_do_not_use_adds_nothing(screener: Any) -> None:
    answers = KEN | {"labs": {"potassium": {"value": 6.7, "unit": "mmol/L", "taken": "older"}}}
    assert not Headline.of(screener.screen(answers)).potassium_high


def test_kens_report_and_clinician_summary_say_the_result_is_high(screener: Any) -> None:
    from report_images import WHEN
    from test_reports import parsed, text_of

    from screener.reports import person_report

    html = person_report(KEN, screener=screener, generated=WHEN)
    section = next(s for s in parsed(html).iter("section") if "headline" in (s.get("class") or "").split())
    headline = flat(text_of(section))
    assert "Potassium depletion: unlikely (the potassium result is high: see the advice)" in headline
    assert "level-high" in html and 'class="level-word unlikely"' not in html
    assert "K: unlikely (result high)" in flat(text_of(parsed(html)))


def test_ken_on_the_web_page_reads_high_not_unlikely() -> None:
    visitor = Visitor()
    upload_and_skip_to_result(visitor, KEN)
    text = visitor.text()
    assert "the potassium result is high: see the advice" in text
    assert 'class="level-word unlikely"' not in visitor.html


# -- how soon before the levels, and no loud "unlikely" beside it ----------------------------------


def test_walter_reads_how_soon_before_an_unlikely_said_quietly(screener: Any) -> None:
    result = screener.screen(WALTER)
    assert (result.combined_depletion, result.urgency) == ("unlikely", "urgent")
    text = result_text(result)
    assert text.index("How soon: urgent") < text.index("Combined magnesium and potassium depletion")
    assert "UNLIKELY" not in text
    assert Headline.of(result).card_level == "flagged"


def test_milos_routine_visit_comes_before_his_unlikely_too(screener: Any) -> None:
    milo = {"id": "milo", "age": 8, "medications": [], "diarrhea": {"present": True, "days": 2}, "symptoms": ["muscle_cramps"]}
    result = screener.screen(milo)
    assert result.urgency != "none"
    text = result_text(result)
    assert text.index("How soon:") < text.index("Combined magnesium")
    assert "UNLIKELY" not in text


def test_ada_with_nothing_flagged_may_still_read_unlikely_out_loud(screener: Any) -> None:
    result = screener.screen(ADA)
    assert (result.combined_depletion, result.urgency) == ("unlikely", "none")
    assert "Combined magnesium and potassium depletion: UNLIKELY" in result_text(result)


def test_the_report_and_web_page_say_how_soon_before_the_levels_and_no_green_unlikely(screener: Any) -> None:
    from report_images import WHEN

    from screener.reports import person_report

    html = person_report(WALTER, screener=screener, generated=WHEN)
    assert html.index('class="how-soon"') < html.index('id="headline-heading"')
    assert 'class="level-word unlikely"' not in html and "level-flagged" in html
    visitor = Visitor()
    upload_and_skip_to_result(visitor, WALTER)
    assert visitor.html.index('class="how-soon"') < visitor.html.index('id="headline-heading"')
    assert 'class="level-word unlikely"' not in visitor.html
