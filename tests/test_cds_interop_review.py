"""CDS Hooks calls an interoperability reviewer made (2026-12-01), to our server really listening
on 127.0.0.1: a potassium without its unit, a selection naming no draft order (or naming one by
its full URL), a gzip-compressed body, HEAD on discovery, and a FHIR server that does not answer."""

from __future__ import annotations

import gzip
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from cds_support import AS_OF, hook_request, http, serving

from screener.fhir.client import FetchLimits
from screener.web.cds import CdsSettings, cds_settings

PATIENT = {"resourceType": "Patient", "id": "p1", "gender": "female", "birthDate": "1946-03-02"}
EMPTY = {"resourceType": "Bundle", "type": "searchset", "total": 0}


def searchset(*resources: dict[str, Any]) -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": "searchset", "total": len(resources), "entry": [{"resource": r} for r in resources]}


def potassium(quantity: dict[str, Any]) -> dict[str, Any]:
    return {
        "resourceType": "Observation", "id": "k1", "status": "final", "subject": {"reference": "Patient/p1"},
        "effectiveDateTime": "2025-06-29T08:00:00-05:00", "code": {"coding": [{"system": "http://loinc.org", "code": "2823-3"}]},
        "valueQuantity": quantity,
    }


FUROSEMIDE = {
    "resourceType": "MedicationRequest", "id": "mr1", "status": "active", "intent": "order", "subject": {"reference": "Patient/p1"},
    "medicationCodeableConcept": {"text": "furosemide 40 mg tablet"},
}


def prefetch(labs: dict[str, Any] = EMPTY, medicines: dict[str, Any] = EMPTY) -> dict[str, Any]:
    return {"patient": PATIENT, "medicationRequests": medicines, "medicationStatements": EMPTY, "labResults": labs, "conditions": EMPTY}


def card(base: str, service: str, request: dict[str, Any]) -> dict[str, Any]:
    answer = http("POST", f"{base}/cds-services/{service}", request)
    assert answer.status == 200, answer.body
    (only,) = answer.json()["cards"]
    return dict(only)


def test_a_woman_with_a_potassium_of_2_6_sent_without_a_unit_on_furosemide_is_screened_critical() -> None:
    request = hook_request("patient-view", "p1", prefetch(searchset(potassium({"value": 2.6})), searchset(FUROSEMIDE)))
    with serving() as base:
        got = card(base, "patient-view", request)
    assert got["indicator"] == "critical", got["summary"]
    assert "read as mmol/L" in got["detail"]


def test_a_record_that_cannot_be_screened_is_never_shown_at_the_lowest_indicator() -> None:
    unusable = potassium({"value": 2.6, "unit": "mg/dL", "system": "http://unitsofmeasure.org", "code": "mg/dL"})
    with serving() as base:
        got = card(base, "patient-view", hook_request("patient-view", "p1", prefetch(searchset(unusable))))
    assert got["summary"].startswith("Mg/K depletion screen: not screened")
    assert got["indicator"] == "warning"


def order_select(selection: str) -> dict[str, Any]:
    draft = {
        "resourceType": "MedicationRequest", "id": "draft1", "status": "draft", "intent": "order", "subject": {"reference": "Patient/p1"},
        "medicationCodeableConcept": {"text": "furosemide 40 mg tablet"},
    }
    orders = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": draft}]}
    return hook_request("order-select", "p1", prefetch(), draftOrders=orders, selections=[selection])


def test_a_selection_named_by_its_full_url_shows_what_the_order_changes() -> None:
    with serving() as base:
        by_url = card(base, "order-select", order_select("https://ehr.example/fhir/MedicationRequest/draft1"))
        by_id = card(base, "order-select", order_select("MedicationRequest/draft1"))
    assert by_url["summary"].startswith("With furosemide ordered")
    assert by_url["summary"] == by_id["summary"]


def test_a_selection_that_names_no_draft_order_is_said_on_the_card() -> None:
    with serving() as base:
        got = card(base, "order-select", order_select("MedicationRequest/nothere"))
    not_read = got["detail"].split("Not read", 1)[1].replace("\\", "")
    assert "the selection 'MedicationRequest/nothere' ($.context.selections[0]) is not among the draft orders" in not_read


def test_a_gzip_compressed_hook_call_is_read() -> None:
    import json

    request = hook_request("patient-view", "p1", prefetch(searchset(potassium({"value": 2.6, "unit": "mmol/L"})), searchset(FUROSEMIDE)))
    body = gzip.compress(json.dumps(request).encode())
    headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
    with serving() as base:
        plain = card(base, "patient-view", request)
        answer = http("POST", f"{base}/cds-services/patient-view", raw=body, headers=headers)
        other = http("POST", f"{base}/cds-services/patient-view", raw=body, headers={**headers, "Content-Encoding": "br"})
    assert answer.status == 200, answer.body
    assert answer.json()["cards"][0]["summary"] == plain["summary"]
    assert other.status == 415
    assert other.json()["message"] == "Content-Encoding 'br' is not accepted: send the body uncompressed, or gzip"


def test_a_gzip_body_larger_than_the_limit_once_decompressed_is_refused() -> None:
    bomb = gzip.compress(b" " * 3_000_000)
    with serving(CdsSettings(as_of=AS_OF, max_body_bytes=1_000_000)) as base:
        answer = http("POST", f"{base}/cds-services/patient-view", raw=bomb, headers={"Content-Type": "application/json", "Content-Encoding": "gzip"})
    assert answer.status == 413
    assert "once decompressed" in answer.json()["message"]


def test_head_on_discovery_is_answered_as_get_is() -> None:
    with serving() as base:
        answer = http("HEAD", f"{base}/cds-services")
    assert answer.status == 200
    assert answer.headers["content-type"].startswith("application/json")


@contextmanager
def silent_fhir_server() -> Iterator[str]:
    """A FHIR server that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/fhir"
    finally:
        stop.set()
        thread.join(5)
        for one in held:
            one.close()
        listener.close()


def test_keys_missing_from_the_prefetch_are_read_at_once_within_one_deadline() -> None:
    """Two keys to read from a server that never answers cost one timeout, not one each."""
    settings = CdsSettings(as_of=AS_OF, fetch=FetchLimits(timeout_seconds=2.0, deadline_seconds=2.0))
    given = {key: value for key, value in prefetch().items() if key not in ("labResults", "conditions")}
    with serving(settings) as base, silent_fhir_server() as fhir:
        started = time.monotonic()
        got = card(base, "patient-view", hook_request("patient-view", "p1", given, fhirServer=fhir))
        took = time.monotonic() - started
    assert took < 3.5, took
    assert "labResults: the FHIR server did not answer within 2 s" in got["detail"]
    assert "conditions: the FHIR server did not answer within 2 s" in got["detail"]


def test_the_overall_fhir_deadline_can_be_set_in_the_config_file(tmp_path: Any) -> None:
    config = tmp_path / "cds.json"
    config.write_text('{"fhir_deadline_seconds": 3}', "utf-8")
    assert cds_settings(config).fetch.deadline_seconds == 3
    assert FetchLimits().deadline_seconds == 5
