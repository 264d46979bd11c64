"""CDS Hooks without prefetch: the service reads the patient's record from the EHR's FHIR server
(a real HTTP server on 127.0.0.1, started here), with the access token the call gives, within
timeouts and a size cap, never following a redirect to another host."""

from __future__ import annotations

import copy
import time
import urllib.parse
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


def warnings_of(card: dict[str, Any]) -> str:
    """The card's Warnings section (the result's warnings)."""
    return str(card["detail"].split("**Warnings**")[1].split("\n\n**")[0])


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
    # The lab search and the pregnancy search are both Observation searches, sent at the same
    # time: either may reach the server first.
    observations = [path for path, _ in fake.requests if path.startswith("/fhir/Observation")]
    assert any(
        "code=http://loinc.org%7C2823-3,http://loinc.org%7C6298-4,http://loinc.org%7C77142-8,http://loinc.org%7C39789-3,"
        "http://loinc.org%7C32713-0,http://loinc.org%7C2601-3,http://loinc.org%7C19123-9" in observation
        for observation in observations
    ), observations
    prefetched = client.post("/cds-services/patient-view", json=hook_request("patient-view", ELEANOR, prefetch_for(ELEANOR)))
    # The prefetch sends null for a search with nothing in it (CDS Hooks: "no data"), which the
    # card says; the server answers the same search with an empty searchset. All else is the same.
    card = same_card(prefetched.json()["cards"][0])
    card["detail"] = "\n\n".join(part for part in card["detail"].split("\n\n") if not part.startswith("**The EHR has no data for:**"))
    assert same_card(fetched.json()["cards"][0]) == card


def test_a_medicine_named_through_a_medication_resource_is_read_from_the_server(client: Any) -> None:
    # Walter's prefetch is complete, but his spironolactone is a medicationReference.
    with running_fhir_server(FakeFhirServer(ehr_resources())) as fake:
        request = hook_request("patient-view", WALTER, prefetch_for(WALTER), fhirServer=fake.base_url, fhirAuthorization=authorization())
        card = client.post("/cds-services/patient-view", json=request).json()["cards"][0]
    assert [path for path, _ in fake.requests] == ["/fhir/Medication/00000401-5e1a-4c2b-9f00-000000000401"]
    assert card["indicator"] == "info"  # routine: info since verify 6
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
        observations = [path for path, _ in fake.requests if path.startswith("/fhir/Observation") and "2823-3" in path]
    assert len(observations) == 2 and "_offset=1" in observations[1] and "_sort=-date" in observations[0]
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
    # Six searches (the pregnancy status too), each redirected once.
    assert len(fake.requests) == 12 and {header for _, header in fake.requests} == {f"Bearer {TOKEN}"}


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


def only_the_patient(patient: str) -> dict[str, Any]:
    """What the public cds-hooks sandbox sends when its prefetch searches fail: the Patient only."""
    return {"patient": prefetch_for(patient)["patient"]}


def test_eleanors_chart_with_the_fhir_server_down_says_first_that_her_record_could_not_be_read_as_a_warning(client: Any) -> None:
    """Newcomer review 7, finding 2. Eleanor's record holds a low potassium and a water pill, but
    only her Patient was prefetched and the FHIR server could not be reached: the card was a
    low-priority info card saying "the record says nothing about medicines ... blood test results"."""
    with running_fhir_server(FakeFhirServer([])) as fake:
        gone = fake.base_url
    request = hook_request("patient-view", ELEANOR, only_the_patient(ELEANOR), fhirServer=gone)
    card = client.post("/cds-services/patient-view", json=request).json()["cards"][0]
    assert card["indicator"] == "warning"
    assert card["summary"] == "Mg/K depletion screen: could not read medicines, Mg/K results, conditions from the EHR, so no reassurance"
    assert card["detail"].startswith(
        "**Part of the record could not be read:** medicines prescribed, medicines recorded as taken, potassium and "
        "magnesium results and conditions: the FHIR server could not be reached ("
    )
    assert "Medicines could not be read from the EHR; the record says nothing about alcohol" in card["detail"]
    assert "Could not be read either: health conditions, blood test results." in card["detail"]
    assert "says nothing about medicines" not in card["detail"]
    assert "blood test results" not in card["detail"].split("Not in the record either:")[1].split(".")[0]


def test_walters_card_is_a_warning_not_info_when_the_server_refuses_or_garbles_his_searches(client: Any) -> None:
    """Walter's full record gives an info card (combined unlikely, routine). With searches that
    fail, whether refused (403), answered with a web page, or not answered in time, it is a
    warning that says what could not be read and why, first."""

    def forbidden(handler: BaseHTTPRequestHandler) -> bool:
        send(handler, 403, {"resourceType": "OperationOutcome", "issue": [{"severity": "error", "code": "forbidden"}]})
        return True

    def a_web_page(handler: BaseHTTPRequestHandler) -> bool:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", "15")
        handler.end_headers()
        handler.wfile.write(b"<html>hi</html>")
        return True

    def too_slow(handler: BaseHTTPRequestHandler) -> bool:
        time.sleep(1.5)
        return False

    quick = cds_client(CdsSettings(as_of=AS_OF, fetch=FetchLimits(timeout_seconds=0.3)))
    for behaviour, why, asked in (
        (forbidden, "the FHIR server answered 403 (forbidden", client),
        (a_web_page, "the FHIR server's answer is not JSON", client),
        (too_slow, "the FHIR server did not answer within 0.3 s", quick),
    ):
        with running_fhir_server(FakeFhirServer(ehr_resources(), behaviour=behaviour)) as fake:
            request = without_prefetch(fake, WALTER, prefetch=only_the_patient(WALTER))
            card = asked.post("/cds-services/patient-view", json=request).json()["cards"][0]
        assert card["indicator"] == "warning", why
        assert card["summary"].startswith("Mg/K depletion screen: could not read medicines, Mg/K results, conditions from the EHR"), why
        assert card["detail"].startswith(f"**Part of the record could not be read:** medicines prescribed, medicines recorded as taken, potassium and magnesium results and conditions: {why}"), why


def test_a_failed_search_that_does_not_apply_to_walter_leaves_his_card_as_it_was(client: Any) -> None:
    """A pregnancy status that could not be read does not matter for a man of 75: his card is the
    one his record gives, and the search is only listed under "Not read"."""

    def no_pregnancy_search(handler: BaseHTTPRequestHandler) -> bool:
        if "82810-3" in urllib.parse.unquote(handler.path):
            send(handler, 403, {"resourceType": "OperationOutcome", "issue": [{"severity": "error", "code": "forbidden"}]})
            return True
        return False

    prefetch = prefetch_for(WALTER)
    del prefetch["pregnancyStatus"]
    with running_fhir_server(FakeFhirServer(ehr_resources(), behaviour=no_pregnancy_search)) as fake:
        card = client.post("/cds-services/patient-view", json=without_prefetch(fake, WALTER, prefetch=prefetch)).json()["cards"][0]
    assert card["indicator"] == "info"
    assert card["summary"].startswith("Mg/K depletion screen (EHR data only): combined unlikely")
    assert "could not be read" not in card["detail"].split("**Not read**")[0]
    assert "pregnancyStatus: the FHIR server answered 403" in card["detail"]


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
    assert (
        "- the conditions search was cut short after its first page, because its next page is on another host, "
        "http://other.example:80, where the access token must not go: what the later pages hold is not counted, "
        "so a lower screening level (possible or unlikely) does not rule out low magnesium or potassium"
    ) in warnings_of(card)


# -- a search read in part ----------------------------------------------------------------------


def potassium(patient: str, value: float, day: str, identity: str) -> dict[str, Any]:
    """A serum potassium result, as the fixture's."""
    result = copy.deepcopy(next(r for r in ehr_resources() if r["id"] == "00000103-5e1a-4c2b-9f00-000000000103"))
    result.update(id=identity, effectiveDateTime=f"{day}T08:00:00+00:00", issued=f"{day}T09:00:00+00:00")
    result["subject"] = {"reference": f"Patient/{patient}"}
    result["valueQuantity"]["value"] = value
    return result


def without_results(patient: str) -> list[dict[str, Any]]:
    return [r for r in ehr_resources() if not (r["resourceType"] == "Observation" and r["subject"]["reference"] == f"Patient/{patient}")]


def test_a_search_whose_third_page_is_on_another_host_keeps_the_two_pages_read(client: Any) -> None:
    # Eleanor, on furosemide: page 1 holds a normal potassium of 36 days ago, page 2 a low one of
    # yesterday, and page 2's next link points at another host ("localhost" for 127.0.0.1).
    pages = {"1": [potassium(ELEANOR, 4.4, "2025-05-25", "k-older")], "2": [potassium(ELEANOR, 2.9, "2025-06-29", "k-yesterday")]}
    fake = FakeFhirServer(without_results(ELEANOR))

    def observation_pages(handler: BaseHTTPRequestHandler) -> bool:
        if not handler.path.startswith("/fhir/Observation"):
            return False
        page = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(handler.path).query)).get("page", "1")
        bundle = searchset(pages[page])
        following = f"{fake.base_url}/Observation?page=2" if page == "1" else fake.base_url.replace("127.0.0.1", "localhost") + "/Observation?page=3"
        bundle["link"] = [{"relation": "next", "url": following}]
        send(handler, 200, bundle)
        return True

    fake.behaviour = observation_pages
    with running_fhir_server(fake):
        response = client.post("/cds-services/patient-view", json=without_prefetch(fake, ELEANOR))
    assert response.status_code == 200, response.text
    card = response.json()["cards"][0]
    assert [path for path, _ in fake.requests if "page=3" in path] == []
    assert "Most recent potassium blood result: 2.9 mmol/L" in card["detail"]
    port = urllib.parse.urlsplit(fake.base_url).port
    assert (
        f"- the labResults search was cut short after 2 pages, because its next page is on another host, http://localhost:{port}, "
        "where the access token must not go: what the later pages hold is not counted, so a lower screening level (possible or unlikely) does not rule out low magnesium or potassium"
    ) in warnings_of(card)
    assert "**Not read**" not in card["detail"]
    assert card["summary"].startswith("Mg/K depletion screen (EHR data only): combined likely")


def test_an_inpatient_with_daily_results_keeps_the_newest_five_pages_and_the_card_says_the_search_was_cut_short(client: Any) -> None:
    # Eleven daily potassium results, one per page; the search asks for the newest first.
    daily = [potassium(ELEANOR, 4.0 - day / 10, f"2025-06-{19 + day:02d}", f"k-{day}") for day in range(11)]
    with running_fhir_server(FakeFhirServer(without_results(ELEANOR) + daily, page_size=1)) as fake:
        card = client.post("/cds-services/patient-view", json=without_prefetch(fake, ELEANOR)).json()["cards"][0]
    observations = [path for path, _ in fake.requests if path.startswith("/fhir/Observation") and "2823-3" in path]
    assert len(observations) == 5 and "_sort=-date" in observations[0]
    assert "Most recent potassium blood result: 3 mmol/L" in card["detail"]  # 2025-06-29
    assert (
        "- the labResults search was cut short after 5 pages, because it has more than 5 pages, the most read for one "
        "search: what the later pages hold is not counted, so a lower screening level (possible or unlikely) does not rule out low magnesium or potassium"
    ) in warnings_of(card)


def test_a_later_page_the_server_cannot_give_keeps_the_pages_before_it(client: Any) -> None:
    def second_page_fails(handler: BaseHTTPRequestHandler) -> bool:
        if "_offset=1" in handler.path:
            send(handler, 500, {"resourceType": "OperationOutcome", "issue": [{"severity": "error", "code": "exception"}]})
            return True
        return False

    with running_fhir_server(FakeFhirServer(ehr_resources(), page_size=1, behaviour=second_page_fails)) as fake:
        card = client.post("/cds-services/patient-view", json=without_prefetch(fake, WALTER)).json()["cards"][0]
    assert "Most recent potassium blood result: 5.4 mmol/L" in card["detail"]  # page 1, newest first
    assert "the labResults search was cut short after its first page, because the FHIR server answered 500" in warnings_of(card)


def test_a_prefetched_first_page_is_kept_when_the_next_page_cannot_be_read(client: Any) -> None:
    def refused(handler: BaseHTTPRequestHandler) -> bool:
        send(handler, 403, {"resourceType": "OperationOutcome", "issue": [{"severity": "error", "code": "forbidden"}]})
        return True

    with running_fhir_server(FakeFhirServer(ehr_resources(), behaviour=refused)) as fake:
        prefetch = prefetch_for(ELEANOR)
        prefetch["labResults"]["link"] = [{"relation": "next", "url": f"{fake.base_url}/Observation?page=2"}]
        request = hook_request("patient-view", ELEANOR, prefetch, fhirServer=fake.base_url, fhirAuthorization=authorization())
        card = client.post("/cds-services/patient-view", json=request).json()["cards"][0]
    assert "Most recent potassium blood result: 3.3 mmol/L" in card["detail"]
    assert (
        "the labResults search was cut short after its first page, because the FHIR server answered 403 (forbidden: "
        "the access token does not allow it)"
    ) in warnings_of(card)
