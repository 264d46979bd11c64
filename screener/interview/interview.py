"""The guided questionnaire as a pure state machine: no terminal, no files, no clock.

The questionnaire itself is data (``rules/questionnaire.json``, checked against
``schemas/questionnaire.schema.json``): items in the order they are asked, the answers field each
fills, how a reply is read, why we ask, and skip logic in the spirit of FHIR's ``enableWhen``.
This module only walks it::

    interview = Interview(Questionnaire.load(), ruleset.vocabulary)
    while (question := interview.next_question()) is not None:
        reply = interview.answer(input(question.text))   # parsed, or a message saying what is accepted
    interview.answers                                     # valid against the Answers model, always

Given the answers so far it says which question comes next; given a raw reply it returns the
parsed value or a clear message. ``back`` undoes the last answer, ``skip`` leaves a field unknown
(never "no"), ``?`` gives the help text. A recognised medicine is confirmed with the person
("Lasix — that is furosemide, a loop diuretic. Right?"); a name we cannot read is kept as written,
for the screener to report. Answers of items that no longer apply are dropped, so the answers
object never holds details the contract forbids (days of diarrhea when there is none).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from pydantic import ValidationError

from screener.contract.answers import Answers
from screener.errors import RulesError, did_you_mean

if TYPE_CHECKING:

    from screener.screening.medications import MedicationMatch, Vocabulary
    from screener.screening.ruleset import Ruleset

from screener.interview.questionnaire import (
    MISSING,
    Condition,
    Item,
    Questionnaire,
    delete_path,
    get_path,
    groups,
    leaf_paths,
    same_value,
    set_path,
)
from screener.interview.questions import Question, Reply, ReviewLine, Step, describe_match, question_for
from screener.interview.replies import (
    BACK_WORDS,
    HELP_WORDS,
    KEEP_WORDS,
    MAX_MEDICATION_LENGTH,
    SKIP_WORDS,
    SKIPPED,
    Quantity,
    ReplyError,
    accepts_text,
    chosen,
    normalise_reply,
    parse_reply,
)

# -- the interview ------------------------------------------------------------------------------


class Interview:
    """One person's way through the questionnaire. Pure: replies in, questions and answers out."""

    def __init__(
        self,
        questionnaire: Questionnaire,
        vocabulary: Vocabulary,
        answers: Mapping[str, Any] | None = None,
        *,
        lab_units: Mapping[str, Any] | None = None,
    ) -> None:
        self.questionnaire = questionnaire
        self.vocabulary = vocabulary
        self.lab_units = lab_units
        self._values: dict[str, Any] = {}
        self._history: list[str] = []
        self._extra: dict[str, Any] = {}
        self.not_kept: list[str] = []
        """Fields of a resumed answers file that no question here could keep (shown to the person)."""
        self._check_classes()
        if answers:
            self._resume(answers)

    @classmethod
    def for_ruleset(
        cls, questionnaire: Questionnaire, ruleset: Ruleset, answers: Mapping[str, Any] | None = None
    ) -> Interview:
        """An interview that checks lab values against the ruleset's plausible ranges."""
        return cls(questionnaire, ruleset.vocabulary, answers, lab_units=ruleset.lab_units)

    def _check_classes(self) -> None:
        known = self.vocabulary.class_names
        problems = []
        for item in self.questionnaire.items:
            for condition in item.enable_when:
                if condition.operator == "has_medicine_class" and condition.value not in known:
                    problems.append(
                        f"{self.questionnaire.source}: item '{item.id}', enable_when: unknown medicine class "
                        f"'{condition.value}'{did_you_mean(condition.value, known)}"
                    )
        for name in self.questionnaire.medicine_classes:
            if name not in known:
                problems.append(
                    f"{self.questionnaire.source}: medicine_classes: unknown class '{name}'{did_you_mean(name, known)}"
                )
        if problems:
            raise RulesError("\n".join(problems), hint="class names are those of the medication vocabulary")

    # -- where we are -----------------------------------------------------------------------
    def _steps(self, *, expected: bool = False) -> Iterator[Step]:
        """Every step that applies given the answers so far, in order. Item steps come whether
        answered or not; medicine checks only once the list they check is known. With
        ``expected``, a condition on a question not answered yet counts as met when it is a
        'not_equals' (AUDIT-C questions 2 and 3 apply to most people), for the progress total."""
        enabled: dict[str, bool] = {}
        for item in self.questionnaire.items:
            on = self._enabled(item, enabled, expected)
            enabled[item.id] = on
            if not on:
                continue
            yield Step(item.id, item, "item")
            if item.confirm_medicines:
                yield from self._medicine_steps(item)

    def applicable_items(self) -> list[str]:
        """The ids of the questions that apply given the answers so far (the skip logic's view;
        a FHIR form renderer must show the same ones)."""
        return [step.item.id for step in self._steps() if step.kind == "item"]

    def _medicine_steps(self, item: Item) -> Iterator[Step]:
        entries = self._values.get(item.id)
        if not isinstance(entries, list):
            return
        for entry in dict.fromkeys(entries):
            current, seen = entry, {entry}
            while True:
                match = self.vocabulary.match(current)
                if not match.drugs:
                    break
                confirm = f"{item.id}:confirm:{current}"
                yield Step(confirm, item, "confirm", current, match)
                if self._values.get(confirm) is not False:
                    break
                retype = f"{item.id}:retype:{current}"
                yield Step(retype, item, "retype", current, match)
                new = self._values.get(retype)
                if new is None or new in seen:
                    break
                seen.add(new)
                current = new

    def _enabled(self, item: Item, enabled: Mapping[str, bool], expected: bool = False) -> bool:
        if not item.enable_when:
            return True
        results = [self._holds(condition, enabled, expected) for condition in item.enable_when]
        return any(results) if item.enable_behavior == "any" else all(results)

    def _holds(self, condition: Condition, enabled: Mapping[str, bool], expected: bool = False) -> bool:
        if not enabled.get(condition.item):
            return False
        if expected and condition.item not in self._values:
            return condition.operator == "not_equals"
        value = self._values.get(condition.item)
        if value is None or value is SKIPPED:
            return False
        operator = condition.operator
        if operator == "answered":
            return True
        if operator == "equals":
            return same_value(value, condition.value)
        if operator == "not_equals":
            return not same_value(value, condition.value)
        if operator == "in":
            return any(same_value(value, option) for option in condition.value)
        if operator == "contains":
            return any(same_value(element, condition.value) for element in value)
        if operator == "has_medicine_class":
            item = self.questionnaire.item(condition.item)
            return any(condition.value in match.classes for match in self._matches(item))
        raise ValueError(f"unknown operator {operator!r}")  # the schema allows no other

    def _current(self) -> tuple[Step | None, list[Step]]:
        steps = list(self._steps())
        for step in steps:
            if step.key not in self._values:
                return step, steps
        return None, steps

    def next_question(self) -> Question | None:
        """The next question to ask, or None when every question that applies is answered."""
        step, _ = self._current()
        return None if step is None else self._question(step)

    def progress(self) -> tuple[int, int]:
        """(number of the current question, questions that apply so far): "7 of 18". Medicine
        checks count as part of the medicines question. The total grows when an answer opens
        follow-up questions."""
        step, _ = self._current()
        items = [s.item.id for s in self._steps(expected=True) if s.kind == "item"]
        if step is None:
            return len(items), len(items)
        return items.index(step.item.id) + 1, len(items)

    @property
    def finished(self) -> bool:
        return self.next_question() is None

    @property
    def started(self) -> bool:
        return bool(self._values) or bool(self._extra)

    @property
    def red_flags(self) -> list[str]:
        """The red flags answered "happening now", if any."""
        flags: list[str] = []
        for step in self._steps():
            if step.kind == "item" and step.item.red_flag and isinstance(self._values.get(step.key), list):
                flags += self._values[step.key]
        return flags

    # -- questions --------------------------------------------------------------------------
    def _question(self, step: Step) -> Question:
        return question_for(step, self.questionnaire.medicine_classes)

    def describe_match(self, match: MedicationMatch) -> str:
        """What a medicine entry was read as: "Lasix — that is furosemide, a loop diuretic." """
        return describe_match(match, self.questionnaire.medicine_classes)

    # -- replies ----------------------------------------------------------------------------
    def answer(self, raw: str) -> Reply:
        """Take one reply to the current question: parsed and stored, or a message saying what
        is accepted. Also "?" (why we ask), "back" (undo the last answer) and "skip"."""
        step, _ = self._current()
        if step is None:
            return Reply("invalid", "Every question is answered.")
        question = self._question(step)
        text = raw.strip()
        word = normalise_reply(text)
        if word in HELP_WORDS:
            return Reply("help", question.help)
        if word in BACK_WORDS:
            if self.back():
                return Reply("back")
            return Reply("invalid", "This is the first question, so there is nothing to go back to.")
        if step.kind == "retype":
            if not text or word in KEEP_WORDS or word in SKIP_WORDS:
                return self._store(step, step.entry)
            if len(text) > MAX_MEDICATION_LENGTH:
                return Reply(
                    "invalid", f"That name is too long: please keep it under {MAX_MEDICATION_LENGTH} characters."
                )
            return self._store(step, text, notes=self._unrecognised_notes([text]))
        if not text:
            if question.blank_skips and question.can_skip:
                return self._store(step, SKIPPED, status="skipped")
            return Reply("invalid", f"Please type an answer: {question.accepts}.")
        try:
            value = parse_reply(step.kind, step.item, text, word, self.lab_units)
        except ReplyError as invalid:
            if word in SKIP_WORDS:
                return self._skip(step, question)
            return Reply("invalid", str(invalid))
        if value is SKIPPED:
            return self._skip(step, question)
        notes: tuple[str, ...] = ()
        if step.kind == "item" and step.item.confirm_medicines:
            notes = self._unrecognised_notes(value)
        problem = self._check_whole(step, value)
        if problem:
            return Reply("invalid", problem)
        emergency = step.kind == "item" and step.item.red_flag and bool(value)
        return self._store(step, value, notes=notes, emergency=emergency)

    def _skip(self, step: Step, question: Question) -> Reply:
        if not question.can_skip:
            return Reply("invalid", f"This question cannot be skipped. Please type {question.accepts}.")
        return self._store(step, SKIPPED, status="skipped")

    def _store(
        self,
        step: Step,
        value: Any,
        *,
        status: Literal["answered", "skipped"] = "answered",
        notes: tuple[str, ...] = (),
        emergency: bool = False,
    ) -> Reply:
        self._values[step.key] = value
        self._history.append(step.key)
        self._tidy()
        shown = None if value is SKIPPED else value
        return Reply(status, value=shown, notes=notes, emergency=emergency)

    def back(self) -> bool:
        """Undo the last answer, so that its question is asked again. False at the start."""
        while self._history:
            key = self._history.pop()
            if key in self._values:
                del self._values[key]
                self._tidy()
                return True
        return False

    def change(self, item_id: str) -> None:
        """Clear one answered question (from the review) so that it is asked again next."""
        item = self.questionnaire.item(item_id)
        if not any(step.key == item.id for step in self._steps()):
            raise KeyError(f"question '{item_id}' does not apply to these answers")
        self._values.pop(item.id, None)
        self._history = [key for key in self._history if key != item.id]
        self._tidy()

    def _tidy(self) -> None:
        """Drop the answers of steps that no longer apply (and their history), until stable."""
        while True:
            live = {step.key for step in self._steps()}
            stale = [key for key in self._values if key not in live]
            if not stale:
                break
            for key in stale:
                del self._values[key]
        self._history = [key for key in self._history if key in self._values]

    def _check_whole(self, step: Step, value: Any) -> str | None:
        """The answers with this value must still be valid (a backstop: parsing checks first)."""
        saved = self._values.get(step.key, MISSING)
        self._values[step.key] = value
        try:
            Answers.model_validate(self.answers)
        except ValidationError as error:
            first = error.errors()[0]
            return f"That answer cannot be used ({first['msg'].removeprefix('Value error, ')}). Please type {accepts_text(step.item)}."
        finally:
            if saved is MISSING:
                del self._values[step.key]
            else:
                self._values[step.key] = saved
        return None

    # -- medicines --------------------------------------------------------------------------
    def _matches(self, item: Item) -> list[MedicationMatch]:
        return [self.vocabulary.match(entry) for entry in self.medicines(item)]

    def medicines(self, item: Item | None = None) -> list[str]:
        """The medicine list as it will be saved: each entry as written, or as retyped after a
        "no, that is not right"."""
        item = item or next((i for i in self.questionnaire.items if i.confirm_medicines), None)
        if item is None:
            return []
        entries = self._values.get(item.id)
        if not isinstance(entries, list):
            return []
        out = []
        for entry in dict.fromkeys(entries):
            current, seen = entry, {entry}
            while self._values.get(f"{item.id}:confirm:{current}") is False:
                new = self._values.get(f"{item.id}:retype:{current}")
                if new is None or new in seen:
                    break
                seen.add(new)
                current = new
            out.append(current)
        return out

    def _unrecognised_notes(self, entries: Sequence[str]) -> tuple[str, ...]:
        notes = []
        for entry in entries:
            match = self.vocabulary.match(entry)
            if match.unrecognised:
                parts = " and ".join(f"'{part}'" for part in match.unrecognised)
                notes.append(
                    f"We did not recognise {parts}. It stays on your list as you wrote it, "
                    "and the result will suggest asking a pharmacist about it."
                )
            elif not match.counted and match.note and not match.drugs:
                notes.append(f"'{entry}': {match.note}.")
        return tuple(notes)

    # -- the answers ------------------------------------------------------------------------
    @property
    def answers(self) -> dict[str, Any]:
        """The answers so far as a contract answers object: only fields with an answer, nested
        sections built properly; valid against the Answers model at every point."""
        out: dict[str, Any] = json.loads(json.dumps(self._extra))
        settled: dict[str, Any] = {}
        for step in self._steps():
            if step.kind != "item":
                continue
            item, value = step.item, self._values.get(step.key)
            if value is None or value is SKIPPED:
                continue
            if item.confirm_medicines:
                set_path(out, item.field, self.medicines(item))
            elif isinstance(value, Quantity):
                set_path(out, item.field, value.stored())
                if item.unit_field:
                    set_path(out, item.unit_field, value.unit.value)
            else:
                set_path(out, item.field, value)
            for choice in chosen(item, value):
                for name, implied in choice.also_set.items():
                    settled.setdefault(name, implied)
        for name, implied in settled.items():
            if get_path(out, name) is MISSING and not self._asked(name):
                set_path(out, name, implied)
        for group, required in groups().items():
            section = get_path(out, group)
            if isinstance(section, dict) and not all(name in section for name in required):
                delete_path(out, group)
        return out

    def _asked(self, path: str) -> bool:
        """Whether an item that applies fills ``path`` (answered or not)."""
        return any(step.kind == "item" and step.item.field == path for step in self._steps())

    def _resume(self, answers: Mapping[str, Any]) -> None:
        Answers.model_validate(answers)  # raises ValidationError: the caller checks first
        data = json.loads(json.dumps(dict(answers)))
        claimed = {name for item in self.questionnaire.items for name in item.fields}
        for item in self.questionnaire.items:
            value = get_path(data, item.field)
            if value is MISSING or value is None:
                continue
            if item.type == "quantity":
                written = get_path(data, item.unit_field) if item.unit_field else None
                given = next((u for u in item.units if (u.value == written if written else not u.converts)), None)
                if given is not None:
                    self._values[item.id] = Quantity(value, given)
            elif item.type in ("yes_no", "single_choice"):
                if any(same_value(value, c.value) for c in item.choices):
                    self._values[item.id] = value
            elif item.type == "multiple_choice":
                self._values[item.id] = list(value)
            else:
                self._values[item.id] = list(value) if isinstance(value, list) else value
            if item.confirm_medicines:
                for entry in value:  # names from a saved file were confirmed when they were saved
                    if self.vocabulary.match(entry).drugs:
                        self._values[f"{item.id}:confirm:{entry}"] = True
        for path in leaf_paths(data):
            if not any(path == name or path.startswith(name + ".") for name in claimed):
                set_path(self._extra, path, get_path(data, path))
        self._tidy()
        self._history = list(self._values)
        kept = set(leaf_paths(self.answers))
        self.not_kept = [
            path for path in leaf_paths(data) if path not in kept or get_path(self.answers, path) != get_path(data, path)
        ]

    # -- review -----------------------------------------------------------------------------
    def review(self) -> list[ReviewLine]:
        """Every question that applies, with the answer as the person would say it."""
        lines = []
        for step in self._steps():
            if step.kind != "item" or step.key not in self._values:
                continue
            lines.append(ReviewLine(step.item.id, step.item.label, self.show(step.item)))
        return lines

    def show(self, item: Item) -> str:
        value = self._values.get(item.id)
        if value is SKIPPED:
            return "don't know (skipped)"
        if value is None:
            return "not answered"
        if item.confirm_medicines:
            names = []
            for entry in self.medicines(item):
                generics = [drug.generic for drug in self.vocabulary.match(entry).drugs]
                new = [g for g in generics if g.casefold() not in entry.casefold()]
                names.append(f"{entry} ({', '.join(new)})" if new else entry)
            return ", ".join(names) if names else (item.none_choice.label if item.none_choice else "none")
        if isinstance(value, Quantity):
            shown = f"{value.number:g} {value.unit.label}"
            if value.unit.converts:
                base = next((u for u in item.units if not u.converts), None)
                shown += f" (= {value.stored():g} {base.label if base else ''})".replace(" )", ")")
            return shown
        if item.type == "multiple_choice":
            if not value:
                return item.none_choice.label if item.none_choice else "none"
            return "; ".join(c.label for v in value for c in item.choices if same_value(c.value, v))
        if item.choices:
            return next((c.label for c in item.choices if same_value(c.value, value)), str(value))
        return f"{value:g}" if isinstance(value, float) else str(value)
