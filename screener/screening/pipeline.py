"""The screening pipeline: answers → input facts → the rules engine, step by step → result.

At each step of the chain (derived facts, risk factors, levels, urgency, recommendations, advice
about medicines) the engine is given one fact: everything known so far, tagged with the step. The
rules of that step that match fire; their conclusions (asserted facts, evidence, level raises
and caps, red flags, recommendations, warnings) are merged into what is known and carried to the
next step. Merging is arithmetic only (union, count of distinct codes per group, highest or lowest of an ordered
scale), so the order in which rules fire within a step cannot change a result.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from os import PathLike
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from screener.contract.answers import Answers, red_flags_reported
from screener.contract.result import (
    InvalidRecord,
    ScreeningResult,
    is_result_entry,
    not_screened_red_flag_advice,
    red_flag_advice_words,
)
from screener.contract.validation import Problem, schema_problems, validator_for, with_model_problems
from screener.errors import ExitCode, ScreenerError
from screener.screening.conditions import needed_facts
from screener.screening.findings import Detail, FindingCatalogue, describe_conclusion
from screener.screening.next_level import NextLevel
from screener.screening.normalise import Normalised, lab_problems, normalise
from screener.screening.result_entry import Conclusions, EntryMaker
from screener.screening.ruleset import Rule, Ruleset, load_ruleset


@dataclass
class StepTrace:
    """What happened at one step: the rules that fired, with what they concluded."""

    step: str
    label: str
    fired: list[str]


@dataclass
class Screening:
    """A result together with the engine's trace and the facts it saw (for explanations)."""

    entry: dict[str, Any]  # the result as plain JSON-ready data (what batch mode writes)
    trace: list[StepTrace]
    facts: dict[str, Any]
    input_facts: dict[str, Any]
    answers: Answers | None = None
    """The answers screened, as checked."""
    given: Mapping[str, Any] | None = None
    """The answers as they were given to ``run`` (``teaching.walk`` shows them as given)."""

    @cached_property
    def result(self) -> ScreeningResult:
        """The result as a typed model (validated against the contract on first use)."""
        return ScreeningResult.model_validate(self.entry)


class _Effect:
    """What a rule concludes, resolved once: what merging its firing does to the facts."""

    __slots__ = ("asserts", "caps", "evidence", "raises", "recommend", "red_flag", "warn")

    def __init__(
        self,
        rule: Rule,
        rank: int,
        ranks: Mapping[str, Mapping[str, int]],
        tallies_of_group: Mapping[str, frozenset[str]],
    ) -> None:
        then = rule.then
        self.asserts: tuple[str, ...] = tuple(then.get("assert", ()))
        # (code, groups, the tallies the groups count in)
        self.evidence: tuple[str, tuple[str, ...], frozenset[str]] | None = None
        if "evidence" in then:
            groups = tuple(then["evidence"]["groups"])
            self.evidence = (then["evidence"]["code"], groups, frozenset().union(*(tallies_of_group[g] for g in groups)))
        self.raises = tuple((name, ranks[name][value], value) for name, value in then.get("raise", {}).items())
        self.caps = tuple((name, ranks[name][value], value) for name, value in then.get("cap", {}).items())
        # Red flags are listed in the order of the rules raising them (the spec's order: those of
        # now first, then those of the past two weeks), not in the order the rules fired.
        self.red_flag: tuple[int, str] | None = (rank, then["red_flag"]) if "red_flag" in then else None
        self.recommend: tuple[str, str, str] | None = None
        if "recommend" in then:
            code, _, variant = then["recommend"].partition(":")
            self.recommend = (code, variant, then["recommend"])
        self.warn: str | None = then.get("warn")


#: A step whose rules need more facts than this is always sent (``Screener._needs``).
_FEW_NEEDED = 16

_Needs = tuple[tuple[str, ...], tuple[tuple[str, frozenset[str]], ...]]
"""Facts a step needs one of: top-level names, and (group, names in it)."""


def _has_one(facts: Mapping[str, Any], needs: _Needs) -> bool:
    """Whether ``facts`` hold one of the facts a step needs (``Screener._needs``)."""
    names, groups = needs
    for name in names:
        if name in facts:
            return True
    for group, inner in groups:
        values = facts.get(group)
        if isinstance(values, dict) and not inner.isdisjoint(values):
            return True
    return False


class Screener:
    """Screens answers with one ruleset. Build once, use for many records."""

    def __init__(self, ruleset: Ruleset | str | PathLike[str] | None = None, *, as_of: date | None = None) -> None:
        self.ruleset = ruleset if isinstance(ruleset, Ruleset) else load_ruleset(_rule_folder(ruleset))
        self.as_of = _reference_date(as_of)
        """Reference date for FHIR EHR data (ages, how old a lab result is); None: today."""
        self._answers_validator = validator_for("answers.schema.json")
        ruleset = self.ruleset
        self.findings = FindingCatalogue(ruleset)
        """The constant parts of every rule's findings, and lean entries made full again."""
        # Everything about a rule that does not depend on the answers, worked out once.
        self._step_rank = {step: index for index, step in enumerate(ruleset.step_ids)}
        self._tallies_of_group = {
            group: frozenset(name for name, spec in ruleset.tallies.items() if group in spec["groups"])
            for group in ruleset.evidence_groups
        }
        # The hot path's tables: batch mode runs these for every record.
        self._ranks = {name: {value: scale.rank(value) for value in scale.values} for name, scale in ruleset.scales.items()}
        self._lowest = {scale.name: scale.values[0] for scale in ruleset.scales.values()}
        self._no_counts = dict.fromkeys(ruleset.tallies, 0)
        self._effects = {
            rule.id: _Effect(rule, rank, self._ranks, self._tallies_of_group) for rank, rule in enumerate(ruleset.rules)
        }
        self._next_level = NextLevel(ruleset)
        self._entries = EntryMaker(ruleset, self.findings, self._next_level, self._step_rank)
        """Makes the result entries (``screener.screening.result_entry``)."""

    @cached_property
    def _plan(self) -> list[tuple[str, str, Callable[[Mapping[str, Any]], dict[str, Any]], _Needs | None]]:
        """Per step: its label, the function making its message for the engine from the facts
        known (only the fields its rules test: ``RulesEngine.message_builder``), and the facts of
        which a person must have one for any rule of the step to fire, when few and not always
        given (``_needs``): a person with none of them is not sent. Made on first use, as the
        engine is."""
        engine = self.ruleset.engine
        return [(step, label, engine.message_builder(step), self._needs(step)) for step, label in self.ruleset.steps]

    def _needs(self, step: str) -> _Needs | None:
        """The facts of which a person must have one (a value, whatever it is) for any rule of
        ``step`` to fire (``needed_facts``), as names and, for facts in a group, the group and the
        names within it (a deeper fact by its first two parts: if it is there, they are). None
        when a rule can fire without any, or when the step needs a fact every person has (levels,
        counts) or many facts (checking would cost more than it saves)."""
        together: set[str] = set()
        for rule in self.ruleset.rules_for_step(step):
            needed = needed_facts(rule.condition)
            if needed is None:
                return None
            together |= needed
        always = {*self._lowest, "count", *(f"count.{tally}" for tally in self.ruleset.tallies)}
        if len(together) > _FEW_NEEDED or not together.isdisjoint(always):
            return None
        groups: dict[str, set[str]] = {}
        for name in together:
            if "." in name:
                group, _, rest = name.partition(".")
                groups.setdefault(group, set()).add(rest.partition(".")[0])
        names = tuple(sorted(name for name in together if "." not in name))
        return names, tuple((group, frozenset(inner)) for group, inner in sorted(groups.items()))

    # -- validation ---------------------------------------------------------------------------
    def check(self, value: Any) -> tuple[Answers | None, list[Problem]]:
        """Validate one record: the answers, or every problem found (nothing is guessed).

        A strict pydantic validation (about 8 µs) decides first: whatever it accepts the JSON
        Schema accepts too, with the same model (tests/test_speedups.py checks this on generated
        and mutated records). Only a record it refuses goes the slow way (about 250 µs): the
        JSON Schema, whose errors are the ones users read, then the lax model for the
        constraints the schema cannot express.

        A FHIR record is not answers: it is refused with a pointer to ``screener.fhir``, whose
        ``check_record`` and ``screen_record_entry`` convert it first (the screener reads
        answers only, so that screening does not depend on the formats answers come in).
        """
        if is_fhir_record(value):
            return None, [_FHIR_NOT_ANSWERS]
        try:
            answers = Answers.model_validate(value, strict=True)
        except ValidationError:
            return self._check_thoroughly(value)
        problems = lab_problems(answers, self.ruleset)
        return (None, problems) if problems else (answers, [])

    def _check_thoroughly(self, value: Any) -> tuple[Answers | None, list[Problem]]:
        if is_result_entry(value):  # the output of batch given back to it: one problem, not twenty unknown fields
            return None, [_RESULT_NOT_ANSWERS]
        problems = schema_problems(self._answers_validator, value)
        try:
            answers = Answers.model_validate(value)
        except ValidationError as error:  # and constraints the JSON Schema cannot express: every problem
            return None, with_model_problems(problems, error.errors())
        if problems:
            return None, problems
        problems = lab_problems(answers, self.ruleset)
        return (None, problems) if problems else (answers, [])

    # -- screening ----------------------------------------------------------------------------
    def screen(self, answers: Answers | Mapping[str, Any], *, source: str | None = None, position: int = 1) -> ScreeningResult:
        """Screen one respondent. Raises ``InvalidAnswers`` for answers that fail validation."""
        return self.run(answers, source=source, position=position).result

    def screen_record(self, value: Any, *, source: str | None = None, position: int = 1) -> ScreeningResult | InvalidRecord:
        """Screen one raw JSON record, or report why it cannot be screened."""
        entry = self.screen_entry(value, source=source, position=position)
        if entry["status"] == "invalid":
            return InvalidRecord.model_validate(entry)
        return ScreeningResult.model_validate(entry)

    def screen_entry(
        self, value: Any, *, source: str | None = None, position: int = 1, detail: Detail = "full"
    ) -> dict[str, Any]:
        """Batch mode's fast path: one raw record in, one JSON-ready output entry out (a result,
        or an invalid-record entry), in the shape of the contract's models but not built as them.

        ``detail``: ``full`` findings, ``lean`` ones (what varies per person, marked
        ``"detail": "lean"``; see ``screener.screening.findings``), or ``none`` (no findings at all,
        for outputs that carry none)."""
        answers, problems = self.check(value)
        if answers is None:
            return invalid_entry(value, problems, source=source, position=position, reported=self.red_flags_alone(value))
        return self.entry(answers, source=source, position=position, detail=detail)

    def entry(self, answers: Answers, *, source: str | None = None, position: int = 1, detail: Detail = "full") -> dict[str, Any]:
        """The result entry of answers already checked (``check``)."""
        normalised = normalise(answers, self.ruleset)
        facts, conclusions, _ = self._infer(normalised, explain=detail != "none")
        return self._entries.entry(answers, normalised, facts, conclusions, source, position, detail)

    def red_flags_alone(self, value: Any) -> dict[str, Any]:
        """For a record that cannot be screened: the red flags it reports now (``red_flags_reported``:
        its ``red_flags_now`` codes or words close to one, also under a misspelt key) screened on
        their own, as ``red_flags`` and ``urgency`` (the rules decide both), and ``red_flag_advice``
        (``not_screened_red_flag_advice``), so that someone reporting chest pain is not lost among
        the invalid records. Empty when it reports none."""
        entry = self._red_flags_entry(red_flags_reported(value))
        if entry is None:
            return {}
        advice = not_screened_red_flag_advice(entry["red_flags"], entry["recommendations"], entry["urgency_text"])
        return {"red_flags": entry["red_flags"], "urgency": entry["urgency"], "red_flag_advice": advice}

    def red_flags_said(self, codes: Sequence[str]) -> tuple[list[str], str] | None:
        """Red flags now (codes) screened on their own, in words: the red flags as the rules name
        them ("chest pain") and the advice they call for (``red_flag_advice`` without its first
        sentence: "Seek emergency care now (call your local emergency number). ..."); None when
        the rules raise none of them. For a table refused whole (``refused_red_flags``)."""
        entry = self._red_flags_entry(list(codes))
        if entry is None:
            return None
        flags = [code.replace("_", " ") for code in entry["red_flags"]]
        return flags, red_flag_advice_words(entry["recommendations"], entry["urgency_text"])

    def _red_flags_entry(self, codes: list[str]) -> dict[str, Any] | None:
        if not codes:
            return None
        entry = self.entry(Answers.model_validate({"red_flags_now": codes}), detail="none")
        return entry if entry["red_flags"] else None

    def run(self, answers: Answers | Mapping[str, Any], *, source: str | None = None, position: int = 1) -> Screening:
        """Screen one respondent and keep the engine's trace (full findings)."""
        if isinstance(answers, (list, tuple)):
            raise InvalidAnswers([_many_people(answers)])
        given = answers.model_dump(mode="json", exclude_unset=True) if isinstance(answers, Answers) else answers
        if not isinstance(answers, Answers):
            checked, problems = self.check(answers)
            if checked is None:
                raise InvalidAnswers(problems)
            answers = checked
        else:
            problems = lab_problems(answers, self.ruleset)
            if problems:
                raise InvalidAnswers(problems)
        normalised = normalise(answers, self.ruleset)
        facts, conclusions, trace = self._infer(normalised, explain=True, trace=True)
        entry = self._entries.entry(answers, normalised, facts, conclusions, source, position, "full")
        return Screening(entry, trace, facts, normalised.facts, answers, given)

    def _infer(
        self, normalised: Normalised, *, explain: bool, trace: bool = False
    ) -> tuple[dict[str, Any], Conclusions, list[StepTrace]]:
        """The chain of steps in the engine: the final facts, the conclusions (with each fired
        rule's evidence when ``explain``) and, when ``trace``, what fired at each step."""
        facts: dict[str, Any] = dict(normalised.facts)
        facts.update(self._lowest)
        facts["count"] = dict(self._no_counts)
        conclusions = Conclusions()
        steps: list[StepTrace] = []
        reading = self.findings.reading
        fired_evidence = conclusions.fired
        merge = self._merge
        engine = self.ruleset.engine
        session = engine.open_session()
        done = False
        try:
            fire = session.fire_message
            for step, label, message, needs in self._plan:
                if needs is not None and not _has_one(facts, needs):
                    # None of this step's rules can fire (``_needs``): the engine, asked, would
                    # have fired none but the step's catch-all, which is never reported.
                    if trace:
                        steps.append(StepTrace(step, label, []))
                    continue
                # The engine is sent only what this step's rules test: less JSON to write and parse.
                fired = fire(step, message(facts))
                if fired:
                    if len(fired) > 1:
                        # A rule whose "any" holds in several ways can be reported once per way.
                        fired = sorted(set(fired))
                    if explain:  # against the facts of this step, before its conclusions merge
                        for rule_id in fired:
                            fired_evidence[rule_id] = reading[rule_id](facts)
                    merge(fired, facts, conclusions)
                if trace:
                    steps.append(StepTrace(step, label, fired))
            done = True
        finally:
            engine.close_session(session, done)
        return facts, conclusions, steps

    # -- merging conclusions ------------------------------------------------------------------
    def _merge(self, fired: list[str], facts: dict[str, Any], conclusions: Conclusions) -> None:
        ranks = self._ranks
        effects = self._effects
        evidence = conclusions.evidence
        counts = facts["count"]  # this record's own (evidence was read before merging)
        conclusions.fired_rules.update(fired)
        capping: list[tuple[str, _Effect]] = []
        for rule_id in fired:
            effect = effects[rule_id]
            for name in effect.asserts:
                facts[name] = True
            if effect.evidence is not None:  # each tally counts distinct codes: a code once in each
                code, groups, tallies = effect.evidence
                known = evidence.get(code)
                if known is None:  # most often: a code's first evidence counts in each of its tallies
                    evidence[code] = set(groups)
                    for tally in tallies:
                        counts[tally] += 1
                else:
                    self._count_again(known, groups, tallies, counts)
            for scale_name, rank, value in effect.raises:
                if rank > ranks[scale_name][facts[scale_name]]:
                    facts[scale_name] = value
            if effect.red_flag is not None:
                conclusions.red_flags.append(effect.red_flag)
            if effect.recommend is not None:
                code, variant, key = effect.recommend
                # A variant (e.g. food advice with a potassium caution) wins over the plain text.
                if variant or code not in conclusions.recommendations:
                    conclusions.recommendations[code] = key
                    conclusions.recommended_by[code] = rule_id
            if effect.warn is not None and effect.warn not in conclusions.warnings:
                conclusions.warnings.append(effect.warn)
            if effect.caps:
                capping.append((rule_id, effect))
        if capping:  # after every raise of the step
            self._cap(capping, facts, conclusions)

    def _cap(self, capping: list[tuple[str, _Effect]], facts: dict[str, Any], conclusions: Conclusions) -> None:
        """Caps apply after every raise of the step: a cap is an upper bound, not a value."""
        for rule_id, effect in capping:
            conclusions.caps.append(rule_id)
            for scale_name, rank, value in effect.caps:
                if rank < self._ranks[scale_name][facts[scale_name]]:
                    facts[scale_name] = value

    def _count_again(self, known: set[str], groups: tuple[str, ...], tallies: frozenset[str], counts: dict[str, int]) -> None:
        """A code already counted, given again: only tallies it did not count in yet count it."""
        tallies_of = self._tallies_of_group
        before = {tally for group in known for tally in tallies_of[group]}
        known.update(groups)
        for tally in tallies - before:
            counts[tally] += 1

    def describe_conclusion(self, rule: Rule) -> str:
        """A rule's conclusion in words, e.g. "magnesium depletion: at least possible"."""
        return describe_conclusion(self.ruleset, rule)

    def next_level_missing(self, facts: Mapping[str, Any], capped_by: Sequence[str] = ()) -> list[str]:
        """For the headline: what further finding would raise it to the next level, given the
        rules that capped a level (``screener.screening.next_level``)."""
        return self._next_level.missing(facts, capped_by)

    def rules_setting_headline(self, result: ScreeningResult) -> list[str]:
        """The rules among a result's findings that raised the headline to its level (for "why is
        combined likely when neither part is?")."""
        headline = self.ruleset.headline
        level = getattr(result, headline)
        return [f.rule for f in result.findings if self.ruleset.rule(f.rule).then.get("raise", {}).get(headline) == level]


class InvalidAnswers(ScreenerError, ValueError):
    """Answers that failed validation; ``problems`` says what and where."""

    exit_code = ExitCode.INVALID_RECORDS

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("the answers are not valid: " + "; ".join(f"{p.path}: {p.message}" for p in problems))
        self.problems = problems


def invalid_entry(
    value: Any, problems: list[Problem], *, source: str | None, position: int, reported: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The output entry of a record that failed validation (the contract's InvalidRecord), with
    the red flags it reports, screened alone (``Screener.red_flags_alone``), before its errors."""
    raw_id = value.get("id") if isinstance(value, dict) else None
    # Echo the id only when it is a valid one (the contract's 1-128 characters, or an integer):
    # an id that failed validation may be anything, up to megabytes of text.
    has_id = (isinstance(raw_id, str) and 1 <= len(raw_id) <= 128) or (
        isinstance(raw_id, int) and not isinstance(raw_id, bool) and abs(raw_id) < 10**128
    )
    entry: dict[str, Any] = {"status": "invalid", "id": str(raw_id) if has_id else str(position)}
    if source is not None:
        entry["source"] = source
    entry["position"] = position
    if reported:
        entry.update(reported)
    entry["errors"] = [problem.as_dict() for problem in problems]
    return entry


def _many_people(records: Sequence[Any]) -> Problem:
    """What ``screen`` says when handed a list: it screens one person, and how to screen many."""
    return Problem(
        "$",
        f"expected one person's answers (an object), got a list of {len(records)}: screen() screens one person; "
        "for many, loop with screen_record, which gives a ScreeningResult or an InvalidRecord for each without "
        "stopping at the first invalid one: [screener.screen_record(record) for record in records]",
    )


_FHIR_NOT_ANSWERS = Problem(
    "$",
    "this is FHIR, not answers: read it with screener.fhir.check_record / screen_record_entry "
    "(or screen the file with `mgk-screen screen` or `mgk-screen batch`)",
)


_RESULT_NOT_ANSWERS = Problem(
    "$",
    "this is a screening result (as `mgk-screen batch` and `screen --json` write it), not answers: give the answers "
    "it was made from, or see it with `mgk-screen report`",
)


def is_fhir_record(value: Any) -> bool:
    """Whether a parsed record is FHIR, not answers: a resource (it names its resourceType), or
    FHIR resources gathered for one person (``screener.fhir.records``)."""
    return ("resourceType" in value) if isinstance(value, dict) else hasattr(value, "is_fhir_record")


def _rule_folder(ruleset: object) -> Path | None:
    # A folder's path is what a notebook has at hand: load_ruleset checks it the same way.
    if ruleset is None:
        return None
    if isinstance(ruleset, (str, PathLike)):
        return Path(ruleset)
    raise TypeError(f"Screener(ruleset): expected a Ruleset (load_ruleset(folder)) or a rule folder's path, got {type(ruleset).__name__}")


def _reference_date(as_of: object) -> date | None:
    # Checked here, not where FHIR data is first dated: a text date would fail deep inside that.
    if as_of is None or (isinstance(as_of, date) and not isinstance(as_of, datetime)):
        return as_of
    if isinstance(as_of, datetime):
        hint = f"as_of.date() gives date({as_of.year}, {as_of.month}, {as_of.day})"
    elif isinstance(as_of, str):
        hint = "date.fromisoformat(text) reads a YYYY-MM-DD text"
    else:
        hint = "for example date(2025, 6, 30)"
    raise TypeError(f"Screener(as_of=...): expected a datetime.date, got {type(as_of).__name__}: {hint}")
