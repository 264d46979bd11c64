"""The teaching views as text a person reads in a terminal (rich): demo, explanation tree, rules.

Plain mode (``--plain`` or ``NO_COLOR``) uses no colour, no boxes and ASCII tree guides, so the
output reads the same to a screen reader and is stable for golden-file tests.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from rich.console import Console
from rich.text import Text
from rich.tree import Tree

from screener.render import wrap
from screener.teaching.catalogue import RuleEntry
from screener.teaching.compare import Comparison, RuleFired
from screener.teaching.personas import Persona
from screener.teaching.walk import Node, Walk
from screener.teaching.words import red_flag_heading

NODE_STYLE = {
    "root": "bold",
    "section": "bold",
    "rule": "",
    "red_flag": "bold red",
    "because": "dim",
    "concludes": "cyan",
    "outcome": "bold yellow",
    "why_not": "yellow",
}


#: The way from a rule id in [brackets], in `demo` and `explain`, to the rule in full.
SHOW_A_RULE = "Rule ids are in [brackets]: `mgk-screen rules show ID` shows one in full."


class _Styler:
    def __init__(self, plain: bool) -> None:
        self.plain = plain

    def __call__(self, style: str) -> str:
        return "" if self.plain else style


def _say(console: Console, text: str, style: str = "", indent: int = 0, hang: int = 0) -> None:
    """One paragraph, wrapped to the console (continuation lines ``hang`` deeper), no trailing spaces."""
    # A no-break space keeps words together ("--step\u00a07"); it is a plain space once wrapped.
    console.print(Text(_wrap(text, console, indent, hang).replace("\u00a0", " "), style=style), soft_wrap=True, highlight=False)


def _wrap(text: str, console: Console, indent: int, hang: int = 0) -> str:
    return wrap(text, console.width, indent, hang)


# -- personas ---------------------------------------------------------------------------------
def render_persona_list(personas: Sequence[Persona], folder: Path, console: Console, *, plain: bool = False) -> None:
    style = _Styler(plain)
    _say(console, f"Personas ({len(personas)}, found in {folder}):", style("bold"))
    width = max((len(p.name) for p in personas), default=0)
    longest = max((len(p.title) for p in personas), default=0)
    # Side by side only when every title fits its column whole: a title squeezed into a narrow
    # column beside long names wraps onto two or three lines, hard to read on a projector.
    beside = 2 + width + 2 + longest <= console.width
    for persona in personas:
        console.print(
            Text(_name_and_title(persona.name, persona.title, width, console, beside=beside)),
            soft_wrap=True,
            highlight=False,
        )
    _say(console, "")
    _say(console, "Run one with `mgk-screen demo NAME` (add --step to pause between steps);")
    _say(console, "see the reasoning for one with `mgk-screen explain NAME` (or any answers file);")
    _say(console, "compare two with `mgk-screen compare NAME OTHER` (--set: one answer changed).")


# -- the demo ---------------------------------------------------------------------------------
def render_demo(
    persona: Persona,
    walked: Walk,
    console: Console,
    *,
    plain: bool = False,
    pause: Callable[[], None] = lambda: None,
) -> None:
    """Tell the story, show the answers, walk the trace step by step, explain, give the result."""
    from screener.render import render_result

    style = _Styler(plain)
    steps = len(walked.steps)
    _say(console, f"Demo: {persona.title}", style("bold"))
    _say(console, f"(persona {persona.name})", style("dim"))
    _heading(console, "The story", style)
    for number, paragraph in enumerate(persona.story or ("(no story: add a NAME.md next to the answers file)",)):
        if number:
            _say(console, "")
        _say(console, paragraph, indent=2)
    pause()
    _heading(console, "The answers", style)
    for line in walked.answers:
        _say(console, f"{line.field}: {line.text}", indent=2, hang=4)
    if walked.unanswered:
        _say(console, "not answered (unknown, not 'no'): " + ", ".join(walked.unanswered), style("dim"), indent=2, hang=4)
    _say(console, f"coverage of the core sections: {walked.coverage}", style("dim"), indent=2, hang=4)
    _say(console, "")
    _say(console, f"The rules now run in {steps} steps; each step sees what the steps before it concluded.", indent=2)
    _say(console, SHOW_A_RULE, indent=2)
    _say(console, f"What one answer changes: `mgk-screen compare {persona.name} --set FIELD=VALUE`, FIELD as in the answers above.", indent=2, hang=2)
    for step in walked.steps:
        pause()
        _heading(console, f"Step {step.number} of {steps}: {step.label}", style)
        if not step.fired:
            _say(console, "no rule fired", style("dim"), indent=2)
        for rule in step.fired:
            title = Text(_wrap(f"- {rule.heading}  [{rule.id}]", console, 2, 2), style=style("bold red") if rule.red_flag else "")
            title.highlight_words([f"[{rule.id}]"], style=style("dim"))
            console.print(title, soft_wrap=True, highlight=False)
            for because in rule.because:
                _say(console, f"because {because.label}: {because.value}", style("dim"), indent=6, hang=4)
            _say(console, f"concludes: {rule.conclusion}", style("cyan"), indent=6, hang=4)
            if rule.note:
                _say(console, f"note: {rule.note}", style("dim"), indent=6, hang=4)
        for outcome in step.outcomes:
            _say(console, f"=> {outcome}", style("bold yellow"), indent=2, hang=3)
    pause()
    _heading(console, "How it works: the mechanisms behind the key findings", style)
    if not walked.mechanisms:
        _say(console, "No risk factor, level or red flag was found, so there is no mechanism to explain.", indent=2)
    for mechanism in walked.mechanisms:
        _say(console, "- " + "; ".join(mechanism.titles), style("bold"), indent=2, hang=2)
        _say(console, mechanism.text, indent=4)
    pause()
    _heading(console, "The result", style)
    named = persona.answers.get("id") is not None
    heading = f"mgk-screen result for {walked.id}" if named else f"mgk-screen result for the persona {persona.name}"
    # A teaching surface: what the rules would need for the next level is part of the lesson.
    render_result(
        walked.result,
        console,
        plain=plain,
        show_findings=False,
        heading=heading,
        headline_rules=walked.headline_rules,
        show_next_level=True,
    )


def _heading(console: Console, text: str, style: _Styler) -> None:
    _say(console, "")
    _say(console, text, style("bold underline"))


# -- the explanation tree ---------------------------------------------------------------------
def render_tree(root: Node, console: Console, *, plain: bool = False, title: str | None = None) -> None:
    """The explanation tree: rich guides, or ASCII guides in plain mode (no wrapping)."""
    if title:
        console.print(Text(_wrap(title, console, 0, 2), style="" if plain else "bold"), highlight=False, soft_wrap=True)
    if plain:
        for line in root.lines(console.width):
            console.print(Text(line), soft_wrap=True, highlight=False)
    else:
        tree = Tree(Text(root.label, style=NODE_STYLE["root"]))
        _grow(tree, root)
        console.print(tree, highlight=False)
    _say(console, "")
    _say(console, SHOW_A_RULE, "" if plain else "dim")


def _grow(branch: Tree, node: Node) -> None:
    for child in node.children:
        _grow(branch.add(Text(child.label, style=NODE_STYLE.get(child.kind, ""))), child)


# -- two screenings compared -----------------------------------------------------------------
def render_comparison(comparison: Comparison, console: Console, *, plain: bool = False) -> None:
    """Two screenings side by side: the answers that differ, then what changed along the chain."""
    style = _Styler(plain)
    _say(console, f"Compare: {comparison.first}", style("bold"), hang=9)
    _say(console, f"   with: {comparison.second}", style("bold"), hang=9)
    _heading(console, "The answers that differ (first -> second)", style)
    if not comparison.answers:
        _say(console, "none: the same answers", style("dim"), indent=2)
    for answer in comparison.answers:
        _say(console, f"{answer.what}: {answer.before} -> {answer.after}", indent=2, hang=4)
    _heading(console, "What the screen says (first -> second)", style)
    for outcome in comparison.outcome:
        if outcome.same:
            _say(console, f"{outcome.what}: {outcome.before} (the same)", style("dim"), indent=2, hang=4)
        else:
            _say(console, f"{outcome.what}: {outcome.before} -> {outcome.after} (changed)", style("bold yellow"), indent=2, hang=4)
    for which, rules in (("first", comparison.only_first), ("second", comparison.only_second)):
        _heading(console, f"Rules that fire only for the {which} ({len(rules)})", style)
        if not rules:
            _say(console, "none", style("dim"), indent=2)
        for rule in rules:
            _fired_alone(console, rule, style)
    for which, advice in (("first", comparison.advice_only_first), ("second", comparison.advice_only_second)):
        _heading(console, f"Recommendations only for the {which} ({len(advice)})", style)
        if not advice:
            _say(console, "none", style("dim"), indent=2)
        for text in advice:
            _say(console, f"- {text}", indent=2, hang=2)
    _say(console, "")
    _say(console, SHOW_A_RULE, style("dim"))
    _say(console, "`mgk-screen demo NAME` or `mgk-screen explain FILE` walks either one in full.", style("dim"))


def _fired_alone(console: Console, rule: RuleFired, style: _Styler) -> None:
    _say(console, f"- {rule.title}  [{rule.id}]", indent=2, hang=2)
    _say(console, f"step {rule.step}: {rule.step_label}", style("dim"), indent=6, hang=4)
    for because in rule.because:
        _say(console, f"because {because}", style("dim"), indent=6, hang=4)
    _say(console, f"concludes: {rule.concludes}", style("cyan"), indent=6, hang=4)


# -- the rule catalogue -----------------------------------------------------------------------
def render_rule_list(
    entries: Sequence[RuleEntry],
    console: Console,
    *,
    plain: bool = False,
    long: bool = False,
    steps: int = 0,
    chosen: str = "",
) -> None:
    """The rules by step, headed as `demo` heads its steps ("Step 7 of 8: ..."). ``steps`` is how
    many steps there are; ``chosen`` says which rules were asked for ("mentioning 'alcohol'")."""
    style = _Styler(plain)
    step = None
    for entry in entries:
        if entry.step != step:
            first = step is None
            step = entry.step
            members = [e for e in entries if e.step == step]
            width = max(len(e.id) for e in members)
            if not first:
                _say(console, "")
            rules = f"{len(members)} rule{'s' if len(members) != 1 else ''}"
            heading = f"Step {entry.step_number} of {steps or '?'}: {entry.step_label} ({rules}; --step\u00a0{entry.step_number})"
            _say(console, heading, style("bold"), hang=2)
        # A no-break space keeps "[team judgement]" on one line; it is a plain space once wrapped.
        title = red_flag_heading(entry.title, entry.red_flag)
        title += "  [team\u00a0judgement]" if entry.team_judgement else ""
        line = Text(_name_and_title(entry.id, title, width, console).replace("\u00a0", " "))
        line.highlight_words(["[team judgement]"], style=style("yellow"))
        console.print(line, soft_wrap=True, highlight=False)
        if long:
            _say(console, entry.rationale, indent=6)
            _say(console, "sources: " + ", ".join(key for key, _ in entry.sources), style("dim"), indent=6)
    if not entries:
        _say(console, f"No rule{' ' + chosen if chosen else ''}.")
        _say(console, "`mgk-screen rules list` shows every rule.", style("dim"))
        return
    _say(console, "")
    counted = f"{len(entries)} rule{'s' if len(entries) != 1 else ''}{' ' + chosen if chosen else ''}."
    _say(console, f"{counted} `mgk-screen rules show ID` shows one rule in full.", style("dim"))


def _name_and_title(name: str, title: str, width: int, console: Console, *, beside: bool | None = None) -> str:
    """A listed name (padded to ``width``) with its title beside it, wrapped under itself; on a
    console too narrow for the column (or not ``beside``), the title under the name."""
    if beside if beside is not None else 2 + width + 2 + 24 <= console.width:
        return wrap(f"{name.ljust(width)}  {title}", console.width, 2, width + 2)
    return wrap(name, console.width, 2) + "\n" + wrap(title, console.width, 6)


def render_rule(entry: RuleEntry, console: Console, *, plain: bool = False) -> None:
    style = _Styler(plain)
    _say(console, f"{entry.id}: {entry.title}", style("bold"), hang=2)
    _say(console, f"step {entry.step_number}: {entry.step_label}", indent=2, hang=4)
    if entry.red_flag:
        _say(console, "red flag: yes (when it fires, the result names it first)", style("bold red"), indent=2, hang=4)
    _say(console, f"file: {entry.file}", indent=2, hang=4)
    judgement = "yes, a threshold or how soon to act chosen by the team, not a published standard" if entry.team_judgement else "no"
    _say(console, f"team judgement: {judgement}", indent=2, hang=4)
    _section(console, "When", style)
    for depth, text in entry.condition:
        _say(console, text, indent=2 + 2 * depth, hang=4)
    _section(console, "Then", style)
    _say(console, entry.conclusion, indent=2)
    _section(console, "Why", style)
    _say(console, entry.rationale, indent=2)
    _section(console, "Mechanism", style)
    _say(console, entry.mechanism, indent=2)
    if entry.notes:
        _section(console, "Notes for maintainers (never shown in a result)", style)
        _say(console, entry.notes, indent=2)
    if entry.uses:
        _section(console, "Uses what these rules conclude", style)
        for fact, rules in entry.uses:
            _say(console, f"{entry.label(fact)}: from {', '.join(rules)}", indent=2, hang=4)
    if entry.feeds:
        _section(console, "What it concludes is used by", style)
        for fact, rules in entry.feeds:
            _say(console, f"{entry.label(fact)}: by {', '.join(rules)}", indent=2, hang=4)
    _section(console, "Sources", style)
    for key, text in entry.sources:
        _say(console, f"{key}: {text}", indent=2, hang=4)
    _say(console, "")
    _say(console, "See also:", style("dim"))
    _say(console, f"mgk-screen rules graph --rule {entry.id}   (the rules around this one)", style("dim"), indent=2, hang=4)
    _say(console, f"mgk-screen rules list --step {entry.step_number}   (the rules of its step)", style("dim"), indent=2, hang=4)


def _section(console: Console, text: str, style: _Styler) -> None:
    _say(console, "")
    _say(console, text, style("bold"))
