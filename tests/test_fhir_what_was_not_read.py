"""What an EHR or a form sends that the screen could not read is said in the result's warnings,
never passed over in silence (a newcomer's review): a lab report that only points to its
results, a search the server says was incomplete, a questionnaire response still being filled
in. Each still screens what it holds."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from screener.fhir.records import screen_record_entry
from screener.screening.pipeline import Screener

LOINC = "http://loinc.org"
OURS = "https://mgk-screen.example/fhir/CodeSystem/answers"
AMY = {"reference": "Patient/example", "display": "Amy Shaw"}


@pytest.fixture(scope="module")
def on_the_day(screener: Any) -> Screener:
    """Screening on 2026-11-30, two days after Amy's blood test."""
    return Screener(screener.ruleset, as_of=date(2026, 11, 30))


def patient() -> dict[str, Any]:
    return {"resourceType": "Patient", "id": "example", "gender": "female", "birthDate": "1987-02-20"}


def metabolic_panel(*results: str, effective: str = "2026-11-28T09:00:00Z") -> dict[str, Any]:
    """A basic metabolic panel report as US Core's example gives it: its results by reference."""
    return {
        "resourceType": "DiagnosticReport",
        "id": "metabolic-panel",
        "status": "final",
        "code": {"coding": [{"system": LOINC, "code": "51990-0", "display": "Basic metabolic panel - Blood"}]},
        "subject": AMY,
        "effectiveDateTime": effective,
        "result": [{"reference": reference} for reference in results],
    }


def serum_potassium() -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": "serum-potassium",
        "status": "final",
        "code": {"coding": [{"system": LOINC, "code": "2823-3"}]},
        "subject": AMY,
        "effectiveDateTime": "2026-11-28T09:00:00Z",
        "valueQuantity": {"value": 3.1, "unit": "mmol/L", "system": "http://unitsofmeasure.org", "code": "mmol/L"},
    }


def bundle(*resources: dict[str, Any], kind: str = "collection", **more: Any) -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": kind, "entry": [{"resource": resource, **more} for resource in resources]}


def test_amys_metabolic_panel_given_alone_warns_that_its_results_were_not_read(on_the_day: Screener) -> None:
    entry = screen_record_entry(on_the_day, metabolic_panel("Observation/serum-sodium", "Observation/serum-potassium"))
    assert entry["status"] == "screened"
    said = [warning for warning in entry["warnings"] if "DiagnosticReport/metabolic-panel" in warning]
    assert len(said) == 1
    assert "lists 2 results that the input does not hold (Observation/serum-sodium, Observation/serum-potassium; $.result)" in said[0]
    assert "they were not read" in said[0] and "give a Bundle with the report and its Observations" in said[0]


def test_amys_metabolic_panel_with_its_potassium_in_the_bundle_names_only_the_result_missing(on_the_day: Screener) -> None:
    entry = screen_record_entry(on_the_day, bundle(patient(), metabolic_panel("Observation/serum-sodium", "Observation/serum-potassium"), serum_potassium()))
    assert entry["status"] == "screened"
    said = [warning for warning in entry["warnings"] if "DiagnosticReport/metabolic-panel" in warning]
    assert len(said) == 1 and "lists 1 result that the input does not hold (Observation/serum-sodium;" in said[0]
    whole = screen_record_entry(on_the_day, bundle(patient(), metabolic_panel("Observation/serum-potassium"), serum_potassium()))
    assert not [warning for warning in whole["warnings"] if "DiagnosticReport" in warning]


def test_a_report_dated_after_the_day_screened_is_not_named(on_the_day: Screener) -> None:
    entry = screen_record_entry(on_the_day, metabolic_panel("Observation/serum-potassium", effective="2026-12-01T08:00:00Z"))
    assert entry["status"] == "screened"
    assert not [warning for warning in entry["warnings"] if "DiagnosticReport" in warning or "report" in warning]


def test_reports_too_old_for_their_results_to_be_used_are_named_together(on_the_day: Screener) -> None:
    """The US Core example panel is of 2005: its results would not be used, but the person
    giving it should still know they were not read."""
    reports = [
        {**metabolic_panel("Observation/serum-potassium", effective="2005-07-04"), "id": "bmp-2005"},
        {**metabolic_panel("Observation/serum-potassium", effective="2026-09-01"), "id": "bmp-september"},
    ]
    entry = screen_record_entry(on_the_day, bundle(patient(), *reports))
    assert entry["status"] == "screened"
    said = [warning for warning in entry["warnings"] if "report" in warning]
    assert said == [
        "2 reports more than 30 days old list results that the input does not hold (DiagnosticReport/bmp-2005 of 2005-07-04, "
        "DiagnosticReport/bmp-september of 2026-09-01): they were not read. A result that old would not be used, but it may "
        "be worth giving the recent results, or asking for a recheck"
    ]


def test_a_search_whose_server_withheld_some_results_says_the_screen_may_miss_them(screener: Any) -> None:
    withheld = {"resourceType": "OperationOutcome", "issue": [{"severity": "warning", "code": "incomplete", "diagnostics": "some results withheld"}]}
    searched = {
        "resourceType": "Bundle",
        "type": "searchset",
        "entry": [
            {"resource": patient(), "search": {"mode": "match"}},
            {"resource": serum_potassium(), "search": {"mode": "include"}},
            {"resource": withheld, "search": {"mode": "outcome"}},
        ],
    }
    entry = screen_record_entry(screener, searched)
    assert entry["status"] == "screened"
    said = [warning for warning in entry["warnings"] if "OperationOutcome" in warning]
    assert said == [
        "the server that made this Bundle added an OperationOutcome about its search ($.entry[2].resource) "
        "(warning: some results withheld): its search may be incomplete, so a result or a medicine may be missing from this screen"
    ]


def response(status: str) -> dict[str, Any]:
    return {
        "resourceType": "QuestionnaireResponse",
        "status": status,
        "item": [
            {"linkId": "age", "answer": [{"valueInteger": 70}]},
            {"linkId": "diuretic_use", "answer": [{"valueCoding": {"system": OURS, "code": "yes"}}]},
        ],
    }


def test_a_response_still_in_progress_is_screened_with_a_warning_that_it_may_be_partial(screener: Any) -> None:
    entry = screen_record_entry(screener, response("in-progress"))
    assert entry["status"] == "screened"
    assert (
        "the QuestionnaireResponse is marked in-progress ($.status): it may hold only some of the answers, "
        "and a question not answered yet counts as unknown in this screen"
    ) in entry["warnings"]
    assert any("marked stopped ($.status)" in warning for warning in screen_record_entry(screener, response("stopped"))["warnings"])
    assert not any("QuestionnaireResponse is marked" in warning for warning in screen_record_entry(screener, response("completed"))["warnings"])
