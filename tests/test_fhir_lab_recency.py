"""Which lab result in EHR data is the most recent: by the instant it was taken, not its calendar
day or its place in the file; results that cannot be put in order are read cautiously; and a most
recent result given with a comparator ("<2.5") is read as the bound it is, never replaced by an older one."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from screener.fhir import Located, fhir_context, patient_to_answers
from screener.fhir.conversion import Conversion
from screener.fhir.lab_times import latest_of, taken_at
from screener.fhir.records import screen_record_entry
from screener.screening.pipeline import Screener

AS_OF = date(2024, 8, 2)
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
PATIENT = {"reference": "Patient/p1"}
POTASSIUM = {"coding": [{"system": LOINC, "code": "2823-3", "display": "Potassium [Moles/volume] in Serum or Plasma"}]}
MAGNESIUM = {"coding": [{"system": LOINC, "code": "19123-9", "display": "Magnesium [Mass/volume] in Serum or Plasma"}]}


@pytest.fixture(scope="module")
def context(screener: Any) -> Any:
    return fhir_context(screener.ruleset)


def read(context: Any, *resources: dict[str, Any], as_of: date = AS_OF) -> Conversion:
    located = [Located(resource, f"$.entry[{index}].resource") for index, resource in enumerate(resources)]
    return patient_to_answers(located, context, as_of, "p1")


def lab(ident: str, value: float, when: str, *, unit: str = "mmol/L", code: dict[str, Any] = POTASSIUM, **quantity: Any) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": ident,
        "status": "final",
        "code": code,
        "subject": PATIENT,
        "effectiveDateTime": when,
        "valueQuantity": {"value": value, "unit": unit, "system": UCUM, "code": unit, **quantity},
    }


def screened(screener: Any, *resources: dict[str, Any]) -> dict[str, Any]:
    """The batch result of a 72-year-old man on furosemide with these results."""
    person = [
        {"resourceType": "Patient", "id": "p1", "gender": "male", "birthDate": "1952-03-01"},
        {"resourceType": "MedicationRequest", "id": "mr1", "status": "active", "intent": "order", "subject": PATIENT, "medicationCodeableConcept": {"text": "furosemide 40 mg"}},
    ]
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": resource} for resource in [*person, *resources]]}
    return screen_record_entry(Screener(screener.ruleset, as_of=AS_OF), bundle)


def potassium_read(out: Conversion) -> Any:
    assert out.problems == []
    return out.answers.get("labs", {}).get("potassium")


# -- the most recent by its instant ----------------------------------------------------------------


@pytest.mark.parametrize("evening_first", [False, True])
def test_inpatient_with_a_morning_normal_and_evening_low_potassium_is_read_by_the_evening_result(context: Any, evening_first: bool) -> None:
    morning = lab("k-morning", 4.5, "2024-07-30T06:00:00Z")
    evening = lab("k-evening", 2.7, "2024-07-30T18:00:00Z")
    out = read(context, *([evening, morning] if evening_first else [morning, evening]))
    assert potassium_read(out) == {"value": 2.7, "unit": "mmol/L", "taken": "last_7_days"}
    assert out.origins["labs.potassium.value"] == f"$.entry[{0 if evening_first else 1}].resource.valueQuantity.value"
    assert out.basis == [{"reference": "Observation/k-evening"}]
    assert out.notes == []


def test_inpatient_on_furosemide_with_an_evening_low_potassium_is_not_reassured_by_the_morning_normal(screener: Any) -> None:
    entry = screened(screener, lab("k-morning", 4.5, "2024-07-30T06:00:00Z"), lab("k-evening", 2.7, "2024-07-30T18:00:00Z"))
    assert entry["status"] == "screened"
    assert entry["potassium_depletion"] == "likely"
    assert entry["urgency"] != "none"


def test_traveller_whose_late_low_potassium_in_honolulu_came_after_a_next_day_normal_in_utc_is_read_by_the_low(context: Any) -> None:
    honolulu = lab("k-honolulu", 2.7, "2024-07-30T23:00:00-10:00")  # 2024-07-31 09:00 UTC
    utc_morning = lab("k-utc", 4.5, "2024-07-31T05:00:00Z")
    out = read(context, utc_morning, honolulu)
    assert potassium_read(out)["value"] == 2.7
    assert out.notes == []


def test_a_result_dated_without_a_time_is_later_than_a_timed_one_of_the_day_before(context: Any) -> None:
    clinic = lab("k-clinic", 3.1, "2024-07-30")
    ward = lab("k-ward", 4.6, "2024-07-29T22:00:00Z")
    assert potassium_read(read(context, clinic, ward))["value"] == 3.1
    assert potassium_read(read(context, ward, lab("k-clinic", 4.6, "2024-07-28")))["value"] == 4.6


def test_the_age_of_a_result_counts_the_day_it_was_written_on_to_the_reference_date(context: Any) -> None:
    honolulu = lab("k-honolulu", 2.7, "2024-07-30T23:00:00-10:00")
    assert potassium_read(read(context, honolulu, as_of=date(2024, 8, 6)))["taken"] == "last_7_days"
    assert potassium_read(read(context, honolulu, as_of=date(2024, 8, 7)))["taken"] == "last_30_days"
    # On 30 July a result taken that evening in Honolulu was known; one written for 31 July was not.
    out = read(context, honolulu, lab("k-utc", 4.5, "2024-07-31T05:00:00Z"), as_of=date(2024, 7, 30))
    assert potassium_read(out) == {"value": 2.7, "unit": "mmol/L", "taken": "last_7_days"}


def test_a_result_with_a_date_still_comes_after_one_without_any(context: Any) -> None:
    undated = lab("k-undated", 2.6, "2024-07-30")
    del undated["effectiveDateTime"]
    assert potassium_read(read(context, undated, lab("k-dated", 4.2, "2024-06-01")))["value"] == 4.2


# -- results that cannot be put in order ----------------------------------------------------------


def test_ward_patient_with_a_dated_low_and_a_timed_normal_on_the_same_day_is_read_by_the_low_with_a_warning(context: Any) -> None:
    out = read(context, lab("k-timed", 4.4, "2024-07-30T18:00:00Z"), lab("k-day", 2.9, "2024-07-30"))
    assert potassium_read(out)["value"] == 2.9
    assert out.notes == [
        "2 potassium results were taken at the same time, or on the same day with and without a time, so which is the most "
        "recent cannot be told: '2.9 mmol/L' (2024-07-30, Observation/k-day) was used, as the more urgent reading "
        "(furthest from the normal range, else the lowest), rather than '4.4 mmol/L' (2024-07-30T18:00:00Z, Observation/k-timed)"
    ]


def test_patient_on_spironolactone_with_a_normal_and_a_high_potassium_at_the_same_instant_is_read_by_the_high(context: Any) -> None:
    out = read(context, lab("k-high", 6.3, "2024-07-30T08:15:00+02:00"), lab("k-normal", 4.2, "2024-07-30T06:15:00Z"))
    assert potassium_read(out)["value"] == 6.3
    assert "'6.3 mmol/L' (2024-07-30T08:15:00+02:00, Observation/k-high) was used" in out.notes[0]


def test_a_low_and_a_high_potassium_at_the_same_time_give_the_one_further_past_its_bound(context: Any) -> None:
    # 3.1 is 11% under 3.5; 5.9 is 18% over 5.0.
    out = read(context, lab("k-low", 3.1, "2024-07-30T08:00:00Z"), lab("k-high", 5.9, "2024-07-30T08:00:00Z"))
    assert potassium_read(out)["value"] == 5.9
    out = read(context, lab("k-low", 2.6, "2024-07-30T08:00:00Z"), lab("k-high", 5.9, "2024-07-30T08:00:00Z"))
    assert potassium_read(out)["value"] == 2.6


def test_two_normal_results_at_the_same_time_give_the_lower(context: Any) -> None:
    out = read(context, lab("k-a", 4.8, "2024-07-30T08:00:00Z"), lab("k-b", 3.8, "2024-07-30T08:00:00Z"))
    assert potassium_read(out)["value"] == 3.8


def test_magnesium_results_in_two_units_at_the_same_time_are_compared_in_mmol_per_l(context: Any) -> None:
    in_mg_per_dl = lab("mg-a", 1.2, "2024-07-30T08:00:00Z", unit="mg/dL", code=MAGNESIUM)  # 0.49 mmol/L
    in_mmol = lab("mg-b", 0.8, "2024-07-30T08:00:00Z", code=MAGNESIUM)
    out = read(context, in_mmol, in_mg_per_dl)
    assert out.answers["labs"]["magnesium"] == {"value": 1.2, "unit": "mg/dL", "taken": "last_7_days"}


def test_the_same_result_read_twice_at_the_same_time_is_no_warning(context: Any) -> None:
    out = read(context, lab("k1", 3.3, "2024-07-30T08:00:00Z"), lab("k1-copy", 3.3, "2024-07-30T08:00:00Z"))
    assert potassium_read(out)["value"] == 3.3
    assert out.notes == []


def test_an_unreadable_result_at_the_same_time_as_a_readable_one_is_reported_not_passed_over(context: Any) -> None:
    out = read(context, lab("k-ok", 4.1, "2024-07-30T08:00:00Z"), lab("k-bad", 2.8, "2024-07-30T08:00:00Z", unit="mmol/dL"))
    assert [problem.path for problem in out.problems] == ["$.entry[1].resource.valueQuantity.code"]


# -- a most recent result given with a comparator --------------------------------------------------


def test_patient_whose_latest_potassium_is_below_2_5_is_read_as_below_it_and_screened_as_an_emergency(context: Any, screener: Any) -> None:
    older = lab("k-old", 4.1, "2024-07-01T08:00:00Z")
    below = lab("k-below", 2.5, "2024-07-30T08:00:00Z", comparator="<")
    out = read(context, older, below)
    assert potassium_read(out) == {"below": 2.5, "unit": "mmol/L", "taken": "last_7_days"}
    assert out.origins["labs.potassium.below"] == "$.entry[1].resource.valueQuantity.value"
    assert out.notes == []
    entry = screened(screener, older, below)
    assert entry["status"] == "screened"
    assert (entry["potassium_depletion"], entry["urgency"]) == ("likely", "emergency")  # the older normal result caps nothing
    assert entry["labs_used"][0]["below"] == 2.5 and "value" not in entry["labs_used"][0]


def test_a_most_recent_potassium_at_most_2_5_is_not_used_since_it_could_be_the_bound_itself(context: Any) -> None:
    out = read(context, lab("k-old", 4.1, "2024-07-01T08:00:00Z"), lab("k-at-most", 2.5, "2024-07-30T08:00:00Z", comparator="<="))
    assert out.problems == []
    assert "labs" not in out.answers
    assert out.notes == [
        "the most recent potassium result '<=2.5 mmol/L' (2024-07-30T08:00:00Z, Observation/k-at-most) has the comparator '<=', which "
        "allows the number itself, so it was not used: ask the lab for the value (no older potassium result was used in its place)"
    ]


def test_an_older_result_with_a_comparator_is_passed_over_for_the_newer_value(context: Any) -> None:
    out = read(context, lab("k-old", 2.5, "2024-07-01", comparator="<"), lab("k-new", 3.6, "2024-07-30"))
    assert potassium_read(out)["value"] == 3.6
    assert out.notes == []


def test_a_comparator_result_at_the_same_time_as_a_normal_one_is_ranked_by_its_bound(context: Any) -> None:
    out = read(context, lab("k-normal", 4.3, "2024-07-30T08:00:00Z"), lab("k-high", 7.0, "2024-07-30T08:00:00Z", comparator=">"))
    assert out.problems == []
    assert potassium_read(out) == {"above": 7.0, "unit": "mmol/L", "taken": "last_7_days"}
    assert len(out.notes) == 1
    assert "'>7.0 mmol/L' (2024-07-30T08:00:00Z, Observation/k-high) was used" in out.notes[0]


# -- reading the times -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("later", "earlier"),
    [
        ("2024-07-30T18:00:00Z", "2024-07-30T06:00:00Z"),
        ("2024-07-30T23:00:00-10:00", "2024-07-31T05:00:00Z"),
        ("2024-07-30T18:00:00.5Z", "2024-07-30T18:00:00Z"),
        ("2024-07-31", "2024-07-30T23:59:00+00:00"),
        ("2024-08", "2024-07-31T12:00:00Z"),
        ("2024-07-30T08:00", "2024-07-30T07:00"),  # no offset on either: the same clock
    ],
)
def test_a_later_time_is_told_from_an_earlier_one(later: str, earlier: str) -> None:
    times = [taken_at(earlier), taken_at(later)]
    assert latest_of(times) == [1]
    assert latest_of(times[::-1]) == [0]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("2024-07-30", "2024-07-30T18:00:00Z"),
        ("2024-07", "2024-07-15T10:00:00Z"),
        ("2024-07-30T08:00:00Z", "2024-07-30T10:00:00+02:00"),
        ("2024-07-30T08:00", "2024-07-30T07:00:00Z"),  # one without an offset: only its day is known
    ],
)
def test_times_that_cannot_be_put_in_order_are_both_kept(first: str, second: str) -> None:
    assert latest_of([taken_at(first), taken_at(second)]) == [0, 1]


def test_the_normal_ranges_that_break_ties_are_the_bounds_the_rules_use(screener: Any) -> None:
    def bound(rule_id: str, operator: str) -> float:
        leaves = screener.ruleset.rule(rule_id).condition.leaves()
        return next(float(leaf.value) for leaf in leaves if leaf.operator == operator and leaf.fact.endswith(".mmol_per_l"))

    the_rules_say = {
        "potassium": (bound("low_k_lab", "lt"), bound("high_k_lab", "gt")),
        "magnesium": (bound("low_mg_lab", "lt"), bound("high_mg_lab", "gt")),
    }
    the_ruleset_says = {lab: tuple(unit["normal_mmol_per_l"]) for lab, unit in screener.ruleset.lab_units.items()}
    assert the_rules_say == the_ruleset_says
