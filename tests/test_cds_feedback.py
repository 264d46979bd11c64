"""CDS Hooks feedback: the EHR tells our server what the clinician did with a card (accepted its
suggestion, or overrode it and why), on a server really listening on 127.0.0.1. Whoever runs the
server reads it in the log, one line per item with the counts so far; the user's comment never."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cds_support import (
    AS_OF,
    ELEANOR,
    PRIYA,
    SCHEMA,
    Signer,
    hook_request,
    http,
    json_leaves_are_not_empty,
    prefetch_for,
    serving,
    spec_examples,
)
from jsonschema import Draft202012Validator
from web_support import captured_logs

from screener.cds.feedback import Given, GivenCards
from screener.web.cds import CdsSettings

SYSTEM = "https://mgk-screen.example/fhir/CodeSystem/cds-override-reasons"
SHAPE = Draft202012Validator(json.loads(SCHEMA.read_text("utf-8")))


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with serving() as url:
        yield url


def card_for(base: str, patient: str) -> dict[str, Any]:
    answer = http("POST", f"{base}/cds-services/patient-view", hook_request("patient-view", patient, prefetch_for(patient)))
    assert answer.status == 200, answer.body
    card: dict[str, Any] = answer.json()["cards"][0]
    return card


def feedback(base: str, *items: dict[str, Any], service: str = "patient-view", **options: Any) -> Any:
    return http("POST", f"{base}/cds-services/{service}/feedback", {"feedback": list(items)}, **options)


def feedback_lines(records: list[Any]) -> list[str]:
    return [record.getMessage() for record in records if record.getMessage().startswith("CDS feedback:")]


# -- what the cards offer -----------------------------------------------------------------------


def test_a_card_suggesting_a_magnesium_test_offers_reasons_to_dismiss_it_each_with_a_display(base: str) -> None:
    card = card_for(base, ELEANOR)
    assert uuid.UUID(card["uuid"]) and uuid.UUID(card["suggestions"][0]["uuid"])
    assert card["overrideReasons"] == [
        {"system": SYSTEM, "code": "test-already-done", "display": "Magnesium, serum or plasma already done (the result is not in this record)"},
        {"system": SYSTEM, "code": "patient-declines-test", "display": "Patient declines the test"},
        {"system": SYSTEM, "code": "record-out-of-date", "display": "The record is incomplete or out of date for this patient"},
        {"system": SYSTEM, "code": "already-addressed", "display": "Already being looked after"},
        {"system": SYSTEM, "code": "not-relevant-now", "display": "Not relevant for this patient now"},
    ]
    assert [e.message for e in SHAPE.iter_errors({"cards": [card]})] == []
    assert json_leaves_are_not_empty(card) == []


def test_the_young_womans_card_without_a_suggestion_offers_no_reason_about_a_test(base: str) -> None:
    card = card_for(base, PRIYA)
    assert "suggestions" not in card
    assert [reason["code"] for reason in card["overrideReasons"]] == ["record-out-of-date", "already-addressed", "not-relevant-now"]


# -- feedback on our own card -------------------------------------------------------------------


def test_feedback_on_a_card_is_answered_200_and_logged_with_the_counts_so_far(tmp_path: Path) -> None:
    with serving() as base:  # a server of its own: the counts start at zero
        card = card_for(base, ELEANOR)
        suggestion = card["suggestions"][0]["uuid"]
        with captured_logs() as records:
            accepted = feedback(base, {"card": card["uuid"], "outcome": "accepted", "acceptedSuggestions": [{"id": suggestion}], "outcomeTimestamp": "2025-06-30T10:05:31Z"})
            overridden = feedback(
                base,
                {
                    "card": card["uuid"],
                    "outcome": "overridden",
                    "overrideReason": {"reason": {"system": SYSTEM, "code": "test-already-done"}},
                    "outcomeTimestamp": "2025-06-30T12:05:31+02:00",
                },
                {"card": card["uuid"], "outcome": "overridden", "outcomeTimestamp": "2025-06-30T10:07:00.52Z"},
            )
    assert (accepted.status, accepted.json()) == (200, {"recorded": 1})
    assert (overridden.status, overridden.json()) == (200, {"recorded": 2})
    assert accepted.headers["content-type"] == "application/json"
    assert feedback_lines(records) == [
        f"CDS feedback: patient-view card {card['uuid']} accepted at 2025-06-30T10:05:31Z, suggestion {suggestion}; "
        "patient-view since start: 1 accepted, 0 overridden",
        f"CDS feedback: patient-view card {card['uuid']} overridden at 2025-06-30T10:05:31Z, reason: Magnesium, serum or plasma "
        "already done (the result is not in this record) (test-already-done); patient-view since start: 1 accepted, 1 overridden",
        f"CDS feedback: patient-view card {card['uuid']} overridden at 2025-06-30T10:07:00Z, no reason given; "
        "patient-view since start: 1 accepted, 2 overridden",
    ]


def test_the_specs_feedback_examples_are_recorded(base: str) -> None:
    examples = spec_examples()
    with captured_logs() as records:
        for name in ("feedback_suggestion_accepted", "feedback_overridden_with_reason"):
            answer = http("POST", f"{base}/cds-services/order-select/feedback", examples[name])
            assert (answer.status, answer.json()) == (200, {"recorded": 1}), answer.body
    lines = feedback_lines(records)
    # Their cards are not ours: taken, and the log says so.
    assert lines[0].startswith(
        "CDS feedback: order-select card 4e0a3a1e-3283-4575-ab82-028d55fe2719 (not a card this server gave since it started) "
        "accepted at 2021-12-11T10:05:31Z, suggestion e56e1945-"
    )
    # A reason of the EHR's own (the spec lets it add its own) is logged by system and code.
    assert "overridden at 2020-12-11T00:00:00Z, reason: https://example.com/cds-hooks/override-reason-system|d7ecf885, with a comment (not logged)" in lines[1]


def test_the_specs_example_with_a_javascript_comment_is_refused_as_not_json(base: str) -> None:
    # The spec's "overridden guidance without overrideReason" example carries a // comment, which
    # JSON (RFC 8259, as the spec requires) does not allow: refused, saying where.
    text = spec_examples()["feedback_overridden_text"]
    answer = http("POST", f"{base}/cds-services/patient-view/feedback", raw=text.encode(), headers={"Content-Type": "application/json"})
    assert answer.status == 400
    assert answer.json()["message"].startswith("the request body is not JSON (line 4, column ")
    without_comment = re.sub(r"\s*//[^\n]*", "", text)
    assert http("POST", f"{base}/cds-services/patient-view/feedback", raw=without_comment.encode(), headers={"Content-Type": "application/json"}).status == 200


# -- what is refused ----------------------------------------------------------------------------


def test_malformed_feedback_gets_400_naming_every_problem_with_its_json_path(base: str) -> None:
    answer = feedback(
        base,
        {"card": "not-a-uuid", "outcome": "rejected", "outcomeTimestamp": "2020-12-11"},
        {"card": "9368d37b-283f-44a0-93ea-547cebab93ed", "outcome": "accepted", "outcomeTimestamp": "2020-02-30T00:00:00Z"},
        {
            "card": "9368d37b-283f-44a0-93ea-547cebab93ed",
            "outcome": "overridden",
            "acceptedSuggestions": [{"id": "e56e1945-20b3-4393-8503-a1a20fd73152"}],
            "overrideReason": {"reason": {"code": "d7ecf885"}, "userComment": ""},
            "outcomeTimestamp": "2020-12-11T00:00:00Z",
        },
        {"card": "9368d37b-283f-44a0-93ea-547cebab93ed", "outcome": "accepted", "acceptedSuggestions": [{"id": 7}, "x"], "overrideReason": {}, "outcomeTimestamp": "2020-12-11T00:00:00"},
        "card",
    )
    assert answer.status == 400
    assert answer.headers["content-type"] == "application/json"
    body = answer.json()
    assert (body["error"], body["message"]) == ("invalid_request", "the feedback to patient-view is not valid CDS Hooks feedback")
    assert [(problem["path"], problem["message"]) for problem in body["errors"]] == [
        ("$.feedback[0].card", "'not-a-uuid' is not a UUID: expected the card's uuid from our answer"),
        ("$.feedback[0].outcome", "'rejected' is not an outcome: expected 'accepted' or 'overridden'"),
        ("$.feedback[0].outcomeTimestamp", "'2020-12-11' is not an RFC 3339 date-time with its time zone (e.g. 2021-12-11T10:05:31Z)"),
        ("$.feedback[1].outcomeTimestamp", "'2020-02-30T00:00:00Z' is not an RFC 3339 date-time with its time zone (e.g. 2021-12-11T10:05:31Z)"),
        ("$.feedback[1].acceptedSuggestions", 'required when the outcome is accepted: the suggestions accepted ([{"id": suggestion uuid}])'),
        ("$.feedback[2].acceptedSuggestions", "only for an accepted outcome: an overridden card has no suggestion accepted"),
        ("$.feedback[2].overrideReason.userComment", "expected a non-empty string"),
        ("$.feedback[2].overrideReason.reason.system", "required: a non-empty string"),
        ("$.feedback[3].outcomeTimestamp", "'2020-12-11T00:00:00' is not an RFC 3339 date-time with its time zone (e.g. 2021-12-11T10:05:31Z)"),
        ("$.feedback[3].acceptedSuggestions[0].id", "7 is not a UUID: expected the suggestion's uuid from our answer"),
        ("$.feedback[3].acceptedSuggestions[1]", "expected an object with the suggestion's uuid as id"),
        ("$.feedback[3].overrideReason", "only for an overridden outcome: a card whose suggestion was accepted was not overridden"),
        ("$.feedback[4]", "expected an object (card, outcome, outcomeTimestamp...)"),
    ]


@pytest.mark.parametrize(
    ("body", "path", "message"),
    [
        ({}, "$.feedback", "required: an array of feedback items"),
        ({"feedback": []}, "$.feedback", "expected a non-empty array of feedback items"),
        ([], "$", "expected an object with a feedback array"),
        (
            {"feedback": [{"card": str(uuid.uuid4()), "outcome": "overridden", "outcomeTimestamp": "2025-06-30T10:00:00Z"}] * 1001},
            "$.feedback",
            "1,001 items: at most 1,000 in one request (send the rest in another)",
        ),
    ],
)
def test_a_body_without_feedback_items_gets_400(base: str, body: Any, path: str, message: str) -> None:
    answer = http("POST", f"{base}/cds-services/patient-view/feedback", body)
    assert answer.status == 400
    assert answer.json()["errors"] == [{"path": path, "message": message}]


def test_nothing_is_recorded_when_any_item_is_malformed(base: str) -> None:
    good = {"card": str(uuid.uuid4()), "outcome": "overridden", "outcomeTimestamp": "2025-06-30T10:00:00Z"}
    with captured_logs() as records:
        assert feedback(base, good, {"card": str(uuid.uuid4())}).status == 400
    assert feedback_lines(records) == []


def test_feedback_to_an_unknown_service_is_404_and_not_json_is_415(base: str) -> None:
    item = {"card": str(uuid.uuid4()), "outcome": "overridden", "outcomeTimestamp": "2025-06-30T10:00:00Z"}
    missing = feedback(base, item, service="static-patient-greeter")
    assert missing.status == 404
    assert missing.json() == {"error": "not_found", "message": "no CDS service 'static-patient-greeter': there are patient-view, order-select"}
    as_text = http("POST", f"{base}/cds-services/patient-view/feedback", raw=json.dumps({"feedback": [item]}).encode(), headers={"Content-Type": "text/plain"})
    assert as_text.status == 415
    assert as_text.json()["error"] == "unsupported_media_type"


def test_feedback_about_one_of_our_cards_must_match_it(base: str) -> None:
    card = card_for(base, ELEANOR)
    at = "2025-06-30T10:00:00Z"
    elsewhere = feedback(base, {"card": card["uuid"], "outcome": "overridden", "outcomeTimestamp": at}, service="order-select")
    assert elsewhere.status == 400
    assert elsewhere.json()["errors"] == [
        {"path": "$.feedback[0].card", "message": "a card of patient-view, not of order-select: send its feedback to /cds-services/patient-view/feedback"}
    ]
    other = "e56e1945-20b3-4393-8503-a1a20fd73152"
    wrong = feedback(base, {"card": card["uuid"], "outcome": "accepted", "acceptedSuggestions": [{"id": other}], "outcomeTimestamp": at})
    assert wrong.status == 400
    assert wrong.json()["errors"] == [{"path": "$.feedback[0].acceptedSuggestions[0].id", "message": f"'{other}' is not a suggestion of card {card['uuid']}"}]


# -- the log ------------------------------------------------------------------------------------


def test_the_users_comment_is_never_logged_and_request_text_cannot_write_log_lines(base: str) -> None:
    item = {
        "card": str(uuid.uuid4()),
        "outcome": "overridden",
        "overrideReason": {
            "reason": {"system": "https://ehr.example/reasons", "code": "x\nCDS feedback: forged line", "display": "Other\r\n" + "y" * 500},
            "userComment": "Mrs Jones says she had it checked at the other hospital",
        },
        "outcomeTimestamp": "2025-06-30T10:00:00Z",
    }
    with captured_logs() as records:
        assert feedback(base, item).status == 200
    messages = [record.getMessage() for record in records]
    assert not any("Mrs Jones" in message or "other hospital" in message for message in messages)
    [line] = feedback_lines(records)
    assert "\n" not in line and "\r" not in line
    assert 'reason: https://ehr.example/reasons|x\\nCDS feedback: forged line "Other\\r\\n' in line
    assert "y" * 101 not in line
    assert ", with a comment (not logged)" in line
    # A uuid or a timestamp followed by a line break is not one (and never reaches the log).
    broken = {"card": str(uuid.uuid4()) + "\n", "outcome": "overridden", "outcomeTimestamp": "2025-06-30T10:00:00Z\n"}
    assert [problem["path"] for problem in feedback(base, broken).json()["errors"]] == ["$.feedback[0].card", "$.feedback[0].outcomeTimestamp"]


# -- who may send it ----------------------------------------------------------------------------


def test_with_trusted_issuers_feedback_needs_a_jwt_for_the_feedback_url(tmp_path: Path) -> None:
    signer = Signer("https://ehr.example.org")
    settings = CdsSettings(as_of=AS_OF, trusted_issuers={signer.issuer: str(signer.write_jwks(tmp_path))})
    item = {"card": str(uuid.uuid4()), "outcome": "overridden", "outcomeTimestamp": "2025-06-30T10:00:00Z"}
    with serving(settings) as base:
        url = f"{base}/cds-services/patient-view/feedback"
        unsigned = http("POST", url, {"feedback": [item]})
        assert unsigned.status == 401
        assert unsigned.headers["www-authenticate"] == 'Bearer realm="mgk-screen CDS Hooks"'
        for_the_service = signer.token(f"{base}/cds-services/patient-view")
        assert http("POST", url, {"feedback": [item]}, headers={"Authorization": f"Bearer {for_the_service}"}).status == 401
        signed = http("POST", url, {"feedback": [item]}, headers={"Authorization": f"Bearer {signer.token(url)}"})
        assert (signed.status, signed.json()) == (200, {"recorded": 1})


def test_the_cards_remembered_are_bounded_the_oldest_forgotten_first() -> None:
    given = GivenCards(limit=2)
    cards = [{"uuid": str(uuid.uuid4()), "suggestions": [{"uuid": str(uuid.uuid4())}]} for _ in range(3)]
    given.remember("patient-view", cards)
    assert given.get(cards[0]["uuid"]) is None
    assert [given.get(card["uuid"]) for card in cards[1:]] == [
        Given("patient-view", frozenset({card["suggestions"][0]["uuid"]})) for card in cards[1:]
    ]
