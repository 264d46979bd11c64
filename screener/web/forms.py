"""A question as an HTML form, and a submitted form as the reply the interview reads.

The interview core (``screener.interview``) decides everything: which question comes next,
what a reply means, whether it is acceptable, and what it is stored as. This module only turns
each kind of question into form controls (check boxes for "all that apply", radio buttons for
one choice, a text box for numbers and names, a unit list for a lab result) and the submitted
controls back into the words the core reads: the numbers of the chosen answers ("1, 3"), a
choice's label, or the text typed. Only the two problems a form has and a typed reply cannot
(nothing chosen; "none of these" ticked with something else) are caught here, so that the
person reads about boxes and buttons rather than about typing numbers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from screener.interview import Question

Widget = Literal["checkboxes", "radios", "text", "textarea", "quantity"]
ANSWER = "answer"
UNIT = "unit"
_BARE_NUMBER = re.compile(r"^\s*(?:\d+(?:[.,]\d+)?|\.\d+)\s*$")


@dataclass(frozen=True)
class Option:
    """One check box, radio button or unit: what the form sends, and what the person reads."""

    value: str
    label: str
    id: str
    checked: bool = False


@dataclass(frozen=True)
class QuestionForm:
    """How one question is shown as form controls."""

    widget: Widget
    options: tuple[Option, ...] = ()
    none_option: Option | None = None
    units: tuple[Option, ...] = ()
    text: str = ""
    """What is in the text box (what was typed, when the page comes back with an error)."""
    input_mode: str = "text"
    hint: str = ""
    """What a reply may be, shown under the question (empty where the controls say it)."""
    autocomplete: str = "off"

    @property
    def grouped(self) -> bool:
        """Check boxes and radio buttons sit in a fieldset whose legend is the question."""
        return self.widget in ("checkboxes", "radios")


def question_form(question: Question, submitted: Mapping[str, Sequence[str]] | None = None) -> QuestionForm:
    """The controls for ``question``; ``submitted`` fills them in again after an error."""
    given = submitted or {}
    chosen = set(given.get(ANSWER, ()))
    typed = next(iter(given.get(ANSWER, ())), "")
    if question.kind == "confirm":
        return QuestionForm("radios", _options(("yes", "Yes"), ("no", "No"), chosen=chosen))
    if question.kind == "retype":
        return QuestionForm("text", text=typed, hint="Leave it empty to keep the name as you wrote it.")
    if question.type == "multiple_choice":
        options = _options(*((str(n), c.label) for n, c in enumerate(question.choices, 1)), chosen=chosen)
        none = None
        if question.none_choice is not None:
            none = Option("0", question.none_choice.label, f"{ANSWER}-0", "0" in chosen)
        return QuestionForm("checkboxes", options, none, hint="Choose all that apply.")
    if question.type == "yes_no" or (question.type == "single_choice" and question.numbered):
        # The core reads a yes/no answer by its words, and other choices by their number.
        by_number = question.type == "single_choice"
        values = (str(n) if by_number else c.label for n, c in enumerate(question.choices, 1))
        return QuestionForm("radios", _options(*zip(values, (c.label for c in question.choices), strict=True), chosen=chosen))
    hint = _sentence(question.accepts)
    if question.type == "quantity":
        item = question.item
        unit = next(iter(given.get(UNIT, ())), item.default_unit or "")
        units = tuple(Option(u.value, u.label, f"{UNIT}-{n}", u.value == unit) for n, u in enumerate(item.units, 1))
        return QuestionForm("quantity", units=units, text=typed, input_mode="decimal", hint=hint)
    if question.type == "text_list":
        return QuestionForm("textarea", text=typed, hint=hint)
    mode = "numeric" if question.type == "integer" or not question.numbered else "decimal"
    return QuestionForm("text", text=typed, input_mode=mode, hint=hint)


def _options(*pairs: tuple[str, str], chosen: set[str]) -> tuple[Option, ...]:
    return tuple(Option(value, label, f"{ANSWER}-{n}", value in chosen) for n, (value, label) in enumerate(pairs, 1))


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


@dataclass(frozen=True)
class FormProblem:
    """A form that says nothing the interview could read (nothing chosen, say)."""

    message: str


def reply_text(question: Question, submitted: Mapping[str, Sequence[str]]) -> str | FormProblem:
    """The submitted controls as the reply the interview reads, or what is wrong with them."""
    values = [value for value in submitted.get(ANSWER, ()) if value != ""]
    form = question_form(question)
    if form.widget == "checkboxes":
        if not values:
            none = f", or '{form.none_option.label}'" if form.none_option else ""
            return FormProblem(f"Please choose at least one answer{none}.")
        if form.none_option is not None and form.none_option.value in values and len(values) > 1:
            return FormProblem(
                f"'{form.none_option.label}' cannot go with other answers: untick it, or untick the others."
            )
        return ", ".join(values)
    if form.widget == "radios":
        if not values:
            return FormProblem("Please choose an answer.")
        return values[0]
    typed = values[0] if values else ""
    if form.widget == "quantity":
        unit = next(iter(submitted.get(UNIT, ())), "")
        if unit and _BARE_NUMBER.match(typed):
            return f"{typed.strip()} {unit}"
    return typed
