"""Bad input at the ways in that fuzz review 9 and interop review 9 found too quiet: a damaged
result given to `report`, a Python dict with a key that is not text, a request body that never
comes in whole, a CORS preflight to the JSON API, ``["none"]`` for an empty list and a body in
another charset. Each gets a clear answer naming what is wrong and where."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path
from typing import Any

import pytest
from screener.cli.main import app as cli
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
FAINTING = ROOT / "examples" / "personas" / "diuretic-and-vomiting-with-fainting-now.json"

pytest.importorskip("jinja2", reason="the reports extra is part of the test extra")


@pytest.fixture(scope="module")
def fainting_result(screener: Any) -> dict[str, Any]:
    """The result of a person on a diuretic, vomiting, who is fainting now (emergency)."""
    result: dict[str, Any] = screener.screen(json.loads(FAINTING.read_text(encoding="utf-8"))).model_dump(mode="json", exclude_none=True)
    assert result["urgency"] == "emergency" and result["red_flags"] == ["fainting"]
    return result


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args))


# -- report: a damaged result ----------------------------------------------------------------------
@pytest.mark.parametrize("red_flags", ["fainting", {"fainting": True}], ids=["text", "object"])
def test_a_fainting_persons_result_with_damaged_red_flags_is_refused_not_shown_as_red_flags_none(
    fainting_result: dict[str, Any], red_flags: Any, tmp_path: Path
) -> None:
    source = tmp_path / "fainting.json"
    source.write_text(json.dumps(fainting_result | {"red_flags": red_flags}), encoding="utf-8")
    page = tmp_path / "page.html"
    ran = run("report", str(source), "-o", str(page))
    assert ran.exit_code == 2, ran.output
    assert not page.exists()
    said = ran.output
    assert str(source) in said and f"record {fainting_result['id']!r}" in said
    assert "$.red_flags: expected an array" in said
    assert "it gives urgency emergency" in said  # what it says first, even refused


#: The fields F2 found drawn with no word, each with values the result schema does not allow.
DAMAGED = [
    (field, value)
    for field in ("recommendations", "risk_factors", "warnings", "red_flags", "findings", "labs_used", "unanswered_sections")
    for value in ("bogus", 1e308, {}, None)
] + [
    (field, value)
    for field, values in {
        "disclaimer": (1, {}, None, []),
        "consult_clinician": ("yes", 1, {}, None),
        "coverage": ("most", 2, {}, None),
        "ruleset": ("rules", None),
        "recommendations": ([{"code": 1}],),
    }.items()
    for value in values
]


@pytest.mark.parametrize(("field", "value"), DAMAGED, ids=[f"{f}={json.dumps(v)}" for f, v in DAMAGED])
def test_a_result_that_does_not_match_the_result_schema_is_refused_with_its_path(
    screener: Any, fainting_result: dict[str, Any], field: str, value: Any
) -> None:
    from screener.errors import InputError
    from screener.reports import person_report

    with pytest.raises(InputError) as refused:
        person_report(fainting_result | {field: value}, screener=screener, source="rita.json")
    assert str(refused.value).startswith(f"rita.json: record {fainting_result['id']!r} is not a result")
    assert f"  $.{field}" in str(refused.value)


def test_a_whole_result_and_one_from_before_coverage_existed_are_still_reported(screener: Any, fainting_result: dict[str, Any]) -> None:
    from screener.reports import person_report

    assert "Fainting" in person_report(fainting_result, screener=screener)
    old = {name: value for name, value in fainting_result.items() if name != "coverage"}
    assert "not recorded" in person_report(old, screener=screener)


def test_the_cohort_report_counts_a_damaged_result_as_not_screened_and_names_file_record_and_path(
    fainting_result: dict[str, Any], tmp_path: Path
) -> None:
    damaged = fainting_result | {"id": "faint-2", "red_flags": "fainting"}
    whole = fainting_result | {"id": "faint-1"}
    results = tmp_path / "results.jsonl"
    results.write_text("\n".join(json.dumps(entry) for entry in (whole, damaged)) + "\n", encoding="utf-8")
    page = tmp_path / "cohort.html"
    ran = run("report", "--cohort", str(results), "-o", str(page))
    assert ran.exit_code == 3, ran.output
    assert f"{results}, record 2 ('faint-2'): $.red_flags: expected an array" in ran.output
    assert "(1 screened, 1 not screened)" in ran.output
    text = " ".join(page.read_text(encoding="utf-8").split())
    assert "1 record in the results is damaged" in text
    assert "it gives urgency emergency" in text


def test_a_cohort_file_of_damaged_results_only_is_refused_saying_so(fainting_result: dict[str, Any], tmp_path: Path) -> None:
    results = tmp_path / "results.jsonl"
    results.write_text(json.dumps(fainting_result | {"coverage": {}}) + "\n", encoding="utf-8")
    ran = run("report", "--cohort", str(results), "-o", str(tmp_path / "cohort.html"))
    assert ran.exit_code == 2
    assert "1 of 1 records are not results as mgk-screen writes them" in ran.output
    assert "record 1" in ran.output and "$.coverage" in ran.output


def test_entries_batch_writes_pass_the_check_lean_full_and_invalid(screener: Any) -> None:
    from screener.contract.result import entry_problems

    answers = json.loads(FAINTING.read_text(encoding="utf-8"))
    for detail in ("lean", "full"):
        assert entry_problems(screener.screen_entry(answers, source="a.json", position=3, detail=detail)) == []
    invalid = screener.screen_entry({"age": "old", "red_flags_now": ["chest_pain"]})
    assert invalid["status"] == "invalid" and entry_problems(invalid) == []
    assert [p.path for p in entry_problems(invalid | {"red_flags": "chest_pain"})] == ["$.red_flags"]


# -- the Python API: a key that is not text --------------------------------------------------------
@pytest.mark.parametrize("key", [1, None, 1.5, b"age"], ids=["int", "None", "float", "bytes"])
def test_a_python_dict_with_a_key_that_is_not_text_is_invalid_with_its_path(screener: Any, key: Any) -> None:
    from screener.screening.pipeline import InvalidAnswers

    entry = screener.screen_record({key: 2, "age": 72})
    assert entry.status == "invalid"
    assert [(error.path, error.message.split(",")[0]) for error in entry.errors] == [("$", f"a field named {key!r}")]
    with pytest.raises(InvalidAnswers, match=r"\$: a field named"):
        screener.screen({key: 2})
    with pytest.raises(InvalidAnswers, match=r"\$\.labs\.potassium: a field named"):
        screener.screen({"labs": {"potassium": {key: 1, "value": 3.0, "unit": "mmol/L"}}})
    nested = screener.screen_record({"labs": {key: 2}})
    assert [error.path for error in nested.errors] == ["$.labs"]


# -- ["none"] where none is an empty list ----------------------------------------------------------
@pytest.mark.parametrize("field", ["red_flags_now", "symptoms", "conditions"])
def test_none_as_the_one_item_of_a_list_is_told_to_be_an_empty_list(screener: Any, field: str) -> None:
    entry = screener.screen_record({field: ["none"]})
    assert entry.status == "invalid"
    (error,) = entry.errors
    assert error.path == f"$.{field}[0]"
    assert error.message.startswith(f'unknown value "none" (for none of these, give an empty list: "{field}": [])')


# -- the web server --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def client() -> Any:
    from web_support import new_client

    return new_client()


def test_a_cors_preflight_to_the_json_api_gets_405_saying_it_is_for_its_own_pages(client: Any) -> None:
    response = client.options(
        "/api/v1/screen", headers={"Origin": "http://localhost:9000", "Access-Control-Request-Method": "POST"}
    )
    assert response.status_code == 405
    assert "access-control-allow-origin" not in response.headers
    assert "answers no CORS preflight" in response.json()["detail"]
    assert "/cds-services" in response.json()["detail"]


def test_latin1_bytes_sent_with_their_charset_are_refused_naming_the_charset(client: Any) -> None:
    body = '{"id": "Ren\u00e9e", "age": 70}'.encode("latin-1")
    response = client.post("/api/v1/screen", content=body, headers={"content-type": "application/json; charset=ISO-8859-1"})
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert "not UTF-8 text (byte 0xe9" in error["message"]
    assert "sent as charset=ISO-8859-1, which is not read; this API reads UTF-8 only" in error["message"]
    plain = client.post("/api/v1/screen", content=body, headers={"content-type": "application/json"})
    assert "charset" not in plain.json()["errors"][0]["message"]


def _short_body_answer(base: str, path: str) -> tuple[float, bytes]:
    """Send headers promising 100 bytes and only 10 of them, on a raw socket; return how long the
    answer took and the answer."""
    host, port = base.removeprefix("http://").split(":")
    started = time.monotonic()
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        head = f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
        sock.sendall(head.encode() + b'{"age": 70')
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
    return time.monotonic() - started, answer


def test_a_body_shorter_than_its_content_length_gets_408_in_seconds_from_a_real_server() -> None:
    import dataclasses

    from web_support import TEST_SETTINGS, running_server

    from screener.web.app import create_app
    from screener.web.cds import CdsSettings, cds_router, cds_web_settings
    from screener.web.context import WebSettings

    assert WebSettings().body_seconds <= 15  # a few seconds by default, not for ever
    cds = CdsSettings()
    settings = cds_web_settings(dataclasses.replace(TEST_SETTINGS, body_seconds=1.0), cds)
    with running_server(create_app(settings=settings, routers=[cds_router(cds)])) as base:
        for path, shape in (("/api/v1/screen", b'"valid":false'), ("/cds-services/patient-view", b'"error":"timeout"')):
            took, answer = _short_body_answer(base, path)
            assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
            assert shape in answer
            assert b"Content-Length said 100 bytes; 10 bytes came in 1 second" in answer
            assert took < 10
