"""CDS Hooks cards from a screening result: what the EHR shows the clinician.

Every part of a card comes from the result and the rule data, nothing is decided here:

- ``indicator``: from the urgency, by ``rules/fhir.json`` (``cds_hooks.indicator_by_urgency``);
- ``summary`` (under 140 characters): the levels and the urgency, what the order being placed
  changes (order-select), and that the data are the record's only;
- ``detail`` (GitHub Markdown): levels and urgency, coverage (EHR data rarely hold symptoms,
  alcohol or GI history, so the screen is partial and the card says what it could not see), why
  (the rules that fired), what was read from the record, the recommendations, warnings, what
  could not be read, and the disclaimer. Text from the record is escaped, never read as Markdown;
- ``source``: the ruleset's name and version, with a topic;
- a suggestion to order the lab test of ``cds_hooks.suggest_test`` (a ServiceRequest, coded as
  the mapping codes the lab) when the result's levels are among those it lists, unless that test
  is already among the orders being placed;
- ``overrideReasons`` (``screener.cds.feedback``), and a ``uuid`` on the card and on its
  suggestion, which the EHR's feedback names.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from screener.cds.calls import HookCall
from screener.cds.feedback import override_reasons
from screener.cds.record import Record, unread_words
from screener.cds.screening import Screened
from screener.contract.coverage import CORE_SECTION_WORDS, CORE_SECTIONS, in_words, listed, missing_core_sections
from screener.contract.result import drug_name
from screener.errors import RulesError
from screener.fhir.mapping import FhirContext
from screener.headline import Headline, listed_advice, recent_results

if TYPE_CHECKING:
    from screener.reports.words import Words
    from screener.screening.ruleset import Ruleset

SUMMARY_LIMIT = 139
"""The spec: a summary of under 140 characters."""
_INLINE = re.compile(r"([\\`*_\[\]<>|~!&])")
_LINE_START = re.compile(r"^([#>+=-]|\d+[.)])")
_DATA_NOTE = {"full": "", "partial": " (EHR data only)", "none": " (not enough EHR data to screen)"}
_FEW_DATA = "little EHR data"
"""What a card's headline says a thin record gave (the terminal says "few answers")."""
_SHORT_NAMES = {"combined_depletion": "combined", "urgency": "urgency", "magnesium_depletion": "magnesium", "potassium_depletion": "potassium"}


def escape(text: Any) -> str:
    """Text from the record or the answers, shown as it is in Markdown: on one line, never read as
    a link, HTML or emphasis."""
    return _INLINE.sub(r"\\\1", " ".join(str(text).split()))


def line(text: str) -> str:
    """Escaped text that starts a line (a list item's text): never read as a heading or a list."""
    return _LINE_START.sub(lambda found: found.group(1)[:-1] + "\\" + found.group(1)[-1], text)


_SLOT = re.compile(r"\{[a-z_]+\}")


class CardWriter:
    """Cards for one ruleset and FHIR mapping; the mapping is checked against the ruleset's scales
    when it is built (a ``RulesError`` names what does not fit)."""

    def __init__(self, context: FhirContext, ruleset: Ruleset, words: Words) -> None:
        self.context = context
        self.ruleset = ruleset
        self.words = words
        self.spec = context.mapping.cds_hooks
        self._check()
        self._recommending = {rule.id for rule in ruleset.rules if "recommend" in rule.then}
        # the advice texts that ask for the test, each in its adult and its parent's wording (a
        # child's result shows the latter); a text names the person's own medicines in its
        # {slots}, so any words stand for a slot (compiled once, not for every card)
        self._test_advice = [
            re.compile(".+?".join(re.escape(part) for part in _SLOT.split(text)), re.S)
            for each in self.spec["suggest_test"].get("recommendations", ())
            for text in (ruleset.recommendation_texts[each], ruleset.parent_texts.get(each))
            if text is not None
        ]

    def _check(self) -> None:
        source = self.context.mapping.source
        problems = []
        urgencies = self.ruleset.scales["urgency"].values
        indicators = self.spec["indicator_by_urgency"]
        problems += [f"cds_hooks.indicator_by_urgency: no indicator for urgency '{name}'" for name in urgencies if name not in indicators]
        problems += [f"cds_hooks.indicator_by_urgency: '{name}' is not an urgency of the rules" for name in indicators if name not in urgencies]
        for level, values in self.spec["suggest_test"]["when"].items():
            known = self.ruleset.scales[level].values if level in self.ruleset.scales else ()
            problems += [f"cds_hooks.suggest_test.when.{level}: '{value}' is not a level of the rules" for value in values if value not in known]
        for wanted in self.spec["suggest_test"].get("recommendations", ()):
            if wanted not in self.ruleset.recommendation_texts:
                problems.append(f"cds_hooks.suggest_test.recommendations: '{wanted}' is not a recommendation of the rules (recommendation_texts.json)")
        if problems:
            raise RulesError("\n".join(f"{source}: {problem}" for problem in problems), hint="urgencies and levels are those of rules/ruleset.json (scales)")

    # -- cards --------------------------------------------------------------------------------

    def cards(self, call: HookCall, record: Record, screened: Screened) -> list[dict[str, Any]]:
        """The cards answering one hook call: one, about the screen."""
        if screened.entry is None:
            return [self._not_screened(screened)]
        return [self._result_card(call, record, screened, screened.entry)]

    def _result_card(self, call: HookCall, record: Record, screened: Screened, entry: Mapping[str, Any]) -> dict[str, Any]:
        indicator = self.spec["indicator_by_urgency"][entry["urgency"]]
        if (_failed(record, entry, screened) or screened.labs_left_unanswered) and indicator == "info":
            # Never the quietest indicator when a search failed or the newest result could not be
            # used: what could not be read may be dangerous (a potassium flagged critical low).
            indicator = "warning"
        card: dict[str, Any] = {
            "uuid": str(uuid.uuid4()),
            "summary": self.summary(entry, screened, record),
            "indicator": indicator,
            "detail": self.detail(entry, record, screened),
            "source": self.source(),
        }
        suggests = self._suggests_test(entry) and not record.test_ordered
        if suggests:
            card["suggestions"] = [self.test_suggestion(call, entry)]
            card["selectionBehavior"] = "at-most-one"
        # Offered when the card is dismissed, so that the EHR's feedback says why in our codes.
        card["overrideReasons"] = override_reasons(self.context, suggests)
        return card

    def _not_screened(self, screened: Screened) -> dict[str, Any]:
        count = len(screened.problems)
        lines = ["**This record could not be screened.** Nothing is guessed: the EHR data below need correcting first.", ""]
        lines += [f"- {escape(problem.path)}: {escape(problem.message)}" for problem in screened.problems[:20]]
        if count > 20:
            lines.append(f"- and {count - 20} more")
        lines += ["", escape(self.ruleset.disclaimer)]
        return {
            "uuid": str(uuid.uuid4()),
            "summary": _fit([f"Mg/K depletion screen: not screened, {count} problem{'s' if count != 1 else ''} in the EHR data"]),
            # Never the quietest indicator: the record may hold a dangerous value it could not read.
            "indicator": "warning",
            "detail": "\n".join(lines),
            "source": self.source(),
        }

    def source(self) -> dict[str, Any]:
        mapping = self.context.mapping
        topic = self.spec["topic"]
        return {
            "label": f"{self.ruleset.name} {self.ruleset.version}"
            if self.ruleset.shipped
            else f"custom rules from {self.ruleset.custom_folder} (not the rules shipped with mgk-screen)",
            "topic": {"system": f"{mapping.canonical_base}/CodeSystem/cds-topics", "code": topic["code"], "display": topic["display"]},
        }

    def summary(self, entry: Mapping[str, Any], screened: Screened, record: Record | None = None) -> str:
        """One sentence under 140 characters: what the order changes, or the levels; the urgency.
        When a search of the record failed, that comes first (with what the rest raises)."""
        failed = _failed(record, entry, screened) if record is not None else {}
        if failed:
            unread = f"Mg/K depletion screen: could not read {', '.join(unread_words(failed, short=True))} from the EHR, so no reassurance"
            raised = [f"{_SHORT_NAMES[name]} {entry[name]}" for name in self._raised(entry)]
            return _fit([unread, *(_commas([f"; from what was read: {raised[0]}", *raised[1:]]) if raised else [])])
        data = _DATA_NOTE[entry["coverage"]]
        if screened.labs_left_unanswered:
            # The newest result the lab gave no number for (flagged critical low, perhaps) comes first.
            labs = "; ".join(f"newest {lab} {short}: ask the lab" for lab, (_, short) in screened.labs_left_unanswered.items())
            return _fit([f"Mg/K depletion screen{data}: {labs}", f"; urgency: {entry['urgency']}", f"; combined {entry['combined_depletion']}"])
        before = screened.before
        if before is not None:
            # What rose, the headline and the urgency first: as many as the summary holds.
            changes = [
                f"{_SHORT_NAMES[name]} {before[name]} → {entry[name]}"
                for name in _SHORT_NAMES
                if self._rank(name, entry[name]) > self._rank(name, before[name])
            ]
            if changes:
                ordered = self._ordered_names(entry, screened)
                return _fit([f"With {ordered} ordered, the Mg/K screen rises{data}: ", *_commas(changes)])
        if entry["coverage"] == "none":
            raised = [f"{_SHORT_NAMES[name]} {entry[name]}" for name in self._raised(entry)]
            if not raised:
                return _fit(["Mg/K depletion screen: not enough EHR data to screen (no level given: the record says too little)"])
            return _fit([f"Mg/K depletion screen{data}: ", *_commas(raised)])
        note = Headline.of(entry, few_words=_FEW_DATA).note()
        combined = f"combined {entry['combined_depletion']}" + (f" ({note})" if note else "")
        parts = f"; magnesium {entry['magnesium_depletion']}, potassium {entry['potassium_depletion']}"
        said = [f"Mg/K depletion screen{data}: ", combined, parts, f"; urgency: {entry['urgency']}"]
        if len("".join(said)) > SUMMARY_LIMIT:
            del said[2]  # the parts go first (the note names any that matters), never the urgency
        return _fit(said)

    def _raised(self, entry: Mapping[str, Any]) -> list[str]:
        """The levels above the lowest of their scale: all a screen with no coverage may show (a
        lowest level there rests on nothing, and must not read as reassurance)."""
        order = ("combined_depletion", "magnesium_depletion", "potassium_depletion", "urgency")
        return [name for name in order if self._rank(name, entry[name]) > 0]

    def _rank(self, scale: str, value: str) -> int:
        return self.ruleset.scales[scale].rank(value)

    def _ordered_names(self, entry: Mapping[str, Any], screened: Screened) -> str:
        """The medicines ordered, by the vocabulary's names when it knows them ("salbutamol
        (albuterol)" when ordered as salbutamol)."""
        names = []
        for ordered in screened.ordered:
            recognised = next((m for m in entry.get("medications_recognised", []) if m.get("input") == ordered), None)
            # one name per medicine, though a medicine of two classes is matched once for each
            generics = list(dict.fromkeys(drug_name(match) for match in (recognised or {}).get("matches", [])))
            names.append(" with ".join(generics) if generics else _clip(ordered, 40))
        names = list(dict.fromkeys(names))
        if len(names) > 2:
            return f"{names[0]} and {len(names) - 1} other medicines"
        return " and ".join(names) or "this order"

    # -- detail -------------------------------------------------------------------------------

    def detail(self, entry: Mapping[str, Any], record: Record, screened: Screened) -> str:
        """The card's detail, in GitHub Flavored Markdown."""
        # What could not be read is said first (after a red flag), never as if the record were silent:
        # a search that failed, and a newest result that could not be used (no older one stood in).
        lead = [_unread_text(_failed(record, entry, screened)), _unanswered_text(screened)]
        headline = self._headline(entry)
        parts = [headline, *lead] if entry.get("red_flags") else [*lead, headline]
        parts += [self._coverage_text(entry, record), _no_data_text(record)]
        shown = {text for text, _ in screened.labs_left_unanswered.values()}
        if screened.before is not None:
            parts.append(self._order_text(entry, screened))
        parts += [
            _section("Why (the rules that fired)", self._why(entry)),
            _section("Read from the EHR record", self._read(screened, record)),
            _section("Recommendations (as the screen words them for the person)", [escape(r["text"]) for r in listed_advice(entry.get("recommendations"))]),
            _section("Warnings", [escape(text) for text in entry.get("warnings", []) if text not in shown]),
            _section("Not read", [escape(note) for note in record.notes]),
        ]
        if record.test_ordered:
            parts.append(f"A {escape(self.spec['suggest_test']['text'].lower())} test is already among the orders being placed.")
        ruleset = entry["ruleset"]
        if ruleset.get("custom_folder"):
            named = f"**Made with {escape(self.ruleset.in_words)}**"
        else:
            named = escape(f"{ruleset['name']} {ruleset['version']}")
        parts.append(f"*{named} (SHA-256 {ruleset['sha256'][:12]}).* {escape(entry['disclaimer'])}")
        return "\n\n".join(part for part in parts if part)

    def _headline(self, entry: Mapping[str, Any]) -> str:
        red_flags = entry.get("red_flags") or []
        lines = []
        if red_flags:
            lines.append("**Red flag: " + escape(", ".join(self.words.red_flag(code) for code in red_flags)) + ".**")
        if entry["coverage"] == "none":
            lines.append(self._headline_without_coverage(entry))
            return "\n\n".join(line for line in lines if line)
        lines.append(
            f"**{escape(Headline.of(entry, few_words=_FEW_DATA).text(capitals=False, not_answered=False))}** "
            f"(magnesium {entry['magnesium_depletion']}, potassium {entry['potassium_depletion']}). "
            f"Urgency: **{entry['urgency']}** ({escape(entry['urgency_text'])})."
        )
        if recent := recent_results(entry.get("recommendations")):
            lines.append(escape(recent))  # why the urgency may be lower than the levels (clinical review 6)
        return "\n\n".join(lines)

    def _headline_without_coverage(self, entry: Mapping[str, Any]) -> str:
        """With coverage none, only what the record raises (the coverage text that follows says
        why no other level is given)."""
        raised = self._raised(entry)
        levels = [f"{self.ruleset.scales[name].label} {entry[name]}" for name in raised if name != "urgency"]
        said = [f"**What the record holds raises:** {', '.join(levels)}."] if levels else []
        if "urgency" in raised:
            said.append(f"Urgency: **{entry['urgency']}** ({escape(entry['urgency_text'])}).")
        return " ".join(said)

    def _coverage_text(self, entry: Mapping[str, Any], record: Record | None = None) -> str:
        """Coverage in screening terms: which core sections of the screen the record says nothing
        about (EHR data rarely hold alcohol, gut losses or symptoms), and what else it does not say.
        A section whose search failed is said as not read, never as one the record is silent on."""
        coverage = entry["coverage"]
        if coverage == "full":
            return ""
        unread = record.unread_sections() if record is not None else set()
        # A search cut short: what it read held none, which is not the record saying none.
        part = (record.cut_short_sections() - unread) if record is not None else set()
        unanswered = entry.get("unanswered_sections") or []
        missing = missing_core_sections(unanswered)
        core = {name for section in missing for name in CORE_SECTIONS[section]}
        missing_unread = [section for section in missing if unread.issuperset(CORE_SECTIONS[section])]
        missing_part = [section for section in missing if section not in missing_unread and (unread | part).issuperset(CORE_SECTIONS[section])]
        missing_silent = [section for section in missing if section not in missing_unread and section not in missing_part]
        said = [f"{in_words(missing_unread, CORE_SECTION_WORDS)} could not be read from the EHR"] if missing_unread else []
        said += [f"{in_words(missing_part, CORE_SECTION_WORDS)} could not all be read from the EHR (a search cut short)"] if missing_part else []
        said += [f"the record says nothing about {in_words(missing_silent, CORE_SECTION_WORDS)}"] if missing_silent else []
        why = "; ".join(said)
        why = why[:1].upper() + why[1:]
        if coverage == "none":
            text = (
                f"**Not enough EHR data to screen.** {why}, so no level is given where the record raises none: it would "
                "rest on nothing, and is no reassurance."
            )
        else:
            text = (
                f"**Screened from EHR data only: partial coverage.** {why}: those questions stay unanswered, so a lower "
                "screening level (possible or unlikely) does not rule out low magnesium or potassium."
            )
        others_unread = [self.words.section(code).lower() for code in unanswered if code not in core and code in unread]
        others_part = [self.words.section(code).lower() for code in unanswered if code not in core and code in part]
        others = [self.words.section(code).lower() for code in unanswered if code not in core and code not in unread and code not in part]
        if others_unread:
            text += f" Could not be read either: {escape(', '.join(others_unread))}."
        if others_part:
            text += f" Not all read (a search cut short), so left unanswered: {escape(', '.join(others_part))}."
        if others:
            text += f" Not in the record either: {escape(', '.join(others))}."
        return text + " Asking the person the remaining questions (`mgk-screen ask`, or the questionnaire page) completes the screen."

    def _order_text(self, entry: Mapping[str, Any], screened: Screened) -> str:
        before = screened.before
        assert before is not None
        return (
            f"**With the order being placed:** {self._ordered_counted(entry, screened)}. Without it: combined "
            f"{before['combined_depletion']}, magnesium {before['magnesium_depletion']}, potassium "
            f"{before['potassium_depletion']}; urgency {before['urgency']}."
        )

    def _ordered_counted(self, entry: Mapping[str, Any], screened: Screened) -> str:
        """Which of the medicines ordered the screen counts as taken, and which it does not (a name
        the vocabulary does not recognise, a form that acts locally)."""
        recognised = {m.get("input"): m for m in entry.get("medications_recognised", [])}
        counted, unknown, local = [], [], []
        for name in screened.ordered:
            match = recognised.get(name) or {}
            if not match.get("matches"):
                unknown.append(name)
            elif match.get("counted") is False:
                local.append(name)
            else:
                counted.append(name)
        said = [f"{escape(', '.join(counted))} counted as taken"] if counted else []
        said += [f"{escape(', '.join(unknown))} not recognised, so not counted (see Warnings)"] if unknown else []
        said += [f"{escape(', '.join(local))} a form that acts locally, so not counted"] if local else []
        return "; ".join(said) or "no medicine of the orders selected could be read, so none was counted (see Not read)"

    def _why(self, entry: Mapping[str, Any]) -> list[str]:
        titles = [finding["title"] for finding in entry.get("findings", []) if finding["rule"] not in self._recommending]
        return [escape(title) for title in dict.fromkeys(titles)]

    def _read(self, screened: Screened, record: Record) -> list[str]:
        """The answers read from the record; one a search that failed or was cut short would have
        added to (a condition found on the first page of several) says it was not all read."""
        from screener.reports.words import answer_rows

        partly = {self.words.field(section) for section in record.partly_read_sections() if section in screened.answers}
        return [
            f"{escape(question)}: {escape(answer)}" + (" (not all read from the EHR)" if question in partly else "")
            for question, answer in answer_rows(screened.answers, self.words)
        ]

    # -- the suggestion -----------------------------------------------------------------------

    def _suggests_test(self, entry: Mapping[str, Any]) -> bool:
        """At one of the levels, and, when the mapping names them, with a recommendation that
        advises the test: the rules leave it out when a current result is in the record, and an
        order suggestion must not offer a test the screen no longer advises."""
        suggest = self.spec["suggest_test"]
        if not any(entry.get(level) in values for level, values in suggest["when"].items()):
            return False
        if not self._test_advice:
            return True
        texts = [item.get("text", "") for item in entry.get("recommendations", [])]
        return any(pattern.fullmatch(text) for text in texts for pattern in self._test_advice)

    def test_suggestion(self, call: HookCall, entry: Mapping[str, Any]) -> dict[str, Any]:
        """Order the suggested lab test: a draft ServiceRequest coded as the mapping codes the lab."""
        suggest = self.spec["suggest_test"]
        codes = self.context.mapping.labs[suggest["lab"]]["codes"]
        reasons = [f"{self.ruleset.scales[level].label} {entry[level]}" for level in suggest["when"] if entry.get(level) in suggest["when"][level]]
        request = {
            "resourceType": "ServiceRequest",
            "status": "draft",
            "intent": "order",
            "category": [{"coding": [dict(suggest["category"])]}],
            "code": {"coding": [{"system": c["system"], "code": c["code"], "display": c["display"]} for c in codes], "text": suggest["text"]},
            "subject": {"reference": f"Patient/{call.patient_id}"},
            "reasonCode": [{"text": f"Screen (not a diagnosis): {', '.join(reasons)}"}],
        }
        return {
            "label": f"Order: {suggest['text']}",
            "uuid": str(uuid.uuid4()),
            "isRecommended": True,
            "actions": [{"type": "create", "description": f"Order a test: {suggest['text']} ({', '.join(reasons)} on screening)", "resource": request}],
        }


def _section(title: str, items: Sequence[str]) -> str:
    if not items:
        return ""
    return f"**{title}**\n\n" + "\n".join(f"- {line(item)}" for item in items)


def _commas(parts: Sequence[str]) -> list[str]:
    return [part if index == 0 else f", {part}" for index, part in enumerate(parts)]


def _fit(parts: Sequence[str]) -> str:
    """The parts joined, as many as fit under the limit (the first always, clipped if it must be)."""
    text = parts[0]
    for part in parts[1:]:
        if len(text) + len(part) > SUMMARY_LIMIT:
            break
        text += part
    return _clip(text, SUMMARY_LIMIT)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _failed(record: Record, entry: Mapping[str, Any], screened: Screened) -> dict[str, str]:
    """The searches that failed and matter to this person's screen (``Record.failed_that_matter``)."""
    return record.failed_that_matter(screened.answers, entry.get("unanswered_sections") or ()) if record.failed else {}


def _unanswered_text(screened: Screened) -> str:
    """The labs whose newest result could not be used, and why, each said in full: the level the
    screen gives is without it, and the lab's own answer (a flag of critical low) may be the most
    urgent thing in the record."""
    return "\n\n".join(
        f"**The most recent {lab} result was not used:** {escape(text)}."
        for lab, (text, _) in screened.labs_left_unanswered.items()
    )


def _unread_text(failed: Mapping[str, str]) -> str:
    """What could not be read from the record (searches that failed: ``Record.failed``), in plain
    words and why, and that the screen rests only on what was read: no reassurance."""
    if not failed:
        return ""
    reasons = list(dict.fromkeys(failed.values()))
    why = f": {escape(reasons[0])}" if len(reasons) == 1 else " (why each could not: Not read, below)"
    return (
        f"**Part of the record could not be read:** {escape(listed(unread_words(failed)))}{why}. This screen rests only "
        "on what was read, so it is no reassurance: what could not be read may hold a low result or a medicine that "
        "matters. Check those parts of the record, or open the chart again when the EHR can be read."
    )


def _no_data_text(record: Record) -> str:
    """The prefetch keys the EHR sent as null, said as what the EHR said (CDS Hooks: it has no
    data for them), and how the screen reads that: as an empty search result. Nothing is counted
    from it, and a question the record then holds nothing for stays unanswered: an EHR with no
    current medicines on file is not a person saying they take none."""
    said = []
    if "patient" in record.no_data:
        # A read of one resource, not a search: null says the EHR sent no Patient at all.
        said.append("**The EHR sent no Patient** (`patient`, prefetch null): the patient was not read, so age and sex stay unanswered.")
    searches = [key for key in record.no_data if key != "patient"]
    if searches:
        keys = ", ".join(f"`{key}`" for key in searches)
        why = "no medicine on file is not the same as taking none" if any(key.startswith("medication") for key in searches) else "nothing on file is not the same as none"
        said.append(
            f"**The EHR has no data for:** {keys} (prefetch null). Read as an empty search result: nothing is counted from "
            f"them, and a question the record holds nothing else for stays unanswered, since {why}."
        )
    return " ".join(said)
