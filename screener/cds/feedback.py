"""CDS Hooks feedback (2.0, "Feedback"): what a clinician did with a card, as the EHR reports it.

- ``read_feedback(body)``: a feedback request checked (every problem with its JSON path), or a
  ``HookError`` (400);
- ``override_reasons(context, suggests_test)``: the reasons a card offers for dismissing it
  (``card.overrideReasons``), so that feedback says why in codes the service knows;
- ``GivenCards``: the cards this server gave lately (uuids only), so that feedback about one of
  them is checked against it (the right service, suggestions it had);
- ``Tally``: feedback counted by service and outcome since the server started.

The spec's rules, as read here: ``card`` is the card's ``uuid`` (ours are UUIDs, so anything else
cannot be about one of our cards); ``outcome`` is ``accepted`` or ``overridden``;
``acceptedSuggestions`` (objects with the suggestion's ``uuid`` as ``id``) is required when
accepted and has no place when overridden, as ``overrideReason`` has none when accepted (an entire
card is either overridden or has suggestions accepted); ``overrideReason`` holds a ``reason``
Coding (``code`` and ``system``) and/or a ``userComment``; ``outcomeTimestamp`` is an RFC 3339
date-time (section 5.6). Optional elements given as null are read as absent. Nothing here logs:
the HTTP side (``screener.web.cds_feedback``) does, without the user's comment.
"""

from __future__ import annotations

import re
import threading
from collections import Counter, OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from screener.cds.errors import HookError
from screener.contract.validation import Problem
from screener.fhir.mapping import FhirContext

OUTCOMES = ("accepted", "overridden")
MAX_ITEMS = 1000
"""Most feedback items in one request: each is a line of the server's log."""
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
# RFC 3339 section 5.6 date-time: a full date, a time, and a zone (Z or an offset; 'T' and 'Z'
# may be lower case).
_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})", re.ASCII)

# Why a clinician may dismiss the card, offered as ``overrideReasons`` (the spec prescribes no set).
# The service's own words about its card, not a clinical decision: the rules decide what the card says.
_GENERAL_REASONS = (
    ("record-out-of-date", "The record is incomplete or out of date for this patient"),
    ("already-addressed", "Already being looked after"),
    ("not-relevant-now", "Not relevant for this patient now"),
)
_TEST_REASONS = (
    ("test-already-done", "{test} already done (the result is not in this record)"),
    ("patient-declines-test", "Patient declines the test"),
)


def override_system(context: FhirContext) -> str:
    """The code system of our override reasons (beside the cards' topic code system)."""
    return f"{context.mapping.canonical_base}/CodeSystem/cds-override-reasons"


def override_reasons(context: FhirContext, suggests_test: bool) -> list[dict[str, str]]:
    """The override reasons a card offers (``display`` is required for them): the test's own
    reasons first when the card suggests ordering it."""
    test = context.mapping.cds_hooks["suggest_test"]["text"]
    reasons = (*_TEST_REASONS, *_GENERAL_REASONS) if suggests_test else _GENERAL_REASONS
    system = override_system(context)
    return [{"system": system, "code": code, "display": display.format(test=test)} for code, display in reasons]


def reason_display(context: FhirContext, code: str) -> str | None:
    """The display of one of our override reasons, or None for a code we do not offer."""
    return next((reason["display"] for reason in override_reasons(context, suggests_test=True) if reason["code"] == code), None)


@dataclass(frozen=True)
class Feedback:
    """One feedback item, checked."""

    card: str
    outcome: str
    at: datetime
    """``outcomeTimestamp``, in UTC."""
    accepted: tuple[str, ...] = ()
    """The ids (suggestion uuids) of the suggestions accepted."""
    reason: Mapping[str, str] | None = None
    """The override reason's Coding (``system``, ``code``, perhaps ``display``)."""
    commented: bool = False
    """Whether the user wrote a comment (never kept: free text may name the patient)."""


def read_feedback(body: Any, service_id: str) -> list[Feedback]:
    """The feedback items of a request body, or a ``HookError`` (400) naming every problem."""
    if not isinstance(body, dict):
        raise HookError(400, "invalid_request", "a CDS Hooks feedback request is a JSON object", [Problem("$", "expected an object with a feedback array")])
    problems: list[Problem] = []
    items = body.get("feedback")
    read: list[Feedback] = []
    if not isinstance(items, list) or not items:
        message = "required: an array of feedback items" if items is None else "expected a non-empty array of feedback items"
        problems.append(Problem("$.feedback", message))
    elif len(items) > MAX_ITEMS:
        problems.append(Problem("$.feedback", f"{len(items):,} items: at most {MAX_ITEMS:,} in one request (send the rest in another)"))
    else:
        for index, item in enumerate(items):
            one = _item(item, f"$.feedback[{index}]", problems)
            if one is not None:
                read.append(one)
    if problems:
        raise HookError(400, "invalid_request", f"the feedback to {service_id} is not valid CDS Hooks feedback", problems)
    return read


def _item(item: Any, path: str, problems: list[Problem]) -> Feedback | None:
    if not isinstance(item, dict):
        problems.append(Problem(path, "expected an object (card, outcome, outcomeTimestamp...)"))
        return None
    before = len(problems)
    card = _uuid(item.get("card"), f"{path}.card", "the card's uuid", problems)
    outcome = item.get("outcome")
    if outcome not in OUTCOMES:
        said = "required" if outcome is None else f"{_shown(outcome)} is not an outcome"
        problems.append(Problem(f"{path}.outcome", f"{said}: expected 'accepted' or 'overridden'"))
    at = _timestamp(item.get("outcomeTimestamp"), f"{path}.outcomeTimestamp", problems)
    accepted = _accepted(item.get("acceptedSuggestions"), outcome, f"{path}.acceptedSuggestions", problems)
    reason, commented = _override(item.get("overrideReason"), outcome, f"{path}.overrideReason", problems)
    if len(problems) > before:
        return None
    assert card is not None and at is not None and isinstance(outcome, str)
    return Feedback(card, outcome, at, accepted, reason, commented)


def _uuid(value: Any, path: str, what: str, problems: list[Problem]) -> str | None:
    if isinstance(value, str) and _UUID.fullmatch(value):
        return value.lower()
    if value is None:
        problems.append(Problem(path, f"required: {what}"))
    else:
        problems.append(Problem(path, f"{_shown(value)} is not a UUID: expected {what} from our answer"))
    return None


def _timestamp(value: Any, path: str, problems: list[Problem]) -> datetime | None:
    if value is None:
        problems.append(Problem(path, "required: when the card was acted on (RFC 3339, e.g. 2021-12-11T10:05:31Z)"))
        return None
    if isinstance(value, str) and _DATE_TIME.fullmatch(value):
        try:
            return datetime.fromisoformat(value.upper()).astimezone(timezone.utc)
        except ValueError:
            pass
    problems.append(Problem(path, f"{_shown(value)} is not an RFC 3339 date-time with its time zone (e.g. 2021-12-11T10:05:31Z)"))
    return None


def _accepted(value: Any, outcome: Any, path: str, problems: list[Problem]) -> tuple[str, ...]:
    if value is None:
        if outcome == "accepted":
            problems.append(Problem(path, "required when the outcome is accepted: the suggestions accepted ([{\"id\": suggestion uuid}])"))
        return ()
    if outcome == "overridden":
        problems.append(Problem(path, "only for an accepted outcome: an overridden card has no suggestion accepted"))
        return ()
    if not isinstance(value, list) or not value:
        problems.append(Problem(path, "expected a non-empty array of {\"id\": suggestion uuid}"))
        return ()
    ids = []
    for index, suggestion in enumerate(value):
        where = f"{path}[{index}]"
        if not isinstance(suggestion, dict):
            problems.append(Problem(where, "expected an object with the suggestion's uuid as id"))
            continue
        found = _uuid(suggestion.get("id"), f"{where}.id", "the suggestion's uuid", problems)
        if found is not None:
            ids.append(found)
    return tuple(ids)


def _override(value: Any, outcome: Any, path: str, problems: list[Problem]) -> tuple[dict[str, str] | None, bool]:
    if value is None:
        return None, False
    if outcome == "accepted":
        problems.append(Problem(path, "only for an overridden outcome: a card whose suggestion was accepted was not overridden"))
        return None, False
    if not isinstance(value, dict) or not ({"reason", "userComment"} & {key for key, item in value.items() if item is not None}):
        problems.append(Problem(path, "expected an object with a reason (a Coding) and/or a userComment"))
        return None, False
    comment = value.get("userComment")
    if comment is not None and not (isinstance(comment, str) and comment):
        problems.append(Problem(f"{path}.userComment", "expected a non-empty string"))
    reason = value.get("reason")
    if reason is None:
        return None, comment is not None
    if not isinstance(reason, dict):
        problems.append(Problem(f"{path}.reason", "expected a Coding: an object with code and system"))
        return None, comment is not None
    coding: dict[str, str] = {}
    for name in ("system", "code", "display"):
        part = reason.get(name)
        if isinstance(part, str) and part:
            coding[name] = part
        elif part is not None or name != "display":
            problems.append(Problem(f"{path}.reason.{name}", "required: a non-empty string" if part is None else "expected a non-empty string"))
    return coding, comment is not None


def _shown(value: Any) -> str:
    """A value from the request quoted in a message, clipped (never the whole of a long one)."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


@dataclass(frozen=True)
class Given:
    """A card this server gave: the service that gave it and its suggestions' uuids."""

    service_id: str
    suggestions: frozenset[str]


class GivenCards:
    """The last ``limit`` cards this server gave, by uuid (in memory only: uuids and service ids,
    nothing about the patient). A card given before the server started, or long ago, is unknown:
    its feedback is still taken, and the log says it is not one of these."""

    def __init__(self, limit: int = 10_000) -> None:
        self.limit = limit
        self._cards: OrderedDict[str, Given] = OrderedDict()
        self._lock = threading.Lock()

    def remember(self, service_id: str, cards: Iterable[Mapping[str, Any]]) -> None:
        with self._lock:
            for card in cards:
                suggestions = frozenset(str(one["uuid"]).lower() for one in card.get("suggestions", ()) if "uuid" in one)
                self._cards[str(card["uuid"]).lower()] = Given(service_id, suggestions)
                while len(self._cards) > self.limit:
                    self._cards.popitem(last=False)

    def get(self, card: str) -> Given | None:
        with self._lock:
            return self._cards.get(card)


def check_given(items: Iterable[Feedback], given: GivenCards, service_id: str) -> None:
    """Feedback about a card this server gave must be sent to the service that gave it, and accept
    only suggestions that card had: else a ``HookError`` (400) naming each item."""
    problems = []
    for index, item in enumerate(items):
        card = given.get(item.card)
        if card is None:
            continue
        if card.service_id != service_id:
            problems.append(
                Problem(f"$.feedback[{index}].card", f"a card of {card.service_id}, not of {service_id}: send its feedback to /cds-services/{card.service_id}/feedback")
            )
            continue
        problems += [
            Problem(f"$.feedback[{index}].acceptedSuggestions[{number}].id", f"{one!r} is not a suggestion of card {item.card}")
            for number, one in enumerate(item.accepted)
            if one not in card.suggestions
        ]
    if problems:
        raise HookError(400, "invalid_request", f"the feedback to {service_id} does not match the cards it gave", problems)


class Tally:
    """Feedback items counted by service and outcome since the server started (in memory only:
    counts, never what a card said or whom it was about)."""

    def __init__(self) -> None:
        self._counts: Counter[tuple[str, str]] = Counter()
        self._lock = threading.Lock()

    def add(self, service_id: str, outcome: str) -> dict[str, int]:
        """Count one item; the service's counts by outcome so far."""
        with self._lock:
            self._counts[(service_id, outcome)] += 1
            return self.of(service_id)

    def of(self, service_id: str) -> dict[str, int]:
        return {outcome: self._counts[(service_id, outcome)] for outcome in OUTCOMES}
