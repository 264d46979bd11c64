"""A counted cohort (``CohortTally``) put into the tables and charts of the cohort report.

Each section is a ``Figure``: a chart and the table of the same numbers, so the report reads
the same without images and on a screen reader. Thresholds come from the ruleset's rules
(``thresholds.lab_scales``), words from the rule folder (``words.Words``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from screener.contract.result import rules_in_words
from screener.headline import NOT_SCREENED, TOO_FEW_ANSWERS, level_shown
from screener.reports import charts
from screener.reports.cohort import (
    COVERAGES,
    LEVEL_SCALES,
    LEVELS,
    NOT_RECORDED,
    URGENCIES,
    CohortTally,
    ListedInvalid,
    ListedRecord,
)
from screener.reports.thresholds import Band, LabScale, Threshold
from screener.reports.when import moment_iso, moment_text
from screener.reports.words import Words, plain, sentence

if TYPE_CHECKING:
    from screener.screening.ruleset import Ruleset


@dataclass(frozen=True)
class Cell:
    count: int
    share: str


@dataclass(frozen=True)
class Row:
    label: str
    cells: tuple[Cell, ...]
    code: str = ""


@dataclass(frozen=True)
class Figure:
    """A chart and the table of its numbers: a label column, then one column per heading in
    ``columns``, each cell a count and its share."""

    key: str
    heading: str
    intro: str
    chart: charts.Chart
    label_heading: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class LabFigure:
    figure: Figure
    scale: LabScale
    bands: tuple[Band, ...]
    thresholds: tuple[Threshold, ...]
    values: tuple[tuple[str, int], ...]
    not_used: tuple[tuple[str, int], ...]
    outside_range: int
    results_used: int


@dataclass(frozen=True)
class Places:
    """Where each record of a list is. When every one comes from the same file, the file is
    named once above the list (``source``) and each row says only "record 12": the same path on
    every row took most of a printed row's lines."""

    source: str | None
    cells: tuple[tuple[str, str], ...]
    """(file, "record 12") per record: the file only when the list has several, either may be ""."""


def places(records: Sequence[ListedRecord | ListedInvalid]) -> Places:
    sources = {record.source for record in records}
    several = len(sources) > 1
    return Places(
        None if several else next(iter(sources), None),
        tuple(((record.source or "") if several else "", _record_number(record.position)) for record in records),
    )


@dataclass(frozen=True)
class CohortView:
    title: str
    sources: tuple[str, ...]
    tally: CohortTally
    figures: tuple[Figure, ...]
    labs: tuple[LabFigure, ...]
    urgent_records: tuple[tuple[str, str, str, str, str, str], ...]
    """(id, urgency, why: the titles of the rules that set it, headline levels, red flags,
    coverage) per listed record."""
    urgent_places: Places
    invalid_places: Places
    rulesets: tuple[tuple[str, int], ...]
    generated: datetime
    disclaimer: str
    urgency_text: dict[str, str]

    @property
    def generated_text(self) -> str:
        """When the report was made, with its time zone: "29 November 2025, 10:30 UTC"."""
        return moment_text(self.generated)

    @property
    def generated_iso(self) -> str:
        return moment_iso(self.generated)

    @property
    def emergency_or_urgent(self) -> int:
        return self.tally.urgency.get("emergency", 0) + self.tally.urgency.get("urgent", 0)


def cohort_view(
    tally: CohortTally,
    ruleset: Ruleset,
    words: Words,
    *,
    sources: Sequence[str] = (),
    title: str = "Cohort screening report",
    generated: datetime | None = None,
) -> CohortView:
    screened = tally.screened
    background = background_factors(ruleset)
    scale_names = {name: sentence(ruleset.scales[name].label) if name in ruleset.scales else name for name in LEVEL_SCALES}
    figures = [
        _levels_figure(tally, scale_names),
        _counted_figure(
            "urgency",
            "How soon to see a clinician",
            "The most urgent advice each screened record got.",
            [(code, f"{code}: {ruleset.urgency_text.get(code, '')}".rstrip(": ")) for code in reversed(URGENCIES)]
            + ([(NOT_SCREENED, f"{TOO_FEW_ANSWERS}: no core section answered, so not enough to say")] if tally.urgency.get(NOT_SCREENED) else []),
            tally.urgency,
            screened,
            colours=charts.URGENCY_COLOURS,
        ),
        _counted_figure(
            "coverage",
            "How much of the screen was answered",
            "Full: all four core sections (medicines, alcohol, gut losses, symptoms) answered; partial: some; "
            "none: not enough answers to screen, so 'unlikely' there does not rule out low magnesium or potassium.",
            [(code, code) for code in (*COVERAGES, NOT_RECORDED) if code != NOT_RECORDED or tally.coverage.get(code)],
            tally.coverage,
            screened,
            colours=charts.COVERAGE_COLOURS,
        ),
        _prevalence_figure(
            "risk-factors",
            "Risk factors recognised",
            "Share of screened records in which each cause of loss was recognised (a record may have several). "
            "Background factors, which count only beside another factor, are listed apart below.",
            [(code, words.risk_factor(code)) for code, _ in tally.risk_factors.most_common() if code not in background],
            tally,
        ),
        _prevalence_figure(
            "background-factors",
            "Background factors",
            "Share of screened records with each background factor (such as age 65 or over): never enough on its own, "
            "it counts only beside a cause of loss.",
            [(code, words.risk_factor(code)) for code, _ in tally.risk_factors.most_common() if code in background],
            tally,
        ),
        _prevalence_figure(
            "red-flags",
            "Red flags, now or in the past two weeks",
            "Share of screened records with each red flag, happening now (told to seek emergency care) or in the past "
            "two weeks (told to contact a clinician today), counted together; a record may have several." + _red_flags_unanswered(tally, words),
            [(code, words.red_flag(code)) for code, _ in tally.red_flags.most_common()],
            tally,
            red=True,
        ),
    ]
    figures[1] = _routine_apart(figures[1], tally)
    labs = tuple(_lab_figure(scale, tally) for scale in _scales(ruleset, tally))
    listed = tally.urgent_records()
    return CohortView(
        title=title,
        sources=tuple(sources),
        tally=tally,
        figures=tuple(figures),
        labs=labs,
        urgent_records=tuple(
            (
                record.id,
                record.urgency,
                _why(record.urgency_rules, record.urgency_labs, ruleset, words),
                _levels(record.combined_depletion, record.magnesium_depletion, record.potassium_depletion, record.coverage),
                ", ".join(words.red_flag(code) for code in record.red_flags) or "none",
                record.coverage,
            )
            for record in listed
        ),
        urgent_places=places(listed),
        invalid_places=places(tally.invalid_listed),
        rulesets=tuple(
            (f"{rules_in_words(name, version, folder or None)} (sha256 {sha[:12]})", count)
            for (name, version, sha, folder), count in tally.rulesets.most_common()
        ),
        generated=generated or datetime.now().astimezone(),
        disclaimer=ruleset.disclaimer,
        urgency_text=dict(ruleset.urgency_text),
    )


def _levels(combined: str, magnesium: str, potassium: str, coverage: str) -> str:
    """A listed record's levels, as the charts count them: "unlikely" on too few answers
    (coverage none) is "too few answers", as in the charts and the batch summary (the person's own
    result says "not screened (too few answers)"; "not screened" in a cohort is an invalid record)."""
    shown = [_SHOWN.get(level, level) for level in (level_shown(level, coverage) for level in (combined, magnesium, potassium))]
    if all(level == TOO_FEW_ANSWERS for level in shown):
        return f"{TOO_FEW_ANSWERS}: no core section answered, so not enough to say"
    return f"{shown[0]} (Mg {shown[1]}, K {shown[2]})"


_SHOWN = {NOT_SCREENED: TOO_FEW_ANSWERS}
"""How a cohort's counts name a count: a screened record with no core section answered is counted
as "too few answers" (``NOT_SCREENED`` in the tally), as the batch summary names it; the report
keeps "not screened" for the records that could not be read."""


BACKGROUND_GROUP = "rf_bg"
"""The evidence group of background factors (rules/ruleset.json ``evidence_groups``)."""


def background_factors(ruleset: Ruleset) -> frozenset[str]:
    """The risk factor codes that are only background factors (age, a poor diet): the rules count
    them in the background group alone, never as a cause of loss."""
    groups: dict[str, set[str]] = {}
    for rule in ruleset.rules:
        evidence = rule.then.get("evidence") if isinstance(rule.then, dict) else None
        for item in evidence if isinstance(evidence, list) else [evidence] if isinstance(evidence, dict) else []:
            if isinstance(item, dict) and isinstance(item.get("code"), str):
                groups.setdefault(item["code"], set()).update(item.get("groups") or ())
    return frozenset(code for code, named in groups.items() if named == {BACKGROUND_GROUP})


ROUTINE_FOR_ANSWERS = "routine because of the answers"
ROUTINE_FOR_SCOPE_WORDS = "routine for scope or unreadable answers (dialysis, a medicine name not read)"


def _routine_apart(figure: Figure, tally: CohortTally) -> Figure:
    """The urgency table with its routine records split: those the answers make routine, and those
    made routine only by the screen's scope or a medicine name it could not read (two rows under
    "routine"; the chart keeps one bar per urgency)."""
    rows: list[Row] = []
    for row in figure.rows:
        rows.append(row)
        if row.code == "routine" and tally.urgency.get("routine"):
            rows.append(Row(f"of which {ROUTINE_FOR_ANSWERS}", (_cell(tally.routine_for_answers, tally.screened),), "routine-answers"))
            rows.append(Row(f"of which {ROUTINE_FOR_SCOPE_WORDS}", (_cell(tally.routine_for_scope, tally.screened),), "routine-scope"))
    return dataclasses.replace(figure, rows=tuple(rows))


def _why(rules: Sequence[str], labs: Sequence[tuple[str, float]], ruleset: Ruleset, words: Words) -> str:
    """Why a record is urgent: the titles of the rules that set its urgency, then the lab values
    they fired on ("Potassium result below 2.5, or 6.5 or more, recent or undated (Serum potassium 6.7 mmol/L)")."""
    titles = "; ".join(_rule_title(ruleset, rule) for rule in rules)
    values = ", ".join(f"{sentence(words.fact_labels.get(fact, fact))} {plain(value)} mmol/L" for fact, value in labs)
    return f"{titles} ({values})" if values else titles


def _rule_title(ruleset: Ruleset, rule_id: str) -> str:
    """A rule's title; a rule this ruleset does not have (a result from other rules) by its id."""
    try:
        return ruleset.rule(rule_id).title
    except KeyError:
        return rule_id


def _record_number(position: int | None) -> str:
    return f"record {position:,}" if position is not None else ""


def _cell(count: int, total: int) -> Cell:
    return Cell(count, charts.percent(count, total))


def _levels_figure(tally: CohortTally, scale_names: dict[str, str]) -> Figure:
    rows = {scale_names[scale]: tally.levels[scale] for scale in LEVEL_SCALES}
    order = [level for level in reversed(LEVELS)]
    # "Unlikely" on too few answers is counted as "too few answers" (each person is shown "not
    # screened (too few answers)"). The chart shows it as a part of each bar; the table keeps its
    # three level columns (a fourth does not fit a phone's width) and the text gives the number.
    thin = tally.levels[LEVEL_SCALES[0]].get(NOT_SCREENED, 0)
    drawn = [*order, TOO_FEW_ANSWERS] if any(tally.levels[scale].get(NOT_SCREENED) for scale in LEVEL_SCALES) else order
    short = dict(zip(LEVEL_SCALES, ("Combined", "Magnesium", "Potassium"), strict=True))
    named = {short[scale]: {_SHOWN.get(level, level): count for level, count in tally.levels[scale].items()} for scale in LEVEL_SCALES}
    chart = charts.stacked_levels("levels", "Screening levels", named, drawn, tally.screened)
    table = tuple(
        Row(short[scale] + (" (the headline)" if scale == LEVEL_SCALES[0] else ""), tuple(_cell(counts.get(level, 0), tally.screened) for level in order), scale)
        for scale, counts in zip(LEVEL_SCALES, rows.values(), strict=True)
    )
    not_screened = (
        f" {thin:,} of them ({charts.percent(thin, tally.screened)}) answered no core section: their \"unlikely\" is not "
        "reassurance, so they are counted as \"too few answers\" (the last part of each bar) and in none of the table's "
        "columns."
        if thin
        else ""
    )
    return Figure(
        "levels",
        "Screening levels",
        "How likely a combined magnesium and potassium depletion is (the headline), and each part. "
        "Shares are of the screened records." + not_screened,
        chart,
        "",
        tuple(order),
        table,
    )


def _counted_figure(
    key: str,
    heading: str,
    intro: str,
    labelled: list[tuple[str, str]],
    counts: dict[str, int],
    total: int,
    *,
    colours: dict[str, str],
) -> Figure:
    numbers = [counts.get(code, 0) for code, _ in labelled]
    shown = [_SHOWN.get(code, code) for code, _ in labelled]
    chart = charts.bars(key, heading, shown, numbers, total, colours=[colours.get(code, "#2c7bb6") for code, _ in labelled])
    rows = tuple(Row(label, (_cell(count, total),), code) for (code, label), count in zip(labelled, numbers, strict=True))
    return Figure(key, heading, intro, chart, "", ("records (share)",), rows)


def _red_flags_unanswered(tally: CohortTally, words: Words) -> str:
    """What the red-flag counts cannot show: the records that never answered the question."""
    if not tally.red_flags_unanswered:
        return ""
    return (
        f" The red-flag question “{words.section('red_flags_now')}” was not answered in {tally.red_flags_unanswered:,} of the "
        f"{tally.screened:,} screened records: for them, no red flag found is unknown, not none."
    )


def _prevalence_figure(key: str, heading: str, intro: str, labelled: list[tuple[str, str]], tally: CohortTally, *, red: bool = False) -> Figure:
    source = tally.red_flags if red else tally.risk_factors
    labels = [label for _, label in labelled]
    numbers = [source[code] for code, _ in labelled]
    colour = charts.URGENCY_COLOURS["urgent"] if red else "#2c7bb6"
    chart = charts.bars(key, heading, labels, numbers, tally.screened, colours=[colour] * len(labels), axis_label="records")
    rows = tuple(Row(label, (_cell(count, tally.screened),), code) for (code, label), count in zip(labelled, numbers, strict=True))
    return Figure(key, heading, intro, chart, "", ("records (share)",), rows)


def _scales(ruleset: Ruleset, tally: CohortTally) -> list[LabScale]:
    from screener.reports.thresholds import lab_scales

    return [scale for scale in lab_scales(ruleset) if scale.lab in tally.labs]


def _lab_figure(scale: LabScale, tally: CohortTally) -> LabFigure:
    lab = tally.labs[scale.lab]
    heading = f"{sentence(scale.label)} results against the rules' thresholds"
    chart = charts.lab_histogram(f"lab-{scale.lab}", heading, scale, lab.used)
    bands = tuple(scale.bands(lab.used))
    used = lab.used_count
    rows = tuple(Row(band.label, (_cell(band.count, used),)) for band in bands)
    figure = Figure(
        f"lab-{scale.lab}",
        heading,
        f"Results the rules used, in mmol/L (converted from the unit given); dashed lines are the thresholds the rules "
        f"compare {scale.label} against.",
        chart,
        "mmol/L",
        ("results (share)",),
        rows,
    )
    return LabFigure(
        figure=figure,
        scale=scale,
        bands=bands,
        thresholds=scale.thresholds,
        values=tuple((scale.number(value), count) for value, count in sorted(lab.used.items())),
        not_used=tuple(lab.not_used.most_common()),
        outside_range=lab.outside_range,
        results_used=used,
    )
