"""A screening result as text a person reads in a terminal (rich), red flags first.

Nothing here colours meaning alone: every level and urgency is also written in words, so the
``--plain`` output (no colour, no boxes) reads the same to a screen reader.
"""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.text import Text

from screener.contract.result import ScreeningResult

LEVEL_STYLE = {"likely": "bold red", "possible": "bold yellow", "unlikely": "green"}
URGENCY_STYLE = {"emergency": "bold white on red", "urgent": "bold red", "soon": "bold yellow", "routine": "cyan", "none": "green"}


def render_result(result: ScreeningResult, console: Console, *, plain: bool = False, show_findings: bool = True) -> None:
    """Print one result: headline, urgency, red flags, findings, recommendations, disclaimer."""
    style = (lambda _: "") if plain else (lambda s: s)
    head = Text()
    if result.red_flags:
        head.append("RED FLAG: ", style("bold white on red"))
        head.append(", ".join(code.replace("_", " ") for code in result.red_flags) + "\n", style("bold red"))
    head.append("Combined magnesium and potassium depletion: ")
    head.append(result.combined_depletion.upper(), style(LEVEL_STYLE[result.combined_depletion]))
    head.append(f"\n  magnesium depletion: {result.magnesium_depletion}")
    head.append(f"\n  potassium depletion: {result.potassium_depletion}")
    head.append("\nHow soon: ")
    head.append(f"{result.urgency} - {result.urgency_text}", style(URGENCY_STYLE[result.urgency]))
    title = f"mgk-screen result for {result.id}"
    if plain:
        console.print(title, highlight=False)
        console.print(head, highlight=False)
    else:
        console.print(Panel(head, title=title, expand=False))

    parts: list[Text] = []
    if result.recommendations:
        parts.append(Text("\nRecommendations", style("bold")))
        for number, recommendation in enumerate(result.recommendations, 1):
            parts.append(Text(f"  {number}. {recommendation.text}"))
    if show_findings and result.findings:
        parts.append(Text("\nWhy (rules that fired, red flags first)", style("bold")))
        for finding in result.findings:
            line = Text(f"  - {finding.title}", style("bold red") if finding.red_flag else "")
            line.append(f"  [{finding.rule}]", style("dim"))
            parts.append(line)
            if finding.evidence:
                given = "; ".join(f"{e.label}: {_value(e.value)}" for e in finding.evidence)
                parts.append(Text(f"      because: {given}", style("dim")))
            parts.append(Text(f"      {finding.explanation}"))
    if result.next_level_missing:
        parts.append(Text("\nWhat would change the headline", style("bold")))
        parts += [Text(f"  - {line}") for line in result.next_level_missing]
    if result.warnings:
        parts.append(Text("\nWarnings", style("bold yellow")))
        parts += [Text(f"  ! {warning}") for warning in result.warnings]
    if result.unanswered_sections:
        parts.append(Text("\nNot answered (unknown, not 'no'): " + ", ".join(result.unanswered_sections), style("dim")))
    parts.append(Text(f"\n{result.disclaimer}", style("italic")))
    parts.append(Text(f"Rules: {result.ruleset.name} {result.ruleset.version} (sha256 {result.ruleset.sha256[:12]})", style("dim")))
    console.print(Group(*parts), highlight=False)


def _value(value: object) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return str(value).replace("_", " ")
