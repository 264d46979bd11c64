"""Interop review 8, follow-ups (notes/tasks8/fhir9): a search cut short or failed never answers
"None of these" or no medicine; ICD-10 and ICD-9-CM agree on dialysis; a prefetched medicine
naming its Medication by ``urn:uuid:`` is read; several records in one API body say their red
flags first. The FHIR server here is a real one on 127.0.0.1 (``cds_support.FakeFhirServer``)."""

from __future__ import annotations

import copy
from datetime import date
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest
from cds_support import (
    ELEANOR,
    FakeFhirServer,
    cds_client,
    ehr_resources,
    hook_request,
    prefetch_for,
    running_fhir_server,
    searchset,
    send,
)
from web_support import _SCREENER, TEST_SETTINGS

from screener.fhir import Located, fhir_context, patient_to_answers
from screener.screening.pipeline import Screener

AS_OF = date(2025, 6, 30)
AUTH = {"access_token": "ehr-access-token", "token_type": "Bearer", "expires_in": 300, "scope": "user/*.read", "subject": "mgk-screen"}
ACTIVE = {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}]}


def read_from_detail(card: dict[str, Any]) -> list[str]:
    """The rows of the card's "Read from the EHR record" section."""
    section = card["detail"].split("**Read from the EHR record**\n\n")[1].split("\n\n")[0]
    return [row.removeprefix("- ") for row in section.splitlines()]


def conditions_of(patient: str, *codes: tuple[str, str, str]) -> list[dict[str, Any]]:
    return [
        {
            "resourceType": "Condition",
            "id": f"c{index}",
            "clinicalStatus": ACTIVE,
            "subject": {"reference": f"Patient/{patient}"},
            "code": {"coding": [{"system": system, "code": code, "display": display}], "text": display},
        }
        for index, (system, code, display) in enumerate(codes)
    ]


SINUSITIS = ("http://snomed.info/sct", "36971009", "Sinusitis")
HEART_FAILURE = ("http://snomed.info/sct", "88805009", "Chronic congestive heart failure")


def without_conditions(patient: str) -> list[dict[str, Any]]:
    return [r for r in ehr_resources() if not (r["resourceType"] == "Condition" and r["subject"]["reference"] == f"Patient/{patient}")]


def second_condition_page_fails(handler: BaseHTTPRequestHandler) -> bool:
    if handler.path.startswith("/fhir/Condition") and "_offset=1" in handler.path:
        send(handler, 500, {"resourceType": "OperationOutcome", "issue": [{"severity": "error", "code": "exception"}]})
        return True
    return False


# -- 1. a search cut short or failed never says "none" -------------------------------------------


def test_eleanors_conditions_search_cut_short_after_a_page_of_sinusitis_leaves_her_conditions_unanswered_not_none() -> None:
    # Her FHIR server gives one Condition a page: a sinusitis, then (page 2, which fails) her heart failure.
    resources = without_conditions(ELEANOR) + conditions_of(ELEANOR, SINUSITIS, HEART_FAILURE)
    with running_fhir_server(FakeFhirServer(resources, page_size=1, behaviour=second_condition_page_fails)) as fake:
        request = hook_request("patient-view", ELEANOR, fhirServer=fake.base_url, fhirAuthorization=AUTH)
        card = cds_client().post("/cds-services/patient-view", json=request).json()["cards"][0]
    assert "the conditions search was cut short after its first page, because the FHIR server answered 500" in card["detail"]
    assert not any(row.startswith("Health conditions") for row in read_from_detail(card))
    assert "None of these" not in card["detail"]
    assert "Not all read (a search cut short), so left unanswered: health conditions." in card["detail"]


def test_a_condition_found_before_the_search_was_cut_short_counts_and_is_said_not_all_read() -> None:
    resources = without_conditions(ELEANOR) + conditions_of(ELEANOR, HEART_FAILURE, SINUSITIS)
    with running_fhir_server(FakeFhirServer(resources, page_size=1, behaviour=second_condition_page_fails)) as fake:
        request = hook_request("patient-view", ELEANOR, fhirServer=fake.base_url, fhirAuthorization=AUTH)
        card = cds_client().post("/cds-services/patient-view", json=request).json()["cards"][0]
    assert "Health conditions: Heart failure (not all read from the EHR)" in read_from_detail(card)


def test_a_prefetched_page_of_only_a_sinusitis_with_a_next_page_and_no_fhir_server_is_not_none_of_these() -> None:
    prefetch = prefetch_for(ELEANOR)
    prefetch["conditions"] = searchset(conditions_of(ELEANOR, SINUSITIS))
    prefetch["conditions"]["link"] = [{"relation": "next", "url": "https://ehr.example/fhir/Condition?page=2"}]
    card = cds_client().post("/cds-services/patient-view", json=hook_request("patient-view", ELEANOR, prefetch)).json()["cards"][0]
    assert "the conditions search was cut short after its first page" in card["detail"]
    assert "None of these" not in card["detail"]


def stopped_statement(patient: str) -> dict[str, Any]:
    return {
        "resourceType": "MedicationStatement",
        "id": "ms-old",
        "status": "completed",
        "subject": {"reference": f"Patient/{patient}"},
        "medicationCodeableConcept": {"text": "Amoxicillin 500 MG Oral Capsule"},
    }


def test_with_her_prescriptions_cut_short_eleanor_is_not_said_to_take_no_medicine() -> None:
    # Page 1 of her prescriptions holds an old, stopped one; page 2 (her furosemide) is not read.
    prefetch = prefetch_for(ELEANOR)
    stopped = {**stopped_statement(ELEANOR), "resourceType": "MedicationRequest", "status": "stopped", "intent": "order"}
    prefetch["medicationRequests"] = searchset([stopped])
    prefetch["medicationRequests"]["link"] = [{"relation": "next", "url": "https://ehr.example/fhir/MedicationRequest?page=2"}]
    card = cds_client().post("/cds-services/patient-view", json=hook_request("patient-view", ELEANOR, prefetch)).json()["cards"][0]
    assert "the medicationRequests search was cut short after its first page" in card["detail"]
    assert not any(row.startswith("Medicines") for row in read_from_detail(card))
    assert "Medicines could not all be read from the EHR (a search cut short)" in card["detail"]


def test_with_her_prescriptions_search_failed_a_stopped_statement_does_not_make_eleanors_medicines_none() -> None:
    def prescriptions_fail(handler: BaseHTTPRequestHandler) -> bool:
        if handler.path.startswith("/fhir/MedicationRequest"):
            send(handler, 500, {"resourceType": "OperationOutcome", "issue": [{"severity": "error", "code": "exception"}]})
            return True
        return False

    with running_fhir_server(FakeFhirServer(ehr_resources(), behaviour=prescriptions_fail)) as fake:
        prefetch = prefetch_for(ELEANOR)
        del prefetch["medicationRequests"]
        prefetch["medicationStatements"] = searchset([stopped_statement(ELEANOR)])
        request = hook_request("patient-view", ELEANOR, prefetch, fhirServer=fake.base_url, fhirAuthorization=AUTH)
        card = cds_client().post("/cds-services/patient-view", json=request).json()["cards"][0]
    assert card["summary"].startswith("Mg/K depletion screen: could not read medicines from the EHR")
    assert not any(row.startswith("Medicines") for row in read_from_detail(card))
    assert "Medicines could not be read from the EHR" in card["detail"]


def test_a_search_read_whole_still_answers_none_of_these() -> None:
    prefetch = prefetch_for(ELEANOR)
    prefetch["conditions"] = searchset(conditions_of(ELEANOR, SINUSITIS))
    card = cds_client().post("/cds-services/patient-view", json=hook_request("patient-view", ELEANOR, prefetch)).json()["cards"][0]
    assert "Health conditions: None of these" in read_from_detail(card)


# -- 2. ICD-10 agrees with ICD-9-CM on dialysis ----------------------------------------------------


@pytest.fixture(scope="module")
def context() -> Any:
    return fhir_context(Screener(as_of=AS_OF).ruleset)


@pytest.mark.parametrize(
    ("system", "code"),
    [
        ("http://hl7.org/fhir/sid/icd-10-cm", "Z49.31"),  # encounter for adequacy testing for hemodialysis
        ("http://hl7.org/fhir/sid/icd-10-cm", "Z49.01"),  # fitting and adjustment of an extracorporeal dialysis catheter
        ("http://hl7.org/fhir/sid/icd-10", "Z49.1"),  # WHO ICD-10: care involving extracorporeal dialysis
        ("http://hl7.org/fhir/sid/icd-10-cm", "Z91.158"),  # patient's noncompliance with renal dialysis: on dialysis
        ("http://hl7.org/fhir/sid/icd-10-cm", "Z91.A58"),  # caregiver's noncompliance with the patient's renal dialysis
        ("http://hl7.org/fhir/sid/icd-9-cm", "V56.0"),
    ],
)
def test_ruths_dialysis_care_coded_in_icd10_is_read_as_dialysis_as_its_icd9cm_code_is(context: Any, system: str, code: str) -> None:
    (resource,) = conditions_of("p1", (system, code, "Dialysis care"))
    out = patient_to_answers([Located(resource, "$.entry[0].resource")], context, AS_OF, "p1")
    assert out.answers["conditions"] == ["dialysis"]


# -- 3. a prefetched medicine naming its Medication by urn:uuid ------------------------------------


def test_eleanors_prefetched_furosemide_naming_its_medication_by_urn_uuid_is_counted() -> None:
    prefetch = prefetch_for(ELEANOR)
    (request,) = [entry["resource"] for entry in prefetch["medicationRequests"]["entry"]]
    request = copy.deepcopy(request)
    request.pop("medicationCodeableConcept")
    uuid = "urn:uuid:33333333-3333-3333-3333-333333333333"
    request["medicationReference"] = {"reference": uuid}
    medication = {"resourceType": "Medication", "code": {"text": "Furosemide 40 MG Oral Tablet"}}
    prefetch["medicationRequests"]["entry"] = [
        {"fullUrl": f"https://ehr.example/fhir/MedicationRequest/{request['id']}", "resource": request, "search": {"mode": "match"}},
        {"fullUrl": uuid, "resource": medication, "search": {"mode": "include"}},
    ]
    card = cds_client().post("/cds-services/patient-view", json=hook_request("patient-view", ELEANOR, prefetch)).json()["cards"][0]
    assert "Medicines: Furosemide 40 MG Oral Tablet" in read_from_detail(card)
    assert "Loop diuretic" in card["detail"]
    assert "unnamed medicine" not in card["detail"]


# -- 4. several records in one body: their red flags first ----------------------------------------


@pytest.fixture(scope="module")
def api() -> Any:
    from fastapi.testclient import TestClient

    from screener.web.app import create_app

    return TestClient(create_app(_SCREENER.get(), settings=TEST_SETTINGS))


def test_a_body_of_three_records_one_reporting_chest_pain_is_refused_with_the_red_flag_first(api: Any) -> None:
    body = b'{"id": "a", "age": 40}\n{"id": "b", "age": 50, "red_flags_now": ["chest_pain"]}\n{"age": 60}\n'
    for path in ("/api/v1/screen", "/api/v1/validate"):
        answer = api.post(path, content=body, headers={"Content-Type": "application/json"})
        assert answer.status_code == 400
        got = answer.json()
        assert got["red_flags"] == ["chest_pain"]
        assert got["urgency"] == "emergency"
        assert got["red_flag_advice"].startswith("This record could not be screened (see its errors), but a red flag was given: chest pain.")
        assert got["errors"] == [
            {
                "path": "$",
                "message": "holds more than one record; give one answers object (`mgk-screen batch` screens many); "
                "record 2 (id 'b') reports a red flag now: chest_pain (see red_flags)",
            }
        ]


def test_a_body_of_several_records_under_a_misspelt_red_flag_key_says_each_red_flag(api: Any) -> None:
    body = b'{"age": 40, "red_flag_now": ["fainting"]}\n{"age": 50, "red_flags_now": ["chest_pain"]}\n'
    got = api.post("/api/v1/screen", content=body, headers={"Content-Type": "application/json"}).json()
    assert sorted(got["red_flags"]) == ["chest_pain", "fainting"]
    assert "record 1 reports a red flag now: fainting; record 2 reports a red flag now: chest_pain" in got["errors"][0]["message"]


def test_a_body_of_several_records_with_no_red_flag_is_refused_as_before(api: Any) -> None:
    answer = api.post("/api/v1/screen", content=b'{"age": 40}\n{"age": 50}\n', headers={"Content-Type": "application/json"})
    assert answer.status_code == 400
    assert answer.json() == {
        "valid": False,
        "errors": [{"path": "$", "message": "holds more than one record; give one answers object (`mgk-screen batch` screens many)"}],
    }


def test_the_first_page_given_a_file_of_several_people_says_the_red_flag_first(api: Any) -> None:
    from screener.web.context import WebContext
    from screener.web.reading import read_answers

    web: WebContext = api.app.state.web
    reading = read_answers(b'{"age": 40}\n{"age": 50, "red_flags_now": ["chest_pain"]}\n', web)
    assert reading.value is None
    assert reading.reported["red_flags"] == ["chest_pain"]
    assert reading.reported["urgency"] == "emergency"
