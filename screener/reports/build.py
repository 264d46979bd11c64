"""The reports as a library: what the `report` command and `batch --report` call, and what a
notebook can call directly.

    from screener.reports import person_report, cohort_report_from_files, write_report
    write_report(person_report({"age": 72, "medications": ["Lasix"]}), "rita.html")
    write_report(cohort_report_from_files(["results.jsonl"]), "cohort.pdf")

For a cohort being screened right now (``batch --report``), count entries as they are written
with ``new_tally`` and ``CohortTally.add``, then call ``cohort_report``: nothing is read twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, BinaryIO

from screener.contract.result import entry_problems, is_result
from screener.errors import InputError
from screener.reports.cohort import LEVELS, URGENCIES, CohortTally
from screener.reports.render import render, require_reports

if TYPE_CHECKING:
    from screener.reports.words import Words
    from screener.screening.pipeline import Screener
    from screener.screening.ruleset import Ruleset

#: Result fields a report cannot do without (everything else is read with a default).
_REQUIRED = ("combined_depletion", "magnesium_depletion", "potassium_depletion", "urgency")


def words_for(ruleset: Ruleset) -> Words:
    """The plain words of a rule folder (its questionnaire, when it has one)."""
    from screener.errors import RulesError
    from screener.interview.questionnaire import Questionnaire
    from screener.reports.words import Words

    try:
        questionnaire = Questionnaire.load(None if ruleset.folder == "rules" else ruleset.folder)
    except RulesError:  # a rule folder made for batch use only: fall back to the fact labels
        questionnaire = None
    return Words.from_rules(ruleset, questionnaire)


def person_report(
    value: Any,
    *,
    screener: Screener | None = None,
    generated: datetime | None = None,
    source: str = "the input",
    summary: bool = False,
) -> str:
    """One person's report as a self-contained HTML page. ``value`` is an answers object (screened
    here first; raises ``InvalidAnswers`` when it is not valid), one person's FHIR record (a
    QuestionnaireResponse, or a patient's resources: read as `screen` reads them), or a result,
    as ``mgk-screen screen --json`` and ``batch`` write them. The findings of a lean result
    (batch's default) are explained from the screener's rules, which must be the ones it names
    (else ``InputError``). With ``summary``, the one-page summary for a clinic: the same headline,
    advice and clinician's summary, and one short line per finding instead of the explanations,
    mechanisms, sources and answers."""
    require_reports()
    from screener.fhir.records import fhir_result_and_answers, is_fhir
    from screener.reports.person import person_view, rule_raises

    if screener is None:
        from screener.screening.pipeline import Screener

        screener = Screener()
    record_as_of = None
    if is_fhir(value):  # the result with the warnings reading the record gave, and its answers
        record_as_of = screener.as_of or date.today()  # the reference date reading the record takes
        screened, answers = fhir_result_and_answers(screener, value)
        result = screened.model_dump(mode="json", exclude_none=True)
    elif is_result(value):
        result, answers = screener.findings.hydrate(check_result(value, source), source), None
    else:
        result = screener.screen(value).model_dump(mode="json", exclude_none=True)
        answers = value
    ruleset = screener.ruleset
    view = person_view(
        result,
        words_for(ruleset),
        answers=answers,
        generated=generated,
        urgency_text=ruleset.urgency_text,
        step_labels=dict(ruleset.steps),
        raises=rule_raises(ruleset),
        record_as_of=record_as_of,
    )
    title = "Screening summary" if summary else "Screening result"
    return render("person_summary.html" if summary else "person.html", person=view, title=f"{title} for {view.id}" if view.named else title)


def check_result(value: Mapping[str, Any], source: str = "the input") -> Mapping[str, Any]:
    """A result, or an ``InputError`` saying why it cannot be reported on."""
    if value.get("status") == "invalid":
        given = value.get("errors")
        errors = given if isinstance(given, list) else []
        listed = "; ".join(f"{e.get('path')}: {e.get('message')}" for e in errors[:5] if isinstance(e, Mapping))
        raise InputError(f"{source}: this record was not screened because it is invalid ({listed or 'no errors given'})")
    if value.get("status") != "screened":
        raise InputError(f"{source}: unknown status {str(value.get('status'))[:40]!r}; expected a result from mgk-screen")
    allowed = {"combined_depletion": LEVELS, "magnesium_depletion": LEVELS, "potassium_depletion": LEVELS, "urgency": URGENCIES}
    wrong = [name for name in _REQUIRED if value.get(name) not in allowed[name]]
    if wrong:
        raise InputError(
            f"{source}: not a complete result: {', '.join(wrong)} missing or not a known value",
            hint="give the answers file, or a result written by `mgk-screen screen --json` or `batch`",
        )
    problems = entry_problems(value)
    if problems:
        listed = "\n".join(f"  {problem.path}: {problem.message}" for problem in problems[:_PROBLEMS_SHOWN])
        more = f"\n  and {len(problems) - _PROBLEMS_SHOWN} more" if len(problems) > _PROBLEMS_SHOWN else ""
        raise InputError(
            f"{source}: {_record_named(value)}is not a result as mgk-screen writes one (it does not match the "
            f"result schema), so no report was made of it{_urgency_said(value)}:\n{listed}{more}",
            hint="a result file changed by hand or by another program: screen the answers again, or see `mgk-screen schema result`",
        )
    return value


#: Problems of a damaged result named in the message refusing it.
_PROBLEMS_SHOWN = 10


def _urgency_said(value: Mapping[str, Any]) -> str:
    """For a damaged result that says the person needs care soon: that it says so (red flags first,
    even from a file that cannot be reported on)."""
    urgency = value.get("urgency")
    return f" (it gives urgency {urgency}: screen the answers again to see why)" if urgency in ("emergency", "urgent") else ""


def _record_named(value: Mapping[str, Any]) -> str:
    """"record 'rita' " (its id, if it has one as text), for a message naming what was refused."""
    identifier = value.get("id")
    if not isinstance(identifier, str) or not identifier:
        return "the record "
    return f"record {identifier if len(identifier) <= 60 else identifier[:57] + '...'!r} "


def new_tally(ruleset: Ruleset, *, most_urgent: int = 100, first_invalid: int = 50) -> CohortTally:
    """An empty cohort tally, with lab values rounded as ``ruleset`` rounds them."""
    ranges = {
        lab: (int(spec["decimals"]), (float(spec["plausible_mmol_per_l"][0]), float(spec["plausible_mmol_per_l"][1])))
        for lab, spec in ruleset.lab_units.items()
    }
    urgency_raised = {rule.id: str(rule.then["raise"]["urgency"]) for rule in ruleset.rules if "urgency" in rule.then.get("raise", {})}
    normal = {
        lab: (float(spec["normal_mmol_per_l"][0]), float(spec["normal_mmol_per_l"][1]))
        for lab, spec in ruleset.lab_units.items()
        if "normal_mmol_per_l" in spec
    }
    return CohortTally(
        ranges, most_urgent=most_urgent, first_invalid=first_invalid, urgency_raised=urgency_raised, normal_ranges=normal
    )


def tally_files(
    inputs: Sequence[str], ruleset: Ruleset, *, stdin: BinaryIO | None = None, most_urgent: int = 100, first_invalid: int = 50
) -> CohortTally:
    """Count batch output files (JSON Lines, a JSON array, one result per file, or folders of
    them), streaming: one record in memory at a time. Raises ``InputError`` when nothing in them
    is a batch result."""
    from screener.batch.readers import UnreadableRecord, UnreadableSource, iter_records

    tally = new_tally(ruleset, most_urgent=most_urgent, first_invalid=first_invalid)
    for item in iter_records(inputs, stdin=stdin):
        if isinstance(item, UnreadableSource):
            if not item.note:  # a remark on a file read as far as it goes, not a fault
                tally.add_unreadable_source(item.source, item.message)
        elif isinstance(item, UnreadableRecord):
            tally.add_unreadable_record(item.source, item.position, item.message)
        else:
            tally.add_read(item.value, item.source, item.position)
    if tally.screened + tally.invalid == 0:
        names = ", ".join(inputs)
        if tally.damaged:
            raise InputError(
                f"{names}: holds no results that can be reported on: {tally.damaged:,} of {tally.records:,} records are not "
                f"results as mgk-screen writes them (first: {tally.damaged_listed[0]})",
                hint="a results file changed by hand or by another program: screen the answers again, or see `mgk-screen schema result`",
            )
        if tally.records:
            raise InputError(
                f"{names}: holds no batch results ({tally.records:,} records, none with a status)",
                hint="report --cohort reads what `mgk-screen batch` writes; screen answers with batch first",
            )
        raise InputError(f"{names}: no records could be read" + (f" ({tally.unreadable_sources[0]})" if tally.unreadable_sources else ""))
    return tally


def cohort_report(
    tally: CohortTally,
    ruleset: Ruleset,
    *,
    sources: Sequence[str] = (),
    title: str = "Cohort screening report",
    generated: datetime | None = None,
) -> str:
    """The cohort report of a tally as a self-contained HTML page (charts inline as SVG)."""
    require_reports()
    from screener.reports.cohort_view import cohort_view

    view = cohort_view(tally, ruleset, words_for(ruleset), sources=sources, title=title, generated=generated)
    return render("cohort.html", cohort=view, title=title)


def cohort_report_from_files(
    inputs: Sequence[str], ruleset: Ruleset | None = None, *, generated: datetime | None = None
) -> str:
    """Count batch output files and make their cohort report (see ``tally_files``)."""
    if ruleset is None:
        from screener.screening.ruleset import load_ruleset

        ruleset = load_ruleset()
    tally = tally_files(inputs, ruleset)
    return cohort_report(tally, ruleset, sources=inputs, generated=generated)


def cohort_report_from_entries(entries: Iterable[Mapping[str, Any]], ruleset: Ruleset, **options: Any) -> str:
    """Make a cohort report from entries already in memory (or any iterable of them)."""
    tally = new_tally(ruleset)
    for position, entry in enumerate(entries, start=1):
        tally.add_read(entry, "the entries given", position)
    return cohort_report(tally, ruleset, **options)
