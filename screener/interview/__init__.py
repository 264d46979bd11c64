"""The guided questionnaire as a pure state machine: no terminal, no files, no clock.

- ``answer_paths``: the answers object as dotted paths (``labs.potassium.value``);
- ``questionnaire``: the questions as data (``rules/questionnaire.json``); one question is
  ``questionnaire_items``, the checks against the answers model ``questionnaire_checks``;
- ``replies``: reading a reply (choices, names) or saying what is accepted, over ``reply_words``
  (help, skip, numbers), ``lab_replies`` (a result and its unit) and ``day_replies`` ("a week");
- ``questions``: what the person is asked and told at each step; ``medicine_checks``: the
  confirmations of a medicine list;
- ``interview``: the state machine that walks it (``Interview``), used by ``mgk-screen ask``, with
  ``skip_logic`` (what applies) and ``saved_answers`` (replies to answers and back).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from screener.interview.interview import Interview
    from screener.interview.questionnaire import Questionnaire
    from screener.interview.questions import Question, Reply, ReviewLine

__all__ = ["Interview", "Question", "Questionnaire", "Reply", "ReviewLine"]

# Imported on first use: a module of this package used alone (``answer_paths``, which FHIR reading
# needs to screen one record) does not load the whole questionnaire.
_LAZY = {
    "Interview": "screener.interview.interview",
    "Question": "screener.interview.questions",
    "Questionnaire": "screener.interview.questionnaire",
    "Reply": "screener.interview.questions",
    "ReviewLine": "screener.interview.questions",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'screener.interview' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
