"""Teaching: personas, the rule trace as a walk and as a tree, the rule catalogue and its graph.

Everything here is read from the rule data and the engine's trace; nothing clinical is written
twice. For a notebook::

    from screener import Screener
    from screener.teaching import catalogue, dependency_graph, explanation_tree, walk

    screener = Screener()
    answers = {"medications": ["Lasix"], "symptoms": ["muscle_cramps"]}
    print("\\n".join(explanation_tree(walk(screener, screener.run(answers), answers)).lines()))

- ``personas``: the teaching cases (answers + story);
- ``walk``: one screening step by step, and as a tree with "why not";
- ``compare``: two screenings side by side, or one with an answer changed (``with_changes``);
- ``catalogue``: every rule as a reviewer reads it, and which rules feed which;
- ``docs``: ``docs/rules.md`` (``python -m screener.teaching --write-docs``);
- ``words``: facts and conditions in plain words;
- ``render``: all of the above as terminal text.
"""

from __future__ import annotations

from screener.teaching.catalogue import (
    Graph,
    RuleEntry,
    catalogue,
    consumed_by,
    dependency_graph,
    facts_produced,
    graph_mermaid,
    graph_text,
    produced_by,
    rule_entry,
    rules_in_step_order,
)
from screener.teaching.compare import SET_EXAMPLE, Comparison, changes_in_words, compare, with_changes
from screener.teaching.docs import DOCS_COMMAND, DOCS_PATH, main, rules_markdown, write_docs
from screener.teaching.personas import DEFAULT_PERSONAS, Persona, list_personas, load_persona, personas_folder
from screener.teaching.walk import Node, Walk, answer_lines, explanation_tree, walk, why_not
from screener.teaching.words import TeachingError, condition_lines, condition_text, leaf_in_words, words

__all__ = [
    "DEFAULT_PERSONAS",
    "DOCS_COMMAND",
    "DOCS_PATH",
    "SET_EXAMPLE",
    "Comparison",
    "Graph",
    "Node",
    "Persona",
    "RuleEntry",
    "TeachingError",
    "Walk",
    "answer_lines",
    "catalogue",
    "changes_in_words",
    "compare",
    "condition_lines",
    "condition_text",
    "consumed_by",
    "dependency_graph",
    "explanation_tree",
    "facts_produced",
    "graph_mermaid",
    "graph_text",
    "leaf_in_words",
    "list_personas",
    "load_persona",
    "main",
    "personas_folder",
    "produced_by",
    "rule_entry",
    "rules_in_step_order",
    "rules_markdown",
    "walk",
    "why_not",
    "with_changes",
    "words",
    "write_docs",
]
