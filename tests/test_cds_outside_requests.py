"""Hook requests nobody here wrote, sent unchanged to our server really listening on 127.0.0.1:
the order-select request of a CDS service for the Finnish high-risk medicines classification
(github.com/adamzkover/fimea-risk-medications-cds-hooks, `src/test/resources/request-order-select.json`
at commit 18f6a0b8391f92aa53b127a13e867b6de8bd272f, Apache-2.0; copied in
tests/fhir/cds-hooks-outside/). Its draft orders are R5-shaped (`medication.concept`, no
`intent`, no `subject`) and it prefetches nothing, since that service needs nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cds_support import http, serving

FIMEA_ORDER_SELECT = Path(__file__).resolve().parent / "fhir" / "cds-hooks-outside" / "fimea-order-select.json"


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with serving() as url:
        yield url


def fimea_request() -> dict[str, Any]:
    request: dict[str, Any] = json.loads(FIMEA_ORDER_SELECT.read_text("utf-8"))
    return request


def test_an_order_select_call_with_no_prefetch_and_no_fhir_server_is_answered_412_naming_what_is_missing(base: str) -> None:
    answer = http("POST", f"{base}/cds-services/order-select", fimea_request())
    assert answer.status == 412
    assert answer.json()["message"].startswith("no prefetched data (patient, medicationRequests, medicationStatements, labResults, conditions)")


def test_its_r5_draft_orders_of_warfarin_are_read_as_medicines_being_ordered_once_the_record_is_prefetched(base: str) -> None:
    # The same call from an EHR that prefetched our keys: a woman born in 1950, nothing else on record.
    request = fimea_request() | {
        "prefetch": {
            "patient": {"resourceType": "Patient", "id": "123", "gender": "female", "birthDate": "1950-01-01"},
            **dict.fromkeys(("medicationRequests", "medicationStatements", "labResults", "conditions", "pregnancyStatus")),
        }
    }
    answer = http("POST", f"{base}/cds-services/order-select", request)
    assert answer.status == 200, answer.body
    (card,) = answer.json()["cards"]
    assert "**With the order being placed:** MAREVAN 3 mg tabletti Orion Corporation, Warfarin 5mg counted as taken." in card["detail"]
    assert "- Medicines: MAREVAN 3 mg tabletti Orion Corporation; Warfarin 5mg" in card["detail"]
