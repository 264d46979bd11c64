"""Words that only make sense at a terminal prompt (`mgk-screen ask`): a form (the web page, the
exported FHIR Questionnaire in any renderer) has boxes, lists and buttons instead."""

from __future__ import annotations

TERMINAL_ONLY = (
    "press enter",
    "type the number",
    "separated by commas",
    "type ?",
    "ctrl-c",
    "or enter to keep",
    "type 'none'",
    "type their names",
)


def terminal_words_in(text: str) -> list[str]:
    return [phrase for phrase in TERMINAL_ONLY if phrase in text.lower()]
