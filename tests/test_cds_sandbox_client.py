"""The CDS Hooks sandbox (github.com/cds-hooks/sandbox), a client nobody here wrote, calling our
server really listening on 127.0.0.1 as its code calls a CDS service: the request bodies in
tests/fhir/cds-hooks-sandbox/ are what its code builds (sources in tests/fhir/README.md), the
service URLs are the discovery URL it was given joined to each service's id, and its JWTs carry
the header it signs them with."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from cds_support import AS_OF, FakeFhirServer, Signer, http, running_fhir_server, send, serving

from screener.web.cds import CdsSettings

SANDBOX_REQUESTS = Path(__file__).resolve().parent / "fhir" / "cds-hooks-sandbox"
SANDBOX_ISSUER = "https://sandbox.cds-hooks.org"
SANDBOX_KEY_ID = "44823f3d-0b01-4a6c-a80e-b9d3e8a7226f"
"""The sandbox's issuer and key id (src/retrieve-data-helpers/jwt-generator.js)."""


def sandbox_request(name: str) -> dict[str, Any]:
    request: dict[str, Any] = json.loads((SANDBOX_REQUESTS / name).read_text("utf-8"))
    return request


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with serving() as url:
        yield url


def card_of(answer: Any) -> dict[str, Any]:
    assert answer.status == 200, answer.body
    cards = answer.json()["cards"]
    assert len(cards) == 1
    card: dict[str, Any] = cards[0]
    return card


def test_the_sandboxs_order_select_before_a_medicine_is_chosen_screens_the_record_and_says_the_order_names_none_yet(base: str) -> None:
    # The sandbox calls order-select as soon as its order form opens: the draft MedicationRequest
    # it sends then has a status, a patient and a date, but no medicine. The record is screened
    # as it stands (a woman born in 1950, nothing else on record), not refused as "1 problem in the EHR data".
    card = card_of(http("POST", f"{base}/cds-services/order-select", sandbox_request("order-select-before-a-medicine-is-chosen.json")))
    assert "not screened" not in card["summary"]
    assert card["summary"] == "Mg/K depletion screen: not enough EHR data to screen (no level given: the record says too little)"
    assert "- Age: 74" in card["detail"]  # born in 1950: 74 is the age certainly reached by 30 June 2025
    assert "an order being placed names no medicine yet ($.context.draftOrders.entry\\[0\\].resource): not counted" in card["detail"]


def test_the_sandboxs_furosemide_order_raises_the_screen_and_says_what_it_changes(base: str) -> None:
    # Furosemide 40 MG chosen from the sandbox's medication list: the draft it sends then (R4,
    # with its category as an object rather than a list) is a loop diuretic about to be taken.
    card = card_of(http("POST", f"{base}/cds-services/order-select", sandbox_request("order-select-furosemide-40-mg-chosen.json")))
    assert card["summary"].startswith("With furosemide ordered, the Mg/K screen rises (EHR data only): combined unlikely → possible")
    assert card["indicator"] == "info"  # routine: info since verify 6
    assert "Furosemide 40 MG counted as taken" in card["detail"]


def test_the_sandboxs_dstu2_medication_order_is_named_on_the_card_not_passed_over_in_silence(base: str) -> None:
    # With its default FHIR server (DSTU2), the sandbox's order form sends a MedicationOrder, and
    # leaves out the MedicationRequest search its server cannot answer. The card still screens
    # what it was given, and says that the order was not read and why.
    def dstu2(handler: BaseHTTPRequestHandler) -> bool:
        if handler.path.startswith("/fhir/MedicationRequest"):
            send(handler, 404, {"resourceType": "OperationOutcome", "issue": [{"severity": "error", "code": "not-supported", "diagnostics": "Unknown resource type 'MedicationRequest'"}]})
            return True
        return False

    request = sandbox_request("order-select-dstu2-medication-order.json")
    with running_fhir_server(FakeFhirServer([], token=None, behaviour=dstu2)) as fake:
        request["fhirServer"] = fake.base_url  # on this computer, in place of launch.smarthealthit.org
        card = card_of(http("POST", f"{base}/cds-services/order-select", request))
    assert not card["summary"].startswith("With furosemide ordered")
    assert (
        "an order being placed ($.context.draftOrders.entry\\[0\\].resource): resourceType 'MedicationOrder' is a name of another "
        "FHIR version (R4 and R5 call it MedicationRequest): not read"
    ) in card["detail"]
    assert "- medicationRequests: " in card["detail"]


def sandbox_token(audience: str, key: Any) -> str:
    """A JWT as the sandbox signs one: ES384, its key id, and a ``jku`` naming its key set
    (which the server must not follow: the key set is the one configured for the issuer)."""
    import jwt

    now = round(time.time())
    claims = {"iss": SANDBOX_ISSUER, "aud": audience, "exp": now + 300, "iat": now, "jti": str(uuid.uuid4())}
    headers = {"typ": "JWT", "kid": SANDBOX_KEY_ID, "jku": "https://sandbox.cds-hooks.org/.well-known/jwks.json"}
    return jwt.encode(claims, key, algorithm="ES384", headers=headers)


def test_a_sandbox_given_the_discovery_url_with_a_slash_at_the_end_reaches_the_services(tmp_path: Path) -> None:
    # The sandbox joins the discovery URL it was given to each service's id with a "/": given
    # ".../cds-services/", it calls ".../cds-services//order-select", with that URL as the JWT's
    # audience. Both reach the services, with no redirect (which would change the audience).
    sandbox = Signer(SANDBOX_ISSUER, "ES384", kid=SANDBOX_KEY_ID)
    settings = CdsSettings(as_of=AS_OF, trusted_issuers={SANDBOX_ISSUER: str(sandbox.write_jwks(tmp_path))})
    with serving(settings) as base:
        discovery_url = f"{base}/cds-services/"
        discovered = http("GET", discovery_url, headers={"Accept": "application/json", "Authorization": f"Bearer {sandbox_token(discovery_url, sandbox.private_key)}"})
        assert discovered.status == 200
        service_ids = [service["id"] for service in discovered.json()["services"]]
        assert "order-select" in service_ids
        service_url = f"{discovery_url}/order-select"
        assert "/cds-services//order-select" in service_url
        token = sandbox_token(service_url, sandbox.private_key)
        answer = http("POST", service_url, sandbox_request("order-select-furosemide-40-mg-chosen.json"), headers={"Authorization": f"Bearer {token}"})
        assert card_of(answer)["summary"].startswith("With furosemide ordered")


def test_the_sandboxs_feedback_on_a_card_reaches_the_service_it_called_at_a_double_slash_url(base: str) -> None:
    # The sandbox sends feedback to "<service URL>/feedback" when a card's suggestion is taken or
    # the card dismissed, with a timestamp in milliseconds (JavaScript's toISOString()).
    service_url = f"{base}/cds-services//order-select"
    card = card_of(http("POST", service_url, sandbox_request("order-select-furosemide-40-mg-chosen.json")))
    taken = {
        "card": card["uuid"],
        "outcome": "accepted",
        "acceptedSuggestions": [{"id": card["suggestions"][0]["uuid"]}],
        "outcomeTimestamp": "2025-06-30T10:05:31.123Z",
    }
    dismissed = {"card": card["uuid"], "outcome": "overridden", "outcomeTimestamp": "2025-06-30T10:06:02.456Z"}
    for item in (taken, dismissed):
        answer = http("POST", f"{service_url}/feedback", {"feedback": [item]})
        assert (answer.status, answer.json()) == (200, {"recorded": 1})
