"""Two lab-result safety points from a clinician's review.

An older result (over 30 days) is still not used for the levels, as screening-logic v2 says: its
value says little about now. But one outside the rules' own normal range must not end in "no
clinician visit needed": it is rechecked at the next visit, within days when markedly low (below
the potassium 3.0 and magnesium 0.6 mmol/L that the KDIGO Gitelman consensus treats to reach;
Blanchard 2017), with advice naming the recheck (a departure from v2: README "departures").

A magnesium whose number fits the other unit better (1.9 mmol/L, a normal value in mg/dL; 0.8
mg/dL, a normal value in mmol/L) gets a warning to check the unit on the report. It is read as
given and no level or urgency changes: a unit is never guessed.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from result_support import codes
from screener.cli.main import app
from typer.testing import CliRunner
from web_support import Visitor, answer_typical_person, new_client

from screener.fhir.records import screen_record_entry
from screener.screening.pipeline import Screener

OLDER_RESULT_ADVICE = "recheck_older_result"
UNIT_WARNING = "Check the unit on the magnesium report"


def labs(**results: tuple[float, str, str | None]) -> dict[str, Any]:
    """``potassium=(2.9, "mmol/L", "older")``: each result with its unit and when it was taken."""
    given = {}
    for name, (value, unit, taken) in results.items():
        given[name] = {"value": value, "unit": unit} | ({"taken": taken} if taken else {})
    return {"labs": given}



def unit_warnings(result: Any) -> list[str]:
    return [warning for warning in result.warnings if warning.startswith(UNIT_WARNING)]


# -- an older result outside the normal range ----------------------------------------------------

YOUNG_WOMAN_WITH_CRAMPS = {"age": 24, "sex": "female", "medications": [], "symptoms": ["muscle_cramps", "fatigue"]}


def test_young_woman_whose_low_potassium_and_magnesium_were_found_last_year_is_not_told_no_visit_is_needed(
    screener: Any,
) -> None:
    result = screener.screen(
        {**YOUNG_WOMAN_WITH_CRAMPS, **labs(potassium=(2.9, "mmol/L", "older"), magnesium=(0.5, "mmol/L", "older"))}
    )
    # The levels still do not use the older results ...
    assert (result.magnesium_depletion, result.potassium_depletion, result.combined_depletion) == ("unlikely",) * 3
    assert [lab.used for lab in result.labs_used] == [False, False]
    # ... but markedly low results (a lifelong cause such as Gitelman syndrome keeps them low) are
    # rechecked within days, and nothing says the answers do not point to a problem.
    assert result.urgency == "soon" and result.consult_clinician
    # and, last, the core sections she left unanswered (vignette review 4, M5)
    assert codes(result) == ["see_clinician_soon", OLDER_RESULT_ADVICE, "core_questions_not_answered"]
    advice = " ".join(recommendation.text for recommendation in result.recommendations)
    assert "recheck potassium and magnesium together" in advice
    assert "do not point to" not in advice and "general_advice" not in codes(result)
    fired = {finding.rule for finding in result.findings}
    assert {"older_result_below_range", "soon_older_result_markedly_low", "recommend_recheck_older_result"} <= fired


def test_the_same_woman_with_those_results_from_last_month_is_still_told_to_call_today(screener: Any) -> None:
    older = screener.screen(
        {**YOUNG_WOMAN_WITH_CRAMPS, **labs(potassium=(2.9, "mmol/L", "older"), magnesium=(0.5, "mmol/L", "older"))}
    )
    recent = screener.screen(
        {
            **YOUNG_WOMAN_WITH_CRAMPS,
            **labs(potassium=(2.9, "mmol/L", "last_30_days"), magnesium=(0.5, "mmol/L", "last_30_days")),
        }
    )
    assert recent.urgency == "urgent" and older.urgency == "soon"  # a current result still weighs more
    assert OLDER_RESULT_ADVICE not in codes(recent)


def test_man_whose_potassium_and_magnesium_were_checked_last_year_is_rechecked_only_when_they_were_low(
    screener: Any,
) -> None:
    # Each older value against the rules' normal bands (K 3.5-5.0, Mg 0.70-1.05 mmol/L) and the
    # markedly low lines (K 3.0, Mg 0.60): normal or high changes nothing (a screen for depletion;
    # an old high is often a sample that stood), low is routine, markedly low soon. A high
    # potassium of 5.5 or more is an exception (newcomer review 7: tests/test_review7_clin2.py), and
    # so is a high magnesium (clinical leftovers 3: tests/test_review8_clin3.py) unless the number is
    # likelier a result in mg/dL (1.06 here, with no kidney disease or magnesium taken).
    expected = {
        ("potassium", 3.5): "none", ("potassium", 5.0): "none", ("potassium", 4.2): "none",
        ("potassium", 3.4): "routine", ("potassium", 3.0): "routine", ("potassium", 2.9): "soon",
        ("potassium", 5.1): "none", ("potassium", 5.4): "none",
        ("magnesium", 0.70): "none", ("magnesium", 1.05): "none", ("magnesium", 0.85): "none",
        ("magnesium", 0.69): "routine", ("magnesium", 0.60): "routine", ("magnesium", 0.59): "soon",
        ("magnesium", 1.06): "none", ("magnesium", 3.5): "soon",
    }  # fmt: skip
    nothing_else = {"age": 45, "sex": "male", "medications": [], "symptoms": [], "alcohol": {"drinks_per_week": 0}}
    for (lab, value), urgency in expected.items():
        result = screener.screen({**nothing_else, **labs(**{lab: (value, "mmol/L", "older")})})
        assert result.urgency == urgency, (lab, value)
        assert (OLDER_RESULT_ADVICE in codes(result)) is (urgency != "none" and (lab, value) != ("magnesium", 3.5)), (lab, value)
        assert ("recheck_older_high_magnesium" in codes(result)) is ((lab, value) == ("magnesium", 3.5)), (lab, value)
        assert ("general_advice" in codes(result)) is (urgency == "none"), (lab, value)
        assert (result.magnesium_depletion, result.potassium_depletion) == ("unlikely", "unlikely")
        assert any(f"older {lab} result" in warning for warning in result.warnings)


def test_woman_on_furosemide_with_an_older_low_potassium_keeps_her_own_urgency_and_gets_the_recheck(
    screener: Any,
) -> None:
    # Her water pill makes both depletions possible (routine) and the older low result adds the
    # recheck; an older result never lowers an urgency the rest of the answers give.
    result = screener.screen(
        {"age": 70, "medications": ["furosemide 40 mg"], **labs(potassium=(3.3, "mmol/L", "older"))}
    )
    assert result.potassium_depletion == "possible" and result.urgency == "routine"
    assert OLDER_RESULT_ADVICE in codes(result)
    with_tetany = screener.screen(
        {**YOUNG_WOMAN_WITH_CRAMPS, "symptoms": ["muscle_spasm_tetany"], **labs(magnesium=(0.5, "mmol/L", "older"))}
    )
    assert with_tetany.urgency == "urgent"


def test_young_woman_with_last_years_low_results_reads_why_soon_on_the_web_page() -> None:
    visitor = Visitor()
    visitor.start()
    answer_typical_person(visitor, symptoms=("Muscle cramps",))
    visitor.press("/review/change", item="lab_potassium")
    visitor.type("2.9", unit="mmol/L")
    visitor.choose("More than 30 days ago")
    visitor.open("/result")
    text = visitor.text()
    assert "Combined magnesium and potassium depletion: unlikely" in text
    assert "Why soon, although a combined depletion is unlikely" in text
    assert "An older potassium below 3.0 or magnesium below 0.60 mmol/L" in text
    assert "recheck potassium and magnesium together" in text
    assert "do not point to" not in text


# -- a magnesium number that fits the other unit --------------------------------------------------

MAN_ON_FUROSEMIDE = {"age": 50, "medications": ["furosemide 40mg"]}


def test_man_on_furosemide_whose_us_magnesium_was_typed_in_mmol_is_warned_to_check_the_unit(screener: Any) -> None:
    result = screener.screen({**MAN_ON_FUROSEMIDE, **labs(magnesium=(1.9, "mmol/L", "last_7_days"))})
    [warning] = unit_warnings(result)
    assert "in mmol/L this number is high" in warning and "in mg/dL it would be normal" in warning
    assert "screen again with that unit" in warning
    # Read as given (nothing is guessed), but a result in doubt does not cap magnesium: the levels
    # are those of the same answers with no result (third clinical review, U1).
    assert (result.magnesium_depletion, result.potassium_depletion, result.urgency) == (
        "possible",
        "possible",
        "routine",
    )
    assert "magnesium_capped_by_high_result" not in {finding.rule for finding in result.findings}
    assert result.labs_used[0].mmol_per_l == 1.9


def test_woman_whose_normal_magnesium_in_mmol_was_typed_as_mg_dl_stays_urgent_and_is_told_to_check_the_unit(
    screener: Any,
) -> None:
    result = screener.screen({**MAN_ON_FUROSEMIDE, "sex": "female", **labs(magnesium=(0.8, "mg/dL", "last_7_days"))})
    [warning] = unit_warnings(result)
    assert "in mg/dL this number is severely low" in warning and "in mmol/L it would be normal" in warning
    assert "its urgency stands" in warning
    # A possibly severe low is never talked down: still likely and urgent.
    assert result.magnesium_depletion == "likely" and result.urgency == "urgent"


def test_magnesium_results_get_the_unit_warning_only_where_the_other_unit_is_the_likelier_reading(
    screener: Any,
) -> None:
    # mmol/L: above 1.05 (high) and below 2.6 (the mg/dL low and normal numbers), with no kidney
    # disease, dialysis or magnesium intake to explain a high value. mg/dL: 1.05 or less (the mmol/L
    # normal and low numbers). mEq/L is not checked: a mg/dL number read as mEq/L lands within about
    # 20% of its value (2.0 mg/dL is 0.82 mmol/L; 2.0 mEq/L 1.00), so the slip misleads nobody.
    warned = {
        (1.06, "mmol/L"): True, (1.9, "mmol/L"): True, (2.59, "mmol/L"): True,
        (1.05, "mmol/L"): False, (0.85, "mmol/L"): False, (2.6, "mmol/L"): False, (3.2, "mmol/L"): False,
        (0.5, "mg/dL"): True, (1.05, "mg/dL"): True,
        (1.06, "mg/dL"): False, (2.0, "mg/dL"): False,
        (1.9, "mEq/L"): False, (0.8, "mEq/L"): False,
    }  # fmt: skip
    for (value, unit), warns in warned.items():
        result = screener.screen({**MAN_ON_FUROSEMIDE, **labs(magnesium=(value, unit, "last_7_days"))})
        assert bool(unit_warnings(result)) is warns, (value, unit)
    high = labs(magnesium=(1.9, "mmol/L", "last_7_days"))
    for reason in (
        {"conditions": ["chronic_kidney_disease"]},
        {"conditions": ["dialysis"]},
        {"supplements": ["magnesium"]},
        {"medications": ["Milk of Magnesia"]},
    ):
        assert unit_warnings(screener.screen({**MAN_ON_FUROSEMIDE, **high, **reason})) == [], reason
    older = screener.screen({**MAN_ON_FUROSEMIDE, **labs(magnesium=(1.9, "mmol/L", "older"))})
    assert unit_warnings(older) and OLDER_RESULT_ADVICE not in codes(older)  # the unit is named on an older result too


def test_man_whose_magnesium_was_typed_in_mmol_sees_the_warning_through_the_json_api() -> None:
    answers = {**MAN_ON_FUROSEMIDE, **labs(magnesium=(1.9, "mmol/L", "last_7_days"))}
    response = new_client().post(
        "/api/v1/screen", content=json.dumps(answers), headers={"content-type": "application/json"}
    )
    assert response.status_code == 200
    assert any(warning.startswith(UNIT_WARNING) for warning in response.json()["warnings"])


def test_woman_who_typed_her_magnesium_in_mmol_reads_the_warning_on_the_web_page() -> None:
    visitor = Visitor()
    visitor.start()
    answer_typical_person(visitor)
    visitor.press("/review/change", item="lab_magnesium")
    visitor.type("1.9", unit="mmol/L")
    visitor.choose("In the last 7 days")
    visitor.open("/result")
    assert f"{UNIT_WARNING}: in mmol/L this number is high" in visitor.text()


def test_woman_who_answers_at_the_terminal_with_a_magnesium_in_mmol_reads_the_warning(tmp_path: Path) -> None:
    answers = {
        "id": "ana", "red_flags_now": [], "age": 24, "sex": "female", "pregnant": "no", "diuretic_use": "no", "medications": [],
        "alcohol": {"audit_c": {"frequency": 0, "quantity": 0, "binge": 0}, "drinks_per_week": 0},
        "diarrhea": {"present": False}, "vomiting": {"present": False}, "laxative_use": "none",
        "diet": {"processed_food": "rarely", "fruit_veg_servings": 5}, "conditions": [], "symptoms": [],
        "supplements": [], **labs(magnesium=(1.9, "mmol/L", "last_7_days")),
    }  # fmt: skip
    path = tmp_path / "ana.json"
    path.write_text(json.dumps(answers), encoding="utf-8")
    run = CliRunner().invoke(app, ["ask", "--resume", str(path), "--plain"], input="\n")  # Enter at the review
    assert run.exit_code == 0, run.output
    assert "Please note" in run.output
    assert f"! {UNIT_WARNING}: in mmol/L this number is high" in run.output


def test_man_whose_ehr_sends_a_magnesium_coded_in_mmol_per_l_is_warned_as_well(screener: Any) -> None:
    # The FHIR door reads the unit from its UCUM code, which a lab system sets, not a person; but the
    # answers it gives do not say where a unit came from, so the rules cannot tell and the warning
    # stays (accepted: it asks to check the report, which the record's clinician can do at a glance).
    patient = {"reference": "Patient/p1"}
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": resource} for resource in [
        {"resourceType": "Patient", "id": "p1", "gender": "male", "birthDate": "1974-03-01"},
        {"resourceType": "MedicationRequest", "id": "mr1", "status": "active", "intent": "order", "subject": patient,
         "medicationCodeableConcept": {"text": "furosemide 40 mg"}},
        {"resourceType": "Observation", "id": "mg1", "status": "final", "subject": patient,
         "code": {"coding": [{"system": "http://loinc.org", "code": "2601-3"}]},
         "effectiveDateTime": "2024-07-30T08:00:00Z",
         "valueQuantity": {"value": 1.9, "unit": "mmol/L", "system": "http://unitsofmeasure.org", "code": "mmol/L"}},
    ]]}  # fmt: skip
    entry = screen_record_entry(Screener(screener.ruleset, as_of=date(2024, 8, 2)), bundle)
    assert entry["status"] == "screened"
    assert any(warning.startswith(UNIT_WARNING) for warning in entry["warnings"])
    # Read as coded (the value is kept), but a result in doubt does not cap magnesium (review 3, U1).
    assert entry["magnesium_depletion"] == "possible"
