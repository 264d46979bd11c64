"""The CDS Hooks specification's own example requests (github.com/cds-hooks/docs, copied in
tests/fhir/cds-hooks-2.0-spec-examples.json), sent to our server really listening on 127.0.0.1
as an EHR we did not write would send them: from a server, and from a browser (CORS)."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from http.client import HTTPConnection
from typing import Any

import pytest
from cds_support import (
    ELEANOR,
    FakeFhirServer,
    hook_request,
    http,
    prefetch_for,
    running_fhir_server,
    serving,
    spec_examples,
)

SANDBOX = "https://sandbox.cds-hooks.org"
"""The origin of the CDS Hooks sandbox, which calls services from the browser."""
EXAMPLE_PATIENT = "1288992"


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with serving() as url:
        yield url


@pytest.fixture(scope="module")
def examples() -> dict[str, Any]:
    return spec_examples()


def example_patient(examples: dict[str, Any]) -> dict[str, Any]:
    patient: dict[str, Any] = examples["hook_call"]["prefetch"]["patientToGreet"]
    return patient


def nothing_else(patient: dict[str, Any]) -> dict[str, Any]:
    """Our prefetch for the spec's example patient: the Patient, and no other data (null)."""
    return {"patient": patient, "medicationRequests": None, "medicationStatements": None, "labResults": None, "conditions": None}


# -- calls from a server ------------------------------------------------------------------------


def test_the_specs_hook_call_reads_what_it_did_not_prefetch_from_its_fhir_server_with_its_token(base: str, examples: dict[str, Any]) -> None:
    # The example prefetches only "patientToGreet" (another service's key), and gives fhirServer
    # and fhirAuthorization: every key of ours is read from the FHIR server, with that token.
    call = copy.deepcopy(examples["hook_call"])
    with running_fhir_server(FakeFhirServer([example_patient(examples)], token="some-opaque-fhir-access-token")) as fake:
        call["fhirServer"] = fake.base_url
        answer = http("POST", f"{base}/cds-services/patient-view", call)
    assert answer.status == 200, answer.body
    assert answer.headers["content-type"] == "application/json"
    [card] = answer.json()["cards"]
    assert card["summary"].startswith("Mg/K depletion screen")
    assert {path.partition("?")[0] for path, _ in fake.requests} == {
        "/fhir/Patient/1288992", "/fhir/MedicationRequest", "/fhir/MedicationStatement", "/fhir/Observation", "/fhir/Condition",
    }
    assert {token for _, token in fake.requests} == {"Bearer some-opaque-fhir-access-token"}


def test_the_specs_prefetch_example_keys_that_are_not_ours_are_left_aside(base: str, examples: dict[str, Any]) -> None:
    # "hemoglobin-a1c" and "user" are another service's keys; its snipped Patient has no id.
    prefetch = copy.deepcopy(examples["prefetch_data"]["prefetch"]) | nothing_else(example_patient(examples))
    answer = http("POST", f"{base}/cds-services/patient-view", hook_request("patient-view", EXAMPLE_PATIENT, prefetch))
    assert answer.status == 200, answer.body


@pytest.mark.parametrize("which", [0, 1])
def test_the_patient_view_contexts_of_the_spec_are_answered(base: str, examples: dict[str, Any], which: int) -> None:
    call = {"hook": "patient-view", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", "context": examples["patient_view_contexts"][which]}
    call["prefetch"] = nothing_else(example_patient(examples))
    answer = http("POST", f"{base}/cds-services/patient-view", call)
    assert answer.status == 200, answer.body


@pytest.mark.parametrize("version", ["order_select_r4", "order_select_stu3"])
def test_the_specs_order_select_examples_are_screened_with_the_medicine_ordered(base: str, examples: dict[str, Any], version: str) -> None:
    # The draft orders hold a NutritionOrder (not a medicine: left aside) and an amoxicillin with
    # clavulanate potassium (a salt, not a potassium supplement: co-amoxiclav, which has no effect
    # counted); the Bundle has no type.
    call = {"hook": "order-select", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", **copy.deepcopy(examples[version])}
    call["prefetch"] = nothing_else(example_patient(examples))
    answer = http("POST", f"{base}/cds-services/order-select", call)
    assert answer.status == 200, answer.body
    [card] = answer.json()["cards"]
    assert "Amoxicillin 120 MG/ML / clavulanate potassium 8.58 MG/ML Oral Suspension counted as taken" in card["detail"]
    assert "not recognised" not in card["detail"]
    assert "Pureed diet" not in card["detail"]


def test_extensions_in_a_request_are_ignored(base: str, examples: dict[str, Any]) -> None:
    call = copy.deepcopy(examples["extension_request"])
    assert "extension" in call and "patientId" not in call["context"]
    refused = http("POST", f"{base}/cds-services/patient-view", call | {"fhirServer": None})
    assert refused.status == 400  # patient-view needs the patient (context.patientId): said so
    assert [problem["path"] for problem in refused.json()["errors"]] == ["$.context.patientId"]
    call["context"]["patientId"] = EXAMPLE_PATIENT
    call["prefetch"] = nothing_else(example_patient(examples))
    del call["fhirServer"]
    assert http("POST", f"{base}/cds-services/patient-view", call).status == 200


def test_an_access_token_for_another_patient_is_refused_before_any_record_is_read(base: str, examples: dict[str, Any]) -> None:
    # fhirAuthorization.patient: the token is restricted to that patient (SMART patient scopes).
    with running_fhir_server(FakeFhirServer([example_patient(examples)], token="some-opaque-fhir-access-token")) as fake:
        authorization = examples["fhir_authorization"]["fhirAuthorization"] | {"patient": "99999"}
        call = hook_request("patient-view", EXAMPLE_PATIENT, fhirServer=fake.base_url, fhirAuthorization=authorization)
        answer = http("POST", f"{base}/cds-services/patient-view", call)
    assert answer.status == 400
    assert answer.json()["errors"] == [
        {"path": "$.fhirAuthorization.patient", "message": "the access token is for patient '99999', not the patient of the call ('1288992'): not screened"}
    ]
    assert fake.requests == []
    same = examples["fhir_authorization"]["fhirAuthorization"] | {"patient": EXAMPLE_PATIENT}
    with running_fhir_server(FakeFhirServer([example_patient(examples)], token="some-opaque-fhir-access-token")) as fake:
        call = hook_request("patient-view", EXAMPLE_PATIENT, fhirServer=fake.base_url, fhirAuthorization=same)
        assert http("POST", f"{base}/cds-services/patient-view", call).status == 200


def test_a_large_prefetch_of_years_of_results_is_screened(base: str) -> None:
    # A patient with a long record: 3,000 older potassium results beside Eleanor's own (about
    # 2.5 MB of prefetch, more than the 1 MiB once accepted, within the 4 MiB read from a FHIR server).
    prefetch = prefetch_for(ELEANOR)
    template = prefetch["labResults"]["entry"][0]["resource"]
    for number in range(3000):
        old = copy.deepcopy(template) | {"id": f"old-{number}", "effectiveDateTime": f"20{10 + number % 10}-01-{1 + number % 28:02d}"}
        old["valueQuantity"] = old["valueQuantity"] | {"value": 4.2}
        old["note"] = [{"text": "routine check " * 40}]
        prefetch["labResults"]["entry"].append({"resource": old, "search": {"mode": "match"}})
    body = json.dumps(hook_request("patient-view", ELEANOR, prefetch)).encode()
    assert 2_000_000 < len(body) < 4 * 1024 * 1024
    answer = http("POST", f"{base}/cds-services/patient-view", raw=body, headers={"Content-Type": "application/json; charset=utf-8"})
    assert answer.status == 200, answer.body[:500]
    assert "3.3 mmol/L, taken in the last 7 days" in answer.json()["cards"][0]["detail"]  # the newest, not the many older


# -- calls from a browser (CORS) ----------------------------------------------------------------


def test_the_browsers_preflight_before_feedback_is_answered(base: str) -> None:
    answer = http(
        "OPTIONS",
        f"{base}/cds-services/order-select/feedback",
        headers={"Origin": SANDBOX, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization,content-type"},
    )
    assert answer.status == 204
    assert answer.headers["access-control-allow-origin"] == "*"
    assert answer.headers["access-control-allow-methods"] == "GET, POST, OPTIONS"
    assert answer.headers["access-control-allow-headers"] == "Authorization, Content-Type"


def test_a_browser_can_read_why_a_call_too_large_was_refused(base: str) -> None:
    # Refused from its Content-Length, before the body is sent (or the call reaches the CDS routes).
    host, _, port = base.removeprefix("http://").partition(":")
    connection = HTTPConnection(host, int(port), timeout=30)
    try:
        connection.putrequest("POST", "/cds-services/patient-view")
        for name, value in {"Origin": SANDBOX, "Content-Type": "application/json", "Content-Length": str(4 * 1024 * 1024 + 1)}.items():
            connection.putheader(name, value)
        connection.endheaders()
        answer = connection.getresponse()
        assert answer.status == 413
        assert answer.getheader("access-control-allow-origin") == "*"
        assert json.loads(answer.read()) == {"error": "too_large", "message": "The request is too large: at most 4,194,304 bytes are accepted."}
    finally:
        connection.close()


@pytest.mark.parametrize(
    ("method", "path", "status", "error"),
    [
        ("GET", "/cds-services/patient-view", 405, "method_not_allowed"),
        ("POST", "/cds-services", 405, "method_not_allowed"),
        ("GET", "/cds-services/patient-view/cards", 404, "not_found"),
    ],
)
def test_a_browser_can_read_why_a_wrong_method_or_path_was_refused(base: str, method: str, path: str, status: int, error: str) -> None:
    answer = http(method, base + path, raw=b"{}" if method == "POST" else None, headers={"Origin": SANDBOX})
    assert answer.status == status
    assert answer.headers["access-control-allow-origin"] == "*"
    assert answer.json()["error"] == error


def test_a_base_url_ending_in_a_slash_reaches_the_services_without_a_redirect(base: str) -> None:
    # An EHR configured with ".../cds-services/": a redirect would fail a browser's preflight (a
    # preflight must be answered 2xx) and move the call away from the URL its JWT was made for.
    preflight = http("OPTIONS", f"{base}/cds-services/patient-view/", headers={"Origin": SANDBOX, "Access-Control-Request-Method": "POST"})
    assert preflight.status == 204 and preflight.headers["access-control-allow-origin"] == "*"
    discovery = http("GET", f"{base}/cds-services/")
    assert discovery.status == 200 and [service["id"] for service in discovery.json()["services"]] == ["patient-view", "order-select"]
    cards = http("POST", f"{base}/cds-services/patient-view/", hook_request("patient-view", ELEANOR, prefetch_for(ELEANOR)))
    assert cards.status == 200 and len(cards.json()["cards"]) == 1
