"""CDS Hooks without prefetch: the service reads the patient's record from the EHR's FHIR server
(a real HTTP server on 127.0.0.1, started here), with the access token the call gives, within
timeouts and a size cap, never following a redirect to another host."""

from __future__ import annotations

import time
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest
from cds_support import (
    AS_OF,
    ELEANOR,
    PRIYA,
    WALTER,
    FakeFhirServer,
    cds_client,
    ehr_resources,
    hook_request,
    prefetch_for,
    running_fhir_server,
    searchset,
    send,
)

from screener.fhir.client import FetchLimits
from screener.web.cds import CdsSettings

TOKEN = "ehr-access-token"


@pytest.fixture(scope="module")
def client() -> Any:
    return cds_client()


def authorization(token: str = TOKEN) -> dict[str, Any]:
    return {"access_token": token, "token_type": "Bearer", "expires_in": 300, "scope": "user/*.read", "subject": "mgk-screen"}


def without_prefetch(fake: FakeFhirServer, patient: str, **more: Any) -> dict[str, Any]:
    return hook_request("patient-view", patient, fhirServer=fake.base_url, fhirAuthorization=authorization(), **more)


def same_card(card: dict[str, Any]) -> dict[str, Any]:
    """A card without its random ids."""
    kept = {name: value for name, value in card.items() if name != "uuid"}
    for suggestion in kept.get("suggestions", []):
        suggestion.pop("uuid")
    return kept


def test_without_prefetch_the_record_is_read_from_the_fhir_server_with_the_access_token_given(client: Any) -> None:
    with running_fhir_server(FakeFhirServer(ehr_resources())) as fake:
        fetched = client.post("/cds-services/patient-view", json=without_prefetch(fake, ELEANOR))
    assert fetched.status_code == 200, fetched.text
    assert {path.split("?")[0] for path, _ in fake.requests} == {
        f"/fhir/Patient/{ELEANOR}",
        "/fhir/MedicationRequest",
        "/fhir/MedicationStatement",
        "/fhir/Observation",
        "/fhir/Condition",
    }
    assert {header for _, header in fake.requests} == {f"Bearer {TOKEN}"}
    observation = next(path for path, _ in fake.requests if path.startswith("/fhir/Observation"))
    assert "code=http://loinc.org%7C2823-3,http://loinc.org%7C6298-4,http://loinc.org%7C2601-3,http://loinc.org%7C19123-9" in observation
    prefetched = client.post("/cds-services/patient-view", json=hook_request("patient-view", ELEANOR, prefetch_for(ELEANOR)))
    assert same_card(fetched.json()["cards"][0]) == same_card(prefetched.json()["cards"][0])


def test_a_medicine_named_through_a_medication_resource_is_read_from_the_server(client: Any) -> None:
    # Walter's prefetch is complete, but his spironolactone is a medicationReference.
    with running_fhir_server(FakeFhirServer(ehr_resources())) as fake:
        request = hook_request("patient-view", WALTER, prefetch_for(WALTER), fhirServer=fake.base_url, fhirAuthorization=authorization())
        card = client.post("/cds-services/patient-view", json=request).json()["cards"][0]
    assert [path for path, _ in fake.requests] == ["/fhir/Medication/00000401-5e1a-4c2b-9f00-000000000401"]
    assert card["indicator"] == "warning"
    assert "Spironolactone 25 MG Oral Tablet" in card["detail"]


def test_only_the_keys_not_prefetched_are_read(client: Any) -> None:
    prefetch = prefetch_for(ELEANOR)
    del prefetch["conditions"]
    with running_fhir_server(FakeFhirServer(ehr_resources())) as fake:
        request = hook_request("patient-view", ELEANOR, prefetch, fhirServer=fake.base_url, fhirAuthorization=authorization())
        card = client.post("/cds-services/patient-view", json=request).json()["cards"][0]
    assert [path.split("?")[0] for path, _ in fake.requests] == ["/fhir/Condition"]
    assert "Health conditions: Heart failure; High blood pressure" in card["detail"]


def test_every_page_of_a_search_is_read(client: Any) -> None:
    # Walter has two potassium results; one per page.
    with running_fhir_server(FakeFhirServer(ehr_resources(), page_size=1)) as fake:
        card = client.post("/cds-services/patient-view", json=without_prefetch(fake, WALTER)).json()["cards"][0]
        observations = [path for path, _ in fake.requests if path.startswith("/fhir/Observation")]
    assert len(observations) == 2 and "_offset=1" in observations[1]
    assert "Most recent potassium blood result: 5.4 mmol/L" in card["detail"]


def test_a_prefetched_search_with_more_pages_is_read_on_from_the_fhir_server(client: Any) -> None:
    with running_fhir_server(FakeFhirServer(ehr_resources(), page_size=1)) as fake:
        first_page = fake.search("Observation", {"patient": WALTER, "code": "http://loinc.org|2823-3"})
        prefetch = prefetch_for(WALTER)
        prefetch["labResults"] = first_page
        request = hook_request("patient-view", WALTER, prefetch, fhirServer=fake.base_url, fhirAuthorization=authorization())
        client.post("/cds-services/patient-view", json=request)
    assert any("_offset=1" in path for path, _ in fake.requests)


def test_a_refused_access_token_gives_412_naming_what_the_server_answered(client: Any) -> None:
    with running_fhir_server(FakeFhirServer(ehr_resources(), token="another-token")) as fake:
        response = client.post("/cds-services/patient-view", json=without_prefetch(fake, ELEANOR))
    assert response.status_code == 412
    message = response.json()["message"]
    assert message.startswith("the patient's record could not be read: patient: the FHIR server answered 401 (unauthorised")
    assert TOKEN not in message


def test_keys_the_server_cannot_give_are_named_on_the_card(client: Any) -> None:
    def no_conditions(handler: BaseHTTPRequestHandler) -> bool:
        if handler.path.startswith("/fhir/Condition"):
            send(handler, 403, {"resourceType": "OperationOutcome", "issue": [{"severity": "error", "code": "forbidden"}]})
            return True
        return False

    with running_fhir_server(FakeFhirServer(ehr_resources(), behaviour=no_conditions)) as fake:
        card = client.post("/cds-services/patient-view", json=without_prefetch(fake, ELEANOR)).json()["cards"][0]
    assert "conditions: the FHIR server answered 403 (forbidden: the access token does not allow it)" in card["detail"]
    assert card["indicator"] == "warning"


def test_a_redirect_to_another_host_is_not_followed(client: Any) -> None:
    with running_fhir_server(FakeFhirServer(ehr_resources())) as elsewhere:

        def redirect(handler: BaseHTTPRequestHandler) -> bool:
            location = elsewhere.base_url.replace("127.0.0.1", "localhost") + handler.path.removeprefix("/fhir")
            send(handler, 302, {}, {"Location": location})
            return True

        with running_fhir_server(FakeFhirServer(ehr_resources(), behaviour=redirect)) as fake:
            response = client.post("/cds-services/patient-view", json=without_prefetch(fake, ELEANOR))
    assert response.status_code == 412
    assert "the FHIR server redirected to another host (http://localhost:" in response.json()["message"]
    assert elsewhere.requests == []


def test_a_redirect_on_the_same_server_is_followed_with_the_token(client: Any) -> None:
    def moved(handler: BaseHTTPRequestHandler) -> bool:
        if handler.path.startswith("/fhir/"):
            send(handler, 301, {}, {"Location": "/r4" + handler.path.removeprefix("/fhir")})
            return True
        handler.path = "/fhir" + handler.path.removeprefix("/r4")
        return False

    with running_fhir_server(FakeFhirServer(ehr_resources(), behaviour=moved)) as fake:
        response = client.post("/cds-services/patient-view", json=without_prefetch(fake, PRIYA))
    assert response.status_code == 200
    assert len(fake.requests) == 10 and {header for _, header in fake.requests} == {f"Bearer {TOKEN}"}


def test_an_answer_over_the_size_cap_is_refused_while_it_is_read() -> None:
    client = cds_client(CdsSettings(as_of=AS_OF, fetch=FetchLimits(max_bytes=50_000)))

    def huge(handler: BaseHTTPRequestHandler) -> bool:
        if not handler.path.startswith("/fhir/Observation"):
            return False
        handler.send_response(200)
        handler.send_header("Content-Type", "application/fhir+json")
        handler.end_headers()  # no Content-Length: only counting the bytes can stop it
        handler.wfile.write(b'{"resourceType": "Bundle", "entry": [' + b" " * 200_000 + b"]}")
        return True

    with running_fhir_server(FakeFhirServer(ehr_resources(), behaviour=huge)) as fake:
        card = client.post("/cds-services/patient-view", json=without_prefetch(fake, PRIYA)).json()["cards"][0]
    assert "labResults: the FHIR server's answers are larger than the 50,000 bytes accepted" in card["detail"]


def test_a_server_that_does_not_answer_in_time_is_given_up() -> None:
    client = cds_client(CdsSettings(as_of=AS_OF, fetch=FetchLimits(timeout_seconds=0.3)))

    def slow(handler: BaseHTTPRequestHandler) -> bool:
        if handler.path.startswith("/fhir/Condition"):
            time.sleep(1.5)
        return False

    with running_fhir_server(FakeFhirServer(ehr_resources(), behaviour=slow)) as fake:
        card = client.post("/cds-services/patient-view", json=without_prefetch(fake, PRIYA)).json()["cards"][0]
    assert "conditions: the FHIR server did not answer within 0.3 s" in card["detail"]


def test_a_server_that_cannot_be_reached_gives_412(client: Any) -> None:
    with running_fhir_server(FakeFhirServer([])) as fake:
        gone = fake.base_url
    response = client.post("/cds-services/patient-view", json=hook_request("patient-view", ELEANOR, fhirServer=gone))
    assert response.status_code == 412
    assert "patient: the FHIR server could not be reached (" in response.json()["message"]


def test_an_answer_that_is_not_fhir_json_is_named(client: Any) -> None:
    def html(handler: BaseHTTPRequestHandler) -> bool:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", "15")
        handler.end_headers()
        handler.wfile.write(b"<html>hi</html>")
        return True

    with running_fhir_server(FakeFhirServer([], behaviour=html)) as fake:
        response = client.post("/cds-services/patient-view", json=without_prefetch(fake, ELEANOR))
    assert response.status_code == 412
    assert "patient: the FHIR server's answer is not JSON" in response.json()["message"]


def test_a_next_page_on_another_host_is_not_read(client: Any) -> None:
    prefetch = prefetch_for(ELEANOR)
    prefetch["conditions"] = searchset([])
    prefetch["conditions"]["link"] = [{"relation": "next", "url": "http://other.example/fhir/Condition?page=2"}]
    with running_fhir_server(FakeFhirServer(ehr_resources())) as fake:
        request = hook_request("patient-view", ELEANOR, prefetch, fhirServer=fake.base_url)
        card = client.post("/cds-services/patient-view", json=request).json()["cards"][0]
    assert fake.requests == []
    assert "conditions: the next page is not on the FHIR server (http://other.example:80): not read" in card["detail"]
