"""CDS Hooks in `mgk-screen serve`: an EHR discovers the services and calls them with the patient's
prefetched record (the Synthea-style patients of tests/fhir/), and gets cards that say what the
screen says, in the shape the CDS Hooks 2.0 specification gives them."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from cds_support import (
    AS_OF,
    ELEANOR,
    MARCUS,
    PRIYA,
    SCHEMA,
    SOFIA,
    WALTER,
    cds_client,
    draft_orders,
    ehr_resources,
    hook_request,
    json_leaves_are_not_empty,
    medication_order,
    of_patient,
    prefetch_for,
    searchset,
)
from jsonschema import Draft202012Validator
from web_support import captured_logs

from screener.fhir import validate_resource
from screener.web.cds import CdsSettings

PATIENTS = {"Eleanor": ELEANOR, "Marcus": MARCUS, "Priya": PRIYA, "Walter": WALTER, "Sofia": SOFIA}
SHAPE = Draft202012Validator(json.loads(SCHEMA.read_text("utf-8")))


@pytest.fixture(scope="module")
def client() -> Any:
    return cds_client()


def call(client: Any, service: str, request: dict[str, Any], **options: Any) -> Any:
    return client.post(f"/cds-services/{service}", json=request, **options)


def only_card(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    cards = response.json()["cards"]
    assert len(cards) == 1
    card: dict[str, Any] = cards[0]
    return card


def warnings_of(card: dict[str, Any]) -> str:
    """The card's Warnings section (the result's warnings)."""
    return card["detail"].split("**Warnings**")[1].split("\n\n**")[0]


def patient_view(client: Any, patient: str, prefetch: dict[str, Any] | None = None) -> dict[str, Any]:
    prefetch = prefetch_for(patient) if prefetch is None else prefetch
    return only_card(call(client, "patient-view", hook_request("patient-view", patient, prefetch)))


def shape_problems(value: Any) -> list[str]:
    problems = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in SHAPE.iter_errors(value)]
    return problems + [f"{path}: null or empty" for path in json_leaves_are_not_empty(value) if path != "$.cards"]


# -- discovery ----------------------------------------------------------------------------------


def test_discovery_lists_the_patient_view_and_order_select_services_with_their_prefetch_templates(client: Any) -> None:
    response = client.get("/cds-services")
    assert response.status_code == 200
    services = {service["id"]: service for service in response.json()["services"]}
    assert {name: service["hook"] for name, service in services.items()} == {"patient-view": "patient-view", "order-select": "order-select"}
    for service in services.values():
        assert service["title"] and "not a diagnosis" in service["description"]
        assert service["prefetch"] == {
            "patient": "Patient/{{context.patientId}}",
            "medicationRequests": "MedicationRequest?patient={{context.patientId}}&status=active",
            "medicationStatements": "MedicationStatement?patient={{context.patientId}}&status=active",
            "labResults": "Observation?patient={{context.patientId}}&code="
            "http://loinc.org|2823-3,http://loinc.org|6298-4,http://loinc.org|77142-8,http://loinc.org|39789-3,"
            "http://loinc.org|32713-0,http://loinc.org|2601-3,http://loinc.org|19123-9&_sort=-date",
            "conditions": "Condition?patient={{context.patientId}}",
            "pregnancyStatus": "Observation?patient={{context.patientId}}&code=http://loinc.org|82810-3,http://loinc.org|11449-6&_sort=-date",
        }
    assert shape_problems(response.json()) == []


def test_the_prefetch_templates_use_only_what_the_spec_recommends(client: Any) -> None:
    # Instance reads or type-level searches, references to context.patientId, token parameters by
    # equality, _sort for "most recent": nothing a CDS client needs more of FHIR search to satisfy.
    for service in client.get("/cds-services").json()["services"]:
        for template in service["prefetch"].values():
            path, _, query = template.partition("?")
            assert "{{" not in template.replace("{{context.patientId}}", "")
            assert path.count("/") <= 1
            for parameter in filter(None, query.split("&")):
                name, _, _ = parameter.partition("=")
                assert name in ("patient", "status", "code", "_sort")


# -- patient-view with prefetch -----------------------------------------------------------------


def test_the_older_woman_on_furosemide_with_a_low_potassium_gets_a_warning_card_suggesting_a_magnesium_test(client: Any) -> None:
    card = patient_view(client, ELEANOR)
    assert card["summary"] == "Mg/K depletion screen (EHR data only): combined likely; magnesium likely, potassium likely; urgency: soon"
    assert card["indicator"] == "warning"
    assert card["source"]["label"] == "mgk-screen clinical rules 2.0.0"
    assert card["source"]["topic"]["code"] == "mg-k-depletion-screen"
    detail = card["detail"]
    assert "**Combined magnesium and potassium depletion: likely** (magnesium likely, potassium likely)" in detail
    assert "Loop diuretic" in detail
    assert "Medicines: Furosemide 40 MG Oral Tablet" in detail
    assert "Most recent potassium blood result: 3.3 mmol/L, taken in the last 7 days" in detail
    assert "not a diagnosis" in detail
    [suggestion] = card["suggestions"]
    assert card["selectionBehavior"] == "at-most-one"
    [action] = suggestion["actions"]
    assert action["type"] == "create"
    order = action["resource"]
    assert order["resourceType"] == "ServiceRequest"
    assert order["subject"] == {"reference": f"Patient/{ELEANOR}"}
    assert [(c["system"], c["code"]) for c in order["code"]["coding"]] == [("http://loinc.org", "2601-3"), ("http://loinc.org", "19123-9")]
    validate_resource(order, "R4")


def test_the_card_says_the_screen_is_partial_because_the_record_holds_no_symptoms_alcohol_or_gi_history(client: Any) -> None:
    detail = patient_view(client, ELEANOR)["detail"]
    assert "partial coverage" in detail
    coverage = detail.split("partial coverage.** ", 1)[1].split("\n", 1)[0]
    assert coverage.startswith(
        "The record says nothing about alcohol, gut losses (diarrhea, vomiting, laxatives) and symptoms: "
        "those questions stay unanswered, so a lower screening level (possible or unlikely) does not rule out low magnesium or potassium."
    )
    assert "happening now or new in the last 24 hours" in coverage  # the red-flag check was not made either


def test_the_young_woman_with_an_old_normal_potassium_gets_an_info_card_without_a_suggestion(client: Any) -> None:
    card = patient_view(client, PRIYA)
    assert card["indicator"] == "info"
    # Her record says nothing about medicines (the EHR has none: null), so the coverage is none.
    assert card["summary"] == "Mg/K depletion screen: not enough EHR data to screen (no level given: the record says too little)"
    coverage = card["detail"].split("\n\n")[0]  # no level to head the card: the coverage does
    assert coverage.startswith(
        "**Not enough EHR data to screen.** The record says nothing about medicines, alcohol, gut losses (diarrhea, "
        "vomiting, laxatives) and symptoms, so no level is given where the record raises none: it would rest on nothing, "
        "and is no reassurance."
    )
    assert "unlikely" not in card["summary"] + coverage
    assert "suggestions" not in card and "selectionBehavior" not in card
    assert "older potassium result" in card["detail"].lower()


def test_a_medicine_named_only_through_a_medication_resource_not_prefetched_is_not_guessed(client: Any) -> None:
    # Walter's spironolactone is a medicationReference; the MedicationRequest search does not
    # bring the Medication, and there is no fhirServer to read it from. The rest of his record
    # is screened, and the card says a medicine could not be recognised (never guessed).
    card = patient_view(client, WALTER)
    assert card["summary"].startswith("Mg/K depletion screen (EHR data only):")
    assert "Spironolactone" not in card["detail"]
    assert "Medicines: unnamed medicine (Medication/00000401-5e1a-4c2b-9f00-000000000401); Lisinopril 10 MG Oral Tablet" in card["detail"]
    assert "not recognised, so not counted; ask a pharmacist" in card["detail"]


def test_the_medication_in_the_prefetch_names_the_medicine(client: Any) -> None:
    prefetch = prefetch_for(WALTER)
    medication = next(r for r in ehr_resources() if r["resourceType"] == "Medication")
    prefetch["medicationRequests"]["entry"].append({"resource": medication, "search": {"mode": "include"}})
    card = patient_view(client, WALTER, prefetch)
    assert card["indicator"] == "info"  # a potassium of 5.4 with spironolactone: routine (info since verify 6)
    assert card["summary"].endswith("urgency: routine")
    assert "Spironolactone 25 MG Oral Tablet; Lisinopril 10 MG Oral Tablet" in card["detail"]
    assert "suggestions" not in card  # magnesium unlikely


@pytest.mark.parametrize("name", PATIENTS)
def test_every_patient_gets_one_card_in_the_cds_hooks_shape(client: Any, name: str) -> None:
    for hook in ("patient-view", "order-select"):
        more = {"draftOrders": draft_orders(medication_order(PATIENTS[name], "Furosemide 40 MG Oral Tablet"))} if hook == "order-select" else {}
        response = call(client, hook, hook_request(hook, PATIENTS[name], prefetch_for(PATIENTS[name]), **more))
        assert response.status_code == 200
        assert shape_problems(response.json()) == []
        card = only_card(response)
        assert len(card["summary"]) < 140


def test_urgency_sets_the_indicator_critical_for_an_urgent_result() -> None:
    # Eleanor's potassium at 2.6: contact a clinician today.
    resources = ehr_resources()
    for resource in of_patient(ELEANOR, resources):
        if resource["resourceType"] == "Observation" and resource["code"]["coding"][0]["code"] == "2823-3":
            resource["valueQuantity"]["value"] = 2.6
    card = patient_view(cds_client(), ELEANOR, prefetch_for(ELEANOR, resources))
    assert card["summary"].endswith("urgency: urgent")
    assert card["indicator"] == "critical"


def test_text_from_the_record_is_shown_as_text_never_as_markdown_or_html(client: Any) -> None:
    prefetch = prefetch_for(PRIYA)
    statement = {
        "resourceType": "MedicationStatement",
        "id": "odd",
        "status": "active",
        "medicationCodeableConcept": {"text": "<img src=x onerror=alert(1)> **Lasix** [click](http://evil.example)"},
        "subject": {"reference": f"Patient/{PRIYA}"},
    }
    prefetch["medicationStatements"] = searchset([statement])
    detail = patient_view(client, PRIYA, prefetch)["detail"]
    assert "\\<img src=x onerror=alert(1)\\> \\*\\*Lasix\\*\\* \\[click\\](http://evil.example)" in detail
    assert "<img" not in detail.replace("\\<img", "")


def test_resources_about_another_patient_are_left_out_and_the_card_says_so(client: Any) -> None:
    prefetch = prefetch_for(PRIYA)
    prefetch["conditions"] = searchset([r for r in of_patient(ELEANOR) if r["resourceType"] == "Condition"])
    card = patient_view(client, PRIYA, prefetch)
    assert "Heart failure" not in card["detail"]
    assert "2 resources about another patient left out" in card["detail"]


# -- order-select -------------------------------------------------------------------------------


def order_select(client: Any, patient: str, *orders: dict[str, Any], selections: list[str] | None = None) -> dict[str, Any]:
    more: dict[str, Any] = {"draftOrders": draft_orders(*orders)}
    if selections is not None:
        more["selections"] = selections
    return only_card(call(client, "order-select", hook_request("order-select", patient, prefetch_for(patient), **more)))


def test_a_loop_diuretic_being_ordered_raises_the_screen_and_the_card_says_what_it_changes(client: Any) -> None:
    card = order_select(client, PRIYA, medication_order(PRIYA, "Furosemide 40 MG Oral Tablet"), selections=["MedicationRequest/draft-1"])
    assert card["summary"] == "With furosemide ordered, the Mg/K screen rises (EHR data only): combined unlikely → possible, urgency none → routine"
    assert len(card["summary"]) < 140
    assert card["indicator"] == "info"  # routine: info since verify 6
    assert "Without it: combined unlikely, magnesium unlikely, potassium unlikely; urgency none." in card["detail"]
    assert card["suggestions"][0]["actions"][0]["resource"]["resourceType"] == "ServiceRequest"


def test_an_order_written_as_salbutamol_is_named_so_beside_the_vocabulary_name(client: Any) -> None:
    """A UK order says salbutamol: the card must not rename it albuterol only (as the report and
    the teaching walk, it names the drug as written with the vocabulary's name)."""
    orders = (medication_order(PRIYA, "Furosemide 40 MG Oral Tablet"), medication_order(PRIYA, "Salbutamol 100 micrograms inhaler"))
    card = order_select(client, PRIYA, *orders)
    assert card["summary"].startswith("With furosemide and salbutamol (albuterol) ordered, the Mg/K screen rises")


def test_a_heart_rhythm_drug_ordered_for_a_low_potassium_makes_the_card_critical(client: Any) -> None:
    card = order_select(client, ELEANOR, medication_order(ELEANOR, "Amiodarone 200 MG Oral Tablet"))
    assert card["summary"] == "With amiodarone ordered, the Mg/K screen rises (EHR data only): urgency soon → urgent"
    assert card["indicator"] == "critical"


def test_an_order_that_changes_nothing_gets_the_usual_card(client: Any) -> None:
    card = order_select(client, ELEANOR, medication_order(ELEANOR, "Hydrochlorothiazide 25 MG Oral Tablet"))
    assert card["summary"].startswith("Mg/K depletion screen (EHR data only): combined likely")
    assert "Hydrochlorothiazide 25 MG Oral Tablet counted as taken" in card["detail"]


def test_orders_not_just_selected_count_before_and_after(client: Any) -> None:
    earlier = medication_order(PRIYA, "Furosemide 40 MG Oral Tablet", order_id="earlier")
    chosen = medication_order(PRIYA, "Paracetamol 500 MG Oral Tablet", order_id="chosen")
    card = order_select(client, PRIYA, earlier, chosen, selections=["MedicationRequest/chosen"])
    assert card["summary"].startswith("Mg/K depletion screen (EHR data only): combined possible")  # the furosemide, both times
    assert "Without it: combined possible" in card["detail"]


def test_furosemide_ordered_as_a_bare_rxnorm_code_is_said_once_to_be_not_recognised_and_not_counted(client: Any) -> None:
    # RxNorm 313988 is furosemide 40 MG oral tablet, but the order gives no name: mgk-screen reads
    # medicines by name and never guesses one from a code.
    order = medication_order(PRIYA, "unused")
    order["medicationCodeableConcept"] = {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "313988"}]}
    card = order_select(client, PRIYA, order)
    assert "**With the order being placed:** RxNorm 313988 not recognised, so not counted (see Warnings)." in card["detail"]
    assert "counted as taken" not in card["detail"]
    medicine_warnings = [line for line in warnings_of(card).splitlines() if "313988" in line or "RxNorm" in line]
    assert medicine_warnings == [
        "- a medicine given only as a code, with no name (RxNorm 313988): not recognised, so not counted (medicines are "
        "read by name: there is no table from codes to medicines); ask a pharmacist whether it affects magnesium or potassium"
    ]


def test_a_medicine_named_only_by_a_reference_to_a_medication_not_in_the_record_is_said_so(client: Any) -> None:
    order = medication_order(PRIYA, "unused")
    del order["medicationCodeableConcept"]
    order["medicationReference"] = {"reference": "Medication/not-sent"}
    card = order_select(client, PRIYA, order)
    assert (
        "- a medicine given only as a reference to a Medication resource that is not in the record, with no name "
        "(unnamed medicine (Medication/not-sent)): not recognised, so not counted; ask a pharmacist whether it affects "
        "magnesium or potassium"
    ) in warnings_of(card)


def test_no_magnesium_test_is_suggested_when_one_is_already_being_ordered(client: Any) -> None:
    test = {
        "resourceType": "ServiceRequest",
        "id": "mg",
        "status": "draft",
        "intent": "order",
        "code": {"coding": [{"system": "http://loinc.org", "code": "2601-3"}]},
        "subject": {"reference": f"Patient/{ELEANOR}"},
    }
    card = order_select(client, ELEANOR, test)
    assert "suggestions" not in card
    assert "test is already among the orders being placed" in card["detail"]


def test_order_select_needs_the_draft_orders(client: Any) -> None:
    response = call(client, "order-select", hook_request("order-select", ELEANOR, prefetch_for(ELEANOR)))
    assert response.status_code == 400
    assert {"path": "$.context.draftOrders", "message": "required for order-select: a Bundle of the orders being placed"} in response.json()["errors"]


# -- what the EHR did not send, and bad calls ---------------------------------------------------


def test_without_prefetch_and_without_a_fhir_server_the_answer_is_412_saying_why(client: Any) -> None:
    response = call(client, "patient-view", hook_request("patient-view", ELEANOR))
    assert response.status_code == 412
    body = response.json()
    assert body["error"] == "precondition_failed"
    assert body["message"] == (
        "no prefetched data (patient, medicationRequests, medicationStatements, labResults, conditions) "
        "and no fhirServer to read it from: nothing to screen"
    )


def test_prefetch_keys_the_ehr_could_not_satisfy_without_a_fhir_server_get_412_naming_each(client: Any) -> None:
    # CDS Hooks 2.0, Prefetch: a service that cannot get the data it needs, with no FHIR server to
    # read it from, SHALL answer 412. A screen without the results or the conditions would read lower.
    prefetch = prefetch_for(ELEANOR)
    del prefetch["conditions"]
    prefetch["labResults"] = {"resourceType": "OperationOutcome", "issue": [{"severity": "error", "code": "timeout"}]}
    response = call(client, "patient-view", hook_request("patient-view", ELEANOR, prefetch))
    assert response.status_code == 412
    body = response.json()
    assert body["message"].startswith(
        "not prefetched: conditions; the EHR could not prefetch (an OperationOutcome): labResults; and no fhirServer to read them from."
    )
    assert body["errors"] == [
        {"path": "$.prefetch.conditions", "message": "missing, and no fhirServer to read it from"},
        {"path": "$.prefetch.labResults", "message": "an OperationOutcome (the EHR could not prefetch it), and no fhirServer to read it from"},
    ]


def test_a_prefetch_of_the_patient_alone_gets_412_not_an_unlikely_card(client: Any) -> None:
    response = call(client, "patient-view", hook_request("patient-view", ELEANOR, {"patient": prefetch_for(ELEANOR)["patient"]}))
    assert response.status_code == 412
    assert response.json()["message"].startswith(
        "not prefetched: medicationRequests, medicationStatements, labResults, conditions; and no fhirServer to read them from."
    )


def test_prefetch_keys_given_as_null_say_the_ehr_has_no_data_and_are_screened(client: Any) -> None:
    prefetch = {key: None for key in prefetch_for(PRIYA)} | {"patient": prefetch_for(PRIYA)["patient"]}
    card = patient_view(client, PRIYA, prefetch)
    assert card["summary"] == "Mg/K depletion screen: not enough EHR data to screen (no level given: the record says too little)"
    assert card["indicator"] == "info"


def test_a_record_with_no_medicines_and_a_low_potassium_shows_only_what_the_record_raises(client: Any) -> None:
    prefetch = prefetch_for(PRIYA)
    low = copy.deepcopy(next(r for r in of_patient(ELEANOR) if r["resourceType"] == "Observation" and r["code"]["coding"][0]["code"] == "2823-3"))
    low.update(id="k-low", subject={"reference": f"Patient/{PRIYA}"}, effectiveDateTime="2025-06-29T08:00:00+00:00")
    low["valueQuantity"]["value"] = 2.9
    prefetch["labResults"] = searchset([low])
    card = patient_view(client, PRIYA, prefetch)
    assert card["summary"] == (
        "Mg/K depletion screen (not enough EHR data to screen): combined possible, magnesium possible, potassium likely, urgency urgent"
    )
    assert card["detail"].startswith(
        "**What the record holds raises:** combined magnesium and potassium depletion possible, magnesium depletion "
        "possible, potassium depletion likely. Urgency: **urgent**"
    )
    assert card["indicator"] == "critical"
    assert "unlikely" not in card["summary"] + card["detail"].split("\n\n")[0]


def test_a_prefetched_patient_who_is_not_the_patient_of_the_call_is_refused(client: Any) -> None:
    prefetch = prefetch_for(PRIYA)
    prefetch["patient"] = prefetch_for(ELEANOR)["patient"]
    response = call(client, "patient-view", hook_request("patient-view", PRIYA, prefetch))
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "path": "$.prefetch.patient.id",
            "message": f"the prefetched Patient is {ELEANOR!r}, not the patient of the call ({PRIYA!r}): not screened",
        }
    ]


def test_a_prefetched_search_with_more_pages_and_no_fhir_server_is_screened_and_says_it_was_cut_short(client: Any) -> None:
    prefetch = prefetch_for(ELEANOR)
    prefetch["labResults"]["link"] = [{"relation": "next", "url": "https://ehr.example/fhir/Observation?page=2"}]
    card = patient_view(client, ELEANOR, prefetch)
    assert (
        "- the labResults search was cut short after its first page, because the EHR prefetched one page and there is no "
        "fhirServer to read the rest from: what the later pages hold is not counted, so a lower screening level (possible or unlikely) does not rule out low magnesium or potassium"
    ) in warnings_of(card)
    assert "Most recent potassium blood result: 3.3 mmol/L" in card["detail"]


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        ({"hook": "order-sign"}, "$.hook", "this service (patient-view) answers the patient-view hook, not 'order-sign'"),
        ({"hookInstance": None}, "$.hookInstance", "required: a non-empty string"),
        ({"context": {"patientId": "../Patient/1?x="}}, "$.context.patientId", "not a FHIR id (1 to 64 letters, digits, '-' and '.')"),
        ({"prefetch": {"patient": "Patient/1"}}, "$.prefetch.patient", "expected a FHIR resource (an object with a resourceType) or null"),
        ({"fhirServer": "file:///etc"}, "$.fhirServer", "fhirServer must be an http or https URL"),
        ({"fhirAuthorization": {"access_token": "t", "token_type": "Bearer"}}, "$.fhirServer", "required when fhirAuthorization is given"),
    ],
)
def test_a_call_that_is_not_valid_cds_hooks_gets_400_naming_the_problem(client: Any, change: dict[str, Any], path: str, message: str) -> None:
    request = hook_request("patient-view", ELEANOR, prefetch_for(ELEANOR))
    request.update(change)
    response = call(client, "patient-view", request)
    assert response.status_code == 400
    assert {"path": path, "message": message} in response.json()["errors"]


def test_bodies_that_are_not_json_unknown_services_and_oversized_calls_get_clear_json_answers() -> None:
    client = cds_client(CdsSettings(as_of=AS_OF, max_body_bytes=200_000))
    not_json = client.post("/cds-services/patient-view", content=b'{"hook": ', headers={"content-type": "application/json"})
    assert not_json.status_code == 400
    assert not_json.json()["message"].startswith("the request body is not JSON (line 1, column 10")
    for body, fault in ((b"[" * 50_000 + b"]" * 50_000, "nested too deeply to read"), (b'{"hook": NaN}', "NaN is not valid JSON")):
        refused = client.post("/cds-services/patient-view", content=body, headers={"content-type": "application/json"})
        assert refused.status_code == 400 and fault in refused.json()["message"]
    wrong_type = client.post("/cds-services/patient-view", content=b"hook=x", headers={"content-type": "application/x-www-form-urlencoded"})
    assert wrong_type.status_code == 415
    unknown = call(client, "patient-views", hook_request("patient-view", ELEANOR))
    assert unknown.status_code == 404
    assert unknown.json()["message"] == "no CDS service 'patient-views': there are patient-view, order-select"
    chunks = iter([b'{"hook": "patient-view", "padding": "', b"x" * 250_000, b'"}'])
    too_large = client.post("/cds-services/patient-view", content=chunks, headers={"content-type": "application/json"})
    assert too_large.status_code == 413
    assert too_large.json()["message"] == "The request is too large: at most 200,000 bytes are accepted."
    # As curl sends a file (-d @call.json): the declared length alone refuses it, and the EHR
    # still reads a JSON answer, not text.
    declared = client.post("/cds-services/patient-view", content=b"{" + b" " * 250_000 + b"}", headers={"content-type": "application/json"})
    assert declared.status_code == 413 and declared.headers["content-type"] == "application/json"
    assert declared.json() == {"error": "too_large", "message": "The request is too large: at most 200,000 bytes are accepted."}


def test_a_prefetch_larger_than_the_pages_limit_is_accepted_by_the_cds_services(client: Any) -> None:
    # The pages and the JSON API accept 128 KiB; a hook call carries the patient's record.
    prefetch = prefetch_for(ELEANOR)
    prefetch["patient"]["text"] = {"status": "generated", "div": "<div xmlns=\"http://www.w3.org/1999/xhtml\">" + "x" * 300_000 + "</div>"}
    card = patient_view(client, ELEANOR, prefetch)
    assert card["indicator"] == "warning"
    assert client.post("/api/v1/screen", content=b"[" + b" " * 200_000 + b"]", headers={"content-type": "application/json"}).status_code == 413


# -- a JSON API for EHRs, beside the pages ------------------------------------------------------


def test_browser_based_ehrs_can_call_the_services_cors_and_no_cookie_is_involved(client: Any) -> None:
    preflight = client.options(
        "/cds-services/patient-view",
        headers={"Origin": "https://ehr.example", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization, content-type"},
    )
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert "Authorization" in preflight.headers["access-control-allow-headers"]
    answered = call(client, "patient-view", hook_request("patient-view", PRIYA, prefetch_for(PRIYA)), headers={"Origin": "https://ehr.example"})
    assert answered.headers["access-control-allow-origin"] == "*"
    assert "set-cookie" not in answered.headers
    assert answered.headers["cache-control"] == "no-store"
    refused = call(client, "patient-view", {"hook": "patient-view"}, headers={"Origin": "https://ehr.example"})
    assert refused.status_code == 400 and refused.headers["access-control-allow-origin"] == "*"


def test_a_browser_ehr_sending_its_own_request_id_header_is_allowed_to_by_the_preflight(client: Any) -> None:
    preflight = client.options(
        "/cds-services/patient-view",
        headers={
            "Origin": "https://ehr.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,authorization,x-request-id,bad header,",
        },
    )
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-headers"] == "Authorization, Content-Type, x-request-id"
    assert "Access-Control-Request-Headers" in preflight.headers["vary"]


def test_only_the_allowed_origins_get_cors_headers() -> None:
    client = cds_client(CdsSettings(as_of=AS_OF, allowed_origins=("https://ehr.example",)))
    allowed = client.get("/cds-services", headers={"Origin": "https://ehr.example"})
    assert allowed.headers["access-control-allow-origin"] == "https://ehr.example"
    assert "Origin" in allowed.headers["vary"]
    other = client.get("/cds-services", headers={"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in other.headers


def test_the_pages_keep_their_session_and_csrf_model(client: Any) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert 'name="csrf"' in page.text
    assert client.post("/start", data={"csrf": "forged"}).status_code == 403


def test_nothing_of_the_record_reaches_the_logs(client: Any) -> None:
    with captured_logs() as records:
        patient_view(client, ELEANOR)
        order_select(client, PRIYA, medication_order(PRIYA, "Furosemide 40 MG Oral Tablet"))
        call(client, "patient-view", hook_request("patient-view", "secret-patient-7"))
    logged = "\n".join(record.getMessage() for record in records)
    assert "POST /cds-services/patient-view" in logged
    for secret in (ELEANOR, PRIYA, "secret-patient-7", "urosemide", "1946", "3.3"):
        assert secret not in logged


def test_the_readme_example_call_gives_the_card_the_readme_shows(client: Any) -> None:
    readme = (SCHEMA.parent.parent.parent / "README.md").read_text("utf-8")
    example = readme.split("<!-- cds-hooks-example -->", 1)[1]
    request = json.loads(example.split("<<'JSON'\n", 1)[1].split("\nJSON\n", 1)[0])
    shown = json.loads(example.split("```json\n", 1)[1].split("\n```", 1)[0])["cards"][0]
    card = only_card(call(client, "patient-view", request))  # the client screens as of 2025-06-30
    assert card["summary"] == shown["summary"]
    assert card["indicator"] == shown["indicator"]
    assert card["suggestions"][0]["label"] == shown["suggestions"][0]["label"]


def test_a_wrong_method_or_an_unknown_path_gets_json_an_ehr_can_read(client: Any) -> None:
    wrong_method = client.get("/cds-services/patient-view")
    assert wrong_method.status_code == 405
    assert wrong_method.json()["error"] == "method_not_allowed"
    unknown = client.get("/cds-services/patient-view/extra")
    assert unknown.status_code == 404
    assert unknown.json()["error"] == "not_found"
