"""The guided questionnaire as a pure state machine: no terminal, no files, no clock.

- ``answer_paths``: the answers object as dotted paths (``labs.potassium.value``);
- ``questionnaire``: the questions as data (``rules/questionnaire.json``); one question is
  ``questionnaire_items``, the checks against the answers model ``questionnaire_checks``;
- ``replies``: reading a reply (choices, names) or saying what is accepted, over ``reply_words``
  (help, skip, numbers), ``lab_replies`` (a result and its unit) and ``day_replies`` ("a week");
- ``questions``: what the person is asked and told at each step; ``medicine_checks``: the
  confirmations of a medicine list;
- ``interview``: the state machine that walks it (``Interview``), used by ``mgk-screen ask``, with
  ``skip_logic`` (what applies), ``said_back`` (what a reply was read as, said back right after it)
  and ``saved_answers`` (replies to answers and back).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from screener.lazy import lazy_exports

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


# Imported on first use (PEP 562): `mgk-screen --help` and a module of the package used alone do not
# load what these names need.
__getattr__, __dir__ = lazy_exports(__name__, _LAZY, __all__)
