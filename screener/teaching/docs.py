"""``docs/rules.md``: the whole rule catalogue as Markdown, for clinical review without running anything::

    python -m screener.teaching --write-docs    # regenerate docs/rules.md
    python -m screener.teaching --check-docs    # exit 1 when docs/rules.md is stale
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from screener.screening.pipeline import Screener

from screener.teaching.catalogue import RuleEntry, catalogue
from screener.teaching.words import condition_text

#: The generated rule catalogue, checked in next to the code.
DOCS_PATH = Path(__file__).resolve().parents[2] / "docs" / "rules.md"
DOCS_COMMAND = "python -m screener.teaching --write-docs"


# -- docs/rules.md ----------------------------------------------------------------------------
def rules_markdown(screener: Screener) -> str:
    """The whole rule catalogue as Markdown, for review without running anything."""
    ruleset = screener.ruleset
    entries = catalogue(screener)
    by_step: dict[str, list[RuleEntry]] = {}
    for entry in entries:
        by_step.setdefault(entry.step, []).append(entry)
    files = list(dict.fromkeys(rule.file for rule in ruleset.rules))
    md = [
        "# The screening rules",
        "",
        f"<!-- Generated from the rule files by `{DOCS_COMMAND}`. Do not edit by hand: edit rules/*.json,",
        "     then regenerate. A test fails when this file is stale. -->",
        "",
        f"- **Ruleset:** {ruleset.name}, version {ruleset.version}",
        f"- **SHA-256:** `{ruleset.sha256}`",
        f"- **Rules:** {len(ruleset.rules)}, in {', '.join(f'`{name}`' for name in files)}",
        "",
        ruleset.description,
        "",
        f"> {ruleset.disclaimer}",
        "",
        "## How to read this page",
        "",
        "The rules run in steps, in the order below; each step sees every conclusion of the steps before it.",
        "A rule fires when its condition holds. A missing answer means unknown, never \"no\": a condition on",
        "an answer holds only when it was answered, except \"not: X\", which holds when X is false or not",
        "known, and \"is not\", which includes \"not answered\". A derived fact that no rule asserted is false.",
        "Levels only go up (the highest conclusion wins), except where a rule caps them. Rules marked",
        "*team judgement* use a threshold, or a time to act, chosen by the team rather than a published standard: they are",
        "listed first, as the first things a reviewer may want to change. `mgk-screen rules show ID` prints",
        "one rule; `mgk-screen rules graph --mermaid` draws which rules feed which.",
        "",
        "## Contents",
        "",
    ]
    for number, (step, label) in enumerate(ruleset.steps, 1):
        md.append(f"{number}. [{label}](#step-{step}) ({len(by_step.get(step, []))} rules)")
    md += ["", "## Team-judgement thresholds", "", "| rule | step | threshold |", "|---|---|---|"]
    for entry in entries:
        if entry.team_judgement:
            rule = ruleset.rule(entry.id)
            md.append(f"| [`{entry.id}`](#rule-{entry.id}) | {entry.step} | {_cell(condition_text(rule.when, ruleset))} |")
    md += ["", "## Evidence groups and counts", "", "Risk factors and symptoms are counted as distinct codes per group.", ""]
    md += ["| group | meaning | risk factor |", "|---|---|---|"]
    for group, spec in ruleset.evidence_groups.items():
        md.append(f"| `{group}` | {_cell(spec['label'])} | {'yes' if spec['risk_factor'] else 'no'} |")
    md += ["", "| count | counts distinct codes in |", "|---|---|"]
    for tally, spec in ruleset.tallies.items():
        md.append(f"| `count.{tally}` ({_cell(spec['label'])}) | {', '.join(f'`{g}`' for g in spec['groups'])} |")
    md += ["", "## Levels and urgency", "", "| scale | values, lowest first |", "|---|---|"]
    for scale in ruleset.scales.values():
        md.append(f"| `{scale.name}` ({scale.label}) | {', '.join(scale.values)} |")
    md += ["", "| urgency | meaning |", "|---|---|"]
    md += [f"| {level} | {_cell(text)} |" for level, text in ruleset.urgency_text.items()]
    for number, (step, label) in enumerate(ruleset.steps, 1):
        md += ["", f'<a id="step-{step}"></a>', "", f"## {number}. {label}", "", f"Step `{step}`."]
        for entry in by_step.get(step, []):
            md += ["", *_entry_markdown(entry)]
    md += ["", "## Sources", ""]
    md += [f"- `{key}`: {text}" for key, text in ruleset.sources.items()]
    return "\n".join(md) + "\n"


def _entry_markdown(entry: RuleEntry) -> list[str]:
    marker = " *(team judgement)*" if entry.team_judgement else ""
    md = [f'<a id="rule-{entry.id}"></a>', "", f"### `{entry.id}`: {entry.title}{marker}", ""]
    if len(entry.condition) == 1:
        md.append(f"- **When:** {entry.condition[0][1]}")
    else:
        md.append(f"- **When:** {entry.condition[0][1]}")
        md += [f"{'  ' * (depth + 1)}- {text}" for depth, text in entry.condition[1:]]
    md += [
        f"- **Then:** {entry.conclusion}",
        f"- **Why:** {entry.rationale}",
        f"- **Mechanism:** {entry.mechanism}",
    ]
    if entry.notes:
        md.append(f"- **Notes (for maintainers):** {entry.notes}")
    if entry.uses:
        md.append("- **Uses facts from:** " + "; ".join(f"`{fact}` ({', '.join(rules)})" for fact, rules in entry.uses))
    if entry.feeds:
        md.append("- **Feeds:** " + "; ".join(f"`{fact}` → {', '.join(rules)}" for fact, rules in entry.feeds))
    md.append("- **Sources:** " + ", ".join(f"`{key}`" for key, _ in entry.sources) + f" · file `{entry.file}`")
    return md


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def write_docs(path: Path = DOCS_PATH, screener: Screener | None = None) -> Path:
    """Regenerate ``docs/rules.md`` from the shipped rules."""
    from screener.screening.pipeline import Screener

    text = rules_markdown(screener or Screener())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m screener.teaching --write-docs | --check-docs``."""
    import argparse

    from screener.screening.pipeline import Screener

    parser = argparse.ArgumentParser(prog="python -m screener.teaching", description="Generate docs/rules.md from the rule files.")
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write-docs", action="store_true", help=f"rewrite {DOCS_PATH}")
    action.add_argument("--check-docs", action="store_true", help="exit 1 when the file is stale")
    args = parser.parse_args(argv)
    if args.write_docs:
        print(f"wrote {write_docs()}")
        return 0
    fresh = rules_markdown(Screener())
    current = DOCS_PATH.read_text(encoding="utf-8") if DOCS_PATH.is_file() else ""
    if current != fresh:
        print(f"{DOCS_PATH} is stale: run `{DOCS_COMMAND}`")
        return 1
    print(f"{DOCS_PATH} is up to date")
    return 0

