"""Pregnancy read from EHR data (a Bundle, bulk data, a CDS Hooks prefetch): a pregnancy status
Observation (LOINC 82810-3 or 11449-6, valued in LOINC answers or SNOMED CT, as US Core's
Pregnancy Status profile sends it) or a Condition of a current pregnancy, the newest deciding
while recent enough, for a person the questionnaire asks ("female" or "other", aged 10-55)."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest
from cds_support import cds_client, hook_request, prefetch_for, searchset
from result_support import codes

from screener.errors import RulesError
from screener.fhir.mapping import fhir_context, mapping_from_data
from screener.fhir.records import fhir_answers, screen_fhir_record
from screener.screening.pipeline import Screener

AS_OF = date(2025, 6, 30)
LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
PREGNANT = {"system": LOINC, "code": "LA15173-0", "display": "Pregnant"}
NOT_PREGNANT = {"system": LOINC, "code": "LA26683-5", "display": "Not pregnant"}
UNKNOWN = {"system": LOINC, "code": "LA4489-6", "display": "Unknown"}


@pytest.fixture(scope="module")
def on_the_day(screener: Any) -> Screener:
    return Screener(screener.ruleset, as_of=AS_OF)


def patient(gender: str = "female", born: str = "1997-03-02", pid: str = "p1") -> dict[str, Any]:
    return {"resourceType": "Patient", "id": pid, "gender": gender, "birthDate": born}


def status(value: dict[str, str], when: str, oid: str = "ps1", code: str = "82810-3", **more: Any) -> dict[str, Any]:
    """A pregnancy status Observation, as US Core's profile has it."""
    return {
        "resourceType": "Observation",
        "id": oid,
        "status": "final",
        "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "social-history"}]}],
        "code": {"coding": [{"system": LOINC, "code": code, "display": "Pregnancy status"}]},
        "subject": {"reference": "Patient/p1"},
        "effectiveDateTime": when,
        "valueCodeableConcept": {"coding": [value], "text": value["display"]},
        **more,
    }


def condition(system: str, code: str, display: str, cid: str = "c1", **more: Any) -> dict[str, Any]:
    return {
        "resourceType": "Condition",
        "id": cid,
        "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}]},
        "code": {"coding": [{"system": system, "code": code, "display": display}]},
        "subject": {"reference": "Patient/p1"},
        **more,
    }


def bundle(*resources: dict[str, Any]) -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": resource} for resource in resources]}


def read(screener: Screener, *resources: dict[str, Any]) -> dict[str, Any]:
    return fhir_answers(screener, bundle(*resources))


def warnings(screener: Screener, *resources: dict[str, Any]) -> list[str]:
    return list(screen_fhir_record(screener, bundle(*resources)).warnings)


# -- the Observation ----------------------------------------------------------------------------


def test_aoife_28_weeks_pregnant_vomiting_4_times_a_day_is_urgent_with_the_pregnancy_vomiting_advice(on_the_day: Screener) -> None:
    # Her record (Observation 82810-3 = Pregnant, a month ago) answers the pregnancy question;
    # she adds the vomiting herself.
    answers = read(on_the_day, patient(), status(PREGNANT, "2025-05-28"))
    assert answers["pregnant"] == "yes"
    result = on_the_day.screen({**answers, "vomiting": {"present": True, "episodes_per_day": 4, "days": 3}})
    assert result.urgency == "urgent"
    assert {"pregnancy_vomiting", "pregnancy_check_first"} <= set(codes(result))


def test_the_record_alone_brings_the_ask_your_midwife_first_advice_and_names_the_observation_as_its_basis(on_the_day: Screener) -> None:
    entry = screen_fhir_record(on_the_day, bundle(patient(), status(PREGNANT, "2025-05-28")))
    assert "pregnancy_check_first" in codes(entry)
    conversion_answers = read(on_the_day, patient(), status(PREGNANT, "2025-05-28"))
    assert conversion_answers["pregnant"] == "yes"


def test_a_recent_not_pregnant_is_no_and_unknown_is_unsure(on_the_day: Screener) -> None:
    assert read(on_the_day, patient(), status(NOT_PREGNANT, "2025-06-27"))["pregnant"] == "no"
    assert read(on_the_day, patient(), status(UNKNOWN, "2025-06-29"))["pregnant"] == "unsure"


def test_us_core_sends_snomed_values_and_the_older_11449_6_code_is_read_too(on_the_day: Screener) -> None:
    # The example of US Core's Pregnancy Status profile: value SNOMED CT 77386006 "Pregnant".
    snomed_pregnant = {"system": SNOMED, "code": "77386006", "display": "Pregnant"}
    assert read(on_the_day, patient(), status(snomed_pregnant, "2025-06-01T10:39:52+00:00"))["pregnant"] == "yes"
    snomed_not = {"system": SNOMED, "code": "60001007", "display": "Not pregnant"}
    assert read(on_the_day, patient(), status(snomed_not, "2025-06-28"))["pregnant"] == "no"
    assert read(on_the_day, patient(), status(PREGNANT, "2025-06-01", code="11449-6"))["pregnant"] == "yes"
    oid = {"system": "urn:oid:2.16.840.1.113883.6.96", "code": "77386006", "display": "Pregnant"}
    assert read(on_the_day, patient(), status(oid, "2025-06-01"))["pregnant"] == "yes"


def test_the_newest_status_wins_and_the_warnings_say_the_older_disagreed(on_the_day: Screener) -> None:
    older = status(PREGNANT, "2025-03-01", oid="old")
    newer = status(NOT_PREGNANT, "2025-06-28", oid="new")
    assert read(on_the_day, patient(), older, newer)["pregnant"] == "no"
    (said,) = [text for text in warnings(on_the_day, patient(), older, newer) if "newest record of pregnancy" in text]
    assert "Observation/new" in said and "Observation/old" in said


def test_two_statuses_on_the_same_day_that_disagree_read_as_the_more_careful(on_the_day: Screener) -> None:
    one, other = status(NOT_PREGNANT, "2025-06-20", oid="a"), status(PREGNANT, "2025-06-20", oid="b")
    assert read(on_the_day, patient(), one, other)["pregnant"] == "yes"
    assert any("on the same day disagree" in text for text in warnings(on_the_day, patient(), one, other))


def test_a_preliminary_or_valueless_status_is_not_read_and_is_named(on_the_day: Screener) -> None:
    preliminary = status(PREGNANT, "2025-06-20", status="preliminary")
    assert "pregnant" not in read(on_the_day, patient(), preliminary)
    assert any("with status 'preliminary'" in text for text in warnings(on_the_day, patient(), preliminary))
    local = status({"system": "urn:local", "code": "PREG", "display": "Pregnant"}, "2025-06-20")
    assert "pregnant" not in read(on_the_day, patient(), local)
    assert any("urn:local|PREG" in text and "not read" in text for text in warnings(on_the_day, patient(), local))
    cancelled = status(PREGNANT, "2025-06-20", status="entered-in-error")
    assert "pregnant" not in read(on_the_day, patient(), cancelled)


def test_a_status_dated_after_the_reference_date_is_not_seen(on_the_day: Screener) -> None:
    assert "pregnant" not in read(on_the_day, patient(), status(PREGNANT, "2025-07-05"))


# -- recency ------------------------------------------------------------------------------------


def test_niamh_whose_pregnant_status_is_a_year_old_is_not_read_as_pregnant_and_the_warning_names_it(on_the_day: Screener) -> None:
    stale = status(PREGNANT, "2024-06-01", oid="last-year")
    assert "pregnant" not in read(on_the_day, patient(), stale)
    (said,) = [text for text in warnings(on_the_day, patient(), stale) if "Observation/last-year" in text]
    assert "394 days old" in said and "294 days" in said


def test_a_pregnant_status_counts_for_42_weeks_and_no_longer(on_the_day: Screener) -> None:
    assert read(on_the_day, patient(), status(PREGNANT, "2024-09-09"))["pregnant"] == "yes"  # 294 days
    assert "pregnant" not in read(on_the_day, patient(), status(PREGNANT, "2024-09-08"))  # 295 days


def test_a_not_pregnant_a_month_ago_does_not_say_she_is_not_pregnant_now(on_the_day: Screener) -> None:
    old_no = status(NOT_PREGNANT, "2025-05-30")
    assert "pregnant" not in read(on_the_day, patient(), old_no)
    result = screen_fhir_record(on_the_day, bundle(patient(), old_no))
    assert "pregnant" in result.unanswered_sections
    assert any("older than the 7 days" in text for text in result.warnings)


def test_an_undated_status_is_not_read_and_is_named(on_the_day: Screener) -> None:
    undated = status(PREGNANT, "")
    del undated["effectiveDateTime"]
    assert "pregnant" not in read(on_the_day, patient(), undated)
    assert any("has no date" in text for text in warnings(on_the_day, patient(), undated))


# -- the Condition ------------------------------------------------------------------------------


def test_siobhan_with_an_active_z33_1_pregnant_state_is_read_as_pregnant(on_the_day: Screener) -> None:
    z33 = condition(ICD10CM, "Z33.1", "Pregnant state, incidental", recordedDate="2025-04-02")
    answers = read(on_the_day, patient(), z33)
    assert answers["pregnant"] == "yes"
    assert answers["conditions"] == []  # no condition of the answers contract


def test_synthea_normal_pregnancy_and_supervision_of_normal_pregnancy_are_read(on_the_day: Screener) -> None:
    normal = condition(SNOMED, "72892002", "Normal pregnancy", onsetDateTime="2025-01-15")
    assert read(on_the_day, patient(), normal)["pregnant"] == "yes"
    z34 = condition(ICD10CM, "Z34.02", "Supervision of normal first pregnancy, second trimester", recordedDate="2025-05-01")
    assert read(on_the_day, patient(), z34)["pregnant"] == "yes"
    hyperemesis = condition(ICD10CM, "O21.0", "Mild hyperemesis gravidarum", recordedDate="2025-06-01")
    assert read(on_the_day, patient(), hyperemesis)["pregnant"] == "yes"


def test_grainne_with_a_postpartum_o90_code_is_not_read_as_pregnant(on_the_day: Screener) -> None:
    o90 = condition(ICD10CM, "O90.81", "Anemia of the puerperium", recordedDate="2025-06-10")
    delivery = condition(ICD10CM, "O80", "Encounter for full-term uncomplicated delivery", cid="c2", recordedDate="2025-06-01")
    assert "pregnant" not in read(on_the_day, patient(), o90, delivery)


def test_a_resolved_abated_or_refuted_pregnancy_does_not_count(on_the_day: Screener) -> None:
    resolved = condition(SNOMED, "72892002", "Normal pregnancy", onsetDateTime="2024-10-01")
    resolved["clinicalStatus"]["coding"][0]["code"] = "resolved"
    abated = condition(SNOMED, "72892002", "Normal pregnancy", onsetDateTime="2024-10-01", abatementDateTime="2025-06-15")
    del abated["clinicalStatus"]
    refuted = condition(ICD10CM, "Z33.1", "Pregnant state", recordedDate="2025-06-01")
    refuted["verificationStatus"] = {"coding": [{"code": "refuted"}]}
    for one in (resolved, abated, refuted):
        assert "pregnant" not in read(on_the_day, patient(), one)


def test_a_pregnancy_left_active_on_the_problem_list_for_two_years_is_not_read(on_the_day: Screener) -> None:
    forgotten = condition(SNOMED, "77386006", "Pregnancy", onsetDateTime="2023-05-01")
    assert "pregnant" not in read(on_the_day, patient(), forgotten)
    assert any("Condition/c1" in text and "older than the 294 days" in text for text in warnings(on_the_day, patient(), forgotten))


def test_a_newer_not_pregnant_status_ends_an_older_pregnancy_condition(on_the_day: Screener) -> None:
    open_condition = condition(SNOMED, "77386006", "Pregnancy", onsetDateTime="2025-01-01")
    assert read(on_the_day, patient(), open_condition, status(NOT_PREGNANT, "2025-06-29"))["pregnant"] == "no"


# -- whom it is asked of ------------------------------------------------------------------------


def test_a_male_record_with_a_pregnant_status_is_warned_and_not_set(on_the_day: Screener) -> None:
    male = patient(gender="male", born="1980-01-01")
    pregnant = status(PREGNANT, "2025-06-01")
    assert "pregnant" not in read(on_the_day, male, pregnant)
    (said,) = [text for text in warnings(on_the_day, male, pregnant) if "records a pregnancy" in text]
    assert "sex male" in said and "check the record" in said


def test_a_woman_of_62_with_a_pregnancy_condition_is_warned_and_not_set(on_the_day: Screener) -> None:
    older = patient(born="1962-05-05")
    z34 = condition(ICD10CM, "Z34.90", "Supervision of normal pregnancy", recordedDate="2025-06-01")
    assert "pregnant" not in read(on_the_day, older, z34)
    assert any("age 63" in text and "records a pregnancy" in text for text in warnings(on_the_day, older, z34))


def test_a_person_of_gender_other_is_read_and_a_not_pregnant_male_record_is_passed_over_quietly(on_the_day: Screener) -> None:
    assert read(on_the_day, patient(gender="other"), status(PREGNANT, "2025-06-01"))["pregnant"] == "yes"
    male = patient(gender="male", born="1980-01-01")
    assert not any("pregnan" in text for text in warnings(on_the_day, male, status(NOT_PREGNANT, "2025-06-29")))


# -- the mapping is data ------------------------------------------------------------------------


def test_the_mapping_refuses_a_pregnancy_value_that_is_no_choice_of_the_question(screener: Any) -> None:
    context = fhir_context(screener.ruleset)
    data = copy.deepcopy(_raw_mapping())
    data["pregnancy"]["values"][0]["value"] = "perhaps"
    del data["pregnancy"]["counts_for_days"]["no"]
    with pytest.raises(RulesError) as refused:
        mapping_from_data(data, context.questionnaire, "fhir.json")
    assert "pregnancy.values[0].value: item 'pregnant' has no choice 'perhaps'" in str(refused.value)
    assert "pregnancy.counts_for_days: no time for choice 'no'" in str(refused.value)


def _raw_mapping() -> dict[str, Any]:
    import json
    from importlib import resources

    loaded: dict[str, Any] = json.loads(resources.files("screener.rules").joinpath("fhir.json").read_text("utf-8"))
    return loaded


# -- CDS Hooks ----------------------------------------------------------------------------------

ROISIN = "00000002-5e1a-4c2b-9f00-000000000002"  # the fixture's patient 2, recast below


def _roisin_prefetch(pregnancy: Any) -> dict[str, Any]:
    prefetch = prefetch_for(ROISIN)
    prefetch["patient"] = {**patient(pid=ROISIN)}
    prefetch["pregnancyStatus"] = pregnancy
    return prefetch


def test_discovery_asks_the_ehr_to_prefetch_the_pregnancy_status_observations() -> None:
    services = cds_client().get("/cds-services").json()["services"]
    for service in services:
        assert service["prefetch"]["pregnancyStatus"] == (
            "Observation?patient={{context.patientId}}&code=http://loinc.org|82810-3,http://loinc.org|11449-6&_sort=-date"
        )


def test_roisin_whose_prefetch_holds_a_pregnant_status_gets_a_card_that_reads_it_and_advises_asking_the_midwife_first() -> None:
    pregnant = {**status(PREGNANT, "2025-06-02", oid="ps-r"), "subject": {"reference": f"Patient/{ROISIN}"}}
    request = hook_request("patient-view", ROISIN, _roisin_prefetch(searchset([pregnant])))
    response = cds_client().post("/cds-services/patient-view", json=request)
    assert response.status_code == 200, response.text
    (card,) = response.json()["cards"]
    read_part = card["detail"].split("**Read from the EHR record**")[1].split("\n\n**")[0]
    assert "regnant" in read_part and "Yes" in read_part
    assert "midwife" in card["detail"]


def test_an_ehr_registered_before_the_pregnancy_key_still_gets_a_card_that_says_it_was_not_read() -> None:
    prefetch = _roisin_prefetch(None)
    del prefetch["pregnancyStatus"]
    response = cds_client().post("/cds-services/patient-view", json=hook_request("patient-view", ROISIN, prefetch))
    assert response.status_code == 200, response.text
    (card,) = response.json()["cards"]
    assert "pregnancyStatus was not prefetched and there is no fhirServer to read it from: not read" in card["detail"]
