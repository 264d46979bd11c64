"""CDS Hooks feedback in `mgk-screen serve`: what the EHR says was done with our cards, kept where
the person running the server reads it, the server's log.

One line per feedback item, on the ``screener.web.cds`` logger (stderr under `mgk-screen serve`):
the service, the card's uuid (and whether this server gave it lately), the outcome and when, the
suggestions accepted or the override reason, and the service's counts by outcome since the server
started:

    CDS feedback: patient-view card 9368d37b-... overridden at 2020-12-11T00:00:00Z, reason: Not
    relevant for this patient now (not-relevant-now), with a comment (not logged); patient-view
    since start: 3 accepted, 2 overridden

The counts live in the log rather than behind another endpoint: nothing new to secure (a GET
would need the EHR's JWT, which the person reading the log does not have), and they are in
memory only. The user's comment is never logged (free text may name the patient), and text from
the request is escaped and clipped, so that a request cannot write lines of its own into the log.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence

from screener.cds.feedback import Feedback, GivenCards, Tally, override_system, reason_display
from screener.fhir.mapping import FhirContext

log = logging.getLogger("screener.web.cds")


def record_feedback(service_id: str, items: Sequence[Feedback], tally: Tally, given: GivenCards, context: FhirContext) -> None:
    """Count each item and log its line (saying so when the card is not one this server gave
    lately: given before a restart, or by another server)."""
    for item in items:
        counts = tally.add(service_id, item.outcome)
        so_far = ", ".join(f"{count} {outcome}" for outcome, count in counts.items())
        unknown = "" if given.get(item.card) is not None else " (not a card this server gave since it started)"
        log.info("CDS feedback: %s card %s%s %s; %s since start: %s", service_id, item.card, unknown, _what(item, context), service_id, so_far)


def _what(item: Feedback, context: FhirContext) -> str:
    when = item.at.strftime("%Y-%m-%dT%H:%M:%SZ")
    if item.outcome == "accepted":
        return f"accepted at {when}, suggestion{'s' if len(item.accepted) != 1 else ''} {', '.join(item.accepted)}"
    said = f"overridden at {when}"
    if item.reason is not None:
        said += f", reason: {_reason(item.reason, context)}"
    elif not item.commented:
        said += ", no reason given"
    if item.commented:
        said += ", with a comment (not logged)"
    return said


def _reason(coding: Mapping[str, str], context: FhirContext) -> str:
    """One of our reasons by its display and code; another (the EHR may add its own) as
    system|code and the display it gives."""
    ours = reason_display(context, coding["code"]) if coding["system"] == override_system(context) else None
    if ours is not None:
        return f"{ours} ({coding['code']})"
    shown = f"{_safe(coding['system'])}|{_safe(coding['code'])}"
    return f'{shown} "{_safe(coding["display"])}"' if "display" in coding else shown


def _safe(text: str, limit: int = 100) -> str:
    """Text from the request, on one line: control characters and quotes escaped, clipped."""
    escaped = json.dumps(text)[1:-1]
    return escaped if len(escaped) <= limit else escaped[: limit - 3] + "..."
