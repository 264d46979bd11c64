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
for the screener to report, unless the person says yes to the nearest vocabulary name ("Did you
mean omeprazole?"): names are never guessed. Answers of items that no longer apply are dropped, so the answers
object never holds details the contract forbids (days of diarrhea when there is none).
Whether a question applies is ``skip_logic``; what a reply was read as, said back, ``said_back``; turning the stored replies into the answers object,
and an answers file back into replies, is ``saved_answers``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Literal

from pydantic import ValidationError

from screener.contract.answers import Answers
from screener.contract.coverage import is_answered

if TYPE_CHECKING:

    from screener.screening.medications import MedicationMatch, Vocabulary
    from screener.screening.ruleset import Ruleset

from screener.interview.answer_paths import MISSING, get_path, groups, leaf_paths, set_path
from screener.interview.medicine_checks import entry_checks, kept_as_written
from screener.interview.questionnaire import Questionnaire, check_medicine_classes
from screener.interview.questionnaire_items import Item
from screener.interview.questions import (
    Question,
    Reply,
    ReviewLine,
    Step,
    answer_words,
    default_words,
    describe_match,
    empty_section_note,
    question_for,
    unrecognised_notes,
)
from screener.interview.replies import parse_reply
from screener.interview.reply_words import (
    BACK_WORDS,
    HELP_WORDS,
    KEEP_WORDS,
    MAX_MEDICATION_LENGTH,
    SKIP_WORDS,
    SKIPPED,
    ReplyError,
    accepts_text,
    normalise_reply,
)
from screener.interview.said_back import medicines_named_earlier, read_as, said_in_more_words
from screener.interview.saved_answers import answers_object, replies_from_answers
from screener.interview.skip_logic import item_enabled

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
        self._defaults: dict[str, Any] = {}  # earlier answers of a question asked again (back, change)
        self._empty_sections: list[str] = []
        self._named_medicines: dict[str, list[str]] = {}  # medicines named in a yes ("yes, bendroflumethiazide"), by question
        self.not_kept: list[str] = []
        """Fields of a resumed answers file that no question here could keep (shown to the person)."""
        self.kept_as_given: list[str] = []
        """Fields of a resumed answers file kept as given although their question does not apply
        to the other answers (so it is not asked): the file said so, and nothing is thrown away."""
        check_medicine_classes(questionnaire, vocabulary.class_names)
        if answers:
            self._resume(answers)

    @classmethod
    def for_ruleset(
        cls, questionnaire: Questionnaire, ruleset: Ruleset, answers: Mapping[str, Any] | None = None
    ) -> Interview:
        """An interview that checks lab values against the ruleset's plausible ranges."""
        return cls(questionnaire, ruleset.vocabulary, answers, lab_units=ruleset.lab_units)

    # -- where we are -----------------------------------------------------------------------
    def _steps(self, *, expected: bool = False) -> Iterator[Step]:
        """Every step that applies given the answers so far, in order. Item steps come whether
        answered or not; medicine checks only once the list they check is known.

        Skip logic decides what to ask, never what to throw away: an item whose condition cannot
        be decided yet (the question it depends on is unanswered or skipped) is not asked, but
        an answer it already has (from a resumed file, or kept while an earlier answer is being
        changed) stays. Only an answer that a later reply contradicts is dropped.

        With ``expected``, a condition on a question not answered yet counts as met when it is a
        'not_equals' (AUDIT-C questions 2 and 3 apply to most people), for the progress count."""
        enabled: dict[str, bool | None] = {}
        for item in self.questionnaire.items:
            on = self._enabled(item, enabled, expected)
            enabled[item.id] = on
            if on is False or (on is None and item.id not in self._values):
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
            yield from entry_checks(self.vocabulary, self._values, item, entry)[0]

    def _enabled(self, item: Item, enabled: Mapping[str, bool | None], expected: bool = False) -> bool | None:
        """True (applies), False (a reply rules it out) or None (cannot be decided yet)."""
        return item_enabled(item, enabled, self._values, self._medicines_named, expected)

    def _medicines_named(self, item_id: str) -> list[MedicationMatch]:
        """The medicines the answer to question ``item_id`` names, matched (skip logic's
        'has_medicine_class')."""
        return self._matches(self.questionnaire.item(item_id))

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
        """(number of the current question, about how many are left after it): "7, about 12 to
        go". The number counts the questions that apply, so it goes up by one at a time (medicine
        checks are part of the medicines question); what is left is an estimate, counting the
        usual follow-ups (AUDIT-C questions 2 and 3) until an answer decides them."""
        step, steps = self._current()
        items = [s.item.id for s in steps if s.kind == "item"]
        if step is None:
            return len(items), 0
        number = items.index(step.item.id) + 1
        expected = [s.key for s in self._steps(expected=True) if s.kind == "item"]
        left = [key for key in expected if key not in self._values and key != step.item.id]
        return number, len(left)

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
    def _worded(self, step: Step) -> Question:
        """The question of a step, in words for a child's age where the item has them."""
        question = question_for(step, self.questionnaire.medicine_classes)
        below = step.item.text_below_age if step.kind == "item" else None
        age = self._values.get("age")
        if below is not None and isinstance(age, (int, float)) and not isinstance(age, bool) and age < below[0]:
            question = replace(question, text=below[1])
        return question

    def _question(self, step: Step) -> Question:
        question = self._worded(step)
        default = self._defaults.get(step.key, MISSING)
        note = empty_section_note(step, self._empty_sections, self.questionnaire) if step.key not in self._values else None
        if note is None and step.kind == "item" and step.item.confirm_medicines and step.key not in self._values:
            note = medicines_named_earlier(self.questionnaire, self._named_medicines, self._values)
        if default is MISSING and note is None:
            return question
        shown = None if default is MISSING else default_words(step, default, self.medicines(step.item), self.vocabulary)
        return replace(question, default=shown, note=note)

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
        moved = self._help_back_or_default(step, question, text, word)
        if moved is not None:
            return moved
        if step.kind == "retype":
            if not text or word in KEEP_WORDS or word in SKIP_WORDS:
                return self._store(step, step.entry)
            if len(text) > MAX_MEDICATION_LENGTH:
                return Reply(
                    "invalid", f"That name is too long: please keep it under {MAX_MEDICATION_LENGTH} characters."
                )
            return self._store(step, text, notes=unrecognised_notes(self.vocabulary, [text]))
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
        notes = self._notes(step, text, word, value)
        if isinstance(notes, Reply):
            return notes
        problem = self._check_whole(step, value)
        if problem:
            return Reply("invalid", problem)
        emergency = step.kind == "item" and step.item.red_flag and bool(value)
        return self._store(step, value, notes=notes, emergency=emergency)

    def _notes(self, step: Step, text: str, word: str, value: Any) -> tuple[str, ...] | Reply:
        """What to tell the person about a reply read (a name not recognised, what a time or plain
        words were read as), or a Reply asking again when the words are not clear."""
        notes: tuple[str, ...] = ()
        if step.kind == "item" and step.item.confirm_medicines:
            notes = unrecognised_notes(self.vocabulary, value, self.questionnaire.items, self._values)
        if step.kind == "suggest" and value is False and step.correction is not None:
            notes = (kept_as_written(step.entry, step.correction.written),)
        if step.kind == "item":
            notes = (*notes, *read_as(step.item, word, value))
            said = self._said_in_more_words(step.item, text, word, value)
            if isinstance(said, Reply):
                return said
            notes = (*notes, *said)
        return notes

    def _said_in_more_words(self, item: Item, text: str, word: str, value: Any) -> tuple[str, ...] | Reply:
        """What a reply in plain speech was read as (``said_back``); a medicine named in a yes
        before the medicines question is remembered, to be said again there."""
        medicines = next((i for i in self.questionnaire.items if i.confirm_medicines), None)
        said = said_in_more_words(
            item, text, word, value, self.vocabulary, medicines,
            lambda: self._matches(medicines) if medicines else [],
            medicines is not None and medicines.id in self._values,
        )
        if isinstance(said, Reply):
            return said
        if said.type_later:
            self._named_medicines[item.id] = list(said.type_later)
        return said.notes

    def _help_back_or_default(self, step: Step, question: Question, text: str, word: str) -> Reply | None:
        """"?", "back", or Enter at a question asked again (which keeps the earlier answer)."""
        if word in HELP_WORDS:
            return Reply("help", question.help)
        if word in BACK_WORDS:
            if self.back():
                return Reply("back")
            return Reply("invalid", "This is the first question, so there is nothing to go back to.")
        if not text and step.key in self._defaults:
            default = self._defaults[step.key]
            return self._store(step, default, status="skipped" if default is SKIPPED else "answered")
        return None

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
        self._defaults.pop(step.key, None)
        self._history.append(step.key)
        dropped = [self.questionnaire.item(key).label for key in self._tidy() if ":" not in key]
        if len(dropped) == 1:
            notes = (*notes, f"Your earlier answer to '{dropped[0]}' no longer fits this answer, so it was removed.")
        elif dropped:
            these = ", ".join(f"'{label}'" for label in dropped[:-1]) + f" and '{dropped[-1]}'"
            notes = (*notes, f"Your earlier answers to {these} no longer fit this answer, so they were removed.")
        shown = None if value is SKIPPED else value
        return Reply(status, value=shown, notes=notes, emergency=emergency)

    def back(self) -> bool:
        """Undo the last answer, so that its question is asked again, with that answer offered
        as the default (Enter keeps it). False at the start."""
        while self._history:
            key = self._history.pop()
            if key in self._values:
                self._defaults[key] = self._values.pop(key)
                self._tidy()
                return True
        return False

    def back_to(self, key: str) -> bool:
        """Undo the answers given since the question ``key`` was answered, and that answer, as
        ``back`` repeated (a browser's Back button, several pages at once); each is offered as the
        default when asked again. False, changing nothing, when ``key`` has no answer to undo."""
        if key not in self._history:
            return False
        while key in self._history and self.back():
            pass
        return True

    def revisit(self, key: str) -> tuple[Question, int, Any] | None:
        """An answered question seen again without undoing anything (a browser's Back button): the
        question with its answer offered as the default, its number, and the answer as stored.
        None when ``key`` is not an answered question that applies now. Nothing changes until a
        reply to it is given (``back_to`` first, then ``answer``)."""
        if key not in self._values or key not in self._history:
            return None
        steps = list(self._steps())
        step = next((step for step in steps if step.key == key), None)
        if step is None:
            return None
        value = self._values[key]
        question = self._worded(step)
        shown = default_words(step, value, self.medicines(step.item), self.vocabulary)
        items = [s.item.id for s in steps if s.kind == "item"]
        return replace(question, default=shown), items.index(step.item.id) + 1, value

    def earlier_answer(self, key: str) -> Any:
        """The earlier answer of a question asked again, as stored (SKIPPED for "don't know"),
        for a form that shows it filled in; MISSING when the question has none."""
        return self._defaults.get(key, MISSING)

    def change(self, item_id: str) -> None:
        """Ask one answered question again (from the review), its answer offered as the default.
        Follow-up answers stay until the new answer rules them out."""
        item = self.questionnaire.item(item_id)
        if not any(step.key == item.id for step in self._steps()):
            raise KeyError(f"question '{item_id}' does not apply to these answers")
        if item.id in self._values:
            self._defaults[item.id] = self._values.pop(item.id)
        self._history = [key for key in self._history if key != item.id]
        self._tidy()

    def _tidy(self) -> list[str]:
        """Drop the answers of steps a reply has ruled out (and their history), until stable;
        returns the keys dropped."""
        dropped: list[str] = []
        while True:
            live = {step.key for step in self._steps()}
            stale = [key for key in self._values if key not in live]
            if not stale:
                break
            for key in stale:
                del self._values[key]
            dropped += stale
        self._history = [key for key in self._history if key in self._values]
        return dropped

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
        """The medicine list as it will be saved: each entry as written, as corrected after a yes
        to "Did you mean ...?", or as retyped after a "no, that is not right"."""
        item = item or next((i for i in self.questionnaire.items if i.confirm_medicines), None)
        if item is None:
            return []
        entries = self._values.get(item.id)
        if not isinstance(entries, list):
            return []
        return [entry_checks(self.vocabulary, self._values, item, entry)[1] for entry in dict.fromkeys(entries)]

    # -- the answers ------------------------------------------------------------------------
    @property
    def answers(self) -> dict[str, Any]:
        """The answers so far as a contract answers object: only fields with an answer, nested
        sections built properly; valid against the Answers model at every point."""
        return answers_object(list(self._steps()), self._values, self._extra, self.medicines)

    @property
    def answers_so_far(self) -> dict[str, Any]:
        """The answers to save when the interview stops before its end (Ctrl-C, the input ending,
        a download): ``answers``, with the answers stepped back over ("back", a change from the
        review) and not given again yet, so that going back and then stopping loses nothing.
        Those still apply only where the answers given since leave their question asked."""
        if not self._defaults:
            return self.answers
        given = self._values
        self._values = {**{key: value for key, value in self._defaults.items() if value is not SKIPPED}, **given}
        try:
            merged = self.answers
        finally:
            self._values = given
        try:
            Answers.model_validate(merged)
        except ValidationError:  # an earlier answer that no longer fits the ones given since
            return self.answers
        return merged

    @property
    def unsaved_so_far(self) -> list[tuple[list[str], list[str]]]:
        """The answers ``answers_so_far`` cannot hold: a section the contract takes only whole
        (the three AUDIT-C answers) stopped part way. For each, the labels of the questions
        answered and of those it waits for; asked again when the person carries on."""
        saved = self.answers_so_far
        values = {**self._defaults, **self._values}
        sections: dict[str, tuple[list[str], list[str]]] = {}
        for step in self._steps():
            if step.kind != "item":
                continue
            group = next((name for name in groups() if step.item.field.startswith(name + ".")), None)
            if group is None or get_path(saved, group) is not MISSING:
                continue
            answered, waiting = sections.setdefault(group, ([], []))
            value = values.get(step.key)
            if value is None or value is SKIPPED:
                waiting.append(step.item.label)
            else:
                answered.append(step.item.label)
        return [(answered, waiting) for answered, waiting in sections.values() if answered]

    @property
    def unsaved_notes(self) -> list[str]:
        """``unsaved_so_far`` in words, one sentence per section, for a person who saves or
        downloads the answers so far: "your answer to 'How often you drink alcohol'. It is saved
        only together with ... so it is asked again when you carry on." (``ask`` puts "Not saved:"
        before it, the web page what the download leaves out.)"""
        notes = []
        for answered, waiting in self.unsaved_so_far:
            one = len(answered) == 1
            notes.append(
                f"your {'answer' if one else 'answers'} to {_listed(answered)}. "
                f"{'It is' if one else 'They are'} saved only together with {_listed(waiting)}, "
                f"so {'it is' if one else 'they are'} asked again when you carry on."
            )
        return notes

    def _resume(self, answers: Mapping[str, Any]) -> None:
        Answers.model_validate(answers)  # raises ValidationError: the caller checks first
        data = json.loads(json.dumps(dict(answers)))
        self._values, self._extra = replies_from_answers(self.questionnaire, self.vocabulary, data)
        self._tidy()
        self._history = list(self._values)
        # An answer whose question the other answers rule out is still the person's answer: kept
        # as given (not asked), so a file made by another tool loses nothing.
        answers = self.answers
        for path in leaf_paths(data):
            if get_path(answers, path) != get_path(data, path):
                set_path(self._extra, path, get_path(data, path))
                self.kept_as_given.append(path)
        answers = self.answers
        self.not_kept = [path for path in leaf_paths(data) if get_path(answers, path) != get_path(data, path)]
        self._empty_sections = [name for name, value in data.items() if isinstance(value, dict) and not is_answered(value)]

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
        return answer_words(item, self._values.get(item.id), self.medicines(item), self.vocabulary)


def _listed(labels: Sequence[str]) -> str:
    """Question labels in a sentence: "'A'", "'A' and 'B'", "'A', 'B' and 'C'"."""
    quoted_labels = [f"'{label}'" for label in labels]
    if len(quoted_labels) < 2:
        return "".join(quoted_labels) or "the questions after it"
    return ", ".join(quoted_labels[:-1]) + " and " + quoted_labels[-1]
