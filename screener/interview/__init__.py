"""The guided questionnaire as a pure state machine: no terminal, no files, no clock.

- ``questionnaire``: the questions as data (``rules/questionnaire.json``), checked against the answers model;
- ``replies``: reading a reply (numbers, units, choices, names) or saying what is accepted;
- ``questions``: what the person is asked and told at each step;
- ``interview``: the state machine that walks it (``Interview``), used by ``mgk-screen ask``.
"""

from __future__ import annotations

from screener.interview.interview import Interview
from screener.interview.questionnaire import Questionnaire
from screener.interview.questions import Question, Reply, ReviewLine

__all__ = ["Interview", "Question", "Questionnaire", "Reply", "ReviewLine"]
