"""A question as an HTML form, and a submitted form as the reply the interview reads.

The interview core (``screener.interview``) decides everything: which question comes next,
what a reply means, whether it is acceptable, and what it is stored as. This module only turns
each kind of question into form controls (check boxes for "all that apply", radio buttons for
one choice, a text box for numbers and names, a unit list for a lab result) and the submitted
controls back into the words the core reads: the numbers of the chosen answers ("1, 3"), a
choice's label, or the text typed. Only the problems a form has and a typed reply cannot
(nothing chosen; "none of these" ticked with something else; a filled-in box emptied) are
caught here, so that the person reads about boxes and buttons rather than about typing numbers.

A question asked again (Back, or "Change" at the review) comes with its earlier answer filled
in, as the terminal offers it with Enter: the same boxes ticked, the same number and unit, the
same list of medicines. Continuing without touching it gives the same answer again.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

from screener.interview.answer_paths import MISSING, same_value
from screener.interview.lab_replies import Quantity
from screener.interview.reply_words import SKIPPED, normalise_reply, number_said

if TYPE_CHECKING:
    from screener.interview import Question

Widget = Literal["checkboxes", "radios", "text", "textarea", "quantity"]
ANSWER = "answer"
UNIT = "unit"
KEEP = "keep"
"""The reply that keeps a medicine name as written (the interview's word for it)."""
_BARE_NUMBER = re.compile(r"^\s*(?:(?:below|under|less than|above|over|more than|[<>])\s*)?(?:\d+(?:[.,]\d+)?|\.\d+)\s*$", re.IGNORECASE)
"""A number typed in a lab result's box, alone or as beyond it ("below 3.5", "<3.5"): the unit
list gives its unit."""


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
    earlier: str = ""
    """What the question's earlier answer was, said once above the controls that show it."""
    heading: str = ""
    """The question as the page asks it (see ``web_words``)."""

    @property
    def grouped(self) -> bool:
        """Check boxes and radio buttons sit in a fieldset whose legend is the question."""
        return self.widget in ("checkboxes", "radios")


def question_form(
    question: Question, submitted: Mapping[str, Sequence[str]] | None = None, earlier: Any = MISSING
) -> QuestionForm:
    """The controls for ``question``; ``submitted`` fills them in again after an error, and
    otherwise ``earlier`` (the question's earlier answer, ``Interview.earlier_answer``) does."""
    given = submitted if submitted is not None else earlier_fields(question, earlier)
    form = _controls(question, given)
    heading, hint = web_words(question)
    form = replace(form, heading=heading, hint=hint or form.hint)
    if question.default is None:
        return form
    said = f"Your earlier answer: {question.default}."
    if earlier is SKIPPED:
        said += " Continue without an answer to leave it unknown."
    return replace(form, earlier=said)


def web_words(question: Question) -> tuple[str, str | None]:
    """The question and its hint as the page words them. The questionnaire's ``text`` is the
    terminal's ("press Enter if you do not know it"); an item whose text speaks of the keyboard
    has a ``form_text``, the words of any form (the exported FHIR Questionnaire asks them too),
    or a ``web_text`` where the page names its own skip button, and a ``web_hint``. A name
    typed again is kept as written with a button, not with Enter."""
    if question.kind == "retype":
        entry = question.key.partition(":retype:")[2]
        return f"Please type the name again as it is written on the box, or keep '{entry}' as you wrote it.", None
    if question.kind == "item":
        return question.item.web_text or question.item.form_text or question.text, question.item.web_hint
    return question.text, None


def _controls(question: Question, given: Mapping[str, Sequence[str]]) -> QuestionForm:
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


def earlier_fields(question: Question, value: Any) -> dict[str, list[str]]:
    """An earlier answer as the form fields that give it again: the boxes ticked, the text typed,
    the unit chosen. Nothing for a question with no earlier answer, or one skipped."""
    if value is MISSING or value is SKIPPED:
        return {}
    if question.kind == "confirm":
        return {ANSWER: ["yes" if value else "no"]}
    if question.kind == "retype":
        return {ANSWER: [str(value)]}
    numbers = [str(n) for n, choice in enumerate(question.choices, 1) if any(same_value(choice.value, v) for v in _listed(value))]
    if question.type == "multiple_choice":
        return {ANSWER: numbers or (["0"] if question.none_choice is not None else [])}
    if question.type == "yes_no" or (question.type == "single_choice" and question.numbered):
        by_number = question.type == "single_choice"  # as question_form sends them
        return {ANSWER: numbers if by_number else [question.choices[int(n) - 1].label for n in numbers]}
    if isinstance(value, Quantity):
        return {ANSWER: [value.words()], UNIT: [value.unit.value]}
    if question.type == "text_list":
        none = question.none_choice.label if question.none_choice is not None else ""
        return {ANSWER: ["\n".join(value) if value else none]}
    if question.choices:  # a count answered by its band (drinks on a typical day): the band's words
        return {ANSWER: [question.choices[int(n) - 1].label for n in numbers]}
    return {ANSWER: [f"{value:g}" if isinstance(value, float) else str(value)]}


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _options(*pairs: tuple[str, str], chosen: set[str]) -> tuple[Option, ...]:
    return tuple(Option(value, label, f"{ANSWER}-{n}", value in chosen) for n, (value, label) in enumerate(pairs, 1))


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _nothing_typed(question: Question, earlier: Any) -> str | FormProblem:
    """An empty box. Without an earlier answer the interview says what that means (skipped, for
    a blood result). Where the earlier answer was filled in, emptying the box is not keeping it:
    the person is asked for an answer or the skip button, rather than the old answer being
    kept behind their back (the terminal's Enter keeps it, but there the box was never filled)."""
    if question.kind == "retype":
        return KEEP  # the box's hint: "leave it empty to keep the name as you wrote it"
    if earlier is MISSING:
        return ""
    if question.blank_skips and question.can_skip:
        return "skip"
    skip = ", or choose \u201cI don't know: skip this question\u201d" if question.can_skip else ""
    return FormProblem(f"The box is empty: please type an answer{skip}.")


# The interview's words for a list of names typed on one line, and the page's (one per line).
_ONE_PER_LINE = (
    ("please separate names with commas", "please write each name on its own line"),
    ("the names separated by commas", "each name on its own line"),
)


def page_words(question: Question, message: str) -> str:
    """A message of the interview in the page's words: a terminal asks for names separated by
    commas, the page's box takes one name on each line."""
    if question.type == "text_list":
        for terminal, page in _ONE_PER_LINE:
            message = message.replace(terminal, page)
    return message


@dataclass(frozen=True)
class FormProblem:
    """A form that says nothing the interview could read (nothing chosen, say), and the control
    it is about: the answer (its box, or its first choice), or the unit list of a lab result."""

    message: str
    field: str = ANSWER


def reply_text(question: Question, submitted: Mapping[str, Sequence[str]], earlier: Any = MISSING) -> str | FormProblem:
    """The submitted controls as the reply the interview reads, or what is wrong with them.
    ``earlier`` is the question's earlier answer (it was filled in)."""
    values = [value for value in submitted.get(ANSWER, ()) if value.strip() != ""]
    if not values and earlier is SKIPPED:
        return ""  # "don't know" before, nothing given now: the interview keeps it unknown
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
    if not values:
        return _nothing_typed(question, earlier)
    typed = values[0]
    if form.widget == "quantity":
        unit = next(iter(submitted.get(UNIT, ())), "")
        if not _BARE_NUMBER.match(typed):  # "three", "none": the number the interview reads, for the unit chosen
            said = number_said(question.item, normalise_reply(typed))
            typed = said if _BARE_NUMBER.match(said) else typed
        if unit and _BARE_NUMBER.match(typed):
            return f"{typed.strip()} {unit}"
        if not unit and _BARE_NUMBER.match(typed) and question.item.default_unit is None:
            # No unit is chosen in advance where guessing one is unsafe (magnesium: 1.5 mg/dL is
            # low, 1.5 mmol/L high), so the person picks the one printed on the report.
            units = ", ".join(option.label for option in form.units)
            return FormProblem(f"Please choose the unit printed on the report ({units}).", field=UNIT)
    return typed
