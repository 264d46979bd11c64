"""A screening result as text a person reads in a terminal (rich), red flags first.

Nothing here colours meaning alone: every level and urgency is also written in words, so the
``--plain`` output (no colour, no boxes) reads the same to a screen reader. Every paragraph is
wrapped to the terminal's width with a hanging indent, between words (never inside one), so a
numbered recommendation or a finding reads as one block at 60 columns as at 120.

Two forms: the full result (``render_result``: headline, recommendations, every rule that fired
and why, what would change the headline, what is unknown) and the short one (``render_short_result``:
how soon, headline, coverage, recommendations, notes on the answers, disclaimer), which ``ask`` ends with so that the
answer to "what now?" fits on one screen.
"""

from __future__ import annotations

import io
import re
import textwrap
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.console import Console, Group
from rich.panel import Panel
from rich.text import Text

from screener.contract.coverage import in_words, missing_core_sections
from screener.contract.result import Finding, ScreeningResult, same_sign_given_now
from screener.errors import terminal_safe
from screener.headline import (
    COMBINED,
    HIGH,
    NEXT_LEVEL_HEADING,
    NEXT_LEVEL_HIDDEN_AT,
    NOT_SCREENED,
    Headline,
    core_words,
    level_shown,
    listed_advice,
    recent_results,
    urgency_shown,
)
from screener.screening.findings import evidence_value

if TYPE_CHECKING:
    from screener.screening.pipeline import Screener

LEVEL_STYLE = {"likely": "bold red", "possible": "bold yellow", "unlikely": "green", HIGH: "bold red"}
FEW_ANSWERS_STYLE = "bold yellow"
URGENCY_STYLE = {"emergency": "bold white on red", "urgent": "bold red", "soon": "bold yellow", "routine": "cyan", "none": "green"}
NOT_ENOUGH_ANSWERS = "Not enough answers to screen"


def wrap(text: str, width: int, indent: int = 0, hang: int = 0) -> str:
    """One paragraph wrapped at ``width``: continuation lines ``hang`` deeper than the first line,
    broken between words only (a word longer than the line stays whole)."""
    if not text:
        return ""
    width = max(width, indent + hang + 20)
    if cell_len(text) != len(text):  # wide characters (奥美拉唑, emoji) take two columns each
        return _wrap_by_columns(text, width, " " * indent, " " * (indent + hang))
    return textwrap.fill(
        text,
        width,
        initial_indent=" " * indent,
        subsequent_indent=" " * (indent + hang),
        break_long_words=False,
        break_on_hyphens=False,
    )


def _wrap_by_columns(text: str, width: int, first: str, then: str) -> str:
    """``wrap`` measuring each word by the columns a terminal gives it, not by its characters
    (textwrap counts characters, so a line of wide ones ran past the edge and the terminal broke
    a word in two). Runs of spaces between words stay; those at a line break go."""
    lines: list[str] = []
    line: list[str] = []
    used = 0
    for chunk in (part for part in re.split(r"( +)", " ".join(text.expandtabs().splitlines())) if part):
        indent = then if lines else first
        if line and used + cell_len(chunk) > width - len(indent):
            lines.append(indent + "".join(line).rstrip(" "))
            line, used = [], 0
        if chunk.isspace() and not line and lines:
            continue  # no spaces at the start of a continuation line
        line.append(chunk)
        used += cell_len(chunk)
    lines.append((then if lines else first) + "".join(line).rstrip(" "))
    return "\n".join(lines)


@dataclass
class Page:
    """Paragraphs wrapped for one console, kept as lines so that their height is known."""

    width: int
    plain: bool = False
    lines: list[Text] = field(default_factory=list)

    def add(
        self, text: str = "", style: str = "", indent: int = 0, hang: int = 0, emphasis: Mapping[str, str] | None = None
    ) -> None:
        """One paragraph; ``emphasis`` styles some words within it (dropped in plain mode)."""
        block = Text(wrap(text, self.width, indent, hang), style="" if self.plain else style)
        if emphasis and not self.plain:
            for words, words_style in emphasis.items():
                block.highlight_words([words], style=words_style)
        self.lines.append(block)

    @property
    def height(self) -> int:
        return sum(line.plain.count("\n") + 1 for line in self.lines)


def red_flag_line(codes: Sequence[str]) -> str:
    """Red flags as the terminal says them, first of all: "RED FLAG: chest pain, fainting"."""
    return "RED FLAG: " + ", ".join(code.replace("_", " ") for code in codes)


def result_heading(result: ScreeningResult, *, named: bool | None = None) -> str:
    """"mgk-screen result for p-017", or "mgk-screen result" when the answers gave no id (the
    position a result then carries is not a name). Without ``named``, an id that is only the
    result's position is taken as no name, as the printed report takes it."""
    if named is None:
        named = result.id not in ("", str(result.position or 1))
    return f"mgk-screen result for {result.id}" if named else "mgk-screen result"


def render_result(
    result: ScreeningResult,
    console: Console,
    *,
    plain: bool = False,
    show_findings: bool = True,
    heading: str | None = None,
    headline_rules: Sequence[str] = (),
    show_next_level: bool | None = None,
) -> None:
    """Print one result in full: red flags, how soon, the headline, coverage, the notes on the answers
    (warnings), recommendations, every rule that fired and why, what would change the headline,
    what is unknown, the disclaimer.

    What would change the headline is in the rules' own terms, for a clinician or teacher: it
    comes with the reasoning (``show_findings``), after the advice, and not when the result is
    urgent or an emergency, where the advice is what matters (``next_level_shown``).
    ``show_next_level`` True shows it always (a reader who asked for the reasoning: ``ask
    --details``, the demo), False never.

    ``headline_rules`` are the rules that set the headline (``Screener.rules_setting_headline``):
    when combined depletion is higher than both of its parts, the result says which rule did it."""
    width = console.width
    _print_head(result, console, plain, heading, headline_rules)
    page = Page(width, plain)
    # The notes on the answers come before the advice, after the red flags (in the head): a
    # medicine not recognised, so not counted, changes how the advice is to be read, and below
    # every rule that fired it went unseen.
    if result.warnings:
        page.add()
        page.add("Warnings", "bold yellow")
        for warning in result.warnings:
            page.add(f"! {warning}", indent=2, hang=2)
    _recommendations(page, listed_advice(result.recommendations))
    if show_findings and result.findings:
        _findings(page, result.findings, result.labs_used)
    if next_level_shown(result, show_findings if show_next_level is None else show_next_level, forced=show_next_level is True):
        page.add()
        page.add(NEXT_LEVEL_HEADING, "bold")
        for line in result.next_level_missing:
            page.add(f"- {line}", indent=2, hang=2)
    if result.unanswered_sections:
        page.add()
        page.add("Not answered (unknown, not 'no'): " + in_words(result.unanswered_sections) + ".", "dim", hang=2)
    page.add()
    page.add(result.disclaimer, "italic")
    rules = result.ruleset
    if rules.custom_folder is None:
        page.add(f"Rules: {rules.name} {rules.version} (sha256 {rules.sha256[:12]})", "dim", hang=2)
    else:
        page.add(f"Rules: {rules.in_words} (sha256 {rules.sha256[:12]})", "bold yellow", hang=2)
    console.print(Group(*page.lines), highlight=False, soft_wrap=True)


def next_level_shown(result: ScreeningResult, wanted: bool = True, *, forced: bool = False) -> bool:
    """Whether a person's result shows what would change the headline: the rules' precise lines
    (``next_level_missing``), for a clinician or teacher, when there are any and they are wanted,
    never when the result is urgent or an emergency (unless ``forced``: a reader who asked for
    the reasoning). JSON always carries them."""
    if not (wanted and result.next_level_missing):
        return False
    return forced or result.urgency not in NEXT_LEVEL_HIDDEN_AT


def result_text(result: ScreeningResult, screener: Screener | None = None, *, width: int = 100, show_findings: bool = True) -> str:
    """The report `mgk-screen screen --plain` prints, as text (for a notebook or a log): no colour,
    no boxes, control characters in the answers written out. With the ``screener`` that made the
    result, it also says which rule set the headline when combined is higher than both parts."""
    console = Console(file=io.StringIO(), width=width, no_color=True, highlight=False, soft_wrap=False)
    headline_rules = screener.rules_setting_headline(result) if screener is not None else ()
    render_result(result, console, plain=True, show_findings=show_findings, heading=result_heading(result), headline_rules=headline_rules)
    text: str = console.file.getvalue()  # type: ignore[attr-defined]
    return terminal_safe(text)


def render_short_result(
    result: ScreeningResult,
    console: Console,
    *,
    plain: bool = False,
    heading: str | None = None,
    max_lines: int | None = None,
    more: str = "see the full result",
) -> None:
    """Print the short result: how soon, headline, coverage, the notes on the answers (the
    result's warnings: a medicine not recognised, so not counted; an age the screen is not built
    for; a lab result too old to use) before the advice they change, recommendations and the
    disclaimer.

    With ``max_lines`` (a terminal's height), it is made to fit: first the blank lines between
    its parts go, then the box and the long form of the coverage line, then recommendations from
    the least urgent (never the first); a line then says how many more there are and ``more``
    says where to find them. Only then do the notes give way, to one line saying how many there
    are. Red flags, the headline and the disclaimer always stay."""
    width = console.width
    chosen = None
    # The forms in order of preference, the last the smallest: the first that fits is printed.
    for head, boxed, body, height in _short_forms(result, width, plain, heading, more):
        chosen = (head, boxed, body)
        if max_lines is None or height <= max_lines:
            break
    if chosen is None:  # no recommendation at all: nothing to leave out
        head = _head_page(result, width if plain else width - 4, plain, heading, (), compact=True)
        chosen = (head, not plain, _short_body(result, [], width, plain, more, spacious=True, whole_notes=True))
    head, boxed, body = chosen
    _print_page(head, console, plain=not boxed)
    console.print(Group(*body.lines), highlight=False, soft_wrap=True)


def _short_forms(
    result: ScreeningResult, width: int, plain: bool, heading: str | None, more: str
) -> Iterator[tuple[Page, bool, Page, int]]:
    """The short result's forms, from the fullest down (see ``render_short_result``): its head, whether
    it is boxed, its body and its height. Made one at a time, so that only those tried are made."""
    recommendations = listed_advice(result.recommendations)
    # (blank lines between the parts, a box around the headline, the long coverage line)
    layouts = [(True, not plain, True), (False, not plain, True), (False, not plain, False), (False, False, False)]
    heads = {}
    for whole_notes in (True, False):
        # The first two recommendations (how soon, and the advice that says why: the reason for
        # an urgency comes right after the how-soon line) stay before the blank lines and the box do.
        for least in (min(2, len(recommendations)), 1):
            for spacious, boxed, long_coverage in layouts:
                if (boxed, long_coverage) not in heads:
                    head = _head_page(result, width - 4 if boxed else width, plain, heading, (), compact=True, long_coverage=long_coverage)
                    heads[boxed, long_coverage] = (head, head.height + (2 if boxed else 0))
                head, head_height = heads[boxed, long_coverage]
                for shown in range(len(recommendations), least - 1, -1):
                    body = _short_body(result, recommendations[:shown], width, plain, more, spacious=spacious, whole_notes=whole_notes)
                    yield head, boxed, body, head_height + body.height


def _short_body(
    result: ScreeningResult,
    recommendations: Sequence[object],
    width: int,
    plain: bool,
    more: str,
    *,
    spacious: bool,
    whole_notes: bool,
) -> Page:
    page = Page(width, plain)
    # The notes on the answers come before the advice, as in the full result: an age the screen
    # is not built for, or a medicine not counted, changes how the advice is to be read.
    if result.warnings and whole_notes:
        if spacious:
            page.add()
        page.add("Please note", "bold yellow")
        for warning in result.warnings:
            page.add(f"! {warning}", indent=2, hang=2)
    elif result.warnings:
        count = len(result.warnings)
        page.add(f"({count} note{'s' if count > 1 else ''} on your answers: {more})", "yellow", indent=2, hang=2)
    _recommendations(page, recommendations, spaced=spacious)
    left_out = len(listed_advice(result.recommendations)) - len(recommendations)
    if left_out:
        page.add(f"(+{left_out} more recommendation{'s' if left_out > 1 else ''}: {more})", "dim", indent=2, hang=2)
    if spacious:
        page.add()
    page.add(result.disclaimer, "italic")
    return page


def _print_head(
    result: ScreeningResult, console: Console, plain: bool, heading: str | None, headline_rules: Sequence[str]
) -> None:
    width = console.width
    _print_page(_head_page(result, width if plain else width - 4, plain, heading, headline_rules, full=True), console, plain)


def _print_page(head: Page, console: Console, plain: bool) -> None:
    if plain:
        console.print(Group(*head.lines), highlight=False, soft_wrap=True)
        return
    title, *body = head.lines
    console.print(Panel(Group(*body), title=title, expand=False), highlight=False, soft_wrap=True)


def _head_page(
    result: ScreeningResult,
    width: int,
    plain: bool,
    heading: str | None,
    headline_rules: Sequence[str],
    *,
    full: bool = False,
    compact: bool = False,
    long_coverage: bool = True,
) -> Page:
    """The heading, red flags, how soon, coverage and the levels (``compact``: both parts on one
    line; without ``long_coverage``, the shorter form of "not enough answers")."""
    page = Page(width, plain)
    page.add(heading or result_heading(result))
    if result.red_flags:
        page.add(red_flag_line(result.red_flags), "bold red", hang=2)
    level = result.combined_depletion
    headline = Headline.of(result)
    # How soon comes right after the red flags, before the levels (the safety rule's order): an
    # "unlikely" above an urgency reads as reassurance first.
    if urgency_shown(result.urgency, result.coverage) == NOT_SCREENED:
        page.add(f"How soon: {NOT_SCREENED} on these answers - see a clinician if you feel unwell or are worried.", hang=2)
    else:
        how_soon = f"{result.urgency} - {result.urgency_text}"
        page.add(f"How soon: {how_soon}", hang=2, emphasis={how_soon: URGENCY_STYLE[result.urgency]})
    # Recent normal results right after how soon, before the levels: they are why how soon may be
    # lower than a level a medicine made possible (clinical review 6).
    if recent := recent_results(result.recommendations, brief=compact and not long_coverage):
        page.add(recent, hang=2)
    # Too few answers is said after how soon, just above the levels it is about: an emergency
    # after a paragraph on missing answers was read second (vignette review 8).
    missing = missing_core_sections(result.unanswered_sections)
    if result.coverage == "none":
        why = (
            f"nothing was said about {core_words(missing, 'or')}, so the levels below rest on very little and "
            "'unlikely' does not rule out low magnesium or potassium."
            if long_coverage
            else "no answer on medicines, alcohol, gut losses or symptoms; 'unlikely' rules nothing out."
        )
        page.add(
            f"{NOT_ENOUGH_ANSWERS}: {why}",
            "bold yellow",
            hang=2,
            emphasis={NOT_ENOUGH_ANSWERS: "bold white on dark_orange"},
        )
    # With no core section answered, a reassuring level is not shown as one: "not screened", as the
    # report and the web page say it, with the rules' level kept in words beside it.
    if level_shown(level, result.coverage) == NOT_SCREENED:
        page.add(f"{COMBINED}: {NOT_SCREENED.upper()} (too few answers)", hang=2, emphasis={NOT_SCREENED.upper(): FEW_ANSWERS_STYLE})
    else:
        emphasis = {words: LEVEL_STYLE.get(carried, FEW_ANSWERS_STYLE) for words, carried in headline.emphasis().items()}
        # The smallest short forms leave out why combined is above both parts ("d" shows it).
        page.add(headline.text(brief=compact and not long_coverage), hang=2, emphasis=emphasis)
    rules_level = "" if compact else " (the rules' level: unlikely)"  # a small screen keeps the red flag in view
    magnesium, potassium = (
        (f"{NOT_SCREENED}{rules_level}" if level_shown(level_, result.coverage) == NOT_SCREENED else level_)
        + (f" ({note})" if (note := headline.part_note(part, brief=compact)) else "")
        for part, level_ in (("magnesium", result.magnesium_depletion), ("potassium", result.potassium_depletion))
    )
    if compact:
        page.add(f"magnesium: {magnesium}, potassium: {potassium}", indent=2, hang=2)
    else:
        page.add(f"magnesium depletion: {magnesium}", indent=2, hang=2)
        page.add(f"potassium depletion: {potassium}", indent=2, hang=2)
    if full:
        for finding in _above_both_parts(result, headline_rules):
            page.add(
                f"Combined is {level} although neither magnesium nor potassium alone is: "
                f"{finding.title}. {finding.explanation}",
                "cyan",
                indent=2,
                hang=2,
            )
    return page


def _above_both_parts(result: ScreeningResult, headline_rules: Sequence[str]) -> list[Finding]:
    """The findings that set the headline, when it is higher than both magnesium and potassium."""
    if not Headline.of(result).above_both:
        return []
    return [finding for finding in result.findings if finding.rule in headline_rules]


def _recommendations(page: Page, recommendations: Sequence[object], *, spaced: bool = True) -> None:
    if not recommendations:
        return
    if spaced:
        page.add()
    page.add("Recommendations", "bold")
    digits = len(str(len(recommendations)))
    for number, recommendation in enumerate(recommendations, 1):
        label = f"{number}.".rjust(digits + 1)
        page.add(f"{label} {recommendation.text}", indent=2, hang=digits + 2)  # type: ignore[attr-defined]


def _findings(page: Page, findings: Sequence[Finding], labs_used: Sequence[object] = ()) -> None:
    page.add()
    page.add("Why (rules that fired, red flags first)", "bold")
    folded = same_sign_given_now(findings)
    also_recent = {now: recent for recent, now in folded.items()}
    for finding in findings:
        if finding.rule in folded:
            continue  # shown with the same sign given as happening now
        title = f"- {finding.title}  [{finding.rule}]"
        if finding.rule in also_recent:
            title += f" (also in the past two weeks [{also_recent[finding.rule]}]: the sign now is what counts)"
        page.add(title, "bold red" if finding.red_flag else "", indent=2, hang=2, emphasis={f"[{finding.rule}]": "dim"})
        if finding.evidence:
            given = "; ".join(f"{e.label}: {evidence_value(e.fact, e.value, labs_used)}" for e in finding.evidence)
            page.add(f"because: {given}", "dim", indent=6, hang=2)
        page.add(finding.explanation or "", indent=6)  # a single result is always full
