"""A cohort of batch results, counted in one pass with bounded memory.

``CohortTally.add`` takes one batch entry at a time (a screened result or an invalid record, as
``mgk-screen batch`` writes them) and keeps only counts, the lab values rounded as the ruleset
rounds them (a few hundred distinct values at most), the ``most_urgent`` records that need care
soonest (each with the ids of the rules that set its urgency, so the report can say why) and the
``first_invalid`` invalid records. So a results file of any length is counted in
the same memory: nothing grows with the number of records except the counts themselves.

Fields are read with defaults, so results written before a field existed (``coverage`` came in
contract version 2) are still counted: a missing coverage is counted as "not recorded".
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, get_args

from screener.contract.result import Level, Urgency, entry_problems
from screener.headline import level_shown, urgency_shown

#: Contract values, lowest first (the result contract fixes them; the ruleset's scales follow it).
LEVELS: Final = get_args(Level)
URGENCIES: Final = get_args(Urgency)
COVERAGES: Final = ("full", "partial", "none")
NOT_RECORDED: Final = "not recorded"
#: The rules that make a record "routine" for the screen's scope (dialysis) or for answers it could
#: not read (a medicine name), not for what the answers say: a record made routine by these alone is
#: counted apart ("routine for scope or unreadable answers", review 6 W4). Being under 18 no longer
#: makes a record routine (review 6 O6: it only warns).
ROUTINE_FOR_SCOPE: Final = frozenset({"routine_dialysis", "routine_medicine_not_read_may_matter"})
#: Urgencies listed one by one in "needs care soonest", most urgent first.
CARE_SOONEST: Final = ("emergency", "urgent", "soon")
LEVEL_SCALES: Final = ("combined_depletion", "magnesium_depletion", "potassium_depletion")
_MAX_TEXT = 300  # characters of one error message or id kept for the report
_MAX_ERRORS_SHOWN = 10
_MAX_NAMES = 50  # distinct rulesets, unreadable sources...
#: What a damaged entry is, first among its errors in "Records that were not screened".
DAMAGED_WORDS = (
    "not a result as mgk-screen writes one (it does not match the result schema, mgk-screen schema result): "
    "not counted, as what it says cannot be trusted"
)


@dataclass(frozen=True)
class ListedRecord:
    """A record in the "needs care soonest" table."""

    id: str
    source: str | None
    position: int | None
    urgency: str
    combined_depletion: str
    magnesium_depletion: str
    potassium_depletion: str
    red_flags: tuple[str, ...]
    coverage: str
    urgency_rules: tuple[str, ...] = ()
    """The rules that set the urgency: those of the entry's findings that raise it to this level."""
    urgency_labs: tuple[tuple[str, float], ...] = ()
    """The lab values (fact, mmol/L) those rules fired on: a potassium of 6.7 says more than the rule's range."""
    out_of_range: bool = False
    """A lab result the rules used is outside its normal range: listed first within its urgency."""

    @property
    def order(self) -> tuple[int, int, int]:
        """Within an urgency, what lists a record higher: a result out of the normal range, then the
        combined level, then the higher of the two parts (smaller is higher)."""
        parts = max(_level_rank(self.magnesium_depletion), _level_rank(self.potassium_depletion))
        return (not self.out_of_range, -_level_rank(self.combined_depletion), -parts)


@dataclass(frozen=True)
class ListedInvalid:
    """An invalid record (or a line that was not a result), with its first errors."""

    id: str | None
    source: str | None
    position: int | None
    errors: tuple[tuple[str, str], ...]
    more_errors: int
    red_flags: tuple[str, ...] = ()
    """The red flags it reports now (an invalid record's ``red_flags``): listed first."""


@dataclass
class LabTally:
    lab: str
    decimals: int
    plausible: tuple[float, float]
    used: Counter[float] = field(default_factory=Counter)
    not_used: Counter[str] = field(default_factory=Counter)
    outside_range: int = 0

    def add(self, lab: Mapping[str, Any]) -> None:
        value = _number(lab.get("mmol_per_l"))
        if value is None or lab.get("below") is not None or lab.get("above") is not None:
            return  # a result given only as a bound ("<2.5") has no value to count
        if lab.get("used") is False:
            self.not_used[_text(lab.get("reason")) or "not used"] += 1
            return
        low, high = self.plausible
        if not low <= value <= high:  # only a hand-edited file; kept out so the tally stays bounded
            self.outside_range += 1
            return
        self.used[round(value, self.decimals)] += 1

    @property
    def used_count(self) -> int:
        return sum(self.used.values())


class CohortTally:
    """Counts over a cohort of batch entries, one entry at a time (see the module notes)."""

    def __init__(
        self,
        lab_ranges: Mapping[str, tuple[int, tuple[float, float]]],
        *,
        most_urgent: int = 100,
        first_invalid: int = 50,
        urgency_raised: Mapping[str, str] | None = None,
        normal_ranges: Mapping[str, tuple[float, float]] | None = None,
    ) -> None:
        """``lab_ranges``: for each lab, the decimals its mmol/L values are rounded to and its
        plausible range (from the ruleset's ``lab_units``). ``urgency_raised``: the urgency each
        rule raises, by rule id (the rules' ``raise``), to name why a listed record is urgent."""
        self.most_urgent = most_urgent
        self.urgency_raised = dict(urgency_raised or {})
        self.normal_ranges = dict(normal_ranges or {})
        self.first_invalid = first_invalid
        self.records = 0
        self.screened = 0
        self.invalid = 0
        self.invalid_with_red_flags = 0
        """Invalid records that report red flags now: each is listed, however many are invalid."""
        self.not_results = 0
        self.levels: dict[str, Counter[str]] = {scale: Counter() for scale in LEVEL_SCALES}
        self.urgency: Counter[str] = Counter()
        self.coverage: Counter[str] = Counter()
        self.risk_factors: Counter[str] = Counter()
        self.red_flags: Counter[str] = Counter()
        self.red_flags_unanswered = 0
        """Screened records that left the red-flag question (happening now) unanswered: no red
        flag found there is unknown, not none."""
        self.recommendations: Counter[str] = Counter()
        self.consult_clinician = 0
        self.labs = {lab: LabTally(lab, decimals, plausible) for lab, (decimals, plausible) in lab_ranges.items()}
        # name, version, sha256 and, for custom rules, their folder (empty for the shipped rules)
        self.rulesets: Counter[tuple[str, str, str, str]] = Counter()
        self.unreadable_sources: list[str] = []
        self.damaged = 0
        """Entries read back that are not results as mgk-screen writes them (``add_read``): counted
        among ``not_results``, and named."""
        self.damaged_listed: list[str] = []
        """The first damaged entries, each "file, record N ('id'): $.path: what is wrong"."""
        self.unreadable_source_count = 0
        self.care_soonest: Counter[str] = Counter()
        self.routine_for_scope = 0
        """Routine records made routine only by ``ROUTINE_FOR_SCOPE`` rules (a child, dialysis, a
        medicine name not read), not by what the answers say."""
        self.invalid_listed: list[ListedInvalid] = []
        self._urgent_heap: list[tuple[int, tuple[int, ...], int, ListedRecord]] = []
        self._sequence = 0

    # -- adding -------------------------------------------------------------------------------
    def add_all(self, entries: Iterable[Mapping[str, Any]]) -> CohortTally:
        for entry in entries:
            self.add(entry)
        return self

    def add(self, entry: Mapping[str, Any] | Any) -> None:
        """Count one batch entry: a screened result, an invalid record, or anything else (counted
        as "not a result", with what was wrong)."""
        self.records += 1
        self._sequence += 1
        status = entry.get("status") if isinstance(entry, Mapping) else None
        if status == "screened" and entry.get("combined_depletion") in LEVELS and entry.get("urgency") in URGENCIES:
            self._add_screened(entry)
        elif status == "invalid":
            self.invalid += 1
            errors = [
                (_text(error.get("path")), _text(error.get("message")))
                for error in _items(entry.get("errors"))
                if isinstance(error, Mapping)
            ]
            red_flags = tuple(_cut(_text(flag)) for flag in _items(entry.get("red_flags")))
            self.invalid_with_red_flags += bool(red_flags)
            self._list_invalid(entry, errors, red_flags)
        else:
            self.not_results += 1
            self._list_invalid(entry if isinstance(entry, Mapping) else {}, [("$", _not_a_result(entry))])

    def add_read(self, entry: Mapping[str, Any] | Any, source: str | None = None, position: int | None = None) -> None:
        """Count one entry read back from a file (or given by a caller), checked first against the
        result schema: a damaged one (red flags given as the text "fainting", a recommendation as a
        number) is counted as not a result, with each problem's path, never drawn as if it were
        whole ("Red flags none" beside an emergency). ``add`` takes entries batch has just made."""
        problems = entry_problems(entry) if isinstance(entry, Mapping) else []
        if not problems:
            self.add(entry)
            return
        self.records += 1
        self._sequence += 1
        self.not_results += 1
        self.damaged += 1
        identifier = entry.get("id")
        named = f" ({_cut(identifier)!r})" if isinstance(identifier, str) and identifier else ""
        place = f"{source or 'the input'}, record {position}{named}" if position is not None else f"{source or 'the input'}{named}"
        if len(self.damaged_listed) < _MAX_NAMES:
            first = problems[0]
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            self.damaged_listed.append(_cut(f"{place}: {first.path}: {first.message}{more}"))
        urgency = entry.get("urgency")
        said = [("$.urgency", f"it gives urgency {urgency}: screen the answers again to see why")] if urgency in CARE_SOONEST[:2] else []
        errors = [("$", DAMAGED_WORDS), *said, *((problem.path, problem.message) for problem in problems)]
        self._list_invalid({"id": identifier if isinstance(identifier, str) else None, "source": source, "position": position}, errors)

    def add_unreadable_record(self, source: str | None, position: int | None, message: str) -> None:
        """A line or element of a results file that is not JSON at all."""
        self.records += 1
        self._sequence += 1
        self.not_results += 1
        self._list_invalid({"source": source, "position": position}, [("$", message)])

    def add_unreadable_source(self, source: str, message: str) -> None:
        """A whole file that could not be read."""
        self.unreadable_source_count += 1
        if len(self.unreadable_sources) < _MAX_NAMES:
            self.unreadable_sources.append(_cut(f"{source}: {message}"))

    def _add_screened(self, entry: Mapping[str, Any]) -> None:
        self.screened += 1
        coverage = entry.get("coverage")
        # A reassuring level or urgency on no core answers is counted as "not screened", as
        # every door shows that person: a manager reading "unlikely 60%" is not reassured about
        # people who were never screened.
        for scale in LEVEL_SCALES:
            self.levels[scale][level_shown(_text(entry.get(scale)), coverage) or NOT_RECORDED] += 1
        urgency = entry["urgency"]
        self.urgency[urgency_shown(urgency, coverage)] += 1
        self.coverage[coverage if coverage in COVERAGES else NOT_RECORDED] += 1
        if entry.get("consult_clinician") is True:
            self.consult_clinician += 1
        self.risk_factors.update(set(_codes(entry.get("risk_factors"))))
        red_flags = tuple(dict.fromkeys(_codes(entry.get("red_flags"))))
        if "red_flags_now" in _codes(entry.get("unanswered_sections")):
            self.red_flags_unanswered += 1
        self.red_flags.update(red_flags)
        self.recommendations.update({_text(item.get("code")) for item in _items(entry.get("recommendations")) if isinstance(item, Mapping)})
        for lab in _items(entry.get("labs_used")):
            if isinstance(lab, Mapping) and lab.get("lab") in self.labs:
                self.labs[lab["lab"]].add(lab)
        ruleset = entry.get("ruleset")
        if isinstance(ruleset, Mapping):
            key = (
                _text(ruleset.get("name")), _text(ruleset.get("version")), _text(ruleset.get("sha256")),
                _text(ruleset.get("custom_folder") or ""),
            )
            if key in self.rulesets or len(self.rulesets) < _MAX_NAMES:
                self.rulesets[key] += 1
        if urgency == "routine":
            rules = self._why_urgent(entry, urgency)["urgency_rules"]
            if rules and all(rule in ROUTINE_FOR_SCOPE for rule in rules):
                self.routine_for_scope += 1
        if urgency in CARE_SOONEST:
            self.care_soonest[urgency] += 1
            self._list_urgent(entry, urgency, red_flags)

    @property
    def routine_for_answers(self) -> int:
        """Routine records made routine by what the answers say (not only by scope or unread names)."""
        return self.urgency.get("routine", 0) - self.routine_for_scope

    def _out_of_range(self, entry: Mapping[str, Any]) -> bool:
        """Whether a lab result the rules used lies outside its normal range (a bound past it too)."""
        for lab in _items(entry.get("labs_used")):
            if not isinstance(lab, Mapping) or lab.get("used") is False or lab.get("lab") not in self.normal_ranges:
                continue
            value = _number(lab.get("mmol_per_l"))
            low, high = self.normal_ranges[lab["lab"]]
            if value is None:
                continue
            if lab.get("below") is not None:
                if value <= low:
                    return True
            elif lab.get("above") is not None:
                if value >= high:
                    return True
            elif not low <= value <= high:
                return True
        return False

    def _list_urgent(self, entry: Mapping[str, Any], urgency: str, red_flags: tuple[str, ...]) -> None:
        # A min-heap of the records to list so far: the most urgent, within an urgency those with a
        # result out of range and higher levels (``ListedRecord.order``), earliest first among
        # equals. The key is (urgency rank, the order negated, minus the record's sequence number).
        out_of_range = self._out_of_range(entry)
        order = ListedRecord(
            "", None, None, urgency, _text(entry.get("combined_depletion")), _text(entry.get("magnesium_depletion")),
            _text(entry.get("potassium_depletion")), (), "", out_of_range=out_of_range,
        ).order
        key = (URGENCIES.index(urgency), tuple(-part for part in order), -self._sequence)
        if len(self._urgent_heap) >= self.most_urgent and key <= self._urgent_heap[0][:3]:
            return
        listed = ListedRecord(
            id=_cut(_text(entry.get("id"))),
            source=_cut(_text(entry.get("source"))) or None,
            position=_position(entry.get("position")),
            urgency=urgency,
            combined_depletion=_text(entry.get("combined_depletion")),
            magnesium_depletion=_text(entry.get("magnesium_depletion")),
            potassium_depletion=_text(entry.get("potassium_depletion")),
            red_flags=red_flags,
            coverage=_text(entry.get("coverage")) or NOT_RECORDED,
            **self._why_urgent(entry, urgency),
            out_of_range=out_of_range,
        )
        item = (key[0], key[1], key[2], listed)
        if len(self._urgent_heap) < self.most_urgent:
            heapq.heappush(self._urgent_heap, item)
        elif self.most_urgent > 0:
            heapq.heapreplace(self._urgent_heap, item)

    def _why_urgent(self, entry: Mapping[str, Any], urgency: str) -> dict[str, Any]:
        """The rules among the entry's findings (lean or full: both name the rule and its
        evidence) that raise the urgency to the level it has, each once in the order they fired,
        and the lab values in their evidence."""
        rules: dict[str, None] = {}
        labs: dict[tuple[str, float], None] = {}
        for finding in _items(entry.get("findings")):
            rule = _text(finding.get("rule")) if isinstance(finding, Mapping) else ""
            if not rule or self.urgency_raised.get(rule) != urgency:
                continue
            rules[_cut(rule)] = None
            for item in _items(finding.get("evidence")):
                value = _number(item.get("value")) if isinstance(item, Mapping) else None
                if value is not None and _text(item.get("fact")).endswith(".mmol_per_l"):
                    labs[(_cut(_text(item.get("fact"))), value)] = None
        return {"urgency_rules": tuple(rules), "urgency_labs": tuple(labs)}

    def _list_invalid(self, entry: Mapping[str, Any], errors: list[tuple[str, str]], red_flags: tuple[str, ...] = ()) -> None:
        # Red flags first: a record reporting them is listed past the limit too (up to it again).
        if len(self.invalid_listed) >= self.first_invalid and not (red_flags and len(self.invalid_listed) < 2 * self.first_invalid):
            return
        identifier = entry.get("id")
        self.invalid_listed.append(
            ListedInvalid(
                id=_cut(_text(identifier)) if identifier is not None else None,
                source=_cut(_text(entry.get("source"))) or None,
                position=_position(entry.get("position")),
                errors=tuple((_cut(path), _cut(message)) for path, message in errors[:_MAX_ERRORS_SHOWN]),
                more_errors=max(0, len(errors) - _MAX_ERRORS_SHOWN),
                red_flags=red_flags,
            )
        )

    # -- reading ------------------------------------------------------------------------------
    @property
    def not_screened(self) -> int:
        """Invalid records and entries that were not results at all."""
        return self.invalid + self.not_results

    def urgent_records(self) -> list[ListedRecord]:
        """The listed records that need care soonest: most urgent first; within an urgency, those
        with a result out of the normal range, then the higher levels (``ListedRecord.order``);
        then by id."""
        return sorted(
            (listed for *_, listed in self._urgent_heap),
            key=lambda record: (-URGENCIES.index(record.urgency), record.order, _natural(record.id)),
        )

    @property
    def urgent_not_listed(self) -> int:
        return sum(self.care_soonest.values()) - len(self._urgent_heap)

    @property
    def invalid_not_listed(self) -> int:
        return self.not_screened - len(self.invalid_listed)


def _level_rank(level: str) -> int:
    return LEVELS.index(level) if level in LEVELS else -1


def _number(value: object) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return None


def _text(value: object) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def _cut(text: str) -> str:
    return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 1] + "…"


def _position(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _items(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _codes(value: object) -> list[str]:
    return [item for item in _items(value) if isinstance(item, str)]


def _natural(identifier: str) -> list[tuple[int, int | str]]:
    """Sort key putting "p-2" before "p-10"."""
    return [(0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", identifier) if part]


def _not_a_result(entry: object) -> str:
    if not isinstance(entry, Mapping):
        return f"not a batch result: a JSON {type(entry).__name__}, expected an object with a status"
    if "status" not in entry:
        return "not a batch result (no status): is this an answers record? Screen it first with mgk-screen batch"
    if entry.get("status") == "screened":
        return "a screened result without valid combined_depletion and urgency values"
    return f"not a batch result: unknown status {_cut(_text(entry.get('status')))!r}"
