"""CDS Hooks calls an outside reviewer wrote (2026-11-30): a prefetch key sent as null, and a
body that is not JSON."""

from __future__ import annotations

from typing import Any

from cds_support import AS_OF, cds_client, hook_request

from screener.web.cds import CdsSettings

PATIENT = {"resourceType": "Patient", "id": "pv1", "gender": "male", "birthDate": "1948-05-01"}
NULLS = {"medicationRequests": None, "medicationStatements": None, "labResults": None, "conditions": None}


def call(client: Any, service: str, request: dict[str, Any]) -> Any:
    return client.post(f"/cds-services/{service}", json=request)


def detail(response: Any) -> str:
    assert response.status_code == 200, response.text
    (card,) = response.json()["cards"]
    return str(card["detail"])


def test_a_man_whose_ehr_sends_null_for_every_search_is_told_the_ehr_has_no_data_read_as_empty_searches() -> None:
    """CDS Hooks 2.0: null means the EHR has no data for that template (used instead of a
    searchset with no entries). The card says so, and screens exactly as for empty searches:
    nothing counted, and no medicine on file is not read as taking none."""
    client = cds_client()
    nulls = detail(call(client, "patient-view", hook_request("patient-view", "pv1", {"patient": PATIENT, **NULLS})))
    assert "**The EHR has no data for:** `medicationRequests`, `medicationStatements`, `labResults`, `conditions` (prefetch null)" in nulls
    assert "Read as an empty search result" in nulls
    empty = {"resourceType": "Bundle", "type": "searchset", "total": 0}
    searched = detail(call(client, "patient-view", hook_request("patient-view", "pv1", {"patient": PATIENT, **dict.fromkeys(NULLS, empty)})))
    assert "has no data for" not in searched
    said = nulls.split("\n\n")
    assert [part for part in said if "has no data for" not in part] == searched.split("\n\n")


def test_a_hook_body_with_a_json_syntax_error_gets_a_hint_in_a_hook_requests_words() -> None:
    client = cds_client(CdsSettings(as_of=AS_OF))
    refused = client.post("/cds-services/patient-view", content=b"{bad", headers={"content-type": "application/json"})
    assert refused.status_code == 400
    message = refused.json()["message"]
    assert message.startswith("the request body is not JSON (line 1, column 2")
    assert '("hook")' in message and '"age"' not in message
