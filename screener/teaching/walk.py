"""One screening as a teacher walks through it: each step's rules, the answers they used, the mechanisms,
and the same walk as a tree (answers → derived facts → risk factors → levels → urgency), ending with
"why not" for the headline.

Everything here is read from the rule data and the engine's trace; nothing clinical is written
twice. Rendering for a terminal lives in ``screener.teaching.render``; this module returns plain
data and strings, so a notebook can use it directly.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from screener.contract.result import LabUsed, MedicationRecognised, ScreeningResult
    from screener.interview.questionnaire import Questionnaire
    from screener.screening.pipeline import Screener, Screening
    from screener.screening.ruleset import Ruleset

from screener.contract.coverage import CORE_SECTION_WORDS, SECTION_WORDS, missing_core_sections
from screener.contract.result import same_sign_given_now
from screener.headline import Headline
from screener.teaching.words import red_flag_heading, words


# -- the walk through one screening ----------------------------------------------------------
@dataclass(frozen=True)
class AnswerLine:
    field: str
    text: str


@dataclass(frozen=True)
class Because:
    label: str
    value: str


@dataclass(frozen=True)
class FiredRule:
    id: str
    title: str
    conclusion: str
    because: tuple[Because, ...]
    red_flag: bool = False
    note: str = ""  # e.g. a past-two-weeks red flag that is also given as happening now

    @property
    def heading(self) -> str:
        """The title, marked RED FLAG unless the title already says so ("Red flag now: fainting")."""
        return red_flag_heading(self.title, self.red_flag)


@dataclass(frozen=True)
class StepView:
    number: int
    step: str
    label: str
    fired: tuple[FiredRule, ...]
    outcomes: tuple[str, ...]  # what is settled after this step, e.g. "magnesium depletion: possible"


@dataclass(frozen=True)
class Mechanism:
    titles: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class Walk:
    """One screening as a teacher walks through it: answers, each step, mechanisms, result."""

    id: str
    answers: tuple[AnswerLine, ...]
    unanswered: tuple[str, ...]
    steps: tuple[StepView, ...]
    mechanisms: tuple[Mechanism, ...]
    headline: str  # e.g. "combined magnesium and potassium depletion: likely"
    next_level: str | None  # the headline level above this one, None at the top
    why_not: tuple[str, ...]
    result: ScreeningResult = field(repr=False)
    headline_rules: tuple[str, ...] = ()  # the rules that set the headline's level
    coverage: str = ""  # the coverage in words, e.g. "partial: not answered: alcohol"


def walk(screener: Screener, screening: Screening, answers: Mapping[str, Any] | None = None) -> Walk:
    """The walk through one screening (``screener.run(answers)``), from the engine's trace and the
    result's findings. ``answers`` (shown as given) may be left out: they are the screening's. Answers
    that are not the ones screened are refused (``ValueError``): the walk would show one person's
    answers beside another's result."""
    answers = _answers_screened(screener, screening, answers)
    ruleset, result = screener.ruleset, screening.result
    findings = {finding.rule: finding for finding in result.findings}
    settled = _settled_after(ruleset, screening.facts)
    also_now = same_sign_given_now(result.findings)
    steps = []
    for number, trace in enumerate(screening.trace, 1):
        fired = []
        for rule_id in dict.fromkeys(trace.fired):  # the engine may report a rule twice
            finding = findings[rule_id]
            fired.append(
                FiredRule(
                    id=rule_id,
                    # An explained run's result is always full: these are never None.
                    title=finding.title or rule_id,
                    conclusion=finding.conclusion or "",
                    because=tuple(dict.fromkeys(Because(e.label or e.fact, words(e.value)) for e in finding.evidence)),
                    red_flag=bool(finding.red_flag),
                    note=(
                        f"the same sign is also given as happening now ({findings[also_now[rule_id]].title}): "
                        "that is what counts for how soon"
                        if rule_id in also_now
                        else ""
                    ),
                )
            )
        steps.append(StepView(number, trace.step, trace.label, tuple(fired), tuple(settled.get(trace.step, ()))))
    scale = ruleset.scales[ruleset.headline]
    rank = scale.rank(getattr(result, ruleset.headline))
    headline_rules = tuple(screener.rules_setting_headline(result))
    above = _above_both_parts(result, headline_rules)
    if above:
        steps = [
            replace(view, outcomes=(*view.outcomes, above)) if any(r.id in headline_rules for r in view.fired) else view
            for view in steps
        ]
    return Walk(
        id=result.id,
        answers=tuple(answer_lines(answers, result, ruleset.vocabulary.class_labels, _questionnaire_of(ruleset))),
        unanswered=tuple(SECTION_WORDS.get(section, section) for section in result.unanswered_sections),
        steps=tuple(steps),
        mechanisms=tuple(_mechanisms(ruleset, sorted((r for s in steps for r in s.fired), key=lambda r: not r.red_flag))),
        headline=f"{scale.label}: {getattr(result, ruleset.headline)}",
        next_level=scale.values[rank + 1] if rank + 1 < len(scale.values) else None,
        why_not=tuple(why_not(ruleset, result)),
        result=result,
        headline_rules=headline_rules,
        coverage=coverage_words(result),
    )


def coverage_words(result: ScreeningResult) -> str:
    """The coverage of the core sections in words ("partial: not answered: alcohol, symptoms")."""
    missing = [CORE_SECTION_WORDS[core] for core in missing_core_sections(result.unanswered_sections)]
    if result.coverage == "full":
        return "full: every core section answered (medicines, alcohol, gut losses, symptoms)"
    if result.coverage == "none":
        return "none: not enough answers to screen, so 'unlikely' does not rule out low magnesium or potassium (no answer about " + "; ".join(missing) + ")"
    return "partial: not answered: " + "; ".join(missing)


def _above_both_parts(result: ScreeningResult, headline_rules: Sequence[str]) -> str:
    """When combined is higher than both magnesium and potassium: which rule did it, in words."""
    if not Headline.of(result).above_both:
        return ""
    titles = [f.title for f in result.findings if f.rule in headline_rules]
    return (
        f"combined is {result.combined_depletion} although neither magnesium nor potassium alone is: "
        + "; ".join(f"set by '{title}'" for title in titles)
        + " (a rule about the pair, not either mineral alone)"
    )


def why_not(ruleset: Ruleset, result: ScreeningResult) -> list[str]:
    """For the headline: what was missing to reach the next level, in words."""
    scale = ruleset.scales[ruleset.headline]
    level = getattr(result, ruleset.headline)
    if scale.rank(level) == len(scale.values) - 1:
        return [f"{scale.label} is already {level}, the highest level: nothing is missing."]
    if not result.next_level_missing:
        return [f"no further finding alone would raise {scale.label} above {level}."]
    return list(result.next_level_missing)


def _settled_after(ruleset: Ruleset, facts: Mapping[str, Any]) -> dict[str, list[str]]:
    """After which step each scale and the evidence counts take their final value."""
    rank = {step: index for index, step in enumerate(ruleset.step_ids)}
    last_step: dict[str, str] = {}
    for rule in ruleset.rules:
        changed = [*rule.then.get("raise", {}), *rule.then.get("cap", {}), *(["count"] if "evidence" in rule.then else [])]
        for name in changed:
            if name not in last_step or rank[rule.step] > rank[last_step[name]]:
                last_step[name] = rule.step
    settled: dict[str, list[str]] = {}
    for name, step in last_step.items():
        if name == "count":
            counted = [f"{ruleset.tallies[t]['label']} {n}" for t, n in facts.get("count", {}).items() if n]
            line = "evidence counted: " + ("; ".join(counted) if counted else "none")
        else:
            line = f"{ruleset.scales[name].label}: {facts[name]}"
        settled.setdefault(step, []).append(line)
    return settled


def _mechanisms(ruleset: Ruleset, fired: Sequence[FiredRule]) -> list[Mechanism]:
    """The physiology behind the key findings: evidence, levels and red flags, each text once."""
    by_text: dict[str, list[str]] = {}
    for item in fired:
        rule = ruleset.rule(item.id)
        then = rule.then
        key_finding = "evidence" in then or "red_flag" in then or any(
            name != "urgency" for name in (*then.get("raise", {}), *then.get("cap", {}))
        )
        if key_finding and item.title not in by_text.setdefault(rule.mechanism, []):
            by_text[rule.mechanism].append(item.title)
    return [Mechanism(tuple(titles), text) for text, titles in by_text.items() if titles]


def _questionnaire_of(ruleset: Ruleset) -> Questionnaire | None:
    """The questionnaire of the rule folder, or None for a folder made for batch use only."""
    from screener.errors import RulesError
    from screener.interview.questionnaire import Questionnaire

    try:
        return Questionnaire.load(None if ruleset.folder == "rules" else ruleset.folder)
    except RulesError:
        return None


def answer_lines(
    answers: Mapping[str, Any],
    result: ScreeningResult,
    class_labels: Mapping[str, str] | None = None,
    questionnaire: Questionnaire | None = None,
) -> list[AnswerLine]:
    """The answers as given, one line per field, medicines with what they were recognised as: the
    class in the vocabulary's words (``class_labels``, "an angiotensin receptor blocker (ARB)"),
    never its code ("arb"). With the ``questionnaire``, a field no one was asked (filled by
    another answer's ``also_set``) says so."""
    from screener.contract.validation import load_schema

    order = list(load_schema("answers.schema.json")["properties"])
    recognised = {m.input: m for m in result.medications_recognised}
    implied = questionnaire.implied_by_choices(answers) if questionnaire is not None else {}
    lines: list[AnswerLine] = []
    for name in sorted(answers, key=lambda key: order.index(key) if key in order else len(order)):
        value = answers[name]
        if name == "id":
            continue
        if name == "medications" and isinstance(value, list):
            lines.append(AnswerLine(name, "; ".join(_medication_words(item, recognised.get(item), class_labels or {}) for item in value) or "none"))
        else:
            lines += _flat_answers(name, value)
    used = {f"labs.{lab.lab}": _lab_use(lab) for lab in result.labs_used}  # after unit conversion
    # A field no one was asked, filled by another answer for the scoring, says so: it is in the
    # file and the rules use it, but the person did not choose it.
    used |= {name: f"not asked: follows from the answer '{because}'" for name, because in implied.items()}
    return [AnswerLine(line.field, f"{line.text}; {used[line.field]}") if line.field in used else line for line in lines]


def _lab_use(lab: LabUsed) -> str:
    converted = f"{lab.mmol_per_l} mmol/L"
    if not lab.used:
        return f"{converted}, not used: {lab.reason}"
    return "used as given" if lab.unit == "mmol/L" else f"used as {converted}"


def _flat_answers(path: str, value: Any) -> list[AnswerLine]:
    """Nested answers as dotted paths, the names the rules test (``diarrhea.days: 15``)."""
    if isinstance(value, dict) and "unit" not in value:  # a lab result (its value or bound, and unit) is one answer
        return [line for key, item in value.items() for line in _flat_answers(f"{path}.{key}", item)]
    return [AnswerLine(path, _answer_words(value))]


def _medication_words(text: str, match: MedicationRecognised | None, class_labels: Mapping[str, str]) -> str:
    if match is None:
        return text
    notes = (
        [", ".join(f"{drug.name}: {class_labels.get(drug.drug_class) or words(drug.drug_class)}" for drug in match.matches)]
        if match.matches
        else []
    )
    if match.unrecognised:
        notes.append("not recognised: " + ", ".join(match.unrecognised))
    if not match.counted and match.note:
        notes.append(match.note)
    return f"{text} ({'; '.join(notes)})" if notes else text


def _answer_words(value: Any) -> str:
    """An answer as written in the file (codes keep their underscores), true/false as yes/no."""
    if isinstance(value, list):
        return ", ".join(_answer_words(item) for item in value) if value else "none"
    if isinstance(value, dict):  # a lab result
        taken = f", taken: {value['taken']}" if "taken" in value else ", taken: not given"
        number = next((f"{side} {value[side]}" for side in ("below", "above") if side in value), None)
        return f"{number or _answer_words(value.get('value'))} {value['unit']}{taken}"
    if isinstance(value, bool):
        return words(value)
    return str(value)


# -- the tree ---------------------------------------------------------------------------------
@dataclass
class Node:
    """One line of the explanation tree."""

    label: str
    kind: str = "text"  # root | section | answer | rule | red_flag | because | concludes | outcome | why_not | text
    children: list[Node] = field(default_factory=list)

    def add(self, label: str, kind: str = "text") -> Node:
        child = Node(label, kind)
        self.children.append(child)
        return child

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def lines(self, width: int | None = None) -> list[str]:
        """The tree as plain text with ASCII guides (for notebooks and logs); with ``width``, each
        label is wrapped between words, its continuation lines under the guides of its children."""
        return [*_label_lines(self.label, "", "  " if self.children else "", width), *self._child_lines("", width)]

    def _child_lines(self, prefix: str, width: int | None) -> list[str]:
        out = []
        for index, child in enumerate(self.children):
            last = index == len(self.children) - 1
            inner = prefix + ("    " if last else "|   ")
            carry_on = inner + ("|   " if child.children else "    ")
            out += _label_lines(child.label, prefix + ("`-- " if last else "|-- "), carry_on, width)
            out += child._child_lines(inner, width)
        return out


def _label_lines(label: str, first: str, rest: str, width: int | None) -> list[str]:
    if width is None or len(first) + len(label) <= width:
        return [first + label]
    # The first line has the room its guide leaves; the rest, the room under the children's guides.
    head = textwrap.wrap(label, max(width - len(first), 20), break_long_words=False, break_on_hyphens=False)[0]
    remainder = label[len(head) :].strip()
    tail = textwrap.wrap(remainder, max(width - len(rest), 20), break_long_words=False, break_on_hyphens=False)
    return [first + head, *(rest + line for line in tail)]


def _answers_screened(screener: Screener, screening: Screening, answers: Mapping[str, Any] | None) -> Mapping[str, Any]:
    screened = screening.answers
    if answers is None:
        if screening.given is None:
            raise ValueError("walk() needs the answers screened: walk(screener, screening, answers)")
        return screening.given
    if screened is None:
        return answers
    given, problems = screener.check(answers)
    if given == screened:
        return answers
    if given is None:
        differ = "; ".join(f"{problem.path}: {problem.message}" for problem in problems[:3])
    else:
        first, second = given.model_dump(mode="json"), screened.model_dump(mode="json")
        differ = "; ".join(
            f"{name}: {_shown(first[name])} given, {_shown(second.get(name))} screened"
            for name in first
            if first[name] != second.get(name)
        )
    raise ValueError(
        f"the answers given to walk() are not the ones this screening screened ({differ}): give the answers "
        "passed to screener.run(), or leave them out: walk(screener, screening)"
    )


def _shown(value: Any) -> str:
    return "nothing" if value is None else repr(value)


#: What ``explanation_tree`` says instead of a rule's conditions that were "no", when it leaves them out.
LEFT_OUT_NO = 'and {count} more {conditions} that {were} "no" (--all lists them)'


def explanation_tree(walked: Walk, *, all_conditions: bool = True) -> Node:
    """The walk as a tree: answers → each step's rules (because / concludes) → why not. Without
    ``all_conditions``, a rule's conditions that were "no" (the things that would have stopped it:
    "clenbuterol ...: no") are one line with their count, as `explain` shows them on a projector."""
    result = walked.result
    root = Node(f"{walked.headline} (how soon: {result.urgency} - {result.urgency_text})", "root")
    answers = root.add("Answers", "section")
    for line in walked.answers:
        answers.add(f"{line.field}: {line.text}", "answer")
    if walked.unanswered:
        answers.add("not answered (unknown, not 'no'): " + ", ".join(walked.unanswered), "answer")
    if walked.coverage:
        answers.add(f"coverage of the core sections: {walked.coverage}", "answer")
    for step in walked.steps:
        section = root.add(f"{step.number}. {step.label}", "section")
        if not step.fired:
            section.add("no rule fired", "text")
        for rule in step.fired:
            node = section.add(f"{rule.heading} [{rule.id}]", "red_flag" if rule.red_flag else "rule")
            left_out = 0
            for because in rule.because:
                if not all_conditions and because.value == "no":
                    left_out += 1
                    continue
                node.add(f"because {because.label}: {because.value}", "because")
            if left_out:
                one = left_out == 1
                node.add(
                    LEFT_OUT_NO.format(count=left_out, conditions="condition" if one else "conditions", were="was" if one else "were"),
                    "because",
                )
            node.add(f"concludes: {rule.conclusion}", "concludes")
            if rule.note:
                node.add(f"note: {rule.note}", "because")
        for outcome in step.outcomes:
            section.add(f"=> {outcome}", "outcome")
    red_flags = [(step.number, rule) for step in walked.steps for rule in step.fired if rule.red_flag]
    if red_flags:  # red flags come first, as in every result: here, before the answers
        first = Node("Red flags (first, because they decide how soon)", "section")
        for number, rule in red_flags:
            first.add(f"{rule.title} [{rule.id}], in step {number} below", "red_flag")
        root.children.insert(0, first)
    why = root.add(f"Why not {walked.next_level}?" if walked.next_level else "Why not higher?", "section")
    for reason in walked.why_not:
        why.add(reason, "why_not")
    return root
