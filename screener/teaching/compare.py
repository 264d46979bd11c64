"""Two screenings side by side: what differs in the answers, in what the screen says, in which
rules fired and in the advice. For a class: "what if Rosa's magnesium had been checked?"

The second answers are often the first with one answer changed (``with_changes``), so a teacher
can show what one answer does to the whole chain. Everything compared comes from two walks
(``screener.teaching.walk``): nothing clinical is decided here.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from screener.headline import Headline
from screener.render import NOT_ENOUGH_ANSWERS
from screener.teaching.words import TeachingError, words

if TYPE_CHECKING:
    from screener.screening.ruleset import Ruleset
    from screener.teaching.walk import FiredRule, Walk

#: How a --set is written, for the message when one is not.
SET_EXAMPLE = "--set labs.magnesium.value=0.55 --set labs.magnesium.unit=mmol/L"
NOT_ANSWERED = "not answered"
HEADLINE = "the headline"


@dataclass(frozen=True)
class Difference:
    """One thing said of both screenings: ``before`` for the first, ``after`` for the second."""

    what: str
    before: str
    after: str

    @property
    def same(self) -> bool:
        return self.before == self.after


@dataclass(frozen=True)
class RuleFired:
    """A rule that fired in one screening only, with the answers it used."""

    id: str
    title: str
    step: int
    step_label: str
    because: tuple[str, ...]
    concludes: str


@dataclass(frozen=True)
class Comparison:
    first: str
    second: str
    answers: tuple[Difference, ...]  # only the answers that differ
    outcome: tuple[Difference, ...]  # red flags, the headline, combined, the two parts, how soon: always all of them
    only_first: tuple[RuleFired, ...]
    only_second: tuple[RuleFired, ...]
    advice_only_first: tuple[str, ...]
    advice_only_second: tuple[str, ...]

    @property
    def same_result(self) -> bool:
        return all(difference.same for difference in self.outcome)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def compare(ruleset: Ruleset, first: Walk, second: Walk, *, names: tuple[str, str] = ("first", "second")) -> Comparison:
    """What differs between two walks, from the answers to the advice."""
    before = {line.field: line.text for line in first.answers}
    after = {line.field: line.text for line in second.answers}
    fields = _in_questionnaire_order([*before, *after])
    answers = tuple(
        Difference(name, before.get(name, NOT_ANSWERED), after.get(name, NOT_ANSWERED))
        for name in fields
        if before.get(name) != after.get(name)
    )
    scales = [ruleset.headline, *(name for name in ruleset.scales if name not in (ruleset.headline, "urgency"))]
    # Red flags first, as in every result; then the headline as every door words it (the combined
    # level with what the parts and the coverage add to it), then the levels themselves.
    outcome = [Difference("red flags", _red_flags(first), _red_flags(second))]
    outcome.append(Difference(HEADLINE, _headline(first), _headline(second)))
    outcome += [Difference(ruleset.scales[name].label, getattr(first.result, name), getattr(second.result, name)) for name in scales]
    outcome.append(Difference("how soon", _how_soon(first), _how_soon(second)))
    first_advice = {item.code: item.text for item in first.result.recommendations}
    second_advice = {item.code: item.text for item in second.result.recommendations}
    return Comparison(
        first=names[0],
        second=names[1],
        answers=answers,
        outcome=tuple(outcome),
        only_first=tuple(_fired_only_in(first, second)),
        only_second=tuple(_fired_only_in(second, first)),
        advice_only_first=tuple(text for code, text in first_advice.items() if code not in second_advice),
        advice_only_second=tuple(text for code, text in second_advice.items() if code not in first_advice),
    )


def _in_questionnaire_order(fields: Sequence[str]) -> list[str]:
    """Answer fields of both screenings once each, in the order the answers contract lists them
    (``alcohol.audit_c.binge`` where ``alcohol`` is), as each walk lists its own."""
    from screener.contract.validation import load_schema

    rank = {name: index for index, name in enumerate(load_schema("answers.schema.json")["properties"])}
    return sorted(dict.fromkeys(fields), key=lambda name: rank.get(name.split(".")[0], len(rank)))  # stable


def _how_soon(walked: Walk) -> str:
    return f"{walked.result.urgency} - {walked.result.urgency_text}"


def _headline(walked: Walk) -> str:
    """The headline's words ("unlikely, but based on few answers: not reassurance"), after "Not
    enough answers to screen" when no core section was answered, as every door puts it above."""
    said = Headline.of(walked.result).words()
    return f"{NOT_ENOUGH_ANSWERS.lower()}: {said}" if walked.result.coverage == "none" else said


def _red_flags(walked: Walk) -> str:
    return ", ".join(words(flag) for flag in walked.result.red_flags) or "none"


def _fired_only_in(walked: Walk, other: Walk) -> list[RuleFired]:
    fired_in_other = {rule.id for step in other.steps for rule in step.fired}
    return [
        _rule_fired(rule, step.number, step.label)
        for step in walked.steps
        for rule in step.fired
        if rule.id not in fired_in_other
    ]


def _rule_fired(rule: FiredRule, number: int, label: str) -> RuleFired:
    because = tuple(f"{item.label}: {item.value}" for item in rule.because)
    return RuleFired(rule.id, rule.heading, number, label, because, rule.conclusion)


# -- one answer changed -----------------------------------------------------------------------
def with_changes(answers: Mapping[str, Any], settings: Sequence[str] = (), removals: Sequence[str] = ()) -> dict[str, Any]:
    """The answers with ``PATH=VALUE`` settings made and ``PATH`` answers removed (made unanswered).

    PATH is dotted as the answers file nests (``labs.magnesium.value``); VALUE is read as JSON when
    it is JSON (``0.55``, ``true``, ``["muscle_cramps"]``) and as text otherwise (``mmol/L``).
    Missing objects on the way are made, so two settings can build a new lab result.
    """
    changed = copy.deepcopy(dict(answers))
    for setting in settings:
        path, equals, text = setting.partition("=")
        if not equals or not path.strip():
            raise TeachingError(f"--set {setting!r}: expected PATH=VALUE", hint=f"for example {SET_EXAMPLE}")
        *parents, last = _parts(path)
        _container(changed, parents, path, create=True)[last] = _value(text)
    for path in removals:
        *parents, last = _parts(path)
        holder = _container(changed, parents, path, create=False)
        if last not in holder:
            raise TeachingError(f"--unset {path}: that answer is not given, so there is nothing to remove")
        del holder[last]
    return changed


def changes_in_words(settings: Sequence[str] = (), removals: Sequence[str] = ()) -> str:
    """The changes as a teacher said them: "labs.magnesium.value = 0.55; diarrhea not answered"."""
    made = [f"{path.strip()} = {text}" for path, _, text in (setting.partition("=") for setting in settings)]
    made += [f"{path.strip()} not answered" for path in removals]
    return "; ".join(made)


def _parts(path: str) -> list[str]:
    parts = [part.strip() for part in path.strip().split(".")]
    if not all(parts):
        raise TeachingError(f"{path!r}: not a path to an answer", hint=f"a path is dotted as the answers file nests, for example {SET_EXAMPLE}")
    return parts


def _container(answers: dict[str, Any], parents: Sequence[str], path: str, *, create: bool) -> dict[str, Any]:
    holder = answers
    for depth, part in enumerate(parents):
        if create and holder.get(part) is None:
            holder[part] = {}
        inner = holder.get(part)
        if not isinstance(inner, dict):
            where = ".".join(parents[: depth + 1])
            said = "is not given" if inner is None else f"is {json.dumps(inner)}, not a group of answers"
            raise TeachingError(f"{path}: {where} {said}", hint=f"a path is dotted as the answers file nests, for example {SET_EXAMPLE}")
        holder = inner
    return holder


def _value(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text
