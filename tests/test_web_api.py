"""The JSON API beside the pages: the same reading, validation and results as the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from screener.cli.main import app as cli
from typer.testing import CliRunner
from web_support import new_client

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "personas"
RULES = Path(__file__).resolve().parent.parent / "rules"


@pytest.fixture(scope="module")
def client() -> Any:
    return new_client()


def post_json(client: Any, path: str, body: bytes | str, content_type: str = "application/json") -> Any:
    return client.post(path, content=body, headers={"content-type": content_type})


@pytest.mark.parametrize("persona", sorted(p.stem for p in EXAMPLES.glob("*.json")))
def test_every_persona_screens_as_batch_screens_it(client: Any, persona: str, tmp_path: Path) -> None:
    source = EXAMPLES / f"{persona}.json"
    output = tmp_path / "out.jsonl"
    run = CliRunner().invoke(cli, ["batch", str(source), "-o", str(output), "--quiet", "--detail", "full"])
    assert run.exit_code == 0, run.output
    expected = json.loads(output.read_text(encoding="utf-8"))
    response = post_json(client, "/api/v1/screen", source.read_bytes())
    assert response.status_code == 200
    got = response.json()
    for where in ("source", "position"):  # batch says which file and record; a request is one record
        expected.pop(where, None)
        got.pop(where, None)
    assert got == expected


def test_invalid_answers_get_422_with_the_errors_validate_prints(client: Any, tmp_path: Path) -> None:
    record = {"age": "seventy", "symptom": ["cramps"], "labs": {"potassium": {"value": 3.1, "unit": "mmol"}}}
    source = tmp_path / "bad.json"
    source.write_text(json.dumps(record), encoding="utf-8")
    printed = CliRunner().invoke(cli, ["validate", str(source)]).output
    for path in ("/api/v1/screen", "/api/v1/validate"):
        response = post_json(client, path, json.dumps(record))
        assert response.status_code == 422
        body = response.json()
        assert body["valid"] is False
        assert body["errors"]
        for error in body["errors"]:
            assert f"{error['path']}: {error['message']}" in printed


def test_valid_answers_are_valid(client: Any) -> None:
    response = post_json(client, "/api/v1/validate", '{"age": 70, "symptoms": ["muscle_cramps"]}')
    assert response.status_code == 200
    assert response.json() == {"valid": True, "errors": []}


def test_a_body_that_is_not_json_gets_400_with_line_and_column(client: Any) -> None:
    response = post_json(client, "/api/v1/screen", '{"age": 70,\n "sex": }')
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["path"] == "$"
    assert "line 2, column" in error["message"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[1, 2]", "holds more than one record"),
        ('"seventy"', "expected one answers object, got a string"),
        ("", "the file or request body is empty"),
        ('{"age": NaN}', "NaN"),
    ],
)
def test_a_body_that_is_not_one_answers_object_says_why(client: Any, body: str, message: str) -> None:
    response = post_json(client, "/api/v1/screen", body)
    assert response.status_code in (400, 422)
    assert message in response.json()["errors"][0]["message"]


FHIR = Path(__file__).resolve().parent / "fhir"


@pytest.mark.parametrize(
    "sent", [FHIR / "real" / "synthea" / "jess-braun.json", FHIR / "synthea-style-five-patients.json"], ids=["one patient", "five"]
)
def test_a_fhir_bundle_sent_as_answers_is_called_fhir_and_pointed_to_what_reads_it(client: Any, sent: Path) -> None:
    # Read into its patients' records, one patient's Bundle was "expected one answers object,
    # got a value", and five patients "more than one record".
    response = post_json(client, "/api/v1/screen", sent.read_bytes(), "application/fhir+json")
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "path": "$",
            "message": "this is FHIR (a Bundle), not answers: this takes answers; screen FHIR with `mgk-screen screen FILE` "
            "or `mgk-screen batch`, or from an EHR through the CDS Hooks service",
        }
    ]


def test_answers_not_sent_as_json_get_415_in_the_shape_of_every_refusal(client: Any) -> None:
    response = post_json(client, "/api/v1/screen", '{"age": 70}', content_type="text/plain")
    assert response.status_code == 415
    assert response.json() == {
        "valid": False,
        "errors": [{"path": "$", "message": "send the answers as JSON, with Content-Type: application/json"}],
    }


@pytest.mark.parametrize("body", ['[{"age": 70}]', '\ufeff [\n  {"age": 70}\n]\n'])
@pytest.mark.parametrize("path", ["/api/v1/screen", "/api/v1/validate"])
def test_an_array_of_one_answers_object_is_refused_not_screened_as_the_object(client: Any, body: str, path: str) -> None:
    response = post_json(client, path, body)
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["path"] == "$"
    assert error["message"].startswith("one answers object expected")
    assert response.json()["valid"] is False


@pytest.mark.parametrize("name", ["answers", "result"])
def test_the_schemas_are_the_published_ones(client: Any, name: str) -> None:
    printed = CliRunner().invoke(cli, ["schema", name]).output
    response = client.get(f"/api/v1/schema/{name}")
    assert response.status_code == 200
    assert response.json() == json.loads(printed)


def test_an_unknown_schema_is_404(client: Any) -> None:
    response = client.get("/api/v1/schema/rules")
    assert response.status_code == 404
    assert "there are answers and result" in response.json()["detail"]


def test_the_questionnaire_is_the_data_file(client: Any) -> None:
    response = client.get("/api/v1/questionnaire")
    assert response.status_code == 200
    assert response.json() == json.loads((RULES / "questionnaire.json").read_text(encoding="utf-8"))


def test_the_openapi_description_lists_every_endpoint_and_loads_nothing_from_elsewhere(client: Any) -> None:
    document = client.get("/openapi.json").json()
    assert set(document["paths"]) == {
        "/api/v1/screen",
        "/api/v1/validate",
        "/api/v1/schema/{name}",
        "/api/v1/questionnaire",
    }
    assert document["paths"]["/api/v1/screen"]["post"]["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "/api/v1/schema/answers"
    }
    # FastAPI's own pages load Swagger UI and ReDoc from a CDN: they are off, and /api describes the API instead.
    assert client.get("/docs").status_code == 404
    assert client.get("/redoc").status_code == 404
    page = client.get("/api")
    assert page.status_code == 200
    for path in document["paths"]:
        assert path in page.text
    assert "http://testserver/api/v1/screen</code>" in page.text  # the example names this server
    assert "http" not in page.text.replace("http://testserver/api/v1/screen", "")


def test_a_wrong_method_or_an_unknown_api_path_gets_json_saying_what_to_do(client: Any) -> None:
    """A client written elsewhere that GETs the screening endpoint learns to POST, not only that
    its method is not allowed; an unknown path points to the list of endpoints."""
    wrong_method = client.get("/api/v1/screen")
    assert wrong_method.status_code == 405 and wrong_method.headers["allow"] == "POST"
    assert wrong_method.json() == {"detail": "/api/v1/screen does not answer GET: use POST (the endpoints are described at /api)"}
    assert client.post("/api/v1/schema/answers").json()["detail"].endswith("use GET (the endpoints are described at /api)")
    unknown = client.get("/api/v1/nothing")
    assert unknown.status_code == 404
    assert unknown.json() == {"detail": "no API endpoint /api/v1/nothing: the endpoints are described at /api (and in /openapi.json)"}
    assert client.get("/api/v1/schema/nothing").json() == {"detail": "no schema 'nothing': there are answers and result"}
