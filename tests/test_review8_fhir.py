"""Interop review 8: EHR data and CDS Hooks clients nobody here wrote (notes/interop-review-8).

A newest potassium sent as text or as a preliminary result; conditions coded in ICD-9-CM, a local
code, words only or a SNOMED CT edition URI; draft orders naming their Medication by reference; a
FHIR server's relative ``next`` links; draft orders that are proposals; a prefetched patient of
null. Each request is written as the client sends it (the CDS Hooks sandbox's draftOrders, a
v2-to-FHIR converter's valueString)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from cds_support import (
    WALTER,
    FakeFhirServer,
    cds_client,
    ehr_resources,
    hook_request,
    prefetch_for,
    running_fhir_server,
)

from screener.fhir import Located, fhir_context, patient_to_answers
from screener.fhir.client import FhirServer
from screener.fhir.conversion import Conversion
from screener.fhir.records import bundle_records, convert
from screener.screening.pipeline import Screener
from screener.web.cds import CdsSettings

AS_OF = date(2025, 6, 30)
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
PATIENT = {"reference": "Patient/p1"}


@pytest.fixture(scope="module")
def on_the_day() -> Screener:
    return Screener(as_of=AS_OF)


@pytest.fixture(scope="module")
def context(on_the_day: Screener) -> Any:
    return fhir_context(on_the_day.ruleset)


def read(context: Any, *resources: dict[str, Any]) -> Conversion:
    located = [Located(resource, f"$.entry[{index}].resource") for index, resource in enumerate(resources)]
    return patient_to_answers(located, context, AS_OF, "p1")


def result(id: str, when: str, status: str = "final", code: str = "2823-3", **value: Any) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": id,
        "status": status,
        "code": {"coding": [{"system": LOINC, "code": code}]},
        "subject": PATIENT,
        "effectiveDateTime": when,
        **value,
    }


def mmol(number: float) -> dict[str, Any]:
    return {"valueQuantity": {"value": number, "unit": "mmol/L", "system": UCUM, "code": "mmol/L"}}


OLDER_NORMAL = result("k-old", "2025-06-19T08:00:00Z", **mmol(4.4))


# -- 1. the newest potassium is never skipped for an older reassuring one ------------------------


def test_hannahs_newest_potassium_sent_as_text_by_a_v2_converter_is_read_not_her_older_normal_one(context: Any) -> None:
    newest = result("k-new", "2025-06-29T08:00:00Z", valueString="2.4 mmol/L", interpretation=[{"coding": [{"code": "LL"}]}])
    out = read(context, OLDER_NORMAL, newest)
    assert out.answers["labs"]["potassium"] == {"value": 2.4, "unit": "mmol/L", "taken": "last_7_days"}
    assert out.origins["labs.potassium.value"] == "$.entry[1].resource.valueString"
    assert out.notes == [
        "Observation/k-new: the most recent potassium result '2.4 mmol/L' (2025-06-29T08:00:00Z, Observation/k-new) is given "
        "as text (valueString) and was read from it: check it against the lab's report"
    ]


@pytest.mark.parametrize("text", ["<2.5 mmol/L", "2.4 mEq/L", "2.4 millimole per liter", "2.4"])
def test_a_text_potassium_of_a_number_and_a_known_unit_or_none_is_read(context: Any, text: str) -> None:
    labs = read(context, OLDER_NORMAL, result("k-new", "2025-06-29T08:00:00Z", valueString=text)).answers["labs"]["potassium"]
    assert labs.get("value", labs.get("below")) in (2.4, 2.5)


@pytest.mark.parametrize("text", ["2.4 mmol/L LL", "2,4 mmol/L", "2.4 mg/dL", "K 2.4"])
def test_olivers_newest_text_potassium_that_cannot_be_read_leaves_potassium_unanswered_not_his_older_normal(context: Any, text: str) -> None:
    out = read(context, OLDER_NORMAL, result("k-new", "2025-06-29T08:00:00Z", valueString=text))
    assert "labs" not in out.answers
    assert out.problems == []
    (note,) = out.notes
    assert note.startswith(f"Observation/k-new: the most recent potassium result {text!r} (2025-06-29T08:00:00Z, Observation/k-new) is given as text")
    assert "no older potassium result was used in its place" in note


def test_a_text_result_with_no_number_says_nothing_of_the_level_and_the_older_one_is_used(context: Any) -> None:
    out = read(context, OLDER_NORMAL, result("k-new", "2025-06-29T08:00:00Z", valueString="hemolysed, repeat"))
    assert out.answers["labs"]["potassium"]["value"] == 4.4
    assert out.notes == ["Observation/k-new: a potassium result given as valueString, not a number (valueQuantity) was not used"]


def test_a_magnesium_as_text_without_a_unit_is_not_guessed_and_no_older_one_stands_in(context: Any) -> None:
    older = result("mg-old", "2025-06-19T08:00:00Z", code="2601-3", **mmol(0.85))
    out = read(context, older, result("mg-new", "2025-06-29T08:00:00Z", code="2601-3", valueString="0.5"))
    assert "labs" not in out.answers
    assert "no older magnesium result was used in its place" in out.notes[0]


def test_fatimas_newest_preliminary_potassium_of_2_3_is_read_with_a_warning_not_her_final_4_4(context: Any) -> None:
    out = read(context, OLDER_NORMAL, result("k-pre", "2025-06-29T08:00:00Z", status="preliminary", **mmol(2.3)))
    assert out.answers["labs"]["potassium"]["value"] == 2.3
    assert out.notes == [
        "Observation/k-pre: the most recent potassium result '2.3 mmol/L' (2025-06-29T08:00:00Z, Observation/k-pre) has status "
        "'preliminary' ($.entry[1].resource.status), an initial result that may be incomplete or unverified: it was used, as "
        "the newest; check it against the final result"
    ]


@pytest.mark.parametrize("status", ["registered", "unknown", "Final"])
def test_a_newest_result_whose_status_says_neither_final_nor_void_leaves_potassium_unanswered(context: Any, status: str) -> None:
    out = read(context, OLDER_NORMAL, result("k-new", "2025-06-29T08:00:00Z", status=status, **mmol(2.3)))
    assert "labs" not in out.answers
    (note,) = out.notes
    assert f"has status {status!r} ($.entry[1].resource.status), neither final nor void" in note
    assert "no older potassium result was used in its place" in note


@pytest.mark.parametrize("status", ["cancelled", "entered-in-error"])
def test_a_void_newest_result_is_no_result_and_the_older_one_is_used(context: Any, status: str) -> None:
    assert read(context, OLDER_NORMAL, result("k-new", "2025-06-29T08:00:00Z", status=status, **mmol(2.3))).answers["labs"]["potassium"]["value"] == 4.4


def test_an_older_preliminary_result_gives_way_to_a_newer_final_one_without_a_word(context: Any) -> None:
    older = result("k-pre", "2025-06-19T08:00:00Z", status="preliminary", **mmol(2.9))
    out = read(context, older, result("k-new", "2025-06-29T08:00:00Z", **mmol(4.1)))
    assert out.answers["labs"]["potassium"]["value"] == 4.1
    assert out.notes == []


def test_hannahs_text_potassium_makes_her_screen_an_emergency_as_the_same_number_in_a_quantity_does(on_the_day: Screener, context: Any) -> None:
    furosemide = {"resourceType": "MedicationStatement", "id": "ms1", "status": "active", "subject": PATIENT, "medicationCodeableConcept": {"text": "furosemide 40 mg"}}
    for newest in (result("k-new", "2025-06-29T08:00:00Z", valueString="2.4 mmol/L"), result("k-new", "2025-06-29T08:00:00Z", **mmol(2.4))):
        answers = read(context, furosemide, OLDER_NORMAL, newest).answers
        entry = on_the_day.screen_entry(answers)
        assert (entry["potassium_depletion"], entry["urgency"]) == ("likely", "emergency")


# -- 2. conditions coded outside ICD-10 and SNOMED CT --------------------------------------------


def condition(code: dict[str, Any], id: str = "c1") -> dict[str, Any]:
    return {
        "resourceType": "Condition",
        "id": id,
        "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}]},
        "subject": PATIENT,
        "code": code,
    }


ICD9 = "http://hl7.org/fhir/sid/icd-9-cm"


@pytest.mark.parametrize(
    ("system", "code", "read_as"),
    [
        (ICD9, "428.0", ["heart_failure"]),
        (ICD9, "585.6", ["chronic_kidney_disease"]),
        (ICD9, "V45.11", ["dialysis"]),
        (ICD9, "V56.0", ["dialysis"]),
        (ICD9, "555.9", ["malabsorption"]),
        (ICD9, "579.0", ["malabsorption"]),
        (ICD9, "307.1", ["eating_disorder"]),
        (ICD9, "307.51", ["eating_disorder"]),
        (ICD9, "401.9", ["high_blood_pressure"]),
        (ICD9, "V44.2", ["ileostomy"]),
        ("urn:oid:2.16.840.1.113883.6.103", "428.0", ["heart_failure"]),
        ("http://snomed.info/sct/731000124108", "42343007", ["heart_failure"]),
        ("http://snomed.info/sct/900000000000207008/version/20240101", "105502003", ["dialysis"]),
    ],
)
def test_georges_condition_coded_in_icd9cm_or_a_snomed_edition_uri_is_read(context: Any, system: str, code: str, read_as: list[str]) -> None:
    out = read(context, condition({"coding": [{"system": system, "code": code}]}))
    assert out.answers["conditions"] == read_as
    assert out.notes == []


def test_ruths_dialysis_in_her_ehrs_local_code_leaves_conditions_unanswered_and_is_named(context: Any) -> None:
    local = condition({"coding": [{"system": "urn:oid:1.2.840.114350.1.13.0.1.7.2.696871", "code": "123456", "display": "Hemodialysis dependent"}]})
    out = read(context, local)
    assert "conditions" not in out.answers
    assert out.notes == [
        "Condition/c1 ('Hemodialysis dependent', urn:oid:1.2.840.114350.1.13.0.1.7.2.696871|123456: no ICD-10, SNOMED CT or "
        "ICD-9-CM code) may be dialysis, but conditions are read by their code, so it was not read as a condition; ask about it"
    ]


def test_a_condition_in_words_only_that_names_kidney_disease_leaves_conditions_unanswered(context: Any) -> None:
    out = read(context, condition({"text": "Chronic kidney disease stage 4"}))
    assert "conditions" not in out.answers
    assert "may be chronic kidney disease" in out.notes[0]


def test_a_diabetes_in_icd9cm_whose_fifth_digit_gives_its_type_is_named_not_guessed(context: Any) -> None:
    out = read(context, condition({"coding": [{"system": ICD9, "code": "250.00", "display": "Diabetes mellitus without mention of complication"}]}))
    assert "conditions" not in out.answers
    assert "may be type 1 diabetes or type 2 diabetes" in out.notes[0]


def test_a_local_condition_that_is_none_of_ours_still_answers_none_of_these(context: Any) -> None:
    out = read(context, condition({"coding": [{"system": "urn:oid:1.2.3", "code": "9", "display": "Sinusitis"}]}))
    assert out.answers["conditions"] == []



# -- CDS Hooks: draft orders naming their Medication, proposals, a prefetched patient of null ----

PATIENT_P1 = {"resourceType": "Patient", "id": "p1", "gender": "female", "birthDate": "1950-03-02"}
EMPTY = {"resourceType": "Bundle", "type": "searchset", "total": 0}
FUROSEMIDE_MEDICATION = {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "310429", "display": "Furosemide 20 MG Oral Tablet"}]}


def prefetch(**changes: Any) -> dict[str, Any]:
    keys = ("medicationRequests", "medicationStatements", "labResults", "conditions", "pregnancyStatus")
    return {"patient": PATIENT_P1, **dict.fromkeys(keys, EMPTY), **changes}


def draft(id: str = "d0", intent: str = "order", **medication: Any) -> dict[str, Any]:
    return {"resourceType": "MedicationRequest", "id": id, "status": "draft", "intent": intent, "subject": {"reference": "Patient/p1"}, **medication}


def card(service: str, request: dict[str, Any]) -> dict[str, Any]:

    answer = cds_client(CdsSettings(as_of=AS_OF)).post(f"/cds-services/{service}", json=request)
    assert answer.status_code == 200, answer.text
    (only,) = answer.json()["cards"]
    return dict(only)


def order_select(*entries: dict[str, Any], selections: tuple[str, ...] = ("MedicationRequest/d0",)) -> dict[str, Any]:

    bundle = {"resourceType": "Bundle", "type": "collection", "entry": list(entries)}
    return hook_request("order-select", "p1", prefetch(), draftOrders=bundle, selections=list(selections))


@pytest.mark.parametrize(
    ("full_url", "reference"),
    [
        (None, "Medication/med1"),
        ("urn:uuid:11111111-1111-1111-1111-111111111111", "urn:uuid:11111111-1111-1111-1111-111111111111"),
    ],
)
def test_marias_furosemide_order_naming_its_medication_in_the_draft_orders_is_counted_and_named(full_url: str | None, reference: str) -> None:
    medication: dict[str, Any] = {"resource": {"resourceType": "Medication", "code": FUROSEMIDE_MEDICATION} | ({} if full_url else {"id": "med1"})}
    if full_url:
        medication["fullUrl"] = full_url
    got = card("order-select", order_select(medication, {"resource": draft(medicationReference={"reference": reference})}))
    assert got["summary"].startswith("With furosemide ordered, the Mg/K screen rises")
    assert "**With the order being placed:** Furosemide 20 MG Oral Tablet counted as taken." in got["detail"]
    assert "unnamed medicine" not in got["detail"]


def test_a_transaction_bundle_naming_its_medication_by_urn_uuid_is_read_as_that_medicine(on_the_day: Screener) -> None:

    uuid = "urn:uuid:22222222-2222-2222-2222-222222222222"
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {"fullUrl": "urn:uuid:p1", "resource": {"resourceType": "Patient", "id": "p1"}},
            {"fullUrl": uuid, "resource": {"resourceType": "Medication", "code": FUROSEMIDE_MEDICATION}},
            {"resource": {"resourceType": "MedicationStatement", "status": "active", "subject": PATIENT, "medicationReference": {"reference": uuid}}},
        ],
    }
    (record,) = bundle_records(bundle)
    assert convert(record, on_the_day).answers["medications"] == ["Furosemide 20 MG Oral Tablet"]


@pytest.mark.parametrize("intent", ["proposal", "plan"])
def test_a_bumetanide_draft_order_with_intent_proposal_or_plan_is_counted_as_the_order_being_placed(intent: str) -> None:
    got = card("order-select", order_select({"resource": draft(intent=intent, medicationCodeableConcept={"text": "Bumetanide 1 MG Oral Tablet"})}))
    assert got["summary"].startswith("With bumetanide ordered, the Mg/K screen rises")
    assert "**With the order being placed:** Bumetanide 1 MG Oral Tablet counted as taken." in got["detail"]
    assert "not counted as a medicine taken" not in got["detail"]


def test_a_prefetched_patient_of_null_is_said_as_a_patient_not_read_not_as_medicines_on_file() -> None:

    got = card("patient-view", hook_request("patient-view", "p1", prefetch(patient=None)))
    assert "**The EHR sent no Patient** (`patient`, prefetch null): the patient was not read, so age and sex stay unanswered." in got["detail"]
    assert "medicine on file" not in got["detail"]


# -- a FHIR server's relative next links -----------------------------------------------------------


def relative_next_links(style: str) -> Any:
    """A FakeFhirServer whose ``next`` links are relative: to the server's path (``/fhir/...``),
    to its base (``Observation?...``) or a query alone (``?...``)."""

    class Relative(FakeFhirServer):
        def search(self, kind: str, query: dict[str, str]) -> dict[str, Any]:
            page = super().search(kind, query)
            for link in page.get("link", []):
                absolute = link["url"]
                path = absolute.removeprefix(self.base_url.rsplit("/fhir", 1)[0])
                link["url"] = {"path": path, "base": path.removeprefix("/fhir/"), "query": "?" + absolute.split("?", 1)[1]}[style]
            return page

    return Relative


@pytest.mark.parametrize("style", ["path", "base", "query"])
def test_walters_second_page_named_by_a_relative_next_link_is_read_from_the_same_server(style: str) -> None:

    auth = {"access_token": "ehr-access-token", "token_type": "Bearer", "expires_in": 300, "scope": "user/*.read", "subject": "mgk-screen"}
    with running_fhir_server(relative_next_links(style)(ehr_resources(), page_size=1)) as fake:
        request = hook_request("patient-view", WALTER, fhirServer=fake.base_url, fhirAuthorization=auth)
        got = cds_client().post("/cds-services/patient-view", json=request).json()["cards"][0]
        observations = [(path, token) for path, token in fake.requests if path.startswith("/fhir/Observation") and "2823-3" in path]
    assert len(observations) == 2 and "_offset=1" in observations[1][0]
    assert observations[1][1] == "Bearer ehr-access-token"
    assert "another host" not in got["detail"]
    assert "Most recent potassium blood result: 5.4 mmol/L" in got["detail"]


def test_a_prefetched_first_page_with_a_relative_next_link_is_read_on_from_the_fhir_server() -> None:

    auth = {"access_token": "ehr-access-token", "token_type": "Bearer", "expires_in": 300, "scope": "user/*.read", "subject": "mgk-screen"}
    with running_fhir_server(relative_next_links("path")(ehr_resources(), page_size=1)) as fake:
        given = prefetch_for(WALTER)
        given["labResults"] = fake.search("Observation", {"patient": WALTER, "code": "http://loinc.org|2823-3"})
        assert given["labResults"]["link"][0]["url"].startswith("/fhir/Observation?")
        request = hook_request("patient-view", WALTER, given, fhirServer=fake.base_url, fhirAuthorization=auth)
        got = cds_client().post("/cds-services/patient-view", json=request).json()["cards"][0]
    assert any("_offset=1" in path for path, _ in fake.requests)
    assert "cut short" not in got["detail"]


def test_a_prefetched_pages_relative_next_link_is_resolved_against_the_server_base_and_keeps_a_host_it_names() -> None:

    server = FhirServer("https://ehr.example/fhir/")
    assert server.resolved("Observation?_offset=1") == "https://ehr.example/fhir/Observation?_offset=1"
    assert server.resolved("/fhir/Observation?_offset=1") == "https://ehr.example/fhir/Observation?_offset=1"
    assert server.resolved("//other.example/fhir/Observation") == "https://other.example/fhir/Observation"
